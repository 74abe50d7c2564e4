// The timeline trace: valid JSON, monotonic and properly nested slices per track, every
// kernel once per traced step, pass and micro-batch, flow arrows that start and finish.
// One SystemC run per process: this file is its own executable.
#include "wafersim/report/trace.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;
using nlohmann::json;

namespace {

void check_tracks(const json& events) {
  std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> tracks;
  for (const auto& e : events)
    if (e["ph"] == "X")
      tracks[{e["pid"].get<int>(), e["tid"].get<int>()}].push_back(
          {e["ts"].get<double>(), e["dur"].get<double>()});
  REQUIRE_FALSE(tracks.empty());
  for (const auto& [key, slices] : tracks) {
    INFO("track pid " << key.first << " tid " << key.second);
    std::vector<double> open_ends;  // stack of enclosing slice ends
    double last_ts = -1;
    for (const auto& [ts, dur] : slices) {
      CHECK(dur >= 0);
      CHECK(ts >= last_ts);  // monotonic in file order
      last_ts = ts;
      // Timestamps are printed to the nanosecond: allow that rounding between neighbours.
      while (!open_ends.empty() && open_ends.back() <= ts + 2e-3) open_ends.pop_back();
      // Nested properly: a slice that starts inside another ends inside it.
      if (!open_ends.empty()) CHECK(ts + dur <= open_ends.back() + 1e-3);
      open_ends.push_back(ts + dur);
    }
  }
  std::set<long long> starts, finishes;
  for (const auto& e : events) {
    if (e["ph"] == "s") starts.insert(e["id"].get<long long>());
    if (e["ph"] == "f") finishes.insert(e["id"].get<long long>());
  }
  CHECK(starts == finishes);
}

}  // namespace

TEST_CASE("weight-streaming trace of two CS-2s", "[sc][trace]") {
  const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/small-wafer.yaml");
  ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/tiny-gpt.yaml");
  model.training.batch = 512;  // more than fits at once: several micro-batches
  RunOptions opt;
  opt.systems = 2;
  opt.trace = true;
  opt.trace_steps = 2;
  const RunStats st = simulate(spec, model, opt);
  REQUIRE(st.micro_batches > 1);
  const json j = json::parse(trace_json(st.timeline));
  const json& ev = j["traceEvents"];
  check_tracks(ev);
  // Processes: each wafer, its I/O ports, input workers, MemoryX and the SwarmX node(s).
  std::map<int, std::string> procs;
  std::map<std::pair<int, int>, std::string> threads;
  for (const auto& e : ev) {
    if (e["ph"] == "M" && e["name"] == "process_name") procs[e["pid"]] = e["args"]["name"];
    if (e["ph"] == "M" && e["name"] == "thread_name") threads[{e["pid"], e["tid"]}] = e["args"]["name"];
  }
  std::set<std::string> names;
  for (const auto& [pid, n] : procs) names.insert(n);
  for (const char* want : {"MemoryX", "system 0 wafer", "system 1 wafer", "system 0 I/O ports",
                           "system 1 I/O ports", "input workers 0", "input workers 1", "SwarmX l0_0"})
    CHECK(names.count(want) == 1);
  // Every kernel of the report once per traced step, pass and micro-batch on every wafer.
  for (const auto& [pid, pname] : procs) {
    if (pname.find("wafer") == std::string::npos) continue;
    std::map<std::string, int> count;
    for (const auto& e : ev)
      if (e["ph"] == "X" && e["pid"] == pid && threads[{pid, e["tid"]}] == "kernels") ++count[e["name"]];
    for (const auto& l : st.layers)
      for (const char* pass : {" fwd", " bwd"}) {
        INFO(pname << ": " << l.name << pass);
        CHECK(count[l.name + pass] == st.micro_batches * opt.trace_steps);
      }
  }
  // Weight streams are connected to the kernels that consume them.
  int flows = 0;
  for (const auto& e : ev) flows += e["ph"] == "s" ? 1 : 0;
  CHECK(flows == 2 * static_cast<int>(st.layers.size()) * 2 * st.micro_batches * opt.trace_steps);
  CHECK(trace_json(st.timeline).size() < 20u * 1024 * 1024);
}

TEST_CASE("pipelined trace", "[sc][trace]") {
  const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/small-wafer.yaml");
  ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/tiny-gpt.yaml");
  RunOptions opt;
  opt.mode = Mode::pipelined;
  opt.trace = true;
  opt.trace_steps = 1;
  const RunStats st = simulate(spec, model, opt);
  const json j = json::parse(trace_json(st.timeline));
  check_tracks(j["traceEvents"]);
  int fwd = 0, bwd = 0, upd = 0;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] != "X") continue;
    if (e["cat"] == "forward") ++fwd;
    if (e["cat"] == "backward") ++bwd;
    if (e["cat"] == "update") ++upd;
  }
  const int stages = static_cast<int>(st.stages.size());
  CHECK(fwd == stages * st.batch);
  CHECK(bwd == stages * st.batch);
  CHECK(upd == stages);
}
