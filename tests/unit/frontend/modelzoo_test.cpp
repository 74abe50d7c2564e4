// Cerebras Model Zoo params files (R1.x and R2.x layouts) give the same graph as the native
// YAML of the same model.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

namespace {
std::string src(const std::string& rel) { return std::string(WAFERSIM_SOURCE_DIR) + "/" + rel; }

ConfigError zoo_error(const std::string& text) {
  const test::TempDir dir;
  const auto p = dir.write("wafersim_modelzoo_test.yaml", text);
  try {
    load_model(p.string(), LoadOptions{"modelzoo", false});
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw;
}

constexpr const char* r1_head =
    "train_input:\n"
    "  batch_size: 8\n"
    "  max_sequence_length: 128\n"
    "model:\n"
    "  hidden_size: 256\n";
}  // namespace

TEST_CASE("Model Zoo configs give the native model's graph", "[frontend][modelzoo]") {
  const auto [zoo, native, format] = GENERATE(table<const char*, const char*, const char*>({
      {"models/modelzoo/params_gpt3_xl.yaml", "models/gpt3-1.3b.yaml", "modelzoo-r1"},
      {"models/modelzoo/params_bert_large.yaml", "models/bert-large.yaml", "modelzoo-r1"},
      {"models/modelzoo/gpt3_1p3b.yaml", "models/gpt3-1.3b.yaml", "modelzoo-r2"},
      {"models/modelzoo/llama_7b.yaml", "models/llama-7b.yaml", "modelzoo-r2"},
      {"models/modelzoo/gptj_6b.yaml", "models/gptj-6b.yaml", "modelzoo-r2"},
  }));
  INFO(zoo);
  const ModelSpec z = load_model(src(zoo));
  const ModelSpec n = load_model(src(native));
  CHECK(z.format == format);
  CHECK(z.training.batch == n.training.batch);
  CHECK(z.training.seq == n.training.seq);
  CHECK(z.training.compute == n.training.compute);
  const LayerGraph gz = build_model_graph(z);
  const LayerGraph gn = build_model_graph(n);
  CHECK(gz.num_ops() == gn.num_ops());
  CHECK(static_cast<double>(gz.total_params()) ==
        Approx(static_cast<double>(gn.total_params())).epsilon(0.001));
  CHECK(gz.training_flops_per_sample() == Approx(gn.training_flops_per_sample()).epsilon(0.001));
}

TEST_CASE("Model Zoo files ignore keys the simulator does not need", "[frontend][modelzoo]") {
  const ModelSpec m = load_model(src("models/modelzoo/params_gpt3_xl.yaml"));
  CHECK(m.arch.layers == 24);
  CHECK(m.arch.tied_embeddings);
  CHECK(m.training.optimizer == "adamw");
}

TEST_CASE("Model Zoo R2 reads the model family and attention groups", "[frontend][modelzoo]") {
  const ModelSpec llama = load_model(src("models/modelzoo/llama_7b.yaml"));
  CHECK(llama.arch.norm == NormKind::rmsnorm);
  CHECK(llama.arch.activation == ActivationKind::swiglu);
  CHECK(llama.training.compute == DType::bf16);
  const ModelSpec gptj = load_model(src("models/modelzoo/gptj_6b.yaml"));
  CHECK(gptj.arch.parallel_block);
  CHECK(gptj.arch.rotary_dim == 64);
}

TEST_CASE("Model Zoo keys the simulator needs are required, naming file, line and key",
          "[frontend][modelzoo]") {
  const ConfigError e = zoo_error(std::string(r1_head) + "  num_hidden_layers: 2\n  num_heads: 4\n");
  CHECK(e.key() == "model");
  CHECK(e.detail().find("filter_size") != std::string::npos);
  CHECK(e.loc().line == 4);
  CHECK(std::string(e.what()).find("wafersim_modelzoo_test.yaml") != std::string::npos);
}

TEST_CASE("Model Zoo values are checked", "[frontend][modelzoo]") {
  const std::string base = std::string(r1_head) +
                           "  num_hidden_layers: 2\n  filter_size: 1024\n  vocab_size: 1000\n"
                           "  max_position_embeddings: 128\n";
  CHECK(zoo_error(base + "  num_heads: 3\n").key() == "model.num_heads");
  CHECK(zoo_error(base + "  num_heads: four\n").key() == "model.num_heads");
  CHECK(zoo_error(base + "  num_heads: 4\n  position_embedding_type: relative\n").key() ==
        "model.position_embedding_type");
  const ConfigError name = zoo_error(base + "  num_heads: 4\n  name: dbrx\n");
  CHECK(name.detail().find("llama") != std::string::npos);
}

TEST_CASE("YAML that is not a Model Zoo config is refused by name", "[frontend][modelzoo]") {
  const ConfigError e = zoo_error("foo:\n  bar: 1\n");
  CHECK(e.detail().find("not a Cerebras Model Zoo params file") != std::string::npos);
  CHECK(zoo_error("train_input:\n  batch_size: [1\n").detail().find("YAML syntax") != std::string::npos);
}

TEST_CASE("R2 without a model name lists the supported families", "[frontend][modelzoo]") {
  const ConfigError e = zoo_error(
      "trainer:\n  init:\n    model:\n      hidden_size: 64\n  fit:\n    train_dataloader:\n      "
      "batch_size: 4\n");
  CHECK(e.detail().find("gpt3") != std::string::npos);
}

TEST_CASE("real release files: the sequence length comes from the first source that has it",
          "[frontend][modelzoo]") {
  const std::string dir = "tests/fixtures/modelzoo/";
  // R1.9 GPT-3 XL: no max_sequence_length; .../train_shuffled_msl2048/ in the data path.
  const ModelSpec r19 = load_model(src(dir + "Release_1.9.1/params_gpt3_xl.yaml"));
  CHECK(r19.training.seq == 2048);
  CHECK(r19.training.seq_source == "train_input.data_dir (msl2048)");
  // R2.10 Mistral: msl_128k in the data path wins over max_position_embeddings.
  const ModelSpec mistral = load_model(src(dir + "Release_2.10.0/params_mistral_7B_msl128k.yaml"));
  CHECK(mistral.training.seq == 131072);
  CHECK(mistral.arch.sliding_window == 4096);
  CHECK(mistral.arch.kv_heads == 8);
  // Nothing else: max_position_embeddings.
  const ModelSpec llama = load_model(src(dir + "Release_1.9.1/params_llama_7b.yaml"));
  CHECK(llama.training.seq == 2048);
  CHECK(llama.training.seq_source == "model.max_position_embeddings");
  // max_sequence_length, where the file has it.
  const ModelSpec bert = load_model(src(dir + "R_1.6.0/params_bert_large_msl128.yaml"));
  CHECK(bert.training.seq == 128);
  CHECK(bert.training.seq_source == "train_input.max_sequence_length");
}

TEST_CASE("real release files: families the file names only by its path, and their layers",
          "[frontend][modelzoo]") {
  const std::string dir = "tests/fixtures/modelzoo/";
  const ModelSpec falcon = load_model(src(dir + "Release_1.9.1/params_falcon_7b.yaml"));
  CHECK(falcon.arch.parallel_block);
  CHECK(falcon.arch.kv_heads == 1);  // multi-query attention
  const ModelSpec bloom = load_model(src(dir + "Release_1.9.1/params_bloom_7b.yaml"));
  CHECK(bloom.arch.position == PositionEmbedding::alibi);
  const ModelSpec starcoder = load_model(src(dir + "Release_2.10.0/params_starcoder_15b.yaml"));
  CHECK(starcoder.arch.kv_heads == 1);
  CHECK(starcoder.training.seq == 8192);
}

TEST_CASE("real release files of unmodelled architectures are refused by name", "[frontend][modelzoo]") {
  const std::string dir = "tests/fixtures/modelzoo/";
  for (const char* f : {"Release_2.10.0/params_dpr_base_nq.yaml"}) {
    INFO(f);
    try {
      load_model(src(dir + f));
      FAIL("expected a ConfigError");
    } catch (const ConfigError& e) {
      CHECK(e.detail().find("is not supported") != std::string::npos);
      CHECK(e.detail().find("supported: gpt2") != std::string::npos);
      CHECK(e.loc().line > 0);
    }
  }
}

TEST_CASE("real release files: Gemma 2 (head_dim, sandwich norms, a window on every other block)",
          "[frontend][modelzoo]") {
  const std::string dir = "tests/fixtures/modelzoo/Release_2.10.0/";
  const ModelSpec m = load_model(src(dir + "params_gemma2_9b_msl8k.yaml"));
  CHECK(head_dim_of(m.arch) == 256);  // attention_inner_dim 4096 over 16 heads on a 3584-wide model
  CHECK(m.arch.sandwich_norm);
  CHECK(m.arch.logit_softcap);
  CHECK(m.arch.sliding_window == 4096);
  CHECK(m.arch.sliding_window_period == 2);
  CHECK(m.arch.activation == ActivationKind::geglu);
  CHECK(m.arch.tied_embeddings);
  // Google's Gemma 2 9B: 9,241,705,984 parameters (4 RMSNorms a block, tied 256k vocabulary).
  const LayerGraph g = build_model_graph(m);
  CHECK(g.total_params() == 9'241'705'984ULL);
  CHECK(transformer_params(m.arch) == 9'241'705'984ULL);
  // Block 0 is local (4096 keys of the 8192), block 1 global; the sink tokens widen the window.
  const ModelSpec sinks = load_model(src(dir + "params_gemma2_9b_msl8k_swa_4k_sink_512.yaml"));
  CHECK(sinks.arch.attention_sinks == 512);
  const LayerGraph gs = build_model_graph(sinks);
  const auto score_keys = [](const LayerGraph& graph) {
    std::vector<double> k;
    for (OpId id : graph.topo_order())
      if (graph.op(id).kind == OpKind::attn_scores) k.push_back(graph.op(id).attn_keys);
    return k;
  };
  const std::vector<double> keys = score_keys(g), keys_sinks = score_keys(gs);
  REQUIRE(keys.size() == 42);
  CHECK(keys[0] == 4096);
  CHECK(keys[1] == 8192);
  CHECK(keys[41] == 8192);
  CHECK(keys_sinks[0] == 4096 + 512);
  CHECK(keys_sinks[1] == 8192);
}

TEST_CASE("real release files: an R2 file without model.name takes its family from the file name",
          "[frontend][modelzoo]") {
  // Release_2.3.0's ESM-2 3B "v2" file names no model; the survey (scripts/survey_modelzoo.py)
  // found it refused until esm2 joined the names guessed from a file name.
  const ModelSpec m =
      load_model(src("tests/fixtures/modelzoo/Release_2.3.0/params_esm2_t36_3B_UR50D_v2.yaml"));
  CHECK(m.arch.arch == Arch::encoder);
  CHECK(m.arch.position == PositionEmbedding::rotary);
  CHECK(m.arch.layers == 36);
  bool noted = false;
  for (const auto& n : m.notes)
    noted = noted || n.find("'esm2' taken from the file name") != std::string::npos;
  CHECK(noted);
}
