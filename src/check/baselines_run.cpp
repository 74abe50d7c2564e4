// Running check cases and reporting them (table, JUnit XML, JSON) and --update.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "wafersim/check/baselines.hpp"
#include "wafersim/check/subprocess.hpp"
#include "wafersim/core/text.hpp"
#include "wafersim/report/escape.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim {

bool CaseResult::pass() const {
  if (!ran || !deterministic) return false;
  return std::all_of(metrics.begin(), metrics.end(), [](const MetricResult& m) { return m.pass; });
}

namespace {
// Whole numbers (bytes, counts) in full, so that --update writes what an exact (rel: 0)
// tolerance compares: 10 digits made 233,658,313,344 bytes 2.336583133e+11.
std::string number_text(double number) {
  return std::trunc(number) == number && std::fabs(number) < 9007199254740992.0
             ? fmt::format("{:.0f}", number)
             : fmt::format("{:.10g}", number);
}

bool lookup(const nlohmann::json& j, const std::string& path, std::string& out, bool& is_number,
            double& number) {
  if (j.is_discarded()) return false;
  const nlohmann::json* cur = &j;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (cur->is_object()) {
      auto it = cur->find(part);
      if (it == cur->end()) return false;
      cur = &*it;
    } else if (cur->is_array()) {
      std::size_t idx = 0;
      try {
        idx = std::stoul(part);
      } catch (const std::exception&) {
        // Arrays of named objects can also be indexed by name ("layers.block3").
        const auto it = std::find_if(cur->begin(), cur->end(), [&](const nlohmann::json& e) {
          return e.is_object() && e.contains("name") && e["name"] == part;
        });
        if (it == cur->end()) return false;
        cur = &*it;
        continue;
      }
      if (idx >= cur->size()) return false;
      cur = &(*cur)[idx];
    } else {
      return false;
    }
  }
  is_number = cur->is_number();
  if (is_number) {
    number = cur->get<double>();
    out = number_text(number);
  } else if (cur->is_string()) {
    out = cur->get<std::string>();
  } else {
    out = cur->dump();
  }
  return true;
}
}  // namespace

bool json_lookup(const std::string& text, const std::string& path, std::string& out, bool& is_number,
                 double& number) {
  return lookup(nlohmann::json::parse(text, nullptr, false), path, out, is_number, number);
}

CaseResult run_case(const CheckCase& c, const std::string& root, const std::string& wafersim) {
  CaseResult r;
  r.name = c.name;
  std::vector<std::string> outputs;
  for (const auto& v : c.variants) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(), v.begin(), v.end());
    args.push_back("--json");
    args.push_back("-");
    const ProcessResult p = run_process(wafersim, args, c.timeout_s, root);
    r.wall_s += p.wall_s;
    if (p.timed_out || p.exit_code != 0) {
      r.error = p.timed_out ? fmt::format("timed out after {} s", c.timeout_s)
                            : fmt::format("wafersim exited with {}{}: {}", p.exit_code,
                                          p.signal ? fmt::format(" (signal {})", p.signal) : "",
                                          p.err.substr(0, 400));
      return r;
    }
    outputs.push_back(p.out);
  }
  r.ran = true;
  for (std::size_t i = 1; i < outputs.size(); ++i) {
    if (outputs[i] != outputs[0]) {
      r.deterministic = false;
      std::size_t at = 0;
      while (at < outputs[0].size() && at < outputs[i].size() && outputs[0][at] == outputs[i][at]) ++at;
      r.determinism_detail = fmt::format("run {} differs from run 1 at byte {}", i + 1, at);
    }
  }
  const nlohmann::json report = nlohmann::json::parse(outputs.front(), nullptr, false);
  for (const auto& m : c.metrics) {
    MetricResult mr;
    mr.metric = m.path;
    mr.text = m.text;
    mr.baseline = m.text ? m.baseline_text : number_text(m.baseline);
    std::string now;
    bool is_num = false;
    double v = 0;
    if (!lookup(report, m.path, now, is_num, v)) {
      mr.verdict = "MISSING";
      mr.now = "-";
      r.metrics.push_back(mr);
      continue;
    }
    mr.now = now;
    mr.new_value = now;
    if (m.text || !is_num) {
      mr.pass = now == mr.baseline;
    } else {
      const double diff = v - m.baseline;
      mr.change = m.baseline != 0 ? diff / std::abs(m.baseline) : (diff == 0 ? 0 : INFINITY);
      mr.pass = std::abs(diff) <= m.abs || std::abs(diff) <= m.rel * std::abs(m.baseline);
    }
    mr.verdict = mr.pass ? "ok" : "CHANGED";
    r.metrics.push_back(mr);
  }
  return r;
}

