#pragma once
// Printers for RunStats, separate from the model: a text report (fmt tables) and a JSON
// report with a schema version, byte-identical for identical inputs.
#include <string>
#include <vector>

#include "wafersim/results/stats.hpp"

namespace wafersim {

constexpr int kReportSchemaVersion = 1;

std::string format_text_report(const RunStats& stats);
std::string format_json_report(const RunStats& stats);  // pretty-printed, trailing newline
// Where the step time goes, per cause, overall and per layer, and what to upgrade first.
std::string format_breakdown(const RunStats& stats);

// The --fidelity cycle table (run and infer): kernel, pass, approx and cycle-level cycles, ratio,
// note; `agrees` rows unmarked, the others marked DISAGREES.
std::string format_kernel_checks(const std::vector<KernelCheckStats>& checks, const std::string& title);

// The --energy section (run and infer): energy per interval and per sample or token, power per
// system against the published envelope, the parts and the events; "" when not modelled.
std::string format_energy_report(const EnergyStats& energy);

// Writes to a temporary file beside `path` and renames it over, so a crash never leaves a
// truncated file. Throws std::runtime_error naming the path on failure.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace wafersim
