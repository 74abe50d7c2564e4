// Disaggregated serving (src/sim/infer_split.cpp): prefill replicas give each request its first
// token and hand its KV cache to a decode replica; the two pools in one time order, a cache
// waiting on its prefill replica, holding that replica's slot, until a decode replica has a slot
// for it, so a full decode pool holds the prefill pool back. And the request log.
#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "infer_fixtures.hpp"
#include "wafersim/sim/infer.hpp"

using namespace wafersim;
using test::cs3;
using test::has_note;
using test::llama70b;
using test::one_slot_each;
using test::serving;

namespace {
// Llama 3.1 70B on one prefill and one decode replica of 8 CS-3s, 2k-token prompts and 512-token
// answers at `rate` per second, up to `batch` decoding at once.
InferOptions split(double rate, int batch) {
  InferOptions o;
  o.systems = 8;
  o.batch = batch;
  o.prompt = 2048;
  o.generate = 512;
  o.arrival_rate = rate;
  o.requests = 200;
  o.prefill_replicas = 1;
  return o;
}
}  // namespace

TEST_CASE("serving: a full decode pool holds the prefill pool back", "[sim][infer][serve]") {
  // 16 requests/s of 512 tokens need ~9 decoding at once; 4 decode slots saturate. The caches
  // wait on the prefill replica, whose 4 slots they fill, so the prompts queue before their
  // prefill: the wait shows in the time to first token, not between tokens.
  const ServingStats roomy = infer(cs3(), llama70b(), split(16, 32)).serving;
  const ServingStats full = infer(cs3(), llama70b(), split(16, 4)).serving;
  CHECK(roomy.kv_transfer_max_s < 0.01);  // no cache waits
  CHECK(full.kv_transfer_mean_s > 0.1);   // every cache waits for a decode slot
  CHECK(full.ttft_p50_s > 50 * roomy.ttft_p50_s);
  CHECK(full.tpot_p99_s < 3 * roomy.tpot_p99_s);  // a decode replica runs at most its 4
  CHECK(full.mean_batch <= 4);
  CHECK(full.tokens_per_s < 0.8 * roomy.tokens_per_s);
  CHECK(full.latency_p99_s > 10 * roomy.latency_p99_s);
  // Below saturation the two pools do not touch: the same run with 32 or 64 slots.
  const ServingStats roomier = infer(cs3(), llama70b(), split(16, 64)).serving;
  CHECK(roomier.ttft_p99_s == roomy.ttft_p99_s);
  CHECK(roomier.kv_transfer_mean_s == roomy.kv_transfer_mean_s);
}

TEST_CASE("serving: the pools' routings hold the caches alike when every decode slot is taken",
          "[sim][infer][serve]") {
  // Two decode replicas of 4 slots: however requests are routed, a cache leaves only for a free
  // slot, so no decode replica ever runs more than 4 and every request is served once.
  for (const Routing r : {Routing::round_robin, Routing::least_outstanding, Routing::shared_queue}) {
    InferOptions o = split(24, 4);
    o.replicas = 2;
    o.routing = r;
    const ServingStats v = infer(cs3(), llama70b(), o).serving;
    CHECK(v.mean_batch <= 4);
    CHECK(v.replica_requests[0] + v.replica_requests[1] == 200);
    CHECK(v.prefill_replica_requests[0] == 200);
    CHECK(v.kv_transfer_mean_s > 0.1);
  }
}

