// Disaggregated serving with the prefill replicas on another machine than the decode replicas
// (InferOptions::prefill_spec, `infer --prefill-system`; src/sim/infer_serve.cpp).
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "infer_fixtures.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;
using test::cs3;
using test::has_note;
using test::llama70b;

namespace {
const SystemSpec& cs2() {
  static const SystemSpec s = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs2.yaml");
  return s;
}
// One request of a 2000-token prompt and 50 output tokens, served disaggregated: one prefill
// replica of 8 systems, one decode replica of 4 (up to 4 at once).
InferOptions one_request() {
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "one.csv";
  trace->requests = {{0.0, 2000, 50, 2}};
  InferOptions o;
  o.systems = 4;
  o.batch = 4;
  o.trace = trace;
  o.prefill_replicas = 1;
  o.prefill_systems = 8;
  return o;
}
}  // namespace

TEST_CASE("serving: the decode replicas' machine given as the prefill machine changes nothing",
          "[sim][infer][serve]") {
  InferOptions o;
  o.systems = 8;
  o.batch = 16;
  o.prompt = 8192;
  o.prompt_min = 256;
  o.generate = 256;
  o.arrival_rate = 4;
  o.requests = 100;
  o.prefill_replicas = 1;
  const InferStats same = infer(cs3(), llama70b(), o);
  o.prefill_spec = std::make_shared<const SystemSpec>(cs3());
  const InferStats given = infer(cs3(), llama70b(), o);
  const ServingStats& a = same.serving;
  const ServingStats& b = given.serving;
  CHECK(a.prefill_system == "CS-3");
  CHECK(b.prefill_system == "CS-3");
  CHECK(a.ttft_p99_s == b.ttft_p99_s);
  CHECK(a.tpot_p99_s == b.tpot_p99_s);
  CHECK(a.duration_s == b.duration_s);
  CHECK(a.kv_transfer_mean_s == b.kv_transfer_mean_s);
  CHECK(a.energy_j == b.energy_j);
  CHECK(a.energy_kv_transfer_j == b.energy_kv_transfer_j);
  CHECK(same.notes == given.notes);
}

TEST_CASE("serving: prefill replicas of another machine prefill at its speed and send at the narrower side's",
          "[sim][infer][serve]") {
  InferOptions o = one_request();
  o.prefill_spec = std::make_shared<const SystemSpec>(cs2());
  const InferStats st = infer(cs3(), llama70b(), o);
  const ServingStats& v = st.serving;
  CHECK(v.prefill_system == "CS-2");
  CHECK(st.system_name == "CS-3");
  // The first token: one request alone on 8 CS-2s.
  InferOptions alone;
  alone.systems = 8;
  alone.prompt = 2000;
  alone.generate = 50;
  const double cs2_ttft = infer(cs2(), llama70b(), alone).ttft_s;
  CHECK(v.ttft_p50_s == Approx(cs2_ttft).epsilon(1e-12));
  CHECK(cs2_ttft > infer(cs3(), llama70b(), alone).ttft_s);  // a CS-3 prefills faster
  // The transfer: the narrower side's I/O (8 CS-2s against 4 CS-3s), the slower end's latency.
  const double link = std::min(cs2().io.total().value * 8, cs3().io.total().value * 4) / 8;
  const double latency = std::max(cs2().io.latency.value, cs3().io.latency.value);
  CHECK(v.kv_transfer_mean_s == Approx(2000 * st.kv_bytes_per_token / link + latency).epsilon(1e-12));
  // Its energy: half of each bit at each end's price.
  REQUIRE(v.energy_modelled);
  const auto per_bit = [](const SystemSpec& s) { return s.energy.io_bit.value / s.energy.psu_efficiency; };
  CHECK(v.energy_kv_transfer_j ==
        Approx(v.kv_transfer_bytes * 8 * (per_bit(cs2()) + per_bit(cs3())) / 2).epsilon(1e-12));
  // The decode replica's rounds are the CS-3's whichever machine prefilled.
  const ServingStats on_cs3 = infer(cs3(), llama70b(), one_request()).serving;
  CHECK(v.tpot_p50_s == Approx(on_cs3.tpot_p50_s).epsilon(1e-9));
  CHECK(v.ttft_p50_s > on_cs3.ttft_p50_s);
}

TEST_CASE("serving: a prefill machine without an energy section leaves the run's energy unmodelled",
          "[sim][infer][serve]") {
  SystemSpec bare = cs2();
  bare.energy.present = false;
  InferOptions o = one_request();
  o.prefill_spec = std::make_shared<const SystemSpec>(bare);
  const InferStats st = infer(cs3(), llama70b(), o);
  CHECK_FALSE(st.serving.energy_modelled);
  CHECK(st.serving.energy_kv_transfer_j == 0);
  CHECK(has_note(st, "energy not modelled: the prefill replicas' system (CS-2) has no energy: section"));
}

