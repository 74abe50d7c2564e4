// T5 and the original Transformer as the Model Zoo describes them (R1.x PyTorch and TensorFlow
// layouts, R2.x `trainer:` layout). Keys, with the TF spellings second:
//   d_model | hidden_size, d_ff | filter_size, d_kv (head width; default d_model / num_heads),
//   num_heads, encoder_num_hidden_layers, decoder_num_hidden_layers (default: the encoder's),
//   src_vocab_size (+ extra_ids, T5's sentinels), tgt_vocab_size,
//   share_encoder_decoder_embedding (one token table, default true), share_embedding_weights
//   (the head tied to it, default true), position_embedding_type | positional_embedding_type
//   (relative, fixed) and use_relative_attention_bias, relative_attention_num_buckets (32),
//   norm_type | use_t5_layer_norm (T5's RMS-style norm by default for t5, LayerNorm for the
//   Transformer), encoder_nonlinearity (relu, gelu, geglu / gated-gelu), use_ffn_bias and
//   use_projection_bias_in_attention (default false);
//   the loader's src_max_sequence_length and tgt_max_sequence_length (else the model's
//   src_/tgt_max_position_embeddings).
#include "modelzoo_encdec.hpp"

#include "modelzoo_names.hpp"

namespace wafersim::frontend {
namespace {

// The family: the section's name; else (R1.x files have no name) T5 when the file has T5's
// sentinel ids or relative position bias, or its name or folder says t5; else the Transformer.
bool is_t5(const YamlSection& m, const YamlSection& loader, const std::string& file) {
  if (m.has("name")) return lower(m.text("name")) == "t5";
  if (m.has("extra_ids") || loader.has("extra_ids") || m.boolean("use_relative_attention_bias", false))
    return true;
  return file_family_hint(file).find("t5") != std::string::npos;
}

int first_int(const YamlSection& s, const char* key, const char* other) {
  return s.has(key) || !s.has(other) ? s.positive_int(key) : s.positive_int(other);
}

}  // namespace

bool is_modelzoo_encoder_decoder(const YamlSection& m) {
  if (m.has("name")) {
    const std::string n = lower(m.text("name"));
    return n == "t5" || n == "transformer";
  }
  return m.has("encoder_num_hidden_layers") || m.has("d_model");
}

void read_modelzoo_encoder_decoder(const YamlSection& m, const YamlSection& loader,
                                   const std::string& loader_path, const std::string& file,
                                   const std::string& name, ModelSpec& spec) {
  const bool t5 = is_t5(m, loader, file);
  TransformerSpec& a = spec.arch;
  a.name = name;
  a.arch = Arch::encoder_decoder;
  a.hidden = first_int(m, "d_model", "hidden_size");
  a.ffn = first_int(m, "d_ff", "filter_size");
  a.heads = m.positive_int("num_heads");
  a.kv_heads = a.heads;
  const int d_kv = m.positive_int("d_kv", a.hidden % a.heads == 0 ? a.hidden / a.heads : 0);
  if (d_kv == 0)
    m.fail("num_heads", "num_heads (" + std::to_string(a.heads) + ") must divide d_model (" +
                            std::to_string(a.hidden) + "), or d_kv be given");
  if (d_kv * a.heads != a.hidden) a.head_dim = d_kv;  // T5 11B: 128 heads of 128 on d_model 1024
  a.layers = m.positive_int("encoder_num_hidden_layers");
  a.decoder_layers = m.positive_int("decoder_num_hidden_layers", a.layers);

  // Vocabulary: T5 adds its sentinel ids to the SentencePiece vocabulary. TF files name only
  // the vocabulary file; the PyTorch files of the same releases give its size for the same
  // data (C4 SentencePiece: 32001; WMT16 En-De BPE: 36550).
  const int extra = t5 ? m.non_negative_int("extra_ids", loader.non_negative_int("extra_ids", 0)) : 0;
  int src_vocab = 0;
  if (m.has("src_vocab_size")) {
    src_vocab = m.positive_int("src_vocab_size");
  } else if (m.has("vocab_size")) {
    src_vocab = m.positive_int("vocab_size");
  } else {
    src_vocab = t5 ? 32001 : 36550;
    spec.notes.push_back("vocabulary size " + std::to_string(src_vocab) +
                         " assumed (no src_vocab_size; the size the PyTorch " + (t5 ? "T5" : "Transformer") +
                         " files give for the same vocabulary file)");
  }
  a.vocab = src_vocab + extra;
  const int tgt_vocab = m.positive_int("tgt_vocab_size", src_vocab) + extra;
  if (!m.boolean("share_encoder_decoder_embedding", true)) {
    a.tgt_vocab = tgt_vocab;
  } else if (tgt_vocab != a.vocab) {
    m.fail("tgt_vocab_size", "differs from src_vocab_size while share_encoder_decoder_embedding is true");
  }
  a.tied_embeddings = m.boolean("share_embedding_weights", true);

  const char* pos_key =
      m.has("positional_embedding_type") ? "positional_embedding_type" : "position_embedding_type";
  a.position =
      m.choice(pos_key, {{"relative", PositionEmbedding::relative}, {"fixed", PositionEmbedding::fixed}},
               t5 ? PositionEmbedding::relative : PositionEmbedding::fixed);
  if (m.boolean("use_relative_attention_bias", false)) a.position = PositionEmbedding::relative;
  a.relative_buckets = m.positive_int("relative_attention_num_buckets", 32);

  const NormKind norm_default = m.boolean("use_t5_layer_norm", t5)
                                    ? NormKind::rmsnorm
                                    : NormKind::layernorm;  // T5's norm: no mean, no shift
  a.norm = m.choice("norm_type",
                    {{"layernorm", NormKind::layernorm},
                     {"biasless-layernorm", NormKind::layernorm},
                     {"rmsnorm", NormKind::rmsnorm}},
                    norm_default);
  a.activation = m.choice("encoder_nonlinearity",
                          {{"relu", ActivationKind::relu},
                           {"gelu", ActivationKind::gelu},
                           {"geglu", ActivationKind::geglu},
                           {"gated-gelu", ActivationKind::geglu}},
                          ActivationKind::relu);
  a.bias = m.boolean("use_projection_bias_in_attention", false) || m.boolean("use_ffn_bias", false);

  a.max_seq = m.positive_int("src_max_position_embeddings", 0);
  const int tgt_max = m.positive_int("tgt_max_position_embeddings", 0);
  if (loader.has("src_max_sequence_length")) {
    spec.training.seq = loader.positive_int("src_max_sequence_length");
    spec.training.seq_source = loader_path + ".src_max_sequence_length";
  } else if (a.max_seq > 0) {
    spec.training.seq = a.max_seq;
    spec.training.seq_source = "model.src_max_position_embeddings";
  } else {
    loader.fail_section("missing src_max_sequence_length (the source tokens per sample)");
  }
  if (a.max_seq == 0) a.max_seq = spec.training.seq;
  a.decoder_seq = loader.positive_int("tgt_max_sequence_length", tgt_max > 0 ? tgt_max : spec.training.seq);
}

}  // namespace wafersim::frontend
