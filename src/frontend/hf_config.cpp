// HuggingFace transformers config.json. Each model_type names its keys differently (GPT-2's
// n_embd is LLaMA's hidden_size), so a small table per family maps them onto TransformerSpec;
// architecture facts a config does not state (GPT-J's parallel block) come from the family.
// The run settings are not in a config.json: batch and seq default (frontends.hpp) and are
// overridden by --batch / --seq.
#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "frontends.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::frontend {
namespace {

using nlohmann::json;

class JsonConfig {
 public:
  JsonConfig(const json& j, const std::string& text, std::string file)
      : j_(j), text_(text), file_(std::move(file)) {}

  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  [[noreturn]] void fail(const char* key, const std::string& detail) const {
    throw ConfigError(SourceLoc{file_, line_of(key), 0}, key, detail);
  }

  int positive_int(const char* key) const {
    if (!has(key)) fail(key, "missing required key (a positive integer)");
    const json& v = j_.at(key);
    if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > INT_MAX)
      fail(key, "expected a positive integer, got " + v.dump());
    return static_cast<int>(v.get<long long>());
  }
  int positive_int(const char* key, int fallback) const { return has(key) ? positive_int(key) : fallback; }
  // Optional, >= 0 (0 is a value, not "absent").
  int count(const char* key) const {
    if (!has(key)) return 0;
    const json& v = j_.at(key);
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > INT_MAX)
      fail(key, "expected a whole number >= 0, got " + v.dump());
    return static_cast<int>(v.get<long long>());
  }

  double number(const char* key, double fallback) const {
    if (!has(key)) return fallback;
    if (!j_.at(key).is_number()) fail(key, "expected a number, got " + j_.at(key).dump());
    return j_.at(key).get<double>();
  }

  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!j_.at(key).is_boolean()) fail(key, "expected true or false, got " + j_.at(key).dump());
    return j_.at(key).get<bool>();
  }

  // A list key (Qwen-MoE's mlp_only_layers) that is absent, null or empty.
  bool empty_list(const char* key) const {
    if (!has(key)) return true;
    if (!j_.at(key).is_array()) fail(key, "expected a list, got " + j_.at(key).dump());
    return j_.at(key).empty();
  }

  // A list of whole numbers (Llama 4's no_rope_layers); absent or null is empty.
  std::vector<int> ints(const char* key) const {
    std::vector<int> out;
    if (!has(key)) return out;
    const json& v = j_.at(key);
    if (!v.is_array()) fail(key, "expected a list of whole numbers, got " + v.dump());
    for (const json& e : v) {
      if (!e.is_number_integer()) fail(key, "expected a list of whole numbers, got an entry " + e.dump());
      out.push_back(static_cast<int>(e.get<long long>()));
    }
    return out;
  }

  // A list of strings (transformers' layer_types); absent or null is empty.
  std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    if (!has(key)) return out;
    const json& v = j_.at(key);
    if (!v.is_array()) fail(key, "expected a list of strings, got " + v.dump());
    for (const json& e : v) {
      if (!e.is_string()) fail(key, "expected a list of strings, got an entry " + e.dump());
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  std::string text(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!j_.at(key).is_string()) fail(key, "expected a string, got " + j_.at(key).dump());
    return j_.at(key).get<std::string>();
  }

 private:
  // nlohmann::json keeps no positions; the first `"key"` in the text is where it is written.
  int line_of(const char* key) const {
    const auto pos = text_.find("\"" + std::string(key) + "\"");
    if (pos == std::string::npos) return 0;
    return 1 + static_cast<int>(
                   std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  }

  const json& j_;
  const std::string& text_;
  std::string file_;
};

ActivationKind activation_of(const JsonConfig& c, const char* key, const std::string& fallback) {
  const std::string act = c.text(key, fallback);
  // LLaMA's silu sits in a gated FFN (SwiGLU); GPT-2's gelu_new is gelu with a tanh fit.
  if (act == "silu" || act == "swish" || act == "swiglu") return ActivationKind::swiglu;
  if (act == "relu") return ActivationKind::relu;
  if (act.rfind("gelu", 0) == 0) return ActivationKind::gelu;
  c.fail(key, "'" + act + "' is not modelled; expected gelu*, relu or silu");
}

