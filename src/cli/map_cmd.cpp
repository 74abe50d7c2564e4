// `wafersim map`: places a model in pipelined mode and shows where each layer went.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "model_options.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/report/placement_image.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::cli {

namespace {
struct MapArgs {
  std::string system;
  std::string model;
  std::vector<std::string> sets;
  std::string svg;
  std::string png;
  ModelOverrides over;
};

}  // namespace

Runner add_map_command(CLI::App& app) {
  auto a = std::make_shared<MapArgs>();
  app.add_option("--system", a->system, "System config YAML (default: built-in configs/cs2.yaml)");
  app.add_option("--model", a->model, "Model file (default: built-in models/gpt2-small.yaml)");
  add_batch_seq_options(app, a->over);
  app.add_option("--set", a->sets, "Override a system parameter: path.to.key=value (repeatable)");
  app.add_option("--svg", a->svg, "Write the placement picture as SVG (regions labelled by layer)");
  app.add_option("--png", a->png, "Write the placement picture as PNG (regions numbered by stage)");
  return [a]() {
    std::vector<Override> overrides;
    for (const auto& s : a->sets) overrides.push_back(parse_override(s));
    const SystemSpec spec =
        a->system.empty() ? default_system_spec(overrides) : load_system_spec(a->system, overrides);
    ModelSpec model = a->model.empty() ? default_model() : load_model(a->model);
    apply_model_overrides(model, a->over);
    RunOptions opt;
    opt.mode = "pipelined";
    const RunStats stats = simulate(spec, model, opt);
    fmt::print("{}", placement_summary(stats));
    if (!a->svg.empty())
      write_output("--svg", a->svg, placement_svg(stats, spec.wafer.width, spec.wafer.height));
    if (!a->png.empty())
      write_output("--png", a->png, placement_png(stats, spec.wafer.width, spec.wafer.height));
    return 0;
  };
}

}  // namespace wafersim::cli
