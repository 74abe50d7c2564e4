#pragma once
// Timing regression for CI: a baselines file names canonical cases (wafersim command lines)
// and, per case, the metrics to guard with a tolerance. `check` reruns every case through the
// real binary (twice, or once per listed variant: the JSON must be byte-identical), compares,
// and reports; `--update` rewrites the baseline values in place (comments kept).
#include <string>
#include <vector>

namespace wafersim {

struct MetricCheck {
  std::string path;   // dotted JSON path: "samples_per_s", "utilization.io", "stages.3.busy"
  bool text = false;  // compared exactly (e.g. "bottleneck")
  double baseline = 0;
  std::string baseline_text;
  double rel = 0;  // allowed relative change (0.01 = 1%)
  double abs = 0;  // allowed absolute change
  int line = 0;    // of the baseline value in the file (1-based), for --update
  int column = 0;
};

struct CheckCase {
  std::string name;
  std::vector<std::string> args;                   // wafersim arguments (JSON to stdout is added)
  std::vector<std::vector<std::string>> variants;  // extra arguments per run; outputs must match
  std::vector<MetricCheck> metrics;
  double timeout_s = 300;
  int line = 0;
};

struct Baselines {
  std::string file;
  std::string root;  // directory the cases run in (paths in args are relative to it)
  std::vector<CheckCase> cases;
};

// ConfigError naming file:line and the key for any malformed entry.
Baselines load_baselines(const std::string& path);

struct MetricResult {
  std::string metric;
  std::string baseline;
  std::string now;
  double change = 0;  // relative (now - baseline) / |baseline|; 0 for text
  bool pass = false;
  std::string verdict;    // ok | CHANGED | MISSING
  std::string new_value;  // for --update
  bool text = false;
};

struct CaseResult {
  std::string name;
  bool ran = false;
  std::string error;
  bool deterministic = true;
  std::string determinism_detail;
  std::vector<MetricResult> metrics;
  double wall_s = 0;
  bool pass() const;
};

CaseResult run_case(const CheckCase& c, const std::string& root, const std::string& wafersim);

// Looks up a dotted path in a JSON document; returns false when absent.
bool json_lookup(const std::string& json_text, const std::string& path, std::string& out, bool& is_number,
                 double& number);

std::string format_check_table(const std::vector<CaseResult>& results);
std::string format_check_junit(const std::vector<CaseResult>& results);
std::string format_check_json(const std::vector<CaseResult>& results);
// Rewrites the baseline values of `b.file` with the results' new values; returns a diff.
std::string update_baselines(const Baselines& b, const std::vector<CaseResult>& results);

}  // namespace wafersim
