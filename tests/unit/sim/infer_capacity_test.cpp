// The capacity search of `infer --slo-ttft-p99 / --slo-tbt-p99` (src/sim/infer_capacity.cpp): the
// highest arrival rate whose serving run meets the objectives and does not saturate.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "infer_fixtures.hpp"
#include "test_models.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;
using test::cs3;
using test::has_note;
using test::llama70b;

namespace {
InferOptions capacity(double ttft, double tbt = 0) {
  InferOptions o;
  o.systems = 4;
  o.batch = 16;
  o.prompt = 2048;
  o.generate = 256;
  o.requests = 200;
  o.slo_ttft_p99_s = ttft;
  o.slo_tbt_p99_s = tbt;
  return o;
}
InferOptions at_rate(InferOptions o, double rate) {
  o.slo_ttft_p99_s = o.slo_tbt_p99_s = 0;
  o.arrival_rate = rate;
  return o;
}
}  // namespace

TEST_CASE("capacity: the rate found meets the objective and a rate 1% above does not",
          "[sim][infer][capacity]") {
  const InferOptions o = capacity(0.1);
  const InferStats st = infer(cs3(), llama70b(), o);
  const CapacityStats& c = st.capacity;
  REQUIRE(c.searched);
  REQUIRE(c.feasible);
  CHECK(c.slo_ttft_p99_s == 0.1);
  CHECK(c.rate > 1);
  CHECK(c.upper_rate > c.rate);
  CHECK(c.upper_rate <= 1.01 * c.rate + 1e-12);
  CHECK(c.runs > 3);
  // The serving section is the run at the capacity, as infer() gives it at that rate.
  const InferStats there = infer(cs3(), llama70b(), at_rate(o, c.rate));
  CHECK(st.serving.ttft_p99_s == there.serving.ttft_p99_s);
  CHECK(st.serving.ttft_p99_s <= 0.1);
  CHECK(c.tokens_per_s == there.serving.tokens_per_s);
  const InferStats above = infer(cs3(), llama70b(), at_rate(o, c.upper_rate));
  CHECK((above.serving.ttft_p99_s > 0.1 || c.bound == "saturation"));
  CHECK((c.bound == "ttft_p99" || c.bound == "saturation"));
  // Deterministic: the same search twice.
  CHECK(infer(cs3(), llama70b(), o).capacity.rate == c.rate);
  // Where the search starts does not move what it finds beyond its tolerance.
  InferOptions from_ten = o;
  from_ten.arrival_rate = 10;
  CHECK(infer(cs3(), llama70b(), from_ten).capacity.rate == Approx(c.rate).epsilon(0.011));
}

TEST_CASE(
    "capacity: replicas multiply it and chunked prefill raises it under a time-between-tokens objective",
    "[sim][infer][capacity]") {
  const double one = infer(cs3(), llama70b(), capacity(0.1)).capacity.rate;
  InferOptions four = capacity(0.1);
  four.replicas = 4;
  CHECK(infer(cs3(), llama70b(), four).capacity.rate > 3 * one);
  // Whole prompts stall the decodes for a prefill (tens of ms); chunks of 512 tokens do not.
  const InferStats whole = infer(cs3(), llama70b(), capacity(0, 0.01));
  InferOptions chunked = capacity(0, 0.01);
  chunked.prefill_chunk = 512;
  const InferStats split = infer(cs3(), llama70b(), chunked);
  CHECK(whole.capacity.bound == "tbt_p99");
  CHECK(whole.serving.tbt_p99_s <= 0.01);
  CHECK(split.capacity.rate > 1.2 * whole.capacity.rate);
}

TEST_CASE("capacity: a time-per-output-token objective binds as a batch grows", "[sim][infer][capacity]") {
  // TPOT grows with the requests decoded at once: 2.5 ms per token allows fewer of them than
  // TTFT p99 100 ms does, and the run at the capacity keeps every request's TPOT p99 within it.
  InferOptions o = capacity(0.1);
  const double ttft_only = infer(cs3(), llama70b(), o).capacity.rate;
  o.slo_tpot_p99_s = 0.0025;
  const InferStats st = infer(cs3(), llama70b(), o);
  REQUIRE(st.capacity.feasible);
  CHECK(st.capacity.slo_tpot_p99_s == 0.0025);
  CHECK(st.serving.tpot_p99_s <= 0.0025);
  CHECK(st.capacity.rate < ttft_only);
  CHECK(st.capacity.bound == "tpot_p99");
}

TEST_CASE("capacity: an objective no rate meets says so", "[sim][infer][capacity]") {
  // One 2048-token prompt alone takes ~18 ms to its first token on 4 CS-3s.
  const InferStats st = infer(cs3(), llama70b(), capacity(0.005));
  CHECK(st.capacity.searched);
  CHECK_FALSE(st.capacity.feasible);
  CHECK(st.capacity.rate == 0);
  CHECK(st.capacity.bound == "ttft_p99");
  CHECK(has_note(st, "no arrival rate meets the objectives"));
  for (const double bad : {-1.0, std::nan(""), 1.0 / 0.0}) {
    InferOptions tpot = capacity(0.1);
    tpot.slo_tpot_p99_s = bad;
    CHECK_THROWS_WITH(infer(cs3(), llama70b(), tpot), Catch::Contains("--slo-tpot-p99"));
    CHECK_THROWS_WITH(infer(cs3(), llama70b(), capacity(bad)), Catch::Contains("--slo-ttft-p99"));
    CHECK_THROWS_WITH(infer(cs3(), llama70b(), capacity(0.1, bad)), Catch::Contains("--slo-tbt-p99"));
  }
}
