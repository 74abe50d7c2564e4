// libFuzzer target: `load_model(path)` with format detection by content, on a temp file:
// native YAML, Model Zoo YAML (R1.x/R2.x), HuggingFace config.json and ONNX protobuf.
// A model that loads and is small enough gets its LayerGraph built.
#include <cstdint>

#include "fuzz_common.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = fuzz::write_temp(data, size, ".model");
  fuzz::guarded([&] {
    LoadOptions opt;
    opt.allow_unmodelled = size > 0 && (data[size - 1] & 1) != 0;  // both ONNX policies
    const ModelSpec m = load_model(path, opt);
    if (m.kind == ModelKind::graph) {
      fuzz::require(m.graph != nullptr, "graph model has a graph");
      fuzz::require(std::isfinite(m.graph->training_flops_per_sample()), "graph FLOPs finite");
      return;
    }
    const TransformerSpec& a = m.arch;
    fuzz::require(a.layers > 0 && a.hidden > 0 && a.heads > 0, "loaded model sizes > 0");
    if (a.layers <= 16 && m.training.seq > 0 && m.training.seq <= 4096) {
      const LayerGraph g = build_model_graph(m);
      fuzz::require(g.total_params() == transformer_params(a), "graph params == closed form");
    }
  });
  return 0;
}
