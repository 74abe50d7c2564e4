// Kernel cross-check: GEMM kernels on the cycle engine vs the approx cost model.
#include "wafersim/fabric/cycle/kernel_check.hpp"

#include <catch2/catch.hpp>

#include "test_specs.hpp"

using namespace wafersim;
using namespace wafersim::cycle;

TEST_CASE("compute-bound GEMM kernels agree with the approx model within 10%", "[fabric]") {
  const SystemSpec spec = test::small_spec(16, 16);
  const GemmShape shape{1, 256, 64, 512};  // M x K x N
  for (GemmPass pass : {GemmPass::forward, GemmPass::grad_input, GemmPass::grad_weight}) {
    const KernelCheck k = check_gemm(spec, DType::fp16, shape, 1, 16, 16, pass, "proj", 16);
    INFO(k.pass << ": approx " << k.approx_cycles << " cycle " << k.cycle_cycles << " " << k.note);
    CHECK(k.ratio == Approx(1.0).epsilon(0.10));
  }
}

TEST_CASE("extrapolated cycle counts match a full simulation", "[fabric]") {
  const SystemSpec spec = test::small_spec(8, 8);
  const GemmShape shape{1, 64, 48, 64};
  const KernelCheck full = check_gemm(spec, DType::fp16, shape, 1, 8, 8, GemmPass::forward, "g", 64);
  const KernelCheck ext = check_gemm(spec, DType::fp16, shape, 1, 8, 8, GemmPass::forward, "g", 16);
  CHECK_FALSE(full.extrapolated);
  CHECK(ext.extrapolated);
  CHECK(ext.cycle_cycles == Approx(full.cycle_cycles).epsilon(0.01));
}
