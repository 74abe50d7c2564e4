// The energy model: events priced by the energy: section, parts that add up, power, and the
// kernel events it is fed with (the cost model's; the cycle engine's link moves agree with them:
// tests/unit/crosscheck/kernel_check_test.cpp).
#include "wafersim/energy/energy_model.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "test_specs.hpp"
#include "wafersim/compile/kernel_cost.hpp"

using namespace wafersim;

namespace {

SystemSpec with_energy() {
  SystemSpec s = test::small_spec(64, 64);
  EnergySpec& e = s.energy;
  e.present = true;
  e.fmac = Joules(0.3e-12);
  e.fp32_fmac = Joules(0.7e-12);
  e.elem_op = Joules(0.14e-12);
  e.sram_read_bit = Joules(0.025e-12);
  e.sram_write_bit = Joules(0.03e-12);
  e.fabric_hop_bit = Joules(0.07e-12);
  e.pe_cycle = Joules(8e-12);
  e.nominal_clock = s.pe.clock;
  e.clock_exponent = 1;
  e.pe_static = Watts(3e-3);
  e.sram_static = Watts(20e-6);
  e.io_bit = Joules(5e-12);
  e.io_static = Watts(0.05);
  e.system_static = Watts(100);
  e.psu_efficiency = 0.9;
  e.memoryx_idle = Watts(4000);
  e.memoryx_bit = Joules(20e-12);
  e.optimizer_param = Joules(5e-9);
  e.swarmx_node_idle = Watts(500);
  e.swarmx_bit = Joules(10e-12);
  e.worker_idle = Watts(500);
  e.worker_bit = Joules(20e-12);
  e.system_power_max = Watts(23e3);
  return s;
}

double part(const EnergyStats& st, const std::string& name) {
  for (const auto& [n, j] : st.parts)
    if (n == name) return j;
  FAIL("no part " << name);
  return 0;
}

}  // namespace

TEST_CASE("every event is priced once and the parts add up to the total", "[energy]") {
  const SystemSpec spec = with_energy();
  EnergyEvents ev;
  ev.fmacs = 1e12;
  ev.elem_ops = 1e10;
  ev.sram_read_bytes = 4e12;
  ev.sram_write_bytes = 2e12;
  ev.link_wavelets = 1e11;
  ev.pe_cycles = 1e12;
  ev.io_bytes = 1e9;
  ev.memoryx_bytes = 2e9;
  ev.optimizer_params = 1e8;
  ev.swarmx_bytes = 3e9;
  ev.input_bytes = 1e6;
  const EnergyNodes nodes{2, true, 1, 8};
  const double t = 0.5;
  const EnergyStats st = energy_of(spec, false, ev, nodes, t, 100);
  REQUIRE(st.modelled);
  CHECK(part(st, "fmac") == Approx(1e12 * 0.3e-12));
  CHECK(part(st, "elementwise") == Approx(1e10 * 0.14e-12));
  CHECK(part(st, "sram read") == Approx(4e12 * 8 * 0.025e-12));
  CHECK(part(st, "sram write") == Approx(2e12 * 8 * 0.03e-12));
  CHECK(part(st, "fabric") == Approx(1e11 * 32 * 0.07e-12));
  CHECK(part(st, "pe control") == Approx(1e12 * 8e-12));
  // Leakage: every PE of both wafers with its 48 KiB, all the interval.
  CHECK(st.wafer_static_w == Approx(64 * 64 * (3e-3 + 48 * 20e-6)));
  CHECK(part(st, "wafer leakage") == Approx(2 * st.wafer_static_w * t));
  // I/O: per bit, plus the ports' capacity (12 x 100 Gb/s) all the time, per system.
  CHECK(part(st, "system i/o") == Approx(1e9 * 8 * 5e-12 + 2 * 0.05 * 1200 * t));
  CHECK(part(st, "system static") == Approx(2 * 100 * t));
  double dc = 0;
  for (const char* p : {"fmac", "elementwise", "sram read", "sram write", "fabric", "pe control",
                        "wafer leakage", "system i/o", "system static"})
    dc += part(st, p);
  CHECK(part(st, "power supplies") == Approx(dc * (1 / 0.9 - 1)));
  CHECK(part(st, "memoryx") == Approx(4000 * t + 2e9 * 8 * 20e-12));
  CHECK(part(st, "optimizer") == Approx(1e8 * 5e-9));
  CHECK(part(st, "swarmx") == Approx(500 * t + 3e9 * 8 * 10e-12));
  CHECK(part(st, "input workers") == Approx(8 * 500 * t + 1e6 * 8 * 20e-12));
  double sum = 0;
  for (const auto& [n, j] : st.parts) sum += j;
  CHECK(st.joules == Approx(sum));
  CHECK(st.per_unit_j == Approx(sum / 100));
  CHECK(st.units_per_kj == Approx(100 / (sum / 1e3)));
  CHECK(st.cluster_power_w == Approx(sum / t));
  CHECK(st.system_power_w == Approx(dc / 0.9 / t / 2));
  CHECK(st.system_power_max_w == 23e3);
}

