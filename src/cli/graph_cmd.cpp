// `wafersim graph`: prints the LayerGraph a model file produces.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "model_options.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

namespace wafersim::cli {

namespace {
struct GraphArgs {
  ModelArgs mdl;
  std::string format = "text";
};

std::string text_graph(const ModelSpec& m, const LayerGraph& g) {
  std::string o;
  auto out = std::back_inserter(o);
  fmt::format_to(out, "{}: {} ops, {} parameters, {:.4g} training FLOPs per sample\n", m.arch.name,
                 g.num_ops(), g.total_params(), g.training_flops_per_sample());
  fmt::format_to(out, "{:<28} {:<13} {:>6} {:>14} {:>14} {:>14}\n", "op", "kind", "layer", "params",
                 "fwd FMACs", "out elems");
  for (OpId id : g.topo_order()) {
    const Op& op = g.op(id);
    fmt::format_to(out, "{:<28} {:<13} {:>6} {:>14} {:>14.4g} {:>14.4g}\n", op.name, to_string(op.kind),
                   op.layer, op.params, op.fwd_fmacs, op.out_elems);
  }
  return o;
}

std::string dot_graph(const ModelSpec& m, const LayerGraph& g) {
  std::string o =
      fmt::format("digraph \"{}\" {{\n  rankdir=TB;\n  node [shape=box, fontsize=10];\n", m.arch.name);
  const auto& gr = g.graph();
  for (auto [v, vend] = boost::vertices(gr); v != vend; ++v)
    o += fmt::format("  n{} [label=\"{}\\n{}\"];\n", *v, gr[*v].name, to_string(gr[*v].kind));
  for (auto [e, eend] = boost::edges(gr); e != eend; ++e)
    o += fmt::format("  n{} -> n{};\n", boost::source(*e, gr), boost::target(*e, gr));
  return o + "}\n";
}

std::string json_graph(const ModelSpec& m, const LayerGraph& g) {
  nlohmann::ordered_json j;
  j["model"] = m.arch.name;
  j["params"] = g.total_params();
  j["training_flops_per_sample"] = g.training_flops_per_sample();
  auto& ops = j["ops"] = nlohmann::ordered_json::array();
  for (OpId id : g.topo_order()) {
    const Op& op = g.op(id);
    ops.push_back({{"name", op.name},
                   {"kind", to_string(op.kind)},
                   {"layer", op.layer},
                   {"params", op.params},
                   {"fwd_fmacs", op.fwd_fmacs},
                   {"bwd_fmacs", op.bwd_fmacs},
                   {"out_elems", op.out_elems}});
  }
  auto& edges = j["edges"] = nlohmann::ordered_json::array();
  const auto& gr = g.graph();
  for (auto [e, eend] = boost::edges(gr); e != eend; ++e)
    edges.push_back({gr[boost::source(*e, gr)].name, gr[boost::target(*e, gr)].name});
  return j.dump(2) + "\n";
}
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
      fmt::print("{}", text_graph(m, g));
    else if (a->format == "dot")
      fmt::print("{}", dot_graph(m, g));
    else
      fmt::print("{}", json_graph(m, g));
    return 0;
  };
}

}  // namespace wafersim::cli
