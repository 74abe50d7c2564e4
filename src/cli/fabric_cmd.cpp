// `wafersim fabric`: the cycle-level fabric engine with synthetic traffic.
//   wafersim fabric --width 32 --height 32 --pattern uniform --rate 0.05 --cycles 20000
//   wafersim fabric --system configs/cs2.yaml --pattern row-broadcast --cycles 5000   (whole wafer)
// The JSON report is identical byte for byte across repeated runs, shard counts and quanta
// (so it names neither).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/report/heatmap.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/system/sharded.hpp"

namespace wafersim::cli {

namespace {

struct FabricOptions {
  std::string system;
  std::vector<std::string> sets;
  int width = -1, height = -1;  // -1 = not given
  std::string pattern = "uniform";
  double rate = 0.05;
  std::int64_t cycles = 10000;
  std::int64_t warmup = -1;
  std::uint64_t seed = 1;
  int message_wavelets = 1;
  int colors = 4;
  int shards = 1;
  int quantum = 0;
  std::string json, svg, png;
  std::string scale = "data";  // heatmap colour scale: data | zero | unit
  bool quiet = false;
};

std::string json_report(const SystemSpec& spec, const cycle::TrafficRunConfig& c,
                        const cycle::TrafficResult& r) {
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["command"] = "fabric";
  j["system"] = spec.name;
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
  return j.dump(2) + "\n";
}

std::string text_report(const SystemSpec& spec, const cycle::TrafficRunConfig& c,
                        const cycle::TrafficResult& r, double seconds) {
  std::string s;
  s += fmt::format("Fabric: {} x {} routers ({}), hop {} cycles, turn +{}, queues {} per colour\n", r.width,
                   r.height, spec.name, c.fabric.hop_latency, c.fabric.turn_penalty, c.fabric.queue_depth);
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

int run_fabric(const FabricOptions& o) {
  std::vector<Override> ov;
  for (const auto& s : o.sets) ov.push_back(parse_override(s));
  const SystemSpec spec = o.system.empty() ? default_system_spec(ov) : load_system_spec(o.system, ov);
  // Without --system the grid defaults to 32 x 32 (a study mesh); with it, the whole wafer.
  if (o.width == 0 || o.width < -1 || o.height == 0 || o.height < -1)
    throw UsageError(fmt::format("--width/--height {} x {}: expected positive sizes", o.width, o.height));
  const int w = o.width > 0 ? o.width : (o.system.empty() ? 32 : spec.wafer.width);
  const int h = o.height > 0 ? o.height : (o.system.empty() ? 32 : spec.wafer.height);
  if (o.cycles < 1) throw UsageError(fmt::format("--cycles {}: expected >= 1", o.cycles));
  if (o.colors < 1 || o.colors > spec.router.colors)
    throw UsageError(
        fmt::format("--colors {}: expected 1..{} (router.colors)", o.colors, spec.router.colors));
  if (o.shards < 1 || o.shards > h)
    throw UsageError(fmt::format("--shards {}: expected 1..{} (rows)", o.shards, h));
  cycle::TrafficRunConfig c;
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
  const cycle::TrafficResult r = o.shards > 1 ? cycle::run_traffic_sharded(c) : cycle::run_traffic(c);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!o.quiet && o.json != "-") std::cout << text_report(spec, c, r, secs);
  if (!o.json.empty()) write_output("--json", o.json, json_report(spec, c, r));
  if (!o.svg.empty() || !o.png.empty()) {
    Heatmap hm;
    hm.width = r.width;
    hm.height = r.height;
    hm.values = r.link_heat;
    hm.title = fmt::format("{} at {}: busiest output link per router", r.pattern, r.rate);
    hm.legend = "link utilization (wavelets/cycle)";
    hm.x_label = "x (router)";
    hm.y_label = "y (router)";
    // A light-load run uses a few percent of each link: a fixed 0..1 scale would paint it all
    // dark. The legend always shows the range the colours span.
    if (o.scale == "unit") {
      hm.min = 0;
      hm.max = 1;
    } else if (o.scale == "zero") {
      const double mx = r.link_heat.empty() ? 0.0 : *std::max_element(r.link_heat.begin(), r.link_heat.end());
      hm.min = 0;
      hm.max = mx > 0 ? mx : 1;
    }  // "data": min = max = 0 -> the heatmap spans the data's own min .. max
    if (!o.svg.empty()) write_heatmap_svg(o.svg, hm);
    if (!o.png.empty()) write_heatmap_png(o.png, hm);
  }
  return 0;
}

}  // namespace

Runner add_fabric_command(CLI::App& app) {
  auto o = std::make_shared<FabricOptions>();
  app.add_option("--system", o->system, "System config (YAML); the grid defaults to its whole wafer");
  app.add_option("--set", o->sets, "Override a config value: path=value (repeatable)");
  app.add_option("--width", o->width, "Routers per row (default 32, or the wafer's)");
  app.add_option("--height", o->height, "Rows (default 32, or the wafer's)");
  app.add_option(
      "--pattern", o->pattern,
      "uniform | transpose | bit-complement | hotspot | nearest-neighbour | row-broadcast | column-reduce");
  app.add_option("--rate", o->rate, "Offered wavelets per source PE per cycle (Bernoulli), 0 < rate <= 1");
  app.add_option("--cycles", o->cycles,
                 "Measurement window in cycles (generation stops after it; then drain)");
  app.add_option("--warmup", o->warmup, "Warm-up cycles before the window (default min(1000, cycles/10))");
  app.add_option("--seed", o->seed, "Random seed (deterministic)");
  app.add_option("--message-wavelets", o->message_wavelets, "Wavelets per message");
  app.add_option("--colors", o->colors, "Colours point-to-point traffic spreads over (virtual channels)");
  app.add_option("--shards", o->shards,
                 "Horizontal shards stepped by SystemC threads (results do not change)");
  app.add_option("--quantum", o->quantum,
                 "Cycles per shard synchronisation, 1..hop latency (default: hop latency)");
  app.add_option("--json", o->json, "Write the JSON report to FILE ('-' = stdout)");
  app.add_option("--svg", o->svg, "Write a link-utilization heatmap (SVG)");
  app.add_option("--png", o->png, "Write a link-utilization heatmap (PNG)");
  app.add_option("--scale", o->scale,
                 "Heatmap colour scale: data (min..max of the run, default), zero (0..max) or unit (0..1)")
      ->check(CLI::IsMember({"data", "zero", "unit"}));
  app.add_flag("-q,--quiet", o->quiet, "No text report");
  return [o]() { return run_fabric(*o); };
}

}  // namespace wafersim::cli
