// Sweep file parsing. Each key is parsed in exactly one place; every error is a ConfigError
// naming the sweep file, the line and the key path, raised before any point runs.
#include "wafersim/sweep/sweep_spec.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "axis_values.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"
#include "wafersim/core/units.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/model_spec.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::sweep {
namespace {

// Every option a sweep may set at the top level (and, but the files, vary on an axis), in
// the order the error messages list them, with the command it belongs to: a new option is one
// row here, and the sets and messages below follow.
enum class For { both, run, infer };
struct OptionRow {
  const char* name;
  For command;
  bool axis;  // a run option an axis may vary (request_trace, prefill_system: a file for every point)
};
constexpr OptionRow kOptionTable[] = {
    {"mode", For::run, true},
    {"systems", For::both, true},
    {"batch", For::both, true},
    {"seq", For::run, true},
    {"steps", For::run, true},
    {"micro_batch", For::run, true},
    {"prompt", For::infer, true},
    {"generate", For::infer, true},
    {"wafer_io", For::infer, true},
    {"layout", For::infer, true},
    {"weight_bits", For::infer, true},
    {"expert_bits", For::infer, true},
    {"kv_bits", For::infer, true},
    {"arrival_rate", For::infer, true},
    {"requests", For::infer, true},
    {"prefill_chunk", For::infer, true},
    {"prompt_min", For::infer, true},
    {"generate_min", For::infer, true},
    {"replicas", For::infer, true},
    {"routing", For::infer, true},
    {"replica_systems", For::infer, true},
    {"prefill_replicas", For::infer, true},
    {"prefill_systems", For::infer, true},
    {"prefill_batch", For::infer, true},
    {"slo_ttft_p99", For::infer, true},
    {"slo_tbt_p99", For::infer, true},
    {"slo_tpot_p99", For::infer, true},
    {"request_trace", For::infer, false},
    {"prefill_system", For::infer, false},
};

std::set<std::string> option_set(bool (*keep)(const OptionRow&)) {
  std::set<std::string> out;
  for (const auto& row : kOptionTable)
    if (keep(row)) out.insert(row.name);
  return out;
}
// The run options (each may be an axis), and those of one command only (the others are errors:
// they would be silently ignored).
const std::set<std::string> kRunOptions = option_set([](const OptionRow& r) { return r.axis; });
const std::set<std::string> kTrainOnly = option_set([](const OptionRow& r) { return r.command == For::run; });
const std::set<std::string> kInferOnly =
    option_set([](const OptionRow& r) { return r.command == For::infer; });

// "name, command, ..., request_trace, set, axes, ...": every top-level key, in table order.
std::string known_keys() {
  std::string out = "name, command, system, model";
  for (const auto& row : kOptionTable) out += std::string(", ") + row.name;
  return out + ", set, axes, grid, random, seed, zip, where, pareto";
}
// "systems, batch, ... and slo_tpot_p99": the run options of `command: infer`.
std::string infer_options() {
  std::vector<std::string> names;
  for (const auto& row : kOptionTable)
    if (row.axis && row.command != For::run) names.emplace_back(row.name);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

// Bits per stored value (infer --weight-bits, --kv-bits): the model's operands are at most 32.
bool valid_bits(double b) { return b >= 1 && b <= 32; }

class Parser {
 public:
  Parser(std::string file, std::string base_dir) : file_(std::move(file)), base_(std::move(base_dir)) {}

  SourceLoc loc(const YAML::Node& n) const {
    const auto m = n.Mark();
    return m.is_null() ? SourceLoc{file_, 0, 0} : source_loc(file_, m.line, m.column);
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& key, const std::string& what) const {
    throw ConfigError(loc(n), key, what);
  }
  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, "expected a single value");
    if (!valid_utf8(n.Scalar())) fail(n, key, "expected UTF-8 text");
    return n.Scalar();
  }
  long long integer(const YAML::Node& n, const std::string& key, long long min,
                    long long max = std::numeric_limits<int>::max()) const {
    const std::string s = scalar(n, key);
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size() || s.empty()) fail(n, key, fmt::format("expected an integer, got \"{}\"", s));
    if (v < min) fail(n, key, fmt::format("must be >= {}, got {}", min, v));
    if (v > max) fail(n, key, fmt::format("must be <= {}, got {}", max, v));
    return v;
  }
  std::string path(const YAML::Node& n, const std::string& key) const {
    return resolve(n, key, scalar(n, key));
  }
  std::string resolve(const YAML::Node& n, const std::string& key, const std::string& p) const {
    if (p.empty() || p == "builtin" || p == "built-in") return {};
    const std::filesystem::path fp(p);
    const auto resolved = fp.is_absolute() ? fp : std::filesystem::path(base_) / fp;
    std::error_code ec;
    if (!std::filesystem::exists(resolved, ec))
      fail(n, key,
           ec ? fmt::format("cannot access {}: {}", resolved.string(), ec.message())
              : fmt::format("file not found: {} (paths are relative to the sweep file)", resolved.string()));
    return resolved.lexically_normal().string();
  }

  SweepSpec parse(const YAML::Node& root, bool validate_values) {
    SweepSpec s;
    s.file = file_;
    s.name = std::filesystem::path(file_).stem().string();
    if (!root.IsMap()) fail(root, "", "a sweep file is a mapping (system, model, axes, ...)");
    // Kept until every key is read: axes first, then zip and where that refer to them.
    std::optional<YAML::Node> axes_node, zip_node, where_node;
    std::set<std::string> seen;
    // Options set at the top level, checked against the command once every key is read.
    std::vector<std::pair<std::string, YAML::Node>> options_set;
    for (const auto& kv : root) {
      const YAML::Node k = kv.first;
      const YAML::Node v = kv.second;
      const std::string key = scalar(k, "");
      if (!seen.insert(key).second) fail(k, key, "duplicated key");
      if (kRunOptions.count(key) != 0) options_set.emplace_back(key, k);
      if (key == "name")
        s.name = scalar(v, key);
      else if (key == "command") {
        s.command = scalar(v, key);
        if (s.command != "run" && s.command != "infer")
          fail(v, key, fmt::format("expected run or infer, got \"{}\"", s.command));
      } else if (key == "system")
        s.system_file = path(v, key);
      else if (key == "model")
        s.model_file = path(v, key);
      else if (key == "request_trace") {  // infer: serve a trace at every point
        s.request_trace = path(v, key);
        options_set.emplace_back(key, k);
      } else if (key == "prefill_system") {  // infer: the prefill replicas' machine at every point
        s.prefill_system = system_file(v, key, scalar(v, key), validate_values);
        options_set.emplace_back(key, k);
      } else if (key == "mode")
        s.mode = check_mode(v, key, scalar(v, key));
      else if (key == "micro_batch")
        s.micro_batch = check_micro_batch(v, key, scalar(v, key));
      else if (key == "wafer_io")
        s.wafer_io = check_wafer_io(v, key, scalar(v, key));
      else if (key == "layout")
        s.layout = check_layout(v, key, scalar(v, key));
      else if (key == "weight_bits")
        s.weight_bits = real(v, key);
      else if (key == "expert_bits")
        s.expert_bits = real(v, key);
      else if (key == "kv_bits")
        s.kv_bits = real(v, key);
      else if (key == "arrival_rate")
        s.arrival_rate = real(v, key);
      else if (key == "requests")
        s.requests = static_cast<int>(integer(v, key, 1, 1000000));
      else if (key == "prefill_chunk")
        s.prefill_chunk = static_cast<int>(integer(v, key, 0, 1000000));  // 0: whole prompts
      else if (key == "replicas")
        s.replicas = static_cast<int>(integer(v, key, 1, kMaxReplicas));
      else if (key == "slo_ttft_p99")
        s.slo_ttft_p99 = check_real(v, key, key, real(v, key));
      else if (key == "slo_tbt_p99")
        s.slo_tbt_p99 = check_real(v, key, key, real(v, key));
      else if (key == "slo_tpot_p99")
        s.slo_tpot_p99 = check_real(v, key, key, real(v, key));
      else if (key == "prefill_replicas")
        s.prefill_replicas = static_cast<int>(integer(v, key, 0, kMaxReplicas));
      else if (key == "prefill_systems")
        s.prefill_systems = static_cast<int>(integer(v, key, 0, 100000));
      else if (key == "prefill_batch")
        s.prefill_batch = static_cast<int>(integer(v, key, 0, std::numeric_limits<int>::max()));
      else if (key == "routing")
        s.routing = check_routing(v, key, scalar(v, key));
      else if (key == "replica_systems")
        s.replica_systems = check_replica_systems(v, key, scalar(v, key));
      else if (key == "prompt_min")
        s.prompt_min = static_cast<int>(integer(v, key, 0, std::numeric_limits<int>::max()));  // 0: fixed
      else if (key == "generate_min")
        s.generate_min = static_cast<int>(integer(v, key, 0, std::numeric_limits<int>::max()));
      else if (key == "systems")
        s.systems = static_cast<int>(integer(v, key, 1));
      else if (key == "batch")
        s.batch = static_cast<int>(integer(v, key, 1));
      else if (key == "seq")
        s.seq = static_cast<int>(integer(v, key, 1));
      else if (key == "steps")
        s.steps = static_cast<int>(integer(v, key, 2));
      else if (key == "prompt")
        s.prompt = static_cast<int>(integer(v, key, 1));
      else if (key == "generate")
        s.generate = static_cast<int>(integer(v, key, 1));
      else if (key == "set")
        parse_sets(v, s);
      else if (key == "axes")
        axes_node = v;
      else if (key == "zip")
        zip_node = v;
      else if (key == "where")
        where_node = v;
      else if (key == "grid") {
        if (scalar(v, key) != "true") fail(v, key, "grid: true is the default; use random: N to sample");
      } else if (key == "random")
        s.random_points =
            static_cast<std::uint64_t>(integer(v, key, 1, std::numeric_limits<long long>::max()));
      else if (key == "seed")
        s.seed = static_cast<std::uint64_t>(integer(v, key, 0, std::numeric_limits<long long>::max()));
      else if (key == "pareto") {
        s.pareto = scalar(v, key);
        s.pareto_line = loc(v).line;
      } else
        fail(k, key, "unknown key (expected " + known_keys() + ")");
    }
    for (const auto& [name, node] : options_set) check_option_of_command(s, node, name, name);
    if (!axes_node || !axes_node->IsMap() || axes_node->size() == 0)
      fail(axes_node ? *axes_node : root, "axes", "expected a mapping of at least one axis: path: [values]");
    for (const auto& kv : *axes_node) parse_axis(kv.first, kv.second, s, validate_values);
    if (zip_node) parse_zip(*zip_node, s);
    if (where_node) parse_where(*where_node, s);
    return s;
  }

 private:
  // `seq` in an infer sweep, `prompt` in a training sweep: an error, not a silently ignored value.
  void check_option_of_command(const SweepSpec& s, const YAML::Node& n, const std::string& key,
                               const std::string& option) const {
    if (s.command == "infer" && kTrainOnly.count(option) != 0)
      fail(n, key,
           fmt::format("{} is an option of training runs; `command: infer` takes {}", option,
                       infer_options()));
    if (s.command == "run" && kInferOnly.count(option) != 0)
      fail(n, key, fmt::format("{} is an option of inference: add `command: infer`", option));
  }

  std::string check_micro_batch(const YAML::Node& n, const std::string& key, const std::string& m) const {
    MicroBatchSetting mbs;
    if (!parse_micro_batch(m, mbs))
      fail(n, key, fmt::format("expected {}, got \"{}\"", kMicroBatchExpected, m));
    return to_string(mbs);  // one spelling per value: "Auto" and "auto" are one point
  }

  // Systems per replica, "8+4" or "8,4" (replicas of different sizes: `infer --replica-systems`),
  // spelled "8+4": one spelling per value, one point.
  std::string check_replica_systems(const YAML::Node& n, const std::string& key, const std::string& m) const {
    const std::vector<int> sizes = parse_replica_systems(m);
    if (sizes.empty())
      fail(n, key, fmt::format("expected systems per replica as 8+4 (1..100000 each), got \"{}\"", m));
    std::string out;
    for (const int size : sizes) out += (out.empty() ? "" : "+") + std::to_string(size);
    return out;
  }

  std::string check_routing(const YAML::Node& n, const std::string& key, const std::string& m) const {
    try {
      parse_routing(m);  // the names the simulator takes
    } catch (const UsageError&) {
      fail(n, key, fmt::format("expected round-robin, least-outstanding or shared-queue, got \"{}\"", m));
    }
    return m;
  }

  std::string check_wafer_io(const YAML::Node& n, const std::string& key, const std::string& m) const {
    if (m != "async" && m != "sync") fail(n, key, fmt::format("expected async or sync, got \"{}\"", m));
    return m;
  }

  // The infer options that are real numbers (weight_bits, expert_bits, kv_bits: 1..32 bits per
  // stored value; arrival_rate: > 0 requests per second), at the top level or as an axis value.
  double check_real(const YAML::Node& n, const std::string& key, const std::string& option, double x) const {
    if (option == "arrival_rate") {
      if (!(x > 0)) fail(n, key, fmt::format("expected requests per second > 0, got {}", x));
    } else if (option.starts_with("slo_")) {
      if (!(x > 0) || !std::isfinite(x)) fail(n, key, fmt::format("expected seconds > 0, got {}", x));
    } else if (!valid_bits(x)) {
      fail(n, key, fmt::format("expected 1..32 bits per stored value, got {}", x));
    }
    return x;
  }
  double real(const YAML::Node& n, const std::string& key) const {
    const std::string t = scalar(n, key);
    double x = 0;
    try {
      x = parse_number(t);
    } catch (const std::invalid_argument&) {
      fail(n, key,
           fmt::format("expected {}, got \"{}\"",
                       key == "arrival_rate" ? "requests per second" : "a number of bits", t));
    }
    return check_real(n, key, key, x);
  }

  std::string check_layout(const YAML::Node& n, const std::string& key, const std::string& m) const {
    if (m != "compact" && m != "fill") fail(n, key, fmt::format("expected compact or fill, got \"{}\"", m));
    return m;
  }

  std::string check_mode(const YAML::Node& n, const std::string& key, const std::string& m) const {
    if (m != "weight-streaming" && m != "pipelined" && m != "auto")
      fail(n, key, fmt::format("expected weight-streaming, pipelined or auto, got \"{}\"", m));
    return m;
  }

  void parse_sets(const YAML::Node& v, SweepSpec& s) const {
    if (!v.IsMap()) fail(v, "set", "expected a mapping path: value");
    for (const auto& kv : v) {
      const std::string p = scalar(kv.first, "set");
      if (find_param_info(p) == nullptr)
        fail(kv.first, "set." + p, "unknown system parameter" + param_hint(p));
      s.sets.emplace_back(p, scalar(kv.second, "set." + p));
    }
  }

  void parse_axis(const YAML::Node& k, const YAML::Node& v, SweepSpec& s, bool validate_values) {
    Axis a;
    a.name = scalar(k, "axes");
    a.line = loc(k).line;
    const std::string key = "axes." + a.name;
    if (s.axis_index(a.name) >= 0) fail(k, key, "duplicated axis");
    if (a.name == "model") {
      a.kind = AxisKind::run;
      a.type = "string";
    } else if (a.name == "prefill_system") {  // files, as `model`: the prefill replicas' machine
      check_option_of_command(s, k, key, a.name);
      a.kind = AxisKind::run;
      a.type = "string";
    } else if (kRunOptions.count(a.name) != 0) {
      check_option_of_command(s, k, key, a.name);
      a.kind = AxisKind::run;
      a.type = a.name == "mode" || a.name == "micro_batch" || a.name == "wafer_io" || a.name == "layout" ||
                       a.name == "routing" || a.name == "replica_systems"
                   ? "string"
               : a.name == "weight_bits" || a.name == "expert_bits" || a.name == "kv_bits" ||
                       a.name == "arrival_rate" || a.name == "slo_ttft_p99" || a.name == "slo_tbt_p99" ||
                       a.name == "slo_tpot_p99"
                   ? "number"
                   : "int";
    } else if (const ParamInfo* info = find_param_info(a.name)) {
      a.type = info->type;
    } else {
      fail(k, key, "unknown system parameter or run option" + param_hint(a.name));
    }
    AxisValueParser values(a, [&](const YAML::Node& n, const std::string& what) { fail(n, key, what); });
    values.parse(v);
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      const YAML::Node& where = values.node_of(i);
      if (a.name == "model") {
        a.files.push_back(model_file(where, key, a.values[i].text, validate_values));
      } else if (a.name == "prefill_system") {
        a.files.push_back(system_file(where, key, a.values[i].text, validate_values));
      } else if (a.kind == AxisKind::run) {
        if (a.name == "mode")
          check_mode(where, key, a.values[i].text);
        else if (a.name == "micro_batch")
          a.values[i].text = check_micro_batch(where, key, a.values[i].text);
        else if (a.name == "wafer_io")
          check_wafer_io(where, key, a.values[i].text);
        else if (a.name == "layout")
          check_layout(where, key, a.values[i].text);
        else if (a.name == "routing")
          check_routing(where, key, a.values[i].text);
        else if (a.name == "replica_systems")
          a.values[i].text = check_replica_systems(where, key, a.values[i].text);
        else if (a.type == "number")  // weight_bits, expert_bits, kv_bits, arrival_rate
          check_real(where, key, a.name, a.values[i].number);
        else if (const double x = a.values[i].number,
                 lo = a.name == "steps" ? 2
                      : a.name == "prefill_chunk" || a.name == "prompt_min" || a.name == "generate_min" ||
                              a.name == "prefill_replicas" || a.name == "prefill_systems" ||
                              a.name == "prefill_batch"
                          ? 0
                          : 1,
                 hi = a.name == "replicas" || a.name == "prefill_replicas" ? kMaxReplicas
                      : a.name == "prefill_systems"                        ? 100000
                                                                           : std::numeric_limits<int>::max();
                 !(x >= lo) || x > hi || x != std::floor(x))
          fail(where, key,
               fmt::format("{} must be a whole number from {} to {}, got {}", a.name, lo, hi,
                           a.values[i].canonical()));
      } else if (validate_values) {
        check_against_system(s, a, a.values[i], where, key);
      }
    }
    s.axes.push_back(std::move(a));
  }

  // A value of the `model` axis: its file, resolved against the sweep file's folder and loaded
  // once here, so a missing or bad model fails before any point runs, naming the sweep's line
  // and the model file's own error.
  std::string model_file(const YAML::Node& n, const std::string& key, const std::string& text,
                         bool validate_values) const {
    const std::string file = resolve(n, key, text);
    if (file.empty()) return "builtin";
    if (validate_values) {
      try {
        (void)load_model(file);
      } catch (const ConfigError& e) {
        fail(n, key, fmt::format("model {} rejected: {}", text, e.what()));
      } catch (const UsageError& e) {
        fail(n, key, fmt::format("model {} rejected: {}", text, e.what()));
      }
    }
    return file;
  }

  // A prefill machine (`prefill_system`, top level or axis): its file resolved as `model`'s and
  // parsed here, so a missing or bad one fails before any point runs; "builtin" for the built-in.
  std::string system_file(const YAML::Node& n, const std::string& key, const std::string& text,
                          bool validate_values) const {
    const std::string file = resolve(n, key, text);
    if (file.empty()) return "builtin";
    if (validate_values) {
      try {
        (void)ParsedSystemSpec::from_file(file).with();
      } catch (const ConfigError& e) {
        fail(n, key, fmt::format("system {} rejected: {}", text, e.what()));
      }
    }
    return file;
  }

  // Loads the base system with this one value: range checks and cross-checks of the spec
  // then fail here, naming the sweep line, instead of in every point.
  void check_against_system(const SweepSpec& s, const Axis& a, const AxisValue& value, const YAML::Node& n,
                            const std::string& key) const {
    std::vector<Override> ov;
    for (const auto& [p, val] : s.sets) ov.push_back({p, val, file_ + " set"});
    ov.push_back({a.name, value.canonical(), file_});
    try {
      if (!base_system_)  // parsed once for all values of all axes
        base_system_ =
            s.system_file.empty() ? ParsedSystemSpec::builtin() : ParsedSystemSpec::from_file(s.system_file);
      base_system_->with(ov);
    } catch (const ConfigError& e) {
      fail(n, key, fmt::format("value {} rejected: {}", value.canonical(), e.detail()));
    }
  }

  void parse_zip(const YAML::Node& v, SweepSpec& s) const {
    if (!v.IsSequence()) fail(v, "zip", "expected a list of groups: [[axis, axis], ...]");
    std::set<int> used;
    for (const auto& group : v) {
      if (!group.IsSequence() || group.size() < 2) fail(group, "zip", "a zip group lists two or more axes");
      std::vector<int> g;
      for (const auto& name_node : group) {
        const std::string name = scalar(name_node, "zip");
        const int i = s.axis_index(name);
        if (i < 0) fail(name_node, "zip." + name, "not an axis of this sweep");
        if (!used.insert(i).second) fail(name_node, "zip." + name, "axis is in more than one zip group");
        const auto& first = s.axes[static_cast<std::size_t>(g.empty() ? i : g.front())];
        if (s.axes[static_cast<std::size_t>(i)].values.size() != first.values.size())
          fail(name_node, "zip." + name,
               fmt::format("has {} values but {} has {}: zipped axes move together and need equal lengths",
                           s.axes[static_cast<std::size_t>(i)].values.size(), first.name,
                           first.values.size()));
        g.push_back(i);
      }
      s.zip.push_back(std::move(g));
    }
  }

  void parse_where(const YAML::Node& v, SweepSpec& s) const {
    std::vector<YAML::Node> items;
    if (v.IsSequence()) {
      for (const auto& item : v) items.push_back(item);
    } else {
      items.push_back(v);
    }
    const auto known = [&](const std::string& name) {
      return s.axis_index(name) >= 0 || kRunOptions.count(name) != 0;
    };
    for (const auto& item : items) {
      try {
        s.where.push_back({Expr::parse(scalar(item, "where"), known), loc(item).line});
      } catch (const std::invalid_argument& e) {
        fail(item, "where", e.what());
      }
    }
  }

  static const ParamInfo* find_param_info(const std::string& p) {
    for (const auto& info : system_params())
      if (info.path == p) return &info;
    return nullptr;
  }
  static std::string param_hint(const std::string& p) {
    // Suggest the parameters of the same section: the common typo is the leaf name.
    const std::string section = p.substr(0, p.find('.'));
    std::string hint;
    for (const auto& info : system_params())
      if (info.path.rfind(section + ".", 0) == 0) {
        if (!hint.empty()) hint += ", ";
        hint += info.path;
      }
    return hint.empty() ? " (see `wafersim params`)" : " (did you mean one of: " + hint + "?)";
  }

  std::string file_;
  std::string base_;
  mutable std::optional<ParsedSystemSpec> base_system_;
};

}  // namespace

