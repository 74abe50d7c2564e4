#pragma once
// The JSON report as a value, for callers that read fields of it without printing and
// re-parsing it (a sweep point extracts its database columns this way).
#include <nlohmann/json.hpp>

#include "wafersim/results/stats.hpp"

namespace wafersim {

// What format_json_report prints (it is json_report(stats).dump(2) plus a newline).
nlohmann::ordered_json json_report(const RunStats& stats);
// The "kernel_checks" array of --fidelity cycle (run and infer reports).
nlohmann::ordered_json kernel_checks_json(const std::vector<KernelCheckStats>& checks);

// The "energy" object of run and infer reports (present when the system file models energy).
nlohmann::ordered_json energy_json(const EnergyStats& energy);

}  // namespace wafersim
