#pragma once
// The LayerGraph: a DAG of ops on Boost.Graph. One vertex per op, edges carry tensors.
// All work figures are per sample (one sequence of `seq` tokens), so the simulator scales
// them by the number of samples it runs.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "wafersim/graph/model_spec.hpp"

namespace wafersim {

enum class OpKind {
  embedding,     // token (+ position / type) lookup
  norm,          // layernorm / rmsnorm
  matmul,        // activation x weight (projections, FFN, LM head)
  attn_scores,   // Q K^T per head
  softmax,       // attention softmax
  attn_context,  // P V per head
  rotary,        // rotary position embedding on Q and K
  activation,    // gelu / relu / swiglu gate
  residual,      // residual add
  loss,          // softmax cross-entropy over the vocabulary
  conv,          // convolution, lowered as an implicit GEMM (ONNX)
  pool,          // max / average pooling (ONNX)
  elementwise,   // other per-element or data-movement ops (ONNX)
  batch_matmul,  // activation x activation GEMM without weights (ONNX)
};
const char* to_string(OpKind k);

// A GEMM as the compiler sees it: `count` independent (m x k) * (k x n) products per sample.
// For weight matmuls count = 1 and m = seq; for attention count = heads and m = seq.
struct GemmShape {
  double count = 0;
  double m = 0;
  double k = 0;
  double n = 0;
  double fmacs() const { return count * m * k * n; }
};

struct Op {
  std::string name;  // "block3.attn.qkv"
  OpKind kind = OpKind::matmul;
  int layer = 0;            // layer group: 0 = embedding, 1..L = blocks, L+1 = head
  GemmShape gemm;           // zero for non-GEMM ops
  double fwd_fmacs = 0;     // per sample
  double bwd_fmacs = 0;     // per sample (dX + dW), excluding recomputation
  double fwd_elem_ops = 0;  // per sample, elementwise ops (adds, exps, ...)
  double bwd_elem_ops = 0;
  std::uint64_t params = 0;  // trainable parameters owned by this op
  double in_elems = 0;       // per sample elements of all activations read (for the
                             // embedding: its token ids, which no op in the graph produces)
  double out_elems = 0;      // per sample elements of the output activation
  double saved_elems = 0;    // per sample elements kept for backward (no checkpointing)
  // Self-attention ops of a transformer (scores, softmax, context): the sequence length the
  // scores span (queries), the keys each query attends to (the sequence, or a sliding window),
  // the query heads and the head dimension; 0 for every other op. The lowering tiles these over
  // the sequence (compile/lower.hpp, attention_tiling).
  double attn_seq = 0;
  double attn_keys = 0;
  double attn_heads = 0;
  double attn_head_dim = 0;
  // Latent attention (MLA): the per-head width its scores (kv_lora_rank + qk_rope_dim) or
  // context (kv_lora_rank) have at decode, where the cache is the latent; 0 = the GEMM's.
  double decode_head_dim = 0;
  // The routed experts of a mixture-of-experts FFN GEMM: its weights are `experts` matrices of
  // k x n (params), and each token is multiplied by `experts_per_token` of them, so the GEMM's
  // m counts routed tokens (seq x experts_per_token). 0 for every other op.
  double experts = 0;
  double experts_per_token = 0;
  bool streams_weights() const { return params > 0; }
};

struct Tensor {
  std::string name;
  double elems = 0;  // per sample
};

using GraphType = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Op, Tensor>;
using OpId = GraphType::vertex_descriptor;

// A layer group: what weight streaming runs as one unit (embedding, each block, the head).
struct LayerGroup {
  int index = 0;
  std::string name;       // "embedding", "block0", ..., "head"
  std::vector<OpId> ops;  // in topological order
  std::uint64_t params = 0;
  double fwd_fmacs = 0;  // per sample
  double bwd_fmacs = 0;
  double input_elems = 0;  // per sample activation entering the group (checkpoint)
  // The part of input_elems an earlier group already reads (an encoder's output, read by every
  // decoder block): one copy is kept for all of them.
  double reused_input_elems = 0;
};

class LayerGraph {
 public:
  OpId add_op(Op op);
  void add_edge(OpId from, OpId to, Tensor t);

  const GraphType& graph() const { return g_; }
  std::size_t num_ops() const { return boost::num_vertices(g_); }
  const Op& op(OpId id) const { return g_[id]; }

  std::vector<OpId> topo_order() const;    // throws SimError on a cycle
  std::vector<LayerGroup> groups() const;  // ordered by layer index
  std::uint64_t total_params() const;
  double fwd_fmacs_per_sample() const;
  double bwd_fmacs_per_sample() const;
  // Model FLOPs of one training step per sample: 2 x (fwd + bwd) FMACs + element ops,
  // without recomputation (the "model FLOPs" convention).
  double training_flops_per_sample() const;
  // Longest path in forward FMACs (ops that must run one after another).
  double critical_path_fmacs() const;
  // The longest sequence an attention op spans (Op::attn_seq), 0 when there is none.
  double max_attention_seq() const { return max_attn_seq_; }

 private:
  GraphType g_;
  double max_attn_seq_ = 0;
};

// Builds the transformer's LayerGraph for sequence length `seq`.
LayerGraph build_transformer_graph(const TransformerSpec& arch, int seq);

// The graph of any ModelSpec: the fixed graph of a graph model, or the transformer built
// for `model.training.seq`.
LayerGraph build_model_graph(const ModelSpec& model);

// Parameter count of the architecture from its closed form (for cross-checks).
std::uint64_t transformer_params(const TransformerSpec& arch);

}  // namespace wafersim
