#pragma once
// A sweep file (configs/sweeps/*.yaml) parsed and validated once: the base system and model,
// the run options, the axes to vary and how to combine them. Every error is a ConfigError
// naming the sweep file, the line and the key path, raised before any point runs.
#include <cstdint>
#include <string>
#include <vector>

#include "wafersim/sweep/expr.hpp"

namespace wafersim::sweep {

// A system parameter path (`pe.sram`) or a run option (`systems`, `batch`, `seq`, `steps`,
// `mode`; for `command: infer` `systems`, `batch`, `prompt`, `generate`; for both `model`, a
// list of model files; `prefill_system` of system files).
enum class AxisKind { system, run };

struct AxisValue {
  bool is_text = false;
  double number = 0;      // base units (bytes, Hz, bit/s, s) for unit-typed parameters
  std::string text;       // string parameters (map.strategy, mode)
  bool integral = false;  // bytes and int parameters: stored and printed as integers
  // Canonical form: what goes into the override, the point key and the database.
  std::string canonical() const;
};

struct Axis {
  std::string name;  // "pe.sram" or "systems"
  AxisKind kind = AxisKind::system;
  std::string type;  // a ParamInfo type ("bytes", "bandwidth", ...) or "int"/"string"
  std::vector<AxisValue> values;
  int line = 0;
  // The `model` and `prefill_system` axes: each value's file, resolved against the sweep file's
  // folder (the value's text stays as written: the database column, `where` and the labels show
  // it); "builtin" is the built-in default model or system.
  std::vector<std::string> files;
};

struct WhereClause {
  Expr expr;
  int line = 0;
};

struct SweepSpec {
  std::string file;         // the sweep file as given (for messages)
  std::string name;         // `name:` or the file's stem
  std::string system_file;  // resolved against the sweep file's folder; "" = built-in CS-2
  std::string model_file;   // "" = built-in default model
  // What each point runs: "run" (training, `wafersim run`) or "infer" (`wafersim infer`).
  std::string command = "run";
  // Run options (the base values; run-option axes replace them per point).
  std::string mode = "weight-streaming";
  int systems = 1;
  int batch = 0;  // 0 = the model file's
  int seq = 0;
  int steps = 0;                        // 0 = the simulator's default
  int prompt = 0, generate = 0;         // infer: 0 = its defaults
  std::string micro_batch;              // weight streaming: auto | none | explore | N; "" = the model file's
  std::string wafer_io;                 // infer: async | sync; "" = async (the point's key is unchanged)
  std::string layout;                   // infer: compact | fill; "" = compact (the point's key is unchanged)
  double weight_bits = 0, kv_bits = 0;  // infer: bits per stored value; 0 = the model's (key unchanged)
  double expert_bits = 0;               // infer: the routed experts' bits; 0 = as weight_bits
  double arrival_rate = 0;              // infer: serving (requests/s); 0 = none (key unchanged)
  int requests = 0;                     // infer: serving requests; 0 = 200
  int prefill_chunk = 0;                // infer: serving with chunked prefill (tokens); 0 = whole prompts
  int replicas = 1;                     // infer: serving replicas (copies of the deployment)
  int prefill_replicas = 0;             // infer: disaggregated serving's prefill replicas; 0 = none
  int prefill_systems = 0;              // infer: systems per prefill replica; 0 = systems
  int prefill_batch = 0;                // infer: prompts a prefill replica runs at once; 0 = batch
  double slo_ttft_p99 = 0;              // infer: capacity search's TTFT p99 objective (s); 0 = none
  double slo_tbt_p99 = 0;               // infer: ... its time-between-tokens p99 objective (s)
  double slo_tpot_p99 = 0;              // infer: ... its time-per-output-token p99 objective (s)
  std::string routing;          // infer: round-robin | least-outstanding | shared-queue; "" = round-robin
  std::string replica_systems;  // infer: systems per replica, "8+4" (replicas of different sizes); "" = none
  int prompt_min = 0, generate_min = 0;  // infer: serving lengths drawn from these up; 0 = fixed
  std::string request_trace;             // infer: serve this trace at every point (resolved path)
  std::string prefill_system;            // infer: the prefill replicas' system file (resolved path,
                                         // "builtin": the built-in CS-2; "": the system's)
  std::vector<std::pair<std::string, std::string>> sets;  // fixed overrides (`set:`)
  std::vector<Axis> axes;
  std::vector<std::vector<int>> zip;  // groups of axis indices that move together
  std::uint64_t random_points = 0;    // 0 = grid (cartesian product)
  std::uint64_t seed = 1;
  std::vector<WhereClause> where;
  // `pareto: col:max|min,...`: the objectives printed when --pareto is not given.
  std::string pareto;
  int pareto_line = 0;

  int axis_index(const std::string& name) const;  // -1 when not an axis
};

// Reads and validates a sweep file: axis paths against system_params(), every axis value by
// loading the base system with it, where-expressions against the axis names.
SweepSpec load_sweep_spec(const std::string& path);

// Systems per replica written 8+4 or 8,4 (`replica_systems`, `infer --replica-systems`): the
// list, or empty when a part is not a whole number from 1 to 100000.
std::vector<int> parse_replica_systems(const std::string& text);
// `base_dir` resolves the system/model paths; `validate_values` = false skips loading the
// base system per value (unit tests of the expansion).
SweepSpec parse_sweep_spec(const std::string& yaml_text, const std::string& display_name,
                           const std::string& base_dir, bool validate_values = true);

}  // namespace wafersim::sweep
