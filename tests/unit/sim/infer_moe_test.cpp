// Inference of a mixture of experts (src/sim/infer.cpp): every expert resident, a token's decode
// step running only the experts it is routed to.
#include <catch2/catch.hpp>

#include "infer_fixtures.hpp"
#include "test_models.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;
using test::cs3;

namespace {
ModelSpec moe_like(int experts, int top_k, int ffn) {
  ModelSpec m = test::llama_style("moe-like", 8, 2048, 16, 4, ffn);
  m.arch.experts = experts;
  m.arch.experts_per_token = top_k;
  return m;
}

InferOptions opts(int batch) {
  InferOptions o;
  o.systems = 1;
  o.batch = batch;
  o.prompt = 512;
  o.generate = 64;
  return o;
}
}  // namespace

TEST_CASE("experts: all resident, a token's kernels those of the experts it uses", "[sim][infer][moe]") {
  const ModelSpec moe = moe_like(8, 2, 5632);
  const ModelSpec active = moe_like(0, 0, 2 * 5632);  // a dense FFN as wide as two experts
  const ModelSpec all = moe_like(0, 0, 8 * 5632);     // as wide as all eight
  // The layers fill the wafer, so that the three models' GEMVs run on the same regions (a
  // compact layout gives each the regions that decode it fastest: a smaller one for fewer
  // weights read).
  InferOptions fill = opts(1);
  fill.layout = InferLayout::fill;
  const InferStats m = infer(cs3(), moe, fill);
  const InferStats a = infer(cs3(), active, fill);
  const InferStats w = infer(cs3(), all, fill);
  REQUIRE(m.placement == "sram");
  // SRAM holds every expert (and each block's 2048 x 8 router).
  CHECK(m.weight_bytes == Approx(w.weight_bytes + 8.0 * 2048 * 8 * 2));
  // A token reads two experts' weights, not eight: its kernels take the time of the dense model
  // of the same work (its GEMVs on the same share of the wafer), far less than the dense model of
  // the same weights. The router, the top-k pick and the weighted sum add a few steps' latency.
  CHECK(m.decode_compute_s < 0.7 * w.decode_compute_s);
  CHECK(m.decode_compute_s == Approx(a.decode_compute_s).epsilon(0.25));
  CHECK(m.decode_fill_s > a.decode_fill_s);
  CHECK(m.tokens_per_s_per_user < a.tokens_per_s_per_user);
  // Compact: a token's two experts decode faster on a smaller region than spread over the
  // wafer (4.4 GB of experts on a 44 GB wafer), and the layout says so.
  const InferStats c = infer(cs3(), moe, opts(1));
  CHECK(c.layout == "compact");
  CHECK(m.layout == "fill");
  CHECK(c.tokens_per_s_per_user > m.tokens_per_s_per_user);
  // With more requests more experts are busy: the step grows with the routed tokens.
  fill.batch = 8;
  const InferStats m8 = infer(cs3(), moe, fill);
  CHECK(m8.tpot_s > m.tpot_s);
  CHECK(m8.tokens_per_s > m.tokens_per_s);
}

TEST_CASE("expert bits: the routed experts stored narrower and the rest at the weights' width",
          "[sim][infer][moe]") {
  const ModelSpec moe = moe_like(8, 2, 5632);
  InferOptions o = opts(1);
  const InferStats w16 = infer(cs3(), moe, o);
  o.expert_bits = 4;
  const InferStats e4 = infer(cs3(), moe, o);
  CHECK(w16.expert_bits == 16);
  CHECK(e4.expert_bits == 4);
  CHECK(e4.weight_bits == 16);
  // Eight experts of 2048 x 5632 x 3 per block, 8 blocks: a quarter of their 16-bit bytes.
  const double experts = 8.0 * 8 * 3 * 2048 * 5632 * 2;
  CHECK(w16.weight_bytes - e4.weight_bytes == Approx(0.75 * experts));
  // --weight-bits sets the experts too unless --expert-bits says otherwise.
  InferOptions w8 = opts(1);
  w8.weight_bits = 8;
  CHECK(infer(cs3(), moe, w8).expert_bits == 8);
  w8.expert_bits = 16;
  const InferStats mixed = infer(cs3(), moe, w8);
  CHECK(mixed.expert_bits == 16);
  CHECK(mixed.weight_bits == 8);
  // A dense model has no experts to report.
  CHECK(infer(cs3(), moe_like(0, 0, 5632), opts(1)).expert_bits == 0);
  bool noted = false;
  for (const auto& n : e4.notes) noted = noted || n.find("the routed experts in 4") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("compact layout: a mixture of experts runs its small ops on a part of its region",
          "[sim][infer][moe]") {
  // 64 experts of 2048 x 5632 x 3 per block: 4.4 GB a block, two blocks a CS-3 on 4 systems, so
  // each block's region is sized by its experts while its attention is 50 MB.
  ModelSpec moe = moe_like(64, 2, 5632);
  InferOptions o = opts(1);
  o.systems = 4;
  const InferStats c = infer(cs3(), moe, o);
  InferOptions f = o;
  f.layout = InferLayout::fill;
  const InferStats w = infer(cs3(), moe, f);
  REQUIRE(c.placement == "sram");
  int split = 0;
  const double cap = 48.0 * 1024 - 4.0 * 1024;  // configs/cs3.yaml: sram less sram_reserved
  const double experts_per_block = 64.0 * 3 * 2048 * 5632 * 2;
  for (const auto& L : c.layers) {
    if (L.dense_w == 0) continue;
    INFO(L.name);
    ++split;
    CHECK(L.dense_w < L.w);
    CHECK(L.dense_h < L.h);
    // The part holds the block's other bytes beside its PEs' share of the experts.
    const double area = static_cast<double>(L.w) * L.h, part = static_cast<double>(L.dense_w) * L.dense_h;
    CHECK((L.weight_bytes + L.kv_bytes - experts_per_block) / part + experts_per_block / area <= cap);
  }
  CHECK(split == 8);  // every block; the embedding and the head have no experts
  bool noted = false;
  for (const auto& n : c.notes) noted = noted || n.find("mixture-of-experts block(s)") != std::string::npos;
  CHECK(noted);
  // --layout fill keeps every op on the whole region, and a dense model is never split.
  for (const auto& L : w.layers) CHECK(L.dense_w == 0);
  for (const auto& L : infer(cs3(), moe_like(0, 0, 5632), o).layers) CHECK(L.dense_w == 0);
  // The split is the decode step's choice: never slower than every op over the region.
  CHECK(c.tpot_s < w.tpot_s);
}
