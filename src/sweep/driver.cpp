// The sweep driver: spec -> points -> (skip finished) -> forked or MPI execution -> store,
// then CSV and Pareto output. All input errors surface before the first point runs.
#include "wafersim/sweep/driver.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include "mpi_driver.hpp"
#include "progress.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/units.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/sweep/point_runner.hpp"

namespace wafersim {
const char* wafersim_version();  // generated (cmake/embed_files.cmake)
}

namespace wafersim::sweep {
namespace {

std::string label_of(const SweepSpec& spec, const Point& p) {
  std::string s = fmt::format("#{}", p.index);
  for (std::size_t i = 0; i < spec.axes.size(); ++i)
    s += fmt::format(" {}={}", spec.axes[i].name, p.values[i].canonical());
  return s;
}

// Objectives must name columns this sweep's rows will have: checked before running.
void check_objectives(const SweepSpec& spec, const std::vector<Objective>& objectives) {
  std::set<std::string> known(metric_columns().begin(), metric_columns().end());
  for (const char* c : {"systems", "batch", "seq", "steps", "wall_s", "idx"}) known.insert(c);
  for (const auto& a : spec.axes) known.insert(a.name);
  for (const auto& o : objectives) {
    if (known.count(o.column) != 0) continue;
    std::string list;
    for (const auto& k : known) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    throw UsageError(fmt::format("--pareto: unknown column '{}'; use one of: {}", o.column, list));
  }
}

void print_pareto(const Table& t, const std::vector<std::size_t>& front, const SweepSpec& spec,
                  const std::vector<Objective>& objectives) {
  std::vector<std::string> cols;
  for (const auto& a : spec.axes) cols.push_back(a.name);
  for (const auto& o : objectives)
    if (std::find(cols.begin(), cols.end(), o.column) == cols.end()) cols.push_back(o.column);
  fmt::print("Pareto front ({} of {} points):\n", front.size(), t.rows.size());
  for (const auto& c : cols) fmt::print("{:>20} ", c);
  fmt::print("\n");
  for (std::size_t r : front) {
    for (const auto& c : cols) {
      const int i = t.column(c);
      const Cell cell = i < 0 ? Cell{} : t.rows[r][static_cast<std::size_t>(i)];
      fmt::print("{:>20} ", cell.type == Cell::Type::real ? fmt::format("{:.6g}", cell.d) : cell.str());
    }
    fmt::print("\n");
  }
}

// This sweep's rows (CSV, Pareto front, run_sweep_rows' result).
Table sweep_table(const ResultStore& store, const std::vector<Point>& points) {
  std::vector<std::string> keys;
  for (const auto& p : points) keys.push_back(p.key);
  return keys.empty() ? Table{} : store.rows(keys);
}

void write_outputs(const Table& t, const SweepSpec& spec, const SweepOptions& opt,
                   const std::vector<Objective>& objectives) {
  if (opt.csv.empty() && objectives.empty()) return;
  std::optional<std::vector<std::size_t>> front;
  if (!objectives.empty()) {
    front = pareto_front(t, objectives);
    print_pareto(t, *front, spec, objectives);
  }
  if (!opt.csv.empty()) {
    try {
      write_file_atomic(opt.csv, format_csv(t, front ? &*front : nullptr));
    } catch (const std::runtime_error& e) {
      throw UsageError(fmt::format("--csv: {}", e.what()));
    }
  }
}

}  // namespace

namespace {
// Per-point memory limit: what the user said, or an equal share of the memory available now
// (so one runaway point fails with "out of memory" instead of waking the OOM killer).
// AddressSanitizer reserves terabytes of address space: no limit in sanitizer builds.
double memory_limit(const SweepOptions& opt, int jobs) {
#if defined(__SANITIZE_ADDRESS__)
  (void)opt;
  (void)jobs;
  return 0;
#else
  if (!opt.memory_limit.empty()) {
    if (opt.memory_limit == "0") return 0;
    try {
      return static_cast<double>(parse_bytes(opt.memory_limit).value);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--memory-limit {}: {}", opt.memory_limit, e.what()));
    }
  }
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  double kb = 0;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return std::max(512.0 * 1024 * 1024, kb * 1024.0 / std::max(1, jobs));
  return 0;
#endif
}
}  // namespace

int run_sweep(const std::string& sweep_file, const SweepOptions& opt) {
  return run_sweep_rows(sweep_file, opt).exit_code;
}

SweepRun run_sweep_rows(const std::string& sweep_file, const SweepOptions& opt) {
  const SweepSpec spec = load_sweep_spec(sweep_file);
  std::vector<Objective> objectives;
  if (!opt.pareto.empty()) {
    objectives = parse_objectives(opt.pareto);
    check_objectives(spec, objectives);
  } else if (!spec.pareto.empty()) {
    // The sweep file's own objectives: its errors name the file, line and key.
    try {
      objectives = parse_objectives(spec.pareto);
      check_objectives(spec, objectives);
    } catch (const UsageError& e) {
      std::string what = e.what();
      if (what.starts_with("--pareto")) what = what.substr(what.find(':') + 2);
      throw ConfigError({spec.file, spec.pareto_line, 0}, "pareto", what);
    }
  }
  if (opt.db.empty() && !opt.dry_run) throw UsageError("sweep: --db FILE is required (the results database)");
  if (opt.timeout_s < 0) throw UsageError("--timeout: must be >= 0");
  const PointRunner runner(spec);
  const std::vector<Point> points = shard_points(expand_points(spec, runner.context()), opt.shard);

  if (opt.dry_run) {
    for (const auto& p : points) fmt::print("{} {}\n", p.key, label_of(spec, p));
    fmt::print("{} points\n", points.size());
    return {};
  }
  const PointWork work = [&](std::size_t i) { return runner.run(points[i]); };
  const int jobs =
      opt.jobs > 0 ? opt.jobs : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));

  std::optional<MpiSession> mpi;
  if (mpi_launched()) {
    if (!mpi_built())
      throw UsageError(
          "started under mpirun, but this wafersim was built without MPI "
          "(install libopenmpi-dev and rebuild, or use --shard i/N and merge)");
    mpi.emplace();
    if (mpi->rank() != 0) {  // workers never open the database
      mpi->run_points(
          {}, work, opt.timeout_s, [](const PointOutcome&) {}, nullptr);
      return {};
    }
  }

  ResultStore store(opt.db);
  store.prepare(spec);
  const std::set<std::string> finished = store.finished_keys(opt.retry_failed);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (finished.count(points[i].key) == 0) todo.push_back(i);

  const auto* stop = install_stop_handlers();
  Progress progress(todo.size(), points.size() - todo.size(), opt.progress);
  const std::string version = wafersim_version();
  const auto on_done = [&](const PointOutcome& o) {
    store.record(spec, runner.context(), points[o.index], o, version);  // committed now
    progress.update(o, label_of(spec, points[o.index]));
  };
  const bool complete =
      mpi ? mpi->run_points(todo, work, opt.timeout_s, on_done, stop)
          : run_forked(todo, work, {jobs, opt.timeout_s, memory_limit(opt, jobs), opt.points_per_process},
                       on_done, stop);
  progress.finish(!complete);
  if (!complete) {
    // Everything finished is committed; the rest runs on the next invocation.
    if (mpi) mpi->abort(130);
    return {130, {}};
  }
  SweepRun done;
  done.rows = sweep_table(store, points);
  write_outputs(done.rows, spec, opt, objectives);
  return done;
}

}  // namespace wafersim::sweep
