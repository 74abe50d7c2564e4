// One SystemC run per process: a compute-bound cluster whose step time has a closed form.
#include <catch2/catch.hpp>

#include "test_cluster.hpp"
#include "wafersim/system/cluster.hpp"

using namespace wafersim;

TEST_CASE("compute-bound weight streaming: step = sum of kernels + update bubble", "[sc]") {
  // 1 MB of weights: ~7 us at 150 GB/s, hidden behind 1 ms kernels.
  ClusterConfig c = test::small_cluster(1, 4, {1e6, 1e-3, 2e-3, 1e-4});
  c.steps = 4;
  c.micro_batches = 2;
  const ClusterResult r = run_cluster(c);
  REQUIRE(r.step_end_s.size() == 4u);
  const double kernels = 2 * 4 * 3e-3;  // micro-batches x layers x (fwd + bwd)
  const double step = (r.window_end_s - r.window_start_s) / 3;
  // Bubble at the update boundary: layer 0's gradient out, its update, its weights back in.
  CHECK(step > kernels);
  CHECK(step < kernels + 1e-4 + 3 * 20e-6 + 1e-5);
  CHECK(r.wafer_busy_s == Approx(3 * kernels).epsilon(1e-6));
  CHECK(r.wait_input_s == Approx(0).margin(1e-9));
  CHECK(r.swarmx_nodes == 1);
  CHECK(r.swarmx_levels == 1);
  // Every step ends later than the one before, by the same amount in steady state.
  CHECK(r.step_end_s[2] - r.step_end_s[1] == Approx(r.step_end_s[3] - r.step_end_s[2]).epsilon(1e-9));
}
