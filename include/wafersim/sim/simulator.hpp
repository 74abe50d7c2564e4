#pragma once
// The simulator facade: Spec + model + options -> plan -> SystemC run -> RunStats.
// Re-entrant: every SystemC run elaborates in a kernel context of its own (system/
// sc_session.hpp), so `simulate` runs any number of times per process, from any thread, each
// run's result independent of what ran before (SystemC runs themselves are serialised by a
// process-wide lock; planning and reporting run in parallel). Sweeps still fork one process
// per design point for crash isolation, timeouts and memory limits.
#include <string>

#include "wafersim/graph/model_spec.hpp"
#include "wafersim/results/stats.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

// Execution mode and fidelity at the API; their spellings ("weight-streaming", "pipelined",
// "auto"; "approx", "cycle") live only at the CLI and YAML edge (parse_mode, parse_fidelity).
enum class Mode { weight_streaming, pipelined, automatic };
enum class Fidelity { approx, cycle };
const char* to_string(Mode m);
const char* to_string(Fidelity f);
// A UsageError naming `option` and the allowed spellings for anything else.
Mode parse_mode(const std::string& text, const std::string& option = "--mode");
Fidelity parse_fidelity(const std::string& text, const std::string& option = "--fidelity");

struct RunOptions {
  Mode mode = Mode::weight_streaming;
  Fidelity fidelity = Fidelity::approx;
  int systems = 1;
  int steps = 0;           // 0 = default: enough to reach steady state
  bool trace = false;      // fill RunStats::timeline (report/trace.hpp writes it as Perfetto JSON)
  int trace_steps = 2;     // steps (batches) traced, from the first
  bool tile_maps = false;  // fill RunStats::map_* (per-tile SRAM, busy, link utilization)
};

constexpr int kDefaultSteps = 3;

// Validates the options against the spec (UsageError), plans (FitError), simulates
// (SimError). Thread-safe.
RunStats simulate(const SystemSpec& spec, const ModelSpec& model, const RunOptions& options);

// The pipelined placement only, without simulating (`wafersim map`): every stage's region,
// SRAM, stage time and bound, the strategies tried and the slowest stage. Same checks and
// errors as simulate() in pipelined mode (UsageError, FitError); no SystemC.
RunStats place_pipelined(const SystemSpec& spec, const ModelSpec& model);

// For a process about to fork many simulations (a sweep): hands memory it holds resident but
// does not use back to the kernel, so each fork() copies fewer page-table entries. Contents
// are unchanged. Safe to call any time; does nothing the second time.
void release_systemc_scratch();

}  // namespace wafersim
