#include "wafersim/map/ws_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "wafersim/core/error.hpp"

namespace wafersim {

double input_bytes_per_sample(const ModelSpec& model) {
  if (model.input_bytes_per_sample > 0) return model.input_bytes_per_sample;
  // input ids, labels and attention mask as int32 per token (BERT adds token types); an
  // encoder-decoder's source tokens (ids, mask) and target tokens (ids, labels, mask).
  if (model.arch.arch == Arch::encoder_decoder)
    return 8.0 * model.training.seq + 12.0 * decoder_seq_of(model.arch, model.training.seq);
  const double per_token = model.arch.type_vocab > 0 ? 16.0 : 12.0;
  return per_token * model.training.seq;
}

namespace {

// Largest per-tile share when `bytes` are spread over `tiles` tiles in 2-byte granules.
double max_share(double bytes, double tiles) { return std::ceil(std::ceil(bytes / 2.0) / tiles) * 2.0; }

// A candidate plan: the micro-batching that fits with or without recomputation, its
// compiled layers and an estimate of the step's wafer time (for choosing between the two).
struct Sizing {
  bool fits = false;         // one sample fits
  bool request_fits = true;  // the requested micro-batch size fits (or was reduced to fit)
  bool recompute = true;
  bool offload = false;  // each layer's input streamed off the wafer and back (sim.checkpoint_store)
  int max_micro_batch = 0;
  int micro_batches = 0;
  int micro_batch = 0;
  int requested = 0;  // a size asked for that does not fit (0: none)
  int explored = 0;
  double weight_buffer_bytes = 0;
  double ckpt_per_sample = 0;      // every layer's checkpoint of one sample
  double resident_per_sample = 0;  // of it, what stays in SRAM (all, or the offload buffers)
  double work_per_sample = 0;
  double per_tile_one_sample = 0;  // bytes per tile for one sample (the error message)
  double est_step_s = 0;
  std::vector<CompiledLayer> layers;
};

// The inputs every candidate shares.
struct PlanContext {
  const SystemSpec& spec;
  const ModelSpec& model;
  const LayerGraph& graph;
  const std::vector<CompiledLayer>& probe;  // one-sample lowering
  const KernelCostModel& cost;
  int batch_per_system;
  Rect region;
  double cap;
};

// Micro-batches of at most `size` samples, evened over the share as the Cerebras compiler does:
// the count first, then the size.
void split(Sizing& z, int batch_per_system, int size) {
  z.micro_batches = (batch_per_system + size - 1) / size;
  z.micro_batch = (batch_per_system + z.micro_batches - 1) / z.micro_batches;
}

// Lowers the layers for `z.micro_batch` samples and estimates the step's wafer time: each layer
// per micro-batch takes its kernels or its weights streamed in twice (forward and backward),
// whichever is longer.
void lower_and_estimate(const PlanContext& c, Sizing& z) {
  TrainingSpec training = c.model.training;
  training.activation_checkpointing = z.recompute;
  training.activation_checkpointing_auto = false;
  z.layers = lower_layers(c.graph, c.cost, training, z.micro_batch, c.region.h, c.region.w);
  const double stream_bps =
      std::min(bytes_per_second(c.spec.io.total()), bytes_per_second(c.spec.memoryx.bandwidth));
  const double io_bps = bytes_per_second(c.spec.io.total());
  z.est_step_s = 0;
  for (const auto& l : z.layers) {
    // Offloaded, a layer's input leaves in the forward pass and comes back for the backward.
    const double ckpt_s = z.offload ? l.checkpoint_bytes_per_sample * z.micro_batch / io_bps : 0.0;
    z.est_step_s +=
        z.micro_batches * std::max({c.cost.cycles_to_seconds(l.fwd_total.cycles + l.bwd_total.cycles),
                                    2.0 * l.weight_bytes / stream_bps, ckpt_s});
  }
}

// `explore`: every evened size within the bounds and what fits, estimated; the shortest step
// wins (on a tie, fewer micro-batches). Returns false when the bounds leave nothing.
bool explore(const PlanContext& c, const MicroBatchSetting& want, Sizing& z) {
  const int bps = c.batch_per_system;
  const int lo = std::max(1, want.explore_min);
  const int hi = std::min({z.max_micro_batch, bps, want.explore_max > 0 ? want.explore_max : bps});
  if (lo > hi) return false;
  Sizing best;
  int explored = 0;
  int last = 0;
  for (int count = (bps + hi - 1) / hi; count <= bps; ++count) {
    const int size = (bps + count - 1) / count;  // evened: the count first, then the size
    if (size < lo) break;
    if (size == last) continue;
    last = size;
    Sizing t = z;
    split(t, bps, size);
    lower_and_estimate(c, t);
    if (explored++ == 0 || t.est_step_s < best.est_step_s * (1 - 1e-9)) best = std::move(t);
  }
  // Bounds between two evened sizes (10 samples, min 6: 5 or 10) leave nothing to estimate.
  if (explored == 0) return false;
  z = std::move(best);
  z.explored = explored;
  return true;
}

// `probe` is a one-sample lowering: the memory figures per sample do not depend on the sample
// count or on recomputation, so one probe serves both candidates.
Sizing size_plan(const PlanContext& c, bool recompute) {
  Sizing z;
  z.recompute = recompute;
  const int bps = c.batch_per_system;
  double max_weights = 0;
  for (const auto& l : c.probe) {
    max_weights = std::max(max_weights, l.weight_bytes);
    z.ckpt_per_sample += l.kept_checkpoint_bytes_per_sample;
    z.work_per_sample = std::max(z.work_per_sample, l.working_bytes_per_sample);
  }
  if (!recompute) {
    // Without checkpointing every layer's saved activations stay until its backward.
    z.ckpt_per_sample = 0;
    for (const auto& l : c.probe) z.ckpt_per_sample += l.working_bytes_per_sample;
  }
  const double n = static_cast<double>(c.region.area());
  z.weight_buffer_bytes = c.spec.sim.weight_buffers * max_weights;
  z.resident_per_sample = z.ckpt_per_sample;
  auto need = [&](double mb) {
    return max_share(z.weight_buffer_bytes, n) + max_share(z.resident_per_sample * mb, n) +
           max_share(z.work_per_sample * mb, n);
  };
  // Checkpoints off the wafer (recomputing only): two layers' inputs stay in SRAM, the one in
  // use and the next one in flight; the rest wait outside. `auto` does so only when one
  // sample's checkpoints do not fit: Cerebras trains contexts whose layer inputs are many
  // wafers' SRAM (docs/validation.md, "The SRAM model against Cerebras' micro-batch sizes").
  const std::string& store = c.spec.sim.checkpoint_store;
  if (recompute && (store == "offload" || (store == "auto" && need(1.0) > c.cap))) {
    double max_ckpt = 0;
    for (const auto& l : c.probe) max_ckpt = std::max(max_ckpt, l.checkpoint_bytes_per_sample);
    z.offload = true;
    z.resident_per_sample = kCheckpointBuffers * max_ckpt;
  }
  z.per_tile_one_sample = need(1.0);
  if (need(1.0) > c.cap) return z;
  z.fits = true;
  int lo = 1;
  int hi = bps;
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (need(mid) <= c.cap)
      lo = mid;
    else
      hi = mid - 1;
  }
  z.max_micro_batch = lo;

