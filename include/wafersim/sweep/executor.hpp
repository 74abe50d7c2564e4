#pragma once
// Runs design points in forked worker processes, one point at a time each, `jobs` at once: a
// crash, hang or abort loses only the point in flight (its worker is replaced), a timeout or
// memory limit applies to one point at a time, and points run on every core (in one process
// SystemC runs one simulation at a time). A worker runs up to `points_per_process` points
// before a fresh one replaces it (1: a process per point), and exits after a point that failed
// (a simulation error, out of memory), so no point inherits a damaged heap; a point out of
// memory in a worker that had run others runs once more, first in a fresh one. Reusing a worker
// saves the fork and the copy-on-write faults of a fresh process per point (docs/performance.md).
// The parent never simulates; it forks, hands out indices through a pipe, reads framed results
// through another, enforces the timeout and classifies the outcome. Workers die with the parent
// (PR_SET_PDEATHSIG), so `kill -9` of a sweep leaves no orphans writing nowhere.
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
  double memory_limit_bytes = 0;  // per worker process (address space), so per point; 0 = none
  int points_per_process = 64;    // points a worker runs before it is replaced; 1 = fork per point
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
