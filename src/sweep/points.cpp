// Grid / random expansion, where-filtering, canonical descriptions and shards.
#include "wafersim/sweep/points.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "wafersim/core/error.hpp"
#include "wafersim/core/random.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim::sweep {
namespace {

// The run options a sweep sets at its top level and a point's axes may replace, by type: the
// sweep's field and the point's (`mode` and `model` are handled apart).
template <class T>
struct RunOption {
  const char* name;
  T SweepSpec::*spec;
  T PointRun::*run;
};
constexpr RunOption<int> kIntOptions[] = {
    {"systems", &SweepSpec::systems, &PointRun::systems},
    {"batch", &SweepSpec::batch, &PointRun::batch},
    {"seq", &SweepSpec::seq, &PointRun::seq},
    {"steps", &SweepSpec::steps, &PointRun::steps},
    {"prompt", &SweepSpec::prompt, &PointRun::prompt},
    {"generate", &SweepSpec::generate, &PointRun::generate},
    {"requests", &SweepSpec::requests, &PointRun::requests},
    {"prefill_chunk", &SweepSpec::prefill_chunk, &PointRun::prefill_chunk},
    {"prompt_min", &SweepSpec::prompt_min, &PointRun::prompt_min},
    {"generate_min", &SweepSpec::generate_min, &PointRun::generate_min},
    {"replicas", &SweepSpec::replicas, &PointRun::replicas},
    {"prefill_replicas", &SweepSpec::prefill_replicas, &PointRun::prefill_replicas},
    {"prefill_systems", &SweepSpec::prefill_systems, &PointRun::prefill_systems},
    {"prefill_batch", &SweepSpec::prefill_batch, &PointRun::prefill_batch}};
constexpr RunOption<double> kRealOptions[] = {
    {"weight_bits", &SweepSpec::weight_bits, &PointRun::weight_bits},
    {"expert_bits", &SweepSpec::expert_bits, &PointRun::expert_bits},
    {"kv_bits", &SweepSpec::kv_bits, &PointRun::kv_bits},
    {"arrival_rate", &SweepSpec::arrival_rate, &PointRun::arrival_rate},
    {"slo_ttft_p99", &SweepSpec::slo_ttft_p99, &PointRun::slo_ttft_p99},
    {"slo_tbt_p99", &SweepSpec::slo_tbt_p99, &PointRun::slo_tbt_p99},
    {"slo_tpot_p99", &SweepSpec::slo_tpot_p99, &PointRun::slo_tpot_p99}};
constexpr RunOption<std::string> kTextOptions[] = {
    {"micro_batch", &SweepSpec::micro_batch, &PointRun::micro_batch},
    {"wafer_io", &SweepSpec::wafer_io, &PointRun::wafer_io},
    {"layout", &SweepSpec::layout, &PointRun::layout},
    {"routing", &SweepSpec::routing, &PointRun::routing},
    {"replica_systems", &SweepSpec::replica_systems, &PointRun::replica_systems}};

// The option of `table` named `name`, or nullptr.
template <class T, std::size_t N>
const RunOption<T>* find_option(const RunOption<T> (&table)[N], const std::string& name) {
  const auto it =
      std::find_if(std::begin(table), std::end(table), [&](const auto& o) { return name == o.name; });
  return it == std::end(table) ? nullptr : it;
}

// A dimension of the grid: one axis, or a zip group moving together.
std::vector<std::vector<int>> dimensions(const SweepSpec& s) {
  std::vector<std::vector<int>> dims;
  std::vector<bool> zipped(s.axes.size(), false);
  for (std::size_t i = 0; i < s.axes.size(); ++i) {
    if (zipped[i]) continue;
    const auto group = std::find_if(s.zip.begin(), s.zip.end(), [&](const auto& g) {
      return std::find(g.begin(), g.end(), static_cast<int>(i)) != g.end();
    });
    if (group == s.zip.end()) {
      dims.push_back({static_cast<int>(i)});
    } else {
      for (int a : *group) zipped[static_cast<std::size_t>(a)] = true;
      dims.push_back(*group);
    }
  }
  return dims;
}

// Grid position -> values; the first axis varies slowest (as nested loops read).
Point decode(const SweepSpec& s, const std::vector<std::vector<int>>& dims, std::uint64_t n) {
  Point p;
  p.values.resize(s.axes.size());
  for (std::size_t d = dims.size(); d-- > 0;) {
    const auto len = s.axes[static_cast<std::size_t>(dims[d][0])].values.size();
    const auto pos = static_cast<std::size_t>(n % len);
    n /= len;
    for (int a : dims[d])
      p.values[static_cast<std::size_t>(a)] = s.axes[static_cast<std::size_t>(a)].values[pos];
  }
  return p;
}

bool passes(const SweepSpec& s, const Point& p) {
  const auto lookup = [&](const std::string& name, ExprValue& out) {
    const int i = s.axis_index(name);
    if (i >= 0) {
      const AxisValue& v = p.values[static_cast<std::size_t>(i)];
      out = v.is_text ? ExprValue(v.text) : ExprValue(v.number);
      return true;
    }
    if (name == "mode")
      out = s.command == "infer" ? std::string("infer") : s.mode;
    else if (name == "micro_batch")
      out = s.micro_batch.empty() ? std::string("model") : s.micro_batch;
    else if (name == "wafer_io")
      out = s.wafer_io.empty() ? std::string("async") : s.wafer_io;
    else if (name == "layout")
      out = s.layout.empty() ? std::string("compact") : s.layout;
    else if (name == "routing")
      out = s.routing.empty() ? std::string("round-robin") : s.routing;
    else if (name == "replica_systems")
      out = s.replica_systems;
    else if (name == "weight_bits")
      out = s.weight_bits > 0 ? s.weight_bits : 16.0;
    else if (name == "expert_bits")
      out = s.expert_bits > 0 ? s.expert_bits : s.weight_bits > 0 ? s.weight_bits : 16.0;
    else if (name == "kv_bits")
      out = s.kv_bits > 0 ? s.kv_bits : 16.0;
    else if (const auto* o = find_option(kIntOptions, name))
      out = static_cast<double>(s.*o->spec);
    else if (const auto* r = find_option(kRealOptions, name))  // arrival_rate, slo_*: unset reads 0
      out = s.*r->spec;
    else
      return false;
    return true;
  };
  for (const auto& w : s.where) {
    try {
      if (!w.expr.test(lookup)) return false;
    } catch (const std::invalid_argument& e) {
      throw ConfigError({s.file, w.line, 0}, "where", e.what());
    }
  }
  return true;
}

constexpr std::uint64_t kMaxEnumerated = 20'000'000;

}  // namespace

