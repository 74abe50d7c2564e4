// The energy section of run and infer reports (docs/energy.md): text for --energy, JSON always
// when the system file models energy.
#include <fmt/format.h>

#include <iterator>

#include "wafersim/core/units.hpp"
#include "wafersim/report/json_report.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim {

std::string format_energy_report(const EnergyStats& e) {
  if (!e.modelled) return "";
  std::string o;
  auto out = std::back_inserter(o);
  fmt::format_to(out, "\nEnergy per {} ({}; docs/energy.md)\n", e.interval,
                 format_time(Seconds(e.interval_s)));
  fmt::format_to(out, "  {} per {}, {} per {}, {:.4g} {}s per kJ\n", format_energy(Joules(e.joules)),
                 e.interval, format_energy(Joules(e.per_unit_j)), e.unit, e.units_per_kj, e.unit);
  const double max = e.system_power_max_w;
  fmt::format_to(
      out, "  power: {} per system at the wall ({:.0f}% of the published {}), wafer {}; cluster {}\n",
      format_power(Watts(e.system_power_w)), max > 0 ? 100.0 * e.system_power_w / max : 0.0,
      format_power(Watts(max)), format_power(Watts(e.wafer_power_w)), format_power(Watts(e.cluster_power_w)));
  fmt::format_to(out, "  {:<16} {:>12} {:>7} {:>12}\n", "part", "energy", "share", "power (all)");
  for (const auto& [name, j] : e.parts) {
    const double share = e.joules > 0 ? 100.0 * j / e.joules : 0.0;
    fmt::format_to(out, "  {:<16} {:>12} {:6.1f}% {:>12}\n", name, format_energy(Joules(j)), share,
                   format_power(Watts(e.interval_s > 0 ? j / e.interval_s : 0.0)));
  }
  const auto& v = e.events;
  fmt::format_to(
      out,
      "  events: {:.4g} FMACs, {:.4g} element ops, SRAM {} read / {} written, {:.4g} wavelet-hops, "
      "{:.4g} PE-cycles; I/O {}, MemoryX {}, SwarmX {}, input {}\n",
      v.fmacs, v.elem_ops, format_bytes(v.sram_read_bytes), format_bytes(v.sram_write_bytes), v.link_wavelets,
      v.pe_cycles, format_bytes(v.io_bytes), format_bytes(v.memoryx_bytes), format_bytes(v.swarmx_bytes),
      format_bytes(v.input_bytes));
  return o;
}

nlohmann::ordered_json energy_json(const EnergyStats& e) {
  nlohmann::ordered_json parts;
  for (const auto& [name, j] : e.parts) parts[name] = j;
  const auto& v = e.events;
  return {{"interval", e.interval},
          {"interval_s", e.interval_s},
          {"unit", e.unit},
          {"units", e.units},
          {"joules", e.joules},
          {"joules_per_unit", e.per_unit_j},
          {"units_per_kj", e.units_per_kj},
          {"wafer_power_w", e.wafer_power_w},
          {"system_power_w", e.system_power_w},
          {"system_power_max_w", e.system_power_max_w},
          {"cluster_power_w", e.cluster_power_w},
          {"wafer_static_w", e.wafer_static_w},
          {"idle_power_w", e.idle_power_w},
          {"wafer_dynamic_fraction", e.wafer_dynamic_fraction},
          {"parts_j", parts},
          {"events",
           {{"fmacs", v.fmacs},
            {"elem_ops", v.elem_ops},
            {"sram_read_bytes", v.sram_read_bytes},
            {"sram_write_bytes", v.sram_write_bytes},
            {"link_wavelets", v.link_wavelets},
            {"pe_cycles", v.pe_cycles},
            {"io_bytes", v.io_bytes},
            {"memoryx_bytes", v.memoryx_bytes},
            {"optimizer_params", v.optimizer_params},
            {"swarmx_bytes", v.swarmx_bytes},
            {"input_bytes", v.input_bytes}}},
          {"nodes",
           {{"systems", e.nodes.systems},
            {"memoryx", e.nodes.memoryx},
            {"swarmx_nodes", e.nodes.swarmx_nodes},
            {"input_workers", e.nodes.workers}}}};
}

}  // namespace wafersim
