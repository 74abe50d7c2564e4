#include "wafersim/compile/kernel_cost.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "test_specs.hpp"

using namespace wafersim;

namespace {
GemmShape gemm(double m, double k, double n) { return GemmShape{1, m, k, n}; }
}  // namespace

TEST_CASE("GEMM cost is monotonic in problem size", "[compile]") {
  const auto spec = test::small_spec(64, 64);
  const KernelCostModel m(spec, DType::fp16);
  double prev = 0;
  for (double n : {256.0, 512.0, 1024.0, 2048.0, 4096.0}) {
    const auto c = m.gemm(gemm(1024, 1024, n), 1, 64, 64, GemmPass::forward);
    CHECK(c.cycles > prev);
    CHECK(c.fmacs == Approx(1024.0 * 1024 * n));
    prev = c.cycles;
  }
  prev = 0;
  for (double samples : {1.0, 2.0, 4.0, 8.0}) {
    const auto c = m.gemm(gemm(512, 768, 768), samples, 64, 64, GemmPass::forward);
    CHECK(c.cycles > prev);
    prev = c.cycles;
  }
}

TEST_CASE("compute cycles are inverse in the SIMD width", "[compile]") {
  auto spec = test::small_spec(32, 32);
  spec.pe.op_setup_cycles = 0;
  const auto shape = gemm(4096, 1024, 4096);
  spec.pe.simd.mixed_fmac = 1;
  const auto c1 = KernelCostModel(spec, DType::fp16).gemm(shape, 1, 32, 32, GemmPass::forward);
  spec.pe.simd.mixed_fmac = 2;
  const auto c2 = KernelCostModel(spec, DType::fp16).gemm(shape, 1, 32, 32, GemmPass::forward);
  spec.pe.simd.mixed_fmac = 4;
  const auto c4 = KernelCostModel(spec, DType::fp16).gemm(shape, 1, 32, 32, GemmPass::forward);
  CHECK(c1.compute_cycles == Approx(2 * c2.compute_cycles));
  CHECK(c2.compute_cycles == Approx(2 * c4.compute_cycles));
  CHECK(c1.cycles > c2.cycles);
  // At width 4 the single write port (2 fp32 accumulators per cycle) binds instead.
  CHECK(c4.bound == Bound::sram);
}

TEST_CASE("a bigger region runs the same GEMM faster", "[compile]") {
  const auto spec = test::small_spec(128, 128);
  const KernelCostModel m(spec, DType::fp16);
  const auto shape = gemm(2048, 2048, 2048);
  const auto small = m.gemm(shape, 1, 32, 32, GemmPass::forward);
  const auto big = m.gemm(shape, 1, 128, 128, GemmPass::forward);
  CHECK(big.cycles < small.cycles);
  CHECK(big.fill_cycles > small.fill_cycles);  // the broadcast front crosses more hops
}

TEST_CASE("weight gradients pay a column reduction", "[compile]") {
  const auto spec = test::small_spec(64, 64);
  const KernelCostModel m(spec, DType::fp16);
  const auto shape = gemm(2048, 1024, 1024);
  const auto fwd = m.gemm(shape, 1, 64, 64, GemmPass::forward);
  const auto dw = m.gemm(shape, 1, 64, 64, GemmPass::grad_weight);
  CHECK(dw.fmacs == Approx(fwd.fmacs));
  CHECK(dw.cycles > fwd.cycles);
}

TEST_CASE("sparsity skips zero operands", "[compile]") {
  auto spec = test::small_spec(32, 32);
  const auto shape = gemm(2048, 1024, 1024);
  const auto dense = KernelCostModel(spec, DType::fp16).gemm(shape, 1, 32, 32, GemmPass::forward);
  spec.pe.sparsity = 0.5;
  const auto sparse = KernelCostModel(spec, DType::fp16).gemm(shape, 1, 32, 32, GemmPass::forward);
  CHECK(sparse.compute_cycles == Approx(dense.compute_cycles * 0.5));
}

TEST_CASE("elementwise cost scales with elements per PE", "[compile]") {
  const auto spec = test::small_spec(16, 16);
  const KernelCostModel m(spec, DType::fp16);
  const auto a = m.elementwise(256.0 * 100, 4, 16, 16, false);
  const auto b = m.elementwise(256.0 * 200, 4, 16, 16, false);
  CHECK(b.compute_cycles == Approx(2 * a.compute_cycles));
  const auto r = m.elementwise(256.0 * 100, 4, 16, 16, true);
  CHECK(r.cycles > a.cycles);
  CHECK(m.gemm(gemm(0, 1, 1), 1, 16, 16, GemmPass::forward).cycles == 0);
}

