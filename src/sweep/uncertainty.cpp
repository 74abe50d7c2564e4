#include "wafersim/sweep/uncertainty.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <set>

#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"
#include "wafersim/sweep/executor.hpp"

namespace wafersim::sweep {
namespace {

bool log_scale(const ParamRange& r) { return !r.integer && r.lo > 0 && r.hi / r.lo >= 4; }

// u in [0, 1) -> a value of the range.
double draw(const ParamRange& r, double u) {
  if (r.integer) {
    const double lo = std::ceil(r.lo), hi = std::floor(r.hi);
    return std::min(hi, lo + std::floor(u * (hi - lo + 1)));
  }
  if (log_scale(r)) return std::exp(std::log(r.lo) + u * (std::log(r.hi) - std::log(r.lo)));
  return r.lo + u * (r.hi - r.lo);
}

// mt19937_64's output sequence is fixed by the standard (distributions are not): draw from it
// directly so every platform samples the same points.
double unit(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

std::vector<std::vector<double>> latin_hypercube(const std::vector<const ParamRange*>& ranges, int n,
                                                 std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<std::vector<double>> points(static_cast<std::size_t>(n), std::vector<double>(ranges.size()));
  std::vector<std::size_t> perm(static_cast<std::size_t>(n));
  for (std::size_t j = 0; j < ranges.size(); ++j) {
    std::iota(perm.begin(), perm.end(), 0);
    for (std::size_t i = perm.size(); i > 1; --i) std::swap(perm[i - 1], perm[g() % i]);  // Fisher-Yates
    for (std::size_t i = 0; i < perm.size(); ++i)
      points[i][j] = draw(*ranges[j], (static_cast<double>(perm[i]) + unit(g)) / n);
  }
  return points;
}

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(at);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (at - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

std::string pct(double v, double nominal) {
  return nominal > 0 ? fmt::format("{:+.1f}%", 100 * (v / nominal - 1)) : std::string("-");
}

}  // namespace

UncertaintyResult estimate_uncertainty(const ParsedSystemSpec& system, const std::vector<Override>& base,
                                       const ModelSpec& model, const RunOptions& run,
                                       const UncertaintyOptions& opt) {
  UncertaintyResult u = estimate_uncertainty_of(
      system, base,
      [&](const SystemSpec& spec) {
        const RunStats s = simulate(spec, model, run);
        return std::make_pair(s.samples_per_s, s.energy.units_per_kj);
      },
      "samples_per_s", opt);
  // Fitted to training throughput; inference (below) has its own validation (docs/inference.md).
  u.model_error = system.with(base).calibration.model_error;
  return u;
}

const char* infer_band_metric(const InferOptions& infer) {
  if (infer.searches_capacity()) return "capacity.rate";
  return infer.serving() ? "serving.ttft_p99_s" : "tokens_per_s_per_user";
}

double infer_band_value(const InferStats& s, const InferOptions& infer) {
  if (infer.searches_capacity()) return s.capacity.rate;
  return infer.serving() ? s.serving.ttft_p99_s : s.tokens_per_s_per_user;
}

UncertaintyResult estimate_infer_uncertainty(const ParsedSystemSpec& system,
                                             const std::vector<Override>& base, const ModelSpec& model,
                                             const InferOptions& infer_options,
                                             const UncertaintyOptions& opt) {
  UncertaintyOptions o = opt;
  o.energy = false;
  InferOptions quiet = infer_options;
  quiet.trace_rounds = 0;
  quiet.fidelity = Fidelity::approx;  // the band is of the timing; the cross-check runs once
  return estimate_uncertainty_of(
      system, base,
      [&](const SystemSpec& spec) {
        const InferStats s = infer(spec, model, quiet);
        return std::make_pair(infer_band_value(s, quiet), 0.0);
      },
      infer_band_metric(quiet), o);
}

UncertaintyResult estimate_uncertainty_of(const ParsedSystemSpec& system, const std::vector<Override>& base,
                                          const UncertaintyEval& evaluate, const std::string& metric,
                                          const UncertaintyOptions& opt) {
  if (opt.samples < 8 || opt.samples > 100000)
    throw UsageError(fmt::format("--samples {}: expected 8..100000", opt.samples));
  UncertaintyResult u;
  u.metric = metric;
  u.samples = opt.samples;
  u.seed = opt.seed;
  u.energy = opt.energy;
  std::set<std::string> fixed;
  for (const auto& o : base) fixed.insert(o.path);
  std::vector<const ParamRange*> varied;
  for (const auto& r : system.ranges()) {
    if (!opt.energy && r.path.starts_with("energy.")) continue;  // cannot move the throughput
    if (fixed.count(r.path)) {
      u.held.push_back(r.path);
      continue;
    }
    varied.push_back(&r);
  }
  if (varied.empty())
    throw UsageError(
        "--uncertainty: the system file gives no `range LO .. HI: reason` to vary (see docs/configs.md)");

  // Evaluation i: 2j / 2j+1 = parameter j at its low / high end; 2k + s = sample s.
  const std::size_t k = varied.size();
  const auto samples = latin_hypercube(varied, opt.samples, opt.seed);
  const auto overrides_of = [&](std::size_t i) {
    std::vector<Override> ov = base;
    if (i < 2 * k) {
      const ParamRange& r = *varied[i / 2];
      ov.push_back({r.path, r.value_text(i % 2 ? r.hi : r.lo), "--uncertainty"});
    } else {
      for (std::size_t j = 0; j < k; ++j)
        ov.push_back({varied[j]->path, varied[j]->value_text(samples[i - 2 * k][j]), "--uncertainty"});
    }
    return ov;
  };
  const PointWork work = [&](std::size_t i) {
    const auto [value, per_kj] = evaluate(system.with(overrides_of(i)));
    return PointResult({}, fmt::format("{:.17g} {:.17g}", value, per_kj));
  };
  std::vector<std::size_t> todo(2 * k + samples.size());
  std::iota(todo.begin(), todo.end(), 0);
  std::vector<double> value(todo.size(), 0), per_kj(todo.size(), 0);
  std::vector<std::string> error(todo.size());
  ExecOptions ex;
  ex.jobs = opt.jobs;
  release_systemc_scratch();  // this process forks every run: keep what each fork copies small
  const bool complete = run_forked(
      todo, work, ex,
      [&](const PointOutcome& o) {
        if (o.status == "ok") {
          const auto space = o.metrics_json.find(' ');
          value[o.index] = std::stod(o.metrics_json.substr(0, space));
          per_kj[o.index] = std::stod(o.metrics_json.substr(space + 1));
        } else
          error[o.index] = o.error.empty() ? o.status : o.error;
      },
      install_stop_handlers());
  if (!complete) throw SimError("--uncertainty: interrupted");

  for (std::size_t j = 0; j < k; ++j)
    u.effects.push_back({*varied[j], value[2 * j], value[2 * j + 1], per_kj[2 * j], per_kj[2 * j + 1],
                         error[2 * j], error[2 * j + 1]});
  std::stable_sort(u.effects.begin(), u.effects.end(), [](const ParamEffect& a, const ParamEffect& b) {
    return std::abs(a.swing()) > std::abs(b.swing());
  });
  std::vector<double> ran, ran_kj;
  std::set<std::string> reasons;
  for (std::size_t i = 2 * k; i < todo.size(); ++i) {
    if (error[i].empty()) {
      ran.push_back(value[i]);
      ran_kj.push_back(per_kj[i]);
    } else {
      reasons.insert(error[i]);
    }
  }
  if (opt.energy && !ran_kj.empty()) {
    std::sort(ran_kj.begin(), ran_kj.end());
    u.energy_band = {percentile(ran_kj, 0.05), percentile(ran_kj, 0.5), percentile(ran_kj, 0.95),
                     ran_kj.front(), ran_kj.back()};
  }
  u.failures.assign(reasons.begin(), reasons.end());
  u.samples_ran = static_cast<int>(ran.size());
  if (ran.empty()) throw SimError("--uncertainty: no sample ran: " + u.failures.front());
  std::sort(ran.begin(), ran.end());
  u.low = percentile(ran, 0.05);
  u.median = percentile(ran, 0.5);
  u.high = percentile(ran, 0.95);
  u.min = ran.front();
  u.max = ran.back();
  return u;
}

std::string format_uncertainty(const UncertaintyResult& u, double nominal, double nominal_per_kj) {
  std::string o = fmt::format(
      "\nUncertainty ({} of {} Latin-hypercube samples ran, seed {}; {} ranged parameters):\n"
      "  {} {:.4g}, band {:.4g} .. {:.4g} ({} .. {}; 5th..95th percentile), sampled {:.4g} .. {:.4g}\n",
      u.samples_ran, u.samples, u.seed, u.effects.size(), u.metric, nominal, u.low, u.high,
      pct(u.low, nominal), pct(u.high, nominal), u.min, u.max);
  for (const auto& f : u.failures) o += fmt::format("  a sample did not run: {}\n", f);
  if (u.model_error > 0)
    o += fmt::format(
        "  validation interval {:.4g} .. {:.4g} ({} .. {}): {:.0f}% of the leave-one-out predictions of "
        "published runs were within a factor {:.3g} (calibration.model_error; docs/validation.md)\n",
        nominal / (1 + u.model_error), nominal * (1 + u.model_error),
        pct(nominal / (1 + u.model_error), nominal), pct(nominal * (1 + u.model_error), nominal),
        100 * kValidationLevel, 1 + u.model_error);
  o += fmt::format("  one at a time, largest effect first:\n  {:<30} {:<11} {:>22} {:>10} {:>10} {:>8}\n",
                   "parameter", "source", "range", "at low", "at high", "swing");
  const auto end = [&](double v, const std::string& err) {
    return err.empty() ? fmt::format("{:.4g}", v) : std::string("failed");
  };
  for (const auto& e : u.effects) {
    if (e.is_energy()) continue;  // the timing never reads them
    o += fmt::format("  {:<30} {:<11} {:>22} {:>10} {:>10} {:>8}\n", e.range.path, e.range.source,
                     e.range.lo_text + " .. " + e.range.hi_text, end(e.at_lo, e.lo_error),
                     end(e.at_hi, e.hi_error),
                     e.lo_error.empty() && e.hi_error.empty() && nominal > 0
                         ? fmt::format("{:.1f}%", 100 * std::abs(e.swing()) / nominal)
                         : std::string("-"));
  }
  for (const auto& h : u.held) o += fmt::format("  held at its --set value: {}\n", h);
  if (u.energy) {
    const Band& band = u.energy_band;
    o += fmt::format(
        "  samples per kJ {:.4g}, band {:.4g} .. {:.4g} ({} .. {}), sampled {:.4g} .. {:.4g}; the ten "
        "largest "
        "effects:\n  {:<30} {:<11} {:>22} {:>10} {:>10} {:>8}\n",
        nominal_per_kj, band.low, band.high, pct(band.low, nominal_per_kj), pct(band.high, nominal_per_kj),
        band.min, band.max, "parameter", "source", "range", "at low", "at high", "swing");
    std::vector<const ParamEffect*> by_energy;
    for (const auto& e : u.effects) by_energy.push_back(&e);
    std::stable_sort(by_energy.begin(), by_energy.end(), [](const ParamEffect* a, const ParamEffect* b) {
      return std::abs(a->energy_swing()) > std::abs(b->energy_swing());
    });
    if (by_energy.size() > 10) by_energy.resize(10);
    for (const ParamEffect* e : by_energy)
      o += fmt::format("  {:<30} {:<11} {:>22} {:>10} {:>10} {:>8}\n", e->range.path, e->range.source,
                       e->range.lo_text + " .. " + e->range.hi_text, end(e->energy_lo, e->lo_error),
                       end(e->energy_hi, e->hi_error),
                       e->lo_error.empty() && e->hi_error.empty() && nominal_per_kj > 0
                           ? fmt::format("{:.1f}%", 100 * std::abs(e->energy_swing()) / nominal_per_kj)
                           : std::string("-"));
  }
  return o;
}

namespace {
nlohmann::ordered_json uncertainty_section(const UncertaintyResult& u, double nominal,
                                           double nominal_per_kj) {
  nlohmann::ordered_json j;
  j["metric"] = u.metric;
  j["method"] = "latin-hypercube over the config ranges; band = 5th..95th percentile";
  j["nominal"] = nominal;
  j["low"] = u.low;
  j["median"] = u.median;
  j["high"] = u.high;
  j["sampled_min"] = u.min;
  j["sampled_max"] = u.max;
  j["samples"] = u.samples;
  j["samples_ran"] = u.samples_ran;
  j["seed"] = u.seed;
  j["failures"] = u.failures;
  auto& params = j["parameters"] = nlohmann::ordered_json::array();
  for (const auto& e : u.effects) {
    nlohmann::ordered_json p;
    p["path"] = e.range.path;
    p["source"] = e.range.source;
    p["range"] = {e.range.lo_text, e.range.hi_text};
    p["reason"] = e.range.reason;
    p["at_low"] = e.lo_error.empty() ? nlohmann::ordered_json(e.at_lo) : nlohmann::ordered_json(nullptr);
    p["at_high"] = e.hi_error.empty() ? nlohmann::ordered_json(e.at_hi) : nlohmann::ordered_json(nullptr);
    if (u.energy) {
      p["samples_per_kj_at_low"] =
          e.lo_error.empty() ? nlohmann::ordered_json(e.energy_lo) : nlohmann::ordered_json(nullptr);
      p["samples_per_kj_at_high"] =
          e.hi_error.empty() ? nlohmann::ordered_json(e.energy_hi) : nlohmann::ordered_json(nullptr);
    }
    if (!e.lo_error.empty()) p["low_error"] = e.lo_error;
    if (!e.hi_error.empty()) p["high_error"] = e.hi_error;
    params.push_back(std::move(p));
  }
  j["held"] = u.held;
  if (u.model_error > 0)
    j["validation"] = {{"method", "split conformal over the leave-one-out errors of scripts/calibrate.py"},
                       {"level", kValidationLevel},
                       {"model_error", u.model_error},
                       {"low", nominal / (1 + u.model_error)},
                       {"high", nominal * (1 + u.model_error)}};
  if (u.energy) {
    const Band& b = u.energy_band;
    j["samples_per_kj"] = {{"nominal", nominal_per_kj}, {"low", b.low},
                           {"median", b.median},        {"high", b.high},
                           {"sampled_min", b.min},      {"sampled_max", b.max}};
  }
  return j;
}
}  // namespace

std::string report_with_uncertainty(nlohmann::ordered_json report, const UncertaintyResult& u, double nominal,
                                    double nominal_per_kj) {
  report["uncertainty"] = uncertainty_section(u, nominal, nominal_per_kj);
  return json_text(report, 2) + "\n";
}

}  // namespace wafersim::sweep
