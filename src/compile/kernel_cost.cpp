#include "wafersim/compile/kernel_cost.hpp"

#include <algorithm>
#include <cmath>

namespace wafersim {

const char* to_string(Bound b) {
  switch (b) {
    case Bound::compute:
      return "compute";
    case Bound::sram:
      return "sram";
    case Bound::fabric:
      return "fabric";
    case Bound::setup:
      return "setup";
    case Bound::io:
      return "io";
    case Bound::memoryx:
      return "memoryx";
    case Bound::swarmx:
      return "swarmx";
    case Bound::input:
      return "input";
    case Bound::optimizer:
      return "optimizer";
    case Bound::none:
      return "none";
  }
  return "none";
}

KernelCost& KernelCost::operator+=(const KernelCost& o) {
  cycles += o.cycles;
  compute_cycles += o.compute_cycles;
  sram_cycles += o.sram_cycles;
  fabric_cycles += o.fabric_cycles;
  setup_cycles += o.setup_cycles;
  fill_cycles += o.fill_cycles;
  group_reduce_cycles += o.group_reduce_cycles;
  fill_repeat_cycles += o.fill_repeat_cycles;
  fmacs += o.fmacs;
  elem_ops += o.elem_ops;
  sram_read_bytes += o.sram_read_bytes;
  sram_write_bytes += o.sram_write_bytes;
  link_wavelets += o.link_wavelets;
  pe_cycles += o.pe_cycles;
  return *this;
}

KernelCost KernelCost::repeated(double n) const {
  KernelCost c = *this;
  c.cycles *= n;
  c.compute_cycles *= n;
  c.sram_cycles *= n;
  c.fabric_cycles *= n;
  c.setup_cycles *= n;
  c.fill_cycles *= n;
  c.group_reduce_cycles *= n;
  c.fill_repeat_cycles = n * fill_cycles - first_fill_cycles();
  c.fmacs *= n;
  c.elem_ops *= n;
  c.sram_read_bytes *= n;
  c.sram_write_bytes *= n;
  c.link_wavelets *= n;
  c.pe_cycles *= n;
  return c;
}

KernelCostModel::KernelCostModel(const SystemSpec& spec, DType compute) : spec_(spec), dtype_(compute) {
  const auto& simd = spec.pe.simd;
  if (compute == DType::fp32) {
    // fp32 FMAC is not a SIMD op on WSE-2 (SDK table lists no width: 1 per cycle).
    fmac_per_cycle_ = simd.fp32_fmac;
    elem_per_cycle_ = simd.fp32_add;
    value_bytes_ = 4;
    acc_bytes_ = 4;
  } else {
    // Mixed precision: fp16/bf16 operands, fp32 accumulation (@fmachs).
    fmac_per_cycle_ = simd.mixed_fmac;
    elem_per_cycle_ = simd.fp32_add;
    value_bytes_ = 2;
    acc_bytes_ = 4;
  }
  values_per_wavelet_ = std::max(1.0, spec.router.wavelet_bits / (8.0 * value_bytes_));
  stationary_bytes_ = value_bytes_;
}

void KernelCostModel::set_stationary_bits(double bits) {
  stationary_bytes_ = std::min(bits / 8.0, value_bytes_);
}

double KernelCostModel::cycles_to_seconds(double cycles) const {
  return cycles / spec_.pe.clock.value / spec_.calibration.compute_efficiency;
}

namespace {
// `groups` identical groups side by side (batched, tiled): the same cycles, every event times the
// group count; the PEs of the whole region are clocked.
void side_by_side(KernelCost& c, double groups, double region_pes) {
  c.sram_read_bytes *= groups;
  c.sram_write_bytes *= groups;
  c.link_wavelets *= groups;
  c.pe_cycles = c.cycles * region_pes;
}

Bound pick(double compute, double sram, double fabric, double setup) {
  const double m = std::max({compute, sram, fabric, setup});
  if (m == fabric && fabric > compute) return Bound::fabric;
  if (m == sram && sram > compute) return Bound::sram;
  if (m == setup && setup > compute) return Bound::setup;
  return Bound::compute;
}
}  // namespace

KernelCost KernelCostModel::gemm(const GemmShape& shape, double samples, int rows, int cols, GemmPass pass,
                                 GemmMapping mapping) const {
  KernelCost c;
  if (shape.fmacs() <= 0 || samples <= 0 || rows <= 0 || cols <= 0) return c;
  if (mapping == GemmMapping::weight_stationary)
    return gemm_weight_stationary(shape, samples, rows, cols, pass);
  if (mapping == GemmMapping::tiled) return best_tiled(shape, samples, rows, cols, pass).second;
  if (mapping == GemmMapping::batched) {
    const auto [groups, one] = best_batched(shape, samples, rows, cols, pass);
    c = one;
    c.fmacs = samples * shape.fmacs();  // every group runs its share at the same time
    side_by_side(c, groups.groups, static_cast<double>(rows) * cols);
    return c;
  }
  // Problem as seen by the kernel: all samples and GEMM instances stacked along M.
  return gemm_output_stationary(samples * shape.count * shape.m, shape, rows, cols, pass);
}

GemmGroups KernelCostModel::batched_groups(const GemmShape& shape, double samples, int rows, int cols,
                                           GemmPass pass) const {
  if (shape.fmacs() <= 0 || samples <= 0 || rows <= 0 || cols <= 0)
    return {1, rows, cols, samples * shape.count};
  return best_batched(shape, samples, rows, cols, pass).first;
}

GemmGroups KernelCostModel::tiled_groups(const GemmShape& shape, double samples, int rows, int cols,
                                         GemmPass pass) const {
  if (shape.fmacs() <= 0 || samples <= 0 || rows <= 0 || cols <= 0)
    return {1, rows, cols, samples * shape.count * shape.m};
  return best_tiled(shape, samples, rows, cols, pass).first;
}

std::pair<GemmGroups, KernelCost> KernelCostModel::best_tiled(const GemmShape& shape, double samples,
                                                              int rows, int cols, GemmPass pass) const {
  const double big_m = samples * shape.count * shape.m;
  const double n = pass == GemmPass::grad_input ? shape.k : shape.n;
  GemmGroups best{1, rows, cols, big_m};
  KernelCost best_cost = gemm_output_stationary(big_m, shape, rows, cols, pass);
  // Each group needs at least a full column of tokens; groups narrower than N trade columns
  // per PE for rows per PE, and a few beyond cols / N catch the rounding.
  const int most = static_cast<int>(std::min<double>({std::floor(big_m / rows), static_cast<double>(cols),
                                                      2.0 * std::ceil(cols / std::min<double>(n, cols))}));
  for (int g = 2; g <= most; ++g) {
    const int gc = cols / g;
    const double per = std::ceil(big_m / g);
    KernelCost c = gemm_output_stationary(per, shape, rows, gc, pass);
    if (pass == GemmPass::grad_weight) {
      // Each group holds a partial dW (K x N/gc per column); the partials pass along the
      // rows through the g groups, one more pipelined chain of fp32 sums.
      const double nc = std::ceil(n / std::min<double>(gc, n));
      const double wavelets =
          shape.k * nc * acc_bytes_ / (spec_.router.wavelet_bits / 8.0) / spec_.router.wavelets_per_cycle;
      c.group_reduce_cycles = wavelets + (g - 1) * gc * spec_.router.hop_latency + g * kDataTaskCycles;
      c.fill_cycles += c.group_reduce_cycles;
      c.fabric_cycles += wavelets;
      c.cycles += c.group_reduce_cycles;
    }
    if (c.cycles < best_cost.cycles * (1 - 1e-12)) {
      best_cost = c;
      best = {g, rows, gc, per};
    }
  }
  best_cost.fmacs = big_m * shape.k * shape.n;
  if (best.groups > 1) {
    side_by_side(best_cost, best.groups, static_cast<double>(rows) * cols);
    if (pass == GemmPass::grad_weight) {
      // Each column's K x N/gc partial passes gc hops to the same column of the next group.
      const double nc = std::ceil(n / std::min<double>(best.cols, n));
      const double per_column = std::ceil(shape.k * nc * acc_bytes_ / (spec_.router.wavelet_bits / 8.0));
      best_cost.link_wavelets += static_cast<double>(best.cols) * (best.groups - 1) * best.cols * per_column;
    }
  }
  return {best, best_cost};
}

std::pair<GemmGroups, KernelCost> KernelCostModel::best_batched(const GemmShape& shape, double samples,
                                                                int rows, int cols, GemmPass pass) const {
  const double instances = samples * shape.count;
  GemmGroups best{1, rows, cols, instances};
  const double n = pass == GemmPass::grad_input ? shape.k : shape.n;
  // Groups narrower than N only trade columns per PE for rows per PE; a few beyond cols / N
  // catch the rounding.
  const int most = static_cast<int>(std::min<double>(
      {instances, static_cast<double>(cols), 2.0 * std::ceil(cols / std::min<double>(n, cols))}));
  // The fewest cycles without the fill (pipelined stages overlap it with the next sample;
  // in weight streaming it is small next to the K loop), then the smaller fill.
  const auto better = [](const KernelCost& a, const KernelCost& b) {
    const double sa = a.cycles - a.fill_cycles, sb = b.cycles - b.fill_cycles;
    return sa < sb * (1 - 1e-12) || (sa <= sb * (1 + 1e-12) && a.fill_cycles < b.fill_cycles);
  };
  KernelCost best_cost = gemm_output_stationary(instances * shape.m, shape, rows, cols, pass);
  for (int g = 2; g <= most; ++g) {
    const int gc = cols / g;
    const double per = std::ceil(instances / g);
    const KernelCost c = gemm_output_stationary(per * shape.m, shape, rows, gc, pass);
    if (better(c, best_cost)) {
      best_cost = c;
      best = {g, rows, gc, per};
    }
  }
  return {best, best_cost};
}

KernelCost KernelCostModel::gemm_output_stationary(double big_m, const GemmShape& shape, int rows, int cols,
                                                   GemmPass pass) const {
  KernelCost c;
  double k = shape.k;
  double n = shape.n;
  if (pass == GemmPass::grad_input) std::swap(k, n);  // dX (M x K) = dY (M x N) W^T
  c.fmacs = big_m * k * n;

  const double r = std::min<double>(rows, big_m);
  const double col = std::min<double>(cols, n);
  const double mr = std::ceil(big_m / r);  // accumulator rows per PE
  const double nc = std::ceil(n / col);    // accumulator columns per PE
  const auto& pe = spec_.pe;
  const double issue = fmac_per_cycle_ * pe.fmac_issue_efficiency;
  const double dense = 1.0 - pe.sparsity;  // zero operands are skipped (dataflow)
  const double port_bytes = pe.sram_port_bits / 8.0;
  const double link_rate = spec_.router.wavelets_per_cycle;

  // Per K step on the busiest PE.
  const double fmac_step = mr * nc;
  const double compute = fmac_step * dense / issue;
  // Output-stationary: each FMAC reads and writes its accumulator; operands come from the
  // fabric. dW accumulates the same way (partial sums over the PE's rows of tokens).
  const double sram = std::max(fmac_step * dense * acc_bytes_ / (pe.sram_read_ports * port_bytes),
                               fmac_step * dense * acc_bytes_ / (pe.sram_write_ports * port_bytes));
  // Left operand slice along the row, right operand slice down the column: separate links.
  const double fabric = std::max(mr, nc) / values_per_wavelet_ / link_rate;
  const double setup = pe.op_setup_cycles;  // one tensor DSD op per step
  const double step = std::max({compute, sram, fabric}) + setup;

  c.compute_cycles = k * compute;
  c.sram_cycles = k * sram;
  c.fabric_cycles = k * fabric;
  c.setup_cycles = k * setup;
  const double hop = spec_.router.hop_latency;
  // Broadcast front crosses the region once (pipelined thereafter); one turn at the corner.
  c.fill_cycles = (r + col) * hop + spec_.router.turn_penalty;
  if (pass == GemmPass::grad_weight) {
    // Partial dW tiles (K x N/C per column) reduced down each column: a chain of R hops, each
    // PE adding in a data task, pipelined, fp32 partial sums on the busiest vertical link.
    const double values = k * nc;
    const double wavelets = values * acc_bytes_ / (spec_.router.wavelet_bits / 8.0) / link_rate;
    c.fill_cycles += wavelets + r * (hop + kDataTaskCycles);
    c.fabric_cycles += wavelets;
  }
  c.cycles = k * step + c.fill_cycles;
  c.bound = pick(c.compute_cycles, c.sram_cycles, k * fabric, c.setup_cycles);
  // Events: each FMAC reads and writes its fp32 accumulator; per K step every row's slice
  // crosses the row (c - 1 links) and every column's slice the column (r - 1 links); dW partial
  // sums pass down the column chain.
  c.sram_read_bytes = c.fmacs * dense * acc_bytes_;
  c.sram_write_bytes = c.fmacs * dense * acc_bytes_;
  const double wavelet_bytes = spec_.router.wavelet_bits / 8.0;
  c.link_wavelets = k * (r * (col - 1) * std::ceil(mr / values_per_wavelet_) +
                         col * (r - 1) * std::ceil(nc / values_per_wavelet_));
  if (pass == GemmPass::grad_weight)
    c.link_wavelets += col * (r - 1) * std::ceil(k * nc * acc_bytes_ / wavelet_bytes);
  c.pe_cycles = c.cycles * rows * cols;
  return c;
}

KernelCost KernelCostModel::gemm_weight_stationary(const GemmShape& shape, double samples, int rows, int cols,
                                                   GemmPass pass) const {
  KernelCost c;
  const double tokens = samples * shape.count * shape.m;
  double k = shape.k;  // input features per token
  double n = shape.n;  // output features per token
  if (pass == GemmPass::grad_input) std::swap(k, n);
  c.fmacs = tokens * k * n;
  // Orientation: K over rows and N over columns, or the transpose; the one with the smaller
  // per-PE tile (fewer idle PEs from rounding) wins.
  auto tile = [](double a, double b, double r, double col) {
    return std::ceil(a / std::min(r, a)) * std::ceil(b / std::min(col, b));
  };
  const bool transpose = tile(k, n, rows, cols) > tile(k, n, cols, rows);
  const double r = std::min<double>(transpose ? cols : rows, k);
  const double col = std::min<double>(transpose ? rows : cols, n);
  const double kr = std::ceil(k / r);
  const double nc = std::ceil(n / col);
  const auto& pe = spec_.pe;
  const double issue = fmac_per_cycle_ * pe.fmac_issue_efficiency;
  const double dense = 1.0 - pe.sparsity;
  const double port_bytes = pe.sram_port_bits / 8.0;
  const double link_rate = spec_.router.wavelets_per_cycle;
  const double wavelet_bytes = spec_.router.wavelet_bits / 8.0;

  const double fmac_tok = kr * nc;
  // A stationary operand stored narrower than the operands is widened first (forward, dX).
  const bool widen = pass != GemmPass::grad_weight && stationary_bytes_ < value_bytes_;
  const double compute = fmac_tok * dense / issue + (widen ? fmac_tok * dense / pe.simd.fp16_add : 0.0);
  double sram = 0;
  double fabric = 0;
  double first_token = 0;  // what the first token cannot overlap (below)
  // Rooted at the region's centre (forward, dX): the slice enters at the middle column and
  // spreads both ways, the partial sums run down from the top and up from the bottom to the
  // middle row, whose PE takes both streams: half the hops on each path, twice the wavelets
  // into the root. The mapping with fewer cycles is the one compiled.
  const bool can_centre = pass != GemmPass::grad_weight;
  double fabric_centred = 0, first_centred = 0;
  if (pass == GemmPass::grad_weight) {
    // dW[K/R, N/C] += x ⊗ dy: the fp32 gradient accumulator is read and written per FMAC;
    // x arrives along the row, dy down the column.
    sram = std::max(fmac_tok * dense * acc_bytes_ / (pe.sram_read_ports * port_bytes),
                    fmac_tok * dense * acc_bytes_ / (pe.sram_write_ports * port_bytes));
    fabric = std::max(kr, nc) / values_per_wavelet_ / link_rate;
  } else {
    // y[N/C] += x[k] W[k, N/C]: the resident weight and the accumulator are read, the
    // accumulator written; x arrives along the row, fp32 partial sums pass down the chain.
    // (Widened: the stored value read, the widened one written and read back.)
    const double read = widen ? stationary_bytes_ + value_bytes_ : value_bytes_;
    const double written = widen ? value_bytes_ : 0.0;
    sram = std::max(fmac_tok * dense * (read + acc_bytes_) / (pe.sram_read_ports * port_bytes),
                    fmac_tok * dense * (written + acc_bytes_) / (pe.sram_write_ports * port_bytes));
    const double in = kr / values_per_wavelet_ / link_rate;          // the token's slice along the row
    const double out = nc * acc_bytes_ / wavelet_bytes / link_rate;  // partial sums down the chain
    fabric = std::max(in, out);
    // Within one token the input and the partial sums cannot both stream under the FMACs: the
    // sums are final only after the last input. The PE either takes the whole slice and then
    // computes while its sums stream out, or computes as the slice arrives and then sends;
    // the better of the two, beyond the steady state's max(), is paid once (the cycle engine's
    // decode GEMV runs both: crosscheck/kernel_check.cpp). Later tokens overlap it.
    const double core = std::max(compute, sram);
    const auto first_of = [&](double o) {
      return std::min(in + std::max(core, o), std::max(in, core) + o) - std::max({core, in, o});
    };
    first_token = first_of(out);
    const double into_root = (r >= 3 ? 2.0 : 1.0) * out;
    fabric_centred = std::max(in, into_root);
    first_centred = first_of(into_root);
  }
  const double setup = (widen ? 2 : 1) * pe.op_setup_cycles;  // one tensor op per token (two widened)
  c.compute_cycles = tokens * compute;
  c.sram_cycles = tokens * sram;
  c.fabric_cycles = tokens * fabric;
  c.setup_cycles = tokens * setup;
  // The token front crosses the row; partial sums cross the chain, a data task per PE.
  const double hop = spec_.router.hop_latency;
  c.fill_cycles = (r + col) * hop + r * kDataTaskCycles + spec_.router.turn_penalty + first_token;
  // The first token pays its setup, its FMACs and its partial sums' stream; each later token's
  // setup and FMACs run on the core while the fabric still carries the previous token's sums
  // (the cycle engine overlaps them): the longer of the two.
  const auto per_token = [&](double f) {
    return std::max({compute, sram, f}) + setup +
           std::max(0.0, tokens - 1) * std::max(std::max(compute, sram) + setup, f);
  };
  c.cycles = per_token(fabric) + c.fill_cycles;
  if (can_centre) {
    const double half_r = std::floor(r / 2), half_c = std::floor(col / 2);
    const double fill = (half_r + half_c + 1) * hop + (half_r + 1) * kDataTaskCycles +
                        spec_.router.turn_penalty + first_centred;
    const double cycles = per_token(fabric_centred) + fill;
    if (cycles < c.cycles * (1 - 1e-12)) {
      c.centred_roots = true;
      c.fill_cycles = fill;
      c.cycles = cycles;
      c.fabric_cycles = tokens * fabric_centred;
    }
  }
  c.bound = pick(c.compute_cycles, c.sram_cycles, c.fabric_cycles, c.setup_cycles);
  // Events per token: the token's slice along each row (c - 1 links); then dy down each
  // column (dW) or the fp32 partial sums down the chain (forward, dX).
  const double row_wavelets = r * (col - 1) * std::ceil(kr / values_per_wavelet_);
  if (pass == GemmPass::grad_weight) {
    c.sram_read_bytes = c.fmacs * dense * acc_bytes_;
    c.link_wavelets = tokens * (row_wavelets + col * (r - 1) * std::ceil(nc / values_per_wavelet_));
  } else {
    c.sram_read_bytes = c.fmacs * dense * (value_bytes_ + acc_bytes_);
    c.link_wavelets = tokens * (row_wavelets + col * (r - 1) * std::ceil(nc * acc_bytes_ / wavelet_bytes));
  }
  c.sram_write_bytes = c.fmacs * dense * acc_bytes_;
  if (widen) {  // the stored value read and widened: one more op, a 16-bit value written and read
    c.sram_read_bytes += c.fmacs * dense * stationary_bytes_;
    c.sram_write_bytes += c.fmacs * dense * value_bytes_;
    c.elem_ops += c.fmacs * dense;
  }
  c.pe_cycles = c.cycles * rows * cols;
  return c;
}

KernelCost KernelCostModel::elementwise(double elems, double ops_per_elem, int rows, int cols,
                                        bool reduce) const {
  KernelCost c;
  if (elems <= 0 || rows <= 0 || cols <= 0) return c;
  const double pes = static_cast<double>(rows) * cols;
  const double per_pe = std::ceil(elems / pes);
  const auto& pe = spec_.pe;
  const double port_bytes = pe.sram_port_bits / 8.0;
  c.elem_ops = elems * ops_per_elem;
  c.compute_cycles = per_pe * ops_per_elem / elem_per_cycle_;
  // Each op pass streams its vector through SRAM: one read and one write per element.
  const double passes = std::max(1.0, std::ceil(ops_per_elem / 2.0));
  c.sram_cycles = std::max(per_pe * passes * value_bytes_ / (pe.sram_read_ports * port_bytes),
                           per_pe * passes * value_bytes_ / (pe.sram_write_ports * port_bytes));
  c.setup_cycles = passes * pe.op_setup_cycles;
  if (reduce) {
    // Row statistics (mean/variance, max/sum) reduced along each row, a data task per PE,
    // and broadcast back.
    const double hop = spec_.router.hop_latency;
    c.fill_cycles = cols * (2.0 * hop + kDataTaskCycles);
    c.fabric_cycles = c.fill_cycles;
  }
  c.cycles = std::max(c.compute_cycles, c.sram_cycles) + c.setup_cycles + c.fill_cycles;
  c.bound = pick(c.compute_cycles, c.sram_cycles, c.fabric_cycles, c.setup_cycles);
  // Events: every pass reads and writes each element once; a row reduction sends two fp32
  // statistics along each row's chain (c - 1 links) and broadcasts the result back.
  c.sram_read_bytes = elems * passes * value_bytes_;
  c.sram_write_bytes = elems * passes * value_bytes_;
  if (reduce && cols > 1)
    c.link_wavelets = 2.0 * rows * (cols - 1) * std::ceil(2.0 * 32.0 / spec_.router.wavelet_bits);
  c.pe_cycles = c.cycles * pes;
  return c;
}

}  // namespace wafersim
