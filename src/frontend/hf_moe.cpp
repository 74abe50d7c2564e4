// HuggingFace config.json: the mixtures of experts (Mixtral, Qwen-MoE, GLM-4.5, gpt-oss, DeepSeek
// and Kimi K2, Llama 4). The dense families and the entry point are in hf_config.cpp.
#include <algorithm>
#include <string>
#include <vector>

#include "hf_json.hpp"

namespace wafersim::frontend::hf {

void read_experts(const JsonConfig& c, const char* experts_key, int k, TransformerSpec& a) {
  a.experts = c.positive_int(experts_key);
  if (a.experts < 2) c.fail(experts_key, "a mixture of experts needs at least 2 experts");
  a.experts_per_token = c.positive_int("num_experts_per_tok", k);
  if (a.experts_per_token > a.experts)
    c.fail("num_experts_per_tok",
           "must not exceed " + std::string(experts_key) + " (" + std::to_string(a.experts) + ")");
}

// Mixture of experts on LLaMA's blocks. Mixtral: num_local_experts FFNs of intermediate_size,
// num_experts_per_tok of them per token. Qwen-MoE (qwen2_moe, qwen3_moe): num_experts of
// moe_intermediate_size, and in qwen2_moe a shared expert of shared_expert_intermediate_size
// scaled by a sigmoid gate (hidden_size weights a layer); experts on every decoder_sparse_step-th
// block.
TransformerSpec moe(const JsonConfig& c, const std::string& type) {
  const bool mixtral = type == "mixtral";
  TransformerSpec a = llama(c, mixtral ? "mistral" : type == "qwen2_moe" ? "qwen2" : "qwen3");
  read_experts(c, mixtral ? "num_local_experts" : "num_experts", mixtral ? 2 : 1, a);
  if (!mixtral) {
    a.expert_ffn = c.positive_int("moe_intermediate_size");
    if (type == "qwen2_moe") {
      a.shared_expert_ffn = c.positive_int("shared_expert_intermediate_size", 0);
      a.shared_expert_gate = a.shared_expert_ffn > 0;  // Qwen2MoeSparseMoeBlock.shared_expert_gate
    }
    a.moe_layer_step = c.positive_int("decoder_sparse_step", 1);  // experts on every step-th layer
    if (!c.empty_list("mlp_only_layers"))
      c.fail("mlp_only_layers", "dense layers among the expert layers are not modelled");
  }
  return a;
}

// Llama 4 (llama4_text; llama4, whose text_config is read and its vision tower left out): LLaMA's
// blocks with GQA and head_dim; num_local_experts experts of intermediate_size (num_experts_per_tok
// per token) beside a shared one of that width on every interleave_moe_layer_step-th block, dense
// FFNs of intermediate_size_mlp on the others; chunked attention (attention_chunk_size) on the
// RoPE blocks, full attention on every 4th (no_rope_layers' zeros), timed as a window of the chunk
// (a chunk's tokens see 1 to chunk keys: an upper bound beyond one chunk). Its Q/K L2 norms have
// no weights and are left out.
TransformerSpec llama4(const JsonConfig& c) {
  TransformerSpec a = llama_blocks(c, {"num_hidden_layers", "hidden_size", "num_attention_heads",
                                       "intermediate_size_mlp", "max_position_embeddings"});
  a.bias = c.boolean("attention_bias", false);
  if (a.bias) c.fail("attention_bias", "Llama 4 with attention biases is not modelled");
  read_experts(c, "num_local_experts", 1, a);
  a.expert_ffn = c.positive_int("intermediate_size");
  a.shared_expert_ffn = a.expert_ffn;  // Llama4TextMoe's shared_expert
  a.moe_layer_step = c.positive_int("interleave_moe_layer_step", 1);
  a.sliding_window = c.positive_int("attention_chunk_size", 0);
  if (a.sliding_window > 0) {
    int every = 4;  // transformers' default no_rope_layers: every 4th block without RoPE, global
    if (c.has("no_rope_layers")) {
      const std::vector<int> rope = c.ints("no_rope_layers");
      if (static_cast<int>(rope.size()) != a.layers)
        c.fail("no_rope_layers", "expected one entry per layer (" + std::to_string(a.layers) + ")");
      const auto first = std::find(rope.begin(), rope.end(), 0);
      every = first == rope.end() ? 0 : static_cast<int>(first - rope.begin()) + 1;
      for (int i = 0; every > 0 && i < a.layers; ++i)
        if ((rope[static_cast<std::size_t>(i)] == 0) != ((i + 1) % every == 0))
          c.fail("no_rope_layers", "global blocks other than every Nth are not modelled");
    }
    a.global_attention_every = every >= 2 ? every : 0;
  }
  return a;
}

// GLM-4.5 (glm4_moe): LLaMA's blocks with biases on Q, K and V (attention_bias), rotary on
// partial_rotary_factor of each head, optional per-head Q/K norms (use_qk_norm); dense FFNs of
// intermediate_size on the first first_k_dense_replace blocks, then n_routed_experts experts of
// moe_intermediate_size (num_experts_per_tok per token) beside n_shared_experts shared ones; the
// router's per-expert score-correction bias (`router_bias`, as DeepSeek-V3's). Not counted: the
// num_nextn_predict_layers multi-token-prediction layers, which the forward pass does not run.
TransformerSpec glm4_moe(const JsonConfig& c) {
  TransformerSpec a = llama(c, "glm4_moe");
  a.bias = false;
  a.qkv_bias = c.boolean("attention_bias", false);
  const double f = c.number("partial_rotary_factor", 1.0);
  if (f <= 0 || f > 1) c.fail("partial_rotary_factor", "expected a fraction in (0, 1]");
  a.rotary_dim = static_cast<int>(f * head_dim_of(a));
  a.qk_norm = c.boolean("use_qk_norm", false);
  read_experts(c, "n_routed_experts", 1, a);
  a.expert_ffn = c.positive_int("moe_intermediate_size");
  a.shared_expert_ffn = c.count("n_shared_experts") * a.expert_ffn;
  a.router_bias = true;  // e_score_correction_bias
  a.first_dense_layers = c.count("first_k_dense_replace");
  if (a.first_dense_layers > a.layers) c.fail("first_k_dense_replace", "exceeds num_hidden_layers");
  return a;
}

// gpt-oss (OpenAI, 2025): LLaMA's blocks with biases on Q, K, V and the output projection, a
// learned sink logit per head in every softmax (`sinks`), the window on the even blocks
// (layer_types), and every FFN num_local_experts experts of intermediate_size with their biases,
// num_experts_per_tok per token, chosen by a router with a bias; the vocabulary projection has no
// bias. The checkpoint's MXFP4 experts (quantization_config) are timed as 16-bit weights.
TransformerSpec gpt_oss(const JsonConfig& c, std::vector<std::string>& notes) {
  TransformerSpec a = llama(c, "gpt_oss");
  if (!c.boolean("attention_bias", true))
    c.fail("attention_bias", "gpt-oss without attention biases is not modelled (its experts have biases)");
  // Without layer_types, transformers' GptOssConfig alternates from a sliding first block.
  if (!c.has("layer_types") && a.sliding_window > 0) a.sliding_window_period = 2;
  a.bias = true;
  a.head_bias = false;
  a.sink_logits = true;
  a.router_bias = true;
  read_experts(c, "num_local_experts", 1, a);
  if (c.has("quantization_config"))
    notes.push_back(
        "quantization_config: the checkpoint's quantized weights are timed as 16-bit weights (infer "
        "--weight-bits sets the stored width)");
  return a;
}

// DeepSeek-V2 and -V3 (deepseek_v2, deepseek_v3) and Kimi K2 (kimi_k2, DeepSeek-V3's layout):
// multi-head latent attention (q_lora_rank, null for one Q projection; kv_lora_rank;
// qk_nope_head_dim, qk_rope_head_dim, v_head_dim), dense FFNs of intermediate_size on the first
// first_k_dense_replace blocks, then n_routed_experts experts of moe_intermediate_size
// (num_experts_per_tok per token) beside n_shared_experts of that width. V3's router keeps a
// per-expert score-correction bias (topk_method noaux_tc; `router_bias`), counted as DeepSeek's
// 671,026,419,200 counts it; not counted: the num_nextn_predict_layers multi-token-prediction
// layers, which the forward pass does not run (DeepSeek's 671B are without them).
TransformerSpec deepseek(const JsonConfig& c, const std::string& type) {
  TransformerSpec a = shapes(c, kHfKeys);
  a.kv_heads = a.heads;  // latent attention: every head has its own K and V
  a.position = PositionEmbedding::rotary;
  a.norm = NormKind::rmsnorm;
  a.activation = activation_of(c, "hidden_act", "silu");
  a.tied_embeddings = c.boolean("tie_word_embeddings", false);
  if (c.boolean("attention_bias", false))
    c.fail("attention_bias", "latent attention with biases is not modelled");
  a.bias = false;
  a.kv_lora_rank = c.positive_int("kv_lora_rank");
  a.q_lora_rank = c.positive_int("q_lora_rank", 0);  // null (DeepSeek-V2-Lite): one Q projection
  a.qk_nope_dim = c.positive_int("qk_nope_head_dim");
  a.qk_rope_dim = c.positive_int("qk_rope_head_dim");
  a.v_head_dim = c.positive_int("v_head_dim");
  read_experts(c, "n_routed_experts", 1, a);
  a.expert_ffn = c.positive_int("moe_intermediate_size");
  a.shared_expert_ffn = c.count("n_shared_experts") * a.expert_ffn;
  a.router_bias = c.text("topk_method", type == "deepseek_v2" ? "greedy" : "noaux_tc") == "noaux_tc";
  a.first_dense_layers = c.count("first_k_dense_replace");
  if (a.first_dense_layers > a.layers) c.fail("first_k_dense_replace", "exceeds num_hidden_layers");
  if (c.positive_int("moe_layer_freq", 1) != 1)
    c.fail("moe_layer_freq", "experts on every block after the dense ones (1) is what is modelled");
  return a;
}

}  // namespace wafersim::frontend::hf