std::string hash_hex(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

std::vector<Point> expand_points(const SweepSpec& s, const PointContext& ctx) {
  const auto dims = dimensions(s);
  std::uint64_t total = 1;
  for (const auto& d : dims) {
    const auto len = s.axes[static_cast<std::size_t>(d[0])].values.size();
    if (total > UINT64_MAX / len)
      throw ConfigError({s.file, 0, 0}, "axes", "the grid has more than 2^64 points");
    total *= len;
  }
  std::vector<Point> out;
  if (s.random_points == 0 || total <= kMaxEnumerated) {
    if (total > kMaxEnumerated)
      throw ConfigError({s.file, 0, 0}, "axes",
                        fmt::format("the grid has {} points; sample it with random: N", total));
    for (std::uint64_t n = 0; n < total; ++n) {
      Point p = decode(s, dims, n);
      if (passes(s, p)) out.push_back(std::move(p));
    }
    if (s.random_points != 0 && s.random_points < out.size()) {
      // Floyd's algorithm picks a uniform subset; kept in grid order so the file reads sensibly.
      SplitMix64 rng{s.seed};
      std::set<std::uint64_t> chosen;
      const std::uint64_t n = out.size();
      for (std::uint64_t j = n - s.random_points; j < n; ++j) {
        const std::uint64_t t = rng.below(j + 1);
        if (!chosen.insert(t).second) chosen.insert(j);
      }
      std::vector<Point> picked;
      for (auto i : chosen) picked.push_back(std::move(out[static_cast<std::size_t>(i)]));
      out = std::move(picked);
    }
  } else {
    // Too big to enumerate: draw grid positions, keep distinct ones that pass `where`.
    SplitMix64 rng{s.seed};
    std::set<std::uint64_t> seen;
    for (std::uint64_t tries = 0; out.size() < s.random_points && tries < 100 * s.random_points; ++tries) {
      const std::uint64_t n = rng.below(total);
      if (!seen.insert(n).second) continue;
      Point p = decode(s, dims, n);
      if (passes(s, p)) out.push_back(std::move(p));
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].index = i;
    out[i].description = describe_point(s, ctx, out[i]);
    out[i].key = hash_hex(out[i].description);
  }
  return out;
}

PointRun point_run(const SweepSpec& s, const Point& p) {
  PointRun r;
  r.command = s.command;
  r.mode = s.command == "infer" ? "infer" : s.mode;
  for (const auto& o : kIntOptions) r.*o.run = s.*o.spec;
  for (const auto& o : kRealOptions) r.*o.run = s.*o.spec;
  for (const auto& o : kTextOptions) r.*o.run = s.*o.spec;
  r.sets = s.sets;
  r.prefill_system_file = s.prefill_system;
  for (std::size_t i = 0; i < s.axes.size(); ++i) {
    const Axis& a = s.axes[i];
    const AxisValue& v = p.values[i];
    if (a.kind == AxisKind::system) {
      r.sets.emplace_back(a.name, v.canonical());
      continue;
    }
    if (a.name == "model" || a.name == "prefill_system") {
      // The file of the value (the values are distinct, so its text finds it).
      std::string& file = a.name == "model" ? r.model_file : r.prefill_system_file;
      for (std::size_t k = 0; k < a.values.size() && k < a.files.size(); ++k)
        if (a.values[k].text == v.text) file = a.files[k];
      continue;
    }
    if (a.name == "mode") r.mode = v.text;
    for (const auto& o : kIntOptions)
      if (a.name == o.name) r.*o.run = static_cast<int>(std::llround(v.number));
    for (const auto& o : kRealOptions)
      if (a.name == o.name) r.*o.run = v.number;
    for (const auto& o : kTextOptions)
      if (a.name == o.name) r.*o.run = v.text;
  }
  return r;
}

std::string describe_point(const SweepSpec& s, const PointContext& ctx, const Point& p) {
  const PointRun r = point_run(s, p);
  // std::map keys: sorted, so the text (and the key) does not depend on declaration order.
  nlohmann::json j;
  j["system"] = ctx.system_hash;
  // A `model` axis value's content hash (its path when the runner has not read it: unit tests).
  if (r.model_file.empty())
    j["model"] = ctx.model_hash;
  else if (const auto it = ctx.model_hashes.find(r.model_file); it != ctx.model_hashes.end())
    j["model"] = it->second;
  else
    j["model"] = r.model_file;
  j["mode"] = r.mode;
  j["systems"] = r.systems;
  j["batch"] = r.batch;
  j["seq"] = r.seq;
  j["steps"] = r.steps;
  if (r.command == "infer") {  // training points keep the keys they had before inference existed
    j["command"] = r.command;
    j["prompt"] = r.prompt;
    j["generate"] = r.generate;
  }
  if (!r.micro_batch.empty()) j["micro_batch"] = r.micro_batch;  // points without it keep their keys
  if (!r.wafer_io.empty() && r.wafer_io != "async") j["wafer_io"] = r.wafer_io;  // async: the old key
  if (!r.layout.empty() && r.layout != "compact") j["layout"] = r.layout;        // compact: the old key
  if (r.expert_bits > 0) j["expert_bits"] = r.expert_bits;
  if (r.weight_bits > 0) j["weight_bits"] = r.weight_bits;  // unset: the old key
  if (r.kv_bits > 0) j["kv_bits"] = r.kv_bits;
  if (r.arrival_rate > 0) j["arrival_rate"] = r.arrival_rate;  // no serving: the old key
  if (r.requests > 0) j["requests"] = r.requests;
  if (r.prefill_chunk > 0) j["prefill_chunk"] = r.prefill_chunk;  // whole prompts: the old key
  if (r.prompt_min > 0) j["prompt_min"] = r.prompt_min;           // fixed lengths: the old key
  if (r.generate_min > 0) j["generate_min"] = r.generate_min;
  if (r.replicas > 1) j["replicas"] = r.replicas;                          // one: the old key
  if (r.prefill_replicas > 0) j["prefill_replicas"] = r.prefill_replicas;  // none: the old key
  if (r.prefill_systems > 0) j["prefill_systems"] = r.prefill_systems;
  if (r.prefill_batch > 0) j["prefill_batch"] = r.prefill_batch;  // --batch: the old key
  if (r.slo_ttft_p99 > 0) j["slo_ttft_p99"] = r.slo_ttft_p99;     // no search: the old key
  if (r.slo_tbt_p99 > 0) j["slo_tbt_p99"] = r.slo_tbt_p99;
  if (r.slo_tpot_p99 > 0) j["slo_tpot_p99"] = r.slo_tpot_p99;
  if (!r.routing.empty() && r.routing != "round-robin") j["routing"] = r.routing;
  if (!r.replica_systems.empty()) j["replica_systems"] = r.replica_systems;  // none: the old key
  if (!ctx.trace_hash.empty()) j["request_trace"] = ctx.trace_hash;          // no trace: the old key
  if (!r.prefill_system_file.empty()) {  // its content's hash (its path in unit tests); none: the old key
    const auto it = ctx.prefill_system_hashes.find(r.prefill_system_file);
    j["prefill_system"] = it != ctx.prefill_system_hashes.end() ? it->second : r.prefill_system_file;
  }
  nlohmann::json sets = nlohmann::json::object();
  for (const auto& [path, value] : r.sets) sets[path] = value;  // an axis overrides a fixed set
  j["set"] = sets;
  return json_text(j);
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard sh;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t u1 = 0, u2 = 0;
    sh.index = std::stoi(text.substr(0, slash), &u1);
    sh.count = std::stoi(text.substr(slash + 1), &u2);
    if (u1 != slash || u2 != text.size() - slash - 1) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw UsageError(fmt::format("--shard {}: expected i/N such as 3/16", text));
  }
  if (sh.count < 1 || sh.index < 0 || sh.index >= sh.count)
    throw UsageError(fmt::format("--shard {}: need N >= 1 and 0 <= i < N", text));
  return sh;
}

std::vector<Point> shard_points(const std::vector<Point>& points, Shard shard) {
  std::vector<Point> out;
  for (const auto& p : points)
    if (p.index % static_cast<std::size_t>(shard.count) == static_cast<std::size_t>(shard.index))
      out.push_back(p);
  return out;
}

}  // namespace wafersim::sweep
