#pragma once
// Observability helpers of the sim part (private): breakdowns, traces, tile maps.
#include <string>

#include "wafersim/map/pipeline_plan.hpp"
#include "wafersim/map/ws_plan.hpp"
#include "wafersim/results/stats.hpp"
#include "wafersim/sim/pipeline_des.hpp"
#include "wafersim/system/cluster.hpp"
#include "wafersim/tile/tile_array.hpp"

namespace wafersim::detail {

std::string upgrade_for(const std::string& cause, const std::string& weight_path);
// Sets idle (the rest of the step), upgrade_first and reason.
void finish_breakdown(Breakdown& b, double step_s, const std::string& weight_path);

void ws_breakdown(const ClusterResult& res, const WsPlan& plan, int measured_steps,
                  const std::string& weight_path, RunStats& st);
// The chain at the last simulated step boundary (RunStats::step_boundary).
StepBoundary ws_step_boundary(const ClusterResult& res, const ClusterConfig& cc, double overhead_s);
Timeline ws_trace(const ClusterResult& res, const WsPlan& plan, int trace_steps);
// Sizes the per-tile maps of `out` to the whole grid, every tile "no data" (NaN).
void init_tile_maps(const SystemSpec& spec, RunStats& out);
void ws_tile_maps(const SystemSpec& spec, const TileArray& tiles, const RunStats& st, RunStats& out);

void pipe_breakdown(const PipelinePlan& plan, const PipeResult& res, int measured_batches, RunStats& st);
Timeline pipe_trace(const PipelinePlan& plan, const PipeResult& res, int batch, int trace_steps);
void pipe_tile_maps(const SystemSpec& spec, const TileArray& tiles, const PipelinePlan& plan,
                    const RunStats& st, RunStats& out);

}  // namespace wafersim::detail
