// One process, several SystemC runs (sc::Session): offloaded checkpoints (sim.checkpoint_store)
// leave after each forward kernel and come back before the backward kernel of the same layer.
#include <catch2/catch.hpp>

#include "test_cluster.hpp"
#include "wafersim/system/cluster.hpp"

using namespace wafersim;

namespace {
double step_of(const ClusterResult& r) { return (r.window_end_s - r.window_start_s) / 2; }

ClusterConfig offloaded(double checkpoint_bytes, double activation_rate) {
  // 4 layers of 1 ms forward and 2 ms backward; weights small enough to hide.
  ClusterConfig c = test::small_cluster(1, 4, {1e6, 1e-3, 2e-3, 1e-4});
  for (auto& l : c.layers) l.checkpoint_bytes = checkpoint_bytes;
  c.activation = {BytesPerSecond(activation_rate), Seconds(1e-6)};
  return c;
}

double link_bytes(const ClusterResult& r, const std::string& name) {
  for (const auto& l : r.links)
    if (l.name == name) return l.bytes;
  return -1;
}
}  // namespace

TEST_CASE("offloaded checkpoints on a fast path cost nothing; on a slow one they bound the step", "[sc]") {
  const ClusterResult kept = run_cluster(offloaded(0, 150e9));
  CHECK(link_bytes(kept, "ckpt_out_0") < 0);  // nothing offloaded: no path built
  CHECK(kept.wait_checkpoints_s == 0);

  // 1 MB per layer at 150 GB/s: 7 us each way, under every kernel.
  const ClusterResult fast = run_cluster(offloaded(1e6, 150e9));
  CHECK(step_of(fast) == Approx(step_of(kept)).epsilon(0.01));
  CHECK(fast.wait_checkpoints_s < 0.01 * (fast.window_end_s - fast.window_start_s));
  // Every layer's input out and back once per step: 4 layers x 1 MB x 3 steps each way.
  CHECK(link_bytes(fast, "ckpt_out_0") == Approx(12e6));
  CHECK(link_bytes(fast, "ckpt_in_0") == Approx(12e6));

  // 1 GB per layer at 100 GB/s: 10 ms each way, far over the 1-2 ms kernels. The last layer's
  // input leaves after all the others (out in order) and the restores come back one by one,
  // so a step takes at least all four out and all four back.
  const double transfer = 1e9 / 100e9;
  const ClusterResult slow = run_cluster(offloaded(1e9, 100e9));
  const double step = step_of(slow);
  CHECK(step >= 8 * transfer);
  CHECK(step <= 8 * transfer + 4 * 3e-3 + 2e-3);  // + the kernels and the latencies
  CHECK(slow.wait_checkpoints_s > 0.5 * (slow.window_end_s - slow.window_start_s));
  // Backward kernels wait for their inputs to come back; forward kernels wait for SRAM (two
  // layer inputs at most) while earlier inputs are still leaving.
  int forward = 0, backward = 0;
  for (const auto& s : slow.cs2.front().checkpoint_stalls) {
    CHECK(s.t1 > s.t0);
    CHECK(s.layer >= 0);
    CHECK(s.layer < 4);
    (decode_stream(s.id, 4, 1).pass == 0 ? forward : backward) += 1;
  }
  CHECK(forward > 0);
  CHECK(backward > 0);
}
