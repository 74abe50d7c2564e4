// Median wall time of one GPT-J 6B weight-streaming run on two CS-2s (batch 120, MSL 2048).
// SystemC elaborates once per process, so every repetition runs in a forked child that
// reports its own timings through a pipe; the parent prints medians.
// Usage: bench_ws_gptj [repetitions=9]
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;
using Clock = std::chrono::steady_clock;

namespace {
struct Timing {
  double load_s;
  double simulate_s;
  double samples_per_s;
};

Timing one_run() {
  const auto t0 = Clock::now();
  const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs2.yaml");
  ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/gptj-6b.yaml");
  model.training.batch = 120;
  const auto t1 = Clock::now();
  RunOptions opt;
  opt.systems = 2;
  const RunStats st = simulate(spec, model, opt);
  const auto t2 = Clock::now();
  return {std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
          st.samples_per_s};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 9;
  std::vector<double> load, sim;
  double sps = 0;
  for (int i = 0; i < reps; ++i) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    const pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      Timing t{};
      try {
        t = one_run();
      } catch (const std::exception& e) {
        fmt::print(stderr, "run failed: {}\n", e.what());
        _exit(1);
      }
      if (write(fds[1], &t, sizeof t) != static_cast<ssize_t>(sizeof t)) _exit(1);
      _exit(0);
    }
    close(fds[1]);
    Timing t{};
    const bool got = read(fds[0], &t, sizeof t) == static_cast<ssize_t>(sizeof t);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    load.push_back(t.load_s);
    sim.push_back(t.simulate_s);
    sps = t.samples_per_s;
  }
  fmt::print("bench_ws_gptj: GPT-J 6B, 2 x CS-2, batch 120, MSL 2048, weight streaming ({} runs)\n", reps);
  fmt::print("  median load (config + model)   {:8.2f} ms\n", 1e3 * median(load));
  fmt::print("  median simulation (plan + run) {:8.2f} ms   (target < 50 ms)\n", 1e3 * median(sim));
  fmt::print("  simulated throughput           {:8.2f} samples/s\n", sps);
  return 0;
}
