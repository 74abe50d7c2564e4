// DeepSeek's multi-head latent attention (MLA) and its experts, from config.json (deepseek_v2,
// deepseek_v3, kimi_k2) and native keys: the publishers' parameter counts, the latent kernels.
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
// DeepSeek-V2-Lite's shapes (DeepSeek-AI, "DeepSeek-V2", arXiv:2405.04434, appendix: 27 layers of
// 2048, 16 heads, no Q compression, 64 routed experts of 1408 with 6 per token and 2 shared, the
// first layer dense): 15.7B parameters. `extra` ends the object.
std::string v2_lite(const std::string& extra) {
  return "{\"model_type\": \"deepseek_v2\", \"num_hidden_layers\": 27, \"hidden_size\": 2048,\n"
         " \"num_attention_heads\": 16, \"num_key_value_heads\": 16, \"intermediate_size\": 10944,\n"
         " \"max_position_embeddings\": 163840, \"vocab_size\": 102400, \"q_lora_rank\": null,\n"
         " \"kv_lora_rank\": 512, \"qk_nope_head_dim\": 128, \"qk_rope_head_dim\": 64, \"v_head_dim\": 128,\n"
         " \"n_routed_experts\": 64, \"num_experts_per_tok\": 6, \"n_shared_experts\": 2,\n"
         " \"moe_intermediate_size\": 1408, \"first_k_dense_replace\": 1, \"moe_layer_freq\": 1" +
         extra + "}";
}

const Op& op_named(const LayerGraph& g, const std::string& name) {
  for (OpId id = 0; id < g.num_ops(); ++id)
    if (g.op(id).name == name) return g.op(id);
  FAIL("no op " << name);
  return g.op(0);
}
}  // namespace

