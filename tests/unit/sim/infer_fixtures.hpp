#pragma once
// Shared by the inference tests of this directory: configs/cs3.yaml loaded once, a model of Llama
// 3.1 70B's shapes, and whether a run's notes say something.
#include <string>

#include "test_models.hpp"
#include "wafersim/results/infer_stats.hpp"
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

inline bool has_note(const InferStats& st, const std::string& text) {
  for (const auto& n : st.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace wafersim::test