std::vector<int> parse_replica_systems(const std::string& text) {
  std::vector<int> sizes;
  std::size_t at = 0;
  while (true) {
    const std::size_t end = text.find_first_of("+,", at);
    const std::string part = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    std::size_t used = 0;
    long long n = 0;
    try {
      n = std::stoll(part, &used);
    } catch (const std::exception&) {
      return {};
    }
    if (part.empty() || used != part.size() || n < 1 || n > 100000) return {};
    sizes.push_back(static_cast<int>(n));
    if (end == std::string::npos) return sizes;
    at = end + 1;
  }
}

int SweepSpec::axis_index(const std::string& n) const {
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (axes[i].name == n) return static_cast<int>(i);
  return -1;
}

SweepSpec parse_sweep_spec(const std::string& yaml_text, const std::string& display_name,
                           const std::string& base_dir, bool validate_values) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_loc(display_name, e.mark.line, e.mark.column), "", "invalid YAML: " + e.msg);
  }
  return Parser(display_name, base_dir).parse(root, validate_values);
}

SweepSpec load_sweep_spec(const std::string& path) {
  const std::string text = read_text_file(path, "sweep file");
  const auto dir = std::filesystem::path(path).parent_path();
  return parse_sweep_spec(text, path, dir.empty() ? "." : dir.string());
}

}  // namespace wafersim::sweep