TEST_CASE("fp32 FMACs, the clock's voltage and a missing section", "[energy]") {
  SystemSpec spec = with_energy();
  EnergyEvents ev;
  ev.fmacs = 1e12;
  ev.pe_cycles = 1e9;
  const EnergyNodes nodes{1, false, 0, 0};
  CHECK(part(energy_of(spec, true, ev, nodes, 1, 1), "fmac") == Approx(1e12 * 0.7e-12));
  // A faster clock than the energies were quoted at costs more per event (exponent 1: linear).
  spec.pe.clock = Hertz(spec.energy.nominal_clock.value * 1.2);
  CHECK(part(energy_of(spec, false, ev, nodes, 1, 1), "fmac") == Approx(1.2 * 1e12 * 0.3e-12));
  spec.energy.clock_exponent = 2;
  CHECK(part(energy_of(spec, false, ev, nodes, 1, 1), "pe control") == Approx(1.44 * 1e9 * 8e-12));
  // No MemoryX in the run: no MemoryX idle power.
  CHECK(part(energy_of(spec, false, ev, nodes, 1, 1), "memoryx") == 0);
  spec.energy.present = false;
  CHECK_FALSE(energy_of(spec, false, ev, nodes, 1, 1).modelled);
  CHECK(no_energy_message(spec).find("energy:") != std::string::npos);
}

TEST_CASE("kernel events come from the mapping the cycles come from", "[energy]") {
  const SystemSpec spec = test::small_spec(64, 64);
  const KernelCostModel m(spec, DType::fp16);
  // Output-stationary GEMM: each FMAC reads and writes its fp32 accumulator.
  const GemmShape g{1, 512, 256, 1024};
  const KernelCost f = m.gemm(g, 1, 32, 64, GemmPass::forward);
  CHECK(f.sram_read_bytes == Approx(f.fmacs * 4));
  CHECK(f.sram_write_bytes == Approx(f.fmacs * 4));
  CHECK(f.pe_cycles == Approx(f.cycles * 32 * 64));
  // Operands: M/32 = 16 rows per PE -> 8 wavelets along each of 32 rows over 63 links, per K step;
  // N/64 = 16 columns per PE -> 8 wavelets down each of 64 columns over 31 links.
  CHECK(f.link_wavelets == Approx(256.0 * (32 * 63 * 8 + 64 * 31 * 8)));
  // dW adds the partial sums down the column chain: K x N/C fp32 values per column.
  const KernelCost w = m.gemm(g, 1, 32, 64, GemmPass::grad_weight);
  CHECK(w.link_wavelets == Approx(256.0 * (32 * 63 * 8 + 64 * 31 * 8) + 64 * 31 * 256.0 * 16));
  // Weight-stationary GEMV: the weight and the accumulator read, the accumulator written.
  const KernelCost v =
      m.gemm(GemmShape{1, 1, 1024, 2048}, 1, 32, 64, GemmPass::forward, GemmMapping::weight_stationary);
  CHECK(v.sram_read_bytes == Approx(v.fmacs * 6));
  CHECK(v.sram_write_bytes == Approx(v.fmacs * 4));
  // Side by side groups run at once: the same cycles, every group's events.
  const GemmShape heads{8, 64, 64, 16};
  const GemmGroups gr = m.batched_groups(heads, 1, 32, 64, GemmPass::forward);
  REQUIRE(gr.groups > 1);
  const KernelCost b = m.gemm(heads, 1, 32, 64, GemmPass::forward, GemmMapping::batched);
  const KernelCost one =
      m.gemm(GemmShape{1, gr.instances * 64, 64, 16}, 1, gr.rows, gr.cols, GemmPass::forward);
  CHECK(b.link_wavelets == Approx(gr.groups * one.link_wavelets));
  CHECK(b.pe_cycles == Approx(b.cycles * 32 * 64));
  // Elementwise: a read and a write per element per pass; a row reduction's chain and broadcast.
  const KernelCost e = m.elementwise(1 << 20, 2, 16, 64, true);
  CHECK(e.sram_read_bytes == Approx((1 << 20) * 2.0));
  CHECK(e.link_wavelets == Approx(2.0 * 16 * 63 * 2));
  // Repeats and sums carry every event.
  KernelCost twice = f.repeated(2);
  CHECK(twice.link_wavelets == Approx(2 * f.link_wavelets));
  twice += f;
  CHECK(twice.sram_write_bytes == Approx(3 * f.sram_write_bytes));
  EnergyEvents ev;
  add_kernel_events(ev, f, 4);
  CHECK(ev.fmacs == Approx(4 * f.fmacs));
  CHECK(ev.pe_cycles == Approx(4 * f.pe_cycles));
}
