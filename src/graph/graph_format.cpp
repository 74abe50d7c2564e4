// The LayerGraph as text, Graphviz dot and JSON (`wafersim graph`, the Python API).
#include "wafersim/graph/graph_format.hpp"

#include <fmt/format.h>

#include <iterator>
#include <nlohmann/json.hpp>

#include "wafersim/core/text.hpp"

namespace wafersim {

std::string graph_text(const std::string& name, const LayerGraph& g) {
  std::string o;
  auto out = std::back_inserter(o);
  fmt::format_to(out, "{}: {} ops, {} parameters, {:.4g} training FLOPs per sample\n", name, g.num_ops(),
                 g.total_params(), g.training_flops_per_sample());
  fmt::format_to(out, "{:<28} {:<13} {:>6} {:>14} {:>14} {:>14}\n", "op", "kind", "layer", "params",
                 "fwd FMACs", "out elems");
  for (OpId id : g.topo_order()) {
    const Op& op = g.op(id);
    fmt::format_to(out, "{:<28} {:<13} {:>6} {:>14} {:>14.4g} {:>14.4g}\n", op.name, to_string(op.kind),
                   op.layer, op.params, op.fwd_fmacs, op.out_elems);
  }
  return o;
}

std::string graph_dot(const std::string& name, const LayerGraph& g) {
  std::string o = fmt::format("digraph \"{}\" {{\n  rankdir=TB;\n  node [shape=box, fontsize=10];\n", name);
  const auto& gr = g.graph();
  for (auto [v, vend] = boost::vertices(gr); v != vend; ++v)
    o += fmt::format("  n{} [label=\"{}\\n{}\"];\n", *v, gr[*v].name, to_string(gr[*v].kind));
  for (auto [e, eend] = boost::edges(gr); e != eend; ++e)
    o += fmt::format("  n{} -> n{};\n", boost::source(*e, gr), boost::target(*e, gr));
  return o + "}\n";
}

std::string graph_json(const std::string& name, const LayerGraph& g) {
  nlohmann::ordered_json j;
  j["model"] = name;
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
  return json_text(j, 2) + "\n";
}
}  // namespace wafersim
