#include "wafersim/check/validation.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "wafersim/check/baselines.hpp"
#include "wafersim/check/subprocess.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim {

namespace {
SourceLoc loc(const std::string& f, const YAML::Node& n) {
  return source_loc(f, n.Mark().line, n.Mark().column);
}
}  // namespace

Validation load_validation(const std::string& path) {
  namespace fs = std::filesystem;
  Validation v;
  v.file = path;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw ConfigError(SourceLoc{path, 0, 0}, "", "is a directory, expected a YAML file");
  const std::string text = read_text_file(path, "validation file");
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root || !root.IsMap() || !root["cases"] || !root["cases"].IsSequence())
      throw ConfigError(SourceLoc{path, 0, 0}, "cases", "expected a mapping with a 'cases:' list");
    const fs::path dir = fs::absolute(fs::path(path)).parent_path();
    v.root = (root["root"] ? dir / root["root"].Scalar() : dir).lexically_normal().string();
    const std::set<std::string> allowed = {"name",      "source", "system",      "release",
                                           "date",      "note",   "args",        "metric",
                                           "published", "unit",   "calibration", "timeout"};
    for (std::size_t i = 0; i < root["cases"].size(); ++i) {
      const YAML::Node c = root["cases"][i];
      const std::string p = "cases[" + std::to_string(i) + "].";
      if (!c.IsMap()) throw ConfigError(loc(path, c), p, "expected a mapping");
      for (const auto& kv : c)
        if (!allowed.count(kv.first.Scalar()))
          throw ConfigError(loc(path, kv.first), p + kv.first.Scalar(), "unknown key");
      for (const char* k : {"name", "source", "args", "published"})
        if (!c[k]) throw ConfigError(loc(path, c), p + k, "missing key");
      ValidationCase vc;
      vc.name = c["name"].Scalar();
      vc.source = c["source"].Scalar();
      for (auto [key, field] : {std::pair{"system", &vc.system}, std::pair{"release", &vc.release},
                                std::pair{"date", &vc.date}, std::pair{"note", &vc.note}})
        if (c[key]) {
          if (!c[key].IsScalar()) throw ConfigError(loc(path, c[key]), p + key, "expected text");
          *field = c[key].Scalar();
        }
      if (!c["args"].IsSequence())
        throw ConfigError(loc(path, c["args"]), p + "args", "expected a list of strings");
      for (const auto& a : c["args"]) vc.args.push_back(a.Scalar());
      if (c["metric"]) vc.metric = c["metric"].Scalar();
      vc.published = c["published"].as<double>();
      if (!(vc.published > 0) || !std::isfinite(vc.published))
        throw ConfigError(loc(path, c["published"]), p + "published", "expected a positive number");
      if (c["unit"]) vc.unit = c["unit"].Scalar();
      if (c["calibration"]) vc.calibration = c["calibration"].as<bool>();
      if (c["timeout"]) {
        vc.timeout_s = c["timeout"].as<double>();
        if (!(vc.timeout_s > 0) || !std::isfinite(vc.timeout_s))
          throw ConfigError(loc(path, c["timeout"]), p + "timeout", "expected a positive number of seconds");
      }
      v.cases.push_back(std::move(vc));
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(SourceLoc{path, e.mark.line + 1, e.mark.column + 1}, "",
                      std::string("malformed: ") + e.msg);
  }
  if (v.cases.empty()) throw ConfigError(SourceLoc{path, 0, 0}, "cases", "no cases");
  return v;
}

