// The chain at a weight-streaming step boundary (RunStats::step_boundary): the last gradient
// reduced up the SwarmX tree, its update in MemoryX, the next step's first weights broadcast
// down. Several cluster runs in one process (run_cluster has a kernel context per run).
#include <catch2/catch.hpp>

#include "sim/observe.hpp"
#include "test_cluster.hpp"
#include "wafersim/system/cluster.hpp"

using namespace wafersim;

namespace {

ClusterConfig cluster(int systems, double overhead_s) {
  // 30 MB per layer: 0.2 ms at 150 GB/s per hop.
  ClusterConfig c = test::small_cluster(systems, 4, {30e6, 1e-3, 2e-3, 5e-4});
  c.step_overhead_s = Seconds(overhead_s);
  return c;
}

struct Run {
  StepBoundary sb;
  double step_s = 0;
};

Run run(int systems, double overhead_s) {
  const ClusterConfig c = cluster(systems, overhead_s);
  const ClusterResult r = run_cluster(c);
  return {detail::ws_step_boundary(r, c, overhead_s), (r.window_end_s - r.window_start_s) / (c.steps - 1)};
}

}  // namespace

TEST_CASE("step boundary: the chain's parts add up, and without host overhead the wafer waits for it",
          "[sc]") {
  const Run a = run(1, 0.0);
  REQUIRE(a.sb.present);
  CHECK(a.sb.swarmx_levels == 1);
  CHECK(a.sb.reduce_s > 0);
  // The update takes the layer's optimizer time (nothing queued before layer 0's).
  CHECK(a.sb.update_s == Approx(5e-4).epsilon(1e-6));
  CHECK(a.sb.broadcast_s > 0);
  CHECK(a.sb.chain_s == Approx(a.sb.reduce_s + a.sb.update_s + a.sb.broadcast_s).epsilon(1e-9));
  // Nothing hides it: the first kernel of the next step starts when its weights are in.
  CHECK(a.sb.exposed_s == Approx(a.sb.chain_s).epsilon(1e-6));
  CHECK(a.step_s == Approx(4 * 3e-3 + a.sb.chain_s).epsilon(1e-6));
}

TEST_CASE("step boundary: host overhead longer than the chain hides it", "[sc]") {
  const Run a = run(1, 0.0);
  const Run b = run(1, 0.01);
  REQUIRE(b.sb.present);
  CHECK(b.sb.chain_s == Approx(a.sb.chain_s).epsilon(1e-9));
  CHECK(b.sb.exposed_s == 0.0);
  CHECK(b.step_s == Approx(4 * 3e-3 + 0.01).epsilon(1e-6));
}

TEST_CASE("step boundary: a deeper SwarmX tree lengthens the chain both ways", "[sc]") {
  const Run one = run(1, 0.0);
  const Run many = run(64, 0.0);  // fanout 4: 3 levels
  REQUIRE(many.sb.present);
  CHECK(many.sb.swarmx_levels == 3);
  CHECK(many.sb.reduce_s > one.sb.reduce_s);
  CHECK(many.sb.broadcast_s > one.sb.broadcast_s);
  CHECK(many.sb.update_s == Approx(one.sb.update_s).epsilon(1e-9));
  // Weak scaling is not exactly linear once the chain is exposed: the step is longer by the
  // chain's growth.
  CHECK(many.step_s > one.step_s);
  CHECK(many.step_s - one.step_s == Approx(many.sb.chain_s - one.sb.chain_s).epsilon(1e-3));
}
