#pragma once
// A small weight-streaming cluster for the SystemC tests: `layers` identical layers and the
// links at the given rates (1 us latency each). Tests change what they study afterwards.
#include <string>

#include "wafersim/system/cluster.hpp"

namespace wafersim::test {

struct LayerShape {
  double weight_bytes = 1e6;  // streamed in per pass, and the gradient out
  double forward_s = 1e-3;
  double backward_s = 2e-3;
  double optimizer_s = 1e-4;
};

inline ClusterConfig small_cluster(int systems, int layers, const LayerShape& shape,
                                   double memoryx_rate = 150e9, double swarmx_rate = 150e9,
                                   double io_rate = 150e9) {
  ClusterConfig c;
  c.systems = systems;
  c.steps = 3;
  c.micro_batches = 1;
  for (int i = 0; i < layers; ++i) {
    ClusterLayer l;
    l.name = "l" + std::to_string(i);
    l.weight_bytes = shape.weight_bytes;
    l.grad_bytes = shape.weight_bytes;
    l.forward_s = Seconds(shape.forward_s);
    l.backward_s = Seconds(shape.backward_s);
    l.optimizer_s = Seconds(shape.optimizer_s);
    c.layers.push_back(l);
  }
  c.memoryx = {BytesPerSecond(memoryx_rate), Seconds(1e-6)};
  c.swarmx = {BytesPerSecond(swarmx_rate), Seconds(1e-6)};
  c.io = {BytesPerSecond(io_rate), Seconds(1e-6)};
  c.input = {BytesPerSecond(50e9), Seconds(1e-6)};
  c.input_bytes_per_micro = 1e5;
  c.chunk_bytes = 1 << 20;
  return c;
}

}  // namespace wafersim::test
