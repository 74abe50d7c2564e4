// Inference placement and timing (src/sim/infer.cpp): regions inside the grid and disjoint,
// bytes per tile within capacity, the pipeline over systems, the MemoryX fallback, errors,
// and the direction every knob moves the result.
#include "wafersim/sim/infer.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "infer_fixtures.hpp"
#include "test_models.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/tile/tile_array.hpp"

using namespace wafersim;
using test::cs3;

namespace {

// A Llama-style decoder: GQA, RMSNorm, SwiGLU, rotary, untied head.
ModelSpec llama_like(int layers, int hidden, int heads, int kv_heads, int ffn) {
  return test::llama_style("llama-like", layers, hidden, heads, kv_heads, ffn);
}

InferOptions opts(int systems, int batch = 1, int prompt = 1024, int generate = 256) {
  InferOptions o;
  o.systems = systems;
  o.batch = batch;
  o.prompt = prompt;
  o.generate = generate;
  return o;
}

}  // namespace

TEST_CASE("resident placement: regions inside the usable grid, disjoint, within SRAM", "[sim][infer]") {
  const ModelSpec m = llama_like(32, 4096, 32, 8, 14336);  // ~7B
  const InferStats st = infer(cs3(), m, opts(1, 4));
  REQUIRE(st.placement == "sram");
  REQUIRE(st.layers.size() == 34u);  // embedding, 32 blocks, head
  const Rect u = cs3().wafer.usable;
  const double cap = TileArray::from_spec(cs3()).capacity();
  long long area = 0;
  for (std::size_t i = 0; i < st.layers.size(); ++i) {
    const auto& a = st.layers[i];
    INFO(a.name);
    CHECK(a.x >= u.x);
    CHECK(a.y >= u.y);
    CHECK(a.x + a.w <= u.x + u.w);
    CHECK(a.y + a.h <= u.y + u.h);
    CHECK(a.sram_per_tile <= cap);
    CHECK(a.decode_s > 0);
    CHECK(a.prefill_s >= 0);
    area += static_cast<long long>(a.w) * a.h;
    for (std::size_t j = i + 1; j < st.layers.size(); ++j) {
      const auto& b = st.layers[j];
      const bool apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      CHECK(apart);
    }
  }
  CHECK(area <= u.area());
  CHECK(st.ttft_s > 0);
  CHECK(st.tpot_s > 0);
  CHECK(st.tokens_per_s == Approx(4 * st.tokens_per_s_per_user));
  CHECK(st.request_s == Approx(st.ttft_s + 255 * st.tpot_s));
  CHECK(st.kv_bytes ==
        Approx(4.0 * 1280 * 32 * 2 * 8 * 128 * 2));  // batch x context x layers x K,V x kv heads x dim x 2 B
}

TEST_CASE("compact layout: more systems than the weights need never decode slower than filling them",
          "[sim][infer]") {
  const ModelSpec m = llama_like(32, 4096, 32, 8, 14336);  // ~7B: 15 GB of a 44 GB CS-3
  const Rect u = cs3().wafer.usable;
  const double cap = TileArray::from_spec(cs3()).capacity();
  double one_system = 0;
  for (const int n : {1, 2, 8, 24}) {
    INFO(n << " systems");
    InferOptions fill = opts(n);
    fill.layout = InferLayout::fill;
    const InferStats c = infer(cs3(), m, opts(n));
    const InferStats f = infer(cs3(), m, fill);
    CHECK(c.layout == "compact");
    CHECK(f.layout == "fill");
    // The compact search includes every layout fill has: never slower to decode.
    CHECK(c.tpot_s <= f.tpot_s * (1 + 1e-12));
    if (n == 1) one_system = c.tokens_per_s_per_user;
    for (const auto& L : c.layers) {  // inside the wafer, each region within its SRAM
      CHECK(L.x + L.w <= u.x + u.w);
      CHECK(L.y + L.h <= u.y + u.h);
      CHECK(L.sram_per_tile <= cap);
    }
  }
  // On 24 systems (two blocks each) spread layers decode at half the speed; compact ones lose to
  // one system only the links between the systems (and leave most PEs idle, which a note says).
  InferOptions fill = opts(24);
  fill.layout = InferLayout::fill;
  const InferStats c = infer(cs3(), m, opts(24)), f = infer(cs3(), m, fill);
  CHECK(c.tokens_per_s_per_user > 1.5 * f.tokens_per_s_per_user);
  CHECK(c.tokens_per_s_per_user > 0.8 * one_system);
  CHECK(c.ttft_s > f.ttft_s);  // fewer PEs for the prompt's GEMMs
  const auto has_note = [](const InferStats& st) {
    for (const auto& n : st.notes)
      if (n.find("decode fastest on part of their wafer") != std::string::npos) return true;
    return false;
  };
  CHECK(has_note(c));
  CHECK_FALSE(has_note(f));
  long long tiles = 0;
  for (const auto& p : c.per_system) tiles += p.tiles;
  CHECK(tiles < u.area() * static_cast<long long>(c.per_system.size()) / 2);
}

