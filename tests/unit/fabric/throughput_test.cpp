// Saturation throughput and shard/quantum independence of the cycle engine.
#include <catch2/catch.hpp>

#include "wafersim/fabric/cycle/run.hpp"

using namespace wafersim::cycle;

namespace {
TrafficRunConfig uniform(int k, double rate, int colors) {
  TrafficRunConfig c;
  c.fabric.width = k;
  c.fabric.height = k;
  c.traffic.pattern = Pattern::uniform;
  c.traffic.rate = rate;
  c.traffic.warmup = 1000;
  c.traffic.measure = 4000;
  c.traffic.xy_colors = colors;
  c.drain_limit = 1;  // past saturation the source backlog never drains; not needed here
  return c;
}
}  // namespace

TEST_CASE("uniform random saturates near the bisection bound 4/k on a k x k XY mesh", "[fabric]") {
  // Offered far above capacity: accepted throughput is the saturation throughput.
  const int k = 8;
  const auto r = run_traffic(uniform(k, 1.0, 8));
  INFO("accepted " << r.accepted);
  CHECK(r.accepted == Approx(4.0 / k).epsilon(0.10));
  // Below saturation, accepted = offered.
  const auto low = run_traffic(uniform(k, 0.2, 8));
  CHECK(low.accepted == Approx(0.2).epsilon(0.05));
}

TEST_CASE("results do not depend on the shard count or the quantum", "[fabric]") {
  for (const char* p : {"uniform", "row-broadcast", "column-reduce", "hotspot"}) {
    TrafficRunConfig c = uniform(10, 0.15, 3);
    c.fabric.height = 13;
    c.fabric.turn_penalty = 3;
    c.traffic.pattern = parse_pattern(p);
    c.traffic.warmup = 100;
    c.traffic.measure = 600;
    c.traffic.message_wavelets = 2;
    c.drain_limit = 0;
    c.fabric.shards = 1;
    c.quantum = 1;
    const auto base = run_traffic(c);
    for (int shards : {2, 3, 5, 13})
      for (int q : {1, 2}) {
        c.fabric.shards = shards;
        c.quantum = q;
        const auto r = run_traffic(c);
        INFO(p << " shards " << shards << " quantum " << q);
        CHECK(r.counters.created == base.counters.created);
        CHECK(r.counters.latency_sum == base.counters.latency_sum);
        CHECK(r.counters.window_link_moves == base.counters.window_link_moves);
        CHECK(r.latency_p99 == base.latency_p99);
        CHECK(r.cycles == base.cycles);
        CHECK(r.link_heat == base.link_heat);
      }
  }
}
