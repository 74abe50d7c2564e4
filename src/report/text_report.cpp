#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "wafersim/core/units.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim {

namespace {
std::string pct(double v) { return fmt::format("{:5.1f}%", 100.0 * v); }
std::string si(double v, const char* unit) {
  const char* p[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  while (std::abs(v) >= 1000.0 && i < 6) {
    v /= 1000.0;
    ++i;
  }
  return fmt::format("{:.2f} {}{}", v, p[i], unit);
}
std::string ms(double s) { return fmt::format("{:.3f}", s * 1e3); }
}  // namespace

std::string format_kernel_checks(const std::vector<KernelCheckStats>& checks, const std::string& title) {
  std::string o;
  auto out = std::back_inserter(o);
  fmt::format_to(out, "\n{}\n", title);
  std::size_t kw = 6;
  for (const auto& k : checks) kw = std::max(kw, k.name.size());
  fmt::format_to(out, "  {:<{}} {:<11} {:>14} {:>14} {:>7}  {}\n", "kernel", kw, "pass", "approx cyc",
                 "cycle cyc", "ratio", "note");
  for (const auto& k : checks)
    fmt::format_to(out, "  {:<{}} {:<11} {:>14.0f} {:>14.0f} {:>7.3f}  {}{}\n", k.name, kw, k.pass,
                   k.approx_cycles, k.cycle_cycles, k.ratio, k.agrees ? "" : "DISAGREES: ", k.note);
  return o;
}

std::string format_text_report(const RunStats& s) {
  std::string o;
  auto out = std::back_inserter(o);
  fmt::format_to(out, "wafersim: {} on {} x {} ({} system{}), {} mode, {} fidelity\n", s.model_name,
                 s.systems, s.system_name, s.systems, s.systems == 1 ? "" : "s", s.mode, s.fidelity);
  fmt::format_to(out, "  batch {} (global), seq {}{}, {} step(s) simulated (first is warm-up)\n", s.batch,
                 s.seq, s.seq_source.empty() ? "" : " (from " + s.seq_source + ")", s.steps);
  for (const auto& n : s.model_notes) fmt::format_to(out, "  model: {}\n", n);
  for (const auto& n : s.notes) fmt::format_to(out, "  {}\n", n);
  fmt::format_to(out, "\nThroughput\n");
  fmt::format_to(out, "  step time        {:>14}\n", format_time(Seconds(s.step_time_s)));
  fmt::format_to(out, "  samples/s        {:>14.2f}\n", s.samples_per_s);
  fmt::format_to(out, "  tokens/s         {:>14.0f}\n", s.tokens_per_s);
  fmt::format_to(out, "  model FLOP/s     {:>14}  ({} of peak {})\n", si(s.model_flops_per_s, "FLOP/s"),
                 pct(s.mfu), si(s.peak_flops_per_s, "FLOP/s"));
  fmt::format_to(out, "  SRAM per tile    min {} / mean {} / max {} of {}\n",
                 format_bytes(double(s.sram.min)), format_bytes(s.sram.mean),
                 format_bytes(double(s.sram.max)), format_bytes(double(s.sram.capacity)));
  const auto& u = s.utilization;
  fmt::format_to(out, "\nUtilization\n");
  fmt::format_to(out, "  compute {}  fabric {}  io {}  memoryx {}  swarmx {}  input {}\n", pct(u.compute),
                 pct(u.fabric), pct(u.io), pct(u.memoryx), pct(u.swarmx), pct(u.input));
  fmt::format_to(out, "\nBottleneck: {} ({})\n", s.bottleneck, s.bottleneck_reason);
  if (const auto& b = s.step_boundary; b.present) {
    fmt::format_to(out,
                   "Step boundary: last gradient into MemoryX +{}, updated +{}, first weights back +{} "
                   "({} SwarmX level{} each way): {} chain, ",
                   format_time(Seconds(b.reduce_s)), format_time(Seconds(b.update_s)),
                   format_time(Seconds(b.broadcast_s)), b.swarmx_levels, b.swarmx_levels == 1 ? "" : "s",
                   format_time(Seconds(b.chain_s)));
    if (b.exposed_s > 0)
      fmt::format_to(out, "{} of it beyond the {} host overhead\n", format_time(Seconds(b.exposed_s)),
                     format_time(Seconds(b.overhead_s)));
    else
      fmt::format_to(out, "hidden under the {} host overhead\n", format_time(Seconds(b.overhead_s)));
  }

  if (!s.stages.empty()) {
    fmt::format_to(out, "\nPipeline stages (placement: {}; max mesh link utilization {})\n",
                   s.placement_strategy, pct(s.max_link_utilization));
    std::size_t sw = 5;
    for (const auto& st : s.stages) sw = std::max(sw, st.name.size());
    fmt::format_to(out, "  {:>3} {:<{}} {:>17} {:>7} {:>26} {:>9} {:>7} {:>6}  {}\n", "#", "stage", sw,
                   "region (x,y wxh)", "tiles", "SRAM/tile min/mean/max", "us/sample", "busy", "flight",
                   "bound");
    for (std::size_t i = 0; i < s.stages.size(); ++i) {
      const auto& st = s.stages[i];
      fmt::format_to(out, "  {:>3} {:<{}} {:>17} {:>7} {:>26} {:>9.2f} {} {:>6}  {}{}\n", i, st.name, sw,
                     fmt::format("{},{} {}x{}", st.x, st.y, st.w, st.h), st.tiles,
                     fmt::format("{}/{}/{}", format_bytes(double(st.sram.min)), format_bytes(st.sram.mean),
                                 format_bytes(double(st.sram.max))),
                     st.stage_time_s * 1e6, pct(st.busy), st.in_flight, st.bound,
                     static_cast<int>(i) == s.bottleneck_stage ? "  <- bottleneck" : "");
    }
  }

  if (!s.kernel_checks.empty())
    o += format_kernel_checks(
        s.kernel_checks, "Kernel cross-check: cycle-level fabric engine vs approx cost model (one sample)");

  fmt::format_to(out, "\nPer layer (per step, one {})\n", s.system_name);
  std::size_t w = 5;
  for (const auto& l : s.layers) w = std::max(w, l.name.size());
  fmt::format_to(out, "  {:<{}} {:>12} {:>12} {:>12} {:>12} {:>10}  {}\n", "layer", w, "params", "fwd ms",
                 "bwd ms", "weights ms", "optim ms", "TFLOP", "bound");
  for (const auto& l : s.layers)
    fmt::format_to(out, "  {:<{}} {:>12} {:>12} {:>12} {:>12} {:>10} {:>10.2f}  {}\n", l.name, w, l.params,
                   ms(l.forward_s), ms(l.backward_s), ms(l.weight_stream_s), ms(l.optimizer_s),
                   l.flops / 1e12, l.bound);
  return o;
}

}  // namespace wafersim

