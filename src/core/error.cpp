// ConfigError formatting: "file:line:col: key 'a.b.c': detail", the shape compilers use, so
// editors and CI log parsers can jump to the offending line.
#include "wafersim/core/error.hpp"

#include <utility>

namespace wafersim {
namespace {

std::string format_config_error(const SourceLoc& loc, const std::string& key, const std::string& detail) {
  std::string out = loc.file.empty() ? std::string("<unknown>") : loc.file;
  if (loc.line > 0) {
    out += ':' + std::to_string(loc.line);
    if (loc.column > 0) out += ':' + std::to_string(loc.column);
  }
  out += ": ";
  // Whole-file problems (missing file, YAML syntax) have no key; omit the empty quotes.
  if (!key.empty()) out += "key '" + key + "': ";
  out += detail;
  return out;
}

}  // namespace

ConfigError::ConfigError(SourceLoc loc, std::string key, std::string detail)
    : std::runtime_error(format_config_error(loc, key, detail)),
      loc_(std::move(loc)),
      key_(std::move(key)),
      detail_(std::move(detail)) {}

}  // namespace wafersim
