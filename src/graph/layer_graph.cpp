// LayerGraph: the model as a DAG of ops. Everything the later stages need (topological order,
// layer groups for weight streaming, totals, the critical path) is computed here from the
// vertices and edges, so front-ends only have to add ops and tensors.
#include "wafersim/graph/layer_graph.hpp"

#include <algorithm>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <map>

#include "wafersim/core/error.hpp"

namespace wafersim {

const char* to_string(OpKind k) {
  switch (k) {
    case OpKind::embedding:
      return "embedding";
    case OpKind::norm:
      return "norm";
    case OpKind::matmul:
      return "matmul";
    case OpKind::attn_scores:
      return "attn_scores";
    case OpKind::softmax:
      return "softmax";
    case OpKind::attn_context:
      return "attn_context";
    case OpKind::rotary:
      return "rotary";
    case OpKind::activation:
      return "activation";
    case OpKind::residual:
      return "residual";
    case OpKind::loss:
      return "loss";
    case OpKind::conv:
      return "conv";
    case OpKind::pool:
      return "pool";
    case OpKind::elementwise:
      return "elementwise";
    case OpKind::batch_matmul:
      return "batch_matmul";
  }
  return "?";
}

OpId LayerGraph::add_op(Op op) {
  max_attn_seq_ = std::max(max_attn_seq_, op.attn_seq);
  return boost::add_vertex(std::move(op), g_);
}

void LayerGraph::add_edge(OpId from, OpId to, Tensor t) {
  // With vecS storage boost::add_edge silently creates missing vertices; an edge to an op
  // that was never added is a builder bug, so refuse it instead of growing the graph.
  if (from >= num_ops() || to >= num_ops()) {
    throw SimError("LayerGraph::add_edge: op id out of range (tensor '" + t.name + "')");
  }
  boost::add_edge(from, to, std::move(t), g_);
}

std::vector<OpId> LayerGraph::topo_order() const {
  std::vector<OpId> reversed;
  reversed.reserve(num_ops());
  try {
    boost::topological_sort(g_, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    throw SimError("LayerGraph: the op graph has a cycle, so it has no execution order");
  }
  return {reversed.rbegin(), reversed.rend()};
}

namespace {
// Group name = op name up to the first '.', so "block3.attn.qkv" belongs to "block3" without
// the graph having to know which layer index is the head.
std::string group_name(const std::string& op_name) { return op_name.substr(0, op_name.find('.')); }
}  // namespace

std::vector<LayerGroup> LayerGraph::groups() const {
  std::map<int, LayerGroup> by_layer;
  for (OpId id : topo_order()) {
    const Op& o = g_[id];
    auto [it, fresh] = by_layer.try_emplace(o.layer);
    LayerGroup& grp = it->second;
    if (fresh) {
      grp.index = o.layer;
      grp.name = group_name(o.name);
    }
    grp.ops.push_back(id);
    grp.params += o.params;
    grp.fwd_fmacs += o.fwd_fmacs;
    grp.bwd_fmacs += o.bwd_fmacs;

    // The group's input is what must be kept (or re-sent) to run it again: every tensor
    // produced outside the group, counted once per producer even when several ops read it
    // (a block input feeds both the first norm and the residual add).
    if (boost::in_degree(id, g_) == 0) grp.input_elems += o.in_elems;
  }
  // A producer's output is kept once however many groups read it: reads beyond its size (the
  // encoder's output, read by every decoder block) are reused, parts of it read by different
  // groups (the embedding's source and target tokens) are not.
  std::map<OpId, double> kept;
  for (auto& [layer, grp] : by_layer) {
    std::map<OpId, double> outside;
    for (OpId id : grp.ops) {
      for (auto [e, end] = boost::in_edges(id, g_); e != end; ++e) {
        OpId src = boost::source(*e, g_);
        if (g_[src].layer == layer) continue;
        double& elems = outside[src];
        elems = std::max(elems, g_[*e].elems);
      }
    }
    for (const auto& [src, elems] : outside) {
      grp.input_elems += elems;
      double& seen = kept[src];
      const double fresh = std::clamp(g_[src].out_elems - seen, 0.0, elems);
      seen += fresh;
      grp.reused_input_elems += elems - fresh;
    }
  }
  std::vector<LayerGroup> out;
  out.reserve(by_layer.size());
  for (auto& [layer, grp] : by_layer) out.push_back(std::move(grp));
  return out;
}

std::uint64_t LayerGraph::total_params() const {
  std::uint64_t sum = 0;
  for (auto [v, end] = boost::vertices(g_); v != end; ++v) sum += g_[*v].params;
  return sum;
}

double LayerGraph::fwd_fmacs_per_sample() const {
  double sum = 0;
  for (auto [v, end] = boost::vertices(g_); v != end; ++v) sum += g_[*v].fwd_fmacs;
  return sum;
}

double LayerGraph::bwd_fmacs_per_sample() const {
  double sum = 0;
  for (auto [v, end] = boost::vertices(g_); v != end; ++v) sum += g_[*v].bwd_fmacs;
  return sum;
}

double LayerGraph::training_flops_per_sample() const {
  double sum = 0;
  for (auto [v, end] = boost::vertices(g_); v != end; ++v) {
    const Op& o = g_[*v];
    sum += 2.0 * (o.fwd_fmacs + o.bwd_fmacs) + o.fwd_elem_ops + o.bwd_elem_ops;
  }
  return sum;
}

double LayerGraph::critical_path_fmacs() const {
  // Longest path in a DAG: one pass in topological order, each op finishing after the
  // latest of its producers.
  std::vector<double> finish(num_ops(), 0.0);
  double longest = 0;
  for (OpId id : topo_order()) {
    double start = 0;
    for (auto [e, end] = boost::in_edges(id, g_); e != end; ++e) {
      start = std::max(start, finish[boost::source(*e, g_)]);
    }
    finish[id] = start + g_[id].fwd_fmacs;
    longest = std::max(longest, finish[id]);
  }
  return longest;
}

}  // namespace wafersim
