#pragma once
// Discrete-event simulation of a layer pipeline over samples (pipelined mode): per stage a
// compute resource that runs forward and backward tasks (backward first, one-forward-one-
// backward), an admission limit of samples in flight (what the stage's SRAM was sized for),
// transfer resources between consecutive stages (fabric flows, each direction), an input
// link feeding stage 0, and the on-wafer weight update of each stage once it has finished the
// batch's backward passes. Fill, steady state and drain come out of the event order.
// Plain C++ (no SystemC): unit-testable, deterministic.
#include <vector>

#include "wafersim/core/units.hpp"

namespace wafersim {

struct PipeStage {
  Seconds fwd_s;  // per sample
  Seconds bwd_s;
  Seconds update_s;   // once per batch
  int in_flight = 1;  // admission limit
  Seconds latency_s;  // fill of the stage's kernels (added to what it sends on)
};

struct PipeLink {
  Seconds xfer_s;     // busy time per sample (serialization on the busiest link)
  Seconds latency_s;  // hops x hop latency
};

struct PipeConfig {
  std::vector<PipeStage> stages;
  std::vector<PipeLink> links;  // stages.size() - 1, between s and s + 1 (both directions)
  Seconds input_s;              // input link busy time per sample
  Seconds input_latency_s;
  int input_prefetch = 4;  // samples the input workers may run ahead of stage 0
  int batch = 1;           // samples per weight update
  int batches = 3;
};

struct SystemSpec;
struct ModelSpec;
struct PipelinePlan;
// The pipeline of a placed model as the simulator runs it: stage times from the plan's cycle
// counts (calibration.compute_efficiency applied), transfers and fill latencies at the PE
// clock, and the input fed by the workers through the CS-2's I/O ports (the slower bounds it).
PipeConfig pipe_config(const SystemSpec& spec, const ModelSpec& model, const PipelinePlan& plan, int batches);

struct PipeStageStats {
  double busy_fwd_s = 0;  // in the measurement window
  double busy_bwd_s = 0;
  double busy_update_s = 0;
};

struct PipeTask {
  double t0 = 0;
  double t1 = 0;
  long long sample = 0;  // batch index for updates
  int kind = 0;          // 0 forward, 1 backward, 2 update
};

struct PipeResult {
  std::vector<double> batch_end_s;  // when each batch's last update finished
  double window_start_s = 0;        // after the first batch
  double window_end_s = 0;
  std::vector<PipeStageStats> stages;
  double stage0_wait_input_s = 0;  // stage 0 idle with nothing to do but wait for input
  double input_busy_s = 0;
  std::vector<double> link_busy_s;  // per boundary, busier direction
  long long events = 0;
  std::vector<std::vector<PipeTask>> tasks;  // per stage, in start order (whole run)
  std::vector<PipeTask> input_waits;         // stage 0 idle waiting for a sample
  std::vector<PipeTask> input_sends;         // input link busy, per sample
};

// Throws SimError on a stuck pipeline (no event left with work outstanding).
PipeResult run_pipeline(const PipeConfig& config);

}  // namespace wafersim