TEST_CASE("narrower weights and KV cache: less SRAM, fewer systems, a widening op per value read",
          "[sim][infer]") {
  const ModelSpec m = llama_like(80, 8192, 64, 8, 28672);  // ~70B: 140 GB of 16-bit weights
  const InferStats w16 = infer(cs3(), m, opts(4));
  InferOptions o8 = opts(4);
  o8.weight_bits = 8;
  const InferStats w8 = infer(cs3(), m, o8);
  CHECK(w16.weight_bits == 16);
  CHECK(w8.weight_bits == 8);
  CHECK(w8.kv_bits == 16);
  CHECK(w8.weight_bytes == Approx(w16.weight_bytes / 2));
  CHECK(w8.kv_bytes == Approx(w16.kv_bytes));
  CHECK(w8.min_systems < w16.min_systems);
  // On the same four wafers each weight read costs a widening op: decode is slower per token.
  CHECK(w8.decode_compute_s > w16.decode_compute_s);
  // Two systems hold the 8-bit weights, not the 16-bit ones.
  InferOptions two = opts(2);
  CHECK(infer(cs3(), m, two).placement == "memoryx");
  two.weight_bits = 8;
  CHECK(infer(cs3(), m, two).placement == "sram");
  // A narrower KV cache: half the bytes per token, a longer context fits.
  InferOptions kv8 = opts(4, 8);
  kv8.kv_bits = 8;
  const InferStats k8 = infer(cs3(), m, kv8), k16 = infer(cs3(), m, opts(4, 8));
  CHECK(k8.kv_bytes_per_token == Approx(k16.kv_bytes_per_token / 2));
  CHECK(k8.max_context > k16.max_context);
  bool noted = false;
  for (const auto& n : w8.notes) noted = noted || n.find("weights stored in 8 bits") != std::string::npos;
  CHECK(noted);
  // Out of range, or with the 16-bit cycle-level cross-check: errors naming the option.
  for (const double bits : {0.5, 17.0, -8.0}) {
    InferOptions bad = opts(4);
    bad.weight_bits = bits;
    CHECK_THROWS_WITH(infer(cs3(), m, bad), Catch::Contains("--weight-bits"));
    bad.weight_bits = 0;
    bad.kv_bits = bits;
    CHECK_THROWS_WITH(infer(cs3(), m, bad), Catch::Contains("--kv-bits"));
  }
  InferOptions cyc = opts(4);
  cyc.weight_bits = 8;
  cyc.fidelity = Fidelity::cycle;
  CHECK_THROWS_WITH(infer(cs3(), m, cyc), Catch::Contains("--fidelity cycle"));
}

