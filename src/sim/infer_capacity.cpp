// The capacity search under service-level objectives (infer_capacity.hpp).
#include "infer_capacity.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <utility>

#include "infer_serve.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim {

InferStats infer(const SystemSpec& spec, const ModelSpec& model, const InferOptions& options) {
  for (const auto& [name, v] : {std::pair{"--slo-ttft-p99", options.slo_ttft_p99_s},
                                std::pair{"--slo-tbt-p99", options.slo_tbt_p99_s},
                                std::pair{"--slo-tpot-p99", options.slo_tpot_p99_s}})
    if (!(v >= 0) || !std::isfinite(v))
      throw UsageError(fmt::format("{} {}: expected seconds > 0 (0: no such objective)", name, v));
  if (options.searches_capacity()) return infer_capacity::search(spec, model, options);
  return infer_capacity::infer_one(spec, model, options);
}

namespace infer_capacity {
namespace {

constexpr int kMaxRuns = 80;         // serving runs one search may take
constexpr double kTolerance = 1.01;  // the bracket's high / low when the search stops
constexpr double kMinRate = 1e-4;    // requests per second: the search halves no lower

}  // namespace

InferStats search(const SystemSpec& spec, const ModelSpec& model, const InferOptions& given) {
  InferOptions o = given;
  o.slo_ttft_p99_s = o.slo_tbt_p99_s = o.slo_tpot_p99_s = 0;
  int runs = 0;
  infer_serve::StepCache steps;  // the runs differ only in the rate: their step times are the same
  const auto run_at = [&](double rate) {
    o.arrival_rate = rate;
    ++runs;
    return infer_one(spec, model, o, &steps);
  };
  // What a run misses: saturation (more arrive than are served: infer_serve::saturated), or the
  // first objective it fails; nullptr when it meets them all.
  const auto miss = [&](const InferStats& st) -> const char* {
    const ServingStats& v = st.serving;
    if (infer_serve::saturated(v, o.batch)) return "saturation";
    if (given.slo_ttft_p99_s > 0 && v.ttft_p99_s > given.slo_ttft_p99_s) return "ttft_p99";
    if (given.slo_tbt_p99_s > 0 && v.tbt_p99_s > given.slo_tbt_p99_s) return "tbt_p99";
    if (given.slo_tpot_p99_s > 0 && v.tpot_p99_s > given.slo_tpot_p99_s) return "tpot_p99";
    return nullptr;
  };
  // Each run at a rate either meets the objectives (the highest such so far: `lo`, `best`) or
  // misses them (the lowest such: `hi`, what it missed, the run).
  double lo = 0, hi = 0;
  const char* bound = nullptr;
  InferStats best, missed;
  const auto probe = [&](double rate) {
    InferStats st = run_at(rate);
    if (const char* m = miss(st)) {
      hi = rate;
      bound = m;
      missed = std::move(st);
      return false;
    }
    lo = rate;
    best = std::move(st);
    return true;
  };
  double rate = given.arrival_rate > 0 ? given.arrival_rate : 1.0;
  const bool met = probe(rate);
  bool more = true;  // until a doubled rate misses, or a halved one meets them
  while (more && runs < kMaxRuns && (met || rate / 2 >= kMinRate))
    more = met ? probe(rate *= 2) : !probe(rate /= 2);
  CapacityStats c;
  c.searched = true;
  c.slo_ttft_p99_s = given.slo_ttft_p99_s;
  c.slo_tbt_p99_s = given.slo_tbt_p99_s;
  c.slo_tpot_p99_s = given.slo_tpot_p99_s;
  if (lo == 0) {  // even the lowest rate tried misses: report that run
    c.runs = runs;
    c.upper_rate = hi;
    c.bound = bound ? bound : "";
    missed.capacity = c;
    missed.notes.push_back(
        fmt::format("capacity: no arrival rate meets the objectives: at {:.3g} requests/s the {} is missed "
                    "(TTFT p99 {:.4g} s, "
                    "time between tokens p99 {:.4g} s)",
                    hi, c.bound, missed.serving.ttft_p99_s, missed.serving.tbt_p99_s));
    return missed;
  }
  while (hi > 0 && hi / lo > kTolerance && runs < kMaxRuns) probe(std::sqrt(lo * hi));
  c.feasible = true;
  c.rate = best.serving.arrival_rate;
  c.upper_rate = hi;
  c.tokens_per_s = best.serving.tokens_per_s;
  c.requests_per_s = best.serving.requests_per_s;
  c.bound = bound ? bound : "";
  c.runs = runs;
  best.capacity = c;
  if (hi == 0)
    best.notes.push_back(
        fmt::format("capacity: every rate tried, up to {:.4g} requests/s, meets the objectives: the requests "
                    "never queue (more "
                    "--requests than --batch x --replicas would)",
                    c.rate));
  return best;
}

}  // namespace infer_capacity
}  // namespace wafersim
