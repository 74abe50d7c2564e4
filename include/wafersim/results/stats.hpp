#pragma once
// The results of one run as plain values: what the printers (text, JSON) read. No SystemC.
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wafersim/results/energy.hpp"
#include "wafersim/results/timeline.hpp"

namespace wafersim {

struct Utilization {
  double compute = 0;  // fraction of the step the wafer runs kernels
  double fabric = 0;   // fraction of the step the busiest fabric links are busy
  double io = 0;       // CS-2 I/O ports, busier direction
  double memoryx = 0;  // MemoryX streams or optimizer, whichever is busier
  double swarmx = 0;   // busiest SwarmX tree link
  double input = 0;    // input-worker links
};

// Where the step time goes (seconds per step), by cause. In weight streaming the timeline of
// CS-2 0 is partitioned; in pipelined mode, the bottleneck stage's.
struct Breakdown {
  double compute = 0;             // kernels bound by SIMD issue, SRAM ports or op setup
  double fabric = 0;              // kernels bound by fabric links
  double weight_streaming = 0;    // waiting for weights to arrive
  double gradient_reduction = 0;  // waiting for gradients to reach MemoryX (update boundary)
  double optimizer = 0;           // waiting for the optimizer update (MemoryX or on the wafer)
  double input = 0;               // waiting for input samples
  double checkpoints = 0;         // waiting for offloaded checkpoints (sim.checkpoint_store)
  double overhead = 0;            // host/runtime time per step (calibration.step_overhead)
  double idle = 0;                // pipeline fill/drain and other bubbles
  std::string upgrade_first;      // the resource to upgrade first
  std::string reason;
  // Every cause with its time, in report order.
  std::array<std::pair<const char*, double>, 9> causes() const {
    return {{{"compute", compute},
             {"fabric", fabric},
             {"weight streaming", weight_streaming},
             {"gradient reduction", gradient_reduction},
             {"optimizer", optimizer},
             {"input", input},
             {"checkpoints", checkpoints},
             {"overhead", overhead},
             {"idle", idle}}};
  }
};

// Weight streaming: the chain at a step boundary that overlap cannot hide. The next step's
// first layer needs this step's update of it, and that layer's gradient is the last one out:
// the gradient is reduced through the SwarmX tree into MemoryX, updated, and its weights are
// broadcast back down the tree. Seconds, measured on CS-2 0 at the last simulated boundary.
struct StepBoundary {
  bool present = false;
  double reduce_s = 0;     // end of the step's last kernel .. the last gradient is in MemoryX
  double update_s = 0;     // .. MemoryX has updated that layer
  double broadcast_s = 0;  // .. the next step's first weights are on the wafer
  double chain_s = 0;      // the three together
  double overhead_s = 0;   // host/runtime time per step, which runs beside the chain
  double exposed_s = 0;    // the boundary's wafer idle time beyond the host overhead
  int swarmx_levels = 0;   // tree levels each way
};

struct LayerStats {
  std::string name;
  std::uint64_t params = 0;
  double forward_s = 0;        // per step (all micro-batches)
  double backward_s = 0;       // per step, including recomputation
  double weight_stream_s = 0;  // per step, weights in at the path's bandwidth (both passes)
  double grad_stream_s = 0;    // per step, gradients out
  double optimizer_s = 0;      // MemoryX update of this layer
  std::string bound;           // compute | fabric | sram | io | memoryx | swarmx
  double flops = 0;            // model FLOPs per step on one system
  // Step time attributed to this layer (seconds per step; weight streaming: CS-2 0).
  Breakdown breakdown;
};

struct SramStats {
  std::uint64_t min = 0;
  double mean = 0;
  std::uint64_t max = 0;
  std::uint64_t capacity = 0;
};

// One pipeline stage (pipelined mode): a layer group on its own region.
struct StageStats {
  std::string name;
  int x = 0, y = 0, w = 0, h = 0;  // region
  long long tiles = 0;
  std::uint64_t params = 0;
  SramStats sram;        // per tile on the region
  double forward_s = 0;  // per sample
  double backward_s = 0;
  double stage_time_s = 0;  // forward + backward per sample
  double update_s = 0;      // on-wafer optimizer, once per batch
  double busy = 0;          // fraction of the step the stage computes
  double xfer_s = 0;        // per sample to the next stage on the busiest link
  int flow_lanes = 0;
  int in_flight = 0;
  std::string bound;  // compute | sram | fabric | setup
};

// A kernel run cycle by cycle on the fabric engine next to the approx cost model (--fidelity cycle).
struct KernelCheckStats {
  std::string name;
  std::string pass;  // forward | grad_input | grad_weight
  double approx_cycles = 0;
  double cycle_cycles = 0;
  double ratio = 0;
  bool agrees = false;  // within 10%
  std::string note;
  double approx_link_wavelets = 0;  // the energy model's fabric event, approx and engine
  double cycle_link_wavelets = 0;
};

struct StrategyStats {
  std::string name;
  bool feasible = false;
  double max_stage_s = 0;
};

struct RunStats {
  std::string mode;  // "weight-streaming" | "pipelined"
  std::string fidelity = "approx";
  std::string system_name;
  std::string model_name;
  int systems = 1;
  int batch = 0;
  int seq = 0;
  std::string seq_source;                // where the sequence length came from
  std::vector<std::string> model_notes;  // what the model front-end inferred (ModelSpec::notes)
  int steps = 0;                         // simulated
  int micro_batch = 0;
  int micro_batches = 0;
  int max_micro_batch = 0;          // weight streaming: the most that fit at once
  std::string micro_batch_setting;  // weight streaming: auto | none | explore | N (empty: pipelined)
  std::string checkpoints;          // weight streaming: where layer inputs wait: wafer | offload
  long long tiles = 0;              // PEs used per system
  double step_time_s = 0;           // steady state
  double samples_per_s = 0;
  double tokens_per_s = 0;
  double model_flops_per_step = 0;  // whole cluster, model FLOPs (no recomputation)
  double model_flops_per_s = 0;
  double peak_flops_per_s = 0;  // whole cluster
  double mfu = 0;               // model FLOP/s over peak
  Utilization utilization;
  std::string bottleneck;
  std::string bottleneck_reason;
  SramStats sram;
  std::vector<LayerStats> layers;
  // Pipelined mode only.
  std::vector<StageStats> stages;
  std::string placement_strategy;
  std::vector<StrategyStats> strategies;
  int bottleneck_stage = -1;
  double max_link_utilization = 0;
  std::vector<KernelCheckStats> kernel_checks;  // --fidelity cycle
  Breakdown breakdown;
  StepBoundary step_boundary;  // weight streaming only
  EnergyStats energy;          // when the system file has an energy: section
  std::vector<std::string> notes;

  // Not part of the JSON report: artifacts for --trace and --heatmap when asked for.
  Timeline timeline;  // report/trace.hpp writes it as Perfetto JSON
  int map_width = 0, map_height = 0;
  std::vector<double> map_sram;   // per tile: allocated / capacity
  std::vector<double> map_busy;   // per tile: fraction of the step computing
  std::vector<double> map_links;  // per tile: busiest outgoing link utilization
};

}  // namespace wafersim
