// ONNX front-end: a ModelProto becomes a LayerGraph of per-sample ops. Weighted GEMM-like ops
// (Conv, Gemm, MatMul with an initializer, an embedding Gather) each open a new layer group,
// and the unweighted ops after them join it, so weight streaming streams one weight tensor
// per group, as the CS-2 does layer by layer.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>
#include <unordered_map>

#include "frontends.hpp"
#include "onnx_ops.hpp"
#include "onnx_shapes.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/graph/layer_graph.hpp"

namespace wafersim::frontend {
namespace onnx_fe {
namespace {

constexpr double elem_bwd_factor = 2.0;  // elementwise backward ~2x forward (transformer rules)

class Builder {
 public:
  Builder(const onnx::ModelProto& m, ShapeTable& shapes, std::string file, bool allow)
      : g_(m.graph()), shapes_(shapes), file_(std::move(file)), allow_(allow) {
    constant_ = shapes_.weights;
    // The batch dimension is symbolic or fixed; a fixed one > 1 divides every activation.
    for (const auto& in : g_.input()) {
      if (shapes_.weights.count(in.name())) continue;
      const TensorInfo* t = shapes_.find(in.name());
      if (t && !t->dims.empty() && t->dims[0] > 1) divisor_ = static_cast<double>(t->dims[0]);
      break;
    }
  }

  LayerGraph build() {
    for (int i : topo_nodes()) visit(g_.node(i), i);
    if (graph_.num_ops() == 0)
      throw ConfigError(SourceLoc{file_, 0, 0}, "graph",
                        "the graph has no compute ops (only constants and views)");
    return std::move(graph_);
  }

  double input_bytes_per_sample() const {
    double bytes = 0;
    for (const auto& in : g_.input()) {
      if (shapes_.weights.count(in.name())) continue;
      if (const TensorInfo* t = shapes_.find(in.name())) bytes += product(t->dims) / divisor_ * t->elem_bytes;
    }
    return bytes;
  }

 private:
  std::string label(const onnx::NodeProto& n, int index) const {
    const std::string name = n.name().empty() ? "#" + std::to_string(index) : n.name();
    return "graph.node[" + std::to_string(index) + "] '" + name + "'";
  }

  [[noreturn]] void fail(const onnx::NodeProto& n, int index, const std::string& detail) const {
    throw ConfigError(SourceLoc{file_, 0, 0}, label(n, index), "(" + n.op_type() + ") " + detail);
  }

  // ONNX requires nodes in topological order, but exporters and hand edits do not always
  // keep it; a stable Kahn sort costs little and makes producers known before consumers.
  std::vector<int> topo_nodes() const {
    const int count = g_.node_size();
    std::unordered_map<std::string, int> producer;
    for (int i = 0; i < count; ++i)
      for (const auto& o : g_.node(i).output()) producer[o] = i;
    std::vector<std::vector<int>> users(static_cast<std::size_t>(count));
    std::vector<int> pending(static_cast<std::size_t>(count), 0);
    for (int i = 0; i < count; ++i) {
      for (const auto& in : g_.node(i).input()) {
        auto it = producer.find(in);
        if (in.empty() || it == producer.end() || it->second == i) continue;
        users[static_cast<std::size_t>(it->second)].push_back(i);
        ++pending[static_cast<std::size_t>(i)];
      }
    }
    std::set<int> ready;
    for (int i = 0; i < count; ++i)
      if (pending[static_cast<std::size_t>(i)] == 0) ready.insert(i);
    std::vector<int> order;
    while (!ready.empty()) {
      const int i = *ready.begin();
      ready.erase(ready.begin());
      order.push_back(i);
      for (int u : users[static_cast<std::size_t>(i)])
        if (--pending[static_cast<std::size_t>(u)] == 0) ready.insert(u);
    }
    if (static_cast<int>(order.size()) != count)
      throw ConfigError(SourceLoc{file_, 0, 0}, "graph", "the node graph has a cycle");
    return order;
  }

  bool is_activation(const std::string& name) const { return !name.empty() && !constant_.count(name); }

