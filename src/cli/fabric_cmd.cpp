// `wafersim fabric`: the cycle-level fabric engine (issue: cycle-level fabric). Until the
// engine lands this command reports that it is not available (exit 2).
#include "commands.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::cli {

Runner add_fabric_command(CLI::App& app) {
  (void)app;
  return []() -> int { throw UsageError("'fabric' is not available in this version"); };
}

}  // namespace wafersim::cli
