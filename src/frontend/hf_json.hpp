#pragma once
// HuggingFace config.json, internal to the frontend part: the reader of one config's keys
// (JsonConfig) and the helpers the model families share (hf_config.cpp: the dense families and
// the entry point; hf_moe.cpp: the mixtures of experts).
#include <algorithm>
#include <climits>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wafersim/core/error.hpp"
#include "wafersim/graph/model_spec.hpp"

namespace wafersim::frontend::hf {

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
    std::string quoted(1, '"');
    quoted.append(key).push_back('"');
    const auto pos = text_.find(quoted);
    if (pos == std::string::npos) return 0;
    return 1 + static_cast<int>(
                   std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  }

  const json& j_;
  const std::string& text_;
  std::string file_;
};

// hidden_act (or `key`) as wafersim's activation: silu -> SwiGLU, gelu*, relu.
ActivationKind activation_of(const JsonConfig& c, const char* key, const std::string& fallback);

// Where each family's config.json keeps the shapes: one table instead of a hand-written copy
// per family. GPT-2's `n_inner` may be absent (4 x hidden).
struct ShapeKeys {
  const char* layers;
  const char* hidden;
  const char* heads;
  const char* ffn;
  const char* max_seq;
};
inline constexpr ShapeKeys kGpt2Keys{"n_layer", "n_embd", "n_head", "n_inner", "n_positions"};
inline constexpr ShapeKeys kHfKeys{"num_hidden_layers", "hidden_size", "num_attention_heads",
                                   "intermediate_size", "max_position_embeddings"};

TransformerSpec shapes(const JsonConfig& c, const ShapeKeys& k, bool ffn_defaults_to_4h = false);

// The keys every LLaMA-like config shares: the shapes at `k`, num_key_value_heads, head_dim
// (dropped when it is hidden / heads), RoPE, RMSNorm, hidden_act, tie_word_embeddings.
TransformerSpec llama_blocks(const JsonConfig& c, const ShapeKeys& k);

// LLaMA's blocks (Mistral, Qwen, Phi-3, and the families built on them), with layer_types read.
TransformerSpec llama(const JsonConfig& c, const std::string& type);

// The routed experts (`experts_key`: at least 2) and num_experts_per_tok (1..experts, default `k`).
void read_experts(const JsonConfig& c, const char* experts_key, int k, TransformerSpec& a);

// The mixtures of experts (hf_moe.cpp).
TransformerSpec moe(const JsonConfig& c, const std::string& type);  // mixtral, qwen2_moe, qwen3_moe
TransformerSpec glm4_moe(const JsonConfig& c);
TransformerSpec gpt_oss(const JsonConfig& c, std::vector<std::string>& notes);
TransformerSpec deepseek(const JsonConfig& c, const std::string& type);  // deepseek_v2/v3, kimi_k2
TransformerSpec llama4(const JsonConfig& c);

}  // namespace wafersim::frontend::hf
