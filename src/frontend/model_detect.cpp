// Format detection for `load_model`: looks at the content, not the file name, so a renamed
// file still loads and a wrong file gets a message listing what is supported.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>

#include "frontends.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "yaml_reader.hpp"

namespace wafersim {
namespace {

enum class ModelFormat { native, modelzoo, huggingface, onnx, unknown };

constexpr const char* supported_formats =
    "supported formats: native wafersim YAML (a top-level 'model:' mapping with 'layers', "
    "see models/*.yaml), Cerebras Model Zoo params YAML (R1.x 'train_input:' + 'model:', or R2.x "
    "'trainer: init: model:'), HuggingFace config.json (with 'model_type'), ONNX (.onnx protobuf); "
    "see docs/models.md";

// Protobuf is binary: control bytes other than whitespace appear within the first bytes (an ONNX
// ModelProto starts with field 1, ir_version: byte 0x08). Text formats never contain them.
bool looks_binary(const std::string& text) {
  const std::size_t n = std::min<std::size_t>(text.size(), 256);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b)) return true;
  }
  return false;
}

bool looks_json(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{' && text.find('"') != std::string::npos;
}

ModelFormat detect_format(const std::string& text) {
  if (looks_binary(text)) return ModelFormat::onnx;
  if (looks_json(text)) return ModelFormat::huggingface;
  try {
    const YAML::Node root = YAML::Load(text);
    // An empty file goes to the native loader, whose message says what it should contain.
    if (!root || root.IsNull()) return ModelFormat::native;
    if (root.IsMap() && root["model"] && root["model"].IsMap() && root["model"]["layers"]) {
      return ModelFormat::native;
    }
    if (frontend::looks_like_modelzoo(root)) return ModelFormat::modelzoo;
    return ModelFormat::unknown;
  } catch (const std::exception&) {
    // Not valid YAML. If it still starts a known section, the user wants the YAML syntax
    // error (with its line), not a format complaint.
    static const std::regex zoo_start("(^|\n)(train_input|trainer):[ \t]*(#[^\n]*)?\r?\n");
    static const std::regex native_start("(^|\n)model:[ \t]*(#[^\n]*)?\r?\n");
    if (std::regex_search(text, zoo_start)) return ModelFormat::modelzoo;
    return std::regex_search(text, native_start) ? ModelFormat::native : ModelFormat::unknown;
  }
}

ModelFormat forced_format(const std::string& name) {
  if (name == "native") return ModelFormat::native;
  if (name == "modelzoo") return ModelFormat::modelzoo;
  if (name == "huggingface" || name == "hf") return ModelFormat::huggingface;
  if (name == "onnx") return ModelFormat::onnx;
  throw UsageError("--model-format " + name + ": expected auto, native, modelzoo, huggingface or onnx");
}

}  // namespace

ModelSpec load_model(const std::string& path, const LoadOptions& options) {
  const std::string text = frontend::read_model_file(path);
  const ModelFormat format = options.format == "auto" ? detect_format(text) : forced_format(options.format);
  switch (format) {
    case ModelFormat::native:
      return load_native_model_text(text, path);
    case ModelFormat::modelzoo:
      return frontend::load_modelzoo_text(text, path);
    case ModelFormat::huggingface:
      return frontend::load_hf_config_text(text, path);
    case ModelFormat::onnx:
      return frontend::load_onnx_bytes(text, path, options.allow_unmodelled);
    case ModelFormat::unknown:
      break;
  }
  throw ConfigError(SourceLoc{path, 0, 0}, "",
                    std::string("model file format not recognised; ") + supported_formats);
}

}  // namespace wafersim
