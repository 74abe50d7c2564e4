#pragma once
// Model front-ends. Each reads a file into a ModelSpec; errors are ConfigErrors naming the
// file, line and key. Later front-ends (Model Zoo, HuggingFace, ONNX) plug in here.
#include <string>

#include "wafersim/graph/model_spec.hpp"

namespace wafersim {

// Native wafersim model YAML (models/*.yaml). Keys: see docs/models.md.
ModelSpec load_native_model(const std::string& path);
ModelSpec load_native_model_text(const std::string& yaml_text, const std::string& display_name);

// Built-in default model (models/gpt2-small.yaml compiled into the binary).
ModelSpec default_model();
const std::string& builtin_default_model_yaml();

struct LoadOptions {
  std::string format = "auto";    // auto | native | modelzoo | huggingface | onnx
  bool allow_unmodelled = false;  // ONNX: run ops the simulator does not model at zero cost
};

// Detects the format from the content (not the extension) unless `options.format` says,
// and loads it.
ModelSpec load_model(const std::string& path, const LoadOptions& options = {});

}  // namespace wafersim