TEST_CASE("serving: the request log has every request, its times and where it ran", "[sim][infer][serve]") {
  InferOptions o = split(16, 4);
  o.requests = 60;
  o.generate = 3;
  o.generate_min = 1;  // a third want one token: they never reach a decode replica
  o.request_log = true;
  const ServingStats v = infer(cs3(), llama70b(), o).serving;
  REQUIRE(v.request_log.size() == 60);
  std::vector<double> ttft;
  int one_token = 0;
  for (const RequestRecord& r : v.request_log) {
    CHECK(r.first_token_s >= r.arrival_s);
    CHECK(r.done_s >= r.first_token_s);
    CHECK(r.prefill_replica == 0);
    if (r.generate == 1) {
      ++one_token;
      CHECK(r.replica == -1);
      CHECK(r.kv_arrival_s < 0);
      CHECK(r.done_s == r.first_token_s);
    } else {
      CHECK(r.replica == 0);
      CHECK(r.kv_arrival_s > r.first_token_s);
      CHECK(r.done_s > r.kv_arrival_s);
    }
    ttft.push_back(r.first_token_s - r.arrival_s);
  }
  CHECK(one_token > 0);
  std::sort(ttft.begin(), ttft.end());
  CHECK(ttft.back() >= v.ttft_p99_s);
  CHECK(ttft[29] == v.ttft_p50_s);  // nearest rank: the 30th of 60
  // Colocated replicas: no prefill replica, no transfer; each request on one of the two.
  InferOptions c = split(8, 16);
  c.prefill_replicas = 0;
  c.replicas = 2;
  c.requests = 40;
  c.request_log = true;
  const ServingStats w = infer(cs3(), llama70b(), c).serving;
  REQUIRE(w.request_log.size() == 40);
  int on_second = 0;
  for (const RequestRecord& r : w.request_log) {
    CHECK(r.prefill_replica == -1);
    CHECK(r.kv_arrival_s < 0);
    CHECK((r.replica == 0 || r.replica == 1));
    on_second += r.replica;
  }
  CHECK(on_second == 20);  // round robin
  c.request_log = false;
  CHECK(infer(cs3(), llama70b(), c).serving.request_log.empty());
  InferOptions bare;
  bare.request_log = true;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), bare), Catch::Contains("--request-log needs --arrival-rate"));
}

TEST_CASE("serving: a KV cache crosses when its decode slot frees, and holds its prefill slot until it has",
          "[sim][infer][serve]") {
  // One prefill and one decode replica, one slot each; two requests at once. The first is
  // prefilled (P), its cache crosses (X) and frees the prefill slot, so the second's prefill
  // starts only then: its first token at 2P + X. Its cache then waits on the prefill side until
  // the first request's last token frees the decode slot, and crosses: the decode pool holds the
  // prefill pool back. Round robin and the shared queue wait alike with one decode replica.
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "two.csv";
  trace->requests = {{0.0, 1000, 50, 2}, {0.0, 1000, 50, 3}};
  InferOptions o = one_slot_each(trace, 1);
  o.prefill_replicas = 1;
  const InferStats st = infer(cs3(), llama70b(), o);
  const ServingStats& rr = st.serving;
  o.routing = Routing::shared_queue;
  const ServingStats sq = infer(cs3(), llama70b(), o).serving;
  const double x = 1000 * st.kv_bytes_per_token / (cs3().io.total().value / 8 * 4) + cs3().io.latency.value;
  const double p = rr.ttft_p50_s;  // the first request's: a lone prefill
  CHECK(rr.ttft_p99_s == Approx(2 * p + x).epsilon(1e-12));
  // The first request decodes from P + X for D = its latency - P - X; the second's cache leaves at
  // the end of that and arrives X later.
  const double first_done = rr.latency_p50_s;
  CHECK(rr.kv_transfer_max_s == Approx(first_done + x - (2 * p + x)).epsilon(1e-9));
  CHECK(rr.kv_transfer_max_s > 10 * x);
  CHECK(sq.ttft_p99_s == rr.ttft_p99_s);
  CHECK(sq.latency_p99_s == Approx(rr.latency_p99_s).epsilon(1e-12));
  CHECK(rr.max_queue == 2);  // both came to the prefill replica at once
  CHECK(sq.max_queue == 1);  // the second waited in the shared queues
}

TEST_CASE("serving: prefill replicas may run their prompts in chunks", "[sim][infer][serve]") {
  // A lone request: its first token on a prefill replica in chunks comes when a colocated replica
  // running the same chunks gives it (the same iterations: no decodes beside it either way), and
  // then its KV cache crosses and a decode replica decodes the rest.
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "one.csv";
  trace->requests = {{0.0, 2000, 50, 2}};
  InferOptions o = one_slot_each(trace, 1);
  o.prefill_chunk = 512;
  const ServingStats together = infer(cs3(), llama70b(), o).serving;
  o.prefill_replicas = 1;
  const ServingStats split = infer(cs3(), llama70b(), o).serving;
  CHECK(split.prefill_chunk == 512);
  CHECK(split.ttft_p50_s == together.ttft_p50_s);
  CHECK(split.prefill_replica_requests == std::vector<int>{1});
  CHECK(split.replica_requests == std::vector<int>{1});
  CHECK(split.kv_transfer_max_s > 0);
  CHECK(split.latency_p99_s > together.latency_p99_s);  // the transfer comes between
  // Whole prompts on the prefill replica: one trip through the layers, not four.
  o.prefill_chunk = 0;
  CHECK(infer(cs3(), llama70b(), o).serving.ttft_p50_s < split.ttft_p50_s);
  // Many requests: every one prefilled once and decoded to its end.
  InferOptions many = serving(6, 8, 120);
  many.prefill_replicas = 1;
  many.prefill_chunk = 256;
  const ServingStats v = infer(cs3(), llama70b(), many).serving;
  CHECK(v.prefill_replica_requests == std::vector<int>{120});
  CHECK(v.replica_requests == std::vector<int>{120});
  CHECK(v.tokens_per_s > 0);
}

