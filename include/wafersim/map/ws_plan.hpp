#pragma once
// The weight-streaming plan: each layer group runs as whole-wafer kernels, one after
// another, forward then backward; the batch is split across systems and, when the
// activations of a system's share do not fit the SRAM left after the weight buffers, into
// micro-batches (gradient accumulation). The per-tile SRAM check runs on the TileArray.
#include <string>
#include <vector>

#include "wafersim/compile/lower.hpp"
#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/tile/tile_array.hpp"

namespace wafersim {

// Layer inputs held on the wafer when checkpoints are offloaded: the one the backward kernel
// uses and the next one arriving (in the forward pass: the one leaving and the one made).
inline constexpr int kCheckpointBuffers = 2;

struct WsPlan {
  int systems = 1;
  int batch = 0;  // global
  int seq = 0;
  int batch_per_system = 0;  // largest share (the slowest system)
  int micro_batch = 0;       // samples per micro-batch
  int micro_batches = 0;     // per step
  int max_micro_batch = 0;   // largest that fits
  // Activations: recomputed from each layer's input in the backward (true) or all kept; with
  // `recompute_chosen` the planner picked it (the model said `auto`) over the alternative's
  // estimated step time `recompute_alternative_s` (0 when the alternative does not fit).
  bool recompute = true;
  bool recompute_chosen = false;
  // Each layer's input streamed off the wafer in the forward pass and back before its backward
  // pass (sim.checkpoint_store); `offloaded_bytes` per micro-batch each way, all layers.
  bool checkpoints_offloaded = false;
  double offloaded_bytes = 0;
  double est_step_s = 0;
  double recompute_alternative_s = 0;
  Rect region;                        // the usable rectangle every kernel runs on
  std::vector<CompiledLayer> layers;  // compiled for `micro_batch` samples
  // Per-tile SRAM at the peak of a step (weight buffers + checkpoints + working set).
  SramSummary sram;
  double weight_buffer_bytes = 0;
  double checkpoint_bytes = 0;  // resident in SRAM (with offload: the two layers in flight)
  double working_bytes = 0;
  double input_bytes_per_sample = 0;
  // The micro-batch setting asked for (the model's, or --micro-batch) and what became of it:
  // `micro_batch_note` says when a file's size was reduced to fit or what `explore` searched
  // (empty otherwise); `explored` is the number of sizes `explore` estimated.
  MicroBatchSetting micro_batch_setting;
  std::string micro_batch_note;
  int explored = 0;
};

// Bytes an input worker sends per sample: token ids, labels and the attention mask (int32).
double input_bytes_per_sample(const ModelSpec& model);

// Throws FitError when not even one sample fits, or when a micro-batch size given on the command
// line (`none` or a number) does not fit; UsageError for a batch smaller than the number of
// systems.
WsPlan plan_weight_streaming(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                             int systems, TileArray& tiles);

}  // namespace wafersim
