#pragma once
// The hardware description of one CS-2 system and its cluster, parsed and validated once
// from configs/*.yaml into these immutable structs and passed down (never global).
// The YAML tree mirrors these structs: `pe.sram`, `io.port_bandwidth`, `memoryx.bandwidth`...
#include <memory>
#include <string>
#include <vector>

#include "wafersim/core/units.hpp"

namespace wafersim {

struct Rect {
  int x = 0;  // column of the top-left tile
  int y = 0;  // row of the top-left tile
  int w = 0;
  int h = 0;
  constexpr long long area() const { return static_cast<long long>(w) * h; }
  constexpr bool operator==(const Rect&) const = default;
};

struct WaferSpec {
  int width = 0;   // wafer.width: tiles per row (x)
  int height = 0;  // wafer.height: tiles per column (y)
  Rect usable;     // wafer.usable.{x,y,width,height}: rectangle a user program gets
  int dies_x = 0;  // wafer.dies_x / dies_y: reticle dies (informational)
  int dies_y = 0;
};

struct SimdSpec {         // elements per cycle per PE for each operation class (pe.simd.*)
  double fp16_fmac = 4;   // @fmach: fp16 x fp16 -> fp16
  double mixed_fmac = 2;  // @fmachs: fp16 x fp16 -> fp32 accumulate
  double fp32_fmac = 1;
  double fp16_add = 4;  // elementwise fp16 ops
  double fp32_add = 2;  // elementwise fp32 add/move
};

struct PeSpec {
  Bytes sram{0};                       // pe.sram: SRAM per PE
  int sram_banks = 0;                  // pe.sram_banks
  Bytes sram_reserved{0};              // pe.sram_reserved: runtime/code bytes not usable for data
  Hertz clock{0};                      // pe.clock
  SimdSpec simd;                       // pe.simd.*
  int sram_read_ports = 2;             // pe.sram_read_ports
  int sram_write_ports = 1;            // pe.sram_write_ports
  int sram_port_bits = 64;             // pe.sram_port_bits
  double fmac_issue_efficiency = 1.0;  // pe.fmac_issue_efficiency: measured/peak SIMD issue
  double op_setup_cycles = 0;          // pe.op_setup_cycles: per vector (DSD) op
  double sparsity = 0.0;               // pe.sparsity: fraction of zero operands skipped
};

struct RouterSpec {
  int ports = 5;                  // router.ports
  int colors = 24;                // router.colors
  int wavelet_bits = 32;          // router.wavelet_bits
  double wavelets_per_cycle = 1;  // router.wavelets_per_cycle: per link per direction
  int hop_latency = 2;            // router.hop_latency (cycles)
  int turn_penalty = 0;           // router.turn_penalty (cycles)
  int queue_depth = 4;            // router.queue_depth: wavelets per color per input port
};

struct IoSpec {
  int ports = 12;                   // io.ports: 100 GbE ports per CS-2
  BitsPerSecond port_bandwidth{0};  // io.port_bandwidth: per port, per direction
  Seconds latency{0};               // io.latency
  BitsPerSecond total() const { return BitsPerSecond(port_bandwidth.value * ports); }
};

struct MemoryXSpec {
  Bytes capacity{0};           // memoryx.capacity
  BitsPerSecond bandwidth{0};  // memoryx.bandwidth: aggregate, per direction
  double optimizer_rate = 0;   // memoryx.optimizer_rate: parameters updated per second
  Seconds latency{0};          // memoryx.latency
};

struct SwarmXSpec {
  int fanout = 4;                  // swarmx.fanout: children per node
  int lanes = 12;                  // swarmx.lanes: parallel trees (one per CS-2 I/O port)
  BitsPerSecond nic_bandwidth{0};  // swarmx.nic_bandwidth: per node per lane
  Seconds level_latency{0};        // swarmx.level_latency: per tree level
  int max_systems = 192;           // swarmx.max_systems
};

struct InputSpec {
  int workers = 0;                    // input.workers: per CS-2
  BitsPerSecond worker_bandwidth{0};  // input.worker_bandwidth
  Seconds latency{0};                 // input.latency
};

// Global efficiency parameters calibrated against public measurements by
// scripts/calibrate.py; see docs/validation.md. Never tuned by hand.
struct CalibrationSpec {
  double compute_efficiency = 1.0;  // calibration.compute_efficiency: kernel software overhead
  Seconds step_overhead{0};         // calibration.step_overhead: per training step, host/runtime
  Seconds sync_wafer_io{0};         // calibration.sync_wafer_io: per system per decode step, when
                                    // inference's wafer I/O is synchronous (infer --wafer-io sync)
  double model_error = 0;           // calibration.model_error: run --uncertainty's validation
                                    // interval, a factor 1 + this either way (0: none)
};

// Energy per event and static power (the `energy:` section; docs/energy.md). Optional as a
// whole: a system file without it has no energy model (`present` false, --energy refuses); a
// file with it gives every key. The event counts come from the kernel cost model and the links.
struct EnergySpec {
  bool present = false;       // the file (or a --set) has an energy: section
  Joules fmac{0};             // energy.fmac: one fp16 x fp16 -> fp32 FMAC (mixed precision)
  Joules fp32_fmac{0};        // energy.fp32_fmac: one fp32 FMAC
  Joules elem_op{0};          // energy.elem_op: one elementwise op (fp32 add/mul)
  Joules sram_read_bit{0};    // energy.sram_read_bit: one bit read from a PE's SRAM
  Joules sram_write_bit{0};   // energy.sram_write_bit: one bit written
  Joules fabric_hop_bit{0};   // energy.fabric_hop_bit: one bit over one router-to-router link
  Joules pe_cycle{0};         // energy.pe_cycle: clock and control of one PE per cycle it runs a kernel
  Hertz nominal_clock{0};     // energy.nominal_clock: the clock the per-event energies are quoted at
  double clock_exponent = 1;  // energy.clock_exponent: events scale as (pe.clock / nominal_clock)^this
  Watts pe_static{0};         // energy.pe_static: leakage of one PE's logic and router, always
  Watts sram_static{0};       // energy.sram_static: leakage of one KiB of PE SRAM, always
  Joules io_bit{0};           // energy.io_bit: one bit in or out of a system's I/O ports
  Watts io_static{0};         // energy.io_static: I/O power per Gb/s of port capacity, always
  Watts system_static{0};     // energy.system_static: fans, pumps, control and I/O boards per system
  double psu_efficiency = 1;  // energy.psu_efficiency: system wall power = its DC power / this
  Watts memoryx_idle{0};      // energy.memoryx_idle: MemoryX nodes of the cluster, always
  Joules memoryx_bit{0};      // energy.memoryx_bit: one bit MemoryX reads or writes and sends
  Joules optimizer_param{0};  // energy.optimizer_param: one parameter updated by MemoryX
  Watts swarmx_node_idle{0};  // energy.swarmx_node_idle: one SwarmX node, always
  Joules swarmx_bit{0};       // energy.swarmx_bit: one bit through a SwarmX node
  Watts worker_idle{0};       // energy.worker_idle: one input worker node, always
  Joules worker_bit{0};       // energy.worker_bit: one bit a worker prepares and sends
  Watts system_power_max{0};  // energy.system_power_max: the published power of one system (a check)
};

struct MapSpec {
  std::string strategy = "auto";  // map.strategy (pipelined placement)
  Bytes tile_reserve{0};          // map.tile_reserve: per-tile bytes kept free by the mapper
  int attention_block = 2048;     // map.attention_block: queries/keys per attention tile
};

struct SimSpec {
  Bytes stream_chunk{0};   // sim.stream_chunk: granularity of weight/gradient streams
  int weight_buffers = 2;  // sim.weight_buffers: layers of weights buffered on wafer
  // sim.checkpoint_store: where weight streaming keeps each layer's input for the backward pass:
  // "wafer" (in SRAM), "offload" (streamed out over the system's I/O and back), or "auto"
  // (the wafer, unless one sample's checkpoints do not fit there).
  std::string checkpoint_store = "auto";
};

struct SystemSpec {
  std::string name;    // name: e.g. "CS-2"
  std::string source;  // file the spec came from (for messages)
  WaferSpec wafer;
  PeSpec pe;
  RouterSpec router;
  IoSpec io;
  MemoryXSpec memoryx;
  SwarmXSpec swarmx;
  InputSpec input;
  CalibrationSpec calibration;
  EnergySpec energy;
  MapSpec map;
  SimSpec sim;

