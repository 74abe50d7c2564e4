#include "wafersim/crosscheck/kernel_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "wafersim/compile/lower.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/fabric/cycle/engine.hpp"
#include "wafersim/graph/layer_graph.hpp"

namespace wafersim::cycle {

namespace {

const char* pass_name(GemmPass p) {
  switch (p) {
    case GemmPass::forward:
      return "forward";
    case GemmPass::grad_input:
      return "grad_input";
    case GemmPass::grad_weight:
      return "grad_weight";
  }
  return "?";
}

// A count for a PE program (cycles, wavelets, steps): whole, and within the engine's 32 bits.
std::uint32_t count32(double v, const char* what) {
  const double c = std::ceil(v);
  if (!(c >= 0) || c > 4294967295.0)
    throw UsageError(
        fmt::format("--fidelity cycle: a kernel needs {:.3g} {} per PE, more than the cycle "
                    "engine counts (2^32); use a larger wafer or fewer samples",
                    v, what));
  return static_cast<std::uint32_t>(c);
}

// What one PE does per K step, from the same formulas as KernelCostModel::gemm.
struct GemmPlan {
  int r = 0, c = 0;            // region actually used
  double k = 0;                // K steps
  std::uint32_t a = 0, b = 0;  // wavelets per step along the row / down the column
  std::uint32_t compute = 0;   // FMAC op cycles per step (before sparsity)
  std::uint32_t setup = 0;
  double reduce_per_step = 0;  // dW partial-sum wavelets per K step (grad_weight)
};

// `big_m` output rows in all on rows x cols (for a batched GEMM: one group's).
GemmPlan plan_gemm(const SystemSpec& spec, DType dtype, const GemmShape& shape, double big_m, int rows,
                   int cols, GemmPass pass) {
  GemmPlan g;
  double k = shape.k, n = shape.n;
  if (pass == GemmPass::grad_input) std::swap(k, n);
  const auto& pe = spec.pe;
  const bool fp32 = dtype == DType::fp32;
  const double fmac = fp32 ? pe.simd.fp32_fmac : pe.simd.mixed_fmac;
  const double value_bytes = fp32 ? 4 : 2, acc_bytes = 4;
  const double vpw = std::max(1.0, spec.router.wavelet_bits / (8.0 * value_bytes));
  g.r = static_cast<int>(std::min<double>(rows, big_m));
  g.c = static_cast<int>(std::min<double>(cols, n));
  g.k = k;
  const double mr = std::ceil(big_m / g.r), nc = std::ceil(n / g.c);
  const double step = mr * nc;
  const double port_bytes = pe.sram_port_bits / 8.0;
  const double issue = step / (fmac * pe.fmac_issue_efficiency);
  const double sram = std::max(step * acc_bytes / (pe.sram_read_ports * port_bytes),
                               step * acc_bytes / (pe.sram_write_ports * port_bytes));
  g.compute = count32(std::max(issue, sram), "compute cycles per K step");
  g.setup = count32(std::round(pe.op_setup_cycles), "setup cycles");
  g.a = count32(mr / vpw, "row wavelets per K step");
  g.b = count32(nc / vpw, "column wavelets per K step");
  if (pass == GemmPass::grad_weight) g.reduce_per_step = nc * acc_bytes / (spec.router.wavelet_bits / 8.0);
  return g;
}

// A weight-stationary GEMV (decode), from the same formulas as
// KernelCostModel::gemm_weight_stationary: R PEs split K (the reduction chain), C split N; a
// "step" is one token. No column broadcast (b = 0); the partial sums go down the chain.
GemmPlan plan_gemv(const SystemSpec& spec, DType dtype, const GemmShape& shape, double tokens, int rows,
                   int cols) {
  GemmPlan g;
  const double k = shape.k, n = shape.n;
  auto tile = [](double a, double b, double r, double col) {
    return std::ceil(a / std::min(r, a)) * std::ceil(b / std::min(col, b));
  };
  const bool transpose = tile(k, n, rows, cols) > tile(k, n, cols, rows);
  g.r = static_cast<int>(std::min<double>(transpose ? cols : rows, k));
  g.c = static_cast<int>(std::min<double>(transpose ? rows : cols, n));
  g.k = tokens;
  const double kr = std::ceil(k / g.r), nc = std::ceil(n / g.c);
  const auto& pe = spec.pe;
  const bool fp32 = dtype == DType::fp32;
  const double fmac = fp32 ? pe.simd.fp32_fmac : pe.simd.mixed_fmac;
  const double value_bytes = fp32 ? 4 : 2, acc_bytes = 4;
  const double vpw = std::max(1.0, spec.router.wavelet_bits / (8.0 * value_bytes));
  const double port_bytes = pe.sram_port_bits / 8.0;
  const double fmacs = kr * nc;
  const double issue = fmacs / (fmac * pe.fmac_issue_efficiency);
  const double sram = std::max(fmacs * (value_bytes + acc_bytes) / (pe.sram_read_ports * port_bytes),
                               fmacs * acc_bytes / (pe.sram_write_ports * port_bytes));
  g.compute = count32(std::max(issue, sram), "compute cycles per token");
  g.setup = count32(std::round(pe.op_setup_cycles), "setup cycles");
  g.a = count32(kr / vpw, "row wavelets per token");
  g.b = 0;
  g.reduce_per_step = nc * acc_bytes / (spec.router.wavelet_bits / 8.0);
  return g;
}

// Colour `color` on R x C: each row's PE in column `x0` (the west edge by default) sends both
// ways, every other PE of the row takes a copy (and passes it on outward).
void route_row_broadcast(Engine& e, int R, int C, int color, int x0 = 0) {
  if (C <= 1) return;
  for (int y = 0; y < R; ++y) {
    e.set_route(
        x0, y, color, kRamp,
        static_cast<std::uint8_t>((x0 + 1 < C ? port_bit(kEast) : 0) | (x0 > 0 ? port_bit(kWest) : 0)));
    for (int x = x0 + 1; x < C; ++x)
      e.set_route(x, y, color, kWest,
                  static_cast<std::uint8_t>(port_bit(kRamp) | (x + 1 < C ? port_bit(kEast) : 0)));
    for (int x = x0 - 1; x >= 0; --x)
      e.set_route(x, y, color, kEast,
                  static_cast<std::uint8_t>(port_bit(kRamp) | (x > 0 ? port_bit(kWest) : 0)));
  }
}

// What a kernel did on the engine: the last busy cycle + 1, and the wavelets it moved over
// router-to-router links (the event the energy model charges per hop).
struct EngineRun {
  double cycles = 0;
  double link_moves = 0;
};

// Runs the engine until every program has ended and the fabric is empty.
EngineRun run_to_end(Engine& e) {
  e.run(std::int64_t{1} << 40, 1, true);
  e.check_conservation();
  const Counters c = e.counters();
  return {static_cast<double>(std::max(e.program_end_cycle(), c.last_activity) + 1),
          static_cast<double>(c.link_moves)};
}

// Runs `steps` K steps of the plan on the engine.
EngineRun simulate(const SystemSpec& spec, const GemmPlan& g, std::uint32_t steps) {
  FabricConfig f = fabric_config_from_spec(spec, g.c, g.r);
  f.colors = {{0, Routing::static_routes}, {1, Routing::static_routes}, {2, Routing::static_routes}};
  Engine e(f);
  const int R = g.r, C = g.c;
  route_row_broadcast(e, R, C, 0);
  const auto reduce = count32(g.reduce_per_step * steps, "dW wavelets");
  for (int x = 0; x < C; ++x)
    if (R > 1) {
      e.set_route(x, 0, 1, kRamp, port_bit(kSouth));
      e.set_route(x, 0, 2, kRamp, port_bit(kSouth));
      for (int y = 1; y + 1 < R; ++y) {
        e.set_route(x, y, 1, kNorth, port_bit(kSouth) | port_bit(kRamp));
        e.set_route(x, y, 2, kNorth, port_bit(kRamp));
        e.set_route(x, y, 2, kRamp, port_bit(kSouth));
      }
      e.set_route(x, R - 1, 1, kNorth, port_bit(kRamp));
      e.set_route(x, R - 1, 2, kNorth, port_bit(kRamp));
    }
  // Programs differ only by the PE's role: row root (west edge), column root (north edge),
  // position in the reduction chain. Share one program per role.
  std::map<int, int> ids;
  for (int y = 0; y < R; ++y)
    for (int x = 0; x < C; ++x) {
      const bool row_root = x == 0, col_root = y == 0;
      const int chain = reduce == 0 || R == 1 ? 0 : (y == 0 ? 1 : (y + 1 == R ? 3 : 2));
      const int role = (row_root ? 1 : 0) | (col_root ? 2 : 0) | (chain << 2);
      auto it = ids.find(role);
      if (it == ids.end()) {
        Program p;
        if (row_root && C > 1) p.body.push_back(send(0, g.a));
        if (col_root && R > 1 && g.b > 0) p.body.push_back(send(1, g.b));
        if (!row_root) p.body.push_back(recv(0, g.a));
        if (!col_root && g.b > 0) p.body.push_back(recv(1, g.b));
        p.body.push_back(compute(g.compute));
        p.body.push_back(fixed_compute(g.setup));
        p.iterations = steps;
        if (chain == 1) p.post = {send(2, reduce)};
        if (chain == 2) p.post = {forward(2, 2)};
        if (chain == 3) p.post = {recv(2, reduce)};
        p.post.push_back(wait_sent());
        it = ids.emplace(role, e.add_program(std::move(p))).first;
      }
      e.set_program(x, y, it->second);
    }
  return run_to_end(e);
}

// A decode GEMV on the engine (plan_gemv): per token, the row roots send the row's slice of the
// token along the row (colour 0); the end PEs of each column send their fp32 partial sums along
// the column towards its root (colour 1), and every PE between adds its own and re-sends as a
// data task (forward_delay cycles); the root PE receives the sums. Rooted at the edges (the
// approx model's default): the west column broadcasts, the chain runs from the top to the bottom
// row. Rooted at the centre (KernelCost::centred_roots): the middle column broadcasts both ways,
// two chains run from the top and the bottom to the middle row, whose PE takes both. A PE's
// block is computed in `chunks` parts in one of two orders, whichever is faster (the approx model
// charges the better one): over N (the whole slice first, each part's sums sent as soon as
// computed: the stream overlaps the FMACs) or over K (each part of the slice computed as it
// lands, the sums sent at the end).
EngineRun simulate_gemv(const SystemSpec& spec, const GemmPlan& g, std::uint32_t tokens, bool centred) {
  FabricConfig f = fabric_config_from_spec(spec, g.c, g.r);
  f.colors = {{0, Routing::static_routes}, {2, Routing::static_routes}};
  Engine e(f);
  const int R = g.r, C = g.c;
  const int x0 = centred ? C / 2 : 0;      // the row broadcast's root column
  const int y0 = centred ? R / 2 : R - 1;  // the chains' root row
  route_row_broadcast(e, R, C, 0, x0);
  for (int x = 0; x < C; ++x) {
    // Rows above the root flow south into it, rows below flow north.
    for (int y = 0; y < y0; ++y) {
      if (y > 0) e.set_route(x, y, 1, kNorth, port_bit(kRamp));
      e.set_route(x, y, 1, kRamp, port_bit(kSouth));
    }
    for (int y = R - 1; y > y0; --y) {
      if (y < R - 1) e.set_route(x, y, 1, kSouth, port_bit(kRamp));
      e.set_route(x, y, 1, kRamp, port_bit(kNorth));
    }
    if (y0 > 0) e.set_route(x, y0, 1, kNorth, port_bit(kRamp));
    if (y0 < R - 1) e.set_route(x, y0, 1, kSouth, port_bit(kRamp));
  }
  const std::uint32_t wavelets = count32(g.reduce_per_step, "partial-sum wavelets per token");
  const std::uint32_t segments = (y0 > 0 ? 1u : 0u) + (y0 < R - 1 ? 1u : 0u);
  const double in = g.a, core = g.compute, out = static_cast<double>(wavelets) * std::max(1u, segments);
  const bool over_k = std::max(in, core) + out < in + std::max(core, out);
  const std::uint32_t chunks =
      std::max<std::uint32_t>(1, std::min<std::uint32_t>({32, over_k ? g.a : wavelets, g.compute}));
  std::map<int, int> ids;
  for (int y = 0; y < R; ++y)
    for (int x = 0; x < C; ++x) {
      const bool row_root = x == x0;
      // 1: a chain's end (sends), 2: inside a chain (forwards), 3: the root (receives).
      const int chain = R == 1 ? 0 : y == y0 ? 3 : (y == 0 || y == R - 1) ? 1 : 2;
      const int role = (row_root ? 1 : 0) | (chain << 1);
      auto it = ids.find(role);
      if (it == ids.end()) {
        Program p;
        if (chain == 2) p.pre.push_back(forward(1, 1));
        if (row_root && C > 1) p.body.push_back(send(0, g.a));
        if (!row_root && !over_k) p.body.push_back(recv(0, g.a));
        // The op's setup once its first operands have landed (as the approx model charges it).
        if (!over_k) p.body.push_back(fixed_compute(g.setup));
        for (std::uint32_t i = 0; i < chunks; ++i) {
          // Part i of the block: its share of the slice or of the partial sums, and of the cycles.
          const auto part = [&](std::uint32_t total) {
            return (total * (i + 1)) / chunks - (total * i) / chunks;
          };
          if (over_k && !row_root) p.body.push_back(recv(0, part(g.a)));
          if (over_k && i == 0) p.body.push_back(fixed_compute(g.setup));
          p.body.push_back(compute(part(g.compute)));
          if (!over_k && chain == 1) p.body.push_back(send(1, part(wavelets)));
        }
        if (over_k && chain == 1) p.body.push_back(send(1, wavelets));
        if (chain == 3) p.body.push_back(recv(1, wavelets * segments));
        p.iterations = tokens;
        p.post.push_back(wait_sent());
        it = ids.emplace(role, e.add_program(std::move(p))).first;
      }
      e.set_program(x, y, it->second);
    }
  return run_to_end(e);
}

std::string explain(const SystemSpec& spec, const GemmPlan& g, double ratio) {
  const double fabric = std::max(g.a, g.b);
  const double per_step = std::max<double>(g.compute, fabric);
  std::string why;
  if (fabric > g.compute)
    why = fmt::format(
        "fabric-bound ({} wavelets/step > {} compute cycles): approx adds op setup after the "
        "transfer, the PE overlaps them; ",
        fabric, g.compute);
  if (g.a + g.b > per_step + g.setup)
    why +=
        fmt::format("the RAMP delivers row and column slices one wavelet per cycle ({} > step); ", g.a + g.b);
  const double fill_approx = (g.r + g.c) * spec.router.hop_latency;
  const double fill_cycle = std::max(g.r, g.c) * spec.router.hop_latency;
  if (std::abs(ratio - 1) > 0.02 && g.k * (g.compute + g.setup) < 20 * fill_approx)
    why += fmt::format(
        "short kernel: approx fill (r + c) x hop = {:.0f} cycles, broadcasts run in parallel "
        "(~max(r, c) x hop = {:.0f}); ",
        fill_approx, fill_cycle);
  if (std::abs(ratio - 1) > 0.02 && why.empty()) why = "per-step compute rounded up to whole cycles; ";
  if (why.empty()) return "agrees";
  why.resize(why.size() - 2);
  return why;
}

// Elementwise: per-PE work from the approx model's own terms, then (reductions) the row chain
// and the broadcast back.
struct ElemPlan {
  int c = 0;                // PEs in the row
  std::uint32_t work = 0;   // max(compute, SRAM) cycles, whole cycles
  std::uint32_t setup = 0;  // op setup, all passes
  std::uint32_t stats = 0;  // wavelets of row statistics (reductions; 0 = none)
};

ElemPlan plan_elementwise(const SystemSpec& spec, const KernelCost& k, bool reduce, int cols) {
  ElemPlan p;
  p.c = cols;
  p.work = count32(std::max(k.compute_cycles, k.sram_cycles), "elementwise cycles");
  p.setup = count32(std::round(k.setup_cycles), "setup cycles");
  // Two fp32 statistics per row (mean and variance; max and sum).
  if (reduce && cols > 1)
    p.stats = static_cast<std::uint32_t>(std::ceil(2.0 * 32.0 / spec.router.wavelet_bits));
  return p;
}

EngineRun simulate_elementwise(const SystemSpec& spec, const ElemPlan& p) {
  FabricConfig f = fabric_config_from_spec(spec, p.c, 1);
  f.colors = {{0, Routing::static_routes}, {1, Routing::static_routes}};
  Engine e(f);
  const int C = p.c;
  if (p.stats > 0) {
    // Colour 0: the chain, east to west; colour 1: the broadcast, west to east.
    e.set_route(C - 1, 0, 0, kRamp, port_bit(kWest));
    for (int x = 1; x + 1 < C; ++x) {
      e.set_route(x, 0, 0, kEast, port_bit(kRamp));
      e.set_route(x, 0, 0, kRamp, port_bit(kWest));
    }
    e.set_route(0, 0, 0, kEast, port_bit(kRamp));
    e.set_route(0, 0, 1, kRamp, port_bit(kEast));
    for (int x = 1; x + 1 < C; ++x) e.set_route(x, 0, 1, kWest, port_bit(kEast) | port_bit(kRamp));
    e.set_route(C - 1, 0, 1, kWest, port_bit(kRamp));
  }
  // Roles: 0 the only one / no reduction, 1 west end, 2 middle, 3 east end.
  std::map<int, int> ids;
  for (int x = 0; x < C; ++x) {
    const int role = p.stats == 0 ? 0 : x == 0 ? 1 : x + 1 == C ? 3 : 2;
    auto it = ids.find(role);
    if (it == ids.end()) {
      Program prog;
      if (p.work > 0) prog.pre.push_back(fixed_compute(p.work));
      if (p.setup > 0) prog.pre.push_back(fixed_compute(p.setup));
      if (role == 1) prog.post = {recv(0, p.stats), send(1, p.stats)};
      if (role == 2) prog.post = {forward(0, 0), recv(1, p.stats)};
      if (role == 3) prog.post = {send(0, p.stats), recv(1, p.stats)};
      prog.post.push_back(wait_sent());
      it = ids.emplace(role, e.add_program(std::move(prog))).first;
    }
    e.set_program(x, 0, it->second);
  }
  return run_to_end(e);
}

std::string explain_elementwise(const ElemPlan& p, const KernelCost& k, double ratio) {
  if (std::abs(ratio - 1) <= 0.02) return "agrees";
  if (std::abs(ratio - 1) * k.cycles <= 1.0 + 1e-9)
    return "one cycle apart: the engine counts the last cycle";
  if (p.stats > 0 && k.fill_cycles > p.work + p.setup)
    return fmt::format(
        "short row reduction: approx fill cols x (2 x hop + data task) = {:.0f} cycles; the chain's ends "
        "add RAMP injections and {} statistics wavelets",
        k.fill_cycles, p.stats);
  return "per-PE work rounded up to whole cycles";
}

}  // namespace

KernelCheck check_elementwise(const SystemSpec& spec, DType dtype, double elems, double ops_per_elem,
                              bool reduce, int rows, int cols, const std::string& pass,
                              const std::string& name) {
  KernelCheck kc;
  kc.name = name;
  kc.pass = pass;
  const KernelCostModel model(spec, dtype);
  const KernelCost k = model.elementwise(elems, ops_per_elem, rows, cols, reduce);
  kc.approx_cycles = k.cycles;
  const ElemPlan p = plan_elementwise(spec, k, reduce, cols);
  const EngineRun run = simulate_elementwise(spec, p);
  kc.cycle_cycles = run.cycles;
  // One row is simulated: the approx count is the region's, rows alike.
  kc.approx_link_wavelets = k.link_wavelets / rows;
  kc.cycle_link_wavelets = run.link_moves;
  kc.ratio = kc.approx_cycles > 0 ? kc.cycle_cycles / kc.approx_cycles : 0;
  kc.note = explain_elementwise(p, k, kc.ratio);
  return kc;
}

KernelCheck check_gemm(const SystemSpec& spec, DType dtype, const GemmShape& shape, double samples, int rows,
                       int cols, GemmPass pass, const std::string& name, int max_steps, GemmMapping mapping) {
  KernelCheck kc;
  kc.name = name;
  kc.pass = pass_name(pass);
  const KernelCostModel model(spec, dtype);
  const KernelCost approx = model.gemm(shape, samples, rows, cols, pass, mapping);
  // The cycle engine runs one group; the sum of the groups' dW partials is left out of both.
  kc.approx_cycles = approx.cycles - approx.group_reduce_cycles;
  // Batched and tiled: the groups are identical and share no links, so one group is simulated.
  GemmGroups groups{1, rows, cols, samples * shape.count};
  double group_m = groups.instances * shape.m;
  if (mapping == GemmMapping::batched) {
    groups = model.batched_groups(shape, samples, rows, cols, pass);
    group_m = groups.instances * shape.m;
  } else if (mapping == GemmMapping::tiled) {
    groups = model.tiled_groups(shape, samples, rows, cols, pass);
    group_m = groups.instances;
  }
  const GemmPlan g = plan_gemm(spec, dtype, shape, group_m, groups.rows, groups.cols, pass);
  // The simulated group's own events: one output-stationary GEMM of its rows of the output.
  kc.approx_link_wavelets =
      model.gemm(GemmShape{1, group_m, shape.k, shape.n}, 1, groups.rows, groups.cols, pass).link_wavelets;
  const auto k = count32(g.k, "K steps");
  const auto s1 = static_cast<std::uint32_t>(std::max(4, max_steps));
  if (k <= s1) {
    const EngineRun run = simulate(spec, g, k);
    kc.cycle_cycles = run.cycles;
    kc.cycle_link_wavelets = run.link_moves;
  } else {
    // Periodic pipeline: T(k) = T(s1) + (k - s1) * per-step slope measured between s1/2 and s1
    // (link moves likewise: every K step moves the same wavelets).
    const EngineRun t1 = simulate(spec, g, s1);
    const EngineRun t2 = simulate(spec, g, s1 / 2);
    kc.cycle_cycles = t1.cycles + (k - s1) * (t1.cycles - t2.cycles) / (s1 - s1 / 2);
    kc.cycle_link_wavelets = t1.link_moves + (k - s1) * (t1.link_moves - t2.link_moves) / (s1 - s1 / 2);
    kc.extrapolated = true;
  }
  kc.ratio = kc.approx_cycles > 0 ? kc.cycle_cycles / kc.approx_cycles : 0;
  kc.note = explain(spec, g, kc.ratio);
  if (groups.groups > 1)
    kc.note =
        fmt::format("{} groups of {} columns side by side, {:.0f} {} each{}; ", groups.groups, groups.cols,
                    groups.instances, mapping == GemmMapping::tiled ? "output rows" : "instances",
                    approx.group_reduce_cycles > 0 ? " (their dW sum along the rows not simulated)" : "") +
        kc.note;
  return kc;
}

KernelCheck check_gemv(const SystemSpec& spec, DType dtype, const GemmShape& shape, double samples, int rows,
                       int cols, const std::string& name) {
  KernelCheck kc;
  kc.name = name;
  kc.pass = "decode";
  const KernelCostModel model(spec, dtype);
  const KernelCost approx =
      model.gemm(shape, samples, rows, cols, GemmPass::forward, GemmMapping::weight_stationary);
  kc.approx_cycles = approx.cycles;
  const GemmPlan g = plan_gemv(spec, dtype, shape, samples * shape.count * shape.m, rows, cols);
  const EngineRun run = simulate_gemv(spec, g, count32(g.k, "tokens"), approx.centred_roots);
  kc.cycle_cycles = run.cycles;
  kc.approx_link_wavelets = approx.link_wavelets;
  kc.cycle_link_wavelets = run.link_moves;
  kc.ratio = kc.approx_cycles > 0 ? kc.cycle_cycles / kc.approx_cycles : 0;
  const bool centred = approx.centred_roots;
  const int chain_pes = centred ? g.r / 2 : g.r - 1;
  const int row_hops = centred ? g.c / 2 : g.c - 1;
  const double chain = chain_pes * (spec.router.hop_latency + kDataTaskCycles) +
                       (centred && g.r >= 3 ? 2 : 1) * std::ceil(g.reduce_per_step);
  const double row = row_hops * spec.router.hop_latency + g.a;
  kc.note = fmt::format(
      "{} x {} PEs, {:.0f} x {:.0f} weights each, rooted at the {}; row broadcast {:.0f} + chain "
      "{:.0f} cycles{}",
      g.r, g.c, std::ceil(shape.k / g.r), std::ceil(shape.n / g.c), centred ? "centre" : "edges", row, chain,
      std::abs(kc.ratio - 1) <= 0.02 ? ""
      : centred ? "; approx charges the fill as (r/2 + c/2 + 1) x hop + (r/2 + 1) x data task"
                : "; approx charges the fill as (r + c) x hop + r x data task");
  return kc;
}

std::vector<KernelCheck> cross_check_decode(const SystemSpec& spec, DType dtype, const LayerGraph& graph,
                                            const LayerGroup& group, double samples, double prompt,
                                            double keys, const GroupRegion& region) {
  std::vector<KernelCheck> out;
  std::set<std::tuple<bool, double, double, double, double, double, bool, int, int>> seen;
  for (OpId id : group.ops) {
    const Op& op = graph.op(id);
    const DecodeKernel d = decode_kernel(op, samples, prompt, keys);
    const auto [rows, cols] = region.of(op);
    const auto key =
        d.gemm ? std::make_tuple(true, d.shape.count, d.shape.k, d.shape.n, d.samples, 0.0, false, rows, cols)
               : std::make_tuple(false, d.work.elems, d.work.ops_per_elem, 0.0, 0.0, 0.0, d.work.reduce, rows,
                                 cols);
    if (!seen.insert(key).second) continue;
    if (!d.gemm) {
      out.push_back(check_elementwise(spec, dtype, d.work.elems, d.work.ops_per_elem, d.work.reduce, rows,
                                      cols, "decode", op.name));
    } else if (d.mapping == GemmMapping::weight_stationary) {
      out.push_back(check_gemv(spec, dtype, d.shape, d.samples, rows, cols, op.name));
    } else {
      KernelCheck k =
          check_gemm(spec, dtype, d.shape, d.samples, rows, cols, GemmPass::forward, op.name, 32, d.mapping);
      k.pass = "decode";
      out.push_back(std::move(k));
    }
  }
  return out;
}

std::vector<KernelCheck> cross_check_model(const SystemSpec& spec, const ModelSpec& model,
                                           const KernelCheckOptions& o) {
  const LayerGraph graph = build_model_graph(model);
  const int rows = o.rows > 0 ? o.rows : spec.wafer.usable.h;
  const int cols = o.cols > 0 ? o.cols : spec.wafer.usable.w;
  // The kernels as compiled (lower.cpp): tiled attention as one of its waves (every wave is
  // the same kernel), every other op of a model with tiled attention on one chunk of tokens.
  const int block = spec.map.attention_block;
  const double chunk_samples = o.samples / sequence_chunks(graph, block);
  std::vector<KernelCheck> out;
  std::set<std::tuple<double, double, double, double, double, int>> seen;  // identical kernels run once
  for (const auto& group : graph.groups())
    for (OpId id : group.ops) {
      const Op& op = graph.op(id);
      if (op.kind != OpKind::matmul && op.kind != OpKind::attn_scores && op.kind != OpKind::attn_context)
        continue;
      const AttentionTiling t = attention_tiling(op, block);
      const bool tiled = t.blocks > 1;
      const GemmCall call = gemm_call(op, chunk_samples, ExecMode::weight_streaming);
      const GemmShape shape = tiled ? attention_wave_shape(op, t) : call.shape;
      const double samples = tiled ? o.samples : call.samples;
      const std::string name = tiled ? fmt::format("{} wave", op.name) : op.name;
      const GemmPass passes[] = {GemmPass::forward, GemmPass::grad_input,
                                 op.params > 0 ? GemmPass::grad_weight : GemmPass::grad_input};
      for (int i = 0; i < 3; ++i) {
        if (i == 2 && passes[2] == GemmPass::grad_input) continue;  // attention: same shape as dX
        const auto key =
            std::make_tuple(shape.count, shape.m, shape.k, shape.n, samples, static_cast<int>(passes[i]));
        if (!seen.insert(key).second) continue;
        KernelCheck k = check_gemm(spec, model.training.compute, shape, samples, rows, cols, passes[i], name,
                                   o.max_steps, tiled ? GemmMapping::batched : call.mapping);
        if (tiled) k.note = fmt::format("1 of {:.0f} waves; {}", t.waves, k.note);
        out.push_back(std::move(k));
      }
    }
  std::set<std::tuple<double, double, bool>> seen_elem;
  for (const auto& group : graph.groups())
    for (OpId id : group.ops) {
      const Op& op = graph.op(id);
      if (lowers_to_gemm(op.kind)) continue;
      const AttentionTiling t = attention_tiling(op, block);
      for (const bool backward : {false, true}) {
        std::vector<ElementwiseWork> works;
        if (t.blocks > 1)
          works = softmax_wave_work(op, t, o.samples, backward);
        else
          works.push_back(elementwise_work(op, chunk_samples, backward));
        for (const ElementwiseWork& w : works) {
          if (!seen_elem.insert(std::make_tuple(w.elems, w.ops_per_elem, w.reduce)).second) continue;
          KernelCheck k = check_elementwise(spec, model.training.compute, w.elems, w.ops_per_elem, w.reduce,
                                            rows, cols, backward ? "backward" : "forward",
                                            t.blocks > 1 ? op.name + " wave" : op.name);
          if (t.blocks > 1) k.note = fmt::format("1 of {:.0f} waves; {}", t.waves, k.note);
          out.push_back(std::move(k));
        }
      }
    }
  return out;
}

KernelCheckStats to_stats(const KernelCheck& c, bool agrees, const std::string& prefix) {
  return {prefix + c.name, c.pass, c.approx_cycles,        c.cycle_cycles,       c.ratio,
          agrees,          c.note, c.approx_link_wavelets, c.cycle_link_wavelets};
}

std::string format_kernel_checks(const std::vector<KernelCheck>& checks) {
  std::string s = fmt::format("{:<28} {:<12} {:>14} {:>14} {:>7}  {}\n", "kernel", "pass", "approx cycles",
                              "cycle-level", "ratio", "note");
  for (const auto& k : checks)
    s += fmt::format("{:<28} {:<12} {:>14.0f} {:>14.0f}{} {:>6.3f}  {}\n", k.name, k.pass, k.approx_cycles,
                     k.cycle_cycles, k.extrapolated ? "*" : " ", k.ratio, k.note);
  s += "* extrapolated from the simulated K steps (periodic pipeline)\n";
  return s;
}

}  // namespace wafersim::cycle