TEST_CASE("batched GEMMs put narrow instances side by side", "[compile]") {
  const SystemSpec spec = test::small_spec(994, 750);
  const KernelCostModel m(spec, DType::fp16);
  const int rows = 750, cols = 994;
  // Attention's context GEMM per head: (s x s) x (s x d), d = 128 < 994 columns.
  const GemmShape context{32, 2048, 2048, 128};  // 32 heads
  const KernelCost plain = m.gemm(context, 4, rows, cols, GemmPass::forward, GemmMapping::output_stationary);
  const KernelCost batched = m.gemm(context, 4, rows, cols, GemmPass::forward, GemmMapping::batched);
  const GemmGroups g = m.batched_groups(context, 4, rows, cols, GemmPass::forward);
  INFO("groups " << g.groups << " x " << g.cols << " cols, " << g.instances << " instances each");
  // 994 / 128 = 7 groups of 142 columns would keep 896 busy; 15 groups of 66 (two output
  // columns per PE) round better: 9 instances each instead of 19. Either way most columns work.
  CHECK(g.groups >= 7);
  CHECK(g.groups * std::min(g.cols, 128) >= 896);
  CHECK(g.instances == Approx(std::ceil(4.0 * 32 / g.groups)));
  CHECK(batched.fmacs == plain.fmacs);
  // Plain output-stationary keeps 128 of 994 columns busy; side by side, 7 x 128 = 896.
  CHECK(batched.cycles < plain.cycles / 5);
  CHECK(batched.cycles > plain.cycles / 8);
  // A wide instance (N = s = 2048 > 994 columns) gains nothing from narrower groups.
  const GemmShape scores{32, 2048, 128, 2048};
  const GemmGroups wide = m.batched_groups(scores, 4, rows, cols, GemmPass::forward);
  CHECK(wide.groups <= 2);
  CHECK(m.gemm(scores, 4, rows, cols, GemmPass::forward, GemmMapping::batched).cycles <=
        m.gemm(scores, 4, rows, cols, GemmPass::forward, GemmMapping::output_stationary).cycles);
  // One instance: nothing to place side by side.
  CHECK(m.batched_groups(GemmShape{1, 2048, 2048, 128}, 1, rows, cols, GemmPass::forward).groups == 1);
}

TEST_CASE("tiled weight GEMMs recover the columns an N just above the width wastes", "[compile]") {
  const SystemSpec spec = test::small_spec(994, 750);
  const KernelCostModel m(spec, DType::fp16);
  const int rows = 994, cols = 750;
  // BERT-Large's attention output projection on 228 sequences of 128 tokens: N = 1024 on 750
  // columns is 2 output columns per PE, the second only 37% used.
  const GemmShape proj{1, 128, 1024, 1024};
  const double samples = 228;
  for (const GemmPass pass : {GemmPass::forward, GemmPass::grad_input, GemmPass::grad_weight}) {
    const KernelCost plain = m.gemm(proj, samples, rows, cols, pass, GemmMapping::output_stationary);
    const KernelCost tiled = m.gemm(proj, samples, rows, cols, pass, GemmMapping::tiled);
    const GemmGroups g = m.tiled_groups(proj, samples, rows, cols, pass);
    INFO("pass " << static_cast<int>(pass) << ": " << g.groups << " groups of " << g.cols << " columns");
    CHECK(tiled.fmacs == Approx(plain.fmacs));
    CHECK(g.groups > 1);
    CHECK(g.instances == Approx(std::ceil(samples * 128 / g.groups)));
    // dW pays for summing the groups' partials, so it gains less.
    CHECK(tiled.cycles < (pass == GemmPass::grad_weight ? 0.95 : 0.85) * plain.cycles);
    // dW partials of the groups are summed along the rows; the other passes have none.
    CHECK((tiled.group_reduce_cycles > 0) == (pass == GemmPass::grad_weight));
  }
  // N that fills the columns evenly: the same work per PE, only a shorter broadcast front.
  const GemmShape even{1, 128, 1024, 1500};
  const double plain_even =
      m.gemm(even, samples, rows, cols, GemmPass::forward, GemmMapping::output_stationary).cycles;
  const double tiled_even = m.gemm(even, samples, rows, cols, GemmPass::forward, GemmMapping::tiled).cycles;
  CHECK(tiled_even <= plain_even);
  CHECK(tiled_even > 0.98 * plain_even);
  // Too few tokens for a second group of full columns: one group.
  CHECK(m.tiled_groups(proj, 1, rows, cols, GemmPass::forward).groups == 1);
}

