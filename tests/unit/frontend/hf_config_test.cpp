// HuggingFace config.json: each shipped example matches the native model of the same name.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "frontend/frontends.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

namespace {
std::string src(const std::string& rel) { return std::string(WAFERSIM_SOURCE_DIR) + "/" + rel; }

ConfigError hf_error(const std::string& text) {
  try {
    frontend::load_hf_config_text(text, "cfg.json");
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw;
}
}  // namespace

TEST_CASE("HuggingFace configs give the native model's graph", "[frontend][hf]") {
  const auto [hf, native] = GENERATE(table<const char*, const char*>({
      {"models/hf/gpt2.json", "models/gpt2-small.yaml"},
      {"models/hf/gptj-6b.json", "models/gptj-6b.yaml"},  // vocab 50400 vs 50257: +0.02% params
      {"models/hf/llama-7b.json", "models/llama-7b.yaml"},
      {"models/hf/bert-large.json", "models/bert-large.yaml"},
  }));
  INFO(hf);
  ModelSpec h = load_model(src(hf));
  ModelSpec n = load_model(src(native));
  CHECK(h.format == "huggingface");
  h.training.seq = n.training.seq = 128;
  // HF's BertForPreTraining scores every position; the native BERT file scores the 20 masked
  // positions Model Zoo gathers (mlm_predictions). Compare the graphs on equal terms.
  n.arch.mlm_predictions = h.arch.mlm_predictions;
  const LayerGraph gh = build_model_graph(h);
  const LayerGraph gn = build_model_graph(n);
  CHECK(gh.num_ops() == gn.num_ops());
  CHECK(static_cast<double>(gh.total_params()) ==
        Approx(static_cast<double>(gn.total_params())).epsilon(0.001));
  CHECK(gh.training_flops_per_sample() == Approx(gn.training_flops_per_sample()).epsilon(0.001));
}

TEST_CASE("HuggingFace run defaults: batch 8, seq = max positions capped at 2048", "[frontend][hf]") {
  const ModelSpec gpt2 = load_model(src("models/hf/gpt2.json"));
  CHECK(gpt2.training.batch == frontend::hf_default_batch);
  CHECK(gpt2.training.seq == 1024);
  const ModelSpec mistral = load_model(src("models/hf/mistral-7b.json"));
  CHECK(mistral.training.seq == 2048);
  CHECK(mistral.arch.kv_heads == 8);
  CHECK(mistral.arch.activation == ActivationKind::swiglu);
  CHECK(mistral.training.compute == DType::bf16);
}

TEST_CASE("GPT-NeoX: partial rotary and parallel residual", "[frontend][hf]") {
  const ModelSpec m = load_model(src("models/hf/pythia-160m.json"));
  CHECK(m.arch.rotary_dim == 16);
  CHECK(m.arch.parallel_block);
  CHECK(m.arch.name == "pythia-160m");
  CHECK(build_model_graph(m).total_params() > 100'000'000);
}

TEST_CASE("HuggingFace errors name the key, the line and the supported types", "[frontend][hf]") {
  const ConfigError t5 = hf_error("{\n  \"model_type\": \"t5\"\n}\n");
  CHECK(t5.key() == "model_type");
  CHECK(t5.loc().line == 2);
  CHECK(t5.detail().find("'t5'") != std::string::npos);
  CHECK(t5.detail().find("llama") != std::string::npos);

  const ConfigError missing = hf_error("{\"model_type\": \"gpt2\", \"n_layer\": 2, \"n_embd\": 64}");
  CHECK(missing.key() == "n_head");
  CHECK(std::string(missing.what()).find("cfg.json") != std::string::npos);

  const ConfigError syntax = hf_error("{\n  \"model_type\": \"gpt2\",\n  \"n_layer\": 2,,\n}\n");
  CHECK(syntax.loc().line == 3);
  CHECK(syntax.detail().find("JSON syntax") != std::string::npos);

  CHECK(hf_error("{\"model_type\": \"gpt2\", \"n_layer\": \"12\"}").key() == "n_layer");
  CHECK(hf_error("[1, 2]").detail().find("JSON object") != std::string::npos);
  CHECK(hf_error("{\"architectures\": [\"X\"]}").key() == "model_type");
}
