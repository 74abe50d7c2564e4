// SystemC shard threads: identical results for 1, 2 and 4 shards and quanta 1 and 2.
// Each runner is a SystemC simulation of its own, run to the end before the next (a second
// runner alive at once on the same thread is refused with SimError: tested below).
#include <catch2/catch.hpp>

#include "wafersim/core/error.hpp"
#include "wafersim/system/sharded.hpp"

using namespace wafersim::cycle;

TEST_CASE("sharded SystemC runs are identical for any shard count and quantum", "[sc]") {
  TrafficRunConfig base;
  base.fabric.width = 12;
  base.fabric.height = 16;
  base.fabric.turn_penalty = 2;
  base.traffic.pattern = Pattern::uniform;
  base.traffic.rate = 0.2;
  base.traffic.message_wavelets = 2;
  base.traffic.warmup = 200;
  base.traffic.measure = 1500;
  base.traffic.xy_colors = 2;
  const TrafficResult reference = run_traffic(base);

  struct Setup {
    int shards, quantum;
  };
  const Setup setups[] = {{1, 1}, {2, 2}, {4, 1}, {4, 2}};
  for (const auto& setup : setups) {
    TrafficRunConfig c = base;
    c.fabric.shards = setup.shards;
    c.quantum = setup.quantum;
    const auto engine = make_traffic_engine(c);
    ShardedRunner run(*engine, setup.quantum);
    const TrafficResult r =
        run_traffic_with(*engine, c, [&run](Engine&, std::int64_t u, bool s) { run.advance(u, s); });
    INFO("shards " << setup.shards << " quantum " << setup.quantum);
    CHECK(engine->shard_count() == setup.shards);
    CHECK(run.quanta() > 0);
    CHECK(r.drained);
    CHECK(r.cycles == reference.cycles);
    CHECK(r.counters.created == reference.counters.created);
    CHECK(r.counters.latency_sum == reference.counters.latency_sum);
    CHECK(r.latency_p99 == reference.latency_p99);
    CHECK(r.counters.window_link_moves == reference.counters.window_link_moves);
    CHECK(r.link_heat == reference.link_heat);
  }
}

TEST_CASE("a second SystemC simulation open on the same thread is refused, not a deadlock", "[sc]") {
  TrafficRunConfig c;
  c.fabric.width = 4;
  c.fabric.height = 4;
  c.traffic.warmup = 10;
  c.traffic.measure = 100;
  const auto e1 = make_traffic_engine(c);
  const auto e2 = make_traffic_engine(c);
  ShardedRunner first(*e1, 1);
  CHECK_THROWS_AS(ShardedRunner(*e2, 1), wafersim::SimError);
}
