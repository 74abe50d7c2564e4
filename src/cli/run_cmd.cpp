#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "model_options.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/energy/energy_model.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/report/heatmap.hpp"
#include "wafersim/report/json_report.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/report/trace.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/param_ranges.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/sweep/uncertainty.hpp"

namespace wafersim::cli {

namespace {
struct RunArgs {
  SystemArgs sys;
  ModelArgs mdl;
  std::string json;
  RunOptions opt;
  std::string mode = "weight-streaming";
  std::string fidelity = "approx";
  std::optional<int> systems;
  std::optional<int> steps;
  bool quiet = false;
  std::string trace;
  bool breakdown = false;
  bool energy = false;
  std::string heatmap;
  std::string png;
  std::string svg;
  bool uncertainty = false;
  sweep::UncertaintyOptions unc;
};

}  // namespace

Runner add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  add_system_options(app, a->sys);
  add_model_options(app, a->mdl, true, true, true);
  app.add_option("--systems", a->systems, "Number of systems (data parallel), 1..192");
  app.add_option("--steps", a->steps, "Training steps to simulate, >= 2 (default: 3; the first is warm-up)");
  app.add_option("--mode", a->mode, "weight-streaming | pipelined | auto")->capture_default_str();
  app.add_option(
         "--fidelity", a->fidelity,
         "approx, or cycle: also run every GEMM kernel on the cycle-level fabric engine (small wafers)")
      ->capture_default_str();
  app.add_option("--json", a->json, "Write the JSON report to FILE ('-' for stdout)");
  app.add_flag("-q,--quiet", a->quiet, "Print no text report");
  app.add_option("--trace", a->trace, "Write a timeline trace (Chrome trace / Perfetto JSON) to FILE");
  app.add_option("--trace-steps", a->opt.trace_steps, "Steps (batches) to trace, from the first (default 2)");
  app.add_flag("--breakdown", a->breakdown, "Print where the step time goes (per cause, per layer)");
  app.add_flag("--energy", a->energy,
               "Print energy per step and per sample, power per system and its parts (the system's "
               "energy: section; docs/energy.md)");
  app.add_option("--heatmap", a->heatmap,
                 "Wafer heatmap to draw: sram | busy | links (with --png and/or --svg)");
  app.add_option("--png", a->png, "Write the --heatmap as PNG");
  app.add_option("--svg", a->svg, "Write the --heatmap as SVG");
  add_uncertainty_options(app, a->uncertainty, a->unc,
                          "Also give the throughput band the config's `range LO .. HI` values imply, and the "
                          "parameters that move it most (docs/validation.md)");
  return [a]() {
    a->opt.mode = parse_mode(a->mode);
    a->opt.fidelity = parse_fidelity(a->fidelity);
    const std::vector<Override> overrides = a->sys.overrides();
    const bool builtin_system = a->sys.builtin();
    const bool builtin_model = a->mdl.builtin();
    const ParsedSystemSpec parsed = a->sys.parsed();
    const SystemSpec spec = parsed.with(overrides);
    const ModelSpec model = a->mdl.spec();
    require_positive("--systems", a->systems);
    if (a->systems) a->opt.systems = *a->systems;
    if (a->steps && (*a->steps < 2 || *a->steps > 1000))
      throw UsageError(fmt::format("--steps {}: expected 2..1000 (the first step is warm-up)", *a->steps));
    if (a->steps) a->opt.steps = *a->steps;
    const bool to_stdout = a->json == "-";
    if ((builtin_system || builtin_model) && !to_stdout && !a->quiet)
      fmt::print("wafersim: {} on {} (built-in default{}; pass {} to choose)\n",
                 builtin_model ? "models/gpt2-small.yaml" : a->mdl.model,
                 builtin_system ? "configs/cs2.yaml" : a->sys.system,
                 builtin_system && builtin_model ? "s"
                 : builtin_system                ? " system"
                                                 : " model",
                 builtin_system && builtin_model ? "--system/--model"
                 : builtin_system                ? "--system"
                                                 : "--model");
    if (!a->heatmap.empty() && a->heatmap != "sram" && a->heatmap != "busy" && a->heatmap != "links")
      throw UsageError(fmt::format("--heatmap {}: expected sram, busy or links", a->heatmap));
    if (a->heatmap.empty() && (!a->png.empty() || !a->svg.empty()))
      throw UsageError("--png/--svg draw a wafer heatmap: say which with --heatmap sram|busy|links");
    if (!a->heatmap.empty() && a->png.empty() && a->svg.empty())
      throw UsageError("--heatmap: give --png FILE and/or --svg FILE");
    if (a->opt.trace_steps < 1) throw UsageError("--trace-steps: expected a positive number of steps");
    if (a->energy && !spec.energy.present) throw UsageError(no_energy_message(spec));
    a->opt.trace = !a->trace.empty();
    a->opt.tile_maps = !a->heatmap.empty();
    if (a->unc.jobs < 1) throw UsageError(fmt::format("--jobs {}: expected at least 1", a->unc.jobs));
    // The band's runs are forked before this process elaborates SystemC for its own run.
    std::optional<sweep::UncertaintyResult> band;
    if (a->uncertainty) {
      a->unc.energy = a->energy;
      RunOptions quiet = a->opt;
      quiet.trace = quiet.tile_maps = false;
      band = sweep::estimate_uncertainty(parsed, overrides, model, quiet, a->unc);
    }
    const RunStats stats = simulate(spec, model, a->opt);
    if (!to_stdout && !a->quiet) fmt::print("{}", format_text_report(stats));
    if (band && !to_stdout && !a->quiet)
      fmt::print("{}", sweep::format_uncertainty(*band, stats.samples_per_s, stats.energy.units_per_kj));
    if (a->breakdown && !to_stdout) fmt::print("{}", format_breakdown(stats));
    if (a->energy && !to_stdout && !a->quiet) fmt::print("{}", format_energy_report(stats.energy));
    if (!a->trace.empty()) write_output("--trace", a->trace, trace_json(stats.timeline));
    if (!a->heatmap.empty()) {
      Heatmap h;
      h.width = stats.map_width;
      h.height = stats.map_height;
      h.values = a->heatmap == "sram"   ? stats.map_sram
                 : a->heatmap == "busy" ? stats.map_busy
                                        : stats.map_links;
      h.title = fmt::format("{} on {} ({}): {}", stats.model_name, stats.system_name, stats.mode,
                            a->heatmap == "sram"   ? "SRAM occupancy per tile"
                            : a->heatmap == "busy" ? "compute busy fraction per tile"
                                                   : "busiest link utilization per tile");
      h.legend = a->heatmap == "sram"   ? "SRAM used (fraction of usable SRAM per tile)"
                 : a->heatmap == "busy" ? "compute busy (fraction of the step)"
                                        : "busiest link (fraction of link bandwidth)";
      // Fractions of capacity on a fixed 0..1 scale; link loads on their own range (they are
      // often a few percent, which a 0..1 scale would paint uniformly dark).
      h.min = 0;
      h.max = a->heatmap == "links" ? 0 : 1;
      if (!a->png.empty()) write_output("--png", a->png, heatmap_png(h));
      if (!a->svg.empty()) write_output("--svg", a->svg, heatmap_svg(h));
    }
    if (!a->json.empty()) {
      if (!band) {
        write_output("--json", a->json, format_json_report(stats));
      } else {
        write_output("--json", a->json,
                     sweep::report_with_uncertainty(json_report(stats), *band, stats.samples_per_s,
                                                    stats.energy.units_per_kj));
      }
    }
    return 0;
  };
}

Runner add_params_command(CLI::App& app) {
  return [&app]() {
    (void)app;
    fmt::print("{:<34} {:<10} {:<16} {}\n", "parameter", "type", "default", "description");
    // The energy: section is optional as a whole; within it every key is required.
    for (const auto& p : system_params())
      fmt::print("{:<34} {:<10} {:<16} {}\n", p.path, p.type,
                 !p.required                     ? p.default_value
                 : p.path.starts_with("energy.") ? "(in energy:)"
                                                 : "(required)",
                 p.description);
    return 0;
  };
}

}  // namespace wafersim::cli
