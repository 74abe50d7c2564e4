// Design points per second of a weight-streaming GPT-J sweep, end to end (fork per point,
// simulate, JSON through a pipe, one SQLite commit per point), with 1 and 2 jobs.
//
// Beside it, the peer that tells what this machine allows: the same executor and store with
// points that only compute -- each burns as much user CPU as a GPT-J point (measured in the
// warm-up) in a register loop and returns a GPT-J report -- so they have the fork, the pipe,
// the commit and the process teardown of a real point but none of the simulator's memory
// traffic or page faults. Its speed-up is the ceiling for the executor on this machine at this
// moment; the rounds of both are interleaved so a slow minute of this VM hits both alike.
// Usage: bench_sweep [points=96] [rounds=5]
#include <fmt/format.h>
#include <sys/resource.h>
#include <time.h>
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
  double rate = 0;        // points/s
  double child_ms = 0;    // CPU per point in the point's process (user + kernel)
  double child_user = 0;  // of which in user mode
  double child_sys = 0;   // of which in the kernel
  double parent_ms = 0;   // CPU per point in the sweep's process
  double child_pf = 0;    // page faults per point
  double parent_pf = 0;
};

// A point that only computes: `cpu_ms` of user CPU in a loop that touches no memory.
PointResult compute_only(double cpu_ms, const PointResult& like) {
  timespec t0{}, t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
  double x = 1.0;
  for (;;) {
    for (int k = 0; k < 4096; ++k) x = x * 1.0000001 + 1e-9;
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    if (1e3 * static_cast<double>(t.tv_sec - t0.tv_sec) +
            1e-6 * static_cast<double>(t.tv_nsec - t0.tv_nsec) >=
        cpu_ms)
      break;
  }
  if (x < 0) std::abort();  // keeps the loop
  return like;
}

double g_compute_ms = 0;         // > 0: points only compute (the peer)
PointResult g_first_report{""};  // the first GPT-J report a run produced: what the peer returns

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
      todo,
      [&](std::size_t i) {
        return g_compute_ms > 0 ? compute_only(g_compute_ms, g_first_report) : runner.run(points[i]);
      },
      {jobs, 0},
      [&](const PointOutcome& o) {
        store.record(spec, runner.context(), points[o.index], o, wafersim_version());
        if (g_first_report.report.empty() && o.status == "ok")
          g_first_report = {o.report_json, o.metrics_json};
        ok += o.status == "ok" ? 1 : 0;
      },
      nullptr);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto np = static_cast<double>(points.size());
  Run r;
  r.rate = np / s;
  r.child_ms = 1e3 * (cpu_s(RUSAGE_CHILDREN) - kids0) / np;
  r.child_sys = 1e3 * (cpu_s(RUSAGE_CHILDREN, true) - kids_sys0) / np;
  r.child_user = r.child_ms - r.child_sys;
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
  // Warm the page cache; its user CPU per point sets the peer's work.
  const Run warm = run(spec, runner, points, 1);
  const double compute_ms = warm.child_user;
  // Rounds alternate which job count goes first, so a slow minute on this shared machine
  // hits both alike; the figures are medians over the rounds.
  std::vector<Run> ones, twos, pones, ptwos;
  const auto measure = [&](bool peer, int jobs) {
    g_compute_ms = peer ? compute_ms : 0;
    return run(spec, runner, points, jobs);
  };
  for (int r = 0; r < reps; ++r) {
    for (bool peer : {false, true}) {
      auto& one = peer ? pones : ones;
      auto& two = peer ? ptwos : twos;
      if (r % 2 == 0) {
        one.push_back(measure(peer, 1));
        two.push_back(measure(peer, 2));
      } else {
        two.push_back(measure(peer, 2));
        one.push_back(measure(peer, 1));
      }
    }
  }
  const auto ratios_of = [&](const std::vector<Run>& o, const std::vector<Run>& t) {
    std::vector<double> x;
    for (std::size_t i = 0; i < o.size(); ++i) x.push_back(t[i].rate / o[i].rate);
    std::sort(x.begin(), x.end());
    return x;
  };
  const auto ratios = ratios_of(ones, twos), pratios = ratios_of(pones, ptwos);
  for (const auto& [jobs, v] : {std::pair{1, &ones}, std::pair{2, &twos}}) {
    fmt::print(
        "  --jobs {}: CPU per point {:.2f} ms in the point's process ({:.2f} ms of it in the kernel, {:.0f} "
        "page faults), {:.2f} ms in the sweep's ({:.0f} page faults)\n",
        jobs, median_of(*v, &Run::child_ms), median_of(*v, &Run::child_sys), median_of(*v, &Run::child_pf),
        median_of(*v, &Run::parent_ms), median_of(*v, &Run::parent_pf));
  }
  const double one = median_of(ones, &Run::rate), two = median_of(twos, &Run::rate);
  fmt::print("  --jobs 1: {:7.1f} points/s\n", one);
  fmt::print("  --jobs 2: {:7.1f} points/s\n", two);
  fmt::print(
      "  peer, points that only compute ({:.2f} ms of user CPU each): --jobs 1 {:.1f} points/s, --jobs 2 "
      "{:.1f} points/s, speed-up {:.2f}x (median, range {:.2f}-{:.2f}); CPU per point at 1 / 2 jobs: {:.2f} "
      "/ "
      "{:.2f} ms point, {:.2f} / {:.2f} ms sweep\n",
      compute_ms, median_of(pones, &Run::rate), median_of(ptwos, &Run::rate), pratios[pratios.size() / 2],
      pratios.front(), pratios.back(), median_of(pones, &Run::child_ms), median_of(ptwos, &Run::child_ms),
      median_of(pones, &Run::parent_ms), median_of(ptwos, &Run::parent_ms));
  fmt::print(
      "  speed-up 1 -> 2 jobs: {:.2f}x (median of {} rounds, range {:.2f}-{:.2f}; target >= 1.8x; the peer's "
      "{:.2f}x is what this machine allowed); per core: {:.1f} points/s (target >= 100)\n",
      ratios[ratios.size() / 2], reps, ratios.front(), ratios.back(), pratios[pratios.size() / 2], one);
  return 0;
}