TEST_CASE("layers split over systems in order, each system's bytes within its wafer", "[sim][infer]") {
  const ModelSpec m = llama_like(80, 8192, 64, 8, 28672);  // ~70B: 140 GB of weights
  const InferStats one = infer(cs3(), m, opts(1));
  CHECK(one.placement == "memoryx");  // does not fit one wafer: streamed, with a note
  CHECK(one.min_systems == 4);
  REQUIRE_FALSE(one.notes.empty());
  CHECK(one.notes.front().find("--systems 4") != std::string::npos);
  CHECK(one.decode_bottleneck == "memoryx");

  const InferStats four = infer(cs3(), m, opts(4));
  REQUIRE(four.placement == "sram");
  REQUIRE(four.per_system.size() == 4u);
  int next = 0;
  for (const auto& s : four.per_system) {
    CHECK(s.first_layer == next);
    CHECK(s.weight_bytes + s.kv_bytes <= s.capacity_bytes);
    next = s.last_layer + 1;
  }
  CHECK(next == static_cast<int>(four.layers.size()));
  CHECK(four.decode_link_s > 0);  // three boundaries and the token back
  // Resident weights are far faster than streaming them every step.
  CHECK(four.tokens_per_s_per_user > 20 * one.tokens_per_s_per_user);
}

TEST_CASE("what moves the result, and in which direction", "[sim][infer]") {
  const ModelSpec m = llama_like(32, 4096, 32, 8, 14336);
  const InferStats base = infer(cs3(), m, opts(1, 1, 1024, 256));
  // A longer context: more KV cache to read per token, slower decode.
  const InferStats long_ctx = infer(cs3(), m, opts(1, 1, 6000, 256));
  CHECK(long_ctx.tpot_s > base.tpot_s);
  CHECK(long_ctx.ttft_s > base.ttft_s);
  // A bigger batch: more tokens per second in all, fewer per user.
  const InferStats batch = infer(cs3(), m, opts(1, 16));
  CHECK(batch.tokens_per_s > base.tokens_per_s);
  CHECK(batch.tokens_per_s_per_user <= base.tokens_per_s_per_user);
  // A faster clock: faster decode.
  std::vector<Override> ov{{"pe.clock", "1.5 GHz"}};
  const SystemSpec fast = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs3.yaml", ov);
  CHECK(infer(fast, m, opts(1)).tpot_s < base.tpot_s);
  // The longest context that fits shrinks with the batch.
  CHECK(batch.max_context < base.max_context);
  CHECK(base.max_context > 8192);
}

TEST_CASE("prefill: the head scores each prompt's last token only, once", "[sim][infer]") {
  const ModelSpec m = llama_like(8, 2048, 16, 4, 5632);
  // The layers fill the wafer: a compact layout could pick other regions for the two prompts.
  InferOptions short_o = opts(1, 1, 256, 64), long_o = opts(1, 1, 2048, 64);
  short_o.layout = long_o.layout = InferLayout::fill;
  const InferStats short_p = infer(cs3(), m, short_o);
  const InferStats long_p = infer(cs3(), m, long_o);
  const auto layer = [](const InferStats& st, const std::string& name) {
    for (const auto& L : st.layers)
      if (L.name == name) return L;
    FAIL("no layer " << name);
    return st.layers.front();
  };
  // The blocks' prefill grows with the prompt; the head's does not: one token's logits, the
  // same kernels as a decode step of one request.
  CHECK(layer(long_p, "block0").prefill_s > 4 * layer(short_p, "block0").prefill_s);
  // (The regions differ a little: the KV cache of the longer prompt takes SRAM.)
  CHECK(layer(long_p, "head").prefill_s < 1.1 * layer(short_p, "head").prefill_s);
  for (const InferStats* st : {&short_p, &long_p})
    CHECK(layer(*st, "head").prefill_s == Approx(layer(*st, "head").decode_s).epsilon(1e-9));
  // Nor is it a stage every prompt token waits for: TTFT stays below the prompt through the
  // slowest block plus every layer's first token.
  double slowest = 0, first = 0;
  for (const auto& L : long_p.layers)
    if (L.name != "head") {
      slowest = std::max(slowest, L.prefill_s / 2048);
      first += L.prefill_s / 2048;
    }
  CHECK(long_p.ttft_s < 2048 * slowest + first + layer(long_p, "head").prefill_s + 1e-3);
}

