#pragma once
// The two execution modes behind `simulate` (private to the sim part).
#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/results/stats.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::detail {

RunStats simulate_weight_streaming(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                                   const RunOptions& opt);
// What every run's report starts with: mode, system, model, systems, batch, seq and where
// the seq came from, the model's notes.
RunStats run_header(const SystemSpec& spec, const ModelSpec& model, const char* mode, int systems);

// The pipelined placement alone (no simulation): what `wafersim map` shows.
RunStats place_pipelined(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph);
RunStats simulate_pipelined(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                            const RunOptions& opt);
// Model FLOPs per sample of each layer group (2 x FMACs + element ops, no recomputation).
std::vector<double> group_flops_per_sample(const LayerGraph& graph);
// Refuses, with an estimate, runs that would need more host memory than is available (exit 2).
double estimate_host_bytes(const SystemSpec& spec, const ModelSpec& model, const RunOptions& opt);
void check_resources(const SystemSpec& spec, const ModelSpec& model, const RunOptions& opt);
// Rejects physically meaningless results (zero or negative time, NaN, utilization > 1).
void check_invariants(RunStats& st);

}  // namespace wafersim::detail
