#include "wafersim/sim/simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "modes.hpp"
#include "observe.hpp"
#include "run_energy.hpp"
#include "wafersim/compile/kernel_cost.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/crosscheck/kernel_check.hpp"
#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/map/ws_plan.hpp"
#include "wafersim/system/cluster.hpp"
#include "wafersim/tile/tile_array.hpp"

namespace wafersim {

namespace {

void check_options(const SystemSpec& spec, const ModelSpec& model, const RunOptions& o) {
  if (o.systems < 1 || o.systems > spec.swarmx.max_systems)
    throw UsageError(
        fmt::format("--systems {}: expected 1..{} (swarmx.max_systems)", o.systems, spec.swarmx.max_systems));
  if (o.steps != 0 && (o.steps < 2 || o.steps > 1000))
    throw UsageError(fmt::format("--steps {}: expected 2..1000 (the first step is warm-up)", o.steps));
  if (model.training.batch < 1) throw UsageError("--batch: expected a positive number of sequences");
  if (model.training.seq < 1) throw UsageError("--seq: expected a positive sequence length");
  if (model.kind == ModelKind::transformer && model.training.seq > model.arch.max_seq &&
      model.arch.position == PositionEmbedding::learned)
    throw UsageError(fmt::format("--seq {} exceeds the model's learned position embeddings (max_seq {})",
                                 model.training.seq, model.arch.max_seq));
  if (o.fidelity == Fidelity::cycle) {
    if (o.mode == Mode::pipelined)
      throw UsageError(
          "--fidelity cycle cross-checks the weight-streaming kernels; use --mode weight-streaming");
    constexpr long long kMaxCycleTiles = 256LL * 256;
    if (spec.wafer.usable.area() > kMaxCycleTiles)
      throw UsageError(fmt::format(
          "--fidelity cycle steps every PE and router of the kernels' region cycle by cycle; the usable grid "
          "has {} tiles (at most {}): use a small wafer such as configs/small-wafer.yaml",
          spec.wafer.usable.area(), kMaxCycleTiles));
  }
}

// The slowest resource on the weight path bounds a stream.
struct PathInfo {
  double bytes_per_s;
  Bound bound;
};
PathInfo weight_path(const ClusterConfig& c, int levels) {
  PathInfo p{c.memoryx.rate.value, Bound::memoryx};
  if (levels > 1 && c.swarmx.rate.value < p.bytes_per_s) p = {c.swarmx.rate.value, Bound::swarmx};
  if (c.io.rate.value < p.bytes_per_s) p = {c.io.rate.value, Bound::io};
  return p;
}

}  // namespace

namespace detail {

std::vector<double> group_flops_per_sample(const LayerGraph& graph) {
  std::vector<double> out;
  for (const auto& g : graph.groups()) {
    double f = 0;
    for (OpId id : g.ops) {
      const Op& op = graph.op(id);
      f += 2.0 * (op.fwd_fmacs + op.bwd_fmacs) + op.fwd_elem_ops + op.bwd_elem_ops;
    }
    out.push_back(f);
  }
  return out;
}

RunStats run_header(const SystemSpec& spec, const ModelSpec& model, const char* mode, int systems) {
  RunStats st;
  st.mode = mode;
  st.system_name = spec.name;
  st.model_name = model.arch.name;
  st.systems = systems;
  st.batch = model.training.batch;
  st.seq = model.training.seq;
  st.seq_source = model.training.seq_source;
  st.model_notes = model.notes;
  if (model.kind == ModelKind::transformer && model.arch.arch == Arch::encoder_decoder)
    st.model_notes.push_back(fmt::format(
        "encoder-decoder: {} source tokens (the sequence length) and {} target tokens per sample; "
        "tokens/s counts the source tokens",
        model.training.seq, decoder_seq_of(model.arch, model.training.seq)));
  return st;
}

void check_invariants(RunStats& st) {
  auto bad = [](double v) { return !std::isfinite(v) || v <= 0; };
  if (bad(st.step_time_s) || bad(st.samples_per_s) || bad(st.tokens_per_s))
    throw SimError(fmt::format("internal error: non-physical result (step time {} s, {} samples/s)",
                               st.step_time_s, st.samples_per_s));
  auto& u = st.utilization;
  for (double* v : {&u.compute, &u.fabric, &u.io, &u.memoryx, &u.swarmx, &u.input, &st.mfu}) {
    if (!std::isfinite(*v) || *v < 0 || *v > 1.0 + 1e-9)
      throw SimError(fmt::format("internal error: a utilization of {} is outside [0, 1]", *v));
    *v = std::min(*v, 1.0);
  }
}

namespace {

// The cluster the SystemC model runs: the plan's layers timed by the cost model, the links.
ClusterConfig ws_cluster_config(const SystemSpec& spec, const WsPlan& plan, const KernelCostModel& cost,
                                const RunOptions& opt) {
  ClusterConfig cc;
  cc.systems = opt.systems;
  cc.steps = opt.steps == 0 ? kDefaultSteps : opt.steps;
  cc.micro_batches = plan.micro_batches;
  for (const auto& l : plan.layers) {
    ClusterLayer cl;
    cl.name = l.name;
    cl.weight_bytes = l.weight_bytes;
    cl.grad_bytes = l.grad_bytes;
    cl.forward_s = Seconds(cost.cycles_to_seconds(l.fwd_total.cycles));
    cl.backward_s = Seconds(cost.cycles_to_seconds(l.bwd_total.cycles));
    cl.optimizer_s = Seconds(static_cast<double>(l.params) / spec.memoryx.optimizer_rate);
    if (plan.checkpoints_offloaded) cl.checkpoint_bytes = l.checkpoint_bytes_per_sample * plan.micro_batch;
    cc.layers.push_back(cl);
  }
  cc.input_bytes_per_micro = plan.input_bytes_per_sample * plan.micro_batch;
  cc.memoryx = {BytesPerSecond(bytes_per_second(spec.memoryx.bandwidth)), spec.memoryx.latency};
  cc.swarmx = {BytesPerSecond(bytes_per_second(spec.swarmx.nic_bandwidth) * spec.swarmx.lanes),
               spec.swarmx.level_latency};
  cc.io = {BytesPerSecond(bytes_per_second(spec.io.total())), spec.io.latency};
  // Offloaded checkpoints leave and return through the system's I/O ports, on a path of their
  // own at the ports' rate (contention with the weight streams is not modelled).
  cc.activation = cc.io;
  cc.checkpoint_buffers = kCheckpointBuffers;
  cc.input = {BytesPerSecond(bytes_per_second(spec.input.worker_bandwidth) * spec.input.workers),
              spec.input.latency};
  cc.input_workers = spec.input.workers;
  cc.fanout = spec.swarmx.fanout;
  cc.chunk_bytes = static_cast<double>(spec.sim.stream_chunk.value);
  cc.weight_buffers = spec.sim.weight_buffers;
  cc.step_overhead_s = spec.calibration.step_overhead;

  return cc;
}

// Utilization over the measurement window and the overall bottleneck.
void ws_utilization(const WsPlan& plan, const ClusterResult& res, double window, RunStats& st) {
  auto& u = st.utilization;
  u.compute = res.wafer_busy_s / window;
  double fabric_cycles = 0;
  double cycles = 0;
  for (const auto& l : plan.layers) {
    fabric_cycles += l.fwd_total.fabric_cycles + l.bwd_total.fabric_cycles;
    cycles += l.fwd_total.cycles + l.bwd_total.cycles;
  }
  u.fabric = cycles > 0 ? u.compute * fabric_cycles / cycles : 0;
  for (const auto& l : res.links) {
    const double f = l.busy_s / window;
    if (l.kind == LinkKind::io)
      u.io = std::max(u.io, f);
    else if (l.kind == LinkKind::swarmx)
      u.swarmx = std::max(u.swarmx, f);
    else if (l.kind == LinkKind::memoryx)
      u.memoryx = std::max(u.memoryx, f);
    else if (l.kind == LinkKind::input)
      u.input = std::max(u.input, f);
    else if (l.kind == LinkKind::activation)  // offloaded checkpoints use the I/O ports too
      u.io = std::max(u.io, f);
  }
  u.memoryx = std::max(u.memoryx, res.optimizer_busy_s / window);

  // Overall bottleneck: the busiest resource; the wafer's share split by kernel bound.
  struct Cand {
    const char* name;
    double v;
  };
  const bool fabric_bound = fabric_cycles > 0.5 * cycles;
  std::vector<Cand> cands = {{fabric_bound ? "fabric" : "compute", u.compute},
                             {"io", u.io},
                             {"memoryx", u.memoryx},
                             {"swarmx", u.swarmx},
                             {"input", u.input}};
  const auto best =
      std::max_element(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.v < b.v; });
  st.bottleneck = best->name;
  st.bottleneck_reason = fmt::format(
      "{} busy {:.1f}% of the step; wafer stalled {:.1f}% on weight streams, {:.1f}% on input", best->name,
      100 * best->v, 100 * res.wait_weights_s / window, 100 * res.wait_input_s / window);
}

// Per layer: forward, backward, streams and optimizer per step, and what bounds each.
PathInfo ws_layers(const LayerGraph& graph, const WsPlan& plan, const ClusterConfig& cc,
                   const ClusterResult& res, RunStats& st) {
  const PathInfo path = weight_path(cc, res.swarmx_levels);
  const double m = plan.micro_batches;
  const auto flops = group_flops_per_sample(graph);
  for (std::size_t i = 0; i < plan.layers.size(); ++i) {
    const auto& l = plan.layers[i];
    const auto& cl = cc.layers[i];
    LayerStats ls;
    ls.name = l.name;
    ls.params = l.params;
    ls.forward_s = cl.forward_s.value * m;
    ls.backward_s = cl.backward_s.value * m;
    ls.weight_stream_s = 2.0 * m * l.weight_bytes / path.bytes_per_s;
    ls.grad_stream_s = m * l.grad_bytes / path.bytes_per_s;
    ls.optimizer_s = cl.optimizer_s.value;
    const double wafer = ls.forward_s + ls.backward_s;
    const double stream = std::max(ls.weight_stream_s, ls.grad_stream_s);
    if (stream > wafer) {
      ls.bound = to_string(path.bound);
    } else {
      const Bound kb = l.bwd_total.cycles >= l.fwd_total.cycles ? l.bwd_total.bound : l.fwd_total.bound;
      ls.bound = to_string(kb);
    }
    ls.flops = flops[i] * plan.batch_per_system;
    st.layers.push_back(ls);
  }
  return path;
}

}  // namespace

RunStats simulate_weight_streaming(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                                   const RunOptions& opt) {
  TileArray tiles = TileArray::from_spec(spec);
  const WsPlan plan = plan_weight_streaming(spec, model, graph, opt.systems, tiles);
  const KernelCostModel cost(spec, model.training.compute);
  const ClusterConfig cc = ws_cluster_config(spec, plan, cost, opt);
  const ClusterResult res = run_cluster(cc);

  RunStats st = run_header(spec, model, "weight-streaming", opt.systems);
  st.steps = cc.steps;
  st.micro_batch = plan.micro_batch;
  st.micro_batches = plan.micro_batches;
  st.tiles = plan.region.area();
  const double window = res.window_end_s - res.window_start_s;
  const int measured = cc.steps - 1;
  st.step_time_s = window / measured;
  st.samples_per_s = st.batch / st.step_time_s;
  st.tokens_per_s = st.samples_per_s * st.seq;
  st.model_flops_per_step = graph.training_flops_per_sample() * st.batch;
  st.model_flops_per_s = st.model_flops_per_step / st.step_time_s;
  st.peak_flops_per_s =
      static_cast<double>(st.tiles) * cost.peak_flops_per_pe_cycle() * spec.pe.clock.value * opt.systems;
  st.mfu = st.model_flops_per_s / st.peak_flops_per_s;

  ws_utilization(plan, res, window, st);
  const PathInfo path = ws_layers(graph, plan, cc, res, st);
  st.sram = {plan.sram.min, plan.sram.mean, plan.sram.max, tiles.capacity()};
  const MicroBatchSetting& mbs = plan.micro_batch_setting;
  const std::string asked = mbs.source.empty()
                                ? std::string()
                                : fmt::format("; micro_batch_size {} from {}", to_string(mbs), mbs.source);
  if (plan.micro_batches == 1)
    st.notes.push_back(fmt::format("one micro-batch of {} samples per {} (at most {} fit at once{})",
                                   plan.micro_batch, spec.name, plan.max_micro_batch, asked));
  else
    st.notes.push_back(fmt::format("{} micro-batches of {} samples per {} (at most {} fit at once{})",
                                   plan.micro_batches, plan.micro_batch, spec.name, plan.max_micro_batch,
                                   asked));
  if (!plan.micro_batch_note.empty()) st.notes.push_back(plan.micro_batch_note);
  st.micro_batch_setting = to_string(mbs);
  st.max_micro_batch = plan.max_micro_batch;
  st.checkpoints = plan.checkpoints_offloaded ? "offload" : "wafer";
  if (plan.checkpoints_offloaded)
    st.notes.push_back(fmt::format(
        "layer inputs kept off the wafer (sim.checkpoint_store {}{}): {} per micro-batch out after the "
        "forward kernels and back before the backward ones, through the I/O ports; waiting for them {:.1f}% "
        "of the step",
        spec.sim.checkpoint_store,
        spec.sim.checkpoint_store == "auto" ? ": one sample's do not fit in SRAM" : "",
        format_bytes(plan.offloaded_bytes),
        st.step_time_s > 0 ? 100 * res.wait_checkpoints_s / measured / st.step_time_s : 0.0));
  if (plan.recompute_chosen) {
    const char* what = plan.recompute ? "recomputed from each layer's input in the backward pass"
                                      : "all kept for the backward pass (no recomputation)";
    if (plan.recompute_alternative_s > 0)
      st.notes.push_back(
          fmt::format("activations {} (activation_checkpointing auto: est. {:.3g} s of wafer time "
                      "per step, {:.3g} s the other way)",
                      what, plan.est_step_s, plan.recompute_alternative_s));
    else
      st.notes.push_back(
          fmt::format("activations {} (activation_checkpointing auto: the other way does not fit)", what));
  } else {
    st.notes.push_back(fmt::format("activations {} (activation_checkpointing: {})",
                                   plan.recompute ? "recomputed from each layer's input in the backward pass"
                                                  : "all kept for the backward pass",
                                   plan.recompute ? "true" : "false"));
  }
  st.notes.push_back(fmt::format("SwarmX tree: {} node(s) in {} level(s); {} link transactions",
                                 res.swarmx_nodes, res.swarmx_levels, res.transactions));
  const char* path_name = path.bound == Bound::io       ? "system I/O bandwidth (io.ports, io.port_bandwidth)"
                          : path.bound == Bound::swarmx ? "SwarmX NICs (swarmx.nic_bandwidth, swarmx.lanes)"
                                                        : "MemoryX bandwidth (memoryx.bandwidth)";
  ws_breakdown(res, plan, measured, path_name, st);
  st.step_boundary = ws_step_boundary(res, cc, cc.step_overhead_s.value);
  st.energy = ws_energy(spec, model, plan, cc, res, st);
  if (opt.trace) st.timeline = ws_trace(res, plan, opt.trace_steps);
  if (opt.tile_maps) ws_tile_maps(spec, tiles, st, st);
  check_invariants(st);
  return st;
}

}  // namespace detail

