// SystemC shard threads: identical results for 1, 2 and 4 shards and quanta 1 and 2.
// SystemC elaborates once per process, so every runner is created before the first run.
#include <catch2/catch.hpp>

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
  std::vector<TrafficRunConfig> cfgs;
  std::vector<std::unique_ptr<Engine>> engines;
  std::vector<std::unique_ptr<ShardedRunner>> runners;
  for (const auto& s : setups) {
    TrafficRunConfig c = base;
    c.fabric.shards = s.shards;
    c.quantum = s.quantum;
    cfgs.push_back(c);
    engines.push_back(make_traffic_engine(c));
    runners.push_back(std::make_unique<ShardedRunner>(*engines.back(), s.quantum));
  }
  for (std::size_t i = 0; i < cfgs.size(); ++i) {
    ShardedRunner& run = *runners[i];
    const TrafficResult r = run_traffic_with(*engines[i], cfgs[i],
                                             [&run](Engine&, std::int64_t u, bool s) { run.advance(u, s); });
    INFO("shards " << setups[i].shards << " quantum " << setups[i].quantum);
    CHECK(engines[i]->shard_count() == setups[i].shards);
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
