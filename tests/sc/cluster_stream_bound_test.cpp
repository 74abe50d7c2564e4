// One SystemC run per process: 16 systems whose step is bound by the CS-2 I/O ports.
#include <catch2/catch.hpp>

#include "test_cluster.hpp"
#include "wafersim/system/cluster.hpp"

using namespace wafersim;

TEST_CASE("I/O-bound weight streaming on a 16-system SwarmX tree", "[sc]") {
  // 1.2 GB per layer: 8 ms on a 150 GB/s port, the slowest link on the path.
  ClusterConfig c = test::small_cluster(16, 3, {1.2e9, 1e-3, 1e-3, 1e-3}, 300e9, 300e9, 150e9);
  c.fanout = 4;
  c.chunk_bytes = 32 << 20;
  const ClusterResult r = run_cluster(c);
  CHECK(r.swarmx_nodes == 5);  // 4 leaves + the root
  CHECK(r.swarmx_levels == 2);
  const double window = r.window_end_s - r.window_start_s;
  const double step = window / 2;
  const double one = 1.2e9 / 150e9;    // one layer's weights through a CS-2 port: 8 ms
  const double streams = 2 * 3 * one;  // weights in, both passes
  CHECK(step >= streams);
  // The update boundary: layer 0's gradient out (one stream), its update (1 ms) and its
  // weights back in (one stream) cannot overlap anything: at most two streams of bubble.
  CHECK(step <= streams + 2 * one + 1e-3 + 2e-3);
  double io_busy = 0;
  for (const auto& l : r.links)
    if (l.name == "io_in_7") io_busy = l.busy_s;
  CHECK(io_busy / window > 0.75);
  CHECK(r.wait_weights_s > 0.5 * window);
  // Gradients were reduced: MemoryX received one copy per layer and step, not sixteen.
  for (const auto& l : r.links)
    if (l.name == "memoryx_in") CHECK(l.bytes == Approx(3 * 3 * 1.2e9));
}
