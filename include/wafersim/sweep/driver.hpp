#pragma once
// Running a whole sweep: expand, skip finished points, run the rest (forked, or across MPI
// ranks), record each point as it finishes, show progress, export CSV and the Pareto front.
#include <string>
#include <vector>

#include "wafersim/sweep/points.hpp"
#include "wafersim/sweep/store.hpp"

namespace wafersim::sweep {

struct Objective {
  std::string column;
  bool maximize = true;
};
// "samples_per_s:max,tiles:min"; UsageError when malformed.
std::vector<Objective> parse_objectives(const std::string& text);
// Indices of the non-dominated rows (status ok, every objective a number).
std::vector<std::size_t> pareto_front(const Table& table, const std::vector<Objective>& objectives);
// CSV with a header (RFC 4180 quoting). `pareto` adds a column marking the front rows.
std::string format_csv(const Table& table, const std::vector<std::size_t>* pareto = nullptr);

struct SweepOptions {
  std::string db;
  int jobs = 0;  // 0 = number of cores
  double timeout_s = 0;
  std::string memory_limit;  // per point, e.g. "4 GiB"; empty = available memory / jobs; "0" = none
  Shard shard;
  std::string csv;
  std::string pareto;
  bool retry_failed = false;
  bool progress = true;         // false: no progress output
  bool dry_run = false;         // list the points, run nothing
  int points_per_process = 64;  // points a worker process runs before a fresh one; 1 = fork per point
};

// What a sweep leaves: its exit code (0 when every point ran, whatever its status; 130 when
// interrupted) and this sweep's rows as stored (empty when interrupted or a dry run).
struct SweepRun {
  int exit_code = 0;
  Table rows;
};
SweepRun run_sweep_rows(const std::string& sweep_file, const SweepOptions& options);
// run_sweep_rows(...).exit_code (the CLI).
int run_sweep(const std::string& sweep_file, const SweepOptions& options);

// `wafersim merge`: copies every row of `sources` into `dest`; returns rows added.
long long merge_databases(const std::vector<std::string>& sources, const std::string& dest);

}  // namespace wafersim::sweep