namespace wafersim {

std::string format_breakdown(const RunStats& s) {
  std::string o;
  auto out = std::back_inserter(o);
  const auto& b = s.breakdown;
  const double step = s.step_time_s;
  auto p = [&](double v) { return step > 0 ? 100.0 * v / step : 0.0; };
  fmt::format_to(
      out, "\nStep time breakdown ({} per step{})\n", format_time(Seconds(step)),
      s.mode == "pipelined" ? fmt::format(", bottleneck stage {}", s.bottleneck_stage) : ", system 0");
  for (const auto& [cause, v] : b.causes()) {
    const int bar = static_cast<int>(std::lround(p(v) / 2.5));
    const std::string_view name = std::string_view(cause) == "idle" ? "idle / bubble" : cause;
    fmt::format_to(out, "  {:<20} {:>12} {:6.1f}%  {}\n", name, format_time(Seconds(v)), p(v),
                   std::string(static_cast<std::size_t>(std::max(0, bar)), '#'));
  }
  fmt::format_to(out, "  upgrade first: {} ({})\n", b.upgrade_first, b.reason);
  std::size_t w = 5;
  for (const auto& l : s.layers) w = std::max(w, l.name.size());
  fmt::format_to(out, "\n  {:<{}} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}  (ms per step)\n", "layer", w,
                 "compute", "fabric", "weights", "grad red", "optimizer", "input");
  for (const auto& l : s.layers) {
    const auto& x = l.breakdown;
    fmt::format_to(out, "  {:<{}} {:>10.3f} {:>10.3f} {:>10.3f} {:>10.3f} {:>10.3f} {:>10.3f}\n", l.name, w,
                   x.compute * 1e3, x.fabric * 1e3, x.weight_streaming * 1e3, x.gradient_reduction * 1e3,
                   x.optimizer * 1e3, x.input * 1e3);
  }
  return o;
}

}  // namespace wafersim
