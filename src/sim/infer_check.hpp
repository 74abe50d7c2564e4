#pragma once
// The --fidelity cycle cross-check of infer(): one decode step's kernels of the first
// transformer block and of the head, each on its own region, run on the cycle-level fabric engine
// and compared with the approx cost model (docs/inference.md). Internal to the sim part
// (src/sim/infer.cpp calls it).
#include <vector>

#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/results/infer_stats.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::infer_check {

// One layer group of infer()'s pipeline order: its ops, whether it holds attention (a KV cache),
// whether it belongs to the draft model, and the cached tokens its decode step attends to.
struct GroupRef {
  const LayerGroup* group = nullptr;
  bool attention = false;
  bool draft = false;
  double keys = 0;
};

// Appends to st.kernel_checks (st.layers gives each group's region) and a note; sets st.fidelity.
void run(const SystemSpec& spec, DType compute, const LayerGraph& graph, const std::vector<GroupRef>& groups,
         double tokens, int prompt, InferStats& st);

}  // namespace wafersim::infer_check
