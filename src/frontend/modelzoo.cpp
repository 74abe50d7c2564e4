// Cerebras Model Zoo params files. Two layouts:
//   R1.x: top-level `train_input:` (batch_size, max_sequence_length) and `model:` (hidden_size...)
//   R2.x: `trainer.init.model` (name: gpt3 | gptj | llama | bert ...), `trainer.fit.train_dataloader`
// Those files carry many keys for the real software stack (data paths, loss scaling, logging),
// so unknown keys are ignored here; the keys the simulator needs are required and checked.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "frontends.hpp"
#include "modelzoo_encdec.hpp"
#include "modelzoo_names.hpp"
#include "wafersim/core/error.hpp"
#include "yaml_reader.hpp"

namespace wafersim::frontend {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

std::string file_family_hint(const std::string& file) {
  const std::filesystem::path path(file);
  std::string where = lower(path.stem().string());
  const std::filesystem::path dir = path.parent_path();
  if (dir.filename() == "configs") where += "/" + lower(dir.parent_path().filename().string());
  return where;
}

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
    // Mixtral: Mistral's blocks with a mixture of experts for the FFN (the `moe` section).
    {"mixtral", Arch::decoder, false, false, false, NormKind::rmsnorm, ActivationKind::swiglu,
     PositionEmbedding::rotary},
    // Gemma 2: GeGLU, tied embeddings, sandwich norms, a window on every other block, soft-capped
    // scores and logits (the keys below).
    {"gemma2", Arch::decoder, false, true, false, NormKind::rmsnorm, ActivationKind::geglu,
     PositionEmbedding::rotary},
    {"bert", Arch::encoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::learned},
    // ESM-2 (protein language model): a BERT-style masked-LM encoder with rotary positions and
    // pre-LayerNorm blocks (the norm's place does not change the cost model's work).
    {"esm2", Arch::encoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::rotary},
    // Falcon: parallel attention and MLP on one shared LayerNorm, multi-query attention.
    {"falcon", Arch::decoder, true, true, false, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::rotary},
    // BLOOM, Jais and BTLM: GPT-style decoders with ALiBi position biases.
    {"bloom", Arch::decoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::alibi},
    {"jais", Arch::decoder, false, true, true, NormKind::layernorm, ActivationKind::swiglu,
     PositionEmbedding::alibi},
    {"btlm", Arch::decoder, false, true, true, NormKind::layernorm, ActivationKind::swiglu,
     PositionEmbedding::alibi},
    // StarCoder / SantaCoder: GPT-2 with multi-query attention (num_kv_groups 1 in the file).
    {"starcoder", Arch::decoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::learned},
    {"santacoder", Arch::decoder, false, true, true, NormKind::layernorm, ActivationKind::gelu,
     PositionEmbedding::learned},
};

// Model Zoo architectures the graph does not model, and why (named in the error).
struct Unmodelled {
  const char* name;
  const char* why;
};
constexpr Unmodelled unmodelled[] = {
    {"dbrx", "DBRX has no Model Zoo family here (mixture of experts is modelled as name: mixtral)"},
    {"gemma", "Gemma (1) has no Model Zoo family here; Gemma 2 is modelled as name: gemma2"},
    {"bert_classifier", "only BERT pre-training (MLM) is modelled"},
    {"dpo", "preference fine-tuning (a policy beside a frozen reference model) is not modelled"},
    {"dpr", "dense passage retrieval (two BERT encoders trained together) is not modelled"},
};

std::string supported_list() {
  std::string list;
  for (const auto& f : families) list += (list.empty() ? "" : ", ") + std::string(f.name);
  return list + ", t5, transformer";  // encoder-decoders: modelzoo_encdec.cpp
}

// Aliases the Model Zoo uses for a family wafersim models.
std::string canonical(const std::string& name) {
  if (name == "gptneox" || name == "neox") return "gpt_neox";
  if (name == "code_llama" || name == "codellama" || name == "llama2" || name == "llama3") return "llama";
  if (name == "octocoder" || name == "wizardcoder" || name == "sqlcoder") return "starcoder";
  if (name == "moe") return "mixtral";
  return name;
}

