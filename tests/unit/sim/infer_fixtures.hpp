#pragma once
// Shared by the inference tests of this directory: configs/cs3.yaml loaded once, a model of Llama
// 3.1 70B's shapes, serving options, and whether a run's notes say something.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "test_models.hpp"
#include "wafersim/results/infer_stats.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::test {

inline const SystemSpec& cs3() {
  static const SystemSpec s = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs3.yaml");
  return s;
}

// Llama 3.1 70B's shapes (models/llama3.1-70b.yaml) with a 32k vocabulary: 140 GB of weights.
inline const ModelSpec& llama70b() {
  static const ModelSpec m = llama_style("llama-70b-like", 80, 8192, 64, 8, 28672, 131072);
  return m;
}

// A serving run of Llama 3.1 70B's shapes on 4 systems: prompts of 1024, answers of 256, up to
// `batch` at once, `requests` Poisson arrivals at `rate` per second.
inline InferOptions serving(double rate, int batch = 16, int requests = 300, std::uint64_t seed = 1) {
  InferOptions o;
  o.systems = 4;
  o.batch = batch;
  o.prompt = 1024;
  o.generate = 256;
  o.arrival_rate = rate;
  o.requests = requests;
  o.seed = seed;
  return o;
}
// The requests of a trace (their own lengths) on `replicas` replicas of 4 systems, one request
// at a time on each.
inline InferOptions one_slot_each(std::shared_ptr<RequestTrace> trace, int replicas) {
  InferOptions o = serving(0, 1);
  o.requests = 0;
  o.prompt = o.generate = 0;
  o.trace = std::move(trace);
  o.replicas = replicas;
  return o;
}

inline bool has_note(const InferStats& st, const std::string& text) {
  for (const auto& n : st.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace wafersim::test
