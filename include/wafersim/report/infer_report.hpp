#pragma once
// Printers for InferStats (`wafersim infer`): a text report and a JSON report with the schema
// version ("command": "infer"), byte-identical for identical inputs.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "wafersim/results/infer_stats.hpp"

namespace wafersim {

nlohmann::ordered_json infer_json(const InferStats& stats);
std::string format_infer_json(const InferStats& stats);  // pretty, trailing newline
std::string format_infer_text(const InferStats& stats);
// Per layer: system, region, SRAM per tile, prefill and decode times and bounds.
std::string format_infer_breakdown(const InferStats& stats);

}  // namespace wafersim
