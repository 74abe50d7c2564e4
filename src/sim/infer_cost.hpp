#pragma once
// The decode kernels' cost of one layer group on its region (src/sim/infer.cpp). Internal to
// the sim part.
#include "wafersim/compile/kernel_cost.hpp"
#include "wafersim/compile/lower.hpp"
#include "wafersim/graph/layer_graph.hpp"

namespace wafersim::infer_cost {

// The cost models of a decode step: `base` for elementwise ops; the GEMVs that read the stored
// weights use `weights`, the attention GEMVs over the KV cache `kv` (the same model unless the
// stored values are narrower: KernelCostModel::set_stationary_bits).
struct DecodeModels {
  const KernelCostModel& base;
  const KernelCostModel& weights;
  const KernelCostModel& experts;  // the routed experts' GEMVs
  const KernelCostModel& kv;
};

// One decode step of `samples` requests of the group's ops on its region (each op where
// GroupRegion::of puts it) at context `keys` (compile/lower.hpp decode_kernel: the same kernels
// the cycle-level cross-check runs).
KernelCost decode_cost(const LayerGraph& graph, const LayerGroup& group, const DecodeModels& models,
                       double samples, double prompt, double keys, const GroupRegion& region);

// What bounds a cost: compute, sram, fabric or setup ("none" when it is empty).
const char* bound_name(const KernelCost& c);

}  // namespace wafersim::infer_cost
