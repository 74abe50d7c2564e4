// Format detection for `load_model`: looks at the content, not the file name, so a renamed
// file still loads and a wrong file gets a message listing what is supported.
#include <yaml-cpp/yaml.h>

#include <regex>

#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "yaml_reader.hpp"

namespace wafersim {
namespace {

enum class ModelFormat { native, unknown };

constexpr const char* supported_formats =
    "supported formats: native wafersim YAML (a top-level 'model:' mapping with 'layers', "
    "see models/*.yaml)";

ModelFormat detect_format(const std::string& text) {
  try {
    const YAML::Node root = YAML::Load(text);
    // An empty file goes to the native loader, whose message says what it should contain.
    if (!root || root.IsNull()) return ModelFormat::native;
    if (root.IsMap() && root["model"] && root["model"].IsMap() && root["model"]["layers"]) {
      return ModelFormat::native;
    }
    return ModelFormat::unknown;
  } catch (const std::exception&) {
    // Not valid YAML. If it still starts a native `model:` section, the user wants the YAML
    // syntax error (with its line), not a format complaint.
    static const std::regex native_start("(^|\n)model:[ \t]*(#[^\n]*)?\r?\n");
    return std::regex_search(text, native_start) ? ModelFormat::native : ModelFormat::unknown;
  }
}

}  // namespace

ModelSpec load_model(const std::string& path, const LoadOptions& options) {
  const std::string text = frontend::read_model_file(path);
  if (options.format == "native") return load_native_model_text(text, path);
  if (options.format != "auto")
    throw UsageError("--model-format " + options.format + ": expected auto or native");
  switch (detect_format(text)) {
    case ModelFormat::native:
      return load_native_model_text(text, path);
    case ModelFormat::unknown:
      break;
  }
  throw ConfigError(SourceLoc{path, 0, 0}, "",
                    std::string("model file format not recognised; ") + supported_formats);
}

}  // namespace wafersim