[[noreturn]] void fail_unsupported(const YamlSection& m, const char* key, const std::string& name) {
  for (const auto& u : unmodelled)
    if (name == u.name)
      m.fail(key, "model '" + name + "' is not supported: " + u.why + "; supported: " + supported_list());
  m.fail(key, "model '" + name + "' is not supported; supported: " + supported_list());
}

const Family* find_family(const std::string& name) {
  for (const auto& f : families)
    if (name == f.name) return &f;
  return nullptr;
}

// The family named by `model.name` (R2.x), else guessed from the file's name and its folder
// (`.../gptj/configs/params_gptj_6B.yaml`): R1.x files and some R2.x files carry no name.
// The guess is noted in the report.
const Family& family_of(const YamlSection& m, const std::string& file, const std::string& fallback,
                        std::vector<std::string>& notes) {
  if (m.has("name")) {
    const std::string name = canonical(lower(m.text("name")));
    if (const Family* f = find_family(name)) return *f;
    fail_unsupported(m, "name", name);
  }
  // Longest names first, so "gpt_neox" is not taken for "gpt2"-like prefixes.
  static const char* const guesses[][2] = {{"gpt_neox", "gpt_neox"},
                                           {"gptneox", "gpt_neox"},
                                           {"neox", "gpt_neox"},
                                           {"santacoder", "santacoder"},
                                           {"starcoder", "starcoder"},
                                           {"octocoder", "starcoder"},
                                           {"wizardcoder", "starcoder"},
                                           {"sqlcoder", "starcoder"},
                                           {"mixtral", "mixtral"},
                                           {"mistral", "mistral"},
                                           {"falcon", "falcon"},
                                           {"llama", "llama"},
                                           {"bloom", "bloom"},
                                           {"btlm", "btlm"},
                                           {"jais", "jais"},
                                           {"gptj", "gptj"},
                                           {"gpt_j", "gptj"},
                                           {"gpt2", "gpt2"},
                                           {"gpt3", "gpt3"},
                                           {"bert", "bert"},
                                           {"gemma2", "gemma2"},
                                           {"esm2", "esm2"}};
  // (Not "gemma": it is part of "gemma2", which is modelled; the Model Zoo ships no Gemma 1 file.)
  static const char* const refused[] = {"dbrx"};
  const std::string where = file_family_hint(file);
  for (const char* r : refused)
    if (where.find(r) != std::string::npos) fail_unsupported(m, "name", r);
  for (const auto& g : guesses) {
    if (where.find(g[0]) != std::string::npos) {
      notes.push_back(std::string("model family '") + g[1] + "' taken from the file name (no model.name)");
      return *find_family(g[1]);
    }
  }
  if (fallback.empty()) fail_unsupported(m, "name", "");
  notes.push_back("model family '" + fallback + "' assumed (no model.name, none in the file name)");
  return *find_family(fallback);
}

// `msl2048` / `msl_8k` / `msl128k` in a data directory name (the R1.x convention).
int msl_in_path(const std::string& path) {
  const std::string p = lower(path);
  for (std::size_t at = p.find("msl"); at != std::string::npos; at = p.find("msl", at + 1)) {
    std::size_t i = at + 3;
    if (i < p.size() && p[i] == '_') ++i;
    long long v = 0;
    std::size_t digits = 0;
    while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i])) && digits < 9) {
      v = v * 10 + (p[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0) continue;
    if (i < p.size() && p[i] == 'k') v *= 1024;
    if (v > 0 && v <= (1 << 24)) return static_cast<int>(v);
  }
  return 0;
}

// The sequence length, in order: max_sequence_length, the msl in the data path,
// max_position_embeddings (the CLI's --seq overrides all three). Sets seq_source.
void read_seq(const YAML::Node& loader, const YamlSection& section, const std::string& section_path,
              const TransformerSpec& arch, TrainingSpec& t) {
  if (section.has("max_sequence_length")) {
    t.seq = section.positive_int("max_sequence_length");
    t.seq_source = section_path + ".max_sequence_length";
    return;
  }
  const YAML::Node dirs = loader["data_dir"];
  std::vector<std::string> paths;
  if (dirs && dirs.IsScalar()) paths.push_back(dirs.Scalar());
  if (dirs && dirs.IsSequence())
    for (const auto& d : dirs)
      if (d.IsScalar()) paths.push_back(d.Scalar());
  for (const auto& d : paths) {
    if (const int msl = msl_in_path(d)) {
      t.seq = msl;
      t.seq_source = section_path + ".data_dir (msl" + std::to_string(msl) + ")";
      return;
    }
  }
  t.seq = arch.max_seq;
  t.seq_source = "model.max_position_embeddings";
}