namespace {
// --fidelity cycle: every distinct kernel of the model (GEMMs and elementwise ops) run on the
// cycle-level engine next to the approx cost model (one sample per kernel, on the usable grid).
void add_kernel_checks(const SystemSpec& spec, const ModelSpec& model, RunStats& st) {
  cycle::KernelCheckOptions o;
  o.samples = 1;
  const auto checks = cycle::cross_check_model(spec, model, o);
  int off = 0;
  for (const auto& c : checks) {
    const bool ok = cycle::agrees(c, 0.10);
    off += ok ? 0 : 1;
    st.kernel_checks.push_back(cycle::to_stats(c, ok));
  }
  st.fidelity = "cycle";
  st.notes.push_back(
      fmt::format("--fidelity cycle: {} kernels (GEMM and elementwise) run on the cycle-level fabric "
                  "engine; {} agree with the approx cost model within 10% (or 2 cycles)",
                  checks.size(), checks.size() - static_cast<std::size_t>(off)));
}
}  // namespace

const char* to_string(Mode m) {
  switch (m) {
    case Mode::weight_streaming:
      return "weight-streaming";
    case Mode::pipelined:
      return "pipelined";
    case Mode::automatic:
      return "auto";
  }
  return "weight-streaming";
}

const char* to_string(Fidelity f) { return f == Fidelity::cycle ? "cycle" : "approx"; }

