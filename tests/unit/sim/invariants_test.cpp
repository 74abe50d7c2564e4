#include <catch2/catch.hpp>
#include <cmath>

#include "sim/modes.hpp"
#include "wafersim/core/error.hpp"

using namespace wafersim;

namespace {
RunStats sane() {
  RunStats s;
  s.step_time_s = 1.0;
  s.samples_per_s = 10;
  s.tokens_per_s = 100;
  s.mfu = 0.4;
  s.utilization.compute = 0.9;
  return s;
}
}  // namespace

TEST_CASE("physically meaningless results are internal errors, never printed", "[sim][invariants]") {
  RunStats ok = sane();
  CHECK_NOTHROW(detail::check_invariants(ok));

  RunStats zero = sane();
  zero.step_time_s = 0;
  CHECK_THROWS_AS(detail::check_invariants(zero), SimError);

  RunStats negative = sane();
  negative.samples_per_s = -1;
  CHECK_THROWS_AS(detail::check_invariants(negative), SimError);

  RunStats nan = sane();
  nan.tokens_per_s = std::nan("");
  CHECK_THROWS_AS(detail::check_invariants(nan), SimError);

  RunStats over = sane();
  over.utilization.io = 1.2;
  CHECK_THROWS_AS(detail::check_invariants(over), SimError);

  RunStats mfu = sane();
  mfu.mfu = 1.5;
  CHECK_THROWS_AS(detail::check_invariants(mfu), SimError);

  RunStats rounding = sane();
  rounding.utilization.fabric = 1.0 + 1e-12;  // float noise at exactly full is clamped
  CHECK_NOTHROW(detail::check_invariants(rounding));
  CHECK(rounding.utilization.fabric == 1.0);
}

TEST_CASE("runs that need more host memory than there is are refused up front", "[sim][limits]") {
  SystemSpec spec;
  spec.name = "huge";
  spec.wafer.width = 1000000;
  spec.wafer.height = 1000000;
  ModelSpec model;
  model.arch.layers = 2;
  RunOptions opt;
  CHECK(detail::estimate_host_bytes(spec, model, opt) > 1e12);
  CHECK_THROWS_AS(detail::check_resources(spec, model, opt), UsageError);
  model.arch.layers = 5000000;
  spec.wafer.width = spec.wafer.height = 10;
  CHECK_THROWS_AS(detail::check_resources(spec, model, opt), UsageError);
  model.arch.layers = 24;
  CHECK_NOTHROW(detail::check_resources(spec, model, opt));
}
