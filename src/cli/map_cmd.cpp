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
  SystemArgs sys;
  ModelArgs mdl;
  std::string svg;
  std::string png;
};

}  // namespace

Runner add_map_command(CLI::App& app) {
  auto a = std::make_shared<MapArgs>();
  add_system_options(app, a->sys);
  add_model_options(app, a->mdl);
  app.add_option("--svg", a->svg, "Write the placement picture as SVG (regions labelled by layer)");
  app.add_option("--png", a->png, "Write the placement picture as PNG (regions numbered by stage)");
  return [a]() {
    const SystemSpec spec = a->sys.spec();
    const ModelSpec model = a->mdl.spec();
    // The placement only: map plans, it does not simulate.
    const RunStats stats = place_pipelined(spec, model);
    fmt::print("{}", placement_summary(stats));
    if (!a->svg.empty())
      write_output("--svg", a->svg, placement_svg(stats, spec.wafer.width, spec.wafer.height));
    if (!a->png.empty())
      write_output("--png", a->png, placement_png(stats, spec.wafer.width, spec.wafer.height));
    return 0;
  };
}

}  // namespace wafersim::cli
