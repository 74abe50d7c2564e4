#pragma once
// The simulator facade: Spec + model + options -> plan -> SystemC run -> RunStats.
// SystemC elaborates once per process, so `simulate` runs at most once per process
// (sweeps fork one process per design point).
#include <string>

#include "wafersim/graph/model_spec.hpp"
#include "wafersim/results/stats.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

struct RunOptions {
  std::string mode = "weight-streaming";  // weight-streaming | pipelined | auto
  std::string fidelity = "approx";
  int systems = 1;
  int steps = 0;           // 0 = default: enough to reach steady state
  bool trace = false;      // fill RunStats::timeline (report/trace.hpp writes it as Perfetto JSON)
  int trace_steps = 2;     // steps (batches) traced, from the first
  bool tile_maps = false;  // fill RunStats::map_* (per-tile SRAM, busy, link utilization)
};

constexpr int kDefaultSteps = 3;

// Validates the options against the spec (UsageError), plans (FitError), simulates.
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
