// Pipelined mode: place every layer group on its own region (map), time each stage with the
// pipelined kernels, route the inter-region flows over the mesh, then run the pipeline over
// samples as discrete events (fill, steady state, drain, weight update, input starvation).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "modes.hpp"
#include "observe.hpp"
#include "run_energy.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/fabric/flow.hpp"
#include "wafersim/map/pipeline_plan.hpp"
#include "wafersim/map/ws_plan.hpp"
#include "wafersim/sim/pipeline_des.hpp"
#include "wafersim/tile/tile_array.hpp"

namespace wafersim::detail {

namespace {

// What the placement alone says of a stage (no simulation): region, SRAM, stage times, bound.
StageStats stage_of(const Stage& p, std::uint64_t capacity, double clock, double eff) {
  const auto sec = [&](double cycles) { return cycles / clock / eff; };
  StageStats ss;
  ss.name = p.demand.name;
  ss.x = p.region.x;
  ss.y = p.region.y;
  ss.w = p.region.w;
  ss.h = p.region.h;
  ss.tiles = p.region.area();
  ss.params = p.demand.params;
  ss.sram = {p.sram.min, p.sram.mean, p.sram.max, capacity};
  ss.forward_s = sec(p.fwd_cycles);
  ss.backward_s = sec(p.bwd_cycles);
  ss.stage_time_s = ss.forward_s + ss.backward_s;
  ss.update_s = sec(p.update_cycles);
  ss.xfer_s = p.xfer_cycles / clock;
  ss.flow_lanes = p.flow_lanes;
  ss.in_flight = p.demand.in_flight;
  ss.bound = to_string(p.bound);
  return ss;
}

void strategies_of(const PipelinePlan& plan, double clock, double eff, RunStats& st) {
  st.placement_strategy = plan.strategy;
  for (const auto& t : plan.tried)
    st.strategies.push_back({t.name, t.feasible, t.feasible ? t.max_stage_cycles / clock / eff : 0.0});
}

}  // namespace

RunStats place_pipelined(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph) {
  TileArray tiles = TileArray::from_spec(spec);
  const PipelinePlan plan = plan_pipelined(spec, model, graph, tiles);
  const double clock = spec.pe.clock.value;
  const double eff = spec.calibration.compute_efficiency;
  RunStats st = run_header(spec, model, "pipelined", 1);
  st.tiles = spec.wafer.usable.area();
  strategies_of(plan, clock, eff, st);
  for (const Stage& p : plan.stages) st.stages.push_back(stage_of(p, tiles.capacity(), clock, eff));
  st.bottleneck_stage = plan.bottleneck_stage;
  const auto whole = tiles.summary(spec.wafer.usable);
  st.sram = {whole.min, whole.mean, whole.max, tiles.capacity()};
  return st;
}

RunStats simulate_pipelined(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                            const RunOptions& opt) {
  TileArray tiles = TileArray::from_spec(spec);
  const PipelinePlan plan = plan_pipelined(spec, model, graph, tiles);
  const KernelCostModel cost(spec, model.training.compute);
  const double clock = spec.pe.clock.value;
  const double eff = spec.calibration.compute_efficiency;

  const double in_bytes = input_bytes_per_sample(model);
  const PipeConfig pc = pipe_config(spec, model, plan, opt.steps == 0 ? kDefaultSteps : opt.steps);
  const PipeResult res = run_pipeline(pc);

  RunStats st = run_header(spec, model, "pipelined", 1);
  st.steps = pc.batches;
  st.micro_batch = st.batch;
  st.micro_batches = 1;
  st.tiles = spec.wafer.usable.area();
  const double window = res.window_end_s - res.window_start_s;
  st.step_time_s = window / (pc.batches - 1);
  st.samples_per_s = st.batch / st.step_time_s;
  st.tokens_per_s = st.samples_per_s * st.seq;
  st.model_flops_per_step = graph.training_flops_per_sample() * st.batch;
  st.model_flops_per_s = st.model_flops_per_step / st.step_time_s;
  st.peak_flops_per_s = static_cast<double>(st.tiles) * cost.peak_flops_per_pe_cycle() * clock;
  st.mfu = st.model_flops_per_s / st.peak_flops_per_s;
  strategies_of(plan, clock, eff, st);

  // Per stage and the whole wafer.
  const auto flops = group_flops_per_sample(graph);
  double busy_tiles = 0;
  double worst_busy = -1;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& p = plan.stages[s];
    const auto& r = res.stages[s];
    StageStats ss = stage_of(p, tiles.capacity(), clock, eff);
    ss.busy = (r.busy_fwd_s + r.busy_bwd_s + r.busy_update_s) / window;
    busy_tiles += ss.busy * static_cast<double>(ss.tiles);
    if (ss.busy > worst_busy) {
      worst_busy = ss.busy;
      st.bottleneck_stage = static_cast<int>(s);
    }
    LayerStats ls;
    ls.name = ss.name;
    ls.params = ss.params;
    ls.forward_s = ss.forward_s * st.batch;
    ls.backward_s = ss.backward_s * st.batch;
    ls.optimizer_s = ss.update_s;
    ls.bound = ss.bound;
    ls.flops = flops[s] * st.batch;
    st.layers.push_back(ls);
    st.stages.push_back(std::move(ss));
  }
  auto& u = st.utilization;
  u.compute = busy_tiles / static_cast<double>(st.tiles);
  const double link_bw = link_bytes_per_cycle(spec.router) * clock;
  st.max_link_utilization = plan.max_link_bytes_per_sample * st.samples_per_s / link_bw;
  double boundary = 0;
  for (double b : res.link_busy_s) boundary = std::max(boundary, b / window);
  u.fabric = std::min(1.0, std::max(st.max_link_utilization, boundary));
  u.input = res.input_busy_s / window;
  u.io = in_bytes * st.samples_per_s / bytes_per_second(spec.io.total());
  u.memoryx = 0;
  u.swarmx = 0;
  SramStats all{~0ull, 0, 0, tiles.capacity()};
  const auto whole = tiles.summary(spec.wafer.usable);
  all = {whole.min, whole.mean, whole.max, tiles.capacity()};
  st.sram = all;

