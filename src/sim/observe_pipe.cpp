// Pipelined mode: the step-time breakdown, the timeline trace and the tile maps from the
// pipeline simulation's task log.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "observe.hpp"
#include "wafersim/core/interval.hpp"
#include "wafersim/results/timeline.hpp"

namespace wafersim::detail {

namespace {
double clip(double t0, double t1, double a, double b) { return overlap(t0, t1, a, b); }

double fabric_fraction(const Stage& s) {
  double fab = 0, all = 0;
  for (const auto* ks : {&s.layer.forward, &s.layer.backward})
    for (const auto& k : *ks) {
      all += k.cost.cycles;
      if (k.cost.bound == Bound::fabric) fab += k.cost.cycles;
    }
  return all > 0 ? fab / all : 0.0;
}

Breakdown stage_breakdown(const Stage& s, const std::vector<PipeTask>& tasks, double a, double b, double n) {
  Breakdown x;
  const double ff = fabric_fraction(s);
  for (const auto& t : tasks) {
    const double d = clip(t.t0, t.t1, a, b) / n;
    if (t.kind == 2)
      x.optimizer += d;
    else {
      x.fabric += d * ff;
      x.compute += d * (1 - ff);
    }
  }
  return x;
}
}  // namespace

void pipe_breakdown(const PipelinePlan& plan, const PipeResult& res, int measured_batches, RunStats& st) {
  const double a = res.window_start_s, b = res.window_end_s;
  const double n = measured_batches;
  for (std::size_t s = 0; s < plan.stages.size() && s < st.layers.size(); ++s) {
    Breakdown x = stage_breakdown(plan.stages[s], res.tasks[s], a, b, n);
    if (s == 0)
      for (const auto& w : res.input_waits) x.input += clip(w.t0, w.t1, a, b) / n;
    finish_breakdown(x, st.step_time_s, "");
    st.layers[s].breakdown = x;
  }
  // Overall: the step's critical resource. Usually the bottleneck stage (its compute, fabric
  // and update; the rest of its time is fill/drain or waiting); when the input link is busier
  // than that stage, the pipeline is input bound and the step is the input feed plus bubbles;
  // likewise for the busiest link between stages.
  const auto bs = static_cast<std::size_t>(std::max(0, st.bottleneck_stage));
  Breakdown all = stage_breakdown(plan.stages[bs], res.tasks[bs], a, b, n);
  const double stage_busy = all.compute + all.fabric + all.optimizer;
  const double input_busy = res.input_busy_s / n;
  double link_busy = 0;
  for (double l : res.link_busy_s) link_busy = std::max(link_busy, l / n);
  if (input_busy > stage_busy && input_busy >= link_busy) {
    all = Breakdown{};
    all.input = std::min(input_busy, st.step_time_s);
  } else if (link_busy > stage_busy) {
    all = Breakdown{};
    all.fabric = std::min(link_busy, st.step_time_s);
  }
  finish_breakdown(all, st.step_time_s, "");
  st.breakdown = all;
}

Timeline pipe_trace(const PipelinePlan& plan, const PipeResult& res, int batch, int trace_steps) {
  Timeline tw;
  const int steps = static_cast<int>(res.batch_end_s.size());
  const int k = std::clamp(trace_steps, 1, steps);
  const double t_end = res.batch_end_s[static_cast<std::size_t>(k - 1)];
  const int wafer = tw.process("system 0 wafer (pipelined)", 1);
  std::vector<int> tids;
  for (std::size_t s = 0; s < plan.stages.size(); ++s)
    tids.push_back(
        tw.thread(wafer, fmt::format("stage {} {}", s, plan.stages[s].demand.name), static_cast<int>(s)));
  constexpr long long kFlowSamples = 4;  // arrows for the first samples of each batch only
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const std::string& name = plan.stages[s].demand.name;
    for (const auto& t : res.tasks[s]) {
      if (t.t0 >= t_end) continue;
      const char* kind = t.kind == 0 ? "fwd" : t.kind == 1 ? "bwd" : "update";
      tw.slice(
          wafer, tids[s], t.kind == 2 ? fmt::format("update {}", name) : fmt::format("{} {}", name, kind),
          t.kind == 0   ? "forward"
          : t.kind == 1 ? "backward"
                        : "update",
          t.t0, t.t1,
          std::vector<TimelineArg>{{t.kind == 2 ? "batch" : "sample", static_cast<long long>(t.sample)}});
    }
  }
  // Activation arrows stage to stage for the first samples of each traced batch.
  for (std::size_t s = 0; s + 1 < plan.stages.size(); ++s) {
    for (const auto& t : res.tasks[s]) {
      if (t.kind != 0 || t.t0 >= t_end || t.sample % batch >= kFlowSamples) continue;
      const auto& next = res.tasks[s + 1];
      const auto it = std::find_if(next.begin(), next.end(),
                                   [&](const PipeTask& x) { return x.kind == 0 && x.sample == t.sample; });
      if (it != next.end() && it->t0 < t_end)
        tw.flow("activation", wafer, tids[s], 0.5 * (t.t0 + t.t1), wafer, tids[s + 1],
                0.5 * (it->t0 + it->t1));
    }
  }
  const int in = tw.process("input workers 0", 2);
  const int in_t = tw.thread(in, "samples", 1);
  const int wait_t = tw.thread(in, "stage 0 starved", 2);
  for (const auto& t : res.input_sends)
    if (t.t0 < t_end)
      tw.slice(in, in_t, "sample", "input", t.t0, t.t1, {{"sample", static_cast<long long>(t.sample)}});
  for (const auto& t : res.input_waits)
    if (t.t0 < t_end) tw.slice(in, wait_t, "waiting for input", "stall", t.t0, t.t1);
  return tw;
}

void pipe_tile_maps(const SystemSpec& spec, const TileArray& tiles, const PipelinePlan& plan,
                    const RunStats& st, RunStats& out) {
  init_tile_maps(spec, out);
  const double cap = tiles.capacity();
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Rect& r = plan.stages[s].region;
    for (int y = r.y; y < r.y + r.h; ++y)
      for (int x = r.x; x < r.x + r.w; ++x) {
        const std::size_t i = tiles.index(x, y);
        out.map_sram[i] = tiles.allocation()[i] / cap;
        out.map_busy[i] = st.stages[s].busy;
      }
  }
  // Link utilization from the flow model: bytes per sample x samples/s over the link rate.
  const double link_bw = link_bytes_per_cycle(spec.router) * spec.pe.clock.value;
  const auto loads = plan.links.per_tile_max();
  for (std::size_t i = 0; i < out.map_links.size() && i < loads.size(); ++i)
    if (!std::isnan(out.map_busy[i]) || loads[i] > 0)
      out.map_links[i] = loads[i] * st.samples_per_s / link_bw;
}

}  // namespace wafersim::detail