ValidationResult run_validation_case(const ValidationCase& c, const std::string& root,
                                     const std::string& wafersim, const std::vector<std::string>& extra_args,
                                     int uncertainty_samples) {
  ValidationResult r;
  r.c = c;
  std::vector<std::string> args = c.args;
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  if (uncertainty_samples > 0) {
    args.insert(args.end(), {"--uncertainty", "--samples", std::to_string(uncertainty_samples)});
  }
  args.push_back("--json");
  args.push_back("-");
  const ProcessResult p = run_process(wafersim, args, c.timeout_s, root);
  if (p.timed_out || p.exit_code != 0) {
    r.error_text = p.timed_out ? "timed out" : fmt::format("exit {}: {}", p.exit_code, p.err.substr(0, 300));
    return r;
  }
  std::string text;
  bool is_num = false;
  double v = 0;
  if (!json_lookup(p.out, c.metric, text, is_num, v) || !is_num) {
    r.error_text = "metric " + c.metric + " not in the report";
    return r;
  }
  r.ran = true;
  r.simulated = v;
  r.error = (v - c.published) / c.published;
  double lo = 0, hi = 0;
  // A band only of the case's own metric (infer's is of tokens/s per user, not of its TTFT).
  std::string band_metric;
  bool text_metric = false;
  if (uncertainty_samples > 0 && json_lookup(p.out, "uncertainty.metric", band_metric, text_metric, lo) &&
      band_metric == c.metric && json_lookup(p.out, "uncertainty.low", text, is_num, lo) && is_num &&
      json_lookup(p.out, "uncertainty.high", text, is_num, hi) && is_num) {
    r.has_band = true;
    r.band_lo = lo;
    r.band_hi = hi;
    if (json_lookup(p.out, "uncertainty.validation.low", text, is_num, lo) && is_num &&
        json_lookup(p.out, "uncertainty.validation.high", text, is_num, hi) && is_num) {
      r.has_interval = true;
      r.interval_lo = lo;
      r.interval_hi = hi;
    }
  }
  return r;
}

ValidationSummary summarize_validation(const std::vector<ValidationResult>& rs) {
  ValidationSummary s;
  std::vector<double> abs_errors;
  double sum = 0, signed_sum = 0;
  for (const auto& r : rs)
    if (r.ran) {
      abs_errors.push_back(std::abs(r.error));
      sum += std::abs(r.error);
      signed_sum += r.error;
      s.max_abs = std::max(s.max_abs, std::abs(r.error));
    }
  s.cases = static_cast<int>(abs_errors.size());
  if (s.cases == 0) return s;
  std::vector<double> half;
  for (const auto& r : rs)
    if (r.ran && r.has_band) {
      ++s.banded;
      s.inside += r.inside() ? 1 : 0;
      half.push_back(0.5 * (r.band_hi - r.band_lo) / r.simulated);
    }
  for (const auto& r : rs)
    if (r.ran && r.has_interval) {
      ++s.with_interval;
      s.inside_interval += r.inside_interval() ? 1 : 0;
    }
  if (!half.empty()) {
    std::sort(half.begin(), half.end());
    const std::size_t m = half.size();
    s.median_half_width = m % 2 ? half[m / 2] : 0.5 * (half[m / 2 - 1] + half[m / 2]);
  }
  std::sort(abs_errors.begin(), abs_errors.end());
  const std::size_t n = abs_errors.size();
  s.median_abs = n % 2 ? abs_errors[n / 2] : 0.5 * (abs_errors[n / 2 - 1] + abs_errors[n / 2]);
  s.mean_abs = sum / s.cases;
  s.bias = signed_sum / s.cases;
  return s;
}

std::string validation_machine(const std::string& system) {
  std::string s = system;
  const auto x = s.find(" x ");
  if (x != std::string::npos && x > 0 &&
      std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(x),
                  [](char ch) { return ch >= '0' && ch <= '9'; }))
    s = s.substr(x + 3);
  s = s.substr(0, s.find_first_of(" (,"));
  return s.empty() ? "unspecified" : s;
}

std::vector<std::pair<std::string, ValidationSummary>> summarize_by_machine(
    const std::vector<ValidationResult>& rs) {
  // The cases by machine, in the order the machines first appear.
  std::vector<std::pair<std::string, std::vector<ValidationResult>>> groups;
  for (const auto& r : rs) {
    const std::string m = validation_machine(r.c.system);
    const auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == m; });
    (g != groups.end() ? g->second : groups.emplace_back(m, std::vector<ValidationResult>{}).second)
        .push_back(r);
  }
  std::vector<std::pair<std::string, ValidationSummary>> out;
  if (groups.size() < 2) return out;
  for (const auto& [m, group] : groups)
    if (const ValidationSummary s = summarize_validation(group); s.cases > 0) out.emplace_back(m, s);
  return out;
}

