#include "wafersim/compile/lower.hpp"

#include <algorithm>

namespace wafersim {

namespace {

bool reduces_rows(OpKind k) {
  return k == OpKind::norm || k == OpKind::softmax || k == OpKind::loss || k == OpKind::pool;
}

KernelCost forward_cost(const Op& op, const KernelCostModel& m, double samples, int rows, int cols,
                        ExecMode mode) {
  if (lowers_to_gemm(op.kind))
    return m.gemm(op.gemm, samples, rows, cols, GemmPass::forward, gemm_mapping(op, mode));
  const ElementwiseWork w = elementwise_work(op, samples, false);
  return m.elementwise(w.elems, w.ops_per_elem, rows, cols, w.reduce);
}

KernelCost backward_cost(const Op& op, const KernelCostModel& m, double samples, int rows, int cols,
                         ExecMode mode) {
  KernelCost c;
  if (lowers_to_gemm(op.kind)) {
    const GemmMapping map = gemm_mapping(op, mode);
    c += m.gemm(op.gemm, samples, rows, cols, GemmPass::grad_input, map);
    // Weight matmuls reduce dW down the columns; attention GEMMs have a second
    // activation gradient of the same size instead.
    const auto second = op.params > 0 ? GemmPass::grad_weight : GemmPass::grad_input;
    auto w = m.gemm(op.gemm, samples, rows, cols, second, map);
    c += w;
    c.bound = w.bound;
    return c;
  }
  const ElementwiseWork w = elementwise_work(op, samples, true);
  return m.elementwise(w.elems, w.ops_per_elem, rows, cols, w.reduce);
}

Bound dominant(const KernelCost& c) {
  // The bound of a sequence of kernels: the resource with the most cycles.
  const double m = std::max({c.compute_cycles, c.sram_cycles, c.fabric_cycles, c.setup_cycles});
  if (m <= 0) return Bound::none;
  if (m == c.compute_cycles) return Bound::compute;
  if (m == c.fabric_cycles) return Bound::fabric;
  if (m == c.sram_cycles) return Bound::sram;
  return Bound::setup;
}

}  // namespace

GemmMapping gemm_mapping(const Op& op, ExecMode mode) {
  // Resident weights stay put in pipelined mode; weight GEMMs in weight streaming keep the
  // output stationary; activation x activation GEMMs (attention) are batched: output-
  // stationary, instances side by side. (A tied LM head owns no parameters but multiplies by
  // a resident copy of the embedding.)
  const bool has_weights = op.params > 0 || op.kind == OpKind::matmul;
  if (!has_weights) return GemmMapping::batched;
  return mode == ExecMode::pipelined ? GemmMapping::weight_stationary : GemmMapping::output_stationary;
}

bool lowers_to_gemm(OpKind k) {
  // A convolution runs as an implicit GEMM (m = output pixels, k = C_in*kh*kw/groups).
  return k == OpKind::matmul || k == OpKind::attn_scores || k == OpKind::attn_context || k == OpKind::conv ||
         k == OpKind::batch_matmul;
}

ElementwiseWork elementwise_work(const Op& op, double samples, bool backward) {
  ElementwiseWork w;
  // Reductions (norm statistics, the loss) read more elements than they write.
  w.elems = std::max({op.in_elems, op.out_elems, 1.0}) * samples;
  w.ops_per_elem = (backward ? op.bwd_elem_ops : op.fwd_elem_ops) * samples / w.elems;
  w.reduce = reduces_rows(op.kind);
  return w;
}

CompiledLayer lower_layer(const LayerGraph& graph, const LayerGroup& group, const KernelCostModel& model,
                          const TrainingSpec& training, double samples, int rows, int cols, ExecMode mode) {
  CompiledLayer L;
  L.index = group.index;
  L.name = group.name;
  L.params = group.params;
  const double vbytes = dtype_bytes(training.compute);
  // Streamed weights: what the kernels multiply by. A tied LM head owns no parameters but
  // still needs the embedding matrix streamed in (and its gradient streamed out).
  double weight_elems = 0;
  for (OpId id : group.ops) {
    const Op& op = graph.op(id);
    const double used = op.kind == OpKind::matmul ? op.gemm.count * op.gemm.k * op.gemm.n : 0.0;
    weight_elems += std::max(static_cast<double>(op.params), used);
  }
  L.weight_bytes = weight_elems * vbytes;
  L.grad_bytes = L.weight_bytes;
  L.checkpoint_bytes_per_sample = group.input_elems * vbytes;
  double saved = 0;
  for (OpId id : group.ops) {
    const Op& op = graph.op(id);
    Kernel f{op.name, op.kind, forward_cost(op, model, samples, rows, cols, mode)};
    L.fwd_total += f.cost;
    L.forward.push_back(f);
    saved += op.saved_elems;
  }
  L.working_bytes_per_sample = saved * vbytes;
  if (training.activation_checkpointing && mode == ExecMode::weight_streaming) {
    // Only the layer input was kept: the forward pass runs again before the backward.
    for (const auto& f : L.forward) {
      Kernel r{f.name + "+recompute", f.kind, f.cost};
      L.bwd_total += r.cost;
      L.backward.push_back(std::move(r));
    }
  }
  for (auto it = group.ops.rbegin(); it != group.ops.rend(); ++it) {
    const Op& op = graph.op(*it);
    Kernel b{op.name, op.kind, backward_cost(op, model, samples, rows, cols, mode)};
    L.bwd_total += b.cost;
    L.backward.push_back(std::move(b));
  }
  L.fwd_total.bound = dominant(L.fwd_total);
  L.bwd_total.bound = dominant(L.bwd_total);
  return L;
}

std::vector<CompiledLayer> lower_layers(const LayerGraph& graph, const KernelCostModel& model,
                                        const TrainingSpec& training, double samples, int rows, int cols,
                                        ExecMode mode) {
  std::vector<CompiledLayer> out;
  for (const auto& g : graph.groups())
    out.push_back(lower_layer(graph, g, model, training, samples, rows, cols, mode));
  return out;
}

}  // namespace wafersim
