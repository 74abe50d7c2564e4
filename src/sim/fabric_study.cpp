// The cycle-level fabric's synthetic-traffic study (fabric_study.hpp).
#include "wafersim/sim/fabric_study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"
#include "wafersim/fabric/cycle/engine.hpp"
#include "wafersim/fabric/cycle/traffic.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/system/sharded.hpp"

namespace wafersim {

FabricStudy run_fabric_study(const SystemSpec& spec, const FabricStudyOptions& o) {
  // Without a system the grid defaults to 32 x 32 (a study mesh); with one, the whole wafer.
  if (o.width == 0 || o.width < -1 || o.height == 0 || o.height < -1)
    throw UsageError(fmt::format("--width/--height {} x {}: expected positive sizes", o.width, o.height));
  const int w = o.width > 0 ? o.width : (o.whole_wafer ? spec.wafer.width : 32);
  const int h = o.height > 0 ? o.height : (o.whole_wafer ? spec.wafer.height : 32);
  if (o.cycles < 1) throw UsageError(fmt::format("--cycles {}: expected >= 1", o.cycles));
  if (o.colors < 1 || o.colors > spec.router.colors)
    throw UsageError(
        fmt::format("--colors {}: expected 1..{} (router.colors)", o.colors, spec.router.colors));
  if (o.shards < 1 || o.shards > h)
    throw UsageError(fmt::format("--shards {}: expected 1..{} (rows)", o.shards, h));
  FabricStudy st;
  st.system_name = spec.name;
  cycle::TrafficRunConfig& c = st.config;
  c.fabric = cycle::fabric_config_from_spec(spec, w, h);
  c.fabric.shards = o.shards;
  c.quantum = o.quantum > 0 ? o.quantum : c.fabric.hop_latency;
  if (c.quantum > c.fabric.hop_latency)
    throw UsageError(
        fmt::format("--quantum {}: expected 1..{} (router.hop_latency)", c.quantum, c.fabric.hop_latency));
  c.traffic.pattern = cycle::parse_pattern(o.pattern);
  c.traffic.rate = o.rate;
  c.traffic.message_wavelets = o.message_wavelets;
  c.traffic.seed = o.seed;
  c.traffic.warmup = o.warmup >= 0 ? o.warmup : std::min<std::int64_t>(1000, o.cycles / 10);
  c.traffic.measure = o.cycles;
  c.traffic.xy_colors = o.colors;
  const auto t0 = std::chrono::steady_clock::now();
  st.result = o.shards > 1 ? cycle::run_traffic_sharded(c) : cycle::run_traffic(c);
  st.host_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

std::string format_fabric_json(const FabricStudy& st) {
  const cycle::TrafficRunConfig& c = st.config;
  const cycle::TrafficResult& r = st.result;
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["command"] = "fabric";
  j["system"] = st.system_name;
  j["grid"] = {{"width", r.width}, {"height", r.height}};
  j["router"] = {{"hop_latency", c.fabric.hop_latency},
                 {"turn_penalty", c.fabric.turn_penalty},
                 {"queue_depth", c.fabric.queue_depth},
                 {"colors_used", cycle::is_point_to_point(c.traffic.pattern) ? c.traffic.xy_colors : 1}};
  j["traffic"] = {{"pattern", r.pattern},
                  {"rate", r.rate},
                  {"message_wavelets", r.message_wavelets},
                  {"seed", r.seed},
                  {"sources", r.sources},
                  {"warmup_cycles", r.warmup},
                  {"measure_cycles", r.measure}};
  j["cycles"] = r.cycles;
  j["drained"] = r.drained;
  j["offered_wavelets_per_node_cycle"] = r.offered;
  j["accepted_wavelets_per_node_cycle"] = r.accepted;
  j["latency_cycles"] = {{"messages", r.messages},
                         {"avg", r.latency_avg},
                         {"p50", r.latency_p50},
                         {"p99", r.latency_p99},
                         {"max", r.latency_max}};
  j["link_utilization"] = {{"max", r.link_util_max}, {"mean", r.link_util_mean}};
  j["wavelets"] = {{"created", r.counters.created},
                   {"delivered", r.counters.delivered},
                   {"link_hops", r.counters.link_moves},
                   {"in_flight_end_of_window", r.in_flight_end_of_window},
                   {"in_flight_end", r.in_flight_end}};
  return json_text(j, 2) + "\n";
}

std::string format_fabric_text(const FabricStudy& st) {
  const cycle::TrafficRunConfig& c = st.config;
  const cycle::TrafficResult& r = st.result;
  const double seconds = st.host_s;
  std::string s;
  s += fmt::format("Fabric: {} x {} routers ({}), hop {} cycles, turn +{}, queues {} per colour\n", r.width,
                   r.height, st.system_name, c.fabric.hop_latency, c.fabric.turn_penalty,
                   c.fabric.queue_depth);
  s += fmt::format("Traffic: {} at {} wavelets/source/cycle, {}-wavelet messages, {} source(s), seed {}\n",
                   r.pattern, r.rate, r.message_wavelets, r.sources, r.seed);
  s += fmt::format("Phases: warm-up {} + measurement {} cycles, {} cycles simulated ({})\n", r.warmup,
                   r.measure, r.cycles, r.drained ? "drained" : "NOT drained: saturated");
  // Broadcasts and reductions deliver one injected wavelet at many PEs: accepted can exceed offered.
  s += fmt::format(
      "Throughput: offered {:.4f} (injected per node), accepted {:.4f} (delivered per node) "
      "wavelets/node/cycle\n",
      r.offered, r.accepted);
  s += fmt::format("Latency (cycles, {} messages): avg {:.2f}, p50 {}, p99 {}, max {}\n", r.messages,
                   r.latency_avg, r.latency_p50, r.latency_p99, r.latency_max);
  s += fmt::format("Link utilization: max {:.3f}, mean {:.3f}\n", r.link_util_max, r.link_util_mean);
  s += fmt::format("Wavelets: {} created, {} delivered, {} in flight at end of window, {} at end\n",
                   r.counters.created, r.counters.delivered, r.in_flight_end_of_window, r.in_flight_end);
  const double rc = static_cast<double>(r.width) * r.height * static_cast<double>(r.cycles);
  s += fmt::format("Host: {:.2f} s, {:.1f} M router-cycles/s\n", seconds,
                   seconds > 0 ? rc / seconds / 1e6 : 0.0);
  return s;
}

}  // namespace wafersim
