// Energy of a serving run (src/sim/infer_serve.cpp): every replica's idle power for the run's
// duration plus the events of its iterations, as infer() prices a decode round and a prompt token.
#include <catch2/catch.hpp>
#include <memory>

#include "infer_fixtures.hpp"
#include "test_models.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;
using test::cs3;
using test::llama70b;

namespace {
InferOptions serving(double rate) {
  InferOptions o;
  o.systems = 4;
  o.batch = 16;
  o.prompt = 1024;
  o.generate = 256;
  o.arrival_rate = rate;
  o.requests = 300;
  return o;
}
}  // namespace

TEST_CASE("serving energy: a lone request costs its prefill and its decode rounds as infer() prices them",
          "[sim][infer][serve][energy]") {
  REQUIRE(cs3().energy.present);
  auto trace = std::make_shared<RequestTrace>();
  trace->file = "one.csv";
  trace->requests = {{0.0, 1024, 256, 2}};
  InferOptions o = serving(0);
  o.requests = 0;
  o.trace = trace;
  const InferStats st = infer(cs3(), llama70b(), o);
  const ServingStats& v = st.serving;
  REQUIRE(v.energy_modelled);
  InferOptions alone = serving(0);
  alone.batch = 1;
  alone.requests = 0;
  const InferStats one = infer(cs3(), llama70b(), alone);
  // Its first token after the prefill, then 255 rounds at batch 1; between them nothing idles.
  const double expected = one.prefill_energy.joules + 255 * one.energy.joules;
  CHECK(v.energy_j == Approx(expected).epsilon(1e-6));
  CHECK(v.energy_per_output_token_j == Approx(expected / 256).epsilon(1e-6));
  CHECK(v.mean_power_w == Approx(v.energy_j / v.duration_s).epsilon(1e-12));
  CHECK(v.energy_idle_share > 0.5);  // a wafer decoding one request mostly leaks
  CHECK(v.energy_idle_share < 1);
}

TEST_CASE("serving energy: load spreads the idle power over more tokens and replicas add theirs",
          "[sim][infer][serve][energy]") {
  const ServingStats light = infer(cs3(), llama70b(), serving(1)).serving;
  const ServingStats heavy = infer(cs3(), llama70b(), serving(12)).serving;
  CHECK(heavy.energy_per_output_token_j < 0.2 * light.energy_per_output_token_j);
  CHECK(heavy.energy_idle_share < light.energy_idle_share);
  CHECK(heavy.mean_power_w > light.mean_power_w);
  // Two replicas serving the light load: twice the idle power, about the same events.
  InferOptions two = serving(1);
  two.replicas = 2;
  const ServingStats doubled = infer(cs3(), llama70b(), two).serving;
  CHECK(doubled.mean_power_w == Approx(2 * light.mean_power_w).epsilon(0.05));
  // Without an energy: section nothing is priced.
  SystemSpec bare = cs3();
  bare.energy.present = false;
  CHECK_FALSE(infer(bare, llama70b(), serving(1)).serving.energy_modelled);
}

TEST_CASE("serving energy: disaggregated, each KV cache's bits cross the I/O ports once and are priced",
          "[sim][infer][serve][energy]") {
  InferOptions o = serving(4);
  o.requests = 60;
  o.replicas = 1;
  o.prefill_replicas = 1;
  const InferStats st = infer(cs3(), llama70b(), o);
  const ServingStats& v = st.serving;
  REQUIRE(v.energy_modelled);
  // Every request's cache moves once: its prompt's tokens at the model's bytes per token.
  CHECK(v.kv_transfer_bytes == Approx(60.0 * 1024 * st.kv_bytes_per_token).epsilon(1e-12));
  const EnergySpec& e = cs3().energy;
  CHECK(v.energy_kv_transfer_j ==
        Approx(v.kv_transfer_bytes * 8 * e.io_bit.value / e.psu_efficiency).epsilon(1e-12));
  CHECK(v.energy_kv_transfer_j > 0);
  CHECK(v.energy_kv_transfer_j < v.energy_j);
  // With the I/O's energy per bit at zero the transfers cost nothing (and the run is cheaper).
  SystemSpec free_io = cs3();
  free_io.energy.io_bit.value = 0;
  const ServingStats w = infer(free_io, llama70b(), o).serving;
  CHECK(w.energy_kv_transfer_j == 0);
  CHECK(w.energy_j < v.energy_j - v.energy_kv_transfer_j + 1e-9);
  // Colocated serving moves no cache.
  InferOptions together = serving(4);
  together.requests = 60;
  CHECK(infer(cs3(), llama70b(), together).serving.energy_kv_transfer_j == 0);
}
