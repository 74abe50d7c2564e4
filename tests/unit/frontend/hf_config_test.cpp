// HuggingFace config.json: each shipped example matches the native model of the same name.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "frontend/frontends.hpp"
#include "frontend_errors.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

using test::hf_error;
using test::src;

namespace {}  // namespace

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
  const ConfigError bart = hf_error("{\n  \"model_type\": \"bart\"\n}\n");
  CHECK(bart.key() == "model_type");
  CHECK(bart.loc().line == 2);
  CHECK(bart.detail().find("'bart'") != std::string::npos);
  CHECK(bart.detail().find("llama") != std::string::npos);

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

// Real config.json files (tests/fixtures/hf/SOURCES.md): the parameter counts their publishers
// state come out exactly, which checks the attention width, GQA and the biases.
TEST_CASE("Qwen2.5: biases on Q, K and V only, the unused sliding window not applied", "[frontend][hf]") {
  const ModelSpec m = load_model(src("tests/fixtures/hf/qwen2.5-7b-instruct.json"));
  CHECK(m.arch.name == "Qwen2.5-7B-Instruct");
  CHECK(m.arch.qkv_bias);
  CHECK_FALSE(m.arch.bias);
  CHECK(m.arch.kv_heads == 4);
  CHECK(head_dim_of(m.arch) == 128);
  CHECK(m.arch.sliding_window == 0);
  CHECK(m.training.compute == DType::bf16);
  // Qwen's model card: 7.61B; 3584 x 4608 QKV weights + 4608 biases per layer, untied head.
  CHECK(build_model_graph(m).total_params() == 7'615'616'512ULL);
  CHECK(transformer_params(m.arch) == 7'615'616'512ULL);
}

TEST_CASE("Mistral NeMo: 32 heads of 128 on a 5120-wide model (head_dim)", "[frontend][hf]") {
  const ModelSpec hf = load_model(src("tests/fixtures/hf/mistral-nemo-base-2407.json"));
  CHECK(hf.arch.head_dim == 128);
  CHECK(hf.arch.hidden == 5120);
  // 12.2B (Mistral AI): Q and the output projection are 5120 x 4096, K and V 5120 x 1024.
  CHECK(build_model_graph(hf).total_params() == 12'247'782'400ULL);
  CHECK(transformer_params(hf.arch) == 12'247'782'400ULL);
  // The Model Zoo's file of the same model says it with attention_inner_dim: the same graph.
  const ModelSpec zoo = load_model(src("tests/fixtures/modelzoo/Release_2.10.0/params_mistral_12b.yaml"));
  CHECK(zoo.arch.head_dim == 128);
  CHECK(build_model_graph(zoo).total_params() == 12'247'782'400ULL);
  // The KV cache holds 8 heads of 128, not of 160.
  const LayerGraph g = build_model_graph(hf);
  for (const auto& group : g.groups())
    for (OpId id : group.ops)
      if (g.op(id).kind == OpKind::attn_scores) CHECK(g.op(id).attn_head_dim == 128);
}

TEST_CASE("Qwen's sliding window on some layers only is refused by key", "[frontend][hf]") {
  const ConfigError e = hf_error(
      "{\"model_type\": \"qwen2\", \"num_hidden_layers\": 2, \"hidden_size\": 64, \"num_attention_heads\": "
      "4,\n"
      " \"intermediate_size\": 128, \"max_position_embeddings\": 256, \"vocab_size\": 100,\n"
      " \"use_sliding_window\": true, \"sliding_window\": 32, \"max_window_layers\": 1}");
  CHECK(e.key() == "use_sliding_window");
  CHECK(e.loc().line == 3);
  // head_dim that does not divide into hidden is fine; heads that do not divide hidden without
  // head_dim are not.
  const ConfigError heads = hf_error(
      "{\"model_type\": \"llama\", \"num_hidden_layers\": 2, \"hidden_size\": 60, \"num_attention_heads\": "
      "8,\n"
      " \"intermediate_size\": 128, \"max_position_embeddings\": 256, \"vocab_size\": 100}");
  CHECK(heads.key() == "num_attention_heads");
  const ModelSpec ok = frontend::load_hf_config_text(
      "{\"model_type\": \"qwen3\", \"num_hidden_layers\": 2, \"hidden_size\": 60, \"num_attention_heads\": "
      "8,\n"
      " \"head_dim\": 16, \"intermediate_size\": 128, \"max_position_embeddings\": 256, \"vocab_size\": 100}",
      "cfg.json");
  CHECK(head_dim_of(ok.arch) == 16);
  CHECK(build_model_graph(ok).total_params() == transformer_params(ok.arch));
}

TEST_CASE("Gemma and Gemma 2: GeGLU, tied, head_dim, and Gemma 2 sandwich norms and alternating window",
          "[frontend][hf]") {
  // The shapes of Gemma 2 9B's config.json (Google's file is under the Gemma terms, so it is not
  // copied here; the Model Zoo's Apache-2.0 file of the same model is a fixture of modelzoo_test).
  const std::string gemma2 =
      "{\"model_type\": \"gemma2\", \"hidden_size\": 3584, \"intermediate_size\": 14336,\n"
      " \"num_hidden_layers\": 42, \"num_attention_heads\": 16, \"num_key_value_heads\": 8, \"head_dim\": "
      "256,\n"
      " \"vocab_size\": 256000, \"max_position_embeddings\": 8192, \"sliding_window\": 4096,\n"
      " \"hidden_act\": \"gelu_pytorch_tanh\", \"hidden_activation\": \"gelu_pytorch_tanh\",\n"
      " \"attn_logit_softcapping\": 50.0, \"final_logit_softcapping\": 30.0, \"torch_dtype\": \"float32\"}";
  const ModelSpec m = frontend::load_hf_config_text(gemma2, "cfg.json");
  CHECK(m.arch.activation == ActivationKind::geglu);
  CHECK(m.arch.tied_embeddings);
  CHECK(m.arch.sandwich_norm);
  CHECK(m.arch.sliding_window_period == 2);
  CHECK(m.arch.logit_softcap);
  CHECK(build_model_graph(m).total_params() == 9'241'705'984ULL);  // as the Model Zoo file
  // Gemma (1): no window, two norms a block (Gemma 7B's shapes: 3072 wide, 16 heads of 256).
  const ModelSpec g1 = frontend::load_hf_config_text(
      "{\"model_type\": \"gemma\", \"hidden_size\": 3072, \"intermediate_size\": 24576,\n"
      " \"num_hidden_layers\": 28, \"num_attention_heads\": 16, \"num_key_value_heads\": 16, \"head_dim\": "
      "256,\n"
      " \"vocab_size\": 256000, \"max_position_embeddings\": 8192, \"hidden_act\": \"gelu\"}",
      "cfg.json");
  CHECK_FALSE(g1.arch.sandwich_norm);
  CHECK(g1.arch.sliding_window == 0);
  // Google's Gemma 7B: 8,537,680,896 parameters.
  CHECK(build_model_graph(g1).total_params() == 8'537'680'896ULL);
}

TEST_CASE("Phi-3.5-mini: LLaMA's layout, a window wider than its context", "[frontend][hf]") {
  const ModelSpec m = load_model(src("tests/fixtures/hf/phi-3.5-mini-instruct.json"));
  CHECK(m.arch.name == "Phi-3.5-mini-instruct");
  CHECK(m.arch.sliding_window == 262144);  // wider than the 131072 positions: every key
  // Microsoft's 3.8B: 3,821,079,552 parameters, untied 32064-token head.
  CHECK(build_model_graph(m).total_params() == 3'821'079'552ULL);
}

TEST_CASE("Qwen3 dense configs: Qwen's parameter counts, with and without the embeddings", "[frontend]") {
  // Qwen's model cards: total and non-embedding parameters, to the cards' rounding.
  struct Card {
    const char* file;
    double total, non_embedding;  // billions
  };
  for (const Card& c : {Card{"qwen3-4b", 4.0, 3.6}, Card{"qwen3-8b", 8.2, 6.95},
                        Card{"qwen3-14b", 14.8, 13.2}, Card{"qwen3-32b", 32.8, 31.2}}) {
    INFO(c.file);
    const ModelSpec m = load_model(src(std::string("tests/fixtures/hf/") + c.file + ".json"));
    CHECK(m.arch.qk_norm);
    CHECK(m.arch.sliding_window == 0);  // use_sliding_window: false
    const double total = static_cast<double>(build_model_graph(m).total_params());
    CHECK(total == static_cast<double>(transformer_params(m.arch)));
    const double tables = (m.arch.tied_embeddings ? 1.0 : 2.0) * m.arch.vocab * m.arch.hidden;
    CHECK(total / 1e9 == Approx(c.total).margin(0.05));
    CHECK((total - tables) / 1e9 == Approx(c.non_embedding).margin(0.05));
  }
}

TEST_CASE("Gemma 3: one global block in six, Q/K norms, Google's 1B count", "[frontend]") {
  // Gemma 3 1B's shapes (Gemma Team, "Gemma 3 Technical Report", arXiv:2503.19786, and its
  // config: 26 layers of 1152, 4 heads of 256 with 1 KV head, FFN 6912, vocabulary 262,144, a
  // 512-token window on five blocks in six). Google's files are under the Gemma terms, so the
  // shapes are written here.
  const std::string one_b =
      "{\"model_type\": \"gemma3_text\", \"hidden_size\": 1152, \"num_hidden_layers\": 26,\n"
      " \"num_attention_heads\": 4, \"num_key_value_heads\": 1, \"head_dim\": 256,\n"
      " \"intermediate_size\": 6912, \"vocab_size\": 262144, \"max_position_embeddings\": 32768,\n"
      " \"sliding_window\": 512, \"sliding_window_pattern\": 6, \"attn_logit_softcapping\": null,\n"
      " \"final_logit_softcapping\": null, \"hidden_activation\": \"gelu_pytorch_tanh\"}";
  const ModelSpec m = frontend::load_hf_config_text(one_b, "gemma3-1b.json");
  CHECK(m.arch.qk_norm);
  CHECK(m.arch.sandwich_norm);
  CHECK_FALSE(m.arch.logit_softcap);
  CHECK(m.arch.tied_embeddings);
  CHECK(m.arch.global_attention_every == 6);
  for (int b = 0; b < 26; ++b) CHECK(windowed_block(m.arch, b) == ((b + 1) % 6 != 0));
  const LayerGraph g = build_model_graph(m);
  CHECK(g.total_params() == transformer_params(m.arch));
  CHECK(g.total_params() == 999'885'952ULL);  // Google's 1B (1,000M on its card)

  // The same pattern from layer_types.
  std::string types = "[";
  for (int b = 0; b < 26; ++b)
    types += std::string(b ? ", " : "") + ((b + 1) % 6 ? "\"sliding_attention\"" : "\"full_attention\"");
  std::string with_types = one_b;
  with_types.replace(with_types.find("\"sliding_window_pattern\": 6"), 27, "\"layer_types\": " + types + "]");
  const ModelSpec t = frontend::load_hf_config_text(with_types, "gemma3-1b.json");
  CHECK(t.arch.global_attention_every == 6);
  CHECK(transformer_params(t.arch) == transformer_params(m.arch));

  // gemma3 (multimodal): the text_config, with Gemma3TextConfig's defaults for what it leaves
  // out (Gemma 3 4B writes hidden, FFN, layers and window only), and a note for the vision tower.
  const ModelSpec mm = frontend::load_hf_config_text(
      "{\"model_type\": \"gemma3\", \"text_config\": {\"model_type\": \"gemma3_text\", \"hidden_size\": "
      "2560,\n"
      " \"intermediate_size\": 10240, \"num_hidden_layers\": 34, \"sliding_window\": 1024},\n"
      " \"vision_config\": {\"hidden_size\": 1152}}",
      "gemma3-4b.json");
  CHECK(mm.arch.layers == 34);
  CHECK(mm.arch.heads == 8);
  CHECK(mm.arch.kv_heads == 4);
  CHECK(mm.arch.vocab == 262208);
  CHECK(mm.arch.sliding_window == 1024);
  CHECK(mm.arch.global_attention_every == 6);
  REQUIRE(mm.notes.size() == 1);
  CHECK(mm.notes[0].find("vision") != std::string::npos);
  CHECK(hf_error("{\"model_type\": \"gemma3\"}").key() == "text_config");
}
