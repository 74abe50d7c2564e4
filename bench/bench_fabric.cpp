// Cycle engine speed: router-cycles per second on a 32 x 32 mesh (uniform random,
// single-wavelet messages at 0.02 / 0.06 / 0.10) and on the whole 757 x 996 wafer
// (row broadcast), plus peak RSS.
// Usage: bench_fabric [cycles] [wafer_cycles (0 = skip the wafer)] [repeats of the 32 x 32 cases]
// Rates are per CPU second of this (single-threaded) process, so a busy shared machine
// inflates the wall time but not the figure; each 32 x 32 case prints the median of the repeats.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "wafersim/fabric/cycle/run.hpp"

using namespace wafersim::cycle;

namespace {
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void bench(const char* what, const TrafficRunConfig& c, int repeats) {
  std::vector<double> cpu, wall;
  TrafficResult r;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    r = run_traffic(c);
    cpu.push_back(cpu_seconds() - c0);
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  const double s = cpu[cpu.size() / 2];
  const double rc = static_cast<double>(r.width) * r.height * static_cast<double>(r.cycles);
  std::printf(
      "%-31s %4d x %-4d %6lld cycles %7.3f s cpu (%7.3f wall) %7.1f M router-cycles/s %6.1f ns/hop"
      "  accepted %.4f  lat %.1f\n",
      what, r.width, r.height, static_cast<long long>(r.cycles), s, wall[wall.size() / 2], rc / s / 1e6,
      s * 1e9 / static_cast<double>(r.counters.link_moves ? r.counters.link_moves : 1), r.accepted,
      r.latency_avg);
  std::fflush(stdout);
}
}  // namespace

int main(int argc, char** argv) {
  const long cycles = argc > 1 ? std::atol(argv[1]) : 20000;
  const long wafer_cycles = argc > 2 ? std::atol(argv[2]) : 2000;
  const int repeats = std::max(1, argc > 3 ? std::atoi(argv[3]) : 1);
  for (double rate : {0.02, 0.06, 0.10}) {
    TrafficRunConfig c;
    c.fabric.width = 32;
    c.fabric.height = 32;
    c.traffic.pattern = Pattern::uniform;
    c.traffic.rate = rate;
    c.traffic.warmup = 1000;
    c.traffic.measure = cycles;
    c.traffic.xy_colors = 1;
    char name[64];
    std::snprintf(name, sizeof name, "uniform rate %.2f", rate);
    bench(name, c, repeats);
  }
  if (wafer_cycles > 0) {
    TrafficRunConfig w;
    w.fabric.width = 757;
    w.fabric.height = 996;
    w.traffic.pattern = Pattern::row_broadcast;
    w.traffic.rate = 0.05;
    w.traffic.warmup = 200;
    w.traffic.measure = wafer_cycles;
    bench("whole wafer row-broadcast 0.05", w, 1);
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS %.1f MB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