Mode parse_mode(const std::string& text, const std::string& option) {
  for (const Mode m : {Mode::weight_streaming, Mode::pipelined, Mode::automatic})
    if (text == to_string(m)) return m;
  throw UsageError(fmt::format("{} {}: expected weight-streaming, pipelined or auto", option, text));
}

Fidelity parse_fidelity(const std::string& text, const std::string& option) {
  for (const Fidelity f : {Fidelity::approx, Fidelity::cycle})
    if (text == to_string(f)) return f;
  throw UsageError(fmt::format("{} {}: expected approx or cycle", option, text));
}

RunStats place_pipelined(const SystemSpec& spec, const ModelSpec& model) {
  RunOptions opt;
  opt.mode = Mode::pipelined;
  check_options(spec, model, opt);
  detail::check_resources(spec, model, opt);
  return detail::place_pipelined(spec, model, build_model_graph(model));
}

RunStats simulate(const SystemSpec& spec, const ModelSpec& model, const RunOptions& opt) {
  check_options(spec, model, opt);
  if (opt.mode == Mode::pipelined && opt.systems > 1)
    throw UsageError(
        fmt::format("--mode pipelined runs on one system (--systems {} given); use "
                    "--mode weight-streaming for data parallel training",
                    opt.systems));
  if (opt.mode == Mode::pipelined && model.training.micro_batch.source == "--micro-batch")
    throw UsageError("--micro-batch applies to weight streaming; pipelined mode streams samples one by one");
  detail::check_resources(spec, model, opt);
  const LayerGraph graph = build_model_graph(model);
  if (opt.fidelity == Fidelity::cycle) {
    RunStats st = detail::simulate_weight_streaming(spec, model, graph, opt);
    add_kernel_checks(spec, model, st);
    return st;
  }
  // A model file's micro_batch_size is the weight-streaming compiler's; pipelined runs say so.
  const auto pipelined = [&]() {
    RunStats st = detail::simulate_pipelined(spec, model, graph, opt);
    const MicroBatchSetting& mbs = model.training.micro_batch;
    if (!mbs.source.empty())
      st.notes.push_back(fmt::format("micro_batch_size {} ({}) applies to weight streaming; not used here",
                                     to_string(mbs), mbs.source));
    return st;
  };
  if (opt.mode == Mode::weight_streaming) return detail::simulate_weight_streaming(spec, model, graph, opt);
  if (opt.mode == Mode::pipelined) return pipelined();
  // auto: pipelined when the model fits one wafer, weight streaming otherwise (and say why).
  std::string why;
  if (opt.systems > 1) {
    why = fmt::format("--mode auto: {} systems need weight streaming (pipelined runs on one system)",
                      opt.systems);
  } else {
    try {
      RunStats st = pipelined();
      st.notes.insert(st.notes.begin(), "--mode auto: the model fits one wafer, so it runs pipelined");
      return st;
    } catch (const FitError& e) {
      why = std::string("--mode auto: fell back to weight streaming because ") + e.what();
    }
  }
  RunStats st = detail::simulate_weight_streaming(spec, model, graph, opt);
  st.notes.insert(st.notes.begin(), why);
  return st;
}

}  // namespace wafersim