TEST_CASE("prefill: a long prompt's first token waits for each kernel's first fill, not every chunk's",
          "[sim][infer]") {
  // Past map.attention_block (2048) the blocks run in chunks and attention in waves, each with
  // its fill; they are in the per-token time. The first token's trip (TTFT less the other
  // tokens at the slowest stage) stays that of a prompt of one chunk.
  const ModelSpec m = llama_like(8, 2048, 16, 4, 5632);
  InferOptions one_chunk = opts(1, 1, 2048, 64), four = opts(1, 1, 8000, 64);
  one_chunk.layout = four.layout = InferLayout::fill;
  const InferStats a = infer(cs3(), m, one_chunk), b = infer(cs3(), m, four);
  REQUIRE(a.prefill_token_s > 0);
  CHECK(b.prefill_token_s > a.prefill_token_s);  // attention over the longer prompt
  const double trip_a = a.ttft_s - 2047 * a.prefill_token_s, trip_b = b.ttft_s - 7999 * b.prefill_token_s;
  CHECK(trip_a > 0);
  CHECK(trip_b < 1.5 * trip_a);
}

TEST_CASE("lengths not given fit the model's context, and the report says so", "[sim][infer]") {
  ModelSpec m = llama_like(4, 1024, 8, 8, 4096);
  m.arch.max_seq = 1024;
  const InferStats st = infer(cs3(), m, opts(1, 1, 0, 0));
  CHECK(st.generate == 256);
  CHECK(st.prompt == 768);
  REQUIRE_FALSE(st.notes.empty());
  CHECK(st.notes.front().find("--prompt 768") != std::string::npos);
}

TEST_CASE("deterministic", "[sim][infer]") {
  const ModelSpec m = llama_like(8, 2048, 16, 4, 5632);
  const InferStats a = infer(cs3(), m, opts(2, 8));
  const InferStats b = infer(cs3(), m, opts(2, 8));
  CHECK(a.tpot_s == b.tpot_s);
  CHECK(a.ttft_s == b.ttft_s);
  CHECK(a.micro_batches == 2);
}

TEST_CASE("bad input: errors that name the option", "[sim][infer]") {
  const ModelSpec m = llama_like(4, 1024, 8, 8, 4096);
  CHECK_THROWS_WITH(infer(cs3(), m, opts(0)), Catch::Contains("--systems 0"));
  CHECK_THROWS_WITH(infer(cs3(), m, opts(1, 0)), Catch::Contains("--batch 0"));
  CHECK_THROWS_WITH(infer(cs3(), m, opts(1, 1, -1)), Catch::Contains("--prompt -1"));
  CHECK_THROWS_WITH(infer(cs3(), m, opts(1, 1, 10, -2)), Catch::Contains("--generate -2"));
  CHECK_THROWS_WITH(infer(cs3(), m, opts(1, 1, 8000, 500)), Catch::Contains("max_seq 8192"));
  InferOptions mb = opts(1, 2);
  mb.micro_batches = 3;
  CHECK_THROWS_AS(infer(cs3(), m, mb), UsageError);
  ModelSpec enc = m;
  enc.arch.arch = Arch::encoder;
  CHECK_THROWS_WITH(infer(cs3(), enc, opts(1)), Catch::Contains("not a decoder"));
  // A KV cache larger than one system's SRAM (with the weights streamed in) is a FitError saying so.
  CHECK_THROWS_WITH(infer(cs3(), llama_like(32, 4096, 32, 32, 11008), opts(1, 512, 4096, 4000)),
                    Catch::Contains("KV cache of the requests one system serves"));
}

