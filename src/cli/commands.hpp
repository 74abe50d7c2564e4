#pragma once
// Sub-commands of the `wafersim` CLI. Each registers its options on a CLI11 sub-app and
// returns the callback that runs it; main() maps exceptions to exit codes
// (2 = bad input or usage, 1 = simulation failure).
#include <CLI/CLI.hpp>
#include <functional>

namespace wafersim::cli {

using Runner = std::function<int()>;

Runner add_run_command(CLI::App& app);
Runner add_params_command(CLI::App& app);

}  // namespace wafersim::cli
