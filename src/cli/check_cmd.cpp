// `wafersim check` (timing regression against baselines) and `wafersim validate` (published
// measurements vs simulated).
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "wafersim/check/baselines.hpp"
#include "wafersim/check/subprocess.hpp"
#include "wafersim/check/validation.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim::cli {

namespace {
struct CheckArgs {
  std::string file;
  std::string junit;
  std::string json;
  std::vector<std::string> only;
  bool update = false;
};
struct ValidateArgs {
  std::string file = WAFERSIM_SOURCE_DIR "/bench/validation.yaml";
  std::string json;
  std::vector<std::string> sets;
  bool markdown = false;
  bool uncertainty = false;
  int samples = 64;
};

}  // namespace

Runner add_check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  app.add_option("baselines", a->file, "Baselines file (e.g. bench/baselines.yaml)")->required();
  app.add_option("--junit", a->junit, "Write JUnit XML for CI systems");
  app.add_option("--json", a->json, "Write the results as JSON ('-' for stdout)");
  app.add_option("--case", a->only, "Run only this case (repeatable)");
  app.add_flag("--update", a->update,
               "Accept the new numbers: rewrite the baseline values and show the diff");
  return [a]() {
    const Baselines b = load_baselines(a->file);
    for (const auto& name : a->only) {
      bool found = false;
      for (const auto& c : b.cases) found = found || c.name == name;
      if (!found) throw UsageError(fmt::format("--case {}: no such case in {}", name, a->file));
    }
    const std::string exe = self_executable();
    std::vector<CaseResult> results;
    for (const auto& c : b.cases) {
      if (!a->only.empty() && std::find(a->only.begin(), a->only.end(), c.name) == a->only.end()) continue;
      if (a->json != "-") fmt::print(stderr, "check: {} ...\n", c.name);
      results.push_back(run_case(c, b.root, exe));
    }
    if (a->json != "-") fmt::print("{}", format_check_table(results));
    if (!a->junit.empty()) write_output("--junit", a->junit, format_check_junit(results));
    if (!a->json.empty()) write_output("--json", a->json, format_check_json(results));
    bool all = true;
    for (const auto& r : results) all = all && r.pass();
    if (a->update) {
      if (!a->only.empty()) throw UsageError("--update rewrites every case: do not combine it with --case");
      for (const auto& r : results)
        if (!r.ran)
          throw SimError(fmt::format("--update: case {} did not run ({}); nothing written", r.name, r.error));
      fmt::print("{}", update_baselines(b, results));
      return 0;
    }
    return all ? 0 : 1;
  };
}

Runner add_validate_command(CLI::App& app) {
  auto a = std::make_shared<ValidateArgs>();
  app.add_option("file", a->file, "Validation cases (default: bench/validation.yaml of the source tree)");
  app.add_option("--json", a->json, "Write the results as JSON ('-' for stdout)");
  app.add_option("--set", a->sets,
                 "Override a system parameter in every case (e.g. calibration.compute_efficiency=0.9)");
  app.add_flag("--markdown", a->markdown, "Print the table as Markdown (for docs/validation.md)");
  app.add_flag("--uncertainty", a->uncertainty,
               "Run every case with `run --uncertainty` and add its band and whether the published figure "
               "is inside it");
  app.add_option("--samples", a->samples, "--uncertainty: Latin-hypercube samples per case")
      ->capture_default_str();
  return [a]() {
    if (a->uncertainty && (a->samples < 8 || a->samples > 100000))
      throw UsageError(fmt::format("--samples {}: expected 8..100000", a->samples));
    const Validation v = load_validation(a->file);
    std::vector<std::string> extra;
    for (const auto& s : a->sets) {
      extra.push_back("--set");
      extra.push_back(s);
    }
    const std::string exe = self_executable();
    std::vector<ValidationResult> rs;
    for (const auto& c : v.cases)
      rs.push_back(run_validation_case(c, v.root, exe, extra, a->uncertainty ? a->samples : 0));
    if (a->json != "-") fmt::print("{}", format_validation_table(rs, a->markdown));
    if (!a->json.empty()) write_output("--json", a->json, format_validation_json(rs));
    for (const auto& r : rs)
      if (!r.ran) return 1;
    return 0;
  };
}

}  // namespace wafersim::cli
