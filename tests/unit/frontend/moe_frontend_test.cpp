// Mixture-of-experts models from every front-end: the real Mixtral files (HuggingFace
// config.json, Model Zoo params YAML), the shipped native file, Qwen-MoE's keys, and the errors.
#include <catch2/catch.hpp>
#include <string>

#include "frontend/frontends.hpp"
#include "frontend_errors.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

using test::config_error;
using test::hf_error;
using test::src;

namespace {

const std::string kQwenMoe =
    "{\"model_type\": \"qwen2_moe\", \"num_hidden_layers\": 24, \"hidden_size\": 2048,\n"
    " \"num_attention_heads\": 16, \"num_key_value_heads\": 16, \"intermediate_size\": 5632,\n"
    " \"max_position_embeddings\": 8192, \"vocab_size\": 151936, \"num_experts\": 60,\n"
    " \"num_experts_per_tok\": 4, \"moe_intermediate_size\": 1408,\n"
    " \"shared_expert_intermediate_size\": 5632, \"decoder_sparse_step\": 1, \"mlp_only_layers\": [],\n"
    " \"tie_word_embeddings\": false";
}  // namespace

TEST_CASE("Mixtral 8x7B from its config.json, the Model Zoo's file and the native file", "[frontend][moe]") {
  const ModelSpec hf = load_model(src("tests/fixtures/hf/mixtral-8x7b-v0.1.json"));
  CHECK(hf.arch.experts == 8);
  CHECK(hf.arch.experts_per_token == 2);
  CHECK(hf.arch.expert_ffn == 0);  // intermediate_size is the expert's width
  CHECK(hf.arch.sliding_window == 0);
  CHECK(build_model_graph(hf).total_params() == 46'702'792'704ULL);  // Mistral AI's 46.7B

  const ModelSpec zoo = load_model(src("tests/fixtures/modelzoo/Release_2.10.0/params_mixtral_8x7b.yaml"));
  CHECK(zoo.arch.experts == 8);
  CHECK(zoo.arch.experts_per_token == 2);
  CHECK(zoo.arch.kv_heads == 8);
  CHECK(build_model_graph(zoo).total_params() == 46'702'792'704ULL);

  const ModelSpec native = load_model(src("models/mixtral-8x7b.yaml"));
  CHECK(build_model_graph(native).total_params() == 46'702'792'704ULL);
  CHECK(transformer_params(native.arch) == 46'702'792'704ULL);
}

TEST_CASE("Model Zoo: shared experts are filter_size wide, every token uses them", "[frontend][moe]") {
  const ModelSpec m =
      load_model(src("tests/fixtures/modelzoo/Release_2.10.0/params_moe_111M_with_shared_expert.yaml"));
  CHECK(m.arch.experts == 4);
  CHECK(m.arch.experts_per_token == 1);
  CHECK(m.arch.shared_expert_ffn == m.arch.ffn);  // num_shared_experts 1 x filter_size
  const LayerGraph g = build_model_graph(m);
  CHECK(g.total_params() == transformer_params(m.arch));
  bool shared = false;
  for (OpId id = 0; id < g.num_ops(); ++id) shared = shared || g.op(id).name == "block0.moe.shared.fc1";
  CHECK(shared);
}

TEST_CASE("Qwen-MoE: expert and shared-expert widths from their keys", "[frontend][moe]") {
  const ModelSpec m = frontend::load_hf_config_text(kQwenMoe + "}", "qwen.json");
  CHECK(m.arch.experts == 60);
  CHECK(m.arch.experts_per_token == 4);
  CHECK(m.arch.expert_ffn == 1408);
  CHECK(m.arch.shared_expert_ffn == 5632);
  CHECK(m.arch.qkv_bias);
  CHECK(m.arch.shared_expert_gate);
  CHECK_FALSE(m.arch.qk_norm);
  // Qwen1.5-MoE-A2.7B's shapes: Qwen states 14.3B parameters; with the shared expert's sigmoid
  // gate (2048 weights a layer) the count is 14,315,784,192.
  const LayerGraph g = build_model_graph(m);
  CHECK(g.total_params() == transformer_params(m.arch));
  CHECK(g.total_params() == 14'315'784'192ULL);
  bool gate = false;  // the gate is one more column of the router's GEMM
  for (OpId id = 0; id < g.num_ops(); ++id)
    if (g.op(id).name == "block0.moe.router") gate = g.op(id).params == 2048 * 61 && g.op(id).gemm.n == 61;
  CHECK(gate);
  // qwen3_moe: no shared expert even if a key says so.
  const ModelSpec q3 = frontend::load_hf_config_text(
      "{\"model_type\": \"qwen3_moe\", \"num_hidden_layers\": 2, \"hidden_size\": 256, "
      "\"num_attention_heads\": 4,\n"
      " \"head_dim\": 128, \"intermediate_size\": 1024, \"max_position_embeddings\": 4096, \"vocab_size\": "
      "1000,\n"
      " \"num_experts\": 16, \"num_experts_per_tok\": 4, \"moe_intermediate_size\": 96}",
      "q3.json");
  CHECK(q3.arch.expert_ffn == 96);
  CHECK(q3.arch.shared_expert_ffn == 0);
  CHECK_FALSE(q3.arch.shared_expert_gate);
  CHECK(q3.arch.qk_norm);
  CHECK(q3.arch.head_dim == 128);
}

TEST_CASE("Qwen3-30B-A3B from its config.json: 128 experts of 768, 8 per token", "[frontend][moe]") {
  const ModelSpec m = load_model(src("tests/fixtures/hf/qwen3-30b-a3b.json"));
  CHECK(m.arch.experts == 128);
  CHECK(m.arch.experts_per_token == 8);
  CHECK(m.arch.expert_ffn == 768);
  CHECK(m.arch.head_dim == 128);  // 32 heads of 128 on a 2048-wide model
  CHECK(m.arch.kv_heads == 4);
  CHECK(m.arch.qk_norm);
  // Qwen states 30.5B parameters: with the per-head Q and K RMSNorms (2 x 128 weights a layer),
  // 30,532,122,624.
  const LayerGraph g = build_model_graph(m);
  CHECK(g.total_params() == transformer_params(m.arch));
  CHECK(g.total_params() == 30'532'122'624ULL);
  int qk_norms = 0;
  for (OpId id = 0; id < g.num_ops(); ++id)
    if (g.op(id).name.find(".attn.qk_norm") != std::string::npos) {
      ++qk_norms;
      CHECK(g.op(id).params == 256);
      CHECK(g.op(id).kind == OpKind::norm);
    }
  CHECK(qk_norms == 48);
}

TEST_CASE("mixture-of-experts errors name the key and the line", "[frontend][moe]") {
  ConfigError e = hf_error(kQwenMoe + ", \"mlp_only_layers\": [0, 5]}");
  CHECK(e.key() == "mlp_only_layers");
  e = hf_error(
      "{\"model_type\": \"mixtral\", \"num_hidden_layers\": 2, \"hidden_size\": 64, \"num_attention_heads\": "
      "4,\n"
      " \"intermediate_size\": 128, \"max_position_embeddings\": 256, \"vocab_size\": 100,\n"
      " \"num_local_experts\": 4,\n \"num_experts_per_tok\": 5}");
  CHECK(e.key() == "num_experts_per_tok");
  CHECK(e.loc().line == 4);
  e = hf_error(
      "{\"model_type\": \"mixtral\", \"num_hidden_layers\": 2, \"hidden_size\": 64, \"num_attention_heads\": "
      "4,\n"
      " \"intermediate_size\": 128, \"max_position_embeddings\": 256, \"vocab_size\": 100}");
  CHECK(e.key() == "num_local_experts");

  const std::string native =
      "model: {name: m, layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 256, experts: 4,\n"
      "        experts_per_token: 5}\ntraining: {batch: 8, seq: 128}\n";
  e = config_error([&] { load_native_model_text(native, "m.yaml"); });
  CHECK(e.key() == "model.experts_per_token");
  e = config_error([&] {
    load_native_model_text(
        "model: {name: m, layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 256,\n"
        "        expert_ffn: 32}\ntraining: {batch: 8, seq: 128}\n",
        "m.yaml");
  });
  CHECK(e.key() == "model.expert_ffn");
  e = config_error([&] {
    load_native_model_text(
        "model: {name: m, layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 256, experts: 4,\n"
        "        shared_expert_gate: true}\ntraining: {batch: 8, seq: 128}\n",
        "m.yaml");
  });
  CHECK(e.key() == "model.shared_expert_gate");
  CHECK(e.loc().line == 2);
}

TEST_CASE("native keys: qk_norm and shared_expert_gate add their weights and ops", "[frontend][moe]") {
  const std::string base =
      "model: {name: m, layers: 3, hidden: 64, heads: 4, kv_heads: 2, head_dim: 32, ffn: 128, vocab: 100,\n"
      "        max_seq: 256, position: rotary, norm: rmsnorm, activation: swiglu, bias: false, experts: 4,\n"
      "        experts_per_token: 2, shared_expert_ffn: 96";
  const ModelSpec plain = load_native_model_text(base + "}\ntraining: {batch: 8, seq: 128}\n", "m.yaml");
  const ModelSpec both = load_native_model_text(
      base + ", qk_norm: true, shared_expert_gate: true}\ntraining: {batch: 8, seq: 128}\n", "m.yaml");
  CHECK(both.arch.qk_norm);
  CHECK(both.arch.shared_expert_gate);
  const LayerGraph g0 = build_model_graph(plain);
  const LayerGraph g1 = build_model_graph(both);
  CHECK(g1.total_params() == transformer_params(both.arch));
  CHECK(g1.total_params() - g0.total_params() == 3ULL * (2 * 32 + 64));  // Q/K norms + gate per layer
  CHECK(g1.num_ops() == g0.num_ops() + 3);  // a Q/K norm a block; the gate is a router column
  CHECK(g1.training_flops_per_sample() > g0.training_flops_per_sample());
}

TEST_CASE("Model Zoo: a file that turns on batch tiling on attention is timed without it, and says so",
          "[frontend][moe]") {
  // The real MoE file with the Model Zoo docs' flag (rel-2.9.0, "Batch Tiling on Attention")
  // among its callbacks, as a user enables it.
  const std::string base = read_text_file(
      src("tests/fixtures/modelzoo/Release_2.10.0/params_moe_111M_with_shared_expert.yaml"), "fixture");
  const auto notes_of = [&](const std::string& flags) {
    std::string text = base;
    const std::string at = "  init: &init\n";
    const auto pos = text.find(at);
    REQUIRE(pos != std::string::npos);
    text.insert(pos + at.size(), "    callbacks:\n    - GlobalFlags:\n" + flags);
    return frontend::load_modelzoo_text(text, "params_moe.yaml").notes;
  };
  const auto has_bta_note = [](const std::vector<std::string>& notes) {
    for (const auto& n : notes)
      if (n.find("batch tiling on attention") != std::string::npos) return true;
    return false;
  };
  CHECK(has_bta_note(notes_of("        csx.performance.ws_opt_enable_bta: true\n")));
  CHECK(has_bta_note(notes_of("        ws_opt_enable_bta: True\n        ws_opt_bta_max_tile: 4\n")));
  CHECK_FALSE(has_bta_note(notes_of("        ws_opt_enable_bta: false\n")));
  CHECK_FALSE(has_bta_note(
      load_model(src("tests/fixtures/modelzoo/Release_2.10.0/params_moe_111M_with_shared_expert.yaml"))
          .notes));
}

TEST_CASE("dense and MoE blocks mixed: Qwen-MoE's decoder_sparse_step, GLM-4.5's first dense blocks",
          "[frontend][moe]") {
  // Qwen-MoE with experts on every second block (decoder_sparse_step 2): 12 MoE blocks of 24,
  // the others dense FFNs of intermediate_size.
  std::string every2 = kQwenMoe + "}";
  every2.replace(every2.find("\"decoder_sparse_step\": 1"), 24, "\"decoder_sparse_step\": 2");
  const ModelSpec q = frontend::load_hf_config_text(every2, "qwen.json");
  CHECK(q.arch.moe_layer_step == 2);
  const LayerGraph gq = build_model_graph(q);
  CHECK(gq.total_params() == transformer_params(q.arch));
  int moe = 0, dense = 0;
  for (OpId id = 0; id < gq.num_ops(); ++id) {
    const std::string& n = gq.op(id).name;
    moe += n.find(".moe.router") != std::string::npos ? 1 : 0;
    dense += n.find(".ffn.fc1") != std::string::npos ? 1 : 0;
  }
  CHECK(moe == 12);
  CHECK(dense == 12);
  CHECK(is_moe_block(q.arch, 1));
  CHECK_FALSE(is_moe_block(q.arch, 0));

  // GLM-4.5's layout (glm4_moe): biases on Q, K, V; rotary on half of each head; Q/K norms;
  // 3 dense blocks, then 160 experts of 1536 (8 per token) beside one shared expert.
  const ModelSpec g = frontend::load_hf_config_text(
      "{\"model_type\": \"glm4_moe\", \"hidden_size\": 5120, \"num_hidden_layers\": 92, "
      "\"num_attention_heads\": 96,\n"
      " \"num_key_value_heads\": 8, \"head_dim\": 128, \"intermediate_size\": 12288, "
      "\"moe_intermediate_size\": 1536,\n"
      " \"n_routed_experts\": 160, \"n_shared_experts\": 1, \"num_experts_per_tok\": 8, "
      "\"first_k_dense_replace\": 3,\n"
      " \"partial_rotary_factor\": 0.5, \"attention_bias\": true, \"use_qk_norm\": true, \"vocab_size\": "
      "151552,\n"
      " \"max_position_embeddings\": 131072, \"tie_word_embeddings\": false, \"num_nextn_predict_layers\": "
      "1}",
      "glm.json");
  CHECK(g.arch.first_dense_layers == 3);
  CHECK(g.arch.rotary_dim == 64);
  CHECK(g.arch.qkv_bias);
  CHECK_FALSE(g.arch.bias);
  CHECK(g.arch.qk_norm);
  CHECK(g.arch.shared_expert_ffn == 1536);
  CHECK_FALSE(is_moe_block(g.arch, 2));
  CHECK(is_moe_block(g.arch, 3));
  const LayerGraph gg = build_model_graph(g);
  CHECK(gg.total_params() == transformer_params(g.arch));
  // GLM states 355B; its one multi-token-prediction layer (about 4B) and the routers' score
  // biases are not in the forward pass wafersim counts.
  CHECK(double(gg.total_params()) == Approx(352.8e9).epsilon(0.001));

  ConfigError e = hf_error(
      "{\"model_type\": \"glm4_moe\", \"hidden_size\": 64, \"num_hidden_layers\": 2, "
      "\"num_attention_heads\": 4,\n"
      " \"intermediate_size\": 128, \"moe_intermediate_size\": 32, \"n_routed_experts\": 4, \"vocab_size\": "
      "100,\n"
      " \"max_position_embeddings\": 256, \"first_k_dense_replace\": 3}");
  CHECK(e.key() == "first_k_dense_replace");
  CHECK(e.loc().line == 3);
  // Native keys.
  const ModelSpec n = load_native_model_text(
      "model: {name: m, layers: 4, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 256, experts: 4,\n"
      "        experts_per_token: 2, first_dense_layers: 1, moe_layer_step: 2}\ntraining: {batch: 8, seq: "
      "128}\n",
      "m.yaml");
  CHECK(n.arch.first_dense_layers == 1);
  CHECK(n.arch.moe_layer_step == 2);
  CHECK_FALSE(is_moe_block(n.arch, 0));
  CHECK(is_moe_block(n.arch, 1));
  CHECK_FALSE(is_moe_block(n.arch, 2));
  CHECK(is_moe_block(n.arch, 3));
  CHECK(build_model_graph(n).total_params() == transformer_params(n.arch));
  e = config_error([&] {
    load_native_model_text(
        "model: {name: m, layers: 4, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 256,\n"
        "        moe_layer_step: 2}\ntraining: {batch: 8, seq: 128}\n",
        "m.yaml");
  });
  CHECK(e.key() == "model.moe_layer_step");
}
