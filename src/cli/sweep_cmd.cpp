// `wafersim sweep FILE --db results.sqlite`: design-space sweeps (src/sweep, docs/sweeps.md).
#include <fmt/format.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "commands.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/sweep/driver.hpp"

namespace wafersim::cli {

namespace {
struct SweepArgs {
  std::string file;
  std::string shard;
  bool quiet = false;
  sweep::SweepOptions opt;
};
}  // namespace

Runner add_sweep_command(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  app.add_option("file", a->file, "Sweep file (configs/sweeps/*.yaml)")->required();
  app.add_option("--db", a->opt.db, "SQLite results database (created; finished points are skipped)");
  app.add_option("-j,--jobs", a->opt.jobs, "Points run at once, one process each (default: number of cores)");
  app.add_option("--points-per-process", a->opt.points_per_process,
                 "Points a worker process runs before a fresh one replaces it (1 = a process per point; a "
                 "crash, timeout or failure always replaces the worker)")
      ->capture_default_str();
  app.add_option("--timeout", a->opt.timeout_s,
                 "Seconds per point before it is killed and recorded as timeout (0 = none)");
  app.add_option(
      "--memory-limit", a->opt.memory_limit,
      "Memory per point, e.g. \"4 GiB\" (default: available memory / jobs; 0 = none); a point over it "
      "is recorded as failed: out of memory");
  app.add_option("--shard", a->shard,
                 "Run only shard i of N (i/N, 0-based) for job arrays; merge the databases after");
  app.add_option("--csv", a->opt.csv, "Write this sweep's rows to a CSV file");
  app.add_option("--pareto", a->opt.pareto,
                 "Print the non-dominated points, e.g. samples_per_s:max,tiles:min");
  app.add_flag("--retry-failed", a->opt.retry_failed, "Re-run points stored as crashed, failed or timeout");
  app.add_flag("--dry-run", a->opt.dry_run, "List the points (key and axis values) without running them");
  app.add_flag("-q,--quiet", a->quiet, "No progress output");
  return [a]() {
    if (!a->shard.empty()) a->opt.shard = sweep::parse_shard(a->shard);
    if (a->opt.points_per_process < 1)
      throw UsageError(
          fmt::format("--points-per-process {}: expected at least 1", a->opt.points_per_process));
    a->opt.progress = !a->quiet;
    return sweep::run_sweep(a->file, a->opt);
  };
}

}  // namespace wafersim::cli
