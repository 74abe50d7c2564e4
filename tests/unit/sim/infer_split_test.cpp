// Disaggregated serving's two pools in one time order (src/sim/infer_split.cpp): a KV cache
// waits on its prefill replica, holding that replica's slot, until a decode replica has a slot
// for it, so a full decode pool holds the prefill pool back.
#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "infer_fixtures.hpp"
#include "wafersim/sim/infer.hpp"

using namespace wafersim;
using test::cs3;
using test::llama70b;

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
