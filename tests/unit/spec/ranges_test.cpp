// The `range LO .. HI: reason` comments of system files (param_ranges.hpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "spec_test_util.hpp"
#include "wafersim/spec/param_ranges.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

namespace {
// The built-in CS-2 with one line replaced.
std::string cs2_with(const std::string& from, const std::string& to) {
  std::string text = builtin_cs2_yaml();
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  try {
    param_ranges_text(text, "x.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("the shipped configs give ranges in base units with their source class", "[spec]") {
  const auto cs3 = load_param_ranges(WAFERSIM_SOURCE_DIR "/configs/cs3.yaml");
  const auto clock =
      std::find_if(cs3.begin(), cs3.end(), [](const ParamRange& r) { return r.path == "pe.clock"; });
  REQUIRE(clock != cs3.end());
  CHECK(clock->lo == Approx(850e6));
  CHECK(clock->hi == Approx(1.1e9));
  CHECK(clock->value == Approx(1.04e9));
  CHECK(clock->source == "D");
  CHECK(clock->lo_text == "850 MHz");
  CHECK(clock->hi_text == "1.1 GHz");
  CHECK_FALSE(clock->integer);
  CHECK(clock->where.line > 0);
  CHECK(clock->reason.find("WSE-2") != std::string::npos);
  // Every shipped range is inside the parameter's limits and holds its value (or loading threw).
  for (const auto& r : builtin_param_ranges()) {
    CAPTURE(r.path);
    CHECK(r.lo <= r.value);
    CHECK(r.value <= r.hi);
  }
}

TEST_CASE("integer parameters are rounded when set from a sample", "[spec]") {
  const auto ranges = builtin_param_ranges();
  const auto w = std::find_if(ranges.begin(), ranges.end(),
                              [](const ParamRange& r) { return r.path == "input.workers"; });
  REQUIRE(w != ranges.end());
  CHECK(w->integer);
  CHECK(w->value_text(3.6) == "4");
  // The text a sample sets parses back to the same value.
  const SystemSpec s = default_system_spec({{"input.workers", w->value_text(6.2)}});
  CHECK(s.input.workers == 6);
}

TEST_CASE("prose that says 'range' is not a range, and a malformed one is an error with file:line",
          "[spec]") {
  CHECK(error_of(cs2_with("# P: Cerebras product pages", "# P: the product range of Cerebras")).empty());
  const std::string bad =
      error_of(cs2_with("hop_latency: 2                 # S:", "hop_latency: 2  # S: x; range 1 to 4; "));
  CHECK(bad.find("x.yaml:") != std::string::npos);
  CHECK(bad.find("router.hop_latency") != std::string::npos);
  CHECK(bad.find("range LO .. HI: reason") != std::string::npos);
}

TEST_CASE("a range must be ordered, hold the value, and parse as the parameter's type", "[spec]") {
  const std::string from = "hop_latency: 2                 # S:";
  CHECK(error_of(cs2_with(from, "hop_latency: 2  # S: x; range 4 .. 1: y; ")).find("below the high end") !=
        std::string::npos);
  CHECK(error_of(cs2_with(from, "hop_latency: 2  # S: x; range 3 .. 5: y; ")).find("does not contain") !=
        std::string::npos);
  CHECK(error_of(cs2_with(from, "hop_latency: 2  # S: x; range 1 .. 2.5: y; ")).find("integer") !=
        std::string::npos);
  CHECK(error_of(cs2_with("name: CS-2                       # P:", "name: CS-2  # P: x; range a .. b: c; "))
            .find("not a number") != std::string::npos);
}
