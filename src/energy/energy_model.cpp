#include "wafersim/energy/energy_model.hpp"

#include <fmt/format.h>

#include <cmath>

#include "wafersim/compile/kernel_cost.hpp"

namespace wafersim {

std::string no_energy_message(const SystemSpec& spec) {
  return fmt::format(
      "--energy: the system file {} has no energy: section (per-event energies and static powers; "
      "docs/energy.md lists the keys, configs/cs2.yaml has one with sources)",
      spec.source.empty() ? spec.name : spec.source);
}

void add_kernel_events(EnergyEvents& e, const KernelCost& k, double n) {
  e.fmacs += n * k.fmacs;
  e.elem_ops += n * k.elem_ops;
  e.sram_read_bytes += n * k.sram_read_bytes;
  e.sram_write_bytes += n * k.sram_write_bytes;
  e.link_wavelets += n * k.link_wavelets;
  e.pe_cycles += n * k.pe_cycles;
}

double wafer_static_power(const SystemSpec& spec) {
  const double pes = static_cast<double>(spec.wafer.width) * spec.wafer.height;
  const double sram_kib = static_cast<double>(spec.pe.sram.value) / 1024.0;
  return pes * (spec.energy.pe_static.value + sram_kib * spec.energy.sram_static.value);
}

EnergyStats energy_of(const SystemSpec& spec, bool fp32, const EnergyEvents& ev, const EnergyNodes& nodes,
                      double interval_s, double units) {
  EnergyStats st;
  const EnergySpec& e = spec.energy;
  if (!e.present) return st;
  st.modelled = true;
  st.interval_s = interval_s;
  st.units = units;
  st.events = ev;
  st.nodes = nodes;
  const double systems = nodes.systems;
  const double bits = 8;
  // The wafers: events at this clock's voltage, then leakage of every PE and its SRAM.
  const double v = std::pow(spec.pe.clock.value / e.nominal_clock.value, e.clock_exponent);
  const double fmac = v * ev.fmacs * (fp32 ? e.fp32_fmac.value : e.fmac.value);
  const double elem = v * ev.elem_ops * e.elem_op.value;
  const double sram_r = v * ev.sram_read_bytes * bits * e.sram_read_bit.value;
  const double sram_w = v * ev.sram_write_bytes * bits * e.sram_write_bit.value;
  const double fabric = v * ev.link_wavelets * spec.router.wavelet_bits * e.fabric_hop_bit.value;
  const double control = v * ev.pe_cycles * e.pe_cycle.value;
  st.wafer_static_w = wafer_static_power(spec);
  const double leakage = systems * st.wafer_static_w * interval_s;
  const double wafer_dynamic = fmac + elem + sram_r + sram_w + fabric + control;
  // The rest of each system, then what its power supplies lose converting all of it.
  const double io = ev.io_bytes * bits * e.io_bit.value +
                    systems * e.io_static.value * spec.io.total().value / 1e9 * interval_s;
  const double box = systems * e.system_static.value * interval_s;
  const double dc = wafer_dynamic + leakage + io + box;
  const double psu = dc * (1.0 / e.psu_efficiency - 1.0);
  // The nodes beside the systems: idle power for the whole interval plus their traffic.
  const double memoryx = (nodes.memoryx ? e.memoryx_idle.value * interval_s : 0.0) +
                         ev.memoryx_bytes * bits * e.memoryx_bit.value;
  const double optimizer = ev.optimizer_params * e.optimizer_param.value;
  const double swarmx = nodes.swarmx_nodes * e.swarmx_node_idle.value * interval_s +
                        ev.swarmx_bytes * bits * e.swarmx_bit.value;
  const double input =
      nodes.workers * e.worker_idle.value * interval_s + ev.input_bytes * bits * e.worker_bit.value;
  st.parts = {
      {"fmac", fmac},         {"elementwise", elem},   {"sram read", sram_r},      {"sram write", sram_w},
      {"fabric", fabric},     {"pe control", control}, {"wafer leakage", leakage}, {"system i/o", io},
      {"system static", box}, {"power supplies", psu}, {"memoryx", memoryx},       {"optimizer", optimizer},
      {"swarmx", swarmx},     {"input workers", input}};
  for (const auto& [name, j] : st.parts) st.joules += j;
  st.per_unit_j = units > 0 ? st.joules / units : 0;
  st.units_per_kj = st.joules > 0 ? units / (st.joules / 1e3) : 0;
  if (interval_s > 0) {
    st.wafer_power_w = (wafer_dynamic + leakage) / interval_s / systems;
    st.system_power_w = (dc + psu) / interval_s / systems;
    st.cluster_power_w = st.joules / interval_s;
  }
  // Idle: the same parts with no events (a server between requests still draws this).
  const double idle_dc =
      systems * (st.wafer_static_w + e.io_static.value * spec.io.total().value / 1e9 + e.system_static.value);
  st.idle_power_w = idle_dc / e.psu_efficiency + (nodes.memoryx ? e.memoryx_idle.value : 0.0) +
                    nodes.swarmx_nodes * e.swarmx_node_idle.value + nodes.workers * e.worker_idle.value;
  st.wafer_dynamic_fraction = wafer_dynamic + leakage > 0 ? wafer_dynamic / (wafer_dynamic + leakage) : 0;
  st.system_power_max_w = e.system_power_max.value;
  return st;
}

}  // namespace wafersim
