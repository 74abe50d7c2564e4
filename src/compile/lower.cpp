#include "wafersim/compile/lower.hpp"

#include <algorithm>
#include <cmath>

namespace wafersim {

namespace {

bool reduces_rows(OpKind k) {
  return k == OpKind::norm || k == OpKind::softmax || k == OpKind::loss || k == OpKind::pool;
}

Bound dominant(const KernelCost& c);

// Tiled attention (attention_tiling): `waves` waves of one block pair per head each.
KernelCost tiled_attention(const Op& op, const AttentionTiling& t, const KernelCostModel& m, double samples,
                           int rows, int cols, bool backward) {
  KernelCost c;
  if (op.kind == OpKind::softmax) {
    for (const ElementwiseWork& w : softmax_wave_work(op, t, samples, backward))
      c += m.elementwise(w.elems, w.ops_per_elem, rows, cols, w.reduce);
  } else {
    const GemmShape w = attention_wave_shape(op, t);
    const GemmMapping map = GemmMapping::batched;
    if (backward) {
      // Scores: dQ and dK, and the scores of the wave recomputed first; context: dP and dV.
      c += m.gemm(w, samples, rows, cols, GemmPass::grad_input, map);
      c += m.gemm(w, samples, rows, cols, GemmPass::grad_input, map);
      if (op.kind == OpKind::attn_scores) c += m.gemm(w, samples, rows, cols, GemmPass::forward, map);
    } else {
      c += m.gemm(w, samples, rows, cols, GemmPass::forward, map);
    }
  }
  c.bound = dominant(c);
  return c.repeated(t.waves);
}

KernelCost forward_cost(const Op& op, const KernelCostModel& m, double samples, int rows, int cols,
                        ExecMode mode) {
  if (lowers_to_gemm(op.kind)) {
    const GemmCall g = gemm_call(op, samples, mode);
    return m.gemm(g.shape, g.samples, rows, cols, GemmPass::forward, g.mapping);
  }
  const ElementwiseWork w = elementwise_work(op, samples, false);
  return m.elementwise(w.elems, w.ops_per_elem, rows, cols, w.reduce);
}

KernelCost backward_cost(const Op& op, const KernelCostModel& m, double samples, int rows, int cols,
                         ExecMode mode) {
  KernelCost c;
  if (lowers_to_gemm(op.kind)) {
    const GemmCall g = gemm_call(op, samples, mode);
    c += m.gemm(g.shape, g.samples, rows, cols, GemmPass::grad_input, g.mapping);
    // Weight matmuls reduce dW down the columns; attention GEMMs have a second
    // activation gradient of the same size instead.
    const auto second = op.params > 0 ? GemmPass::grad_weight : GemmPass::grad_input;
    auto w = m.gemm(g.shape, g.samples, rows, cols, second, g.mapping);
    c += w;
    c.bound = w.bound;
    return c;
  }
  const ElementwiseWork w = elementwise_work(op, samples, true);
  return m.elementwise(w.elems, w.ops_per_elem, rows, cols, w.reduce);
}

// An op as compiled: tiled attention by waves; with tiled attention in the model, every
// other op block by block over the tokens (`chunks` runs of a chunk's share of the samples).
KernelCost compiled_cost(const Op& op, const KernelCostModel& m, double samples, int rows, int cols,
                         ExecMode mode, int chunks, bool backward) {
  const AttentionTiling t = attention_tiling(op, m.attention_block());
  if (t.blocks > 1) return tiled_attention(op, t, m, samples, rows, cols, backward);
  const double per = samples / chunks;
  const KernelCost c =
      backward ? backward_cost(op, m, per, rows, cols, mode) : forward_cost(op, m, per, rows, cols, mode);
  return chunks > 1 ? c.repeated(chunks) : c;
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

AttentionTiling attention_tiling(const Op& op, int attention_block) {
  AttentionTiling t;
  t.block = op.attn_seq;
  t.key_blocks = 1;
  if (op.attn_seq <= 0 || attention_block <= 0 || op.attn_seq <= attention_block) return t;
  t.blocks = static_cast<int>(std::ceil(op.attn_seq / attention_block));
  t.block = op.attn_seq / t.blocks;
  // A sliding window of W keys: a block of queries meets the key blocks its windows overlap,
  // ceil(W / block) + 1 of them (the first and last only partly); the whole sequence otherwise,
  // which for cross-attention (an encoder-decoder's keys are the source) is ceil(keys / block).
  const double keys = op.attn_keys > 0 ? op.attn_keys : op.attn_seq;
  t.key_blocks = keys < op.attn_seq   ? std::min(t.blocks, static_cast<int>(std::ceil(keys / t.block)) + 1)
                 : keys > op.attn_seq ? static_cast<int>(std::ceil(keys / t.block))
                                      : t.blocks;
  t.waves = static_cast<double>(t.blocks) * t.key_blocks;
  return t;
}

int sequence_chunks(const LayerGraph& graph, int attention_block) {
  Op longest;
  longest.attn_seq = graph.max_attention_seq();
  return attention_tiling(longest, attention_block).blocks;
}

GemmShape attention_wave_shape(const Op& op, const AttentionTiling& t) {
  // Scores: Q block (b x hd) times K block^T (hd x b); context: P block (b x b) times V block.
  if (op.kind == OpKind::attn_scores) return GemmShape{op.gemm.count, t.block, op.gemm.k, t.block};
  return GemmShape{op.gemm.count, t.block, t.block, op.gemm.n};
}

std::vector<ElementwiseWork> softmax_wave_work(const Op& op, const AttentionTiling& t, double samples,
                                               bool backward) {
  const double scores = op.attn_heads * t.block * t.block * samples;  // one wave's score block
  const double fwd_ops = op.fwd_elem_ops / std::max(op.in_elems, 1.0);
  if (backward) {
    // P = exp(S - rowstat) recomputed, then dS = P * (dP - D).
    return {{scores, fwd_ops, true}, {scores, op.bwd_elem_ops / std::max(op.in_elems, 1.0), true}};
  }
  // Block max and sum per query row; the running output of each query (head_dim values)
  // rescaled and the running statistics updated.
  return {{scores, fwd_ops, true}, {op.attn_heads * t.block * op.attn_head_dim * samples, 2.0, false}};
}

double working_elems_per_sample(const LayerGraph& graph, const LayerGroup& group, int attention_block) {
  const double chunks = sequence_chunks(graph, attention_block);
  double saved = 0;
  for (OpId id : group.ops) {
    const Op& op = graph.op(id);
    const AttentionTiling t = attention_tiling(op, attention_block);
    if (t.blocks == 1) {
      saved += op.saved_elems / chunks;
      continue;
    }
    const double q = op.attn_seq * op.attn_heads * op.attn_head_dim;  // Q, or the output
    switch (op.kind) {
      case OpKind::attn_scores:  // Q of a block of queries; K whole (every key block is read)
        saved += q / chunks + (op.saved_elems - q);
        break;
      case OpKind::softmax:  // row statistics of a block of queries; one wave's scores and P
        saved += op.attn_heads * op.attn_seq / chunks + 2.0 * op.attn_heads * t.block * t.block;
        break;
      case OpKind::attn_context:  // V whole; the output of a block of queries
        saved += op.saved_elems + q / chunks;
        break;
      default:
        saved += op.saved_elems / chunks;
    }
  }
  return saved;
}

GemmMapping gemm_mapping(const Op& op, ExecMode mode) {
  // Resident weights stay put in pipelined mode; weight GEMMs in weight streaming keep the
  // output stationary; activation x activation GEMMs (attention) are batched: output-
  // stationary, instances side by side. (A tied LM head owns no parameters but multiplies by
  // a resident copy of the embedding.)
  const bool has_weights = op.params > 0 || op.kind == OpKind::matmul;
  if (!has_weights) return GemmMapping::batched;
  return mode == ExecMode::pipelined ? GemmMapping::weight_stationary : GemmMapping::tiled;
}

GemmCall gemm_call(const Op& op, double samples, ExecMode mode) {
  const GemmMapping mapping = gemm_mapping(op, mode);
  if (op.experts > 0 && mapping != GemmMapping::weight_stationary)
    return {GemmShape{op.experts, samples * op.gemm.count * op.gemm.m / op.experts, op.gemm.k, op.gemm.n},
            1.0, GemmMapping::batched};
  return {op.gemm, samples, mapping};
}

DecodeKernel decode_kernel(const Op& op, double samples, double prompt, double keys) {
  DecodeKernel d;
  if (op.kind == OpKind::attn_scores || op.kind == OpKind::attn_context) {
    // The FMACs are the true heads x keys x head_dim; each head's own input vector makes the
    // broadcast heads times longer than a shared one would be, which the shape leaves out.
    const double heads = op.gemm.count;
    const double head_dim = op.decode_head_dim > 0 ? op.decode_head_dim
                                                   : (op.kind == OpKind::attn_scores ? op.gemm.k : op.gemm.n);
    d.gemm = true;
    d.shape = op.kind == OpKind::attn_scores ? GemmShape{1, 1, head_dim, heads * keys}
                                             : GemmShape{1, 1, keys, heads * head_dim};
    d.mapping = GemmMapping::weight_stationary;
    d.samples = samples;
  } else if (lowers_to_gemm(op.kind)) {
    d.gemm = true;
    d.shape = GemmShape{op.gemm.count, 1, op.gemm.k, op.gemm.n};
    d.mapping = gemm_mapping(op, ExecMode::pipelined);
    d.samples = op.experts > 0 ? samples * op.experts_per_token : samples;
  } else if (op.kind == OpKind::softmax) {
    const ElementwiseWork w = elementwise_work(op, 1, false);
    d.work = {op.attn_heads * keys * samples, w.elems > 0 ? w.ops_per_elem : 1, true};
  } else {
    d.work = elementwise_work(op, samples / prompt, false);
  }
  return d;
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
                          const TrainingSpec& training, double samples, int rows, int cols, ExecMode mode,
                          const KernelCostModel* expert_model) {
  return lower_layer(graph, group, model, training, samples, GroupRegion{rows, cols}, mode, expert_model);
}

CompiledLayer lower_layer(const LayerGraph& graph, const LayerGroup& group, const KernelCostModel& model,
                          const TrainingSpec& training, double samples, const GroupRegion& region,
                          ExecMode mode, const KernelCostModel* expert_model) {
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
  L.kept_checkpoint_bytes_per_sample = (group.input_elems - group.reused_input_elems) * vbytes;
  const int block = model.attention_block();
  const int chunks = sequence_chunks(graph, block);
  const auto model_of = [&](const Op& op) -> const KernelCostModel& {
    return expert_model != nullptr && op.experts > 0 ? *expert_model : model;
  };
  for (OpId id : group.ops) {
    const Op& op = graph.op(id);
    const auto [rows, cols] = region.of(op);
    Kernel f{op.name, op.kind, compiled_cost(op, model_of(op), samples, rows, cols, mode, chunks, false)};
    L.fwd_total += f.cost;
    L.forward.push_back(f);
  }
  L.working_bytes_per_sample = working_elems_per_sample(graph, group, block) * vbytes;
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
    const auto [rows, cols] = region.of(op);
    Kernel b{op.name, op.kind, compiled_cost(op, model_of(op), samples, rows, cols, mode, chunks, true)};
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