namespace {
// The summary of the cases not used to fit the calibration parameters (calibration: false),
// when some are held out and some are not, and one of them ran.
std::optional<ValidationSummary> held_out_summary(const std::vector<ValidationResult>& rs) {
  std::vector<ValidationResult> h;
  for (const auto& r : rs)
    if (!r.c.calibration) h.push_back(r);
  if (h.empty() || h.size() == rs.size()) return std::nullopt;
  const ValidationSummary x = summarize_validation(h);
  if (x.cases == 0) return std::nullopt;
  return x;
}

// Two decimals, or four significant digits for small values (seconds per layer, 1.157e-05).
std::string figure(double v) {
  return std::abs(v) >= 0.01 || v == 0 ? fmt::format("{:.2f}", v) : fmt::format("{:.4g}", v);
}
}  // namespace

std::string format_validation_table(const std::vector<ValidationResult>& rs, bool md) {
  const bool bands = std::any_of(rs.begin(), rs.end(), [](const ValidationResult& r) { return r.has_band; });
  // The validation interval's column when a case has one (training runs with --uncertainty).
  const bool intervals =
      std::any_of(rs.begin(), rs.end(), [](const ValidationResult& r) { return r.has_interval; });
  std::size_t name_w = 4;  // the case column as wide as the longest name
  for (const auto& r : rs) name_w = std::max(name_w, r.c.name.size());
  std::string o;
  if (md)
    o += fmt::format(
        "| case | published | simulated | error |{}{} used for calibration | source |\n"
        "|---|---|---|---|{}{}---|---|\n",
        bands ? " band (5..95%) | in band |" : "", intervals ? " in validation interval |" : "",
        bands ? "---|---|" : "", intervals ? "---|" : "");
  else
    o += fmt::format("{:<{}} {:>12} {:>12} {:>9}  {}{}{:<5}  {}\n", "case", name_w, "published", "simulated",
                     "error", bands ? fmt::format("{:>19} {:<3}  ", "band (5..95%)", "in") : "",
                     intervals ? fmt::format("{:<8}  ", "interval") : "", "calib", "source");
  for (const auto& r : rs) {
    const std::string sim = r.ran ? figure(r.simulated) : "failed";
    const std::string err = r.ran ? fmt::format("{:+.1f}%", 100 * r.error) : r.error_text;
    const std::string band = r.has_band ? fmt::format("{:.2f} .. {:.2f}", r.band_lo, r.band_hi) : "-";
    const std::string in = r.has_band ? (r.inside() ? "yes" : "no") : "-";
    const std::string in_interval = r.has_interval ? (r.inside_interval() ? "yes" : "no") : "-";
    if (md)
      o += fmt::format("| {} | {} {} | {} | {} |{}{} {} | {} |\n", r.c.name, figure(r.c.published), r.c.unit,
                       sim, err, bands ? fmt::format(" {} | {} |", band, in) : "",
                       intervals ? fmt::format(" {} |", in_interval) : "", r.c.calibration ? "yes" : "no",
                       r.c.source);
    else
      o += fmt::format("{:<{}} {:>12} {:>12} {:>9}  {}{}{:<5}  {}\n", r.c.name, name_w, figure(r.c.published),
                       sim, err, bands ? fmt::format("{:>19} {:<3}  ", band, in) : "",
                       intervals ? fmt::format("{:<8}  ", in_interval) : "", r.c.calibration ? "yes" : "no",
                       r.c.source);
  }
  const ValidationSummary s = summarize_validation(rs);
  // The error is (simulated - published) / published: below zero a rate is slower, a time faster.
  const bool times =
      std::any_of(rs.begin(), rs.end(), [](const ValidationResult& r) { return r.c.unit == "s"; });
  o += fmt::format(
      "\nover {} case(s): mean absolute error {:.1f}%, median {:.1f}%, max {:.1f}%; bias {:+.1f}% "
      "(negative: simulated {})\n",
      s.cases, 100 * s.mean_abs, 100 * s.median_abs, 100 * s.max_abs, 100 * s.bias,
      times ? "below measured: slower for a rate, faster for a time (unit s)" : "slower than measured");
  for (const auto& [machine, m] : summarize_by_machine(rs))
    o += fmt::format(
        "  on {} ({} case(s)): mean absolute error {:.1f}%, median {:.1f}%, max {:.1f}%; bias {:+.1f}%\n",
        machine, m.cases, 100 * m.mean_abs, 100 * m.median_abs, 100 * m.max_abs, 100 * m.bias);
  if (s.banded > 0)
    o += fmt::format("published figure inside its band in {} of {} case(s); median band half-width {:.1f}%\n",
                     s.inside, s.banded, 100 * s.median_half_width);
  if (s.with_interval > 0)
    o += fmt::format(
        "published figure inside the validation interval (calibration.model_error) in {} of {} case(s); "
        "of the cases it was fitted to this is in-sample: scripts/calibrate.py gives the leave-one-out "
        "coverage\n",
        s.inside_interval, s.with_interval);
  if (const auto x = held_out_summary(rs))
    o += fmt::format(
        "held out of the calibration ({} case(s) with calibration: false): mean absolute error {:.1f}%, "
        "max {:.1f}%, bias {:+.1f}%\n",
        x->cases, 100 * x->mean_abs, 100 * x->max_abs, 100 * x->bias);
  return o;
}

