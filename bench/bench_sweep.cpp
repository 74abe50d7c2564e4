// Design points per second of a weight-streaming GPT-J sweep, end to end (fork per point,
// simulate, JSON through a pipe, one SQLite commit per point), with 1 and 2 jobs.
// Usage: bench_sweep [points=96] [rounds=5]
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "wafersim/sweep/driver.hpp"
#include "wafersim/sweep/point_runner.hpp"

using namespace wafersim;
using namespace wafersim::sweep;

namespace wafersim {
const char* wafersim_version();
}

namespace {
double cpu_s(int who, bool sys = false) {
  rusage u{};
  ::getrusage(who, &u);
  const timeval& t = sys ? u.ru_stime : u.ru_utime;
  return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec) +
         (sys ? 0.0 : cpu_s(who, true));
}

long faults(int who) {
  rusage u{};
  ::getrusage(who, &u);
  return u.ru_minflt;
}

struct Run {
  double rate = 0;       // points/s
  double child_ms = 0;   // CPU per point in the point's process (user + kernel)
  double child_sys = 0;  // of which in the kernel
  double parent_ms = 0;  // CPU per point in the sweep's process
  double child_pf = 0;   // page faults per point
  double parent_pf = 0;
};

Run run(const SweepSpec& spec, const PointRunner& runner, const std::vector<Point>& points, int jobs) {
  const auto db =
      std::filesystem::temp_directory_path() / fmt::format("bench_sweep_{}_{}.sqlite", ::getpid(), jobs);
  std::filesystem::remove(db);
  ResultStore store(db.string());
  store.prepare(spec);
  std::vector<std::size_t> todo(points.size());
  for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::size_t ok = 0;
  const long pf_self0 = faults(RUSAGE_SELF), pf_kids0 = faults(RUSAGE_CHILDREN);
  const double self0 = cpu_s(RUSAGE_SELF), kids0 = cpu_s(RUSAGE_CHILDREN),
               kids_sys0 = cpu_s(RUSAGE_CHILDREN, true);
  const auto t0 = std::chrono::steady_clock::now();
  run_forked(
      todo, [&](std::size_t i) { return runner.run(points[i]); }, {jobs, 0},
      [&](const PointOutcome& o) {
        store.record(spec, runner.context(), points[o.index], o, wafersim_version());
        ok += o.status == "ok" ? 1 : 0;
      },
      nullptr);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto np = static_cast<double>(points.size());
  Run r;
  r.rate = np / s;
  r.child_ms = 1e3 * (cpu_s(RUSAGE_CHILDREN) - kids0) / np;
  r.child_sys = 1e3 * (cpu_s(RUSAGE_CHILDREN, true) - kids_sys0) / np;
  r.parent_ms = 1e3 * (cpu_s(RUSAGE_SELF) - self0) / np;
  r.child_pf = static_cast<double>(faults(RUSAGE_CHILDREN) - pf_kids0) / np;
  r.parent_pf = static_cast<double>(faults(RUSAGE_SELF) - pf_self0) / np;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
  if (ok != points.size()) fmt::print("warning: {} of {} points not ok\n", points.size() - ok, points.size());
  return r;
}

double median_of(std::vector<Run> v, double Run::*f) {
  std::vector<double> x;
  for (const auto& r : v) x.push_back(r.*f);
  std::sort(x.begin(), x.end());
  return x[x.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const int n = argc > 1 ? std::max(4, std::atoi(argv[1])) : 96;
  const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const std::string text = fmt::format(R"(name: bench
system: configs/cs2.yaml
model: models/gptj-6b.yaml
mode: weight-streaming
batch: 120
axes:
  io.port_bandwidth: {{log: {{from: 25 Gb/s, to: 800 Gb/s, points: {}}}}}
  systems: [1, 2]
)",
                                       (n + 1) / 2);
  const SweepSpec spec = parse_sweep_spec(text, "bench_sweep", WAFERSIM_SOURCE_DIR);
  const PointRunner runner(spec);
  const auto points = expand_points(spec, runner.context());
  fmt::print(
      "bench_sweep: GPT-J 6B weight streaming, {} points (io.port_bandwidth x systems), {} cores, {} "
      "rounds\n",
      points.size(), std::thread::hardware_concurrency(), reps);
  run(spec, runner, points, 1);  // warm the page cache
  // Rounds alternate which job count goes first, so a slow minute on this shared machine
  // hits both alike; the figures are medians over the rounds.
  std::vector<Run> ones, twos;
  for (int r = 0; r < reps; ++r) {
    if (r % 2 == 0) {
      ones.push_back(run(spec, runner, points, 1));
      twos.push_back(run(spec, runner, points, 2));
    } else {
      twos.push_back(run(spec, runner, points, 2));
      ones.push_back(run(spec, runner, points, 1));
    }
  }
  std::vector<double> ratios;
  for (int r = 0; r < reps; ++r)
    ratios.push_back(twos[static_cast<std::size_t>(r)].rate / ones[static_cast<std::size_t>(r)].rate);
  std::sort(ratios.begin(), ratios.end());
  for (const auto& [jobs, v] : {std::pair{1, &ones}, std::pair{2, &twos}}) {
    fmt::print(
        "  --jobs {}: CPU per point {:.2f} ms in the point's process ({:.2f} ms of it in the kernel, {:.0f} "
        "page "
        "faults), {:.2f} ms in the sweep's ({:.0f} page faults)\n",
        jobs, median_of(*v, &Run::child_ms), median_of(*v, &Run::child_sys), median_of(*v, &Run::child_pf),
        median_of(*v, &Run::parent_ms), median_of(*v, &Run::parent_pf));
  }
  const double one = median_of(ones, &Run::rate), two = median_of(twos, &Run::rate);
  fmt::print("  --jobs 1: {:7.1f} points/s\n", one);
  fmt::print("  --jobs 2: {:7.1f} points/s\n", two);
  fmt::print(
      "  speed-up 1 -> 2 jobs: {:.2f}x (median of {} rounds, range {:.2f}-{:.2f}; target >= 1.8x); per core: "
      "{:.1f} "
      "points/s (target >= 100)\n",
      ratios[ratios.size() / 2], reps, ratios.front(), ratios.back(), one);
  return 0;
}