TEST_CASE("a centred GEMV halves the fill of the edge-rooted one", "[compile]") {
  const SystemSpec spec = test::small_spec(256, 256);
  const KernelCostModel m(spec, DType::fp16);
  const KernelCost c =
      m.gemm(GemmShape{1, 1, 8192, 8192}, 1, 256, 256, GemmPass::forward, GemmMapping::weight_stationary);
  REQUIRE(c.centred_roots);
  // Edge-rooted: (r + c) x hop + r x data task; centred: (r/2 + c/2 + 1) x hop + (r/2 + 1) x data task,
  // plus the first token's extra either way.
  const double hop = spec.router.hop_latency;
  const double edge_paths = 512 * hop + 256 * kDataTaskCycles;
  const double centred_paths = 257 * hop + 129 * kDataTaskCycles;
  CHECK(c.fill_cycles >= centred_paths);
  CHECK(c.fill_cycles < 0.6 * edge_paths + (c.fill_cycles - centred_paths));
  // The same link events either way: every PE but the root sends its sums one hop.
  CHECK(c.link_wavelets == Approx(256.0 * 255 * 16 + 256.0 * 255 * 32));
}

TEST_CASE("narrower stored values: the weight-stationary GEMV widens each one before its FMAC", "[compile]") {
  const auto spec = test::small_spec(64, 64);
  const KernelCostModel plain(spec, DType::bf16);
  KernelCostModel narrow(spec, DType::bf16), wide(spec, DType::bf16);
  narrow.set_stationary_bits(8);
  wide.set_stationary_bits(32);  // not narrower than the 16-bit operands: the plain kernel
  CHECK(narrow.stationary_bytes() == 1.0);
  CHECK(wide.stationary_bytes() == 2.0);
  const GemmShape gemv{1, 1, 4096, 4096};
  const auto p = plain.gemm(gemv, 4, 64, 64, GemmPass::forward, GemmMapping::weight_stationary);
  const auto n = narrow.gemm(gemv, 4, 64, 64, GemmPass::forward, GemmMapping::weight_stationary);
  const auto w = wide.gemm(gemv, 4, 64, 64, GemmPass::forward, GemmMapping::weight_stationary);
  CHECK(w.cycles == p.cycles);
  CHECK(w.sram_read_bytes == p.sram_read_bytes);
  // The same FMACs; per FMAC the stored byte and the widened 2 bytes read, 2 more written, one more op.
  CHECK(n.fmacs == p.fmacs);
  CHECK(n.sram_read_bytes == Approx(p.sram_read_bytes + 1.0 * p.fmacs));
  CHECK(n.sram_write_bytes == Approx(p.sram_write_bytes + 2.0 * p.fmacs));
  CHECK(n.elem_ops == Approx(p.elem_ops + p.fmacs));
  CHECK(n.compute_cycles > p.compute_cycles);
  CHECK(n.cycles > p.cycles);
  // Other mappings and the weight-gradient pass do not read stored narrow values.
  CHECK(narrow.gemm(gemv, 4, 64, 64, GemmPass::forward).cycles ==
        plain.gemm(gemv, 4, 64, 64, GemmPass::forward).cycles);
  CHECK(narrow.gemm(gemv, 4, 64, 64, GemmPass::grad_weight, GemmMapping::weight_stationary).cycles ==
        plain.gemm(gemv, 4, 64, 64, GemmPass::grad_weight, GemmMapping::weight_stationary).cycles);
}

TEST_CASE("repeated runs keep the first run's fill apart from the later runs' fills", "[compile]") {
  const auto spec = test::small_spec(64, 64);
  const KernelCostModel m(spec, DType::fp16);
  const KernelCost one =
      m.gemm(gemm(1, 4096, 4096), 8, 64, 64, GemmPass::forward, GemmMapping::weight_stationary);
  REQUIRE(one.fill_cycles > 0);
  CHECK(one.first_fill_cycles() == one.fill_cycles);
  const KernelCost four = one.repeated(4);
  CHECK(four.fill_cycles == Approx(4 * one.fill_cycles));
  CHECK(four.first_fill_cycles() == Approx(one.fill_cycles));
  // Nested (chunks of waves) and summed (a layer's kernels): a first fill per kernel.
  CHECK(four.repeated(3).first_fill_cycles() == Approx(one.fill_cycles));
  KernelCost layer = four;
  layer += one;
  CHECK(layer.first_fill_cycles() == Approx(2 * one.fill_cycles));
  CHECK(layer.fill_cycles == Approx(5 * one.fill_cycles));
}
