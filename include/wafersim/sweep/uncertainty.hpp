#pragma once
// `wafersim run --uncertainty`: the throughput interval that the plausible ranges of a system
// file's unverified and assumed values imply (wafersim/spec/param_ranges.hpp).
//
// Two estimates, both run through the sweep engine's forked executor (one process per run, so
// the runs use every core: in one process SystemC runs one simulation at a time):
// - one at a time: each ranged parameter at its low and its high end, the others at their
//   values; ranks the parameters by how far they move the result (a tornado table).
// - sampled: a Latin hypercube over all ranged parameters at once (uniform over each range;
//   log-uniform when the range spans 4x or more; integers drawn uniformly), with a fixed seed.
//   The band is the 5th..95th percentile of the sampled throughputs: parameters interact
//   (a faster clock matters only while compute bounds the step), which one-at-a-time misses.
// Deterministic: the same inputs, samples and seed give the same numbers at any --jobs.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "wafersim/graph/model_spec.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/param_ranges.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::sweep {

struct UncertaintyOptions {
  int samples = 64;        // Latin-hypercube samples
  std::uint64_t seed = 1;  // of the sampling
  int jobs = 1;            // runs at once
  // Also vary the energy: section's ranges and give the band of samples per kJ (run --energy
  // --uncertainty); without it the energy ranges are left at their values.
  bool energy = false;
};

struct ParamEffect {
  ParamRange range;
  double at_lo = 0, at_hi = 0;          // samples/s with the parameter at each end (0 when the run failed)
  double energy_lo = 0, energy_hi = 0;  // samples per kJ at each end (UncertaintyOptions::energy)
  std::string lo_error, hi_error;       // why a run failed ("does not fit ..."), empty when it ran
  double swing() const { return at_hi - at_lo; }
  double energy_swing() const { return energy_hi - energy_lo; }
  bool is_energy() const { return range.path.starts_with("energy."); }
};

// A band of one metric over the sampled runs.
struct Band {
  double low = 0, median = 0, high = 0;  // 5th, 50th and 95th percentile of the samples
  double min = 0, max = 0;
};

struct UncertaintyResult {
  std::string metric = "samples_per_s";
  int samples = 0;                    // requested
  int samples_ran = 0;                // that gave a result
  std::vector<std::string> failures;  // distinct reasons of the samples that did not run
  std::uint64_t seed = 0;
  double low = 0, median = 0, high = 0;  // 5th, 50th and 95th percentile of the samples
  double min = 0, max = 0;
  std::vector<ParamEffect> effects;  // one per ranged parameter, largest |swing| first
  std::vector<std::string> held;     // ranged parameters fixed by --set (not varied)
  bool energy = false;               // the samples-per-kJ band below was asked for
  Band energy_band;                  // samples per kJ
  // The validation interval (training runs): calibration.model_error of the system file, the
  // factor within which 90% of the leave-one-out predictions of published runs fell
  // (scripts/calibrate.py, split conformal); 0 when the file has none. Unlike the band above it
  // is not a model run: it says how wrong the model has been, not what its inputs allow.
  double model_error = 0;
};

// The level of calibration.model_error's interval (scripts/calibrate.py LEVEL).
inline constexpr double kValidationLevel = 0.9;

// Runs the one-at-a-time and sampled evaluations. `ranges` are the system file's; `base`
// are the run's --set overrides (a parameter they set is held at that value). Throws
// UsageError when there is no range to vary or the options are out of bounds.
UncertaintyResult estimate_uncertainty(const ParsedSystemSpec& system, const std::vector<Override>& base,
                                       const ModelSpec& model, const RunOptions& run,
                                       const UncertaintyOptions& opt);
// The same for `wafersim infer --uncertainty`: the band of infer_band_metric (the energy ranges
// are held: the inference band is of speed only).
// What an inference band is of: the capacity (requests/s) when the options search for one, TTFT
// p99 of a serving run, output tokens/s per user otherwise; and its value in a run.
const char* infer_band_metric(const InferOptions& infer);
double infer_band_value(const InferStats& stats, const InferOptions& infer);
UncertaintyResult estimate_infer_uncertainty(const ParsedSystemSpec& system,
                                             const std::vector<Override>& base, const ModelSpec& model,
                                             const InferOptions& infer, const UncertaintyOptions& opt);
// The engine under both: `evaluate` runs one system (the ranged values applied) and returns
// the metric and, when opt.energy, its per-kJ figure; `metric` names the metric in the report.
using UncertaintyEval = std::function<std::pair<double, double>(const SystemSpec&)>;
UncertaintyResult estimate_uncertainty_of(const ParsedSystemSpec& system, const std::vector<Override>& base,
                                          const UncertaintyEval& evaluate, const std::string& metric,
                                          const UncertaintyOptions& opt);

// The text section printed after the run report, given the run's own (nominal) figures
// (samples/s, and samples per kJ when the energy band was asked for).
std::string format_uncertainty(const UncertaintyResult& u, double nominal, double nominal_per_kj = 0);
// A run's or infer's JSON report with the band as its "uncertainty" section, as the CLI writes
// it (indented, newline-terminated).
std::string report_with_uncertainty(nlohmann::ordered_json report, const UncertaintyResult& u, double nominal,
                                    double nominal_per_kj = 0);

}  // namespace wafersim::sweep