  long long usable_tiles() const { return wafer.usable.area(); }
};

// One `--set path=value` override; `origin` names where it came from for messages.
struct Override {
  std::string path;
  std::string value;
  std::string origin = "--set";
};

// Parses "a.b.c=value"; throws UsageError naming the option when malformed.
Override parse_override(std::string_view text);

// Load + validate. Unknown keys, missing required keys, duplicated keys, wrong types, bad
// units, non-positive sizes: ConfigError naming file:line and the key path.
SystemSpec load_system_spec(const std::string& path, const std::vector<Override>& overrides = {});
SystemSpec load_system_spec_text(const std::string& yaml_text, const std::string& display_name,
                                 const std::vector<Override>& overrides = {});
// The built-in default: configs/cs2.yaml compiled into the binary.
SystemSpec default_system_spec(const std::vector<Override>& overrides = {});
const std::string& builtin_cs2_yaml();

// A system file parsed once, for many override sets (sweeps): with(ov) gives exactly what
// load_system_spec_text(text, name, ov) gives, errors included, without re-reading the YAML.
// The constructor throws the file's own errors (syntax, unknown or mistyped keys).
struct ParamRange;  // wafersim/spec/param_ranges.hpp

class ParsedSystemSpec {
 public:
  ParsedSystemSpec(const std::string& yaml_text, const std::string& display_name);
  static ParsedSystemSpec builtin();                           // the built-in CS-2
  static ParsedSystemSpec from_file(const std::string& path);  // errors as load_system_spec
  SystemSpec with(const std::vector<Override>& overrides = {}) const;
  // The file's `range LO .. HI: reason` comments (wafersim/spec/param_ranges.hpp).
  const std::vector<ParamRange>& ranges() const;
  ~ParsedSystemSpec();
  ParsedSystemSpec(const ParsedSystemSpec&);
  ParsedSystemSpec& operator=(const ParsedSystemSpec&);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Declared parameters, one source of truth for parsing, validation and `wafersim params`.
struct ParamInfo {
  std::string path;           // "pe.sram"
  std::string type;           // "bytes", "frequency", "bandwidth", "time", "int", "number", "string"
  std::string description;    // one line
  std::string default_value;  // empty when required in a system file
  bool required = false;
};
const std::vector<ParamInfo>& system_params();

}  // namespace wafersim