  double elems(const std::string& name) const {
    const TensorInfo* t = shapes_.find(name);
    if (!t) return 0;
    return constant_.count(name) ? product(t->dims) : product(t->dims) / divisor_;
  }

  const Dims& dims(const onnx::NodeProto& n, int index, int input) const {
    const TensorInfo* t = input < n.input_size() ? shapes_.find(n.input(input)) : nullptr;
    if (!t) fail(n, index, "the shape of input " + std::to_string(input) + " is unknown");
    return t->dims;
  }

  void visit(const onnx::NodeProto& n, int index) {
    const OpRule* rule = n.domain().empty() || n.domain() == "ai.onnx" ? find_op_rule(n.op_type()) : nullptr;
    bool any_activation = false;
    for (const auto& in : n.input()) any_activation |= is_activation(in);
    // Shape arithmetic (Shape -> Gather -> Concat -> Reshape) only computes constants.
    if ((rule && rule->cat == Cat::constant) || (!any_activation && n.input_size() > 0)) {
      for (const auto& o : n.output()) constant_.insert(o);
      fold_int_values(n, shapes_);
      return;
    }
    if (!rule) return unmodelled(n, index);
    if (n.input_size() == 0 || n.output_size() == 0) fail(n, index, "has no inputs or no outputs");
    if (!propagate_shape(n, shapes_) || (n.output_size() > 0 && !shapes_.known(n.output(0))))
      fail(n, index, "cannot determine its output shape (the file leaves it out and shape inference failed)");
    if (rule->cat == Cat::view) {
      for (const auto& in : n.input()) {
        auto it = producer_.find(in);
        if (it == producer_.end()) continue;
        for (const auto& o : n.output()) producer_[o] = it->second;
        break;
      }
      return;
    }
    add(n, index, make_op(n, index, *rule));
  }

  void unmodelled(const onnx::NodeProto& n, int index) {
    const std::string type = (n.domain().empty() ? "" : n.domain() + ".") + n.op_type();
    if (!allow_)
      fail(n, index,
           "op type '" + type +
               "' is not modelled by wafersim (--allow-unmodelled runs it at zero cost); "
               "supported ops: " +
               supported_op_list());
    if (warned_.insert(type).second)
      spdlog::warn("{}: op type '{}' is not modelled; its nodes run at zero cost (first: {})", file_, type,
                   label(n, index));
    // No output: nothing downstream depends on it, and there is nothing to cost.
    if (n.output_size() == 0) return;
    propagate_shape(n, shapes_);
    Op op;
    op.kind = OpKind::elementwise;
    op.name = "layer" + std::to_string(layer_) + "." + clean_name(n, index);
    op.layer = layer_;
    add(n, index, std::move(op));
  }

  static std::string clean_name(const onnx::NodeProto& n, int index) {
    // Group names are the text before the first '.', so dots in PyTorch names must go.
    std::string s = n.name().empty() ? n.op_type() + "_" + std::to_string(index) : n.name();
    for (char& c : s)
      if (c == '.') c = '_';
    while (!s.empty() && s.front() == '/') s.erase(s.begin());
    return s.empty() ? n.op_type() + "_" + std::to_string(index) : s;
  }

  std::uint64_t take_params(const onnx::NodeProto& n) {
    double p = 0;
    for (int i = 0; i < n.input_size(); ++i) {
      const std::string& in = n.input(i);
      // BatchNormalization's running mean and variance are statistics, not trained weights.
      if (n.op_type() == "BatchNormalization" && i >= 3) continue;
      const TensorInfo* t = shapes_.find(in);
      if (!shapes_.weights.count(in) || !t || !t->is_float || !counted_.insert(in).second) continue;
      p += product(t->dims);
    }
    return static_cast<std::uint64_t>(p);
  }

