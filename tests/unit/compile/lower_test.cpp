// Attention tiled over the sequence (lower.hpp, attention_tiling): what it conserves, what it
// bounds and what it charges.
#include "wafersim/compile/lower.hpp"

#include <catch2/catch.hpp>

#include "test_specs.hpp"

using namespace wafersim;

namespace {
TransformerSpec llama_like(int window = 0) {
  TransformerSpec a;
  a.name = "llama-like";
  a.layers = 2;
  a.hidden = 1024;
  a.heads = 8;
  a.kv_heads = 2;
  a.ffn = 2816;
  a.vocab = 32000;
  a.max_seq = 131072;
  a.position = PositionEmbedding::rotary;
  a.norm = NormKind::rmsnorm;
  a.activation = ActivationKind::swiglu;
  a.bias = false;
  a.sliding_window = window;
  return a;
}

const Op& find(const LayerGraph& g, OpKind kind) {
  for (const auto& group : g.groups())
    for (OpId id : group.ops)
      if (g.op(id).kind == kind) return g.op(id);
  FAIL("no op of that kind");
  throw;
}

LayerGroup first_block(const LayerGraph& g) { return g.groups().at(1); }

double kernel_fmacs(const std::vector<Kernel>& ks) {
  double f = 0;
  for (const auto& k : ks) f += k.cost.fmacs;
  return f;
}
}  // namespace

TEST_CASE("sequences up to one attention block are not tiled", "[compile]") {
  const LayerGraph g = build_transformer_graph(llama_like(), 2048);
  const AttentionTiling t = attention_tiling(find(g, OpKind::attn_scores), 2048);
  CHECK(t.blocks == 1);
  CHECK(t.waves == 1);
  CHECK(sequence_chunks(g, 2048) == 1);
  // The same kernels whatever the block, once the sequence fits in one.
  SystemSpec a = test::small_spec(64, 64), b = a;
  a.map.attention_block = 2048;
  b.map.attention_block = 65536;
  TrainingSpec tr;
  const auto la = lower_layers(g, KernelCostModel(a, DType::fp16), tr, 1, 64, 64);
  const auto lb = lower_layers(g, KernelCostModel(b, DType::fp16), tr, 1, 64, 64);
  REQUIRE(la.size() == lb.size());
  for (std::size_t i = 0; i < la.size(); ++i) {
    CHECK(la[i].fwd_total.cycles == lb[i].fwd_total.cycles);
    CHECK(la[i].bwd_total.cycles == lb[i].bwd_total.cycles);
    CHECK(la[i].working_bytes_per_sample == lb[i].working_bytes_per_sample);
  }
}

TEST_CASE("tiled attention computes the same FMACs in blocks x blocks waves", "[compile]") {
  const LayerGraph g = build_transformer_graph(llama_like(), 8192);
  for (OpKind kind : {OpKind::attn_scores, OpKind::attn_context}) {
    const Op& op = find(g, kind);
    const AttentionTiling t = attention_tiling(op, 2048);
    CHECK(t.blocks == 4);
    CHECK(t.block == 2048);
    CHECK(t.waves == 16);
    CHECK(attention_wave_shape(op, t).fmacs() * t.waves == Approx(op.gemm.fmacs()));
  }
  // Forward FMACs of the whole layer are those of the graph; the backward adds the scores
  // recomputed per wave (one more forward of the scores GEMM), not only the checkpoint's.
  const SystemSpec spec = test::small_spec(64, 64);
  TrainingSpec tr;
  const auto layers = lower_layers(g, KernelCostModel(spec, DType::fp16), tr, 1, 64, 64);
  double graph_fwd = 0;
  for (OpId id : first_block(g).ops) graph_fwd += g.op(id).fwd_fmacs;
  CHECK(kernel_fmacs(layers.at(1).forward) == Approx(graph_fwd));
  const Op& sc = find(g, OpKind::attn_scores);
  TrainingSpec untiled_tr;
  SystemSpec untiled = spec;
  untiled.map.attention_block = 1 << 20;
  const auto plain = lower_layers(g, KernelCostModel(untiled, DType::fp16), untiled_tr, 1, 64, 64);
  CHECK(kernel_fmacs(layers.at(1).backward) - kernel_fmacs(plain.at(1).backward) == Approx(sc.fwd_fmacs));
}

TEST_CASE("the tiled working set grows linearly with the sequence, not with its square", "[compile]") {
  const int block = 2048;
  auto per_token = [&](int seq) {
    const LayerGraph g = build_transformer_graph(llama_like(), seq);
    return working_elems_per_sample(g, first_block(g), block) / seq;
  };
  const double at8k = per_token(8192), at128k = per_token(131072);
  // Untiled, the score matrices alone would be heads x seq per token: 16x more at 128k.
  CHECK(at128k <= 1.05 * at8k);
  const LayerGraph g = build_transformer_graph(llama_like(), 131072);
  const double untiled = working_elems_per_sample(g, first_block(g), 1 << 20);
  CHECK(untiled > 50 * working_elems_per_sample(g, first_block(g), block));
}

TEST_CASE("a sliding window scores only its keys and skips the key blocks outside it", "[compile]") {
  const LayerGraph full = build_transformer_graph(llama_like(), 32768);
  const LayerGraph windowed = build_transformer_graph(llama_like(4096), 32768);
  const Op& f = find(full, OpKind::attn_scores);
  const Op& w = find(windowed, OpKind::attn_scores);
  CHECK(w.gemm.fmacs() == Approx(f.gemm.fmacs() / 8));  // 4096 of 32768 keys
  const AttentionTiling t = attention_tiling(w, 2048);
  CHECK(t.blocks == 16);
  CHECK(t.key_blocks == 3);  // a 4096-key window of a 2048-query block overlaps 3 key blocks
  CHECK(t.waves == 48);
  CHECK(attention_tiling(f, 2048).waves == 256);
  // A window longer than the sequence changes nothing.
  const LayerGraph wide = build_transformer_graph(llama_like(65536), 32768);
  CHECK(find(wide, OpKind::attn_scores).gemm.fmacs() == Approx(f.gemm.fmacs()));
}
