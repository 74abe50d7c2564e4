#pragma once
// The energy model (docs/energy.md): per-event energies and static powers from the system's
// `energy:` section applied to the events one interval of a run counted. No SystemC, no state.
#include <string>

#include "wafersim/results/energy.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

// Joules and power of `events` over `interval_s` seconds of the cluster `nodes`, `units`
// samples (or tokens) per interval. `fp32` picks energy.fp32_fmac over energy.fmac. Requires
// spec.energy.present (returns modelled = false otherwise).
EnergyStats energy_of(const SystemSpec& spec, bool fp32, const EnergyEvents& events, const EnergyNodes& nodes,
                      double interval_s, double units);

// Leakage of one wafer: every PE of the grid (usable or not) with its SRAM.
double wafer_static_power(const SystemSpec& spec);

// What --energy (and ws.run(energy=True)) says when the system file has no energy: section.
std::string no_energy_message(const SystemSpec& spec);

// The same kernel events added up: KernelCost's fields into EnergyEvents (times `n`).
struct KernelCost;
void add_kernel_events(EnergyEvents& e, const KernelCost& k, double n = 1);

}  // namespace wafersim
