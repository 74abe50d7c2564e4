// Wall time of one inference design point (`wafersim infer`: placement, prefill and decode
// kernels, the pipeline over systems), in-process, for the three public anchors' shapes, and the
// design points per second a loop over them reaches on one core.
// Usage: bench_infer [repetitions=20]
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "bench_util.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  const SystemSpec spec = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs3.yaml");
  struct Case {
    const char* model;
    int systems;
  };
  const Case cases[] = {{"llama3.1-8b", 1}, {"llama3.1-70b", 4}, {"llama3.1-405b", 24}};
  fmt::print("bench_infer: one `infer` design point on CS-3, prompt 1024 + 256, batch 1 ({} runs each)\n",
             reps);
  double total = 0;
  int points = 0;
  for (const auto& c : cases) {
    const ModelSpec model = load_model(fmt::format("{}/models/{}.yaml", WAFERSIM_SOURCE_DIR, c.model));
    InferOptions o;
    o.systems = c.systems;
    std::vector<double> t;
    double tps = 0;
    for (int i = 0; i < reps; ++i) {
      const auto t0 = bench::Clock::now();
      tps = infer(spec, model, o).tokens_per_s_per_user;
      t.push_back(bench::seconds_since(t0));
    }
    std::sort(t.begin(), t.end());
    for (double x : t) total += x;
    points += reps;
    fmt::print(
        "  {:<14} {:>2} system(s): median {:7.2f} ms (min {:.2f}, max {:.2f}); {:.1f} tokens/s per user\n",
        c.model, c.systems, 1e3 * t[t.size() / 2], 1e3 * t.front(), 1e3 * t.back(), tps);
  }
  fmt::print("  design points per second, one core, all three shapes: {:.1f} (target >= 100)\n",
             points / total);
  return 0;
}
