// Closed-form parameter count of a transformer. Written independently of the graph builder
// so the two can check each other (tests require them to agree exactly).
#include <cstdint>

#include "transformer_rules.hpp"
#include "wafersim/graph/layer_graph.hpp"

namespace wafersim {

std::uint64_t transformer_params(const TransformerSpec& a) {
  using U = std::uint64_t;
  const U h = static_cast<U>(a.hidden);
  const U heads = static_cast<U>(a.heads);
  const U kv = static_cast<U>(a.kv_heads > 0 ? a.kv_heads : a.heads);
  const U head_dim = static_cast<U>(head_dim_of(a));
  const U inner = heads * head_dim;  // the attention's width: hidden unless head_dim says otherwise
  const U ffn = static_cast<U>(a.ffn);
  const U vocab = static_cast<U>(a.vocab);
  const U b = a.bias ? 1 : 0;
  const U bq = a.bias || a.qkv_bias ? 1 : 0;
  const U norm = static_cast<U>(rules::norm_params_per_feature(a.norm)) * h;

  // Embedding: token table, learned positions, token types; post-norm encoders normalise it.
  U embedding = vocab * h + static_cast<U>(a.type_vocab) * h;
  if (a.position == PositionEmbedding::learned) embedding += static_cast<U>(a.max_seq) * h;
  if (a.arch == Arch::encoder) embedding += norm;

  // Block: fused QKV (K and V sized by kv_heads), output projection, FFN with the gated
  // variant's fc1 twice as wide, and one norm per sub-layer (one shared norm in GPT-J blocks).
  const U qkv_n = inner + 2 * kv * head_dim;
  const auto dense_ffn = [&](U width) {
    const U fc1_n = is_gated(a.activation) ? 2 * width : width;
    return (h * fc1_n + b * fc1_n) + (width * h + b * h);
  };
  // Mixture of experts: a router (its bias in gpt-oss, over the fused gate column too), `experts`
  // FFNs of the expert width, the shared one.
  const U experts = static_cast<U>(a.experts);
  const U gate_col = a.shared_expert_ffn > 0 && a.shared_expert_gate ? 1 : 0;
  const U moe_part =
      experts == 0
          ? 0
          : h * experts + (a.router_bias ? experts + gate_col : 0) +
                experts * dense_ffn(static_cast<U>(expert_ffn_of(a))) +
                (a.shared_expert_ffn > 0 ? dense_ffn(static_cast<U>(a.shared_expert_ffn)) : 0) + gate_col * h;
  // Blocks with the experts, and the dense ones (all of them without experts).
  U moe_blocks = 0;
  for (int i = 0; i < a.layers; ++i) moe_blocks += is_moe_block(a, i) ? 1 : 0;
  const U dense_blocks = static_cast<U>(a.layers) - moe_blocks;
  const U norms = a.parallel_block ? 1 : (a.sandwich_norm ? 4 : 2);
  const U qk_norm = a.qk_norm ? 2 * head_dim : 0;  // one head_dim-wide RMSNorm weight for Q, one for K
  const U sinks = a.sink_logits ? heads : 0;       // one learned softmax logit per head
  // Latent attention (no biases): Q through its latent and its norm (or one projection), the
  // KV latent with the rotary key beside it, its norm, the up-projection to K and V, the output.
  const auto latent_attention = [&] {
    const U ql = static_cast<U>(a.q_lora_rank), kl = static_cast<U>(a.kv_lora_rank);
    const U nope = static_cast<U>(a.qk_nope_dim), rope = static_cast<U>(a.qk_rope_dim);
    const U vd = static_cast<U>(a.v_head_dim);
    const U q_width = heads * (nope + rope);
    return (ql > 0 ? h * ql + ql + ql * q_width : h * q_width) + h * (kl + rope) + kl +
           kl * heads * (nope + vd) + heads * vd * h;
  };
  const U attention =
      is_mla(a) ? latent_attention() : qk_norm + sinks + (h * qkv_n + bq * qkv_n) + (inner * h + b * h);
  const U block = norms * norm + attention;  // without its FFN
  const U blocks = static_cast<U>(a.layers) * block + dense_blocks * dense_ffn(ffn) + moe_blocks * moe_part;

  // Head: decoders have a final norm; BERT's MLM head has a dense + norm transform. The
  // vocabulary projection has no own weights when tied to the token embedding.
  U head = 0;
  if (a.arch == Arch::encoder) {
    head += h * h + b * h + norm;
  } else {
    head += norm;
  }
  if (!a.tied_embeddings) head += h * vocab;
  if (rules::lm_head_bias(a)) head += vocab;

  if (a.arch == Arch::encoder_decoder) {
    // Encoder-decoder: the decoder's own token table (if any), a relative-bias table per
    // stack, the encoder's final norm; each decoder block adds a norm and the cross-attention
    // (Q from the target, K and V from the encoder's output, the output projection).
    const U tgt_vocab = static_cast<U>(a.tgt_vocab > 0 ? a.tgt_vocab : a.vocab);
    embedding += static_cast<U>(a.tgt_vocab) * h;
    if (a.position == PositionEmbedding::relative)
      embedding += 2 * static_cast<U>(a.relative_buckets) * heads;
    const U kv_n = 2 * kv * head_dim;
    const U cross = norm + (h * inner + bq * inner) + (h * kv_n + bq * kv_n) + (inner * h + b * h);
    U dec_head = norm;  // the decoder's final norm
    if (!a.tied_embeddings) dec_head += h * tgt_vocab;
    if (rules::lm_head_bias(a)) dec_head += tgt_vocab;
    return embedding + blocks + norm + static_cast<U>(a.decoder_layers) * (block + dense_ffn(ffn) + cross) +
           dec_head;
  }
  return embedding + blocks + head;
}

}  // namespace wafersim
