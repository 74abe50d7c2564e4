#pragma once
// Validation against published measurements: bench/validation.yaml lists public reference
// runs (with their sources) as wafersim command lines and the published figure; `validate`
// simulates each and reports the error.
#include <string>
#include <utility>
#include <vector>

namespace wafersim {

struct ValidationCase {
  std::string name;
  std::string source;   // where the published figure comes from
  std::string system;   // what ran it: "CS-2", "2 x CS-3"
  std::string release;  // Cerebras software release of the run, as the source gives it
  std::string date;     // of the run (or the source), YYYY-MM-DD
  std::string note;     // what the public record leaves ambiguous (MSL, release, mode)
  std::vector<std::string> args;
  std::string metric = "samples_per_s";
  double published = 0;
  std::string unit;
  bool calibration = false;  // used to fit a calibration parameter (scripts/calibrate.py)
  double timeout_s = 300;
};

struct Validation {
  std::string file;
  std::string root;
  std::vector<ValidationCase> cases;
};

Validation load_validation(const std::string& path);  // ConfigError on bad input

struct ValidationResult {
  ValidationCase c;
  bool ran = false;
  std::string error_text;
  double simulated = 0;
  double error = 0;       // (simulated - published) / published
  bool has_band = false;  // ran with --uncertainty: the 5th..95th percentile band
  double band_lo = 0, band_hi = 0;
  bool inside() const { return has_band && c.published >= band_lo && c.published <= band_hi; }
  // The system file's validation interval (calibration.model_error) around the simulated figure,
  // when the run gave one (training runs with --uncertainty).
  bool has_interval = false;
  double interval_lo = 0, interval_hi = 0;
  bool inside_interval() const {
    return has_interval && c.published >= interval_lo && c.published <= interval_hi;
  }
};

ValidationResult run_validation_case(const ValidationCase& c, const std::string& root,
                                     const std::string& wafersim, const std::vector<std::string>& extra_args,
                                     int uncertainty_samples = 0);
// `uncertainty_samples` > 0 runs the case with `--uncertainty --samples N` and records its band.
// Over the cases that ran: mean, median and max absolute error, and the bias (mean signed
// error; negative = wafersim slower than measured).
struct ValidationSummary {
  int cases = 0;
  double mean_abs = 0, median_abs = 0, max_abs = 0, bias = 0;
  int banded = 0, inside = 0;    // cases with a band, and how many of them hold the published figure
  double median_half_width = 0;  // of the bands, as a fraction of the simulated figure
  int with_interval = 0, inside_interval = 0;  // the same for the validation interval
};
ValidationSummary summarize_validation(const std::vector<ValidationResult>& r);
// The machine a case ran on, from its `system` text: the word after "N x " ("2 x CS-2" and
// "1 x CS-2 (WSE-2), a P x P region" are both "CS-2"); "unspecified" when there is none.
std::string validation_machine(const std::string& system);
// One summary per machine, in the order the machines first appear, when the cases ran on more
// than one (errors on CS-2 and CS-3 differ in kind: a mean over both hides either).
std::vector<std::pair<std::string, ValidationSummary>> summarize_by_machine(
    const std::vector<ValidationResult>& r);

std::string format_validation_table(const std::vector<ValidationResult>& r, bool markdown);
std::string format_validation_json(const std::vector<ValidationResult>& r);

}  // namespace wafersim