  // Bottleneck: the busiest of the slowest stage, the fabric between stages, and the input.
  const StageStats& worst = st.stages[static_cast<std::size_t>(st.bottleneck_stage)];
  const double starve = res.stage0_wait_input_s / window;
  std::string name = worst.bound == "fabric" ? "fabric" : "compute";
  double level = worst.busy;
  if (boundary > level) {
    name = "fabric";
    level = boundary;
  }
  if (u.input > level || starve > 0.05) {
    name = "input";
    level = std::max(u.input, starve);
  }
  st.bottleneck = name;
  st.bottleneck_reason = fmt::format(
      "stage {} ({}) is busy {:.1f}% of the step ({} bound); busiest link between stages {:.1f}%; "
      "input link {:.1f}%, stage 0 starved of input {:.1f}% of the step",
      st.bottleneck_stage, worst.name, 100 * worst.busy, worst.bound, 100 * boundary, 100 * u.input,
      100 * starve);
  if (starve > 0.05)
    st.notes.push_back(
        fmt::format("input workers starve the pipeline: stage 0 waits for samples {:.1f}% "
                    "of the step (raise input.workers or input.worker_bandwidth)",
                    100 * starve));
  st.notes.push_back(fmt::format(
      "placement: {} (tried: {}); {} stages on {} tiles; model footprint {}", plan.strategy,
      [&] {
        std::string t;
        for (const auto& s : st.strategies)
          t += fmt::format(
              "{}{} {}", t.empty() ? "" : ", ", s.name,
              s.feasible ? fmt::format("{:.3f} ms/sample", s.max_stage_s * 1e3) : std::string("infeasible"));
        return t;
      }(),
      plan.stages.size(), st.tiles, format_bytes(plan.total_bytes)));
  pipe_breakdown(plan, res, pc.batches - 1, st);
  st.energy = pipe_energy(spec, model, plan, st);
  if (opt.trace) st.timeline = pipe_trace(plan, res, pc.batch, opt.trace_steps);
  if (opt.tile_maps) pipe_tile_maps(spec, tiles, plan, st, st);
  check_invariants(st);
  return st;
}

}  // namespace wafersim::detail
