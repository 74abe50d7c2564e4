// Encoder-decoder models from the Model Zoo (T5, the original Transformer) in each layout a
// release used, from the real files (tests/fixtures/modelzoo/SOURCES.md), and the native keys.
#include <catch2/catch.hpp>
#include <string>

#include "frontend/frontends.hpp"
#include "frontend_errors.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

using test::src;

namespace {
ConfigError modelzoo_error(const std::string& text) { return test::modelzoo_error(text, "t5.yaml"); }

bool has_note(const ModelSpec& m, const std::string& fragment) {
  for (const auto& n : m.notes)
    if (n.find(fragment) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("Model Zoo T5 11B (Release 2.10.0): 24 + 24 blocks, 128 heads of 128 on d_model 1024",
          "[frontend][encdec]") {
  const ModelSpec m = load_model(src("tests/fixtures/modelzoo/Release_2.10.0/t5_11B.yaml"));
  CHECK(m.arch.arch == Arch::encoder_decoder);
  CHECK(m.arch.layers == 24);
  CHECK(m.arch.decoder_layers == 24);
  CHECK(m.arch.hidden == 1024);
  CHECK(m.arch.heads == 128);
  CHECK(m.arch.head_dim == 128);
  CHECK(m.arch.ffn == 65536);
  CHECK(m.arch.vocab == 32001 + 100);  // src_vocab_size + extra_ids
  CHECK(m.arch.tgt_vocab == 0);        // shared
  CHECK(m.arch.tied_embeddings);
  CHECK(m.arch.position == PositionEmbedding::relative);
  CHECK(m.arch.norm == NormKind::layernorm);  // "Disable T5 style layer norm"
  CHECK(m.arch.activation == ActivationKind::relu);
  CHECK_FALSE(m.arch.bias);
  CHECK(m.training.seq == 512);
  CHECK(m.arch.decoder_seq == 114);
  CHECK(m.training.batch == 260);
  CHECK(m.training.seq_source == "trainer.fit.train_dataloader.src_max_sequence_length");
  const LayerGraph g = build_model_graph(m);
  CHECK(g.total_params() == transformer_params(m.arch));
  // HuggingFace's t5-11b (11,307,321,344) with this file's LayerNorms (a shift beside each of the
  // 122 norms' scales) and its 32,101-entry vocabulary (32,128 there).
  CHECK(g.total_params() == 11'307'321'344ULL + 122ULL * 1024 - (32128ULL - 32101) * 1024);
}

TEST_CASE("Model Zoo Transformer (Release 2.10.0) and T5 in the R1.6 PyTorch and TF layouts",
          "[frontend][encdec]") {
  const ModelSpec tr = load_model(src("tests/fixtures/modelzoo/Release_2.10.0/transformer_base.yaml"));
  CHECK(tr.arch.arch == Arch::encoder_decoder);
  CHECK(tr.arch.layers == 6);
  CHECK(tr.arch.decoder_layers == 6);
  CHECK(tr.arch.hidden == 512);
  CHECK(head_dim_of(tr.arch) == 64);
  CHECK(tr.arch.vocab == 36550);
  CHECK(tr.arch.position == PositionEmbedding::fixed);
  CHECK(tr.arch.bias);  // use_ffn_bias: true
  CHECK(tr.training.seq == 256);
  CHECK(tr.arch.decoder_seq == 256);

  const ModelSpec pt = load_model(src("tests/fixtures/modelzoo/R_1.6.0/t5_small.yaml"));
  CHECK(pt.format == "modelzoo-r1");
  CHECK(pt.arch.layers == 8);
  CHECK(pt.arch.heads == 6);
  CHECK(pt.arch.head_dim == 64);               // 6 x 64 = 384 on d_model 512
  CHECK(pt.arch.norm == NormKind::layernorm);  // use_t5_layer_norm: False
  CHECK(pt.arch.vocab == 32101);
  CHECK(pt.training.batch == 216);
  CHECK(pt.arch.decoder_seq == 114);

  // The TF file names a vocabulary file only: the PyTorch files' size for it, with a note.
  const ModelSpec tf = load_model(src("tests/fixtures/modelzoo/R_1.6.0/params_base.yaml"));
  CHECK(tf.arch.arch == Arch::encoder_decoder);
  CHECK(tf.arch.position == PositionEmbedding::relative);  // use_relative_attention_bias: True
  CHECK(tf.arch.activation == ActivationKind::relu);
  CHECK(tf.arch.vocab == 32101);
  CHECK(has_note(tf, "vocabulary size 32001 assumed"));
}

TEST_CASE("Model Zoo encoder-decoder errors name the key", "[frontend][encdec]") {
  const std::string head =
      "trainer:\n  init:\n    model:\n      name: t5\n      d_model: 64\n      num_heads: 4\n      d_ff: "
      "128\n"
      "      encoder_num_hidden_layers: 2\n      src_vocab_size: 100\n";
  const std::string loader =
      "  fit:\n    train_dataloader:\n      batch_size: 8\n      src_max_sequence_length: 32\n"
      "      tgt_max_sequence_length: 8\n";
  const ModelSpec ok = frontend::load_modelzoo_text(head + loader, "t5.yaml");
  CHECK(ok.arch.decoder_layers == 2);
  CHECK(ok.arch.decoder_seq == 8);
  ConfigError e = modelzoo_error(head + "      tgt_vocab_size: 200\n" + loader);
  CHECK(e.key() == "trainer.init.model.tgt_vocab_size");
  e = modelzoo_error(head + "      position_embedding_type: learned\n" + loader);
  CHECK(e.key() == "trainer.init.model.position_embedding_type");
  std::string five = head;
  five.replace(five.find("num_heads: 4"), 12, "num_heads: 5");  // does not divide d_model, no d_kv
  e = modelzoo_error(five + loader);
  CHECK(e.key() == "trainer.init.model.num_heads");
  CHECK(e.loc().line == 6);
  e = modelzoo_error(head + "  fit:\n    train_dataloader:\n      batch_size: 8\n");
  CHECK(std::string(e.what()).find("src_max_sequence_length") != std::string::npos);
}

TEST_CASE("native encoder_decoder keys, and their errors", "[frontend][encdec]") {
  const std::string base =
      "model: {name: t, arch: encoder_decoder, layers: 2, decoder_layers: 3, hidden: 64, heads: 4, ffn: "
      "128,\n"
      "        vocab: 100, max_seq: 64, position: relative, relative_buckets: 16, decoder_seq: 16";
  const ModelSpec m = load_native_model_text(base + "}\ntraining: {batch: 8, seq: 64}\n", "t.yaml");
  CHECK(m.arch.decoder_layers == 3);
  CHECK(m.arch.decoder_seq == 16);
  CHECK(m.arch.relative_buckets == 16);
  CHECK(build_model_graph(m).total_params() == transformer_params(m.arch));
  const auto err = [](const std::string& text) {
    try {
      load_native_model_text(text, "t.yaml");
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("no error");
  };
  CHECK(err("model: {name: t, arch: encoder_decoder, layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100,\n"
            "        max_seq: 64, position: relative}\ntraining: {batch: 8, seq: 64}\n") == "model.arch");
  CHECK(err(base + ", position: learned}\ntraining: {batch: 8, seq: 64}\n") != "no error");
  CHECK(err("model: {name: t, layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 64,\n"
            "        decoder_layers: 2}\ntraining: {batch: 8, seq: 64}\n") == "model.decoder_layers");
  CHECK(err("model: {name: t, layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 64,\n"
            "        relative_buckets: 8}\ntraining: {batch: 8, seq: 64}\n") == "model.relative_buckets");
}

TEST_CASE("HuggingFace T5: t5-small's config.json gives its 60,506,624 parameters", "[frontend][encdec]") {
  const ModelSpec m = load_model(src("tests/fixtures/hf/t5-small.json"));
  CHECK(m.format == "huggingface");
  CHECK(m.arch.arch == Arch::encoder_decoder);
  CHECK(m.arch.layers == 6);
  CHECK(m.arch.decoder_layers == 6);
  CHECK(m.arch.position == PositionEmbedding::relative);
  CHECK(m.arch.activation == ActivationKind::relu);
  CHECK(m.arch.tied_embeddings);  // no tie_word_embeddings key: T5 ties
  CHECK(m.training.seq == 512);   // n_positions
  CHECK(build_model_graph(m).total_params() == 60'506'624ULL);
  // T5 v1.1 / mT5: a gated-GELU FFN and an untied head.
  const ModelSpec v11 = frontend::load_hf_config_text(
      "{\"model_type\": \"mt5\", \"d_model\": 512, \"d_kv\": 64, \"d_ff\": 1024, \"num_heads\": 6, "
      "\"num_layers\": 8,\n"
      " \"vocab_size\": 250112, \"feed_forward_proj\": \"gated-gelu\", \"tie_word_embeddings\": false}",
      "mt5.json");
  CHECK(v11.arch.activation == ActivationKind::geglu);
  CHECK_FALSE(v11.arch.tied_embeddings);
  CHECK(v11.arch.head_dim == 64);  // 6 x 64 on d_model 512
  CHECK(v11.arch.decoder_layers == 8);
  // google/mt5-small: 300,176,768 parameters.
  CHECK(build_model_graph(v11).total_params() == 300'176'768ULL);
  try {
    frontend::load_hf_config_text(
        "{\"model_type\": \"t5\", \"d_model\": 64, \"d_kv\": 16, \"d_ff\": 128, \"num_heads\": 4,\n"
        " \"num_layers\": 2, \"vocab_size\": 100, \"feed_forward_proj\": \"gated-silu\"}",
        "t5.json");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "feed_forward_proj");
    CHECK(e.loc().line == 2);
  }
}
