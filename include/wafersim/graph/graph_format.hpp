#pragma once
// The LayerGraph a model produces, printed: a text table (one op per line, in topological
// order), Graphviz dot, and JSON (model, params, training FLOPs per sample, ops, edges).
#include <string>

#include "wafersim/graph/layer_graph.hpp"

namespace wafersim {

std::string graph_text(const std::string& name, const LayerGraph& g);
std::string graph_dot(const std::string& name, const LayerGraph& g);
std::string graph_json(const std::string& name, const LayerGraph& g);  // pretty, trailing newline

}  // namespace wafersim