TEST_CASE("DeepSeek-V3 and V2-Lite: the publishers' parameter counts exactly", "[frontend][moe]") {
  const ModelSpec v3 = load_model(src("models/hf/deepseek-v3.json"));
  CHECK(v3.arch.kv_lora_rank == 512);
  CHECK(v3.arch.q_lora_rank == 1536);
  CHECK(v3.arch.experts == 256);
  CHECK(v3.arch.shared_expert_ffn == 2048);
  CHECK(v3.arch.first_dense_layers == 3);
  const LayerGraph g = build_model_graph(v3);
  CHECK(g.total_params() == transformer_params(v3.arch));
  CHECK(g.total_params() == 671'026'419'200ULL);  // DeepSeek's 671B (the MTP module's 14B apart)

  const ModelSpec lite = frontend::load_hf_config_text(v2_lite(""), "lite.json");
  CHECK(lite.arch.q_lora_rank == 0);  // null: one Q projection
  const LayerGraph gl = build_model_graph(lite);
  CHECK(gl.total_params() == transformer_params(lite.arch));
  CHECK(gl.total_params() == 15'706'484'224ULL);  // DeepSeek's 15.7B
}

TEST_CASE("latent attention: heads score in their width, decode in the latent's", "[frontend][moe]") {
  const ModelSpec v3 = load_model(src("models/hf/deepseek-v3.json"));
  const LayerGraph g = build_model_graph(v3);
  const Op& scores = op_named(g, "block0.attn.scores");
  CHECK(scores.gemm.count == 128);
  CHECK(scores.gemm.k == 192);           // qk_nope + qk_rope
  CHECK(scores.decode_head_dim == 576);  // the cached latent and rotary key
  const Op& context = op_named(g, "block0.attn.context");
  CHECK(context.gemm.n == 128);  // v_head_dim
  CHECK(context.decode_head_dim == 512);
  CHECK(op_named(g, "block0.attn.kv_b").params == 512ULL * 128 * (128 + 128));
  CHECK(op_named(g, "block0.attn.q_norm").params == 1536);
  CHECK(op_named(g, "block0.attn.kv_norm").params == 512);
  // The router's and the experts' blocks start after the three dense ones.
  bool dense_router = false;
  for (OpId id = 0; id < g.num_ops(); ++id)
    dense_router = dense_router || g.op(id).name == "block2.moe.router";
  CHECK_FALSE(dense_router);
  CHECK(op_named(g, "block3.moe.router").params == 7168ULL * 256 + 256);  // with the score-correction bias
}

TEST_CASE("latent attention errors name the key", "[frontend][moe]") {
  CHECK(hf_error(v2_lite(", \"moe_layer_freq\": 2")).key() == "moe_layer_freq");
  CHECK(hf_error(v2_lite(", \"attention_bias\": true")).key() == "attention_bias");
  std::string no_rope = v2_lite("");
  no_rope.replace(no_rope.find("\"qk_rope_head_dim\": 64, "), 24, "");
  CHECK(hf_error(no_rope).key() == "qk_rope_head_dim");
  const auto native = [](const std::string& extra) {
    try {
      load_native_model_text(
          "model: {name: t, layers: 2, hidden: 64, heads: 4, ffn: 128, vocab: 100,\n"
          "        max_seq: 128, position: rotary, norm: rmsnorm, bias: false" +
              extra + "}\ntraining: {batch: 8, seq: 64}\n",
          "m.yaml");
    } catch (const ConfigError& e) {
      return e.key();
    }
    return std::string("no error");
  };
  const std::string mla = ", kv_lora_rank: 32, qk_nope_dim: 16, qk_rope_dim: 8, v_head_dim: 16";
  CHECK(native(mla) == "no error");
  CHECK(native(mla + ", q_lora_rank: 24") == "no error");
  CHECK(native(", kv_lora_rank: 32, qk_nope_dim: 16, v_head_dim: 16") == "model.qk_rope_dim");
  CHECK(native(", q_lora_rank: 24") == "model.q_lora_rank");
  CHECK(native(mla + ", kv_heads: 2") == "model.kv_heads");
  CHECK(native(mla + ", qk_norm: true") == "model.qk_norm");
}

TEST_CASE("native latent attention counts as the closed form and the graph agree", "[frontend][moe]") {
  const ModelSpec m = load_native_model_text(
      "model: {name: t, layers: 3, hidden: 64, heads: 4, ffn: 128, vocab: 100, max_seq: 128,\n"
      "        position: rotary, norm: rmsnorm, bias: false, activation: swiglu, kv_lora_rank: 32,\n"
      "        q_lora_rank: 24, qk_nope_dim: 16, qk_rope_dim: 8, v_head_dim: 16, experts: 4,\n"
      "        experts_per_token: 2, expert_ffn: 32, shared_expert_ffn: 32, first_dense_layers: 1}\n"
      "training: {batch: 8, seq: 64}\n",
      "m.yaml");
  CHECK(build_model_graph(m).total_params() == transformer_params(m.arch));
}

TEST_CASE("Kimi K2 (kimi_k2, DeepSeek-V3's layout): 384 experts, one dense block", "[frontend][moe]") {
  // Moonshot's published shapes (Kimi K2 tech report and model card: 61 layers of 7168, 64 heads,
  // 384 experts of 2048 with 8 per token and one shared, the first block dense, vocabulary
  // 163,840): about 1.03T parameters, "1T total, 32B activated".
  const ModelSpec k2 = frontend::load_hf_config_text(
      "{\"model_type\": \"kimi_k2\", \"hidden_size\": 7168, \"intermediate_size\": 18432,\n"
      " \"moe_intermediate_size\": 2048, \"n_routed_experts\": 384, \"n_shared_experts\": 1,\n"
      " \"num_experts_per_tok\": 8, \"first_k_dense_replace\": 1, \"num_attention_heads\": 64,\n"
      " \"num_hidden_layers\": 61, \"q_lora_rank\": 1536, \"kv_lora_rank\": 512, \"qk_nope_head_dim\": 128,\n"
      " \"qk_rope_head_dim\": 64, \"v_head_dim\": 128, \"max_position_embeddings\": 131072,\n"
      " \"vocab_size\": 163840}",
      "k2.json");
  CHECK(k2.arch.router_bias);  // V3's noaux_tc routing
  const LayerGraph g = build_model_graph(k2);
  CHECK(g.total_params() == transformer_params(k2.arch));
  CHECK(g.total_params() == 1'026'408'232'448ULL);
}

TEST_CASE("Llama 4: experts on every other block, chunked attention with every 4th block global",
          "[frontend][moe]") {
  // models/hf/llama-4-maverick.json (Meta's published shapes): 48 blocks of 5120; on the odd ones
  // 128 experts of 8192 (one per token) and a shared one, router 5120 x 128; dense FFNs of 16384
  // on the even ones; untied 202,048-token tables. By hand: 2 x 202,048 x 5120 + 48 x (62,914,560
  // attention + 10,240 norms) + 24 x 251,658,240 + 24 x (655,360 + 129 x 125,829,120) + 5120 =
  // 400,711,848,960 (Meta's "400B").
  const ModelSpec m = load_model(src("models/hf/llama-4-maverick.json"));
  CHECK(m.arch.experts == 128);
  CHECK(m.arch.experts_per_token == 1);
  CHECK(m.arch.expert_ffn == 8192);
  CHECK(m.arch.shared_expert_ffn == 8192);
  CHECK(m.arch.ffn == 16384);
  CHECK(m.arch.moe_layer_step == 2);
  CHECK(m.arch.global_attention_every == 4);
  CHECK(m.arch.sliding_window == 8192);
  CHECK_FALSE(is_moe_block(m.arch, 0));
  CHECK(is_moe_block(m.arch, 1));
  CHECK(windowed_block(m.arch, 2));
  CHECK_FALSE(windowed_block(m.arch, 3));
  const LayerGraph g = build_model_graph(m);
  CHECK(g.total_params() == transformer_params(m.arch));
  CHECK(g.total_params() == 400'711'848'960ULL);
  // The multimodal form reads its text_config; no_rope_layers must mark every Nth block.
  const std::string tc =
      "{\"model_type\": \"llama4\", \"text_config\": {\"hidden_size\": 512, \"num_hidden_layers\": 4,\n"
      " \"num_attention_heads\": 8, \"num_key_value_heads\": 2, \"head_dim\": 64, \"intermediate_size\": "
      "256,\n"
      " \"intermediate_size_mlp\": 1024, \"num_local_experts\": 4, \"num_experts_per_tok\": 1,\n"
      " \"max_position_embeddings\": 4096, \"vocab_size\": 1000, \"attention_chunk_size\": 128";
  const ModelSpec mm = frontend::load_hf_config_text(tc + ", \"no_rope_layers\": [1, 1, 1, 0]}}", "l4.json");
  CHECK(mm.arch.global_attention_every == 4);
  CHECK(mm.notes.size() == 1);
  CHECK(hf_error(tc + ", \"no_rope_layers\": [1, 0, 1, 1]}}").key() == "no_rope_layers");
}
