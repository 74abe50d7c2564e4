// `wafersim fabric`: the cycle-level fabric engine with synthetic traffic.
//   wafersim fabric --width 32 --height 32 --pattern uniform --rate 0.05 --cycles 20000
//   wafersim fabric --system configs/cs2.yaml --pattern row-broadcast --cycles 5000   (whole wafer)
// The JSON report is identical byte for byte across repeated runs, shard counts and quanta
// (so it names neither).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/report/heatmap.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/sim/fabric_study.hpp"
#include "wafersim/spec/system_spec.hpp"

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

int run_fabric(const FabricOptions& o) {
  std::vector<Override> ov;
  for (const auto& s : o.sets) ov.push_back(parse_override(s));
  const SystemSpec spec = o.system.empty() ? default_system_spec(ov) : load_system_spec(o.system, ov);
  FabricStudyOptions so;
  so.width = o.width;
  so.height = o.height;
  so.whole_wafer = !o.system.empty();
  so.pattern = o.pattern;
  so.rate = o.rate;
  so.cycles = o.cycles;
  so.warmup = o.warmup;
  so.seed = o.seed;
  so.message_wavelets = o.message_wavelets;
  so.colors = o.colors;
  so.shards = o.shards;
  so.quantum = o.quantum;
  const FabricStudy st = run_fabric_study(spec, so);
  const cycle::TrafficResult& r = st.result;

  if (!o.quiet && o.json != "-") std::cout << format_fabric_text(st);
  if (!o.json.empty()) write_output("--json", o.json, format_fabric_json(st));
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
