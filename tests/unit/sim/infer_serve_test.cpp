// The serving simulation of `infer --arrival-rate` (src/sim/infer_serve.cpp): Poisson arrivals,
// iteration-level batching, each round and prefill timed by infer() at its batch.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "infer_fixtures.hpp"
#include "test_models.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;
using test::cs3;
using test::has_note;
using test::llama70b;
using test::one_slot_each;
using test::serving;

TEST_CASE("serving: a light load sees one request's prefill and decode", "[sim][infer][serve]") {
  InferOptions one = serving(0);
  one.batch = 1;
  one.requests = 0;
  const InferStats alone = infer(cs3(), llama70b(), one);
  const InferStats light = infer(cs3(), llama70b(), serving(0.2));
  const ServingStats& v = light.serving;
  REQUIRE(v.simulated);
  CHECK_FALSE(alone.serving.simulated);
  CHECK(v.requests == 300);
  CHECK(v.max_batch == 16);
  // Requests rarely overlap at 0.2/s (each takes ~0.3 s): the median request is alone.
  CHECK(v.ttft_p50_s == Approx(alone.ttft_s).epsilon(1e-9));
  CHECK(v.tpot_p50_s == Approx(alone.tpot_s).epsilon(0.01));
  CHECK(v.mean_batch < 1.2);
  CHECK(v.requests_per_s == Approx(0.2).epsilon(0.2));
  CHECK(v.busy_fraction < 0.15);
  CHECK(v.ttft_p50_s <= v.ttft_p90_s);
  CHECK(v.ttft_p90_s <= v.ttft_p99_s);
  CHECK(v.latency_p50_s >= v.ttft_p50_s + 255 * v.tpot_p50_s * 0.99);
  // Of the busy time, the prompts' share: one request's prefill against its 255 decode rounds.
  CHECK(v.prefill_fraction == Approx(alone.ttft_s / (alone.ttft_s + 255 * alone.tpot_s)).epsilon(0.1));
  CHECK_FALSE(has_note(light, "saturated"));
}

TEST_CASE("serving: more load gives larger batches and longer waits and beyond capacity saturation",
          "[sim][infer][serve]") {
  double previous_p99 = 0, previous_batch = 0;
  for (const double rate : {1.0, 4.0, 8.0, 16.0}) {
    INFO(rate << " requests/s");
    const ServingStats v = infer(cs3(), llama70b(), serving(rate)).serving;
    CHECK(v.ttft_p99_s >= previous_p99);
    CHECK(v.mean_batch >= previous_batch);
    CHECK(v.requests_per_s > 0.85 * rate);  // within capacity: served as offered
    previous_p99 = v.ttft_p99_s;
    previous_batch = v.mean_batch;
  }
  const InferStats over = infer(cs3(), llama70b(), serving(200));
  CHECK(has_note(over, "saturated"));
  CHECK(over.serving.requests_per_s < 100);
  CHECK(over.serving.max_queue > 100);
  CHECK(over.serving.mean_batch > 14);
  CHECK(over.serving.busy_fraction > 0.99);
}

TEST_CASE("serving: time between tokens is a round's time except where a prefill stalls the decodes",
          "[sim][infer][serve]") {
  InferOptions one = serving(0);
  one.batch = 1;
  one.requests = 0;
  const InferStats alone = infer(cs3(), llama70b(), one);
  // Light load: nearly every gap is one request's round; the longest holds another's prefill.
  const ServingStats light = infer(cs3(), llama70b(), serving(0.2)).serving;
  CHECK(light.tbt_p50_s == Approx(alone.tpot_s).epsilon(1e-9));
  CHECK(light.tbt_max_s >= light.tbt_p99_s);
  CHECK(light.tbt_max_s > alone.ttft_s);
}

