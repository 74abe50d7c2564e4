// Parsing of baselines files (bench/baselines.yaml):
//
//   root: ..                       # directory the cases run in, relative to this file
//   cases:
//     - name: gptj-6b-ws-2sys
//       args: [run, --model, models/gptj-6b.yaml, --systems, "2"]
//       variants: [[], []]         # optional; default: run twice with the same arguments
//       timeout: 120               # optional, seconds
//       metrics:
//         samples_per_s: {baseline: 38.9077, rel: 0.001}
//         bottleneck: {baseline: compute}
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "wafersim/check/baselines.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim {

namespace {

SourceLoc loc(const std::string& file, const YAML::Node& n) {
  const auto m = n.Mark();
  return source_loc(file, m.line, m.column);
}

[[noreturn]] void fail(const std::string& file, const YAML::Node& n, const std::string& key,
                       const std::string& what) {
  throw ConfigError(loc(file, n), key, what);
}

void check_keys(const std::string& file, const YAML::Node& map, const std::string& prefix,
                const std::set<std::string>& allowed) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const YAML::Node k = kv.first;
    const std::string name = k.Scalar();
    if (!allowed.count(name)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(file, k, prefix + name, "unknown key; expected one of: " + list);
    }
    if (!seen.insert(name).second) fail(file, k, prefix + name, "duplicated key");
  }
}

double number(const std::string& file, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(file, n, key, "expected a number");
  try {
    std::size_t used = 0;
    const double v = std::stod(n.Scalar(), &used);
    if (used != n.Scalar().size() || !std::isfinite(v)) throw std::invalid_argument("x");
    return v;
  } catch (const std::exception&) {
    fail(file, n, key, "expected a number, got '" + n.Scalar() + "'");
  }
}

std::vector<std::string> string_list(const std::string& file, const YAML::Node& n, const std::string& key) {
  if (!n.IsSequence()) fail(file, n, key, "expected a list of strings, e.g. [run, --systems, \"2\"]");
  std::vector<std::string> out;
  for (const auto& e : n) {
    if (!e.IsScalar()) fail(file, e, key, "expected a string");
    out.push_back(e.Scalar());
  }
  return out;
}

MetricCheck parse_metric(const std::string& file, const YAML::Node& key, const YAML::Node& v,
                         const std::string& prefix) {
  MetricCheck m;
  m.path = key.Scalar();
  const std::string where = prefix + m.path;
  if (!v.IsMap())
    fail(file, v, where, "expected {baseline: VALUE, rel: FRACTION} or {baseline: VALUE, abs: AMOUNT}");
  check_keys(file, v, where + ".", {"baseline", "rel", "abs"});
  const YAML::Node b = v["baseline"];
  if (!b) fail(file, v, where + ".baseline", "missing key");
  if (!b.IsScalar()) fail(file, b, where + ".baseline", "expected a number or a word");
  const auto mark = b.Mark();
  m.line = mark.line + 1;
  m.column = mark.column + 1;
  try {
    std::size_t used = 0;
    m.baseline = std::stod(b.Scalar(), &used);
    m.text = used != b.Scalar().size();
  } catch (const std::exception&) {
    m.text = true;
  }
  if (m.text) m.baseline_text = b.Scalar();
  if (v["rel"]) m.rel = number(file, v["rel"], where + ".rel");
  if (v["abs"]) m.abs = number(file, v["abs"], where + ".abs");
  if (m.rel < 0 || m.abs < 0) fail(file, v, where, "tolerances must not be negative");
  if (!m.text && !v["rel"] && !v["abs"])
    fail(file, v, where, "a numeric metric needs a tolerance: rel or abs");
  return m;
}

}  // namespace

Baselines load_baselines(const std::string& path) {
  namespace fs = std::filesystem;
  Baselines b;
  b.file = path;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw ConfigError(SourceLoc{path, 0, 0}, "", "is a directory, expected a baselines YAML file");
  const std::string text = read_text_file(path, "baselines file");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_loc(path, e.mark.line, e.mark.column), "", "YAML syntax error: " + e.msg);
  }
  try {
    if (!root || !root.IsMap())
      throw ConfigError(SourceLoc{path, 0, 0}, "", "expected a mapping with 'cases:'");
    check_keys(path, root, "", {"root", "cases"});
    const fs::path dir = fs::absolute(fs::path(path)).parent_path();
    b.root = (root["root"] ? (dir / root["root"].Scalar()) : dir).lexically_normal().string();
    const YAML::Node cases = root["cases"];
    if (!cases || !cases.IsSequence() || cases.size() == 0)
      fail(path, cases ? cases : root, "cases", "expected a non-empty list of cases");
    std::set<std::string> names;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const YAML::Node c = cases[i];
      const std::string prefix = "cases[" + std::to_string(i) + "].";
      if (!c.IsMap()) fail(path, c, "cases[" + std::to_string(i) + "]", "expected a mapping");
      check_keys(path, c, prefix, {"name", "args", "variants", "metrics", "timeout"});
      CheckCase cc;
      cc.line = c.Mark().line + 1;
      if (!c["name"] || !c["name"].IsScalar()) fail(path, c, prefix + "name", "missing or not a string");
      cc.name = c["name"].Scalar();
      if (!names.insert(cc.name).second)
        fail(path, c["name"], prefix + "name", "duplicated case name '" + cc.name + "'");
      if (!c["args"]) fail(path, c, prefix + "args", "missing key");
      cc.args = string_list(path, c["args"], prefix + "args");
      if (cc.args.empty()) fail(path, c["args"], prefix + "args", "expected at least the subcommand");
      if (c["variants"]) {
        if (!c["variants"].IsSequence() || c["variants"].size() < 2)
          fail(path, c["variants"], prefix + "variants", "expected a list of at least two argument lists");
        for (const auto& v : c["variants"]) cc.variants.push_back(string_list(path, v, prefix + "variants"));
      } else {
        cc.variants = {{}, {}};
      }
      if (c["timeout"]) {
        cc.timeout_s = number(path, c["timeout"], prefix + "timeout");
        if (cc.timeout_s <= 0)
          fail(path, c["timeout"], prefix + "timeout", "expected a positive number of seconds");
      }
      const YAML::Node m = c["metrics"];
      if (!m || !m.IsMap() || m.size() == 0)
        fail(path, m ? m : c, prefix + "metrics", "expected a mapping of metrics");
      std::set<std::string> seen;
      for (const auto& kv : m) {
        const YAML::Node k = kv.first;
        if (!seen.insert(k.Scalar()).second)
          fail(path, k, prefix + "metrics." + k.Scalar(), "duplicated key");
        cc.metrics.push_back(parse_metric(path, k, kv.second, prefix + "metrics."));
      }
      b.cases.push_back(std::move(cc));
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_loc(path, e.mark.line, e.mark.column), "", std::string("malformed: ") + e.msg);
  }
  return b;
}

}  // namespace wafersim
