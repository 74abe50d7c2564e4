// Median wall time of mapping + simulating BERT-Large (MSL 128, batch 1024) in pipelined mode
// on the full CS-2 grid. Every repetition runs in a fresh process.
// Usage: bench_pipelined_bert [repetitions=5]
#include <fmt/format.h>

#include <cstdlib>

#include "bench_util.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::vector<double> sim;
  double sps = 0;
  for (int i = 0; i < reps; ++i) {
    std::array<double, 2> r{};
    const bool ok = bench::run_in_child<2>(
        [] {
          const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs2.yaml");
          ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/bert-large.yaml");
          model.training.batch = 1024;
          model.training.seq = 128;
          const auto t0 = bench::Clock::now();
          RunOptions opt;
          opt.mode = Mode::pipelined;
          const RunStats st = simulate(spec, model, opt);
          return std::array<double, 2>{bench::seconds_since(t0), st.samples_per_s};
        },
        r);
    if (!ok) return 1;
    sim.push_back(r[0]);
    sps = r[1];
  }
  fmt::print(
      "bench_pipelined_bert: BERT-Large, 1 x CS-2 (750 x 994 tiles), batch 1024, MSL 128, pipelined ({} "
      "runs)\n",
      reps);
  fmt::print("  median mapping + simulation    {:8.1f} ms   (target < 1000 ms)\n", 1e3 * bench::median(sim));
  fmt::print("  simulated throughput           {:8.1f} samples/s\n", sps);
  return 0;
}