TEST_CASE("serving: chunked prefill bounds the stall of the decodes and costs time to first token",
          "[sim][infer][serve]") {
  // Long prompts on 8 systems: a whole 8k prompt stalls every decoding request for its prefill.
  InferOptions whole = serving(4);
  whole.systems = 8;
  whole.prompt = 8192;
  InferOptions chunked = whole;
  chunked.prefill_chunk = 512;
  const InferStats w = infer(cs3(), llama70b(), whole), c = infer(cs3(), llama70b(), chunked);
  CHECK(w.serving.prefill_chunk == 0);
  CHECK(c.serving.prefill_chunk == 512);
  // A chunk of at most 512 tokens beside a round of at most 16: the longest gap is a round plus
  // 512 prompt tokens at one request's stage time, far below a whole prompt's prefill.
  InferOptions sixteen = whole, single = whole;
  sixteen.arrival_rate = single.arrival_rate = 0;
  sixteen.requests = single.requests = 0;
  single.batch = 1;
  const InferStats full = infer(cs3(), llama70b(), sixteen), alone = infer(cs3(), llama70b(), single);
  CHECK(c.serving.tbt_max_s <= full.tpot_s + 512 * alone.prefill_token_s * (1 + 1e-9));
  CHECK(w.serving.tbt_max_s > 10 * c.serving.tbt_max_s);
  CHECK(w.serving.tbt_max_s > alone.ttft_s);  // a stall holds at least one whole prefill
  // The prompt's tokens cost the same: throughput holds, the first token comes later.
  CHECK(c.serving.tokens_per_s == Approx(w.serving.tokens_per_s).epsilon(0.02));
  // The 8k prompts take a fifth or more of the busy time, chunked or whole.
  CHECK(w.serving.prefill_fraction > 0.2);
  CHECK(w.serving.prefill_fraction < 0.5);
  CHECK(c.serving.prefill_fraction == Approx(w.serving.prefill_fraction).epsilon(0.15));
  CHECK(c.serving.ttft_p50_s > w.serving.ttft_p50_s);
  // A chunk holding a whole prompt and the decodes: the same token budget as no chunking, less the
  // prompt's own trip when decodes run beside it.
  InferOptions big = whole;
  big.prefill_chunk = 8192 + 16;
  const InferStats b = infer(cs3(), llama70b(), big);
  CHECK(b.serving.ttft_p50_s <= c.serving.ttft_p50_s);
  CHECK(b.serving.tbt_max_s <= w.serving.tbt_max_s * (1 + 1e-9));
}

TEST_CASE("serving: chunked prefill alone is a whole prompt's prefill", "[sim][infer][serve]") {
  // One request at a time: each iteration either decodes it or prefills it, never both, so the
  // first token takes the prefill's trip plus every prompt token at the stage time, as infer().
  InferOptions o = serving(0.05, 1, 20);
  o.prefill_chunk = 4096;
  InferOptions one = serving(0);
  one.batch = 1;
  one.requests = 0;
  const InferStats alone = infer(cs3(), llama70b(), one);
  const ServingStats v = infer(cs3(), llama70b(), o).serving;
  CHECK(alone.prefill_token_s > 0);
  CHECK(v.ttft_p50_s == Approx(alone.ttft_s).epsilon(1e-9));
  CHECK(v.tpot_p50_s == Approx(alone.tpot_s).epsilon(1e-9));
}

TEST_CASE("serving: lengths drawn per request, the arrivals as with fixed lengths", "[sim][infer][serve]") {
  InferOptions fixed = serving(0.2);
  InferOptions varied = fixed;
  varied.prompt_min = 128;
  varied.generate_min = 16;
  const ServingStats f = infer(cs3(), llama70b(), fixed).serving;
  const ServingStats v = infer(cs3(), llama70b(), varied).serving;
  CHECK(f.prompt_min == 1024);
  CHECK(f.prompt_max == 1024);
  CHECK(v.prompt_min == 128);
  CHECK(v.prompt_max == 1024);
  CHECK(v.generate_min == 16);
  CHECK(v.generate_max == 256);
  // Light load: the requests arrive as before, each ends sooner (half the output on average),
  // and output tokens per second fall by about the mean length's ratio (136 of 256).
  CHECK(v.requests_per_s == Approx(f.requests_per_s).epsilon(0.15));
  CHECK(v.tokens_per_s == Approx(f.tokens_per_s * 136.0 / 256).epsilon(0.15));
  CHECK(v.latency_p50_s < f.latency_p50_s);
  // A shorter prompt's prefill is shorter: the median first token comes sooner.
  CHECK(v.ttft_p50_s < f.ttft_p50_s);
  CHECK(v.ttft_p99_s <= f.ttft_p99_s * 1.01);
  // The same seed draws the same lengths; chunked prefill takes each request's own prompt.
  CHECK(infer(cs3(), llama70b(), varied).serving.latency_p99_s == v.latency_p99_s);
  varied.prefill_chunk = 512;
  const ServingStats c = infer(cs3(), llama70b(), varied).serving;
  CHECK(c.ttft_p50_s < f.ttft_p50_s);
  // Errors name the option.
  InferOptions bad = fixed;
  bad.prompt_min = 2000;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), bad), Catch::Contains("--prompt-min 2000: expected 1..1024"));
  bad = serving(0);
  bad.requests = 0;
  bad.generate_min = 10;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), bad), Catch::Contains("--generate-min needs --arrival-rate"));
}

