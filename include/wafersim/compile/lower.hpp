#pragma once
// Lowering of the LayerGraph's layer groups to kernels on a PE rectangle, per pass.
#include <string>
#include <vector>

#include "wafersim/compile/kernel_cost.hpp"
#include "wafersim/graph/layer_graph.hpp"

namespace wafersim {

struct Kernel {
  std::string name;  // op name, "+recompute" for recomputed forward ops
  OpKind kind = OpKind::matmul;
  KernelCost cost;
};

struct CompiledLayer {
  int index = 0;
  std::string name;
  std::uint64_t params = 0;
  std::vector<Kernel> forward;   // for the compiled number of samples
  std::vector<Kernel> backward;  // including forward recomputation when checkpointing
  KernelCost fwd_total;
  KernelCost bwd_total;
  double weight_bytes = 0;                 // streamed in per pass (compute dtype)
  double grad_bytes = 0;                   // streamed out per micro-batch (compute dtype)
  double checkpoint_bytes_per_sample = 0;  // kept on the wafer from forward to backward
  double working_bytes_per_sample = 0;     // live while the layer runs its backward
};

// Execution mode the kernels are compiled for: weight streaming (whole wafer, weights flow
// in, activation checkpointing as the model says) or pipelined (a region per layer, weights
// resident and weight-stationary, every activation kept: no recomputation).
enum class ExecMode { weight_streaming, pipelined };

// Whether an op runs as a GEMM kernel (matmuls, attention, convolutions as implicit GEMMs);
// every other op runs as an elementwise kernel.
bool lowers_to_gemm(OpKind kind);

// How a GEMM op's operands sit on its region in `mode` (weights resident in pipelined mode,
// streamed in weight streaming; attention batched in both).
GemmMapping gemm_mapping(const Op& op, ExecMode mode);

// The elementwise kernel a non-GEMM op lowers to for `samples` samples, forward or backward:
// its elements, the ops per element, and whether it reduces along rows (norm statistics,
// softmax, the loss, pooling). The input of KernelCostModel::elementwise.
struct ElementwiseWork {
  double elems = 0;
  double ops_per_elem = 0;
  bool reduce = false;
};
ElementwiseWork elementwise_work(const Op& op, double samples, bool backward);

// Kernels for `samples` samples of every layer group on a rows x cols rectangle.
std::vector<CompiledLayer> lower_layers(const LayerGraph& graph, const KernelCostModel& model,
                                        const TrainingSpec& training, double samples, int rows, int cols,
                                        ExecMode mode = ExecMode::weight_streaming);

// One layer group only (used by the pipelined mapper when sizing regions).
CompiledLayer lower_layer(const LayerGraph& graph, const LayerGroup& group, const KernelCostModel& model,
                          const TrainingSpec& training, double samples, int rows, int cols,
                          ExecMode mode = ExecMode::weight_streaming);

}  // namespace wafersim
