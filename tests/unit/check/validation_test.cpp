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

TEST_CASE("the machine of a case is the word after its system count", "[check]") {
  CHECK(validation_machine("2 x CS-2") == "CS-2");
  CHECK(validation_machine("1 x CS-2 (WSE-2), a P x P region") == "CS-2");
  CHECK(validation_machine("24 x CS-3 (assumed)") == "CS-3");
  CHECK(validation_machine("CS-3") == "CS-3");
  CHECK(validation_machine("") == "unspecified");
}

TEST_CASE("cases on several machines are also summarised per machine, in text and JSON", "[check]") {
  std::vector<ValidationResult> rs = {result(0.10), result(-0.20), result(0.30), result(0.50, false)};
  rs[0].c.system = "1 x CS-2";
  rs[1].c.system = "2 x CS-2";
  rs[2].c.system = "1 x CS-3";
  rs[3].c.system = "4 x CS-3";  // did not run: not counted
  const auto by = summarize_by_machine(rs);
  REQUIRE(by.size() == 2);
  CHECK(by[0].first == "CS-2");
  CHECK(by[0].second.cases == 2);
  CHECK(by[0].second.mean_abs == Approx(0.15));
  CHECK(by[0].second.bias == Approx(-0.05));
  CHECK(by[1].first == "CS-3");
  CHECK(by[1].second.cases == 1);
  const std::string text = format_validation_table(rs, false);
  CHECK(text.find("  on CS-2 (2 case(s)): mean absolute error 15.0%, median 15.0%, max 20.0%; bias -5.0%") !=
        std::string::npos);
  CHECK(text.find("  on CS-3 (1 case(s)): mean absolute error 30.0%") != std::string::npos);
  CHECK(format_validation_json(rs).find("\"by_system\"") != std::string::npos);
  // One machine: the overall line says it all.
  for (auto& r : rs) r.c.system = "1 x CS-2";
  CHECK(summarize_by_machine(rs).empty());
  CHECK(format_validation_table(rs, false).find("  on CS-2") == std::string::npos);
  CHECK(format_validation_json(rs).find("by_system") == std::string::npos);
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
