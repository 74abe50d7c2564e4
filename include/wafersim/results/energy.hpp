#pragma once
// Energy of a run as plain values (docs/energy.md): the events counted over one interval (a
// training step, an inference decode round), the joules they cost and the power they imply.
#include <string>
#include <utility>
#include <vector>

namespace wafersim {

// What happened in one interval, summed over every system of the cluster. The wafer's events
// come from the kernel cost model (compile/kernel_cost.hpp KernelCost), the rest from the bytes
// on each link the cluster model moved.
struct EnergyEvents {
  double fmacs = 0;             // FMACs (energy.fmac, or energy.fp32_fmac when training in fp32)
  double elem_ops = 0;          // elementwise ops
  double sram_read_bytes = 0;   // PE SRAM
  double sram_write_bytes = 0;  //
  double link_wavelets = 0;     // wavelets x router-to-router hops on the fabric
  double pe_cycles = 0;         // cycles x PEs while kernels run
  double io_bytes = 0;          // through the systems' I/O ports (in + out)
  double memoryx_bytes = 0;     // read or written by MemoryX and sent or received
  double optimizer_params = 0;  // parameters MemoryX updates
  double swarmx_bytes = 0;      // through SwarmX nodes (once per node crossed)
  double input_bytes = 0;       // prepared and sent by the input workers
};

// The nodes that draw static power during the interval.
struct EnergyNodes {
  int systems = 1;
  bool memoryx = false;  // weight streaming (or inference with weights streamed)
  int swarmx_nodes = 0;
  int workers = 0;  // input workers of the cluster
};

struct EnergyStats {
  bool modelled = false;          // the system file has an energy: section
  std::string interval = "step";  // what `joules` is per: "step" (training) or "round" (decode)
  std::string unit = "sample";    // what per_unit_j is per: "sample" or "token"
  double interval_s = 0;
  double units = 0;               // samples (or output tokens) per interval, cluster
  double joules = 0;              // per interval, cluster
  double per_unit_j = 0;          // joules / units
  double units_per_kj = 0;        // samples (tokens) per kJ
  double wafer_power_w = 0;       // one wafer: events and leakage over the interval
  double system_power_w = 0;      // one system at the wall: (wafer + system static + I/O) / PSU efficiency
  double system_power_max_w = 0;  // energy.system_power_max: the published envelope
  double cluster_power_w = 0;     // every system + MemoryX + SwarmX + input workers
  double wafer_static_w = 0;      // one wafer's leakage (energy.pe_static, energy.sram_static)
  double idle_power_w = 0;  // the cluster with no events: leakage, static parts, idle nodes, their PSU loss
  double wafer_dynamic_fraction = 0;  // of the wafer's energy, the part from events (not leakage)
  // Joules per interval by part, in report order (zero parts are kept: every run lists the same).
  std::vector<std::pair<std::string, double>> parts;
  EnergyEvents events;
  EnergyNodes nodes;
};

}  // namespace wafersim