  Op make_op(const onnx::NodeProto& n, int index, const OpRule& rule) {
    Op op;
    double in = 0;
    for (const auto& i : n.input())
      if (is_activation(i)) in += elems(i);
    // Split has one output per piece; other extra outputs (BN running stats) are not activations.
    double out = 0;
    for (int i = 0; i < n.output_size(); ++i)
      if (i == 0 || n.op_type() == "Split") out += elems(n.output(i));
    const bool weighted_gemm =
        rule.cat == Cat::conv ||
        (rule.cat == Cat::gemm &&
         (shapes_.weights.count(n.input(0)) || (n.input_size() > 1 && shapes_.weights.count(n.input(1))))) ||
        (n.op_type() == "Gather" && shapes_.weights.count(n.input(0)));
    if (weighted_gemm) {
      if (layer_has_weights_) ++layer_;
      layer_has_weights_ = true;
    }
    op.layer = layer_;
    op.name = "layer" + std::to_string(layer_) + "." + clean_name(n, index);
    op.params = take_params(n);
    op.in_elems = in;
    op.out_elems = out;
    double ops = rule.ops_per_elem * out;
    switch (rule.cat) {
      case Cat::conv: {
        const Dims& x = dims(n, index, 0);
        const Dims& w = dims(n, index, 1);
        const TensorInfo* y = shapes_.find(n.output(0));
        const double groups = static_cast<double>(std::max<std::int64_t>(attr_int(n, "group", 1), 1));
        if (x.size() < 3 || w.size() != x.size() || !y || y->dims.size() != x.size())
          fail(n, index, "expects input, weight and output tensors of the same rank >= 3");
        op.kind = OpKind::conv;
        const double m = product(Dims(y->dims.begin() + 2, y->dims.end()));
        const double k = product(Dims(w.begin() + 1, w.end()));  // C_in/groups * kernel
        op.gemm = GemmShape{groups, m, k, static_cast<double>(w[0]) / groups};
        ops = n.input_size() > 2 && !n.input(2).empty() ? out : 0;  // bias add
        break;
      }
      case Cat::gemm:
        set_gemm(n, index, op, weighted_gemm);
        ops = n.op_type() == "Gemm" && n.input_size() > 2 ? out : 0;
        break;
      case Cat::pool: {
        op.kind = OpKind::pool;
        ops = out * std::max(product(attr_ints(n, "kernel_shape")), 1.0);
        break;
      }
      case Cat::global_pool:
        op.kind = OpKind::pool;
        ops = in;
        break;
      case Cat::norm:
        op.kind = OpKind::norm;
        ops = rule.ops_per_elem * in;
        break;
      case Cat::softmax:
        op.kind = OpKind::softmax;
        break;
      case Cat::activation:
        op.kind = OpKind::activation;
        break;
      case Cat::reduce:
        op.kind = OpKind::elementwise;
        ops = in;
        break;
      case Cat::binary: {
        int acts = 0;
        for (const auto& i : n.input()) acts += is_activation(i) ? 1 : 0;
        op.kind = (n.op_type() == "Add" || n.op_type() == "Sum") && acts >= 2 ? OpKind::residual
                                                                              : OpKind::elementwise;
        break;
      }
      case Cat::movement:
        op.kind = weighted_gemm ? OpKind::embedding : OpKind::elementwise;
        ops = 0;
        break;
      case Cat::constant:
      case Cat::view:
        break;
    }
    if (op.gemm.fmacs() > 0) {
      op.fwd_fmacs = op.gemm.fmacs();
      op.bwd_fmacs = 2 * op.fwd_fmacs;  // dX and dW (or both activation gradients)
      op.saved_elems = in;
    } else if (op.kind != OpKind::elementwise || ops > 0) {
      op.saved_elems = in;
    }
    op.fwd_elem_ops = ops;
    op.bwd_elem_ops = elem_bwd_factor * ops;
    if (op.kind == OpKind::embedding) op.bwd_elem_ops = out;  // scatter-add into the table
    return op;
  }

