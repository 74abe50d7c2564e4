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
#include "hf_json.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::frontend::hf {

ActivationKind activation_of(const JsonConfig& c, const char* key, const std::string& fallback) {
  const std::string act = c.text(key, fallback);
  // LLaMA's silu sits in a gated FFN (SwiGLU); GPT-2's gelu_new is gelu with a tanh fit.
  if (act == "silu" || act == "swish" || act == "swiglu") return ActivationKind::swiglu;
  if (act == "relu") return ActivationKind::relu;
  if (act.rfind("gelu", 0) == 0) return ActivationKind::gelu;
  c.fail(key, "'" + act + "' is not modelled; expected gelu*, relu or silu");
}

TransformerSpec shapes(const JsonConfig& c, const ShapeKeys& k, bool ffn_defaults_to_4h) {
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
TransformerSpec llama_blocks(const JsonConfig& c, const ShapeKeys& k) {
  TransformerSpec a = shapes(c, k);
  a.kv_heads = c.positive_int("num_key_value_heads", a.heads);
  a.head_dim = c.positive_int("head_dim", 0);
  if (a.head_dim * a.heads == a.hidden) a.head_dim = 0;  // the default, written out
  a.position = PositionEmbedding::rotary;
  a.norm = NormKind::rmsnorm;
  a.activation = activation_of(c, "hidden_act", "silu");
  a.tied_embeddings = c.boolean("tie_word_embeddings", false);
  return a;
}

TransformerSpec llama(const JsonConfig& c, const std::string& type) {
  TransformerSpec a = llama_blocks(c, kHfKeys);
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
  json t = text_config(c, j, "gemma3");
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

TransformerSpec bert(const JsonConfig& c) {
  TransformerSpec a = shapes(c, kHfKeys);
  a.arch = Arch::encoder;
  a.type_vocab = c.positive_int("type_vocab_size", 2);
  a.activation = activation_of(c, "hidden_act", "gelu");
  a.tied_embeddings = c.boolean("tie_word_embeddings", true);
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

}  // namespace wafersim::frontend::hf

namespace wafersim::frontend {

ModelSpec load_hf_config_text(const std::string& json_text, const std::string& file) {
  try {
    return hf::parse(json_text, file);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(SourceLoc{file, 0, 0}, "", std::string("cannot read the config: ") + e.what());
  }
}

}  // namespace wafersim::frontend