TEST_CASE("serving: a request trace's arrivals and lengths, scaled to a rate when asked",
          "[sim][infer][serve]") {
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "t.csv";
  // Three requests far apart: each alone on the server.
  trace->requests = {{0.0, 1000, 50, 2}, {10.0, 200, 20, 3}, {20.0, 600, 100, 4}};
  InferOptions o = serving(0);
  o.requests = 0;
  o.prompt = o.generate = 0;  // the trace's longest: 1000 and 100
  o.trace = trace;
  const InferStats st = infer(cs3(), llama70b(), o);
  const ServingStats& v = st.serving;
  REQUIRE(v.simulated);
  CHECK(st.prompt == 1000);
  CHECK(st.generate == 100);
  CHECK(v.requests == 3);
  CHECK(v.trace == "t.csv");
  CHECK(v.time_scale == 1.0);
  CHECK(v.arrival_rate == Approx(0.1));
  CHECK(v.prompt_min == 200);
  CHECK(v.prompt_max == 1000);
  CHECK(v.generate_min == 20);
  CHECK(v.generate_max == 100);
  CHECK(v.tokens_per_s == Approx(170.0 / v.duration_s));
  // The 1000-token prompt's first token takes infer()'s TTFT at that length, the others less.
  InferOptions one = serving(0);
  one.batch = 1;
  one.requests = 0;
  one.prompt = 1000;
  one.generate = 100;
  CHECK(v.ttft_p99_s == Approx(infer(cs3(), llama70b(), one).ttft_s).epsilon(1e-9));
  CHECK(v.ttft_p50_s < v.ttft_p99_s);
  // Scaled to 100 requests per second, they overlap: the same lengths, 1000x closer together.
  o.arrival_rate = 100;
  const ServingStats fast = infer(cs3(), llama70b(), o).serving;
  CHECK(fast.time_scale == Approx(0.001));
  CHECK(fast.arrival_rate == Approx(100));
  CHECK(fast.mean_batch > 1.0);
  // Each decode round attends to its requests' own context: alone on the server, the 200-token
  // request decodes faster than the 1000-token one (infer() times them at the longest).
  auto two = std::make_shared<RequestTrace>();
  two->file = "two.csv";
  two->requests = {{0.0, 8000, 200, 2}, {30.0, 100, 200, 3}};
  InferOptions t2 = o;
  t2.trace = two;
  t2.arrival_rate = 0;
  const ServingStats s2 = infer(cs3(), llama70b(), t2).serving;
  CHECK(s2.tpot_p50_s < s2.tpot_p99_s * 0.95);
  InferOptions at_max = serving(0);
  at_max.batch = 1;
  at_max.requests = 0;
  at_max.prompt = 8000;
  at_max.generate = 200;
  const InferStats m = infer(cs3(), llama70b(), at_max);
  CHECK(m.decode_keys_s > 0);
  CHECK(m.decode_context == 8100);
  CHECK(s2.tpot_p99_s == Approx(m.tpot_s).epsilon(0.01));  // the long one, about its own context
  // And its prefill's tokens attend to its own prompt: the short request's first token comes
  // about when infer() gives it for a 100-token prompt, the long one's exactly at 8000.
  CHECK(m.prefill_attention_token_s > 0);
  CHECK(m.prefill_attention_token_s < m.prefill_token_s);
  CHECK(s2.ttft_p99_s == Approx(m.ttft_s).epsilon(1e-9));
  InferOptions short_one = at_max;
  short_one.prompt = 100;
  CHECK(s2.ttft_p50_s == Approx(infer(cs3(), llama70b(), short_one).ttft_s).epsilon(0.1));
  // Its first requests only, and the errors: a request longer than --prompt, too many requests,
  // drawn lengths beside a trace.
  o.arrival_rate = 0;
  o.requests = 2;
  CHECK(infer(cs3(), llama70b(), o).serving.requests == 2);
  o.requests = 4;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--requests 4: t.csv has 3 requests"));
  o.requests = 0;
  o.prompt = 800;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("t.csv:2: a request of 1000 prompt"));
  o.prompt = 0;
  auto long_trace = std::make_shared<RequestTrace>(*trace);
  long_trace->requests[0].prompt = 200000;  // past the model's context of 131072
  InferOptions too_long = o;
  too_long.trace = long_trace;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), too_long),
                    Catch::Contains("the longest prompt and output of t.csv"));
  o.prompt_min = 10;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--request-trace gives them"));
}