std::string format_validation_json(const std::vector<ValidationResult>& rs) {
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  auto& cases = j["cases"] = nlohmann::ordered_json::array();
  for (const auto& r : rs) {
    cases.push_back({{"name", r.c.name},
                     {"source", r.c.source},
                     {"system", r.c.system},
                     {"release", r.c.release},
                     {"date", r.c.date},
                     {"note", r.c.note},
                     {"metric", r.c.metric},
                     {"published", r.c.published},
                     {"simulated", r.simulated},
                     {"error", r.error},
                     {"ran", r.ran},
                     {"error_text", r.error_text},
                     {"calibration", r.c.calibration}});
    if (r.has_band) {
      cases.back()["band"] = {r.band_lo, r.band_hi};
      cases.back()["inside_band"] = r.inside();
    }
    if (r.has_interval) {
      cases.back()["validation_interval"] = {r.interval_lo, r.interval_hi};
      cases.back()["inside_validation_interval"] = r.inside_interval();
    }
  }
  const ValidationSummary s = summarize_validation(rs);
  j["cases_ran"] = s.cases;
  j["mean_abs_error"] = s.mean_abs;
  j["median_abs_error"] = s.median_abs;
  j["max_abs_error"] = s.max_abs;
  j["bias"] = s.bias;
  if (const auto machines = summarize_by_machine(rs); !machines.empty()) {
    auto& by = j["by_system"] = nlohmann::ordered_json::array();
    for (const auto& [machine, m] : machines)
      by.push_back({{"system", machine},
                    {"cases_ran", m.cases},
                    {"mean_abs_error", m.mean_abs},
                    {"median_abs_error", m.median_abs},
                    {"max_abs_error", m.max_abs},
                    {"bias", m.bias}});
  }
  if (s.banded > 0) {
    j["cases_banded"] = s.banded;
    j["cases_inside_band"] = s.inside;
    j["median_band_half_width"] = s.median_half_width;
  }
  if (s.with_interval > 0) {
    j["cases_with_validation_interval"] = s.with_interval;
    j["cases_inside_validation_interval"] = s.inside_interval;
  }
  if (const auto x = held_out_summary(rs))
    j["held_out"] = {{"cases_ran", x->cases},
                     {"mean_abs_error", x->mean_abs},
                     {"median_abs_error", x->median_abs},
                     {"max_abs_error", x->max_abs},
                     {"bias", x->bias}};
  return json_text(j, 2) + "\n";
}

}  // namespace wafersim
