#pragma once
// Lowering of the LayerGraph's layer groups to kernels on a PE rectangle, per pass.
#include <string>
#include <utility>
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
  double weight_bytes = 0;                      // streamed in per pass (compute dtype)
  double grad_bytes = 0;                        // streamed out per micro-batch (compute dtype)
  double checkpoint_bytes_per_sample = 0;       // the layer's input, kept from forward to backward
  double kept_checkpoint_bytes_per_sample = 0;  // of it, what no earlier layer keeps already
  double working_bytes_per_sample = 0;          // live while the layer runs its backward
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

// The GEMM kernel an op runs for `samples` samples in `mode`: its shape, the samples the shape
// is repeated for, and the mapping. As the op says, except the routed experts of a mixture of
// experts (Op::experts) in weight streaming: there each expert multiplies its share of all the
// samples' routed tokens by its own streamed weights, `experts` GEMMs side by side (batched).
// Resident (pipelined, inference) each expert is spread over the whole region, so a routed
// token costs what a token of one expert-sized matrix does.
struct GemmCall {
  GemmShape shape;
  double samples = 0;
  GemmMapping mapping = GemmMapping::tiled;
};
GemmCall gemm_call(const Op& op, double samples, ExecMode mode);

// The elementwise kernel a non-GEMM op lowers to for `samples` samples, forward or backward:
// its elements, the ops per element, and whether it reduces along rows (norm statistics,
// softmax, the loss, pooling). The input of KernelCostModel::elementwise.
struct ElementwiseWork {
  double elems = 0;
  double ops_per_elem = 0;
  bool reduce = false;
};
ElementwiseWork elementwise_work(const Op& op, double samples, bool backward);

// One op of an inference decode step (wafersim infer): one new token for each of `samples`
// requests, attention against `keys` cached tokens. A weight GEMM of M = 1 is a GEMV (weight-
// stationary); attention is a GEMV with the KV cache as the stationary matrix, every head side
// by side (scores: q . K over head_dim for heads x keys outputs; context: p . V over the keys
// for heads x head_dim outputs); softmax works on heads x keys scores; every other op on the new
// token only (its per-sample work over `prompt` tokens, scaled to one). Used by the inference
// timing and by its cycle-level cross-check, so both run the same kernels. A routed expert GEMM
// runs its experts_per_token GEMVs per request (the experts' slices spread over the region).
struct DecodeKernel {
  bool gemm = false;
  GemmShape shape;  // gemm
  GemmMapping mapping = GemmMapping::weight_stationary;
  double samples = 0;    // gemm: instances of the shape (requests)
  ElementwiseWork work;  // elementwise
};
DecodeKernel decode_kernel(const Op& op, double samples, double prompt, double keys);

// Attention tiled over the sequence (flash-style), when the sequence is longer than
// map.attention_block: queries and keys are cut into `blocks` blocks of `block` tokens each and
// the kernel runs `waves` = blocks x key_blocks waves, one (query block, key block) pair of every
// head per wave (key_blocks = blocks, or fewer with a sliding window). The score block of a wave is the only
// score storage (no seq x seq matrix); the softmax is online (running max and sum per query, the output
// rescaled per key block); the backward recomputes the scores and probabilities of each wave from Q, K and
// the saved row statistics. The other ops of a layer with tiled attention run block by block over the tokens
// (`blocks` chunks), so their working set is one block's too. blocks == 1: untiled.
struct AttentionTiling {
  int blocks = 1;
  double block = 0;    // tokens per block
  int key_blocks = 1;  // key blocks each query block meets
  double waves = 1;
};
AttentionTiling attention_tiling(const Op& op, int attention_block);
// Chunks of tokens the other ops run in: the largest attention_tiling().blocks in the graph.
int sequence_chunks(const LayerGraph& graph, int attention_block);
// One wave of a tiled scores or context GEMM (per sample; every head).
GemmShape attention_wave_shape(const Op& op, const AttentionTiling& t);
// The elementwise kernels of one wave of a tiled softmax, for `samples` samples. Forward (online
// softmax): the block's max and sum per query row, then the running output rescaled. Backward:
// P recomputed from the scores and the saved row statistics, then dS = P * (dP - D).
std::vector<ElementwiseWork> softmax_wave_work(const Op& op, const AttentionTiling& t, double samples,
                                               bool backward);
// Elements (per sample) kept from forward to backward by `group`, as compiled: tiled attention
// keeps Q, K, V, the output and the softmax row statistics, plus one wave's score block, with
// the per-token parts of a block of tokens.
double working_elems_per_sample(const LayerGraph& graph, const LayerGroup& group, int attention_block);

// Kernels for `samples` samples of every layer group on a rows x cols rectangle.
std::vector<CompiledLayer> lower_layers(const LayerGraph& graph, const KernelCostModel& model,
                                        const TrainingSpec& training, double samples, int rows, int cols,
                                        ExecMode mode = ExecMode::weight_streaming);

// A layer group's region, and for a mixture of experts laid out split (inference's compact
// layout) the part of it where the ops other than the routed experts run: attention, norms, the
// router, shared experts (0 x 0: the whole region).
struct GroupRegion {
  int rows = 0, cols = 0;
  int dense_rows = 0, dense_cols = 0;
  bool split() const { return dense_rows > 0 && dense_cols > 0; }
  // Where `op` runs: the routed experts over the whole region, the rest on the dense part.
  std::pair<int, int> of(const Op& op) const {
    return split() && op.experts == 0 ? std::pair{dense_rows, dense_cols} : std::pair{rows, cols};
  }
};

// One layer group only (used by the pipelined mapper when sizing regions). `expert_model`, when
// given, costs the routed experts' GEMMs (ops with experts > 0) instead of `model`: inference
// stores them at their own width (--expert-bits).
CompiledLayer lower_layer(const LayerGraph& graph, const LayerGroup& group, const KernelCostModel& model,
                          const TrainingSpec& training, double samples, int rows, int cols,
                          ExecMode mode = ExecMode::weight_streaming,
                          const KernelCostModel* expert_model = nullptr);
// The same on a split region (GroupRegion::of gives each op its rows x cols).
CompiledLayer lower_layer(const LayerGraph& graph, const LayerGroup& group, const KernelCostModel& model,
                          const TrainingSpec& training, double samples, const GroupRegion& region,
                          ExecMode mode, const KernelCostModel* expert_model);

}  // namespace wafersim