// Where each family's config.json keeps the shapes: one table instead of a hand-written copy
// per family. GPT-2's `n_inner` may be absent (4 x hidden).
struct ShapeKeys {
  const char* layers;
  const char* hidden;
  const char* heads;
  const char* ffn;
  const char* max_seq;
};
constexpr ShapeKeys kGpt2Keys{"n_layer", "n_embd", "n_head", "n_inner", "n_positions"};
constexpr ShapeKeys kHfKeys{"num_hidden_layers", "hidden_size", "num_attention_heads", "intermediate_size",
                            "max_position_embeddings"};

TransformerSpec shapes(const JsonConfig& c, const ShapeKeys& k, bool ffn_defaults_to_4h = false) {
  TransformerSpec a;
  a.layers = c.positive_int(k.layers);
  a.hidden = c.positive_int(k.hidden);
  a.heads = c.positive_int(k.heads);
  a.ffn = ffn_defaults_to_4h ? c.positive_int(k.ffn, 4 * a.hidden) : c.positive_int(k.ffn);
  a.vocab = c.positive_int("vocab_size");
  a.max_seq = c.positive_int(k.max_seq);
  return a;
}

TransformerSpec gpt2_like(const JsonConfig& c, bool gptj) {
  TransformerSpec a = shapes(c, kGpt2Keys, true);
  a.activation = activation_of(c, "activation_function", "gelu_new");
  a.tied_embeddings = c.boolean("tie_word_embeddings", !gptj);
  if (gptj) {
    a.position = PositionEmbedding::rotary;
    a.rotary_dim = c.positive_int("rotary_dim", 0);
    a.parallel_block = true;
  }
  return a;
}

TransformerSpec neox(const JsonConfig& c) {
  TransformerSpec a = shapes(c, kHfKeys);
  a.position = PositionEmbedding::rotary;
  const double pct = c.number("rotary_pct", 1.0);
  if (pct <= 0 || pct > 1) c.fail("rotary_pct", "expected a fraction in (0, 1]");
  a.rotary_dim = static_cast<int>(pct * head_dim_of(a));
  a.activation = activation_of(c, "hidden_act", "gelu");
  a.parallel_block = c.boolean("use_parallel_residual", true);
  a.tied_embeddings = c.boolean("tie_word_embeddings", false);
  return a;
}

// transformers' layer_types (gpt-oss, Gemma 3; newer configs of Qwen, Mistral, Gemma 2): each
// block's attention, full_attention or sliding_attention over `sliding_window` keys. The
// patterns the spec holds: all blocks alike, the window on the even blocks and full attention on
// the odd ones (sliding_window_period 2: Gemma 2, gpt-oss), or every Nth block full and the
// others windowed (global_attention_every N: Gemma 3's 6).
void read_layer_types(const JsonConfig& c, TransformerSpec& a) {
  if (!c.has("layer_types")) return;
  const std::vector<std::string> t = c.strings("layer_types");
  if (static_cast<int>(t.size()) != a.layers)
    c.fail("layer_types", "expected one entry per layer (" + std::to_string(a.layers) + "), got " +
                              std::to_string(t.size()));
  bool any = false, all = true, even = true;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != "full_attention" && t[i] != "sliding_attention")
      c.fail("layer_types", "entry " + std::to_string(i) + " is '" + t[i] +
                                "'; expected full_attention or sliding_attention");
    const bool sliding = t[i] == "sliding_attention";
    any = any || sliding;
    all = all && sliding;
    even = even && sliding == (i % 2 == 0);
  }
  if (!any) {
    a.sliding_window = 0;
    return;
  }
  if (a.sliding_window <= 0)
    c.fail("sliding_window", "layer_types has sliding_attention blocks: expected a positive window");
  if (all) {
    a.sliding_window_period = 1;
    return;
  }
  if (even) {
    a.sliding_window_period = 2;
    return;
  }
  // Every Nth block full: N is where the first full one is.
  const std::size_t n =
      static_cast<std::size_t>(std::find(t.begin(), t.end(), "full_attention") - t.begin()) + 1;
  bool every_nth = n >= 3;
  for (std::size_t i = 0; every_nth && i < t.size(); ++i)
    every_nth = (t[i] == "sliding_attention") == ((i + 1) % n != 0);
  if (!every_nth)
    c.fail("layer_types",
           "this mix of sliding and full attention is not modelled; modelled: every block alike, "
           "sliding_attention on the even blocks and full_attention on the odd ones, or every Nth block "
           "full_attention and the others sliding_attention");
  a.global_attention_every = static_cast<int>(n);
}

