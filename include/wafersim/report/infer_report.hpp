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
// The serving run's requests (ServingStats::request_log) as CSV, one row each in arrival order:
// request,arrival_s,prompt,generate,prefill_replica,replica,first_token_s,kv_arrival_s,done_s,
// ttft_s,tpot_s,latency_s (seconds; a field that does not apply is empty: prefill_replica and
// kv_arrival_s when colocated, replica for a one-token request served disaggregated, tpot_s for
// one output token).
std::string format_request_log_csv(const ServingStats& serving);

}  // namespace wafersim
