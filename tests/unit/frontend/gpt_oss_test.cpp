// gpt-oss from its real config.json files (tests/fixtures/hf/SOURCES.md): biased attention and
// experts, a sink logit per head, a biased router, the window on the even blocks; and
// transformers' layer_types, read for every LLaMA-like type.
#include <catch2/catch.hpp>
#include <string>

#include "frontend/frontends.hpp"
#include "frontend_errors.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

using test::hf_error;
using test::src;

namespace {
// A 4-block gpt-oss with `extra` keys appended (a JSON object's tail, starting with ", ").
std::string tiny_oss(const std::string& extra) {
  return "{\"model_type\": \"gpt_oss\", \"num_hidden_layers\": 4, \"hidden_size\": 64,\n"
         " \"num_attention_heads\": 8, \"num_key_value_heads\": 2, \"head_dim\": 16,\n"
         " \"intermediate_size\": 64, \"max_position_embeddings\": 4096, \"vocab_size\": 1000,\n"
         " \"num_local_experts\": 8, \"num_experts_per_tok\": 2, \"sliding_window\": 32" +
         extra + "}";
}
}  // namespace

TEST_CASE("gpt-oss-120b and -20b from their config.json: OpenAI's parameter counts exactly",
          "[frontend][moe]") {
  // OpenAI's model card (gpt-oss-120b & gpt-oss-20b, 2025-08): 116.83B and 20.91B in all.
  const ModelSpec big = load_model(src("tests/fixtures/hf/gpt-oss-120b.json"));
  CHECK(big.arch.experts == 128);
  CHECK(big.arch.experts_per_token == 4);
  CHECK(big.arch.expert_ffn == 0);  // intermediate_size, as Mixtral's
  CHECK(big.arch.ffn == 2880);
  CHECK(big.arch.head_dim == 64);  // 64 heads of 64 on a 2880-wide model
  CHECK(big.arch.kv_heads == 8);
  CHECK(big.arch.sliding_window == 128);
  CHECK(big.arch.sliding_window_period == 2);
  CHECK(big.arch.bias);
  CHECK_FALSE(big.arch.head_bias);
  CHECK(big.arch.sink_logits);
  CHECK(big.arch.router_bias);
  CHECK(big.arch.activation == ActivationKind::swiglu);
  const LayerGraph g = build_model_graph(big);
  CHECK(g.total_params() == transformer_params(big.arch));
  CHECK(g.total_params() == 116'829'156'672ULL);
  REQUIRE(big.notes.size() == 1);
  CHECK(big.notes[0].find("quantization_config") != std::string::npos);

  const ModelSpec small = load_model(src("tests/fixtures/hf/gpt-oss-20b.json"));
  CHECK(small.arch.layers == 24);
  CHECK(small.arch.experts == 32);
  const LayerGraph g20 = build_model_graph(small);
  CHECK(g20.total_params() == transformer_params(small.arch));
  CHECK(g20.total_params() == 20'914'757'184ULL);
}

TEST_CASE("gpt-oss: the sinks are a weight a head on the softmax, the router has its bias",
          "[frontend][moe]") {
  const ModelSpec m = frontend::load_hf_config_text(tiny_oss(""), "cfg.json");
  const LayerGraph g = build_model_graph(m);
  int softmaxes = 0, routers = 0;
  for (OpId id = 0; id < g.num_ops(); ++id) {
    const Op& o = g.op(id);
    if (o.name.find(".attn.softmax") != std::string::npos) {
      ++softmaxes;
      CHECK(o.params == 8);
    }
    if (o.name.find(".moe.router") != std::string::npos) {
      ++routers;
      CHECK(o.params == 64 * 8 + 8);
    }
  }
  CHECK(softmaxes == 4);
  CHECK(routers == 4);
  // Without them (as native keys say), exactly 4 x (8 + 8) fewer.
  TransformerSpec plain = m.arch;
  plain.sink_logits = false;
  plain.router_bias = false;
  CHECK(transformer_params(m.arch) - transformer_params(plain) == 4 * 16);
  // No bias on the vocabulary projection although every other projection has one.
  TransformerSpec head = m.arch;
  head.head_bias = true;
  CHECK(transformer_params(head) - transformer_params(m.arch) == 1000);
}

TEST_CASE("layer_types: every block alike or alternating is read and other mixes are refused", "[frontend]") {
  const std::string alt =
      ", \"layer_types\": [\"sliding_attention\", \"full_attention\", "
      "\"sliding_attention\", \"full_attention\"]";
  const ModelSpec a = frontend::load_hf_config_text(tiny_oss(alt), "cfg.json");
  CHECK(a.arch.sliding_window == 32);
  CHECK(a.arch.sliding_window_period == 2);
  CHECK(keys_at(a.arch, 0, 1000) == 32);
  CHECK(keys_at(a.arch, 1, 1000) == 1000);

  const std::string full =
      ", \"layer_types\": [\"full_attention\", \"full_attention\", "
      "\"full_attention\", \"full_attention\"]";
  CHECK(frontend::load_hf_config_text(tiny_oss(full), "cfg.json").arch.sliding_window == 0);

  // A Mistral config that writes layer_types: every block windowed.
  const std::string mistral =
      "{\"model_type\": \"mistral\", \"num_hidden_layers\": 2, \"hidden_size\": 64,\n"
      " \"num_attention_heads\": 4, \"intermediate_size\": 128, \"max_position_embeddings\": 4096,\n"
      " \"vocab_size\": 100, \"sliding_window\": 16,\n"
      " \"layer_types\": [\"sliding_attention\", \"sliding_attention\"]}";
  const ModelSpec m = frontend::load_hf_config_text(mistral, "cfg.json");
  CHECK(m.arch.sliding_window == 16);
  CHECK(m.arch.sliding_window_period == 1);

  // An irregular mix (two windowed blocks, then two full ones): refused with the key and line.
  ConfigError e =
      hf_error(tiny_oss(",\n \"layer_types\": [\"sliding_attention\", \"sliding_attention\", "
                        "\"full_attention\", \"full_attention\"]"));
  CHECK(e.key() == "layer_types");
  CHECK(e.loc().line == 5);
  CHECK(std::string(e.what()).find("not modelled") != std::string::npos);
  e = hf_error(tiny_oss(", \"layer_types\": [\"full_attention\"]"));
  CHECK(std::string(e.what()).find("one entry per layer (4), got 1") != std::string::npos);
  e =
      hf_error(tiny_oss(", \"layer_types\": [\"full_attention\", \"chunked_attention\", \"full_attention\", "
                        "\"full_attention\"]"));
  CHECK(std::string(e.what()).find("entry 1 is 'chunked_attention'") != std::string::npos);
  e = hf_error(tiny_oss(", \"layer_types\": \"sliding_attention\""));
  CHECK(std::string(e.what()).find("expected a list of strings") != std::string::npos);
  e = hf_error(tiny_oss(", \"attention_bias\": false"));
  CHECK(e.key() == "attention_bias");
}

TEST_CASE("native keys sink_logits, router_bias and head_bias give the HF reader's gpt-oss",
          "[frontend][moe]") {
  const ModelSpec hf = frontend::load_hf_config_text(tiny_oss(""), "cfg.json");
  const std::string base =
      "model: {name: t, layers: 4, hidden: 64, heads: 8, kv_heads: 2, head_dim: 16, ffn: 64, vocab: 1000,\n"
      "        max_seq: 4096, position: rotary, norm: rmsnorm, activation: swiglu, sliding_window: 32,\n"
      "        sliding_window_period: 2, experts: 8, experts_per_token: 2";
  const ModelSpec n = load_native_model_text(base +
                                                 ",\n        sink_logits: true, router_bias: true, "
                                                 "head_bias: false}\ntraining: {batch: 8, seq: 128}\n",
                                             "m.yaml");
  CHECK(transformer_params(n.arch) == transformer_params(hf.arch));
  CHECK(build_model_graph(n).total_params() == build_model_graph(hf).total_params());
  // Keys that mean nothing without what they qualify.
  const auto native_error = [&](const std::string& extra) {
    try {
      load_native_model_text(base + extra + "}\ntraining: {batch: 8, seq: 128}\n", "m.yaml");
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("no error");
  };
  CHECK(native_error(", bias: false, head_bias: false") == "model.head_bias");
  try {
    load_native_model_text(
        "model: {name: t, layers: 2, hidden: 64, heads: 8, ffn: 64, vocab: 100, max_seq: 128,\n"
        "        router_bias: true}\ntraining: {batch: 8, seq: 128}\n",
        "m.yaml");
    FAIL("router_bias without experts loaded");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "model.router_bias");
  }
}
