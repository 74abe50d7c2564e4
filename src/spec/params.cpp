// The declared system parameters: path, field, allowed range, description, default.
// Required parameters (default nullptr) describe the hardware and must be written out in
// every system file, so a config never silently inherits CS-2 numbers. Simulator settings
// and calibrated factors have defaults because they are not properties of the machine.
#include <algorithm>
#include <utility>

#include "spec/param_table.hpp"

namespace wafersim::spec_detail {
namespace {

// A captureless lambda returning a reference to one SystemSpec field, as a plain function
// pointer; the field's type selects the parser through the Accessor variant.
#define WS_FIELD(member) +[](SystemSpec& s) -> decltype((s.member)) { return s.member; }

const std::vector<ParamDecl> kParams = {
    {"name", WS_FIELD(name), kPositive, "system name shown in reports, e.g. CS-2", nullptr},

    {"wafer.width", WS_FIELD(wafer.width), kPositive, "fabric tiles per row (x)", nullptr},
    {"wafer.height", WS_FIELD(wafer.height), kPositive, "fabric tiles per column (y)", nullptr},
    {"wafer.usable.x", WS_FIELD(wafer.usable.x), kNonNegative,
     "column of the top-left tile a user program gets", nullptr},
    {"wafer.usable.y", WS_FIELD(wafer.usable.y), kNonNegative, "row of the top-left tile a user program gets",
     nullptr},
    {"wafer.usable.width", WS_FIELD(wafer.usable.w), kPositive,
     "columns a user program gets; must fit inside wafer.width", nullptr},
    {"wafer.usable.height", WS_FIELD(wafer.usable.h), kPositive,
     "rows a user program gets; must fit inside wafer.height", nullptr},
    {"wafer.dies_x", WS_FIELD(wafer.dies_x), kPositive,
     "reticle dies along x; informational only, so optional", "1"},
    {"wafer.dies_y", WS_FIELD(wafer.dies_y), kPositive,
     "reticle dies along y; informational only, so optional", "1"},

    {"pe.sram", WS_FIELD(pe.sram), kPositive, "SRAM per PE", nullptr},
    {"pe.sram_banks", WS_FIELD(pe.sram_banks), kPositive, "SRAM banks per PE", nullptr},
    {"pe.sram_reserved", WS_FIELD(pe.sram_reserved), kNonNegative,
     "SRAM per PE taken by code and runtime, not usable for data; must be < pe.sram", nullptr},
    {"pe.clock", WS_FIELD(pe.clock), kPositive, "PE and fabric clock", nullptr},
    {"pe.simd.fp16_fmac", WS_FIELD(pe.simd.fp16_fmac), kPositive,
     "fp16 x fp16 -> fp16 FMACs per cycle per PE (@fmach)", nullptr},
    {"pe.simd.mixed_fmac", WS_FIELD(pe.simd.mixed_fmac), kPositive,
     "fp16 x fp16 -> fp32 accumulate FMACs per cycle per PE (@fmachs)", nullptr},
    {"pe.simd.fp32_fmac", WS_FIELD(pe.simd.fp32_fmac), kPositive, "fp32 FMACs per cycle per PE", nullptr},
    {"pe.simd.fp16_add", WS_FIELD(pe.simd.fp16_add), kPositive, "elementwise fp16 ops per cycle per PE",
     nullptr},
    {"pe.simd.fp32_add", WS_FIELD(pe.simd.fp32_add), kPositive,
     "elementwise fp32 add/move ops per cycle per PE", nullptr},
    {"pe.sram_read_ports", WS_FIELD(pe.sram_read_ports), kPositive, "SRAM reads per cycle per PE", nullptr},
    {"pe.sram_write_ports", WS_FIELD(pe.sram_write_ports), kPositive, "SRAM writes per cycle per PE",
     nullptr},
    {"pe.sram_port_bits", WS_FIELD(pe.sram_port_bits), kPositive, "width of each SRAM port in bits", nullptr},
    {"pe.fmac_issue_efficiency", WS_FIELD(pe.fmac_issue_efficiency), kFraction,
     "measured / peak SIMD issue rate, in (0, 1]", nullptr},
    {"pe.op_setup_cycles", WS_FIELD(pe.op_setup_cycles), kNonNegative,
     "fixed cycles to start each vector (DSD) operation", nullptr},
    {"pe.sparsity", WS_FIELD(pe.sparsity), kUnitInterval,
     "fraction of zero operands the PEs skip, in [0, 1); optional, dense (0) by default", "0"},

    {"router.ports", WS_FIELD(router.ports), kPositive,
     "router ports: N, E, S, W and the ramp to the PE (at least 5)", nullptr},
    {"router.colors", WS_FIELD(router.colors), kPositive, "routable colors (virtual channels)", nullptr},
    {"router.wavelet_bits", WS_FIELD(router.wavelet_bits), kPositive, "data bits per wavelet", nullptr},
    {"router.wavelets_per_cycle", WS_FIELD(router.wavelets_per_cycle), kPositive,
     "wavelets per link per direction per cycle", nullptr},
    {"router.hop_latency", WS_FIELD(router.hop_latency), kPositive, "cycles per router hop", nullptr},
    {"router.turn_penalty", WS_FIELD(router.turn_penalty), kNonNegative,
     "extra cycles when a route turns; optional, 0 by default (not measured at steady state)", "0"},
    {"router.queue_depth", WS_FIELD(router.queue_depth), kPositive,
     "wavelets buffered per color per input port; optional, not public, 4 by default", "4"},

    {"io.ports", WS_FIELD(io.ports), kPositive, "external Ethernet ports per CS-2", nullptr},
    {"io.port_bandwidth", WS_FIELD(io.port_bandwidth), kPositive, "bandwidth per I/O port, per direction",
     nullptr},
    {"io.latency", WS_FIELD(io.latency), kNonNegative, "latency of the CS-2 I/O path", nullptr},

    {"memoryx.capacity", WS_FIELD(memoryx.capacity), kPositive,
     "MemoryX capacity for weights and optimizer state", nullptr},
    {"memoryx.bandwidth", WS_FIELD(memoryx.bandwidth), kPositive,
     "MemoryX aggregate bandwidth, per direction", nullptr},
    {"memoryx.optimizer_rate", WS_FIELD(memoryx.optimizer_rate), kPositive,
     "parameters the MemoryX optimizer updates per second", nullptr},
    {"memoryx.latency", WS_FIELD(memoryx.latency), kNonNegative, "MemoryX access latency", nullptr},

    {"swarmx.fanout", WS_FIELD(swarmx.fanout), kAtLeastTwo,
     "children per SwarmX broadcast-reduce node (at least 2)", nullptr},
    {"swarmx.lanes", WS_FIELD(swarmx.lanes), kPositive, "parallel SwarmX trees (one per CS-2 I/O port)",
     nullptr},
    {"swarmx.nic_bandwidth", WS_FIELD(swarmx.nic_bandwidth), kPositive,
     "SwarmX NIC bandwidth per node per lane", nullptr},
    {"swarmx.level_latency", WS_FIELD(swarmx.level_latency), kNonNegative,
     "latency added per SwarmX tree level", nullptr},
    {"swarmx.max_systems", WS_FIELD(swarmx.max_systems), kPositive,
     "largest number of CS-2s one SwarmX fabric connects", nullptr},

    {"input.workers", WS_FIELD(input.workers), kPositive, "input worker nodes per CS-2", nullptr},
    {"input.worker_bandwidth", WS_FIELD(input.worker_bandwidth), kPositive,
     "bandwidth from one input worker to its CS-2", nullptr},
    {"input.latency", WS_FIELD(input.latency), kNonNegative, "input worker to CS-2 latency", nullptr},

    {"calibration.compute_efficiency", WS_FIELD(calibration.compute_efficiency), kFraction,
     "kernel software efficiency in (0, 1]; fitted by scripts/calibrate.py, optional", "1.0"},
    {"calibration.step_overhead", WS_FIELD(calibration.step_overhead), kNonNegative,
     "host/runtime time per training step; fitted by scripts/calibrate.py, optional", "0 s"},
    {"calibration.sync_wafer_io", WS_FIELD(calibration.sync_wafer_io), kNonNegative,
     "inference with synchronous wafer I/O (infer --wafer-io sync): time per system per decode step; fitted "
     "by scripts/calibrate_inference.py, optional",
     "0 s"},
    {"calibration.model_error", WS_FIELD(calibration.model_error), kNonNegative,
     "validation interval of run --uncertainty: 90% of leave-one-out predictions of published runs lay "
     "within a factor 1 + this; 0 = none; fitted by scripts/calibrate.py, optional",
     "0"},

    // energy: optional as a whole (docs/energy.md); when the section is there, every key is.
    {"energy.fmac", WS_FIELD(energy.fmac), kNonNegative,
     "energy of one fp16 x fp16 -> fp32 FMAC (mixed precision), arithmetic only", nullptr},
    {"energy.fp32_fmac", WS_FIELD(energy.fp32_fmac), kNonNegative, "energy of one fp32 FMAC", nullptr},
    {"energy.elem_op", WS_FIELD(energy.elem_op), kNonNegative, "energy of one elementwise op (fp32)",
     nullptr},
    {"energy.sram_read_bit", WS_FIELD(energy.sram_read_bit), kNonNegative,
     "energy per bit read from a PE's SRAM", nullptr},
    {"energy.sram_write_bit", WS_FIELD(energy.sram_write_bit), kNonNegative,
     "energy per bit written to a PE's SRAM", nullptr},
    {"energy.fabric_hop_bit", WS_FIELD(energy.fabric_hop_bit), kNonNegative,
     "energy per bit per router-to-router hop of the fabric (wire and router)", nullptr},
    {"energy.pe_cycle", WS_FIELD(energy.pe_cycle), kNonNegative,
     "energy per PE per cycle it runs a kernel, beyond the events above (clock, control, FIFOs)", nullptr},
    {"energy.nominal_clock", WS_FIELD(energy.nominal_clock), kPositive,
     "the clock the per-event energies are quoted at (the system's own pe.clock)", nullptr},
    {"energy.clock_exponent", WS_FIELD(energy.clock_exponent), kNonNegative,
     "per-event energies scale as (pe.clock / nominal_clock)^this: the voltage a clock needs", nullptr},
    {"energy.pe_static", WS_FIELD(energy.pe_static), kNonNegative,
     "leakage of one PE's logic and router (every PE of the wafer, all the time)", nullptr},
    {"energy.sram_static", WS_FIELD(energy.sram_static), kNonNegative,
     "leakage of one KiB of PE SRAM (every PE of the wafer, all the time)", nullptr},
    {"energy.io_bit", WS_FIELD(energy.io_bit), kNonNegative,
     "energy per bit in or out of a system's I/O ports (both ends of the link)", nullptr},
    {"energy.io_static", WS_FIELD(energy.io_static), kNonNegative,
     "I/O power per Gb/s of a system's port capacity (SerDes, optics), all the time", nullptr},
    {"energy.system_static", WS_FIELD(energy.system_static), kNonNegative,
     "power of one system beside the wafer: fans, pumps, control, I/O boards", nullptr},
    {"energy.psu_efficiency", WS_FIELD(energy.psu_efficiency), kFraction,
     "power supply efficiency in (0, 1]: a system's wall power is its DC power / this", nullptr},
    {"energy.memoryx_idle", WS_FIELD(energy.memoryx_idle), kNonNegative,
     "power of the cluster's MemoryX nodes when idle (weight streaming)", nullptr},
    {"energy.memoryx_bit", WS_FIELD(energy.memoryx_bit), kNonNegative,
     "energy per bit MemoryX reads or writes in DRAM and sends or receives", nullptr},
    {"energy.optimizer_param", WS_FIELD(energy.optimizer_param), kNonNegative,
     "energy of one parameter update on MemoryX (the optimizer's DRAM traffic and arithmetic)", nullptr},
    {"energy.swarmx_node_idle", WS_FIELD(energy.swarmx_node_idle), kNonNegative,
     "power of one SwarmX node when idle", nullptr},
    {"energy.swarmx_bit", WS_FIELD(energy.swarmx_bit), kNonNegative,
     "energy per bit through a SwarmX node (receive, add, send)", nullptr},
    {"energy.worker_idle", WS_FIELD(energy.worker_idle), kNonNegative,
     "power of one input worker node when idle", nullptr},
    {"energy.worker_bit", WS_FIELD(energy.worker_bit), kNonNegative,
     "energy per input bit a worker prepares and sends", nullptr},
    {"energy.system_power_max", WS_FIELD(energy.system_power_max), kPositive,
     "published power of one system (the envelope a busy run is checked against)", nullptr},

    {"map.strategy", WS_FIELD(map.strategy), kPositive,
     "pipelined placement strategy (simulator setting, optional)", "auto"},
    {"map.tile_reserve", WS_FIELD(map.tile_reserve), kNonNegative,
     "bytes per tile the mapper keeps free (simulator setting, optional)", "0 B"},
    {"map.attention_block", WS_FIELD(map.attention_block), kPositive,
     "queries and keys per attention tile: longer sequences run attention block by block, flash-style "
     "(compiler setting, optional)",
     "2048"},

    {"sim.stream_chunk", WS_FIELD(sim.stream_chunk), kPositive,
     "unit in which each MemoryX, SwarmX and I/O hop stores and forwards weight, gradient and input "
     "streams (a forwarding buffer; optional)",
     "1 MiB"},
    {"sim.weight_buffers", WS_FIELD(sim.weight_buffers), kPositive,
     "layers of weights buffered on the wafer (simulator setting, optional)", "2"},
    {"sim.checkpoint_store", WS_FIELD(sim.checkpoint_store), kPositive,
     "weight streaming: where each layer's input waits for the backward pass: wafer, offload (out "
     "over the system's I/O and back), or auto (the wafer unless one sample does not fit; optional)",
     "auto"},
};

#undef WS_FIELD

}  // namespace

const std::vector<ParamDecl>& param_table() { return kParams; }

const ParamDecl* find_param(std::string_view path) {
  auto it = std::find_if(kParams.begin(), kParams.end(), [&](const ParamDecl& p) { return p.path == path; });
  return it == kParams.end() ? nullptr : &*it;
}

bool is_group(std::string_view path) {
  return std::any_of(kParams.begin(), kParams.end(), [&](const ParamDecl& p) {
    return p.path.size() > path.size() && p.path.starts_with(path) && p.path[path.size()] == '.';
  });
}

std::string group_keys(std::string_view group) {
  std::vector<std::string_view> keys;
  const std::size_t skip = group.empty() ? 0 : group.size() + 1;
  for (const auto& p : kParams) {
    if (!group.empty() &&
        !(p.path.starts_with(group) && p.path.size() > skip && p.path[group.size()] == '.')) {
      continue;
    }
    std::string_view rest = p.path.substr(skip);
    rest = rest.substr(0, rest.find('.'));
    if (std::find(keys.begin(), keys.end(), rest) == keys.end()) keys.push_back(rest);
  }
  std::string out;
  for (auto k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

}  // namespace wafersim::spec_detail

namespace wafersim {

// Built once from the table; immutable, so sharing it across threads and specs is safe.
const std::vector<ParamInfo>& system_params() {
  static const std::vector<ParamInfo> infos = [] {
    std::vector<ParamInfo> out;
    for (const auto& p : spec_detail::param_table()) {
      ParamInfo info;
      info.path = std::string(p.path);
      info.type = std::string(spec_detail::type_name(p.field));
      info.description = std::string(p.description);
      info.required = p.default_value == nullptr;
      info.default_value = info.required ? std::string() : std::string(p.default_value);
      out.push_back(std::move(info));
    }
    return out;
  }();
  return infos;
}

}  // namespace wafersim
