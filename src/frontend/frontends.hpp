#pragma once
// Entry points of the non-native front-ends, for format detection (model_detect.cpp) and the
// unit tests. Each takes the file's whole content and the name to put in error messages, and
// lets only ConfigError escape.
#include <yaml-cpp/yaml.h>

#include <string>

#include "wafersim/graph/model_spec.hpp"

namespace wafersim::frontend {

// Cerebras Model Zoo params YAML, R1.x (`train_input:` + `model:`) or R2.x (`trainer:`) layout.
ModelSpec load_modelzoo_text(const std::string& yaml_text, const std::string& file);
bool looks_like_modelzoo(const YAML::Node& root);

// HuggingFace transformers config.json.
ModelSpec load_hf_config_text(const std::string& json_text, const std::string& file);
// Defaults when the config does not fix the run: batch 8, seq = max positions capped at 2048.
inline constexpr int hf_default_batch = 8;
inline constexpr int hf_default_max_seq = 2048;

// ONNX ModelProto bytes. `allow_unmodelled` runs unknown ops at zero cost (one warning per type).
ModelSpec load_onnx_bytes(const std::string& bytes, const std::string& file, bool allow_unmodelled);
inline constexpr int onnx_default_batch = 256;

}  // namespace wafersim::frontend