std::string format_check_table(const std::vector<CaseResult>& results) {
  std::size_t cw = 4, mw = 6;
  for (const auto& r : results) {
    cw = std::max(cw, r.name.size());
    for (const auto& m : r.metrics) mw = std::max(mw, m.metric.size());
  }
  std::string o = fmt::format("{:<{}}  {:<{}}  {:>16}  {:>16}  {:>9}  {}\n", "case", cw, "metric", mw,
                              "baseline", "now", "change", "verdict");
  int failed = 0, total = 0;
  for (const auto& r : results) {
    if (!r.ran) {
      o += fmt::format("{:<{}}  {:<{}}  {:>16}  {:>16}  {:>9}  ERROR: {}\n", r.name, cw, "-", mw, "-", "-",
                       "-", r.error);
      ++failed;
      ++total;
      continue;
    }
    for (const auto& m : r.metrics) {
      o += fmt::format(
          "{:<{}}  {:<{}}  {:>16}  {:>16}  {:>9}  {}\n", r.name, cw, m.metric, mw, m.baseline, m.now,
          !m.text && (m.verdict == "ok" || m.verdict == "CHANGED") ? fmt::format("{:+.3f}%", 100 * m.change)
                                                                   : "-",
          m.verdict);
      ++total;
      failed += m.pass ? 0 : 1;
    }
    o += fmt::format("{:<{}}  {:<{}}  {:>16}  {:>16}  {:>9}  {}\n", r.name, cw, "determinism", mw,
                     "identical", r.deterministic ? "identical" : "differs", "-",
                     r.deterministic ? "ok" : "NONDETERMINISTIC: " + r.determinism_detail);
    ++total;
    failed += r.deterministic ? 0 : 1;
  }
  o += fmt::format("\n{} passed, {} failed\n", total - failed, failed);
  return o;
}

std::string format_check_junit(const std::vector<CaseResult>& results) {
  int tests = 0, failures = 0;
  std::string body;
  for (const auto& r : results) {
    auto testcase = [&](const std::string& name, bool pass, const std::string& msg) {
      ++tests;
      body += fmt::format("    <testcase classname=\"wafersim.check.{}\" name=\"{}\" time=\"{:.3f}\"",
                          xml_escape(r.name), xml_escape(name), r.wall_s);
      if (pass) {
        body += "/>\n";
      } else {
        ++failures;
        body += fmt::format("><failure message=\"{}\"/></testcase>\n", xml_escape(msg));
      }
    };
    if (!r.ran) {
      testcase("run", false, r.error);
      continue;
    }
    for (const auto& m : r.metrics)
      testcase(m.metric, m.pass,
               fmt::format("baseline {} now {} ({:+.3f}%)", m.baseline, m.now, 100 * m.change));
    testcase("determinism", r.deterministic, r.determinism_detail);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"wafersim check\" "
      "tests=\"{}\" "
      "failures=\"{}\">\n{}  </testsuite>\n</testsuites>\n",
      tests, failures, body);
}

std::string format_check_json(const std::vector<CaseResult>& results) {
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  int passed = 0, failed = 0;
  auto& cases = j["cases"] = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    nlohmann::ordered_json c;
    c["name"] = r.name;
    c["ran"] = r.ran;
    c["error"] = r.error;
    c["deterministic"] = r.deterministic;
    auto& ms = c["metrics"] = nlohmann::ordered_json::array();
    for (const auto& m : r.metrics)
      ms.push_back({{"metric", m.metric},
                    {"baseline", m.baseline},
                    {"now", m.now},
                    {"change", m.change},
                    {"verdict", m.verdict},
                    {"pass", m.pass}});
    c["pass"] = r.pass();
    (r.pass() ? passed : failed) += 1;
    cases.push_back(c);
  }
  j["passed"] = passed;
  j["failed"] = failed;
  return json_text(j, 2) + "\n";
}

std::string update_baselines(const Baselines& b, const std::vector<CaseResult>& results) {
  std::ifstream in(b.file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  struct Edit {
    int line, column;
    std::string value, label, old;
  };
  std::vector<Edit> edits;
  for (std::size_t i = 0; i < b.cases.size() && i < results.size(); ++i) {
    const auto& r = results[i];
    if (!r.ran) continue;
    for (std::size_t k = 0; k < b.cases[i].metrics.size() && k < r.metrics.size(); ++k) {
      const auto& m = b.cases[i].metrics[k];
      const auto& mr = r.metrics[k];
      if (mr.new_value.empty() || mr.new_value == mr.baseline) continue;
      edits.push_back({m.line, m.column, mr.new_value, r.name + " " + m.path, mr.baseline});
    }
  }
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& c) {
    return a.line != c.line ? a.line > c.line : a.column > c.column;
  });
  std::string diff;
  for (const auto& e : edits) {
    if (e.line < 1 || e.line > static_cast<int>(lines.size())) continue;
    std::string& l = lines[static_cast<std::size_t>(e.line - 1)];
    const auto start = static_cast<std::size_t>(e.column - 1);
    std::size_t end = start;
    while (end < l.size() && l[end] != ',' && l[end] != '}' && l[end] != ' ' && l[end] != '#') ++end;
    const std::string before = l;
    l.replace(start, end - start, e.value);
    diff = fmt::format("- {}:{}: {}\n+ {}:{}: {}\n", b.file, e.line, before, b.file, e.line, l) + diff;
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write_file_atomic(b.file, text);
  return diff.empty() ? "no baseline changed\n" : diff;
}

}  // namespace wafersim