  const MicroBatchSetting& want = c.model.training.micro_batch;
  if (want.mode == MicroBatchMode::explore && explore(c, want, z)) return z;
  int size = lo;  // automatic: the largest that fits
  if (want.mode == MicroBatchMode::none) size = bps;
  if (want.mode == MicroBatchMode::fixed) size = std::min(want.size, bps);
  if (want.mode == MicroBatchMode::explore) size = want.explore_min;  // bounds above what fits
  if (size > lo) {
    z.requested = size;
    z.request_fits = want.from_file();
    if (!z.request_fits) return z;
    size = lo;
  }
  split(z, bps, size);
  lower_and_estimate(c, z);
  return z;
}

std::string adjusted_note(const MicroBatchSetting& want, const Sizing& z) {
  if (z.requested > 0)
    return fmt::format(
        "micro_batch_size {} ({}) asks for {} samples at once; wafersim's SRAM model fits at most {}, so "
        "it runs {}: the real compiler ran such sizes (wafersim's activation memory is conservative, "
        "docs/validation.md)",
        to_string(want), want.source, z.requested, z.max_micro_batch, z.micro_batch);
  if (want.mode == MicroBatchMode::explore)
    return fmt::format(
        "micro_batch_size {}: {} sizes estimated (at most {} fit); the shortest estimated "
        "step, {:.4g} s of wafer time, has {} micro-batch{} of {}",
        to_string(want), z.explored, z.max_micro_batch, z.est_step_s, z.micro_batches,
        z.micro_batches == 1 ? "" : "es", z.micro_batch);
  return "";
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
        "--batch {} is smaller than --systems {}: every system needs at least one sample", p.batch, systems));
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
  const PlanContext ctx{spec, model, graph, probe, cost, p.batch_per_system, p.region, cap};
  Sizing z = size_plan(ctx, tr.activation_checkpointing);
  const auto usable = [](const Sizing& s) { return s.fits && s.request_fits; };
  if (tr.activation_checkpointing_auto) {
    Sizing other = size_plan(ctx, !z.recompute);
    if (usable(other) && (!usable(z) || other.est_step_s < z.est_step_s * (1 - 1e-9))) std::swap(z, other);
    p.recompute_alternative_s = usable(other) ? other.est_step_s : 0;
  }
  if (!z.fits) {
    const double n = static_cast<double>(p.region.area());
    const std::string& store = spec.sim.checkpoint_store;
    if (max_share(z.weight_buffer_bytes, n) > cap) {  // the weights alone: no sequence length helps
      const int buffers = spec.sim.weight_buffers;
      const double one = max_share(z.weight_buffer_bytes / buffers, n);
      throw FitError(fmt::format(
          "{} does not fit the wafer in weight-streaming mode: its largest layer's weights ({:.1f} GB) "
          "need {:.0f} B per tile in {} buffer(s) (sim.weight_buffers), {} B available; weight streaming "
          "holds whole layers, so {}",
          model.arch.name, z.weight_buffer_bytes / buffers / 1e9, max_share(z.weight_buffer_bytes, n),
          buffers, cap,
          buffers > 1 && one < cap ? "--set sim.weight_buffers=1 (no double buffering) may fit it"
                                   : "it needs a wafer with more SRAM per tile"));
    }
    throw FitError(fmt::format(
        "{} does not fit one sample on the wafer in weight-streaming mode: needs {:.0f} B per tile "
        "(weight buffers {:.0f} B, checkpoints {:.0f} B{}, working set {:.0f} B), {} B available "
        "(pe.sram minus pe.sram_reserved and map.tile_reserve); reduce --seq or use more SRAM{}",
        model.arch.name, z.per_tile_one_sample, max_share(z.weight_buffer_bytes, n),
        max_share(z.resident_per_sample, n), z.offload ? " (the two in flight, the rest off the wafer)" : "",
        max_share(z.work_per_sample, n), cap,
        store == "wafer" && z.recompute
            ? "; with sim.checkpoint_store auto or offload only two layer inputs stay on the wafer"
            : ""));
  }
  if (!z.request_fits)
    throw FitError(
        fmt::format("--micro-batch {} asks for {} samples at once per system; at most {} fit "
                    "next to the weight buffers ({}); use a smaller size or auto",
                    to_string(tr.micro_batch), z.requested, z.max_micro_batch,
                    z.recompute ? "recomputing activations" : "keeping every activation"));
  p.micro_batch_setting = tr.micro_batch;
  p.micro_batch_note = adjusted_note(tr.micro_batch, z);
  p.explored = z.explored;
  p.recompute = z.recompute;
  p.checkpoints_offloaded = z.offload;
  p.recompute_chosen = tr.activation_checkpointing_auto;
  p.est_step_s = z.est_step_s;
  p.max_micro_batch = z.max_micro_batch;
  p.micro_batches = z.micro_batches;
  p.micro_batch = z.micro_batch;

  // Commit the peak allocation on the real tiles: a per-tile check, not only in total.
  p.weight_buffer_bytes = z.weight_buffer_bytes;
  p.checkpoint_bytes = z.resident_per_sample * p.micro_batch;
  p.offloaded_bytes = z.offload ? z.ckpt_per_sample * p.micro_batch : 0.0;
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