TEST_CASE("serving: replicas given twin requests serve each twin as one replica serves one of them",
          "[sim][infer][serve]") {
  // Requests in twins (same arrival, same lengths): with two replicas each twin goes to its own
  // replica under either routing, so every replica sees the one-replica run of the single requests.
  auto single = std::make_shared<RequestTrace>();
  auto twins = std::make_shared<RequestTrace>();
  single->file = "single.csv";
  twins->file = "twins.csv";
  const int prompts[] = {900, 200, 1000, 50, 700, 400, 1000, 300};
  const int outputs[] = {80, 20, 100, 60, 10, 90, 40, 70};
  for (int i = 0; i < 8; ++i) {
    const TraceRequest r{0.05 * i, prompts[i], outputs[i], i + 2};
    single->requests.push_back(r);
    twins->requests.push_back(r);
    twins->requests.push_back(r);
  }
  for (const int chunk : {0, 256}) {
    InferOptions o = serving(0, 4);
    o.requests = 0;
    o.prompt = o.generate = 0;
    o.prefill_chunk = chunk;
    o.trace = single;
    const ServingStats one = infer(cs3(), llama70b(), o).serving;
    CHECK(one.replicas == 1);
    CHECK(one.replica_requests == std::vector<int>{8});
    o.trace = twins;
    o.replicas = 2;
    for (const Routing routing : {Routing::round_robin, Routing::least_outstanding}) {
      INFO(to_string(routing) << ", prefill chunk " << chunk);
      o.routing = routing;
      const ServingStats two = infer(cs3(), llama70b(), o).serving;
      CHECK(two.replicas == 2);
      CHECK(two.routing == to_string(routing));
      CHECK(two.replica_requests == std::vector<int>{8, 8});
      CHECK(two.ttft_p50_s == one.ttft_p50_s);
      CHECK(two.ttft_p99_s == one.ttft_p99_s);
      CHECK(two.tpot_p99_s == one.tpot_p99_s);
      CHECK(two.tbt_max_s == one.tbt_max_s);
      CHECK(two.duration_s == one.duration_s);
      CHECK(two.busy_fraction == Approx(one.busy_fraction).epsilon(1e-12));
      CHECK(two.replica_busy[0] == Approx(two.replica_busy[1]).epsilon(1e-12));
      CHECK(two.tokens_per_s == Approx(2 * one.tokens_per_s).epsilon(1e-12));
      CHECK(two.mean_batch == Approx(one.mean_batch).epsilon(1e-12));
    }
  }
}

