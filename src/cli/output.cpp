#include <fmt/format.h>

#include <stdexcept>

#include "commands.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim::cli {

void write_output(const std::string& option, const std::string& path, const std::string& text) {
  if (path == "-") {
    fmt::print("{}", text);
    return;
  }
  try {
    write_file_atomic(path, text);
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("{}: {}", option, e.what()));
  }
}

}  // namespace wafersim::cli
