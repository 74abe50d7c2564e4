#pragma once
// The pipelined plan: every layer group on its own rectangle of the wafer, its weights,
// optimizer state and the activations of the samples in flight resident in the region's
// SRAM (checked tile by tile on the TileArray), region sizes balanced so the stage times are
// as equal as the grid allows, and the activation/gradient flows between consecutive regions
// routed XY over the mesh.
#include <string>
#include <vector>

#include "wafersim/compile/lower.hpp"
#include "wafersim/fabric/flow.hpp"
#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/tile/tile_array.hpp"

namespace wafersim {

struct StageDemand {
  std::string name;
  std::uint64_t params = 0;
  double state_bytes = 0;           // weights + master copy + gradient accumulator + optimizer state
  double act_bytes_per_sample = 0;  // activations kept from forward to backward
  double out_bytes_per_sample = 0;  // activation sent to the next stage (and gradient back)
  int in_flight = 1;                // samples between this stage's forward and its backward
  double work = 0;                  // forward + backward FMACs and element ops per sample
  double total_bytes() const { return state_bytes + act_bytes_per_sample * in_flight; }
};

struct Stage {
  StageDemand demand;
  Rect region;
  CompiledLayer layer;    // one sample on the region (pipelined kernels)
  double fwd_cycles = 0;  // per sample, steady state (fill overlaps the next sample)
  double bwd_cycles = 0;
  double latency_cycles = 0;  // fill of the stage's kernels
  double update_cycles = 0;   // on-wafer optimizer step, once per batch
  Bound bound = Bound::none;  // compute | sram | fabric | setup (kernels)
  SramSummary sram;           // per-tile bytes on its region
  // Flow to the next stage: lanes and the transfer time of one sample's activation.
  int flow_lanes = 0;
  int flow_hops = 0;
  double xfer_cycles = 0;  // serialization on the busiest link of the flow
};

struct StrategyResult {
  std::string name;
  bool feasible = false;
  double max_stage_cycles = 0;
  int iterations = 0;
};

struct PipelinePlan {
  std::string strategy;               // the one used
  std::vector<StrategyResult> tried;  // every strategy evaluated (auto tries all)
  std::vector<Stage> stages;
  int bottleneck_stage = 0;
  double max_stage_cycles = 0;  // fwd + bwd of the slowest stage
  LinkLoads links{0, 0};        // bytes per sample on every mesh link
  double max_link_bytes_per_sample = 0;
  double total_bytes = 0;  // the model's footprint on the wafer
};

// Bytes per parameter kept in SRAM in pipelined mode: fp16 working copy + fp32 master +
// fp32 gradient accumulator + optimizer state (Adam: two fp32 moments).
double pipelined_bytes_per_param(const TrainingSpec& t);
// Elementwise ops of the on-wafer optimizer per parameter and step (SGD 3, Adam 12).
double optimizer_ops_per_param(const TrainingSpec& t);

// The demand of each layer group (no placement yet). `stages` = number of groups.
std::vector<StageDemand> pipeline_demands(const LayerGraph& graph, const KernelCostModel& cost,
                                          const TrainingSpec& training);

// Throws FitError (with bytes needed vs available, the largest layer and the hint to use
// weight streaming) when the model cannot be placed.
PipelinePlan plan_pipelined(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                            TileArray& tiles);

}  // namespace wafersim