TEST_CASE("serving: replicas relieve a saturated server and round robin deals requests in turn",
          "[sim][infer][serve]") {
  InferOptions o = serving(30, 16, 300);
  const InferStats alone = infer(cs3(), llama70b(), o);
  REQUIRE(has_note(alone, "saturated"));
  o.replicas = 4;
  const InferStats four = infer(cs3(), llama70b(), o);
  const ServingStats& v = four.serving;
  CHECK_FALSE(has_note(four, "saturated"));
  CHECK(v.requests_per_s > 0.85 * 30);
  CHECK(v.ttft_p99_s < 0.1 * alone.serving.ttft_p99_s);
  CHECK(v.replica_requests == std::vector<int>{75, 75, 75, 75});
  REQUIRE(v.replica_busy.size() == 4);
  for (const double b : v.replica_busy) CHECK((b > 0 && b <= 1));
  // The same arrivals and lengths: the same output tokens, sooner.
  CHECK(v.tokens_per_s > alone.serving.tokens_per_s);
  // The placement and step times are one replica's.
  CHECK(four.tpot_s == alone.tpot_s);
  CHECK(four.systems == 4);
}

TEST_CASE("serving: least-outstanding routing steers around a replica busy with a long request",
          "[sim][infer][serve]") {
  // One request at a time per replica. A long request first, then short ones far enough apart for
  // a free replica to finish each before the next: round robin queues every other one behind the
  // long request, least-outstanding sends them all to the other replica.
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "long-first.csv";
  trace->requests.push_back({0.0, 1000, 4000, 2});
  for (int i = 1; i <= 20; ++i) trace->requests.push_back({0.2 * i, 100, 20, i + 2});
  InferOptions o = one_slot_each(trace, 2);
  const ServingStats rr = infer(cs3(), llama70b(), o).serving;
  o.routing = Routing::least_outstanding;
  const ServingStats lor = infer(cs3(), llama70b(), o).serving;
  CHECK(rr.replica_requests == std::vector<int>{11, 10});
  CHECK(lor.replica_requests == std::vector<int>{1, 20});
  CHECK(lor.ttft_p90_s < 0.1 * rr.ttft_p90_s);
  CHECK(lor.max_queue <= 1);
  CHECK(rr.max_queue > 1);
}

TEST_CASE("serving: with one replica the shared queue is the replica's own queue", "[sim][infer][serve]") {
  // Every routing is the same server with one replica: the same tokens at the same times, and the
  // longest wait for a slot the same (counted in the shared queue instead of the replica's).
  for (const int chunk : {0, 256}) {
    for (const double rate : {2.0, 40.0}) {  // light, and saturated
      INFO("prefill chunk " << chunk << ", rate " << rate);
      InferOptions o = serving(rate, 8, 200);
      o.prefill_chunk = chunk;
      o.prompt_min = 64;
      o.generate_min = 8;
      const ServingStats rr = infer(cs3(), llama70b(), o).serving;
      o.routing = Routing::shared_queue;
      const ServingStats sq = infer(cs3(), llama70b(), o).serving;
      CHECK(sq.routing == "shared-queue");
      CHECK(sq.ttft_p50_s == rr.ttft_p50_s);
      CHECK(sq.ttft_p99_s == rr.ttft_p99_s);
      CHECK(sq.tbt_max_s == rr.tbt_max_s);
      CHECK(sq.latency_p99_s == rr.latency_p99_s);
      CHECK(sq.duration_s == rr.duration_s);
      CHECK(sq.max_queue == rr.max_queue);
    }
  }
}

