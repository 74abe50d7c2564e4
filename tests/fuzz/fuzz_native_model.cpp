// libFuzzer target: native model YAML (load_native_model_text). A model that loads and is
// small enough is expanded into its LayerGraph, whose parameter count must match the closed form.
#include <cstdint>

#include "fuzz_common.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::as_text(data, size);
  fuzz::guarded([&] {
    const ModelSpec m = load_native_model_text(text, "<fuzz>");
    const TransformerSpec& a = m.arch;
    fuzz::require(a.layers > 0 && a.hidden > 0 && a.heads > 0 && m.training.seq > 0,
                  "loaded model sizes > 0");
    // Graph building cost grows with layers and seq; keep each input fast.
    if (a.layers <= 16 && m.training.seq <= 4096) {
      const LayerGraph g = build_transformer_graph(a, m.training.seq);
      fuzz::require(g.total_params() == transformer_params(a), "graph params == closed form");
      fuzz::require(std::isfinite(g.training_flops_per_sample()) && g.training_flops_per_sample() > 0,
                    "training FLOPs > 0 and finite");
      fuzz::require(!g.topo_order().empty(), "graph has ops");
    }
  });
  return 0;
}
