// The one measured power figure of a Cerebras system found in the public record: Miyajima,
// Matsuzaki and Mukunoki, "Single-precision Matrix Multiplication Performance on Cerebras CS-2:
// Evaluation and Modelling of Performance, Scalability and Energy Efficiency", Journal of
// Information Processing 34 (2026) 132-139 (abstract): 349.0 TFLOP/s for a 33,000 x 33,000 fp32
// matrix product on 750 x 750 PEs of a CS-2, at 79.66 GFLOP/s per W (so 4.38 kW; the abstract does
// not say where the power was measured). This prints what wafersim's kernel cost model and energy
// model (configs/cs2.yaml) give for that kernel: its time and rate, and the power at the measured
// time and at the modelled one, by part (docs/energy.md).
// Usage: bench_energy_sgemm
#include <fmt/format.h>

#include "wafersim/compile/kernel_cost.hpp"
#include "wafersim/energy/energy_model.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

int main() {
  const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs2.yaml");
  const double n = 33000;
  const double measured_tflops = 349.0, measured_gflops_per_w = 79.66;
  const double flops = 2 * n * n * n;
  const double measured_s = flops / (measured_tflops * 1e12);
  const double measured_w = measured_tflops * 1e12 / (measured_gflops_per_w * 1e9);

  const KernelCostModel model(spec, DType::fp32);
  const KernelCost k = model.gemm(GemmShape{1, n, n, n}, 1, 750, 750, GemmPass::forward);
  const double modelled_s = model.cycles_to_seconds(k.cycles);
  EnergyEvents ev;
  add_kernel_events(ev, k);
  // Only the kernel runs: no MemoryX, SwarmX or input workers; the matrices are on the wafer.
  const EnergyNodes nodes{1, false, 0, 0};
  fmt::print("fp32 GEMM {0:.0f} x {0:.0f} x {0:.0f} on 750 x 750 PEs of a CS-2 (configs/cs2.yaml)\n", n);
  fmt::print("  rate:  modelled {:.1f} TFLOP/s ({:.3f} s), measured {:.1f} TFLOP/s ({:.3f} s): {:+.1f}%\n",
             flops / modelled_s / 1e12, modelled_s, measured_tflops, measured_s,
             100 * (measured_s / modelled_s - 1));
  // The PEs run the kernel for `seconds` whichever time: the PE-cycles scale to it.
  const auto at = [&](double seconds) {
    EnergyEvents e = ev;
    e.pe_cycles = ev.pe_cycles * seconds / modelled_s;
    return energy_of(spec, true, e, nodes, seconds, 1);
  };
  const EnergyStats at_measured = at(measured_s);
  for (const auto& [what, seconds] :
       {std::pair{"at the measured time", measured_s}, std::pair{"at the modelled time", modelled_s}}) {
    const EnergyStats st = seconds == measured_s ? at_measured : at(seconds);
    fmt::print(
        "  power {}: system {:.2f} kW at the wall, wafer {:.2f} kW; measured {:.2f} kW: x{:.2f} (system), "
        "x{:.2f} (wafer)\n",
        what, st.system_power_w / 1e3, st.wafer_power_w / 1e3, measured_w / 1e3,
        st.system_power_w / measured_w, st.wafer_power_w / measured_w);
    fmt::print("   ");
    for (const auto& [part, j] : st.parts)
      if (j > 0) fmt::print(" {} {:.2f} kW,", part, j / seconds / 1e3);
    fmt::print("\n");
  }
  fmt::print("  modelled GFLOP/s per W (system, measured time): {:.1f}; measured {:.2f}\n",
             flops / measured_s / 1e9 / at_measured.system_power_w, measured_gflops_per_w);
  return 0;
}