TEST_CASE("streamed weights: every serving system runs every layer for its share of the requests",
          "[sim][infer]") {
  const ModelSpec m = llama_like(80, 8192, 64, 8, 28672);  // ~70B: needs 4 CS-3s resident
  const InferStats three = infer(cs3(), m, opts(3, 6));    // 3 systems, 6 requests
  REQUIRE(three.placement == "memoryx");
  REQUIRE(three.per_system.size() == 3u);  // one micro-batch of 2 requests each
  const double area = static_cast<double>(cs3().wafer.usable.area());
  for (std::size_t s = 0; s < 3; ++s) {
    const auto& p = three.per_system[s];
    CHECK(p.index == static_cast<int>(s));
    CHECK(p.first_layer == 0);
    CHECK(p.last_layer + 1 == static_cast<int>(three.layers.size()));
    CHECK(p.kv_bytes == Approx(three.kv_bytes / 3));  // its requests' KV cache, beside its layers
    CHECK(p.tiles == Approx(area));                   // one wafer, every layer in turn
  }
  CHECK(three.tokens_per_s == Approx(6 * three.tokens_per_s_per_user));
  // The weights read once from MemoryX, broadcast through one SwarmX node (fanout 4) to three
  // systems: every system's ports and the node carry them once.
  CHECK(three.energy.events.memoryx_bytes == Approx(three.weight_bytes));
  CHECK(three.energy.events.swarmx_bytes == Approx(3 * three.weight_bytes));
  // One system serving the same six requests takes no less time per round.
  const InferStats one = infer(cs3(), m, opts(1, 6));
  REQUIRE(one.per_system.size() == 1u);
  CHECK(one.per_system.front().kv_bytes == Approx(one.kv_bytes));
  CHECK(one.tpot_s >= three.tpot_s * (1 - 1e-12));
}

TEST_CASE("speculative decoding: the draft resident beside the target, tokens per round from acceptance",
          "[sim][infer]") {
  const ModelSpec target = llama_like(32, 4096, 32, 8, 14336);
  const ModelSpec draft = llama_like(8, 1024, 8, 8, 4096);
  const InferStats plain = infer(cs3(), target, opts(1));
  InferOptions o = opts(1);
  o.draft = draft;
  const InferStats sp = infer(cs3(), target, o);
  CHECK(sp.speculate == 4);  // defaults
  CHECK(sp.acceptance == Approx(0.8));
  CHECK(sp.tokens_per_round == Approx((1 - std::pow(0.8, 5)) / 0.2));
  // The draft's layers follow the target's, and its weights and KV cache are counted.
  CHECK(sp.layers.back().name == "draft.head");
  CHECK(sp.weight_bytes > plain.weight_bytes);
  CHECK(sp.kv_bytes_per_token > plain.kv_bytes_per_token);
  CHECK(sp.tpot_s ==
        Approx((sp.draft_s_per_round + sp.verify_s_per_round) / sp.tokens_per_round).epsilon(0.05));
  // Every draft token accepted: k + 1 tokens per round; none: one (the target's own).
  o.acceptance = 1;
  const InferStats all = infer(cs3(), target, o);
  CHECK(all.tokens_per_round == Approx(5));
  o.acceptance = 0;
  const InferStats none = infer(cs3(), target, o);
  CHECK(none.tokens_per_round == Approx(1));
  CHECK(none.tpot_s > plain.tpot_s);  // drafting for nothing only costs
  CHECK(all.tpot_s < none.tpot_s);
  // The check of k + 1 tokens costs more than one token's step, less than k + 1 steps' latency.
  CHECK(sp.verify_s_per_round > plain.tpot_s);
  // Deterministic, and without a draft nothing changes.
  CHECK(infer(cs3(), target, o).tpot_s == none.tpot_s);
  CHECK(infer(cs3(), target, opts(1)).tpot_s == plain.tpot_s);
}

TEST_CASE("speculative decoding: bad options name themselves", "[sim][infer]") {
  const ModelSpec target = llama_like(4, 1024, 8, 8, 4096);
  InferOptions o = opts(1);
  o.speculate = 3;
  CHECK_THROWS_WITH(infer(cs3(), target, o), Catch::Contains("--draft-model"));
  o = opts(1);
  o.draft = llama_like(2, 512, 8, 8, 2048);
  o.acceptance = 1.5;
  CHECK_THROWS_WITH(infer(cs3(), target, o), Catch::Contains("--acceptance 1.5"));
  o.acceptance = 0.5;
  o.speculate = 100;
  CHECK_THROWS_WITH(infer(cs3(), target, o), Catch::Contains("--speculate 100"));
  o.speculate = 2;
  ModelSpec enc = llama_like(2, 512, 8, 8, 2048);
  enc.arch.arch = Arch::encoder;
  o.draft = enc;
  CHECK_THROWS_WITH(infer(cs3(), target, o), Catch::Contains("not a decoder"));
  // Weights that must stream from MemoryX: not modelled with a draft.
  o.draft = llama_like(2, 512, 8, 8, 2048);
  CHECK_THROWS_WITH(infer(cs3(), llama_like(80, 8192, 64, 8, 28672), o), Catch::Contains("resident"));
}