  // Gemm / MatMul: a weight matmul when an operand is an initializer, else an activation GEMM.
  void set_gemm(const onnx::NodeProto& n, int index, Op& op, bool weighted) {
    const Dims& a = dims(n, index, 0);
    const Dims& b = dims(n, index, 1);
    const TensorInfo* y = shapes_.find(n.output(0));
    if (a.empty() || b.empty() || !y || y->dims.empty()) fail(n, index, "expects operands of rank >= 1");
    const bool gemm = n.op_type() == "Gemm";
    const bool trans_a = gemm && attr_int(n, "transA", 0) != 0;
    const bool trans_b = gemm && attr_int(n, "transB", 0) != 0;
    const double k = static_cast<double>(trans_a ? a.front() : a.back());
    const double nn = static_cast<double>(b.size() < 2 ? 1 : (trans_b ? b[b.size() - 2] : b.back()));
    const double out = elems(n.output(0));
    if (weighted) {
      op.kind = OpKind::matmul;
      op.gemm = GemmShape{1, out / nn, k, nn};
      return;
    }
    const double m = a.size() < 2 ? 1 : static_cast<double>(trans_a ? a.back() : a[a.size() - 2]);
    op.kind = OpKind::batch_matmul;
    op.gemm = GemmShape{out / (m * nn), m, k, nn};
  }

  void add(const onnx::NodeProto& n, int index, Op op) {
    (void)index;
    const OpId id = graph_.add_op(std::move(op));
    for (const auto& in : n.input()) {
      auto it = producer_.find(in);
      if (in.empty() || it == producer_.end()) continue;
      graph_.add_edge(it->second, id, Tensor{in, elems(in)});
    }
    for (const auto& o : n.output()) producer_[o] = id;
  }

  const onnx::GraphProto& g_;
  ShapeTable& shapes_;
  std::string file_;
  bool allow_;
  LayerGraph graph_;
  double divisor_ = 1;
  std::unordered_map<std::string, OpId> producer_;  // activation tensor -> op that makes it
  std::unordered_set<std::string> constant_;        // weights, constants, shape arithmetic
  std::unordered_set<std::string> counted_;         // initializers already charged as params
  std::set<std::string> warned_;
  int layer_ = 0;
  bool layer_has_weights_ = false;
};

std::string model_name(const onnx::ModelProto& m, const std::string& file) {
  // PyTorch names every graph the same; the file stem says more.
  const std::string& g = m.graph().name();
  if (!g.empty() && g != "torch_jit" && g != "main_graph" && g != "torch-jit-export") return g;
  const std::string stem = std::filesystem::path(file).stem().string();
  return stem.empty() ? "onnx-model" : stem;
}

ModelSpec load(const std::string& bytes, const std::string& file, bool allow) {
  onnx::ModelProto m;
  if (bytes.empty() || bytes.size() > static_cast<std::size_t>(INT32_MAX) ||
      !m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw ConfigError(SourceLoc{file, 0, 0}, "",
                      "not a valid ONNX model: the protobuf does not parse (truncated or not an .onnx file)");
  if (!m.has_graph() || m.graph().node_size() == 0)
    throw ConfigError(SourceLoc{file, 0, 0}, "graph", "the ONNX model has no graph nodes");
  ShapeTable shapes = collect_shapes(m);
  Builder b(m, shapes, file, allow);
  ModelSpec spec;
  spec.kind = ModelKind::graph;
  spec.format = "onnx";
  spec.source = file;
  spec.arch.name = model_name(m, file);
  spec.graph = std::make_shared<LayerGraph>(b.build());
  spec.input_bytes_per_sample = b.input_bytes_per_sample();
  spec.training.batch = onnx_default_batch;
  spec.training.seq = 1;  // shapes are fixed in the file; one sample is one input tensor
  spec.training.seq_source = "the ONNX input shapes";
  return spec;
}

}  // namespace
}  // namespace onnx_fe

ModelSpec load_onnx_bytes(const std::string& bytes, const std::string& file, bool allow_unmodelled) {
  try {
    return onnx_fe::load(bytes, file, allow_unmodelled);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(SourceLoc{file, 0, 0}, "", std::string("cannot read the ONNX model: ") + e.what());
  }
}

}  // namespace wafersim::frontend
