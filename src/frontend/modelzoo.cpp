// Cerebras Model Zoo params files. Two layouts:
//   R1.x: top-level `train_input:` (batch_size, max_sequence_length) and `model:` (hidden_size...)
//   R2.x: `trainer.init.model` (name: gpt3 | gptj | llama | bert ...), `trainer.fit.train_dataloader`
// Those files carry many keys for the real software stack (data paths, loss scaling, logging),
// so unknown keys are ignored here; the keys the simulator needs are required and checked.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "frontends.hpp"
#include "wafersim/core/error.hpp"
#include "yaml_reader.hpp"

namespace wafersim::frontend {
namespace {

// Model families and what they imply beyond the keys (architecture defaults of each model).
struct Family {
  const char* name;
  Arch arch;
  bool parallel;  // GPT-J / GPT-NeoX: attention and FFN read the same input
  bool tied;      // share_embedding_weights default
  bool bias;      // use_*_bias default
  NormKind norm;
  ActivationKind act;
  PositionEmbedding pos;
};

constexpr Family families[] = {
    {"gpt2", Arch::decoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::learned},
    {"gpt3", Arch::decoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::learned},
    {"gptj", Arch::decoder, true, false, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::rotary},
    {"gpt_neox", Arch::decoder, true, false, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::rotary},
    {"llama", Arch::decoder, false, false, false, NormKind::rmsnorm, ActivationKind::swiglu,
     PositionEmbedding::rotary},
    {"mistral", Arch::decoder, false, false, false, NormKind::rmsnorm, ActivationKind::swiglu,
     PositionEmbedding::rotary},
    {"bert", Arch::encoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::learned},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

const Family& family_of(const YamlSection& m, const std::string& fallback) {
  const std::string name = m.has("name") ? lower(m.text("name")) : fallback;
  const std::string key = name == "gptneox" ? "gpt_neox" : name;
  for (const auto& f : families)
    if (key == f.name) return f;
  std::string list;
  for (const auto& f : families) list += (list.empty() ? "" : ", ") + std::string(f.name);
  m.fail("name", "model '" + name + "' is not supported; supported: " + list);
}

TransformerSpec read_model(const YamlSection& m, const Family& fam, const std::string& name,
                           int vocab_fallback) {
  TransformerSpec a;
  a.name = name;
  a.arch = fam.arch;
  a.parallel_block = fam.parallel;
  a.hidden = m.positive_int("hidden_size");
  a.layers = m.positive_int("num_hidden_layers");
  a.heads = m.positive_int("num_heads");
  a.ffn = m.positive_int("filter_size");
  a.vocab = vocab_fallback > 0 ? m.positive_int("vocab_size", vocab_fallback) : m.positive_int("vocab_size");
  a.max_seq = m.positive_int("max_position_embeddings");
  a.position =
      m.choice("position_embedding_type",
               {{"learned", PositionEmbedding::learned}, {"rotary", PositionEmbedding::rotary}}, fam.pos);
  a.rotary_dim = a.position == PositionEmbedding::rotary ? m.non_negative_int("rotary_dim", 0) : 0;
  a.norm =
      m.choice("norm_type", {{"layernorm", NormKind::layernorm}, {"rmsnorm", NormKind::rmsnorm}}, fam.norm);
  const char* act_key =
      m.has("nonlinearity") || !m.has("encoder_nonlinearity") ? "nonlinearity" : "encoder_nonlinearity";
  a.activation = m.choice(act_key,
                          {{"gelu", ActivationKind::gelu},
                           {"gelu_new", ActivationKind::gelu},
                           {"gelu_fast", ActivationKind::gelu},
                           {"relu", ActivationKind::relu},
                           {"swiglu", ActivationKind::swiglu}},
                          fam.act);
  a.tied_embeddings = m.boolean("share_embedding_weights", fam.tied);
  // wafersim has one bias switch: biases on when any projection has them.
  a.bias = m.boolean("use_projection_bias_in_attention", fam.bias) || m.boolean("use_ffn_bias", fam.bias);
  a.kv_heads = a.heads;
  if (m.has("extra_attention_params")) {
    const YamlSection extra = m.section("extra_attention_params");
    a.kv_heads = extra.positive_int("num_kv_groups", a.heads);
    if (a.heads % a.kv_heads != 0)
      extra.fail("num_kv_groups", "must divide num_heads (" + std::to_string(a.heads) + ")");
  }
  if (a.arch == Arch::encoder) a.type_vocab = m.non_negative_int("num_segments", 2);
  if (a.hidden % a.heads != 0)
    m.fail("num_heads", "must divide hidden_size (" + std::to_string(a.hidden) + ")");
  if (a.rotary_dim > a.hidden / a.heads)
    m.fail("rotary_dim", "must not exceed hidden_size/num_heads = " + std::to_string(a.hidden / a.heads));
  return a;
}

// Mixed precision computes in 16 bits; which 16 bits is fp16_type (R2) or use_bfloat16 (R1).
DType read_precision(const YamlSection& m, const std::string& fp16_type_fallback) {
  if (!m.boolean("mixed_precision", true)) return DType::fp32;
  if (m.boolean("use_bfloat16", false)) return DType::bf16;
  const std::string t = m.has("fp16_type") ? lower(m.text("fp16_type")) : fp16_type_fallback;
  if (t == "bfloat16" || t == "cbfloat16") return DType::bf16;
  if (t.empty() || t == "float16") return DType::fp16;
  m.fail("fp16_type", "'" + t + "' is not allowed; expected one of float16, bfloat16, cbfloat16");
}

// Two-moment optimizers (AdamW, Lamb, ...) keep the same state as AdamW.
std::string optimizer_name(const std::string& raw) {
  const std::string s = lower(raw);
  if (s.rfind("sgd", 0) == 0) return "sgd";
  if (s == "adam") return "adam";
  return "adamw";
}

YamlSection top_section(const YAML::Node& root, const std::string& file) {
  YAML::Mark start;
  start.line = 0;
  start.column = 0;
  return YamlSection(root, "", file, start);
}

std::string stem_of(const std::string& file) {
  const std::string s = std::filesystem::path(file).stem().string();
  return s.empty() ? "modelzoo-model" : s;
}

ModelSpec read_r1(const YamlSection& top, const std::string& file) {
  const YamlSection in = top.section("train_input");
  const YamlSection m = top.section("model");
  // R1.x files have no model name: BERT configs are recognised by their BERT-only keys.
  const bool bert = m.has("encoder_nonlinearity") || m.has("num_segments") || m.has("disable_nsp");
  const Family& fam = family_of(m, bert ? "bert" : "gpt3");
  ModelSpec spec;
  spec.format = "modelzoo-r1";
  spec.arch = read_model(m, fam, stem_of(file), in.has("vocab_size") ? in.positive_int("vocab_size") : 0);
  // R1.x weight streaming: batch_size was per CS-2. Taken as the global batch; see docs/models.md.
  spec.training.batch = in.positive_int("batch_size");
  spec.training.seq = in.positive_int("max_sequence_length");
  spec.training.compute = read_precision(m, "");
  if (top.has("optimizer")) {
    const YamlSection o = top.section("optimizer");
    if (o.has("optimizer_type")) spec.training.optimizer = optimizer_name(o.text("optimizer_type"));
  }
  if (top.has("runconfig")) (void)top.section("runconfig").positive_int("num_csx", 1);
  return spec;
}

ModelSpec read_r2(const YamlSection& top, const YAML::Node& root, const std::string& file) {
  const YamlSection trainer = top.section("trainer");
  const YamlSection init = trainer.section("init");
  const YamlSection m = init.section("model");
  const YamlSection loader = trainer.section("fit").section("train_dataloader");
  ModelSpec spec;
  spec.format = "modelzoo-r2";
  spec.arch = read_model(m, family_of(m, ""), stem_of(file), 0);
  // R2.x: batch_size is global and divided across the systems (num_csx, or --systems).
  spec.training.batch = loader.positive_int("batch_size");
  spec.training.seq =
      loader.positive_int("max_sequence_length", m.positive_int("max_sequence_length", spec.arch.max_seq));
  std::string fp16_type;
  if (init.has("precision")) {
    const YamlSection p = init.section("precision");
    if (p.has("fp16_type")) fp16_type = lower(p.text("fp16_type"));
    if (!p.boolean("enabled", true)) spec.training.compute = DType::fp32;
  }
  if (spec.training.compute != DType::fp32) spec.training.compute = read_precision(m, fp16_type);
  // The optimizer is a mapping keyed by its class name: `optimizer: {AdamW: {...}}`.
  const YAML::Node optim = root["trainer"]["init"]["optimizer"];
  if (optim && optim.IsMap() && optim.begin() != optim.end() && optim.begin()->first.IsScalar())
    spec.training.optimizer = optimizer_name(optim.begin()->first.Scalar());
  if (init.has("backend")) {
    const YamlSection backend = init.section("backend");
    if (backend.has("cluster_config")) (void)backend.section("cluster_config").positive_int("num_csx", 1);
  }
  return spec;
}

}  // namespace

bool looks_like_modelzoo(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  const YAML::Node m = root["model"];
  // R1.x: `train_input:` beside a `model:` mapping. (hidden_size is not required here, so a
  // Model Zoo file that lacks it gets "missing hidden_size", not "format not recognised".)
  if (root["train_input"] && m && m.IsMap() && !m["layers"]) return true;
  const YAML::Node t = root["trainer"];
  return t && t.IsMap() && t["init"] && t["init"].IsMap() && t["init"]["model"];
}

ModelSpec load_modelzoo_text(const std::string& yaml_text, const std::string& file) {
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    if (!looks_like_modelzoo(root))
      throw ConfigError(
          SourceLoc{file, 1, 1}, "",
          "not a Cerebras Model Zoo params file: expected top-level 'train_input:' and 'model:' "
          "(R1.x) or 'trainer: init: model:' (R2.x)");
    const YamlSection top = top_section(root, file);
    ModelSpec spec = root["trainer"] ? read_r2(top, root, file) : read_r1(top, file);
    spec.source = file;
    if (spec.arch.position == PositionEmbedding::learned && spec.training.seq > spec.arch.max_seq)
      throw ConfigError(SourceLoc{file, 0, 0}, "max_sequence_length",
                        "sequence length " + std::to_string(spec.training.seq) +
                            " exceeds max_position_embeddings " + std::to_string(spec.arch.max_seq) +
                            " (learned position embeddings)");
    return spec;
  } catch (const ConfigError&) {
    throw;
  } catch (const YAML::ParserException& e) {
    throw ConfigError(to_loc(file, e.mark), "", "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError(to_loc(file, e.mark), "", "cannot read YAML: " + e.msg);
  } catch (const std::exception& e) {
    throw ConfigError(SourceLoc{file, 0, 0}, "",
                      std::string("unexpected error while reading the model: ") + e.what());
  }
}

}  // namespace wafersim::frontend
