// The decode kernels' cost of one layer group (infer_cost.hpp).
#include "infer_cost.hpp"

#include <algorithm>

#include "wafersim/compile/lower.hpp"

namespace wafersim::infer_cost {

KernelCost decode_cost(const LayerGraph& graph, const LayerGroup& group, const DecodeModels& models,
                       double samples, double prompt, double keys, const GroupRegion& region) {
  KernelCost total;
  for (OpId id : group.ops) {
    const Op& op = graph.op(id);
    const DecodeKernel d = decode_kernel(op, samples, prompt, keys);
    const bool attention = op.kind == OpKind::attn_scores || op.kind == OpKind::attn_context;
    const KernelCostModel& gemm = attention ? models.kv : op.experts > 0 ? models.experts : models.weights;
    const auto [rows, cols] = region.of(op);
    total += d.gemm ? gemm.gemm(d.shape, d.samples, rows, cols, GemmPass::forward, d.mapping)
                    : models.base.elementwise(d.work.elems, d.work.ops_per_elem, rows, cols, d.work.reduce);
  }
  return total;
}

const char* bound_name(const KernelCost& c) {
  const double m = std::max({c.compute_cycles, c.sram_cycles, c.fabric_cycles, c.setup_cycles});
  if (m <= 0) return "none";
  if (m == c.compute_cycles) return "compute";
  if (m == c.sram_cycles) return "sram";
  if (m == c.fabric_cycles) return "fabric";
  return "setup";
}

}  // namespace wafersim::infer_cost
