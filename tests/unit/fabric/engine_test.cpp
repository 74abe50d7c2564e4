// Cycle engine against closed forms: zero-load latency, multicast, conservation, deadlock.
#include <catch2/catch.hpp>

#include "wafersim/core/error.hpp"
#include "wafersim/fabric/cycle/run.hpp"

using namespace wafersim;
using namespace wafersim::cycle;

namespace {

TrafficRunConfig one_message(int w, int h, std::uint32_t src, std::uint32_t dst, int wavelets, int hop,
                             int turn) {
  TrafficRunConfig c;
  c.fabric.width = w;
  c.fabric.height = h;
  c.fabric.hop_latency = hop;
  c.fabric.turn_penalty = turn;
  c.traffic.pattern = Pattern::fixed;
  c.traffic.fixed_src = src;
  c.traffic.fixed_dst = dst;
  c.traffic.rate = 1.0;
  c.traffic.max_messages = 1;
  c.traffic.message_wavelets = wavelets;
  c.traffic.warmup = 0;
  c.traffic.measure = 100;
  return c;
}

}  // namespace

TEST_CASE("zero-load latency = hops x hop latency + serialization (+ one turn)", "[fabric]") {
  struct Case {
    int sx, sy, dx, dy, n, hop, turn;
  };
  const Case cases[] = {{0, 0, 5, 0, 1, 2, 0}, {0, 0, 5, 3, 1, 2, 0},  {7, 7, 0, 0, 4, 2, 0},
                        {2, 1, 2, 6, 3, 3, 0}, {0, 0, 5, 3, 2, 2, 20}, {6, 2, 1, 2, 8, 1, 5}};
  for (const auto& k : cases) {
    const int w = 8;
    auto cfg = one_message(w, 8, static_cast<std::uint32_t>(k.sy * w + k.sx),
                           static_cast<std::uint32_t>(k.dy * w + k.dx), k.n, k.hop, k.turn);
    const auto r = run_traffic(cfg);
    const int hops = std::abs(k.dx - k.sx) + std::abs(k.dy - k.sy);
    const int turns = (k.dx != k.sx && k.dy != k.sy) ? 1 : 0;
    INFO("case " << k.sx << "," << k.sy << " -> " << k.dx << "," << k.dy << " n=" << k.n);
    REQUIRE(r.messages == 1);
    CHECK(r.latency_max == static_cast<std::uint64_t>(hops * k.hop + turns * k.turn + (k.n - 1)));
    CHECK(r.drained);
    CHECK(r.counters.created == r.counters.delivered);
  }
}

TEST_CASE("row broadcast reaches every PE of the row exactly once", "[fabric]") {
  FabricConfig f;
  f.width = 13;
  f.height = 5;
  f.colors = {{3, Routing::static_routes}};
  Engine e(f);
  Program root;
  root.pre = {send(0, 1)};
  Program leaf;
  leaf.pre = {recv(0, 1)};
  const int pr = e.add_program(root);
  const int pl = e.add_program(leaf);
  for (int y = 0; y < f.height; ++y) {
    e.set_route(0, y, 0, kRamp, port_bit(kEast));
    for (int x = 1; x + 1 < f.width; ++x) e.set_route(x, y, 0, kWest, port_bit(kEast) | port_bit(kRamp));
    e.set_route(f.width - 1, y, 0, kWest, port_bit(kRamp));
    for (int x = 0; x < f.width; ++x) e.set_program(x, y, x == 0 ? pr : pl);
  }
  e.run(10000, 1, true);
  REQUIRE(e.programs_done());
  for (int y = 0; y < f.height; ++y)
    for (int x = 0; x < f.width; ++x) CHECK(e.landed(x, y, 0) == 0);
  const auto c = e.counters();
  CHECK(c.delivered == static_cast<std::uint64_t>(f.height * (f.width - 1)));
  CHECK(c.created == c.delivered);
  // The far end's router gets it after (width - 1) hops; its PE sees it the cycle after.
  CHECK(e.program_end_cycle() == 2 * (f.width - 1) + 1);
  e.check_conservation();
}

