#pragma once
// Runs design points in forked children, one process per point: a crash, hang or abort loses
// only that point, a timeout or memory limit applies to it alone, and points run on every core
// (in one process SystemC runs one simulation at a time). In-process runs are faster per core
// (docs/performance.md "Python API"); the sweep keeps the fork for this isolation. The parent never
// simulates; it forks, reads each child's result through a pipe, enforces the timeout and classifies the
// outcome. Children die with the parent (PR_SET_PDEATHSIG), so `kill -9` of a sweep leaves
// no orphans writing nowhere.
#include <csignal>
#include <functional>
#include <string>
#include <vector>

namespace wafersim::sweep {

// ok: report produced; error: bad input or the model does not fit (exit 2, like the CLI);
// failed: the simulation failed (exit 1 or another code); crashed: killed by a signal;
// timeout: exceeded --timeout and was killed.
struct PointOutcome {
  std::size_t index = 0;
  std::string status;
  std::string error;        // message (error/failed) or reason (crashed/timeout)
  std::string report_json;  // status ok
  double wall_s = 0;
  std::string metrics_json;  // status ok: the report's database columns, when the work gave them
};

// What a point's work returns: its JSON report and, optionally, the columns the results
// store keeps from it as a compact one-line JSON object (extracted in the child, so the
// parent does not re-parse every report).
struct PointResult {
  PointResult(std::string report_json, std::string metrics_json = {})
      : report(std::move(report_json)), metrics(std::move(metrics_json)) {}
  std::string report;
  std::string metrics;
};

// Runs in the child: returns the result of point `index` or throws (ConfigError,
// UsageError, FitError -> error; anything else -> failed).
using PointWork = std::function<PointResult(std::size_t index)>;

struct ExecOptions {
  int jobs = 1;
  double timeout_s = 0;           // 0 = none
  double memory_limit_bytes = 0;  // per point (address space); 0 = none
};

// Runs every index of `todo`, at most `jobs` at once; `on_done` is called in the parent as
// each one finishes (completion order). Returns false when `*stop` became non-zero: running
// children are killed and not reported.
bool run_forked(const std::vector<std::size_t>& todo, const PointWork& work, const ExecOptions& opt,
                const std::function<void(const PointOutcome&)>& on_done,
                const volatile std::sig_atomic_t* stop);

// SIGINT/SIGTERM set the returned flag (no work in the handler); the executor polls it.
// Clears the flag: each sweep starts unstopped. The caller restores its own handlers after.
const volatile std::sig_atomic_t* install_stop_handlers();

}  // namespace wafersim::sweep
