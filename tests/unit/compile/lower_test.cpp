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

namespace {
const Op& named(const LayerGraph& g, const std::string& name) {
  for (OpId id = 0; id < g.num_ops(); ++id)
    if (g.op(id).name == name) return g.op(id);
  FAIL("no op " << name);
  throw;
}
}  // namespace

TEST_CASE("routed experts: weight streaming runs one GEMM per expert, resident ones as one",
          "[compile][moe]") {
  TransformerSpec a = llama_like();
  a.experts = 8;
  a.experts_per_token = 2;
  const int seq = 2048;
  const LayerGraph g = build_transformer_graph(a, seq);
  const Op& fc1 = named(g, "block0.moe.fc1");
  // Streamed: 8 GEMMs side by side, each an expert's share of every sample's routed tokens.
  const GemmCall ws = gemm_call(fc1, 4, ExecMode::weight_streaming);
  CHECK(ws.mapping == GemmMapping::batched);
  CHECK(ws.shape.count == 8);
  CHECK(ws.shape.m == 4.0 * seq * 2 / 8);
  CHECK(ws.samples == 1);
  CHECK(ws.shape.fmacs() * ws.samples == Approx(4 * fc1.fwd_fmacs));
  // Resident (pipelined, inference): every expert spread over the region, a routed token at a time.
  const GemmCall pl = gemm_call(fc1, 4, ExecMode::pipelined);
  CHECK(pl.mapping == GemmMapping::weight_stationary);
  CHECK(pl.shape.m == 2.0 * seq);
  CHECK(pl.samples == 4);
  // Dense GEMMs are unchanged.
  const Op& qkv = named(g, "block0.attn.qkv");
  CHECK(gemm_call(qkv, 4, ExecMode::weight_streaming).shape.count == 1);
  CHECK(gemm_call(qkv, 4, ExecMode::weight_streaming).samples == 4);

  // Eight weight matrices cost at least what one does for the same work: the experts' tokens
  // are spread thinner, and eight times the weights cross the wafer.
  const SystemSpec spec = test::small_spec(64, 64);
  const KernelCostModel m(spec, DType::fp16);
  Op dense = fc1;
  dense.experts = dense.experts_per_token = 0;
  for (const double samples : {1.0, 16.0}) {
    INFO(samples);
    const GemmCall d = gemm_call(dense, samples, ExecMode::weight_streaming);
    const GemmCall e = gemm_call(fc1, samples, ExecMode::weight_streaming);
    const KernelCost cd = m.gemm(d.shape, d.samples, 64, 64, GemmPass::forward, d.mapping);
    const KernelCost ce = m.gemm(e.shape, e.samples, 64, 64, GemmPass::forward, e.mapping);
    CHECK(ce.fmacs == Approx(cd.fmacs));
    CHECK(ce.cycles >= cd.cycles * 0.999);
  }

  // Decode: a request's token runs its two experts' GEMVs.
  const DecodeKernel dk = decode_kernel(fc1, 3, seq, seq);
  CHECK(dk.gemm);
  CHECK(dk.samples == 6);
  CHECK(dk.shape.m == 1);
  CHECK(decode_kernel(qkv, 3, seq, seq).samples == 3);
}

TEST_CASE("an expert cost model times the routed experts and leaves every other op alone", "[compile][moe]") {
  // Inference's prefill with --expert-bits: the experts stored in 4 bits are widened before
  // their FMACs (KernelCostModel::set_stationary_bits), the attention and the router are not.
  TransformerSpec a = llama_like();
  a.experts = 8;
  a.experts_per_token = 2;
  const LayerGraph g = build_transformer_graph(a, 512);
  const SystemSpec spec = test::small_spec(64, 64);
  const KernelCostModel m(spec, DType::fp16);
  KernelCostModel narrow(spec, DType::fp16);
  narrow.set_stationary_bits(4);
  const LayerGroup block = first_block(g);
  const CompiledLayer plain = lower_layer(g, block, m, TrainingSpec{}, 2, 64, 64, ExecMode::pipelined);
  const CompiledLayer same = lower_layer(g, block, m, TrainingSpec{}, 2, 64, 64, ExecMode::pipelined, &m);
  const CompiledLayer experts4 =
      lower_layer(g, block, m, TrainingSpec{}, 2, 64, 64, ExecMode::pipelined, &narrow);
  REQUIRE(plain.forward.size() == experts4.forward.size());
  CHECK(same.fwd_total.cycles == plain.fwd_total.cycles);
  int routed = 0;
  for (std::size_t i = 0; i < plain.forward.size(); ++i) {
    INFO(plain.forward[i].name);
    const bool expert = named(g, plain.forward[i].name).experts > 0;
    routed += expert ? 1 : 0;
    if (expert && plain.forward[i].cost.fmacs > 0) {
      CHECK(experts4.forward[i].cost.cycles > plain.forward[i].cost.cycles);
      CHECK(experts4.forward[i].cost.elem_ops > plain.forward[i].cost.elem_ops);
    } else {
      CHECK(experts4.forward[i].cost.cycles == plain.forward[i].cost.cycles);
    }
  }
  CHECK(routed >= 2);
  CHECK(experts4.fwd_total.cycles > plain.fwd_total.cycles);
}

TEST_CASE("tiled cross-attention meets every key block of the longer source", "[compile][encdec]") {
  // An encoder-decoder with 8192 source and 4096 target tokens: the cross-attention's 4096
  // queries are 2 blocks of 2048, its 8192 keys 4 blocks: 8 waves, the whole product.
  TransformerSpec a;
  a.name = "encdec";
  a.arch = Arch::encoder_decoder;
  a.layers = a.decoder_layers = 1;
  a.hidden = 256;
  a.heads = 4;
  a.ffn = 512;
  a.vocab = 1000;
  a.max_seq = 8192;
  a.decoder_seq = 4096;
  a.position = PositionEmbedding::relative;
  const LayerGraph g = build_transformer_graph(a, 8192);
  int found = 0;
  for (OpId id = 0; id < g.num_ops(); ++id) {
    const Op& op = g.op(id);
    if (op.name != "decoder0.cross.scores" && op.name != "decoder0.cross.context") continue;
    ++found;
    const AttentionTiling t = attention_tiling(op, 2048);
    CHECK(t.blocks == 2);
    CHECK(t.key_blocks == 4);
    CHECK(t.waves == 8);
    CHECK(attention_wave_shape(op, t).fmacs() * t.waves == Approx(op.gemm.fmacs()));
  }
  CHECK(found == 2);
}