TEST_CASE("conservation: created = delivered + in flight, mid-run and after the drain", "[fabric]") {
  for (const char* p : {"uniform", "transpose", "bit-complement", "hotspot", "nearest-neighbour",
                        "row-broadcast", "column-reduce"}) {
    TrafficRunConfig c;
    c.fabric.width = 12;
    c.fabric.height = 10;
    c.traffic.pattern = parse_pattern(p);
    c.traffic.rate = 0.3;
    c.traffic.message_wavelets = 3;
    c.traffic.warmup = 200;
    c.traffic.measure = 800;
    c.traffic.xy_colors = 2;
    auto e = make_traffic_engine(c);
    e->run(500, 2, false);
    INFO(p);
    REQUIRE_NOTHROW(e->check_conservation());
    CHECK(e->in_flight() > 0);
    const auto r = run_traffic_with(*e, c, [](Engine& en, std::int64_t u, bool s) { en.run(u, 1, s); });
    CHECK(r.drained);
    CHECK(r.in_flight_end == 0);
    CHECK(r.messages > 0);
  }
}

TEST_CASE("column reduce: each chain hop costs hop latency + the data task", "[fabric]") {
  TrafficRunConfig c;
  c.fabric.width = 3;
  c.fabric.height = 9;
  c.traffic.pattern = Pattern::column_reduce;
  c.traffic.rate = 1.0;
  c.traffic.max_messages = 1;
  c.traffic.measure = 100;
  const auto r = run_traffic(c);
  REQUIRE(r.messages == 3);
  CHECK(r.latency_max == 8u * 2 + 7u * 1);  // 8 hops, 7 forwarding PEs (forward_delay 1)
}

TEST_CASE("deadlock detector names the stuck colour and routers", "[fabric]") {
  FabricConfig f;
  f.width = 2;
  f.height = 2;
  f.colors = {{7, Routing::static_routes}};
  f.deadlock_cycles = 200;
  Engine e(f);
  // A clockwise ring that never ejects: 4 PEs push more than the ring and RAMP queues hold.
  e.set_route(0, 0, 0, kRamp, port_bit(kEast));
  e.set_route(0, 0, 0, kSouth, port_bit(kEast));
  e.set_route(1, 0, 0, kRamp, port_bit(kSouth));
  e.set_route(1, 0, 0, kWest, port_bit(kSouth));
  e.set_route(1, 1, 0, kRamp, port_bit(kWest));
  e.set_route(1, 1, 0, kNorth, port_bit(kWest));
  e.set_route(0, 1, 0, kRamp, port_bit(kNorth));
  e.set_route(0, 1, 0, kEast, port_bit(kNorth));
  Program p;
  p.pre = {send(0, 20)};
  const int id = e.add_program(p);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x) e.set_program(x, y, id);
  try {
    e.run(100000, 1, true);
    FAIL("no deadlock reported");
  } catch (const SimError& err) {
    const std::string m = err.what();
    CHECK_THAT(m, Catch::Contains("deadlock"));
    CHECK_THAT(m, Catch::Contains("stuck colours: 7"));
    CHECK_THAT(m, Catch::Contains("(0,0)"));
  }
  CHECK(e.now() < 1000);
  REQUIRE_NOTHROW(e.check_conservation());
}

TEST_CASE("a PE program waiting for data that never comes is reported, not hung", "[fabric]") {
  FabricConfig f;
  f.width = 2;
  f.height = 1;
  Engine e(f);
  Program p;
  p.pre = {recv(0, 1)};
  e.set_program(1, 0, e.add_program(p));
  CHECK_THROWS_WITH(e.run(1000, 1, true), Catch::Contains("blocked"));
}
