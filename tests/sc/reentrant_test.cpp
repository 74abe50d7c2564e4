// Many simulations in one process: every SystemC run elaborates in a kernel context of its
// own (src/system/sc_session.hpp). Runs A, B, A give byte-identical reports and traces for both
// A's; the cycle engine's SystemC shards run after a cluster and again; several threads
// simulating at once give the reports a single thread gives. (That each report equals a fresh
// process's `wafersim run --json` is checked by tests/python/test_api.py.)
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "system/sc_session.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/report/trace.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/system/sharded.hpp"

using namespace wafersim;

namespace {

struct Out {
  std::string json, trace;
};

Out run_a() {
  const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/small-wafer.yaml");
  ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/tiny-gpt.yaml");
  model.training.batch = 512;
  RunOptions opt;
  opt.systems = 2;
  opt.trace = true;
  const RunStats st = simulate(spec, model, opt);
  return {format_json_report(st), trace_json(st.timeline)};
}

Out run_b() {
  const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs2.yaml");
  const ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/gpt2-small.yaml");
  RunOptions opt;
  opt.systems = 3;
  opt.steps = 4;
  const RunStats st = simulate(spec, model, opt);
  return {format_json_report(st), {}};
}

cycle::TrafficResult sharded_traffic() {
  cycle::TrafficRunConfig c;
  c.fabric.width = 8;
  c.fabric.height = 8;
  c.fabric.shards = 2;
  c.quantum = 1;
  c.traffic.pattern = cycle::Pattern::uniform;
  c.traffic.rate = 0.2;
  c.traffic.warmup = 100;
  c.traffic.measure = 500;
  return cycle::run_traffic_sharded(c);
}

}  // namespace

TEST_CASE("runs A, B, A in one process give identical reports for both A's", "[sc][reentrant]") {
  const long long before = sc::Session::completed();
  const Out a1 = run_a();
  const Out b = run_b();
  const Out a2 = run_a();
  CHECK(sc::Session::completed() - before == 3);
  CHECK(a1.json == a2.json);
  CHECK(a1.trace == a2.trace);
  CHECK(a1.json != b.json);
  CHECK(a1.json.find("\"samples_per_s\"") != std::string::npos);
}

TEST_CASE("the sharded cycle engine runs after a cluster run, and again", "[sc][reentrant]") {
  const cycle::TrafficResult t1 = sharded_traffic();
  (void)run_b();
  const cycle::TrafficResult t2 = sharded_traffic();
  CHECK(t1.messages == t2.messages);
  CHECK(t1.cycles == t2.cycles);
  CHECK(t1.latency_avg == t2.latency_avg);
  CHECK(t1.messages > 0);
}

TEST_CASE("threads simulating at once give the single-thread reports", "[sc][reentrant][threads]") {
  const Out ref_a = run_a();
  const Out ref_b = run_b();
  constexpr int kThreads = 4;
  std::vector<Out> got(kThreads);
  std::vector<std::thread> pool;
  for (int i = 0; i < kThreads; ++i)
    pool.emplace_back([i, &got] { got[static_cast<std::size_t>(i)] = i % 2 == 0 ? run_a() : run_b(); });
  for (auto& t : pool) t.join();
  for (int i = 0; i < kThreads; ++i) {
    const Out& ref = i % 2 == 0 ? ref_a : ref_b;
    CHECK(got[static_cast<std::size_t>(i)].json == ref.json);
    CHECK(got[static_cast<std::size_t>(i)].trace == ref.trace);
  }
}