TEST_CASE("the trace replays the prefill and the first decode rounds, and adds up to the model's times",
          "[sim][infer]") {
  const ModelSpec m = llama_like(32, 4096, 32, 8, 14336);
  InferOptions o = opts(2);
  CHECK(infer(cs3(), m, o).timeline.empty());  // only when asked
  o.trace_rounds = 3;
  const InferStats st = infer(cs3(), m, o);
  double prefill_end = 0, decode_end = 0, first_decode = 1e9;
  int flows = 0, decode_slices = 0;
  for (const auto& e : st.timeline.events()) {
    if (e.kind == TimelineEvent::Kind::flow) ++flows;
    if (e.kind != TimelineEvent::Kind::slice) continue;
    if (e.category == "prefill") prefill_end = std::max(prefill_end, e.t1);
    if (e.category == "decode") {
      ++decode_slices;
      decode_end = std::max(decode_end, e.t1);
      first_decode = std::min(first_decode, e.t0);
    }
  }
  CHECK(decode_slices == 3 * static_cast<int>(st.layers.size()));
  CHECK(first_decode == Approx(st.ttft_s));
  CHECK(prefill_end <= st.ttft_s * (1 + 1e-9));
  CHECK(prefill_end == Approx(st.ttft_s).epsilon(0.01));
  // Three rounds of one token each: the last ends within the third round.
  CHECK(decode_end <= st.ttft_s + 3 * st.tpot_s + 1e-12);
  CHECK(decode_end > st.ttft_s + 2 * st.tpot_s);
  CHECK(flows >= 3 * 2);  // across the boundary and the token back, every round
  // With a draft: draft and check slices.
  o.draft = llama_like(4, 1024, 8, 8, 4096);
  o.trace_rounds = 1;
  int draft = 0, check = 0;
  for (const auto& e : infer(cs3(), m, o).timeline.events()) {
    draft += e.category == "draft" ? 1 : 0;
    check += e.category == "check" ? 1 : 0;
  }
  CHECK(check == 34);     // the target's groups once
  CHECK(draft == 4 * 6);  // the draft's 6 groups, k = 4 times
}

