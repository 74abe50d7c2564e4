// The inference options that are spelled as text (infer.hpp).
#include <fmt/format.h>

#include "wafersim/core/error.hpp"
#include "wafersim/sim/infer.hpp"

namespace wafersim {

WaferIo parse_wafer_io(const std::string& text, const std::string& option) {
  if (text == "async") return WaferIo::async;
  if (text == "sync") return WaferIo::sync;
  throw UsageError(
      fmt::format("{} {}: expected async (I/O beside compute) or sync (each system's decode "
                  "step waits for its I/O)",
                  option, text));
}

const char* to_string(WaferIo io) { return io == WaferIo::sync ? "sync" : "async"; }

InferLayout parse_infer_layout(const std::string& text, const std::string& option) {
  if (text == "compact") return InferLayout::compact;
  if (text == "fill") return InferLayout::fill;
  throw UsageError(
      fmt::format("{} {}: expected compact (regions as small as decodes fastest) or fill (the layers "
                  "fill each wafer)",
                  option, text));
}

const char* to_string(InferLayout layout) { return layout == InferLayout::fill ? "fill" : "compact"; }

}  // namespace wafersim
