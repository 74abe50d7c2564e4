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

TEST_CASE("cases held out of the calibration are summarised apart, in text and JSON", "[check]") {
  std::vector<ValidationResult> rs = {result(0.10), result(-0.20), result(0.30), result(0.50)};
  for (auto& r : rs) r.c.calibration = true;
  rs[2].c.calibration = false;
  rs[3].c.calibration = false;
  const std::string text = format_validation_table(rs, false);
  CHECK(text.find("over 4 case(s): mean absolute error 27.5%") != std::string::npos);
  CHECK(
      text.find("held out of the calibration (2 case(s) with calibration: false): mean absolute error 40.0%, "
                "max 50.0%, bias +40.0%") != std::string::npos);
  const std::string json = format_validation_json(rs);
  CHECK(json.find("\"held_out\"") != std::string::npos);
  // All fitted, or none: no held-out line.
  for (auto& r : rs) r.c.calibration = true;
  CHECK(format_validation_table(rs, false).find("held out") == std::string::npos);
  CHECK(format_validation_json(rs).find("held_out") == std::string::npos);
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
