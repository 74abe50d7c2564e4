// Weight streaming: the step-time breakdown, the timeline trace and the tile maps, all from
// the cluster's recorded timelines.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "observe.hpp"
#include "wafersim/core/interval.hpp"
#include "wafersim/results/timeline.hpp"

namespace wafersim::detail {

StepBoundary ws_step_boundary(const ClusterResult& res, const ClusterConfig& cc, double overhead_s) {
  StepBoundary sb;
  const int s = cc.steps - 1;  // the boundary between steps s - 1 and s
  const auto& tl = res.cs2.front();
  const long long first =
      static_cast<long long>(s) * cc.micro_batches * 2 * static_cast<long long>(cc.layers.size());
  if (s < 1 || res.step_end_s.size() < static_cast<std::size_t>(s) ||
      tl.weights_ready.size() <= static_cast<std::size_t>(first) ||
      tl.kernels.size() <= static_cast<std::size_t>(first))
    return sb;
  // The step's last gradient is of layer 0, the next step's first weights too.
  double grad_in = -1, updated = -1;
  for (const auto& g : res.memoryx.grads_in)
    if (g.id == s - 1 && g.layer == 0) grad_in = g.t1;
  for (const auto& o : res.memoryx.optimizer)
    if (o.id == s - 1 && o.layer == 0) updated = o.t1;
  if (grad_in < 0 || updated < 0) return sb;
  const double end = res.step_end_s[static_cast<std::size_t>(s - 1)];
  const double back = tl.weights_ready[static_cast<std::size_t>(first)];
  sb.present = true;
  sb.reduce_s = std::max(0.0, grad_in - end);
  sb.update_s = std::max(0.0, updated - std::max(grad_in, end));
  sb.broadcast_s = std::max(0.0, back - std::max(updated, end));
  sb.chain_s = std::max(0.0, back - end);
  sb.overhead_s = overhead_s;
  // Below a nanosecond is the rounding of SystemC time (picoseconds), not a wait.
  const double exposed = tl.kernels[static_cast<std::size_t>(first)].t0 - end - overhead_s;
  sb.exposed_s = exposed > 1e-9 ? exposed : 0.0;
  sb.swarmx_levels = res.swarmx_levels;
  return sb;
}

namespace {

double clip(double t0, double t1, double a, double b) { return overlap(t0, t1, a, b); }

// Fraction of a layer pass's kernel cycles that are fabric bound.
double fabric_fraction(const std::vector<Kernel>& ks) {
  double fab = 0, all = 0;
  for (const auto& k : ks) {
    all += k.cost.cycles;
    if (k.cost.bound == Bound::fabric) fab += k.cost.cycles;
  }
  return all > 0 ? fab / all : 0.0;
}

void add(Breakdown& b, double Breakdown::*field, double v) { b.*field += v; }

}  // namespace

std::string upgrade_for(const std::string& cause, const std::string& weight_path) {
  if (cause == "compute") return "PE compute (pe.clock, pe.simd.*, pe.fmac_issue_efficiency)";
  if (cause == "fabric") return "fabric bandwidth (router.wavelets_per_cycle)";
  if (cause == "weight streaming" || cause == "gradient reduction") return weight_path;
  if (cause == "optimizer") return "optimizer update rate (memoryx.optimizer_rate)";
  if (cause == "input") return "input workers (input.workers, input.worker_bandwidth)";
  if (cause == "overhead") return "host runtime (calibration.step_overhead)";
  if (cause == "checkpoints") return "the offloaded checkpoints' path (io.ports, io.port_bandwidth)";
  return "pipeline balance (placement, batch size)";
}

void finish_breakdown(Breakdown& b, double step_s, const std::string& weight_path) {
  const double used = b.compute + b.fabric + b.weight_streaming + b.gradient_reduction + b.optimizer +
                      b.input + b.checkpoints + b.overhead;
  b.idle = std::max(0.0, step_s - used);
  const auto causes = b.causes();
  const auto best = std::max_element(causes.begin(), causes.end(),
                                     [](const auto& x, const auto& y) { return x.second < y.second; });
  b.upgrade_first = upgrade_for(best->first, weight_path);
  b.reason = fmt::format("{} takes {:.1f}% of the step", best->first,
                         step_s > 0 ? 100 * best->second / step_s : 0.0);
}

void ws_breakdown(const ClusterResult& res, const WsPlan& plan, int measured_steps,
                  const std::string& weight_path, RunStats& st) {
  const double a = res.window_start_s, b = res.window_end_s;
  const auto& tl = res.cs2.front();
  const int layers = static_cast<int>(plan.layers.size());
  std::vector<Breakdown> per(static_cast<std::size_t>(layers));
  Breakdown all;
  auto both = [&](int g, double Breakdown::*f, double v) {
    add(per[static_cast<std::size_t>(g)], f, v);
    add(all, f, v);
  };
  for (const auto& k : tl.kernels) {
    const double d = clip(k.t0, k.t1, a, b);
    if (d <= 0) continue;
    const StreamId id = decode_stream(k.id, layers, plan.micro_batches);
    const auto& L = plan.layers[static_cast<std::size_t>(id.layer)];
    const double ff = fabric_fraction(id.pass == 0 ? L.forward : L.backward);
    both(id.layer, &Breakdown::fabric, d * ff);
    both(id.layer, &Breakdown::compute, d * (1 - ff));
  }
  // grads_in / optimizer by (step, layer).
  std::map<std::pair<long long, int>, double> grad_at, opt_end;
  for (const auto& g : res.memoryx.grads_in) grad_at[{g.id, g.layer}] = g.t1;
  for (const auto& o : res.memoryx.optimizer) opt_end[{o.id, o.layer}] = o.t1;
  for (const auto& w : tl.weight_stalls) {
    if (clip(w.t0, w.t1, a, b) <= 0) continue;
    const StreamId id = decode_stream(w.id, layers, plan.micro_batches);
    double t0 = std::max(w.t0, a);
    const double t1 = std::min(w.t1, b);
    if (id.step > 0 && id.micro == 0 && id.pass == 0) {
      // First use of the layer in this step: waited for its update, which waited for its
      // gradient to be reduced into MemoryX.
      const auto key = std::make_pair(static_cast<long long>(id.step - 1), id.layer);
      const double tg = grad_at.count(key) ? grad_at[key] : t0;
      const double to = opt_end.count(key) ? opt_end[key] : t0;
      const double g_end = std::clamp(tg, t0, t1);
      both(id.layer, &Breakdown::gradient_reduction, g_end - t0);
      t0 = g_end;
      const double o_end = std::clamp(to, t0, t1);
      both(id.layer, &Breakdown::optimizer, o_end - t0);
      t0 = o_end;
    }
    both(id.layer, &Breakdown::weight_streaming, t1 - t0);
  }
  for (const auto& i : tl.input_stalls) both(0, &Breakdown::input, clip(i.t0, i.t1, a, b));
  for (const auto& c : tl.checkpoint_stalls) both(c.layer, &Breakdown::checkpoints, clip(c.t0, c.t1, a, b));
  for (const auto& o : tl.overhead) add(all, &Breakdown::overhead, clip(o.t0, o.t1, a, b));
  const double n = measured_steps;
  auto scale = [n](Breakdown& x) {
    for (double Breakdown::*f : {&Breakdown::compute, &Breakdown::fabric, &Breakdown::weight_streaming,
                                 &Breakdown::gradient_reduction, &Breakdown::optimizer, &Breakdown::input,
                                 &Breakdown::checkpoints, &Breakdown::overhead})
      x.*f /= n;
  };
  scale(all);
  finish_breakdown(all, st.step_time_s, weight_path);
  st.breakdown = all;
  for (int g = 0; g < layers && g < static_cast<int>(st.layers.size()); ++g) {
    Breakdown& x = per[static_cast<std::size_t>(g)];
    scale(x);
    x.idle = 0;
    st.layers[static_cast<std::size_t>(g)].breakdown = x;
  }
}

namespace {

std::vector<Interval> merged(const std::vector<Interval>& iv, double t_end) {
  std::vector<Interval> out;
  for (const auto& i : iv) {
    if (i.t0 >= t_end) break;
    if (!out.empty() && i.t0 - out.back().t1 < 1e-9)
      out.back().t1 = i.t1;
    else
      out.push_back(i);
  }
  return out;
}

void counters(Timeline& tw, int pid, const std::string& name, const std::vector<Interval>& iv, double t_end) {
  constexpr int kBuckets = 200;
  const double w = t_end / kBuckets;
  if (w <= 0) return;
  std::vector<double> busy(kBuckets, 0.0);
  for (const auto& i : iv) {
    if (i.t0 >= t_end) break;
    for (int k = std::max(0, static_cast<int>(i.t0 / w)); k < kBuckets && k * w < i.t1; ++k)
      busy[static_cast<std::size_t>(k)] += i.share * clip(i.t0, i.t1, k * w, (k + 1) * w);
  }
  for (int k = 0; k < kBuckets; ++k) tw.counter(pid, name, k * w, busy[static_cast<std::size_t>(k)] / w);
}

const char* pass_name(int p) { return p == 0 ? "fwd" : "bwd"; }

}  // namespace

Timeline ws_trace(const ClusterResult& res, const WsPlan& plan, int trace_steps) {
  Timeline tw;
  const int layers = static_cast<int>(plan.layers.size());
  const int steps = static_cast<int>(res.step_end_s.size());
  const int k = std::clamp(trace_steps, 1, steps);
  const double t_end = res.step_end_s[static_cast<std::size_t>(k - 1)];
  auto lname = [&](int g) { return plan.layers[static_cast<std::size_t>(g)].name; };
  auto link_index = [&](const std::string& name) -> int {
    for (std::size_t i = 0; i < res.links.size(); ++i)
      if (res.links[i].name == name) return static_cast<int>(i);
    return -1;
  };

  // MemoryX.
  const int mx = tw.process("MemoryX", 1);
  const int mx_w = tw.thread(mx, "weight streams", 1);
  const int mx_g = tw.thread(mx, "gradients in", 2);
  const int mx_o = tw.thread(mx, "optimizer", 3);
  std::vector<double> stream_mid(static_cast<std::size_t>(plan.micro_batches) * 2 * layers * steps, -1.0);
  for (const auto& w : res.memoryx.weight_streams) {
    if (w.t0 >= t_end) break;
    const StreamId id = decode_stream(w.id, layers, plan.micro_batches);
    tw.slice(mx, mx_w, fmt::format("{} {} weights", lname(id.layer), pass_name(id.pass)), "weights", w.t0,
             w.t1,
             {{"step", static_cast<long long>(id.step)},
              {"micro", static_cast<long long>(id.micro)},
              {"stream", static_cast<long long>(w.id)}});
    if (static_cast<std::size_t>(w.id) < stream_mid.size())
      stream_mid[static_cast<std::size_t>(w.id)] = 0.5 * (w.t0 + w.t1);
  }
  if (const int li = link_index("memoryx_in"); li >= 0)
    for (const auto& i : merged(res.link_busy[static_cast<std::size_t>(li)], t_end))
      tw.slice(mx, mx_g, "gradients", "gradients", i.t0, i.t1);
  for (const auto& o : res.memoryx.optimizer)
    if (o.t0 < t_end)
      tw.slice(mx, mx_o, fmt::format("update {}", lname(o.layer)), "update", o.t0, o.t1,
               {{"step", static_cast<long long>(o.id)}});
  if (const int li = link_index("memoryx_out"); li >= 0)
    counters(tw, mx, "MemoryX out utilization", res.link_busy[static_cast<std::size_t>(li)], t_end);

  // SwarmX nodes: one process each, a track per link it drives.
  std::map<std::string, int> node_pid;
  std::map<std::string, int> sort;
  int next_sort = 10;
  for (std::size_t i = 0; i < res.links.size(); ++i) {
    const auto& l = res.links[i];
    if (l.from.rfind("swarmx", 0) != 0) continue;
    if (!node_pid.count(l.from)) node_pid[l.from] = tw.process("SwarmX " + l.from.substr(7), next_sort++);
    const int pid = node_pid[l.from];
    const bool up = l.to == "memoryx" || l.name.find("_up_") != std::string::npos;
    const int tid = tw.thread(pid, fmt::format("{} to {}", up ? "reduce" : "broadcast", l.to), up ? 2 : 1);
    for (const auto& iv : merged(res.link_busy[i], t_end))
      tw.slice(pid, tid, up ? "reduce" : "broadcast", "swarmx", iv.t0, iv.t1);
  }

  // Systems: wafer (kernels, stalls), I/O ports, input workers.
  for (std::size_t c = 0; c < res.cs2.size(); ++c) {
    const auto& tl = res.cs2[c];
    const int wafer = tw.process(fmt::format("system {} wafer", c), 100 + 3 * static_cast<int>(c));
    const int kt = tw.thread(wafer, "kernels", 1);
    const int st = tw.thread(wafer, "stalls", 2);
    for (const auto& kr : tl.kernels) {
      if (kr.t0 >= t_end) break;
      const StreamId id = decode_stream(kr.id, layers, plan.micro_batches);
      tw.slice(wafer, kt, fmt::format("{} {}", lname(id.layer), pass_name(id.pass)),
               id.pass == 0 ? "forward" : "backward", kr.t0, kr.t1,
               {{"step", static_cast<long long>(id.step)},
                {"micro", static_cast<long long>(id.micro)},
                {"layer", std::string(lname(id.layer))}});
      const auto j = static_cast<std::size_t>(kr.id);
      if (j < stream_mid.size() && stream_mid[j] >= 0)
        tw.flow("weights", mx, mx_w, stream_mid[j], wafer, kt, 0.5 * (kr.t0 + kr.t1));
    }
    for (const auto& w : tl.weight_stalls)
      if (w.t0 < t_end)
        tw.slice(wafer, st, fmt::format("wait weights {}", lname(w.layer)), "stall", w.t0, w.t1);
    for (const auto& w : tl.input_stalls)
      if (w.t0 < t_end) tw.slice(wafer, st, "wait input", "stall", w.t0, w.t1);
    const int io = tw.process(fmt::format("system {} I/O ports", c), 101 + 3 * static_cast<int>(c));
    const int io_in = tw.thread(io, "weights in", 1);
    const int io_out = tw.thread(io, "gradients out", 2);
    if (const int li = link_index(fmt::format("io_in_{}", c)); li >= 0) {
      for (const auto& iv : merged(res.link_busy[static_cast<std::size_t>(li)], t_end))
        tw.slice(io, io_in, "weights", "io", iv.t0, iv.t1);
      counters(tw, io, "weights in utilization", res.link_busy[static_cast<std::size_t>(li)], t_end);
    }
    if (const int li = link_index(fmt::format("io_out_{}", c)); li >= 0) {
      for (const auto& iv : merged(res.link_busy[static_cast<std::size_t>(li)], t_end))
        tw.slice(io, io_out, "gradients", "io", iv.t0, iv.t1);
      counters(tw, io, "gradients out utilization", res.link_busy[static_cast<std::size_t>(li)], t_end);
    }
    const int in = tw.process(fmt::format("input workers {}", c), 102 + 3 * static_cast<int>(c));
    const int in_t = tw.thread(in, "batches", 1);
    if (const int li = link_index(fmt::format("input_link_{}", c)); li >= 0)
      for (const auto& iv : merged(res.link_busy[static_cast<std::size_t>(li)], t_end))
        tw.slice(in, in_t, "input batch", "input", iv.t0, iv.t1);
  }
  return tw;
}

void init_tile_maps(const SystemSpec& spec, RunStats& out) {
  out.map_width = spec.wafer.width;
  out.map_height = spec.wafer.height;
  const auto n = static_cast<std::size_t>(spec.wafer.width) * static_cast<std::size_t>(spec.wafer.height);
  out.map_sram.assign(n, std::nan(""));
  out.map_busy.assign(n, std::nan(""));
  out.map_links.assign(n, std::nan(""));
}

void ws_tile_maps(const SystemSpec& spec, const TileArray& tiles, const RunStats& st, RunStats& out) {
  init_tile_maps(spec, out);
  const Rect& u = spec.wafer.usable;
  const double cap = tiles.capacity();
  for (int y = u.y; y < u.y + u.h; ++y)
    for (int x = u.x; x < u.x + u.w; ++x) {
      const std::size_t i = tiles.index(x, y);
      out.map_sram[i] = tiles.allocation()[i] / cap;
      // Every kernel runs on the whole usable grid: the same busy fraction and, for the
      // broadcasts and reductions inside kernels, the same busiest-link share everywhere.
      out.map_busy[i] = st.utilization.compute;
      out.map_links[i] = st.utilization.fabric;
    }
}

}  // namespace wafersim::detail