TEST_CASE("serving: the prefill pool has its own batch", "[sim][infer][serve]") {
  // Two prompts at once on a prefill replica that runs one at a time: the first's first token
  // comes when a lone request's does, the second's after it; run together, both come later.
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "two-at-once.csv";
  trace->requests = {{0.0, 2000, 20, 2}, {0.0, 2000, 20, 3}};
  InferOptions o = one_slot_each(trace, 1);
  o.batch = 2;
  o.prefill_replicas = 1;
  o.prefill_batch = 1;
  const ServingStats one_at_a_time = infer(cs3(), llama70b(), o).serving;
  CHECK(one_at_a_time.prefill_batch == 1);
  o.prefill_batch = 0;  // --batch: both together
  const ServingStats together = infer(cs3(), llama70b(), o).serving;
  CHECK(together.prefill_batch == 2);
  auto lone = std::make_shared<RequestTrace>(*trace);
  lone->requests.resize(1);
  InferOptions l = one_slot_each(lone, 1);
  l.prefill_replicas = 1;
  const ServingStats alone = infer(cs3(), llama70b(), l).serving;
  CHECK(one_at_a_time.ttft_p50_s == alone.ttft_p50_s);  // nearest rank: the first of two
  CHECK(one_at_a_time.ttft_p99_s > alone.ttft_p99_s);   // the second waited for it
  CHECK(together.ttft_p50_s > alone.ttft_p50_s);        // a batch of two takes longer to first token
  CHECK(together.ttft_p50_s == together.ttft_p99_s);    // and gives both at once
  // Errors: negative, or without prefill replicas.
  o.prefill_batch = -1;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--prefill-batch -1"));
  o.prefill_batch = 4;
  o.prefill_replicas = 0;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--prefill-batch needs --prefill-replicas"));
}

TEST_CASE("serving: disaggregated prefill hands each request's KV cache to a decode replica",
          "[sim][infer][serve]") {
  // One request alone: its first token is the prefill replica's TTFT, its KV cache then crosses
  // the I/O of the side with fewer systems, and the decode replica decodes the rest.
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "one.csv";
  trace->requests = {{0.0, 2000, 50, 2}};
  InferOptions o = serving(0, 4);
  o.requests = 0;
  o.prompt = o.generate = 0;
  o.trace = trace;
  o.prefill_replicas = 1;
  o.prefill_systems = 8;
  const InferStats st = infer(cs3(), llama70b(), o);
  const ServingStats& v = st.serving;
  CHECK(v.prefill_replicas == 1);
  CHECK(v.prefill_systems == 8);
  CHECK(v.prefill_replica_requests == std::vector<int>{1});
  CHECK(v.replica_requests == std::vector<int>{1});
  InferOptions alone = serving(0, 1);
  alone.requests = 0;
  alone.prompt = 2000;
  alone.generate = 50;
  alone.systems = 8;
  CHECK(v.ttft_p50_s == Approx(infer(cs3(), llama70b(), alone).ttft_s).epsilon(1e-12));
  const double link = cs3().io.total().value / 8 * 4;  // the decode side's 4 systems
  const double xfer = 2000 * st.kv_bytes_per_token / link + cs3().io.latency.value;
  CHECK(v.kv_transfer_mean_s == Approx(xfer).epsilon(1e-12));
  CHECK(v.kv_transfer_max_s == Approx(xfer).epsilon(1e-12));
  // The longest gap between tokens is the hand-over: the transfer, then the first decode round.
  CHECK(v.tbt_max_s > xfer);
  CHECK(v.tbt_max_s < xfer + 2 * v.tbt_p50_s);
  CHECK(v.prefill_fraction > 0);
  CHECK(v.prefill_replica_busy.size() == 1);
}

