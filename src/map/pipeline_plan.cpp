#include "wafersim/map/pipeline_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "wafersim/core/error.hpp"
#include "wafersim/core/units.hpp"
#include "wafersim/map/placement.hpp"

namespace wafersim {

double pipelined_bytes_per_param(const TrainingSpec& t) {
  const double working = dtype_bytes(t.compute);
  const double master = t.compute == DType::fp32 ? 0.0 : dtype_bytes(t.master);
  const double grad = 4.0;                                    // fp32 gradient accumulator over the batch
  const double optimizer = t.optimizer == "sgd" ? 0.0 : 8.0;  // Adam: m and v in fp32
  return working + master + grad + optimizer;
}

double optimizer_ops_per_param(const TrainingSpec& t) { return t.optimizer == "sgd" ? 3.0 : 12.0; }

std::vector<StageDemand> pipeline_demands(const LayerGraph& graph, const KernelCostModel& cost,
                                          const TrainingSpec& training) {
  const auto groups = graph.groups();
  const int n = static_cast<int>(groups.size());
  const double vbytes = dtype_bytes(training.compute);
  const double per_param = pipelined_bytes_per_param(training);
  std::vector<StageDemand> out;
  for (int s = 0; s < n; ++s) {
    const auto& g = groups[static_cast<std::size_t>(s)];
    StageDemand d;
    d.name = g.name;
    d.params = g.params;
    double weights = 0;
    double elem = 0;
    for (OpId id : g.ops) {
      const Op& op = graph.op(id);
      const double used = op.kind == OpKind::matmul ? op.gemm.count * op.gemm.k * op.gemm.n : 0.0;
      weights += std::max(static_cast<double>(op.params), used);  // a tied head keeps a copy
      elem += op.fwd_elem_ops + op.bwd_elem_ops;
    }
    d.state_bytes = weights * per_param;
    d.act_bytes_per_sample = working_elems_per_sample(graph, g, cost.attention_block()) * vbytes;
    d.out_bytes_per_sample = s + 1 < n ? groups[static_cast<std::size_t>(s) + 1].input_elems * vbytes : 0.0;
    // Samples between this stage's forward and its backward with one-forward-one-backward
    // scheduling: one per later stage, plus the one being worked on.
    d.in_flight = n - s;
    d.work = g.fwd_fmacs + g.bwd_fmacs + elem / 4.0;
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

double max_share(double bytes, double tiles) { return std::ceil(std::ceil(bytes / 2.0) / tiles) * 2.0; }

struct Evaluation {
  bool feasible = false;
  double max_cycles = std::numeric_limits<double>::infinity();
  std::vector<double> cycles;  // per stage, fwd + bwd
  std::vector<bool> fits;
};

class StageCost {
 public:
  StageCost(const LayerGraph& graph, const KernelCostModel& cost, const TrainingSpec& training,
            const std::vector<StageDemand>& demands, double capacity)
      : graph_(graph),
        cost_(cost),
        training_(training),
        demands_(demands),
        groups_(graph.groups()),
        capacity_(capacity) {}

  CompiledLayer lower(std::size_t s, const Rect& r) const {
    return lower_layer(graph_, groups_[s], cost_, training_, 1.0, r.h, r.w, ExecMode::pipelined);
  }

  Evaluation evaluate(const std::vector<Rect>& regions) const {
    Evaluation e;
    e.feasible = true;
    e.max_cycles = 0;
    for (std::size_t s = 0; s < regions.size(); ++s) {
      const Rect& r = regions[s];
      const bool fits = max_share(demands_[s].total_bytes(), static_cast<double>(r.area())) <= capacity_;
      const CompiledLayer l = lower(s, r);
      const double c =
          l.fwd_total.cycles - l.fwd_total.fill_cycles + l.bwd_total.cycles - l.bwd_total.fill_cycles;
      e.cycles.push_back(c);
      e.fits.push_back(fits);
      e.feasible = e.feasible && fits;
      e.max_cycles = std::max(e.max_cycles, c);
    }
    return e;
  }

 private:
  const LayerGraph& graph_;
  const KernelCostModel& cost_;
  const TrainingSpec& training_;
  const std::vector<StageDemand>& demands_;
  std::vector<LayerGroup> groups_;
  double capacity_;
};

// The search: start from weights proportional to work, then re-weight each stage by how its
// time compares with the mean (slow stages get more tiles), and give stages that do not fit
// their SRAM more room; keep the best feasible placement.
struct SearchOutcome {
  StrategyResult result;
  std::vector<Rect> regions;
};

SearchOutcome search(const PlacementStrategy& strat, const Rect& grid, const StageCost& cost,
                     const std::vector<StageDemand>& demands, double capacity, double step) {
  SearchOutcome best;
  best.result.name = strat.name();
  const std::size_t n = demands.size();
  std::vector<double> w(n);
  const double total_tiles = static_cast<double>(grid.area());
  double wsum = 0;
  for (std::size_t s = 0; s < n; ++s) wsum += (w[s] = std::max(demands[s].work, 1.0));
  // Never ask for less area than the SRAM needs.
  for (std::size_t s = 0; s < n; ++s) {
    const double min_frac = demands[s].total_bytes() / capacity / total_tiles;
    w[s] = std::max(w[s], min_frac * wsum * 1.05);
  }
  constexpr int kIterations = 40;
  for (int it = 0; it < kIterations; ++it) {
    const auto regions = strat.place(grid, w);
    if (!regions) break;
    ++best.result.iterations;
    const Evaluation e = cost.evaluate(*regions);
    if (e.feasible && (!best.result.feasible || e.max_cycles < best.result.max_stage_cycles)) {
      best.result.feasible = true;
      best.result.max_stage_cycles = e.max_cycles;
      best.regions = *regions;
    }
    double mean = 0;
    for (double c : e.cycles) mean += c;
    mean /= static_cast<double>(n);
    for (std::size_t s = 0; s < n; ++s) {
      if (!e.fits[s])
        w[s] *= 1.5;
      else if (mean > 0)
        w[s] *= std::pow(std::max(e.cycles[s], 1.0) / mean, step);
    }
  }
  return best;
}

}  // namespace

PipelinePlan plan_pipelined(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph,
                            TileArray& tiles) {
  PipelinePlan plan;
  const KernelCostModel cost(spec, model.training.compute);
  const auto demands = pipeline_demands(graph, cost, model.training);
  const Rect grid = spec.wafer.usable;
  const double cap = tiles.capacity();
  const double available = cap * static_cast<double>(grid.area());
  double need = 0;
  std::size_t largest = 0;
  for (std::size_t s = 0; s < demands.size(); ++s) {
    need += demands[s].total_bytes();
    if (demands[s].total_bytes() > demands[largest].total_bytes()) largest = s;
  }
  plan.total_bytes = need;
  auto not_fit = [&](const std::string& why) {
    return FitError(fmt::format(
        "{} does not fit the wafer in pipelined mode: {}; it needs {} (weights, optimizer state and "
        "activations of the samples in flight) and {} tiles x {} = {} are available; the largest layer "
        "is {} ({}, {} parameters); use --mode weight-streaming (or --mode auto)",
        model.arch.name, why, format_bytes(need), grid.area(), format_bytes(cap), format_bytes(available),
        demands[largest].name, format_bytes(demands[largest].total_bytes()), demands[largest].params));
  };
  if (need > available) throw not_fit("too many bytes");
  if (static_cast<long long>(demands.size()) > grid.area()) throw not_fit("more layers than tiles");

  std::vector<std::string> names;
  if (spec.map.strategy == "auto")
    names = placement_strategy_names();
  else if (make_placement_strategy(spec.map.strategy))
    names = {spec.map.strategy};
  else
    throw UsageError(fmt::format("map.strategy '{}': expected auto, {}", spec.map.strategy,
                                 fmt::join(placement_strategy_names(), ", ")));

  const StageCost stage_cost(graph, cost, model.training, demands, cap);
  const auto better = [](const SearchOutcome& a, const SearchOutcome& b) {
    return a.result.feasible && (!b.result.feasible || a.result.max_stage_cycles < b.result.max_stage_cycles);
  };
  SearchOutcome best;
  for (const auto& name : names) {
    // A strategy's variants (strips: band counts) and step sizes count as one strategy: its
    // best run (the first, when none is feasible).
    std::optional<SearchOutcome> mine;
    for (int v : placement_strategy_variants(name))
      for (double step : {0.6, 0.3}) {
        SearchOutcome o = search(*make_placement_strategy(name, v), grid, stage_cost, demands, cap, step);
        if (!mine || better(o, *mine)) mine = std::move(o);
      }
    plan.tried.push_back(mine->result);
    if (better(*mine, best)) best = std::move(*mine);
  }
  if (!best.result.feasible) throw not_fit("no placement gives every layer enough SRAM on its region");
  plan.strategy = best.result.name;

  // Commit: per-tile SRAM on the TileArray, kernels on each region, flows between regions.
  tiles.clear();
  const double link_bw = link_bytes_per_cycle(spec.router);
  plan.links = LinkLoads(spec.wafer.width, spec.wafer.height);
  std::vector<RegionFlow> flows;
  for (std::size_t s = 0; s + 1 < demands.size(); ++s) {
    flows.push_back(plan_region_flow(best.regions[s], best.regions[s + 1]));
    const double per_lane = demands[s].out_bytes_per_sample / flows.back().lanes;
    for (const auto& [a, b] : flows.back().routes) {
      plan.links.add_xy(a, b, per_lane);  // activation forward
      plan.links.add_xy(b, a, per_lane);  // its gradient backward
    }
  }
  plan.max_link_bytes_per_sample = plan.links.max_load();
  const double opt_ops = optimizer_ops_per_param(model.training);
  for (std::size_t s = 0; s < demands.size(); ++s) {
    Stage st;
    st.demand = demands[s];
    st.region = best.regions[s];
    if (!tiles.allocate_spread(st.region, static_cast<std::uint64_t>(std::ceil(st.demand.total_bytes()))))
      throw SimError(
          fmt::format("pipelined plan: stage {} overflows a tile after the fit check", st.demand.name));
    st.sram = tiles.summary(st.region);
    st.layer = stage_cost.lower(s, st.region);
    st.fwd_cycles = st.layer.fwd_total.cycles - st.layer.fwd_total.fill_cycles;
    st.bwd_cycles = st.layer.bwd_total.cycles - st.layer.bwd_total.fill_cycles;
    st.latency_cycles = st.layer.fwd_total.fill_cycles;
    st.bound = st.layer.bwd_total.cycles >= st.layer.fwd_total.cycles ? st.layer.bwd_total.bound
                                                                      : st.layer.fwd_total.bound;
    const double params_per_tile =
        std::ceil(static_cast<double>(st.demand.params) / static_cast<double>(st.region.area()));
    st.update_cycles = params_per_tile * opt_ops / spec.pe.simd.fp32_add + spec.pe.op_setup_cycles * opt_ops;
    if (s < flows.size()) {
      st.flow_lanes = flows[s].lanes;
      st.flow_hops = flows[s].max_hops;
      double busiest = 0;
      for (const auto& [a, b] : flows[s].routes) busiest = std::max(busiest, plan.links.max_on_xy(a, b));
      st.xfer_cycles = busiest / link_bw;
    }
    plan.stages.push_back(std::move(st));
  }
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const double c = plan.stages[s].fwd_cycles + plan.stages[s].bwd_cycles;
    if (c > plan.max_stage_cycles) {
      plan.max_stage_cycles = c;
      plan.bottleneck_stage = static_cast<int>(s);
    }
  }
  // Samples in flight: a stage must hold every sample between its forward and its backward.
  // One per later stage (one-forward-one-backward) assumes a sample never waits; with the
  // stages' fill latencies and transfers it waits at every later stage for the task under way
  // there (up to a period each way), and a stage out of buffers stalls the whole pipeline (the
  // DES shows it: BERT-Large's 26 stages ran 16% below their slowest stage with one buffer per
  // later stage, 4% below with two). So each stage gets twice the one-per-stage count, or what
  // the estimated round trip needs if more, as far as its region's SRAM holds them; failing
  // that the round-trip estimate alone; failing that it keeps what it has (and the simulation
  // shows the stall).
  const double hop = spec.router.hop_latency;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    double round_trip = plan.stages[s].fwd_cycles + plan.stages[s].bwd_cycles;
    for (std::size_t t = s; t + 1 < plan.stages.size(); ++t) {
      const Stage& nx = plan.stages[t + 1];
      round_trip +=
          nx.fwd_cycles + nx.bwd_cycles +
          2.0 * (plan.stages[t].xfer_cycles + plan.stages[t].flow_hops * hop + plan.stages[t].latency_cycles);
    }
    Stage& st = plan.stages[s];
    const int buffers = static_cast<int>(std::ceil(round_trip / std::max(plan.max_stage_cycles, 1.0))) + 1;
    const int ample = std::max(buffers, 2 * st.demand.in_flight);
    const auto old_bytes = static_cast<std::uint64_t>(std::ceil(st.demand.total_bytes()));
    for (const int want : {ample, buffers}) {
      if (want <= st.demand.in_flight) break;
      StageDemand more = st.demand;
      more.in_flight = want;
      const auto new_bytes = static_cast<std::uint64_t>(std::ceil(more.total_bytes()));
      tiles.release_spread(st.region, old_bytes);
      if (tiles.allocate_spread(st.region, new_bytes)) {
        plan.total_bytes += more.total_bytes() - st.demand.total_bytes();
        st.demand = more;
        break;
      }
      if (!tiles.allocate_spread(st.region, old_bytes))
        throw SimError("pipelined plan: could not restore a stage's allocation");
    }
    st.sram = tiles.summary(st.region);
  }
  return plan;
}

}  // namespace wafersim