TEST_CASE("synchronous wafer I/O: each system's decode step waits calibration.sync_wafer_io",
          "[sim][infer]") {
  const ModelSpec m = llama_like(32, 4096, 32, 8, 14336);
  SystemSpec spec = cs3();
  spec.calibration.sync_wafer_io = Seconds{300e-6};
  const InferStats a1 = infer(spec, m, opts(1));
  const InferStats a2 = infer(spec, m, opts(2));
  CHECK(a1.wafer_io == "async");
  CHECK(a1.decode_wafer_io_s == 0);  // asynchronous: the value does not apply
  InferOptions o = opts(1);
  o.wafer_io = WaferIo::sync;
  const InferStats s1 = infer(spec, m, o);
  o.systems = 2;
  const InferStats s2 = infer(spec, m, o);
  CHECK(s1.wafer_io == "sync");
  // Once per system per token, and once per system before the first token.
  CHECK(s1.tpot_s == Approx(a1.tpot_s + 300e-6));
  CHECK(s2.tpot_s == Approx(a2.tpot_s + 2 * 300e-6));
  CHECK(s2.decode_wafer_io_s == Approx(600e-6));
  CHECK(s2.ttft_s == Approx(a2.ttft_s + 600e-6));
  CHECK(s1.decode_bottleneck == "wafer-io");  // 300 us exceeds an 8B-class step's kernels and latency
  // Two micro-batches on two systems: each system's share of a round has one wait per micro-batch.
  o.batch = 2;
  const InferStats sb = infer(spec, m, o);
  CHECK(sb.tpot_s >= 2 * 300e-6);
  // Nothing to wait: the same as asynchronous, and the report says the system file has no value.
  SystemSpec zero = spec;
  zero.calibration.sync_wafer_io = Seconds{0};
  o = opts(1);
  o.wafer_io = WaferIo::sync;
  const InferStats z = infer(zero, m, o);
  CHECK(z.tpot_s == a1.tpot_s);
  bool noted = false;
  for (const auto& n : z.notes) noted = noted || n.find("costs nothing") != std::string::npos;
  CHECK(noted);
  // With a draft on the same system: the draft's k steps and the check each wait once.
  o.draft = llama_like(4, 1024, 8, 8, 4096);
  o.speculate = 3;
  o.acceptance = 0.5;
  InferOptions oa = o;
  oa.wafer_io = WaferIo::async;
  const InferStats ds = infer(spec, m, o);
  const InferStats da = infer(spec, m, oa);
  CHECK(ds.draft_s_per_round == Approx(da.draft_s_per_round + 3 * 300e-6));
  CHECK(ds.verify_s_per_round == Approx(da.verify_s_per_round + 300e-6));
  CHECK(ds.tpot_s == Approx(da.tpot_s + 4 * 300e-6 / ds.tokens_per_round));
  // The trace shows the waits and still adds up to the round.
  o = opts(2);
  o.wafer_io = WaferIo::sync;
  o.trace_rounds = 2;
  const InferStats tr = infer(spec, m, o);
  int io = 0;
  double decode_end = 0;
  for (const auto& e : tr.timeline.events()) {
    if (e.kind != TimelineEvent::Kind::slice) continue;
    io += e.category == "io" ? 1 : 0;
    if (e.category == "decode") decode_end = std::max(decode_end, e.t1);
  }
  CHECK(io == 2 + 2 * 2);  // the prefill's two systems, then two per round
  CHECK(decode_end <= tr.ttft_s + 2 * tr.tpot_s + 1e-12);
  CHECK(decode_end > tr.ttft_s + tr.tpot_s);
  // Bad values name the option.
  CHECK_THROWS_WITH(parse_wafer_io("maybe"), Catch::Contains("--wafer-io maybe"));
  CHECK_THROWS_WITH(parse_wafer_io("Sync", "wafer_io"), Catch::Contains("wafer_io Sync"));
  CHECK(parse_wafer_io("sync") == WaferIo::sync);
  CHECK(std::string(to_string(WaferIo::async)) == "async");
}

TEST_CASE("a window on every other block: those blocks' KV cache and decode keys stop at it",
          "[sim][infer]") {
  ModelSpec m = llama_like(4, 1024, 8, 2, 2816);
  m.arch.sliding_window = 512;
  m.arch.sliding_window_period = 2;  // blocks 0 and 2 local, 1 and 3 global
  const InferStats st = infer(cs3(), m, opts(1, 2, 3000, 100));
  std::vector<const InferLayer*> blocks;
  for (const auto& l : st.layers)
    if (l.name.rfind("block", 0) == 0) blocks.push_back(&l);
  REQUIRE(blocks.size() == 4);
  const double kv_token = 2.0 * 2 * 128 * 2;  // K and V, 2 heads of 128, bf16
  CHECK(blocks[0]->kv_bytes == Approx(2 * 512 * kv_token));
  CHECK(blocks[1]->kv_bytes == Approx(2 * 3100 * kv_token));
  CHECK(blocks[2]->kv_bytes == blocks[0]->kv_bytes);
  // The local blocks attend to 512 keys, the global ones to ~3050: the global step is longer.
  CHECK(blocks[1]->decode_s > blocks[0]->decode_s);
  // The same window on every block is the old behaviour: all four blocks local.
  m.arch.sliding_window_period = 1;
  const InferStats all = infer(cs3(), m, opts(1, 2, 3000, 100));
  CHECK(all.kv_bytes < st.kv_bytes);
}
