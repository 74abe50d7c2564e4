// The baselines file (check): what it loads, what is refused at file:line, and the JSON
// lookup the comparison uses.
#include "wafersim/check/baselines.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"

using namespace wafersim;

namespace {
std::string write(const test::TempDir& dir, const std::string& text) {
  const std::string path = (dir.path() / "baselines.yaml").string();
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("a baselines file loads its cases, metrics and tolerances", "[check]") {
  const test::TempDir dir;
  const Baselines b = load_baselines(write(dir,
                                           "root: .\n"
                                           "cases:\n"
                                           "  - name: one\n"
                                           "    args: [run, --batch, \"8\"]\n"
                                           "    metrics:\n"
                                           "      samples_per_s: {baseline: 12.5, rel: 0.01}\n"
                                           "      bottleneck: {baseline: compute}\n"
                                           "      micro_batches: {baseline: 2, abs: 0}\n"));
  REQUIRE(b.cases.size() == 1);
  const CheckCase& c = b.cases[0];
  CHECK(c.name == "one");
  CHECK(c.args == std::vector<std::string>{"run", "--batch", "8"});
  REQUIRE(c.metrics.size() == 3);
  CHECK(c.metrics[0].path == "samples_per_s");
  CHECK(c.metrics[0].baseline == Approx(12.5));
  CHECK(c.metrics[0].rel == Approx(0.01));
  CHECK(c.metrics[0].line == 6);
  CHECK(c.metrics[1].text);
  CHECK(c.metrics[1].baseline_text == "compute");
  CHECK(c.metrics[2].abs == 0);
}

TEST_CASE("a malformed baselines file is a ConfigError at its line", "[check]") {
  const test::TempDir dir;
  auto error_of = [&](const std::string& text) {
    try {
      load_baselines(write(dir, text));
    } catch (const ConfigError& e) {
      return e;
    }
    FAIL("expected a ConfigError for:\n" << text);
    throw;
  };
  const ConfigError tol =
      error_of("cases:\n  - name: one\n    args: [run]\n    metrics:\n      samples_per_s: {baseline: 1}\n");
  CHECK(tol.loc().line == 5);
  const ConfigError syntax = error_of("cases: [\n");
  CHECK(syntax.detail().find("YAML") != std::string::npos);
  const ConfigError missing = error_of("root: .\n");
  CHECK(missing.loc().file.find("baselines.yaml") != std::string::npos);
}

TEST_CASE("json_lookup follows dotted paths into objects and arrays", "[check]") {
  const std::string j = R"({"a": {"b": [10, {"c": "x"}]}, "n": 2.5})";
  std::string out;
  bool is_number = false;
  double number = 0;
  REQUIRE(json_lookup(j, "n", out, is_number, number));
  CHECK(is_number);
  CHECK(number == Approx(2.5));
  REQUIRE(json_lookup(j, "a.b.0", out, is_number, number));
  CHECK(number == Approx(10));
  REQUIRE(json_lookup(j, "a.b.1.c", out, is_number, number));
  CHECK_FALSE(is_number);
  CHECK(out == "x");
  CHECK_FALSE(json_lookup(j, "a.z", out, is_number, number));
  CHECK_FALSE(json_lookup(j, "a.b.5", out, is_number, number));
}

TEST_CASE("json_lookup writes whole numbers in full, so --update keeps exact baselines exact", "[check]") {
  const std::string j = R"({"bytes": 233658313344.0, "rate": 2019.3885221234, "big": 1e300})";
  std::string out;
  bool is_number = false;
  double number = 0;
  REQUIRE(json_lookup(j, "bytes", out, is_number, number));
  CHECK(out == "233658313344");  // 10 significant digits would write 2.336583133e+11
  CHECK(std::stod(out) == number);
  REQUIRE(json_lookup(j, "rate", out, is_number, number));
  CHECK(out == "2019.388522");
  REQUIRE(json_lookup(j, "big", out, is_number, number));
  CHECK(out == "1e+300");
}