TEST_CASE("serving: disaggregated prefill takes prefill stalls out of the decodes", "[sim][infer][serve]") {
  // 8k-token prompts on 8 systems, 4 requests/s: a colocated replica stalls its decodes for each
  // prefill; with the prompts on a prefill replica the decode replica's gaps are rounds and the
  // hand-over, and every request is prefilled once and decoded once.
  InferOptions o = serving(4, 16, 200);
  o.systems = 8;
  o.prompt = 8192;
  const ServingStats together = infer(cs3(), llama70b(), o).serving;
  o.prefill_replicas = 1;
  const InferStats split = infer(cs3(), llama70b(), o);
  const ServingStats& v = split.serving;
  CHECK(v.tbt_max_s < 0.2 * together.tbt_max_s);
  CHECK(v.prefill_replica_requests == std::vector<int>{200});
  CHECK(v.replica_requests == std::vector<int>{200});
  CHECK(v.prefill_systems == 8);
  CHECK(v.tokens_per_s == Approx(together.tokens_per_s).epsilon(0.02));
  // Two prefill replicas of 4 systems, which cannot hold 70B's weights and 16 8k-token KV caches:
  // they stream the weights, and the report says so.
  o.prefill_replicas = 2;
  o.prefill_systems = 4;
  const InferStats small = infer(cs3(), llama70b(), o);
  CHECK(has_note(small, "a prefill replica's 4 system(s) cannot hold the weights resident"));
  CHECK(small.serving.prefill_replica_requests == std::vector<int>{100, 100});
  CHECK(small.serving.kv_transfer_mean_s > v.kv_transfer_mean_s);  // four systems' links, not eight
}

TEST_CASE("serving: the trace has every replica's iterations and every KV cache's crossing",
          "[sim][infer][serve]") {
  InferOptions o = split(16, 4);
  o.requests = 80;
  o.prompt_min = 256;
  o.generate = 64;
  o.generate_min = 1;
  o.request_log = true;
  const InferStats plain = infer(cs3(), llama70b(), o);
  o.trace_rounds = 1;
  const InferStats st = infer(cs3(), llama70b(), o);
  CHECK(st.serving.ttft_p99_s == plain.serving.ttft_p99_s);  // tracing changes nothing
  CHECK(st.serving.latency_p99_s == plain.serving.latency_p99_s);
  CHECK(plain.timeline.empty());
  // Every prompt token is prefilled once on the prefill replica, every further token decoded
  // once on the decode replica, every cache that goes on crosses once.
  long long prompt_tokens = 0, decodes = 0, tokens_wanted = 0, prompts_wanted = 0;
  int crossings = 0, moving = 0;
  for (const auto& r : st.serving.request_log) {
    prompts_wanted += r.prompt;
    tokens_wanted += r.generate - 1;
    moving += r.generate > 1 ? 1 : 0;
  }
  for (const auto& e : st.timeline.events()) {
    if (e.kind != TimelineEvent::Kind::slice) continue;
    if (e.category == "kv") ++crossings;
    if (e.category != "serving") continue;
    CHECK(e.t1 > e.t0);
    for (const auto& a : e.args) {
      if (a.key == "prompt_tokens") prompt_tokens += std::get<long long>(a.value);
      if (a.key == "decodes") decodes += std::get<long long>(a.value);
    }
  }
  CHECK(prompt_tokens == prompts_wanted);
  CHECK(decodes == tokens_wanted);
  CHECK(crossings == moving);
  CHECK_FALSE(has_note(st, "the serving timeline holds"));
}

TEST_CASE("serving: a long run's trace keeps its first iterations and says so", "[sim][infer][serve]") {
  InferOptions o = serving(20, 1, 600);
  o.generate = 400;
  o.trace_rounds = 1;
  const InferStats st = infer(cs3(), llama70b(), o);
  std::size_t slices = 0;
  for (const auto& e : st.timeline.events())
    if (e.kind == TimelineEvent::Kind::slice && e.category == "serving") ++slices;
  CHECK(slices == 200000);
  CHECK(has_note(st, "the serving timeline holds the run's first 200000 iterations"));
}
