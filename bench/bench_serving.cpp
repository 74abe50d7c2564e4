// Wall time of request-level serving simulations (`wafersim infer --arrival-rate`: iteration-level
// batching over infer()'s step times), in-process, and the requests simulated per wall second:
// one replica, four replicas with a shared queue, disaggregated prefill (one pool each, and an
// undersized decode pool that holds the prefill pool back), and CS-2s prefilling for CS-3s.
// Usage: bench_serving [repetitions=5]
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

#include "bench_util.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const SystemSpec cs3 = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs3.yaml");
  const auto cs2 =
      std::make_shared<const SystemSpec>(load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs2.yaml"));
  const ModelSpec model = load_model(WAFERSIM_SOURCE_DIR "/models/llama3.1-70b.yaml");
  struct Case {
    const char* name;
    InferOptions o;
  };
  const auto base = [](int systems, int batch, double rate, int requests) {
    InferOptions o;
    o.systems = systems;
    o.batch = batch;
    o.prompt = 2048;
    o.prompt_min = 128;
    o.generate = 512;
    o.generate_min = 16;
    o.arrival_rate = rate;
    o.requests = requests;
    return o;
  };
  std::vector<Case> cases;
  cases.push_back({"1 replica of 4, 8/s", base(4, 16, 8, 20000)});
  Case shared{"4 replicas of 4, shared queue, 32/s", base(4, 16, 32, 20000)};
  shared.o.replicas = 4;
  shared.o.routing = Routing::shared_queue;
  cases.push_back(shared);
  Case split{"prefill 1 x 8 + decode 1 x 8, 8/s", base(8, 16, 8, 20000)};
  split.o.prefill_replicas = 1;
  cases.push_back(split);
  Case held = split;
  held.name = "the same, 4 decode slots (held back), 16/s";
  held.o.batch = 4;
  held.o.arrival_rate = 16;
  cases.push_back(held);
  Case mixed = split;
  mixed.name = "prefill on 1 x 8 CS-2 + decode 1 x 8, 8/s";
  mixed.o.prefill_spec = cs2;
  cases.push_back(mixed);
  fmt::print(
      "bench_serving: Llama 3.1 70B served on CS-3s, prompts 128..2048, answers 16..512 ({} runs each)\n",
      reps);
  for (const auto& c : cases) {
    std::vector<double> t;
    double ttft = 0;
    for (int i = 0; i < reps; ++i) {
      const auto t0 = bench::Clock::now();
      ttft = infer(cs3, model, c.o).serving.ttft_p99_s;
      t.push_back(bench::seconds_since(t0));
    }
    std::sort(t.begin(), t.end());
    const double median = t[t.size() / 2];
    fmt::print(
        "  {:<44} {:>6} requests: median {:7.1f} ms, {:>9.0f} requests/s simulated; TTFT p99 {:.3f} s\n",
        c.name, c.o.requests, 1e3 * median, c.o.requests / median, ttft);
  }
  return 0;
}
