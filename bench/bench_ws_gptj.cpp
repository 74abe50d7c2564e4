// Median wall time of one GPT-J 6B weight-streaming run on two CS-2s (batch 120, MSL 2048).
// Every repetition runs in a fresh process. Usage: bench_ws_gptj [repetitions=9]
#include <fmt/format.h>

#include <cstdlib>

#include "bench_util.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

int main(int argc, char** argv) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 9;
  std::vector<double> load, sim;
  double sps = 0;
  for (int i = 0; i < reps; ++i) {
    std::array<double, 3> r{};
    const bool ok = bench::run_in_child<3>(
        [] {
          const auto t0 = bench::Clock::now();
          const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs2.yaml");
          ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/gptj-6b.yaml");
          model.training.batch = 120;
          const double t_load = bench::seconds_since(t0);
          const auto t1 = bench::Clock::now();
          RunOptions opt;
          opt.systems = 2;
          const RunStats st = simulate(spec, model, opt);
          return std::array<double, 3>{t_load, bench::seconds_since(t1), st.samples_per_s};
        },
        r);
    if (!ok) return 1;
    load.push_back(r[0]);
    sim.push_back(r[1]);
    sps = r[2];
  }
  fmt::print("bench_ws_gptj: GPT-J 6B, 2 x CS-2, batch 120, MSL 2048, weight streaming ({} runs)\n", reps);
  fmt::print("  median load (config + model)   {:8.2f} ms\n", 1e3 * bench::median(load));
  fmt::print("  median simulation (plan + run) {:8.2f} ms   (target < 50 ms)\n", 1e3 * bench::median(sim));
  fmt::print("  simulated throughput           {:8.2f} samples/s\n", sps);
  return 0;
}