// LLaMA, Mistral and Qwen: `head_dim` (Mistral NeMo, Qwen3) makes the attention heads x
// head_dim wide instead of hidden.
TransformerSpec llama(const JsonConfig& c, const std::string& type) {
  TransformerSpec a = shapes(c, kHfKeys);
  a.kv_heads = c.positive_int("num_key_value_heads", a.heads);
  a.head_dim = c.positive_int("head_dim", 0);
  if (a.head_dim * a.heads == a.hidden) a.head_dim = 0;  // the default, written out
  a.position = PositionEmbedding::rotary;
  a.norm = NormKind::rmsnorm;
  a.activation = activation_of(c, "hidden_act", "silu");
  a.tied_embeddings = c.boolean("tie_word_embeddings", false);
  if (type == "qwen2") {
    a.bias = false;
    a.qkv_bias = true;  // Qwen2 has biases on Q, K and V only (the config has no key for it)
  } else {
    a.bias = c.boolean("attention_bias", false);
  }
  a.qk_norm = type == "qwen3";  // Qwen3Attention's q_norm and k_norm (no config key)
  if (type == "qwen2" || type == "qwen3") {
    // Qwen writes a window but uses it only with use_sliding_window, and then only from layer
    // max_window_layers on.
    if (c.boolean("use_sliding_window", false))
      c.fail("use_sliding_window",
             "a sliding window on some layers only (max_window_layers) is not modelled");
  } else {
    a.sliding_window = c.positive_int("sliding_window", 0);  // Mistral; null = none
  }
  read_layer_types(c, a);
  return a;
}

// Mixture of experts on LLaMA's blocks. Mixtral: num_local_experts FFNs of intermediate_size,
// num_experts_per_tok of them per token. Qwen-MoE (qwen2_moe, qwen3_moe): num_experts of
// moe_intermediate_size, and in qwen2_moe a shared expert of shared_expert_intermediate_size
// scaled by a sigmoid gate (hidden_size weights a layer); MoE on every layer only.
// The routed experts (`experts_key`: at least 2) and num_experts_per_tok (1..experts, default `k`).
void read_experts(const JsonConfig& c, const char* experts_key, int k, TransformerSpec& a) {
  a.experts = c.positive_int(experts_key);
  if (a.experts < 2) c.fail(experts_key, "a mixture of experts needs at least 2 experts");
  a.experts_per_token = c.positive_int("num_experts_per_tok", k);
  if (a.experts_per_token > a.experts)
    c.fail("num_experts_per_tok",
           "must not exceed " + std::string(experts_key) + " (" + std::to_string(a.experts) + ")");
}

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

// Gemma: LLaMA's shapes with a GELU-gated FFN (gate and up projections, hidden_activation
// gelu_pytorch_tanh) and tied embeddings. Gemma 2 adds a norm after each sub-layer, the window on
// every other layer (the even ones, as transformers' Gemma2 does) and soft-capped scores and logits.
TransformerSpec gemma(const JsonConfig& c, bool v2) {
  TransformerSpec a = llama(c, v2 ? "gemma2" : "gemma");
  a.activation = ActivationKind::geglu;
  a.tied_embeddings = c.boolean("tie_word_embeddings", true);
  if (v2) {
    a.sandwich_norm = true;
    if (a.sliding_window > 0) a.sliding_window_period = 2;
    a.logit_softcap = c.has("attn_logit_softcapping") || c.has("final_logit_softcapping");
  }
  return a;
}

// Gemma 3 (gemma3_text; gemma3, whose text_config is read and its vision tower left out): Gemma
// 2's blocks without soft-capping (unless its keys are set) and with per-head Q/K RMSNorms; every
// sliding_window_pattern-th block global, the others windowed (or as layer_types says).
TransformerSpec gemma3(const JsonConfig& c) {
  TransformerSpec a = gemma(c, true);
  a.qk_norm = true;  // Gemma3Attention's q_norm and k_norm
  if (a.sliding_window > 0 && !c.has("layer_types")) {
    const int n = c.positive_int("sliding_window_pattern", 6);
    a.global_attention_every = n >= 2 ? n : 0;
  }
  if (a.global_attention_every > 0) a.sliding_window_period = 1;
  return a;
}

// A multimodal config's text_config (gemma3, llama4).
const json& text_config(const JsonConfig& c, const json& j, const std::string& type) {
  if (!c.has("text_config") || !j.at("text_config").is_object())
    c.fail("text_config", "a " + type + " config keeps its language model in text_config (an object)");
  return j.at("text_config");
}

