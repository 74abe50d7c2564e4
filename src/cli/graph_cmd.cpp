// `wafersim graph`: prints the LayerGraph a model file produces.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "commands.hpp"
#include "model_options.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/graph_format.hpp"

namespace wafersim::cli {

namespace {
struct GraphArgs {
  ModelArgs mdl;
  std::string format = "text";
};

}  // namespace

Runner add_graph_command(CLI::App& app) {
  auto a = std::make_shared<GraphArgs>();
  add_model_options(app, a->mdl, /*with_batch=*/false);
  app.add_option("--format", a->format, "text | dot | json")->capture_default_str();
  return [a]() {
    if (a->format != "text" && a->format != "dot" && a->format != "json")
      throw UsageError(fmt::format("--format {}: expected text, dot or json", a->format));
    const ModelSpec m = a->mdl.spec();
    const LayerGraph g = build_model_graph(m);
    if (a->format == "text")
      fmt::print("{}", graph_text(m.arch.name, g));
    else if (a->format == "dot")
      fmt::print("{}", graph_dot(m.arch.name, g));
    else
      fmt::print("{}", graph_json(m.arch.name, g));
    return 0;
  };
}

}  // namespace wafersim::cli
