#include "wafersim/map/ws_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "wafersim/core/error.hpp"

namespace wafersim {

double input_bytes_per_sample(const ModelSpec& model) {
  if (model.input_bytes_per_sample > 0) return model.input_bytes_per_sample;
  // input ids, labels and attention mask as int32 per token (BERT adds token types).
  const double per_token = model.arch.type_vocab > 0 ? 16.0 : 12.0;
  return per_token * model.training.seq;
}

namespace {

// Largest per-tile share when `bytes` are spread over `tiles` tiles in 2-byte granules.
double max_share(double bytes, double tiles) { return std::ceil(std::ceil(bytes / 2.0) / tiles) * 2.0; }

// A candidate plan: the micro-batching that fits with or without recomputation, its
// compiled layers and an estimate of the step's wafer time (for choosing between the two).
struct Sizing {
  bool fits = false;
  bool recompute = true;
  int max_micro_batch = 0;
  int micro_batches = 0;
  int micro_batch = 0;
  double weight_buffer_bytes = 0;
  double ckpt_per_sample = 0;
  double work_per_sample = 0;
  double per_tile_one_sample = 0;  // bytes per tile for one sample (the error message)
  double est_step_s = 0;
  std::vector<CompiledLayer> layers;
};

// `probe` is a one-sample lowering: the memory figures per sample do not depend on the sample
// count or on recomputation, so one probe serves both candidates.
Sizing size_plan(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                 const std::vector<CompiledLayer>& probe, const KernelCostModel& cost, int batch_per_system,
                 const Rect& region, double cap, bool recompute) {
  Sizing z;
  z.recompute = recompute;
  TrainingSpec training = model.training;
  training.activation_checkpointing = recompute;
  training.activation_checkpointing_auto = false;
  const int rows = region.h;
  const int cols = region.w;
  double max_weights = 0;
  for (const auto& l : probe) {
    max_weights = std::max(max_weights, l.weight_bytes);
    z.ckpt_per_sample += l.checkpoint_bytes_per_sample;
    z.work_per_sample = std::max(z.work_per_sample, l.working_bytes_per_sample);
  }
  if (!recompute) {
    // Without checkpointing every layer's saved activations stay until its backward.
    z.ckpt_per_sample = 0;
    for (const auto& l : probe) z.ckpt_per_sample += l.working_bytes_per_sample;
  }
  const double n = static_cast<double>(region.area());
  z.weight_buffer_bytes = spec.sim.weight_buffers * max_weights;
  auto need = [&](double mb) {
    return max_share(z.weight_buffer_bytes, n) + max_share(z.ckpt_per_sample * mb, n) +
           max_share(z.work_per_sample * mb, n);
  };
  z.per_tile_one_sample = need(1.0);
  if (need(1.0) > cap) return z;
  z.fits = true;
  int lo = 1;
  int hi = batch_per_system;
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (need(mid) <= cap)
      lo = mid;
    else
      hi = mid - 1;
  }
  z.max_micro_batch = lo;
  z.micro_batches = (batch_per_system + lo - 1) / lo;
  z.micro_batch = (batch_per_system + z.micro_batches - 1) / z.micro_batches;
  z.layers = lower_layers(graph, cost, training, z.micro_batch, rows, cols);
  // Each layer per micro-batch: its kernels, or its weights streamed in twice (forward and
  // backward), whichever is longer.
  const double stream_bps =
      std::min(bytes_per_second(spec.io.total()), bytes_per_second(spec.memoryx.bandwidth));
  for (const auto& l : z.layers)
    z.est_step_s +=
        z.micro_batches * std::max(cost.cycles_to_seconds(l.fwd_total.cycles + l.bwd_total.cycles),
                                   2.0 * l.weight_bytes / stream_bps);
  return z;
}

}  // namespace

WsPlan plan_weight_streaming(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                             int systems, TileArray& tiles) {
  WsPlan p;
  p.systems = systems;
  p.batch = model.training.batch;
  p.seq = model.training.seq;
  p.region = spec.wafer.usable;
  if (p.batch < systems)
    throw UsageError(fmt::format(
        "--batch {} is smaller than --systems {}: every CS-2 needs at least one sample", p.batch, systems));
  p.batch_per_system = (p.batch + systems - 1) / systems;
  p.input_bytes_per_sample = input_bytes_per_sample(model);

  // MemoryX holds the fp32 master weights and the optimizer state (Adam: two fp32 moments).
  const double state_per_param =
      dtype_bytes(model.training.master) * (model.training.optimizer == "sgd" ? 1.0 : 3.0);
  const double memx_need = static_cast<double>(graph.total_params()) * state_per_param;
  if (memx_need > static_cast<double>(spec.memoryx.capacity.value))
    throw FitError(fmt::format(
        "{} needs {:.3g} GB of MemoryX for master weights and optimizer state; "
        "memoryx.capacity is {:.3g} GB",
        model.arch.name, memx_need / 1e9, static_cast<double>(spec.memoryx.capacity.value) / 1e9));

  // Keep every activation (micro-batched to fit) or recompute the forward pass from each
  // layer's input (larger micro-batches): the model's choice, or with `auto` the faster.
  const double cap = tiles.capacity();
  const auto& tr = model.training;
  const KernelCostModel cost(spec, tr.compute);
  const auto probe = lower_layers(graph, cost, tr, 1.0, p.region.h, p.region.w);
  Sizing z = size_plan(spec, model, graph, probe, cost, p.batch_per_system, p.region, cap,
                       tr.activation_checkpointing);
  if (tr.activation_checkpointing_auto) {
    Sizing other =
        size_plan(spec, model, graph, probe, cost, p.batch_per_system, p.region, cap, !z.recompute);
    if (other.fits && (!z.fits || other.est_step_s < z.est_step_s * (1 - 1e-9))) std::swap(z, other);
    p.recompute_alternative_s = other.fits ? other.est_step_s : 0;
  }
  if (!z.fits) {
    const double n = static_cast<double>(p.region.area());
    throw FitError(fmt::format(
        "{} does not fit one sample on the wafer in weight-streaming mode: needs {:.0f} B per tile "
        "(weight buffers {:.0f} B, checkpoints {:.0f} B, working set {:.0f} B), {} B available "
        "(pe.sram minus pe.sram_reserved and map.tile_reserve); reduce --seq or use more SRAM",
        model.arch.name, z.per_tile_one_sample, max_share(z.weight_buffer_bytes, n),
        max_share(z.ckpt_per_sample, n), max_share(z.work_per_sample, n), cap));
  }
  p.recompute = z.recompute;
  p.recompute_chosen = tr.activation_checkpointing_auto;
  p.est_step_s = z.est_step_s;
  p.max_micro_batch = z.max_micro_batch;
  p.micro_batches = z.micro_batches;
  p.micro_batch = z.micro_batch;

  // Commit the peak allocation on the real tiles: a per-tile check, not only in total.
  p.weight_buffer_bytes = z.weight_buffer_bytes;
  p.checkpoint_bytes = z.ckpt_per_sample * p.micro_batch;
  p.working_bytes = z.work_per_sample * p.micro_batch;
  tiles.clear();
  const auto b = [](double v) { return static_cast<std::uint64_t>(std::ceil(v)); };
  const std::uint64_t parts[] = {b(p.weight_buffer_bytes), b(p.checkpoint_bytes), b(p.working_bytes)};
  if (!tiles.allocate_spreads(p.region, parts))
    throw SimError("weight-streaming plan: per-tile allocation failed after the fit check passed");
  p.sram = tiles.summary(p.region);

  p.layers = std::move(z.layers);
  return p;
}

}  // namespace wafersim