// A gemma3 config's text_config with transformers' Gemma3TextConfig defaults for the keys it
// leaves out (the multimodal checkpoints write only what differs).
json gemma3_text_config(const JsonConfig& c, const json& j) {
  text_config(c, j, "gemma3");
  json t = j.at("text_config");
  const std::pair<const char*, json> defaults[] = {
      {"vocab_size", 262208},      {"hidden_size", 2304},
      {"intermediate_size", 9216}, {"num_hidden_layers", 26},
      {"num_attention_heads", 8},  {"num_key_value_heads", 4},
      {"head_dim", 256},           {"max_position_embeddings", 131072},
      {"sliding_window", 4096}};
  for (const auto& [key, value] : defaults)
    if (!t.contains(key) || t.at(key).is_null()) t[key] = value;
  return t;
}

// Llama 4 (llama4_text; llama4, whose text_config is read and its vision tower left out): LLaMA's
// blocks with GQA and head_dim; num_local_experts experts of intermediate_size (num_experts_per_tok
// per token) beside a shared one of that width on every interleave_moe_layer_step-th block, dense
// FFNs of intermediate_size_mlp on the others; chunked attention (attention_chunk_size) on the
// RoPE blocks, full attention on every 4th (no_rope_layers' zeros), timed as a window of the chunk
// (a chunk's tokens see 1 to chunk keys: an upper bound beyond one chunk). Its Q/K L2 norms have
// no weights and are left out.
TransformerSpec llama4(const JsonConfig& c) {
  TransformerSpec a = shapes(c, {"num_hidden_layers", "hidden_size", "num_attention_heads",
                                 "intermediate_size_mlp", "max_position_embeddings"});
  a.kv_heads = c.positive_int("num_key_value_heads", a.heads);
  a.head_dim = c.positive_int("head_dim", 0);
  if (a.head_dim * a.heads == a.hidden) a.head_dim = 0;
  a.position = PositionEmbedding::rotary;
  a.norm = NormKind::rmsnorm;
  a.activation = activation_of(c, "hidden_act", "silu");
  a.tied_embeddings = c.boolean("tie_word_embeddings", false);
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

TransformerSpec bert(const JsonConfig& c) {
  TransformerSpec a = shapes(c, kHfKeys);
  a.arch = Arch::encoder;
  a.type_vocab = c.positive_int("type_vocab_size", 2);
  a.activation = activation_of(c, "hidden_act", "gelu");
  a.tied_embeddings = c.boolean("tie_word_embeddings", true);
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
    notes.push_back("quantization_config: the checkpoint's quantized weights are timed as 16-bit weights");
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

// T5 (and mT5, its multilingual layout): an encoder-decoder of num_layers + num_decoder_layers
// blocks, d_kv-wide heads, T5's scale-only norm, no biases, relative position buckets; the
// FFN's feed_forward_proj is relu or gated-gelu (T5 v1.1, Flan-T5, mT5). The source is the run's
// sequence (n_positions, 512 by default); the target as long (--seq sets both).
TransformerSpec t5(const JsonConfig& c, const std::string& type) {
  TransformerSpec a;
  a.arch = Arch::encoder_decoder;
  a.hidden = c.positive_int("d_model");
  a.heads = c.positive_int("num_heads");
  a.kv_heads = a.heads;
  const int d_kv = c.positive_int("d_kv");
  if (d_kv * a.heads != a.hidden) a.head_dim = d_kv;
  a.ffn = c.positive_int("d_ff");
  a.layers = c.positive_int("num_layers");
  a.decoder_layers = c.positive_int("num_decoder_layers", a.layers);
  a.vocab = c.positive_int("vocab_size");
  a.max_seq = c.positive_int("n_positions", 512);
  a.position = PositionEmbedding::relative;
  a.relative_buckets = c.positive_int("relative_attention_num_buckets", 32);
  a.norm = NormKind::rmsnorm;
  a.bias = false;
  a.tied_embeddings = c.boolean("tie_word_embeddings", type == "t5");
  const std::string proj = c.text("feed_forward_proj", "relu");
  if (proj == "relu")
    a.activation = ActivationKind::relu;
  else if (proj == "gated-gelu" || proj == "gelu")
    a.activation = proj == "gelu" ? ActivationKind::gelu : ActivationKind::geglu;
  else
    c.fail("feed_forward_proj", "'" + proj + "' is not modelled; expected relu, gelu or gated-gelu");
  return a;
}

constexpr const char* supported_types =
    "gpt2, gptj, gpt_neox, llama, mistral, mixtral, qwen2, qwen2_moe, qwen3, qwen3_moe, phi3, gemma, gemma2, "
    "gemma3_text, gemma3, llama4_text, llama4, bert, t5, mt5, glm4_moe, gpt_oss, deepseek_v2, deepseek_v3, "
    "kimi_k2";

ModelSpec parse(const std::string& text, const std::string& file) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    const auto upto = std::min<std::size_t>(e.byte, text.size());
    const int line = 1 + static_cast<int>(std::count(text.begin(),
                                                     text.begin() + static_cast<std::ptrdiff_t>(upto), '\n'));
    throw ConfigError(SourceLoc{file, line, 0}, "", std::string("JSON syntax error: ") + e.what());
  }
  if (!j.is_object())
    throw ConfigError(SourceLoc{file, 1, 0}, "", "expected a JSON object (a HuggingFace config.json)");
  const JsonConfig c(j, text, file);
  if (!c.has("model_type"))
    c.fail("model_type", "missing required key; supported model types: " + std::string(supported_types));
  const std::string type = c.text("model_type", "");
  TransformerSpec a;
  std::vector<std::string> notes;
  if (type == "gpt2")
    a = gpt2_like(c, false);
  else if (type == "gptj")
    a = gpt2_like(c, true);
  else if (type == "gpt_neox")
    a = neox(c);
  else if (type == "llama" || type == "mistral" || type == "qwen2" || type == "qwen3" || type == "phi3")
    // Phi-3 is LLaMA's layout; its checkpoint fuses QKV and gate/up, the GEMMs wafersim fuses too.
    a = llama(c, type);
  else if (type == "mixtral" || type == "qwen2_moe" || type == "qwen3_moe")
    a = moe(c, type);
  else if (type == "gemma" || type == "gemma2")
    a = gemma(c, type == "gemma2");
  else if (type == "gemma3_text")
    a = gemma3(c);
  else if (type == "gemma3") {
    const json t = gemma3_text_config(c, j);
    a = gemma3(JsonConfig(t, text, file));
    notes.push_back("gemma3: the language model (text_config); the vision tower is not modelled");
  } else if (type == "llama4_text")
    a = llama4(c);
  else if (type == "llama4") {
    a = llama4(JsonConfig(text_config(c, j, type), text, file));
    notes.push_back("llama4: the language model (text_config); the vision tower is not modelled");
  } else if (type == "bert")
    a = bert(c);
  else if (type == "t5" || type == "mt5")
    a = t5(c, type);
  else if (type == "glm4_moe")
    a = glm4_moe(c);
  else if (type == "gpt_oss")
    a = gpt_oss(c, notes);
  else if (type == "deepseek_v2" || type == "deepseek_v3" || type == "kimi_k2")
    a = deepseek(c, type);
  else
    c.fail("model_type", "model type '" + type + "' is not supported; supported: " + supported_types);
  if (a.head_dim == 0 && a.hidden % a.heads != 0)
    c.fail("num_attention_heads", "must divide the hidden size (or head_dim be given)");
  if (a.kv_heads == 0) a.kv_heads = a.heads;
  if (a.heads % a.kv_heads != 0) c.fail("num_key_value_heads", "must divide num_attention_heads");
  if (a.rotary_dim > head_dim_of(a)) c.fail("rotary_dim", "must not exceed the head dimension");
  a.name = c.text("_name_or_path", "");
  if (a.name.empty()) a.name = type;
  a.name = a.name.substr(a.name.find_last_of('/') + 1);

  ModelSpec spec;
  spec.arch = a;
  spec.format = "huggingface";
  spec.source = file;
  spec.notes = std::move(notes);
  spec.training.batch = hf_default_batch;
  spec.training.seq = std::min(a.max_seq, hf_default_max_seq);
  spec.training.seq_source = a.max_seq <= hf_default_max_seq
                                 ? "max_position_embeddings"
                                 : "wafersim's default " + std::to_string(hf_default_max_seq) +
                                       " (max_position_embeddings is " + std::to_string(a.max_seq) + ")";
  spec.training.compute = c.text("torch_dtype", "") == "bfloat16" ? DType::bf16 : DType::fp16;
  return spec;
}

}  // namespace

ModelSpec load_hf_config_text(const std::string& json_text, const std::string& file) {
  try {
    return parse(json_text, file);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(SourceLoc{file, 0, 0}, "", std::string("cannot read the config: ") + e.what());
  }
}

}  // namespace wafersim::frontend
