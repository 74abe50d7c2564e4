// The native wafersim model format (models/*.yaml): a `model:` section with the transformer
// architecture and a `training:` section with the run settings. Every value is checked here,
// once, so the graph builder can trust a ModelSpec.
#include <yaml-cpp/yaml.h>

#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "yaml_reader.hpp"

namespace wafersim {
namespace {

using frontend::YamlSection;

TransformerSpec read_architecture(const YamlSection& m) {
  m.check_keys({"name",
                "arch",
                "layers",
                "hidden",
                "heads",
                "kv_heads",
                "head_dim",
                "ffn",
                "vocab",
                "max_seq",
                "position",
                "rotary_dim",
                "norm",
                "activation",
                "tied_embeddings",
                "bias",
                "head_bias",
                "parallel_block",
                "type_vocab",
                "sliding_window",
                "mlm_predictions",
                "sliding_window_period",
                "global_attention_every",
                "attention_sinks",
                "sink_logits",
                "sandwich_norm",
                "logit_softcap",
                "qk_norm",
                "experts",
                "experts_per_token",
                "expert_ffn",
                "shared_expert_ffn",
                "shared_expert_gate",
                "router_bias",
                "first_dense_layers",
                "moe_layer_step",
                "kv_lora_rank",
                "q_lora_rank",
                "qk_nope_dim",
                "qk_rope_dim",
                "v_head_dim",
                "decoder_layers",
                "decoder_seq",
                "tgt_vocab",
                "relative_buckets"});
  TransformerSpec a;
  a.name = m.text("name");
  a.arch = m.choice(
      "arch",
      {{"decoder", Arch::decoder}, {"encoder", Arch::encoder}, {"encoder_decoder", Arch::encoder_decoder}},
      Arch::decoder);
  a.layers = m.positive_int("layers");
  a.hidden = m.positive_int("hidden");
  a.heads = m.positive_int("heads");
  a.kv_heads = m.positive_int("kv_heads", a.heads);
  a.head_dim = m.positive_int("head_dim", 0);
  a.ffn = m.positive_int("ffn");
  a.vocab = m.positive_int("vocab");
  a.max_seq = m.positive_int("max_seq");
  a.position = m.choice("position",
                        {{"learned", PositionEmbedding::learned},
                         {"rotary", PositionEmbedding::rotary},
                         {"alibi", PositionEmbedding::alibi},
                         {"relative", PositionEmbedding::relative},
                         {"fixed", PositionEmbedding::fixed}},
                        PositionEmbedding::learned);
  a.rotary_dim = m.positive_int("rotary_dim", 0);
  a.norm = m.choice("norm", {{"layernorm", NormKind::layernorm}, {"rmsnorm", NormKind::rmsnorm}},
                    NormKind::layernorm);
  a.activation = m.choice("activation",
                          {{"gelu", ActivationKind::gelu},
                           {"relu", ActivationKind::relu},
                           {"swiglu", ActivationKind::swiglu},
                           {"geglu", ActivationKind::geglu}},
                          ActivationKind::gelu);
  a.tied_embeddings = m.boolean("tied_embeddings", false);
  a.bias = m.boolean("bias", true);
  a.head_bias = m.boolean("head_bias", true);
  a.parallel_block = m.boolean("parallel_block", false);
  a.type_vocab = m.non_negative_int("type_vocab", 0);
  a.sliding_window = m.non_negative_int("sliding_window", 0);
  a.mlm_predictions = m.non_negative_int("mlm_predictions", 0);
  a.sliding_window_period = m.positive_int("sliding_window_period", 1);
  a.global_attention_every = m.non_negative_int("global_attention_every", 0);
  a.attention_sinks = m.non_negative_int("attention_sinks", 0);
  a.sink_logits = m.boolean("sink_logits", false);
  a.sandwich_norm = m.boolean("sandwich_norm", false);
  a.logit_softcap = m.boolean("logit_softcap", false);
  a.qk_norm = m.boolean("qk_norm", false);
  a.experts = m.non_negative_int("experts", 0);
  a.experts_per_token = m.non_negative_int("experts_per_token", a.experts > 0 ? 1 : 0);
  a.expert_ffn = m.non_negative_int("expert_ffn", 0);
  a.shared_expert_ffn = m.non_negative_int("shared_expert_ffn", 0);
  a.shared_expert_gate = m.boolean("shared_expert_gate", false);
  a.router_bias = m.boolean("router_bias", false);
  a.first_dense_layers = m.non_negative_int("first_dense_layers", 0);
  a.moe_layer_step = m.positive_int("moe_layer_step", 1);
  a.kv_lora_rank = m.positive_int("kv_lora_rank", 0);
  a.q_lora_rank = m.positive_int("q_lora_rank", 0);
  a.qk_nope_dim = m.positive_int("qk_nope_dim", 0);
  a.qk_rope_dim = m.positive_int("qk_rope_dim", 0);
  a.v_head_dim = m.positive_int("v_head_dim", 0);
  a.decoder_layers = m.positive_int("decoder_layers", 0);
  a.decoder_seq = m.positive_int("decoder_seq", 0);
  a.tgt_vocab = m.positive_int("tgt_vocab", 0);
  a.relative_buckets = m.positive_int("relative_buckets", 32);

  // Shapes the graph needs to be whole numbers.
  if (a.head_dim == 0 && a.hidden % a.heads != 0) {
    m.fail("heads", "heads (" + std::to_string(a.heads) + ") must divide hidden (" +
                        std::to_string(a.hidden) + "), or head_dim be given");
  }
  if (a.heads % a.kv_heads != 0) {
    m.fail("kv_heads", "kv_heads (" + std::to_string(a.kv_heads) + ") must divide heads (" +
                           std::to_string(a.heads) + ")");
  }
  if (a.rotary_dim > 0) {
    if (a.position != PositionEmbedding::rotary) {
      m.fail("rotary_dim", "only meaningful with 'position: rotary'");
    }
    if (a.rotary_dim > head_dim_of(a)) {
      m.fail("rotary_dim", "must not exceed the head dimension (" + std::to_string(head_dim_of(a)) + ")");
    }
  }
  if (a.parallel_block && a.arch == Arch::encoder) {
    m.fail("parallel_block", "parallel attention/FFN blocks are supported for decoders only");
  }
  if (a.mlm_predictions > 0 && a.arch != Arch::encoder) {
    m.fail("mlm_predictions", "the masked-LM head is an encoder's (arch: encoder)");
  }
  if (a.sliding_window > 0 && a.arch == Arch::encoder) {
    m.fail("sliding_window", "a sliding attention window is supported for decoders only");
  }
  if (a.sandwich_norm && (a.arch == Arch::encoder || a.parallel_block)) {
    m.fail("sandwich_norm",
           "sandwich norms are for pre-norm decoder blocks (not encoders or parallel blocks)");
  }
  if (a.arch == Arch::encoder_decoder) {
    if (a.decoder_layers == 0)
      m.fail("arch", "an encoder_decoder needs 'decoder_layers' (the decoder stack's blocks)");
    if (a.position == PositionEmbedding::learned)
      m.fail("position",
             "an encoder_decoder's positions are relative (T5), fixed (sinusoids), rotary or alibi");
    for (const char* key :
         {"parallel_block", "sandwich_norm", "experts", "sliding_window", "type_vocab", "mlm_predictions"})
      if (m.has(key))
        m.fail(key, "not modelled in encoder_decoder blocks (pre-norm, dense FFN, whole-sequence attention)");
  } else {
    for (const char* key : {"decoder_layers", "decoder_seq", "tgt_vocab"})
      if (m.has(key)) m.fail(key, "only meaningful with 'arch: encoder_decoder'");
  }
  if (m.has("head_bias") && !a.bias) m.fail("head_bias", "only meaningful with 'bias: true'");
  if (m.has("global_attention_every")) {
    if (a.global_attention_every < 2)
      m.fail("global_attention_every", "expected at least 2 (every Nth block global, the others windowed)");
    if (a.sliding_window == 0)
      m.fail("global_attention_every", "needs 'sliding_window' (the other blocks' window)");
    if (m.has("sliding_window_period"))
      m.fail("global_attention_every", "give either it or 'sliding_window_period', not both");
  }
  if (a.kv_lora_rank > 0) {
    for (const char* key : {"qk_nope_dim", "qk_rope_dim", "v_head_dim"})
      if (!m.has(key)) m.fail(key, "latent attention (kv_lora_rank) needs it: the heads' widths");
    if (a.arch != Arch::decoder || a.parallel_block)
      m.fail("kv_lora_rank", "latent attention is modelled in pre-norm decoder blocks");
    if (a.position != PositionEmbedding::rotary)
      m.fail("kv_lora_rank", "latent attention carries a rotary key (qk_rope_dim): needs 'position: rotary'");
    if (a.bias) m.fail("bias", "latent attention has no biases: set 'bias: false'");
    for (const char* key : {"kv_heads", "head_dim", "rotary_dim", "qk_norm", "sink_logits"})
      if (m.has(key)) m.fail(key, "not meaningful with latent attention (kv_lora_rank)");
  } else {
    for (const char* key : {"q_lora_rank", "qk_nope_dim", "qk_rope_dim", "v_head_dim"})
      if (m.has(key)) m.fail(key, "only meaningful with 'kv_lora_rank' (latent attention)");
  }
  if (a.relative_buckets != 32 && a.position != PositionEmbedding::relative)
    m.fail("relative_buckets", "only meaningful with 'position: relative'");
  if (a.experts == 1) m.fail("experts", "a mixture of experts needs at least 2 experts (0 = a dense FFN)");
  if (a.experts == 0) {
    for (const char* key : {"experts_per_token", "expert_ffn", "shared_expert_ffn", "shared_expert_gate",
                            "router_bias", "first_dense_layers", "moe_layer_step"})
      if (m.has(key)) m.fail(key, "only meaningful with 'experts' (a mixture of experts)");
  } else if (a.experts_per_token < 1 || a.experts_per_token > a.experts) {
    m.fail("experts_per_token", "must be 1.." + std::to_string(a.experts) + " (the experts each token uses)");
  }
  if (a.shared_expert_gate && a.shared_expert_ffn == 0)
    m.fail("shared_expert_gate", "gates the shared expert: needs 'shared_expert_ffn'");
  return a;
}

TrainingSpec read_training(const YamlSection& t, const TransformerSpec& a) {
  t.check_keys({"batch", "seq", "precision", "optimizer", "activation_checkpointing", "micro_batch"});
  TrainingSpec r;
  r.batch = t.positive_int("batch");
  r.seq = t.positive_int("seq");
  r.seq_source = "training.seq";
  enum class Precision { mixed_fp16, mixed_bf16, fp32 };
  const Precision p = t.choice("precision",
                               {{"mixed_fp16", Precision::mixed_fp16},
                                {"mixed_bf16", Precision::mixed_bf16},
                                {"fp32", Precision::fp32}},
                               Precision::mixed_fp16);
  // Mixed precision computes in 16 bits and keeps fp32 master weights and optimizer state.
  r.compute = p == Precision::mixed_fp16   ? DType::fp16
              : p == Precision::mixed_bf16 ? DType::bf16
                                           : DType::fp32;
  r.master = DType::fp32;
  r.optimizer =
      t.choice<std::string>("optimizer", {{"adamw", "adamw"}, {"adam", "adam"}, {"sgd", "sgd"}}, "adamw");
  enum class Checkpointing { automatic, on, off };
  const Checkpointing ck = t.choice(
      "activation_checkpointing",
      {{"auto", Checkpointing::automatic}, {"true", Checkpointing::on}, {"false", Checkpointing::off}},
      Checkpointing::automatic);
  r.activation_checkpointing_auto = ck == Checkpointing::automatic;
  r.activation_checkpointing = ck != Checkpointing::off;
  if (t.has("micro_batch")) {
    const std::string v = t.text("micro_batch");
    if (!parse_micro_batch(v, r.micro_batch))
      t.fail("micro_batch", "'" + v + "' is not allowed; expected " + kMicroBatchExpected);
    r.micro_batch.source = "training.micro_batch";
  }
  // Learned position tables have no rows beyond max_seq; rotary positions extrapolate.
  if (a.position == PositionEmbedding::learned && r.seq > a.max_seq) {
    t.fail("seq", "seq " + std::to_string(r.seq) + " exceeds model.max_seq " + std::to_string(a.max_seq) +
                      " (learned position embeddings)");
  }
  return r;
}

ModelSpec parse_native(const std::string& text, const std::string& file) {
  const YAML::Node root = YAML::Load(text);
  if (!root || root.IsNull()) {
    throw ConfigError(SourceLoc{file, 1, 1}, "model",
                      "the file is empty; expected a 'model:' mapping and a 'training:' mapping");
  }
  if (!root.IsMap()) {
    throw ConfigError(frontend::to_loc(file, root.Mark()), "",
                      "expected a mapping with the keys 'model' and 'training'");
  }
  YAML::Mark start;
  start.line = 0;
  start.column = 0;
  const YamlSection top(root, "", file, start);
  top.check_keys({"model", "training"});
  ModelSpec spec;
  spec.arch = read_architecture(top.section("model"));
  spec.training = read_training(top.section("training"), spec.arch);
  spec.source = file;
  return spec;
}

}  // namespace

ModelSpec load_native_model_text(const std::string& yaml_text, const std::string& display_name) {
  // The contract is "only ConfigError leaves": translate whatever yaml-cpp or the library
  // throws into one naming the file, so callers have a single error path.
  try {
    return parse_native(yaml_text, display_name);
  } catch (const ConfigError&) {
    throw;
  } catch (const YAML::ParserException& e) {
    throw ConfigError(frontend::to_loc(display_name, e.mark), "", "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError(frontend::to_loc(display_name, e.mark), "", "cannot read YAML: " + e.msg);
  } catch (const std::exception& e) {
    throw ConfigError(SourceLoc{display_name, 0, 0}, "",
                      std::string("unexpected error while reading the model: ") + e.what());
  }
}

ModelSpec load_native_model(const std::string& path) {
  return load_native_model_text(frontend::read_model_file(path), path);
}

ModelSpec default_model() {
  return load_native_model_text(builtin_default_model_yaml(), "<built-in models/gpt2-small.yaml>");
}

}  // namespace wafersim