TEST_CASE("serving: a shared queue gives a waiting request to the replica that frees a slot first",
          "[sim][infer][serve]") {
  // One slot per replica. A long request takes replica 0, a shorter one replica 1; a third comes
  // while both are busy. Round robin and least-outstanding (a tie: the lower index) queue it
  // behind the long request; the shared queue holds it until replica 1 finishes and starts it there.
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "three.csv";
  trace->requests = {{0.0, 1000, 4000, 2}, {0.1, 100, 200, 3}, {0.2, 100, 20, 4}};
  InferOptions o = one_slot_each(trace, 2);
  const ServingStats rr = infer(cs3(), llama70b(), o).serving;
  o.routing = Routing::least_outstanding;
  const ServingStats lor = infer(cs3(), llama70b(), o).serving;
  o.routing = Routing::shared_queue;
  const ServingStats sq = infer(cs3(), llama70b(), o).serving;
  CHECK(rr.replica_requests == std::vector<int>{2, 1});
  CHECK(lor.replica_requests == std::vector<int>{2, 1});
  CHECK(sq.replica_requests == std::vector<int>{1, 2});
  // The third request's wait: behind 4000 tokens, or behind 200.
  CHECK(sq.ttft_p99_s < 0.2 * rr.ttft_p99_s);
  CHECK(sq.ttft_p99_s < 0.2 * lor.ttft_p99_s);
  CHECK(sq.max_queue == 1);  // it waited in the shared queue
  // The run ends with the long request, not with the one queued behind it.
  CHECK(sq.duration_s < rr.duration_s);
  CHECK(lor.duration_s == rr.duration_s);
}

TEST_CASE("serving: the same seed gives the same run and another seed other arrivals",
          "[sim][infer][serve]") {
  const ServingStats a = infer(cs3(), llama70b(), serving(8)).serving;
  const ServingStats b = infer(cs3(), llama70b(), serving(8)).serving;
  const ServingStats c = infer(cs3(), llama70b(), serving(8, 16, 300, 2)).serving;
  CHECK(a.ttft_p99_s == b.ttft_p99_s);
  CHECK(a.duration_s == b.duration_s);
  CHECK(a.duration_s != c.duration_s);
}

TEST_CASE("serving: bad options name themselves", "[sim][infer][serve]") {
  for (const double rate : {-1.0, std::nan(""), 1.0 / 0.0}) {
    InferOptions o = serving(rate);
    CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--arrival-rate"));
  }
  InferOptions o = serving(0);
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--requests needs --arrival-rate"));
  o = serving(1, 16, 2000000);
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--requests 2000000"));
  // The work is bounded: a decode round per output token.
  o = serving(1, 16, 1000000);
  o.generate = 300;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("at most 200,000,000 output tokens"));
  o = serving(1, 16, 20);
  o.prefill_chunk = 16;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o),
                    Catch::Contains("--prefill-chunk 16: expected more tokens than --batch 16"));
  // Chunks of one token beside 16 decodes: the prompts' iterations are bounded too.
  o = serving(1, 16, 500000);
  o.prompt = 100000;
  o.prefill_chunk = 17;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("200,000,000 iterations"));
  o.prefill_chunk = -1;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--prefill-chunk -1"));
  o = serving(0);
  o.requests = 0;
  o.prefill_chunk = 512;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--prefill-chunk needs --arrival-rate"));
  for (const int replicas : {0, -2, kMaxReplicas + 1}) {
    o = serving(1, 16, 20);
    o.replicas = replicas;
    CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--replicas " + std::to_string(replicas)));
  }
  o = serving(0);
  o.requests = 0;
  o.replicas = 2;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--replicas needs --arrival-rate"));
  CHECK(parse_routing("least-outstanding") == Routing::least_outstanding);
  CHECK(parse_routing("shared-queue") == Routing::shared_queue);
  CHECK(std::string(to_string(Routing::shared_queue)) == "shared-queue");
  CHECK_THROWS_WITH(parse_routing("fifo"), Catch::Contains("shared-queue"));
  o = serving(0);
  o.requests = 0;
  o.prefill_replicas = 1;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--prefill-replicas needs --arrival-rate"));
  o = serving(1, 16, 20);
  o.prefill_replicas = -1;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--prefill-replicas -1"));
  o.prefill_replicas = 0;
  o.prefill_systems = 2;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o),
                    Catch::Contains("--prefill-systems needs --prefill-replicas"));
  o.prefill_systems = -3;
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--prefill-systems -3"));
  CHECK_THROWS_WITH(parse_routing("random"), Catch::Contains("--routing random: expected round-robin"));
  // One output token: the first is the last, no time per output token.
  o = serving(1, 16, 20);
  o.generate = 1;
  const ServingStats v = infer(cs3(), llama70b(), o).serving;
  CHECK(v.tpot_p50_s == 0);
  CHECK(v.latency_p50_s == v.ttft_p50_s);
}
