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

  // Footprint per sample from a one-sample lowering (memory figures do not depend on it).
  const KernelCostModel cost(spec, model.training.compute);
  const int rows = p.region.h;
  const int cols = p.region.w;
  const auto probe = lower_layers(graph, cost, model.training, 1.0, rows, cols);
  double max_weights = 0;
  double ckpt_per_sample = 0;
  double work_per_sample = 0;
  for (const auto& l : probe) {
    max_weights = std::max(max_weights, l.weight_bytes);
    ckpt_per_sample += l.checkpoint_bytes_per_sample;
    work_per_sample = std::max(work_per_sample, l.working_bytes_per_sample);
  }
  if (!model.training.activation_checkpointing) {
    // Without checkpointing every layer's saved activations stay until its backward.
    ckpt_per_sample = 0;
    for (const auto& l : probe) ckpt_per_sample += l.working_bytes_per_sample;
  }
  const double n = static_cast<double>(p.region.area());
  const double cap = tiles.capacity();
  const double wbuf = spec.sim.weight_buffers * max_weights;
  auto fits = [&](double mb) {
    return max_share(wbuf, n) + max_share(ckpt_per_sample * mb, n) + max_share(work_per_sample * mb, n) <=
           cap;
  };
  if (!fits(1.0)) {
    throw FitError(fmt::format(
        "{} does not fit one sample on the wafer in weight-streaming mode: needs {:.0f} B per tile "
        "(weight buffers {:.0f} B, checkpoints {:.0f} B, working set {:.0f} B), {} B available "
        "(pe.sram minus pe.sram_reserved and map.tile_reserve); reduce --seq or use more SRAM",
        model.arch.name, max_share(wbuf, n) + max_share(ckpt_per_sample, n) + max_share(work_per_sample, n),
        max_share(wbuf, n), max_share(ckpt_per_sample, n), max_share(work_per_sample, n), cap));
  }
  int lo = 1;
  int hi = p.batch_per_system;
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (fits(mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  p.max_micro_batch = lo;
  p.micro_batches = (p.batch_per_system + lo - 1) / lo;
  p.micro_batch = (p.batch_per_system + p.micro_batches - 1) / p.micro_batches;

  // Commit the peak allocation on the real tiles: a per-tile check, not only in total.
  p.weight_buffer_bytes = wbuf;
  p.checkpoint_bytes = ckpt_per_sample * p.micro_batch;
  p.working_bytes = work_per_sample * p.micro_batch;
  tiles.clear();
  const auto b = [](double v) { return static_cast<std::uint64_t>(std::ceil(v)); };
  const std::uint64_t parts[] = {b(p.weight_buffer_bytes), b(p.checkpoint_bytes), b(p.working_bytes)};
  if (!tiles.allocate_spreads(p.region, parts))
    throw SimError("weight-streaming plan: per-tile allocation failed after the fit check passed");
  p.sram = tiles.summary(p.region);

  p.layers = lower_layers(graph, cost, model.training, p.micro_batch, rows, cols);
  return p;
}

}  // namespace wafersim