TEST_CASE(
    "serving: a prefill machine is an option of disaggregated serving, and what does not fit says where",
    "[sim][infer][serve]") {
  InferOptions o = one_request();
  o.prefill_replicas = 0;
  o.prefill_systems = 0;
  o.prefill_spec = std::make_shared<const SystemSpec>(cs2());
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o),
                    Catch::Contains("--prefill-system needs --prefill-replicas"));
  // One CS-2 cannot hold 64 KV caches of 8k tokens: the error names the prefill replica.
  o = one_request();
  o.trace = nullptr;
  o.arrival_rate = 1;
  o.requests = 10;
  o.systems = 8;
  o.batch = 64;
  o.prompt = 8192;
  o.prefill_systems = 1;
  o.prefill_spec = std::make_shared<const SystemSpec>(cs2());
  CHECK_THROWS_AS(infer(cs3(), llama70b(), o), FitError);
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o),
                    Catch::StartsWith("a prefill replica (1 x CS-2, 64 prompts at once)"));
}

TEST_CASE("serving: replicas of different sizes, each with its own step times", "[sim][infer][serve]") {
  InferOptions o;
  o.systems = 4;
  o.batch = 8;
  o.prompt = 2048;
  o.prompt_min = 128;
  o.generate = 512;
  o.generate_min = 16;
  o.arrival_rate = 20;
  o.requests = 300;
  o.replicas = 3;
  const ServingStats three = infer(cs3(), llama70b(), o).serving;
  o.replica_systems = {4, 4, 4};  // the same sizes listed: the same run to the bit
  const ServingStats listed = infer(cs3(), llama70b(), o).serving;
  CHECK(listed.ttft_p99_s == three.ttft_p99_s);
  CHECK(listed.latency_p99_s == three.latency_p99_s);
  CHECK(listed.energy_j == three.energy_j);
  CHECK(listed.replica_systems == std::vector<int>{4, 4, 4});
  CHECK(three.replica_systems == std::vector<int>{4, 4, 4});
  // Eight and four systems: the larger decodes faster, so least-outstanding sends it more.
  o.replicas = 2;
  o.replica_systems = {8, 4};
  o.routing = Routing::least_outstanding;
  const ServingStats uneven = infer(cs3(), llama70b(), o).serving;
  CHECK(uneven.replica_systems == std::vector<int>{8, 4});
  CHECK(uneven.replica_requests[0] > uneven.replica_requests[1]);
  CHECK(uneven.replica_requests[0] + uneven.replica_requests[1] == 300);
  // Its energy: both replicas' idle power (8 + 4 systems) and their events.
  CHECK(uneven.energy_modelled);
  CHECK(uneven.energy_j > 0);
  // A lone request on the 8-system replica has 8 systems' first token and rounds.
  InferOptions one = one_request();
  one.prefill_replicas = 0;
  one.prefill_systems = 0;
  one.replicas = 2;
  one.replica_systems = {8, 4};
  const ServingStats lone = infer(cs3(), llama70b(), one).serving;
  InferOptions alone;
  alone.systems = 8;
  alone.prompt = 2000;
  alone.generate = 50;
  CHECK(lone.ttft_p50_s == Approx(infer(cs3(), llama70b(), alone).ttft_s).epsilon(1e-12));
  CHECK(lone.replica_requests == std::vector<int>{1, 0});
}

TEST_CASE("serving: replica sizes are checked, and a replica that does not fit is named",
          "[sim][infer][serve]") {
  InferOptions o;
  o.systems = 4;
  o.arrival_rate = 1;
  o.requests = 10;
  o.replicas = 2;
  o.replica_systems = {8, 4, 4};
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o),
                    Catch::Contains("--replica-systems lists 3 replica(s), --replicas says 2"));
  o.replica_systems = {8, 0};
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--replica-systems 0: expected 1..100000"));
  o.arrival_rate = 0;
  o.requests = 0;
  o.replicas = 1;
  o.replica_systems = {4};
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o), Catch::Contains("--replica-systems needs --arrival-rate"));
  // One system cannot hold 16 KV caches of 8k tokens beside a streamed layer (four can).
  o.arrival_rate = 1;
  o.requests = 10;
  o.replicas = 2;
  o.batch = 16;
  o.prompt = 8192;
  o.replica_systems = {8, 1};
  CHECK_THROWS_AS(infer(cs3(), llama70b(), o), FitError);
  CHECK_THROWS_WITH(infer(cs3(), llama70b(), o),
                    Catch::StartsWith("replica 1 (1 x CS-3, --replica-systems)"));
}
