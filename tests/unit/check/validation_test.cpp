// The validation summary (mean, median, max absolute error, bias) and the case metadata.
#include "wafersim/check/validation.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"

using namespace wafersim;

namespace {
ValidationResult result(double error, bool ran = true) {
  ValidationResult r;
  r.ran = ran;
  r.error = error;
  return r;
}
}  // namespace

TEST_CASE("the validation summary gives mean, median and max absolute error and the bias", "[check]") {
  const std::vector<ValidationResult> rs = {result(-0.10), result(0.30), result(-0.05), result(0.02),
                                            result(9.0, false)};  // did not run: not counted
  const ValidationSummary s = summarize_validation(rs);
  CHECK(s.cases == 4);
  CHECK(s.mean_abs == Approx(0.1175));
  CHECK(s.median_abs == Approx(0.075));  // of 0.02, 0.05, 0.10, 0.30
  CHECK(s.max_abs == Approx(0.30));
  CHECK(s.bias == Approx(0.0425));
  const ValidationSummary odd = summarize_validation({result(-0.2), result(0.1), result(-0.4)});
  CHECK(odd.median_abs == Approx(0.2));
  CHECK(odd.bias == Approx(-0.5 / 3));
  CHECK(summarize_validation({}).cases == 0);
}

TEST_CASE("every shipped validation case names its source, system and date", "[check]") {
  const Validation v = load_validation(WAFERSIM_SOURCE_DIR "/bench/validation.yaml");
  CHECK(v.cases.size() >= 7);
  for (const auto& c : v.cases) {
    INFO(c.name);
    CHECK(!c.source.empty());
    CHECK(!c.system.empty());
    CHECK(!c.release.empty());
  }
}

TEST_CASE("case metadata must be text", "[check]") {
  const test::TempDir dir;
  const auto p = dir.write("v.yaml",
                           "cases:\n  - name: x\n    source: s\n    note: [a, b]\n    args: [run]\n"
                           "    published: 1\n");
  try {
    load_validation(p.string());
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "cases[0].note");
    CHECK(e.loc().line == 4);
  }
}