// `moe:` (Mixtral, Release 2.3 on): num_experts routed experts of filter_size each (0 = a dense
// FFN), top_k of them per token, and num_shared_experts more (of filter_size) every token uses.
// The routing algorithm and its losses do not change the work the model counts.
void read_moe(const YamlSection& moe, TransformerSpec& a) {
  const int experts = moe.non_negative_int("num_experts", 0);
  const int shared = moe.has_value("num_shared_experts") ? moe.non_negative_int("num_shared_experts", 0) : 0;
  if (experts == 0 && shared == 0) return;  // MoE disabled
  if (experts < 2) moe.fail("num_experts", "a mixture of experts needs at least 2 routed experts");
  a.experts = experts;
  a.experts_per_token = moe.positive_int("top_k", 1);
  if (a.experts_per_token > experts)
    moe.fail("top_k", "must not exceed num_experts (" + std::to_string(experts) + ")");
  a.shared_expert_ffn = shared * a.ffn;
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
  a.position = m.choice("position_embedding_type",
                        {{"learned", PositionEmbedding::learned},
                         {"rotary", PositionEmbedding::rotary},
                         {"alibi", PositionEmbedding::alibi}},
                        fam.pos);
  a.rotary_dim = a.position == PositionEmbedding::rotary ? m.non_negative_int("rotary_dim", 0) : 0;
  a.sliding_window = m.non_negative_int("attention_sliding_window_length", 0);  // Mistral, Gemma 2
  if (m.boolean("sliding_window_every_other_decoder_layer", false)) a.sliding_window_period = 2;  // Gemma 2
  a.attention_sinks = m.non_negative_int("attention_sink_tokens", 0);
  a.sandwich_norm = m.boolean("norm_first_sandwich", false);
  a.logit_softcap = m.has("attention_logit_softcapping") || m.has("final_logit_softcapping");
  // R1.x says `use_rms_norm: True`, R2.x `norm_type: rmsnorm`.
  const NormKind norm_default =
      m.boolean("use_rms_norm", fam.norm == NormKind::rmsnorm) ? NormKind::rmsnorm : NormKind::layernorm;
  a.norm = m.choice("norm_type",
                    {{"layernorm", NormKind::layernorm},
                     {"biasless-layernorm", NormKind::layernorm},
                     {"rmsnorm", NormKind::rmsnorm}},
                    norm_default);
  const char* act_key =
      m.has("nonlinearity") || !m.has("encoder_nonlinearity") ? "nonlinearity" : "encoder_nonlinearity";
  a.activation = m.choice(act_key,
                          {{"gelu", ActivationKind::gelu},
                           {"gelu_new", ActivationKind::gelu},
                           {"gelu_fast", ActivationKind::gelu},
                           {"relu", ActivationKind::relu},
                           {"swiglu", ActivationKind::swiglu},
                           {"geglu", ActivationKind::geglu}},
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
  // Mistral NeMo: the attention is attention_inner_dim wide (32 heads of 128 = 4096) on a
  // 5120-wide model.
  const int inner = m.positive_int("attention_inner_dim", a.hidden);
  if (inner % a.heads != 0)
    m.fail(m.has("attention_inner_dim") ? "attention_inner_dim" : "num_heads",
           "num_heads (" + std::to_string(a.heads) + ") must divide the attention width " +
               std::to_string(inner));
  if (inner != a.hidden) a.head_dim = inner / a.heads;
  if (a.rotary_dim > head_dim_of(a))
    m.fail("rotary_dim", "must not exceed the head dimension (attention width / num_heads = " +
                             std::to_string(head_dim_of(a)) + ")");
  if (m.has_value("moe")) read_moe(m.section("moe"), a);
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

// `micro_batch_size`: a whole number, auto, explore, null (none), or `explore: {min, max}`.
// `node` is the value; `key` its full path for the report and errors.
void read_micro_batch(const YAML::Node& node, const std::string& key, const std::string& file,
                      TrainingSpec& t) {
  MicroBatchSetting m;
  m.source = key;
  const auto bad = [&](const std::string& detail) {
    throw ConfigError(to_loc(file, node.Mark()), key, detail);
  };
  if (node.IsNull()) {
    m.mode = MicroBatchMode::none;
  } else if (node.IsScalar()) {
    if (!parse_micro_batch(node.Scalar(), m))
      bad("'" + node.Scalar() + "' is not allowed; expected " + kMicroBatchExpected +
          " (or explore: {min, max})");
  } else if (node.IsMap() && node.size() == 1 && node["explore"] && node["explore"].IsMap()) {
    m.mode = MicroBatchMode::explore;
    for (const auto& kv : node["explore"]) {
      const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (k != "min" && k != "max")
        throw ConfigError(to_loc(file, kv.first.Mark()), key + ".explore",
                          "unknown key '" + k + "'; expected min and max");
      MicroBatchSetting v;
      if (!kv.second.IsScalar() || !parse_micro_batch(kv.second.Scalar(), v) ||
          v.mode != MicroBatchMode::fixed)
        throw ConfigError(to_loc(file, kv.second.Mark()), key + ".explore." + k,
                          "expected a positive whole number");
      (k == "min" ? m.explore_min : m.explore_max) = v.size;
    }
    if (m.explore_min > 0 && m.explore_max > 0 && m.explore_min > m.explore_max)
      bad("explore.min " + std::to_string(m.explore_min) + " exceeds explore.max " +
          std::to_string(m.explore_max));
  } else {
    bad(std::string("expected ") + kMicroBatchExpected + " (or explore: {min, max})");
  }
  t.micro_batch = m;
}

// R2.x sets performance flags through callbacks: `- ScopedTrainFlags: {csx.performance.
// micro_batch_size: 20}` (training only, preferred) or `- GlobalFlags: {...}`. Older files put
// `micro_batch_size` beside batch_size in the data loader, which is read first and overridden.
void read_r2_micro_batch(const YAML::Node& root, const std::string& file, TrainingSpec& t) {
  const YAML::Node loader = root["trainer"]["fit"]["train_dataloader"];
  if (loader.IsMap() && loader["micro_batch_size"])
    read_micro_batch(loader["micro_batch_size"], "trainer.fit.train_dataloader.micro_batch_size", file, t);
  const YAML::Node callbacks = root["trainer"]["init"]["callbacks"];
  if (!callbacks || !callbacks.IsSequence()) return;
  for (const char* scope : {"GlobalFlags", "ScopedTrainFlags"}) {
    for (std::size_t i = 0; i < callbacks.size(); ++i) {
      const YAML::Node cb = callbacks[i];
      if (!cb.IsMap() || !cb[scope] || !cb[scope].IsMap()) continue;
      const YAML::Node v = cb[scope]["csx.performance.micro_batch_size"];
      if (v)
        read_micro_batch(v,
                         "trainer.init.callbacks[" + std::to_string(i) + "]." + scope +
                             ".csx.performance.micro_batch_size",
                         file, t);
    }
  }
}

// Batch tiling on attention (Model Zoo docs, rel-2.9.0: `ws_opt_enable_bta: true` among the
// callbacks' flags) runs attention in tiles of the micro-batch so the MoE layers can take a
// larger one. wafersim runs every op at one micro-batch; a file that asks for the tiling is
// timed without it, and the report says so.
void note_batch_tiling(const YAML::Node& root, std::vector<std::string>& notes) {
  const YAML::Node callbacks = root["trainer"]["init"]["callbacks"];
  if (!callbacks || !callbacks.IsSequence()) return;
  for (const YAML::Node& cb : callbacks) {
    if (!cb.IsMap()) continue;
    for (const auto& scope : cb) {
      if (!scope.second.IsMap()) continue;
      for (const auto& kv : scope.second) {
        if (!kv.first.IsScalar() || !kv.second.IsScalar()) continue;
        const std::string key = kv.first.Scalar();
        const std::string suffix = "ws_opt_enable_bta";
        if (key.size() < suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
          continue;
        if (lower(kv.second.Scalar()) != "true") continue;
        notes.push_back("batch tiling on attention (" + key +
                        ") is not modelled: every op runs at the whole micro-batch, so a mixture of "
                        "experts may come out slower than the file would run (bench/moe_sparsity.py)");
        return;
      }
    }
  }
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

// R1.x TensorFlow BERT files name a vocabulary file instead of its size. The Google BERT
// vocabularies have fixed sizes: uncased 30,522 entries, cased 28,996.
int vocab_from_file_name(const YamlSection& in, std::vector<std::string>& notes) {
  if (!in.has("vocab_file")) return 0;
  const std::string v = lower(in.text("vocab_file"));
  const int size = v.find("uncased") != std::string::npos ? 30522
                   : v.find("cased") != std::string::npos ? 28996
                                                          : 0;
  if (size > 0)
    notes.push_back("vocab_size " + std::to_string(size) + " from train_input.vocab_file (" +
                    std::filesystem::path(v).filename().string() + ")");
  return size;
}

ModelSpec read_r1(const YamlSection& top, const YAML::Node& root, const std::string& file) {
  const YamlSection in = top.section("train_input");
  const YamlSection m = top.section("model");
  ModelSpec spec;
  spec.format = "modelzoo-r1";
  if (is_modelzoo_encoder_decoder(m)) {  // T5, the original Transformer
    read_modelzoo_encoder_decoder(m, in, "train_input", file, stem_of(file), spec);
    spec.training.batch = in.positive_int("batch_size");
    spec.training.compute = read_precision(m, "");
    if (top.has("optimizer")) {
      const YamlSection o = top.section("optimizer");
      if (o.has("optimizer_type")) spec.training.optimizer = optimizer_name(o.text("optimizer_type"));
    }
    return spec;
  }
  // R1.x files have no model name: BERT configs are recognised by their BERT-only keys.
  const bool bert = m.has("encoder_nonlinearity") || m.has("num_segments") || m.has("disable_nsp");
  const Family& fam = family_of(m, file, bert ? "bert" : "gpt3", spec.notes);
  int vocab = in.has("vocab_size") ? in.positive_int("vocab_size") : 0;
  if (vocab == 0 && !m.has("vocab_size")) vocab = vocab_from_file_name(in, spec.notes);
  spec.arch = read_model(m, fam, stem_of(file), vocab);
  // R1.x weight streaming: batch_size was per CS-2. Taken as the global batch; see docs/models.md.
  spec.training.batch = in.positive_int("batch_size");
  read_seq(root["train_input"], in, "train_input", spec.arch, spec.training);
  if (root["train_input"]["micro_batch_size"])
    read_micro_batch(root["train_input"]["micro_batch_size"], "train_input.micro_batch_size", file,
                     spec.training);
  // BERT scores only the masked positions it gathers (at most this many per sequence).
  if (spec.arch.arch == Arch::encoder)
    spec.arch.mlm_predictions = in.non_negative_int("max_predictions_per_seq", 0);
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
  const YAML::Node loader_node = root["trainer"]["fit"]["train_dataloader"];
  if (is_modelzoo_encoder_decoder(m)) {
    read_modelzoo_encoder_decoder(m, loader, "trainer.fit.train_dataloader", file, stem_of(file), spec);
  } else {
    spec.arch = read_model(m, family_of(m, file, "", spec.notes), stem_of(file), 0);
    if (loader.has("max_sequence_length") || !m.has("max_sequence_length"))
      read_seq(loader_node, loader, "trainer.fit.train_dataloader", spec.arch, spec.training);
    else
      read_seq(loader_node, m, "trainer.init.model", spec.arch, spec.training);
  }
  // R2.x: batch_size is global and divided across the systems (num_csx, or --systems).
  spec.training.batch = loader.positive_int("batch_size");
  if (spec.arch.arch == Arch::encoder)
    spec.arch.mlm_predictions = loader.non_negative_int("max_predictions_per_seq", 0);
  read_r2_micro_batch(root, file, spec.training);
  note_batch_tiling(root, spec.notes);
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
    ModelSpec spec = root["trainer"] ? read_r2(top, root, file) : read_r1(top, root, file);
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
