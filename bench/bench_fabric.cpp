// Cycle engine speed: router-cycles per second on a 32 x 32 mesh (uniform random,
// single-wavelet messages at 0.02 / 0.06 / 0.10) and on the whole 757 x 996 wafer
// (row broadcast), plus peak RSS. Usage: bench_fabric [cycles] [wafer_cycles]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "wafersim/fabric/cycle/run.hpp"

using namespace wafersim::cycle;

namespace {
void bench(const char* what, TrafficRunConfig c) {
  const auto t0 = std::chrono::steady_clock::now();
  const TrafficResult r = run_traffic(c);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rc = static_cast<double>(r.width) * r.height * static_cast<double>(r.cycles);
  std::printf("%-34s %4d x %-4d %7lld cycles %8.3f s %8.1f M router-cycles/s  %6.1f ns/hop  accepted %.4f  lat %.1f\n",
              what, r.width, r.height, static_cast<long long>(r.cycles), s, rc / s / 1e6,
              s * 1e9 / static_cast<double>(r.counters.link_moves ? r.counters.link_moves : 1), r.accepted,
              r.latency_avg);
}
}  // namespace

int main(int argc, char** argv) {
  const long cycles = argc > 1 ? std::atol(argv[1]) : 20000;
  const long wafer_cycles = argc > 2 ? std::atol(argv[2]) : 2000;
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
    bench(name, c);
  }
  TrafficRunConfig w;
  w.fabric.width = 757;
  w.fabric.height = 996;
  w.traffic.pattern = Pattern::row_broadcast;
  w.traffic.rate = 0.05;
  w.traffic.warmup = 200;
  w.traffic.measure = wafer_cycles;
  bench("whole wafer row-broadcast 0.05", w);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS %.1f MB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
