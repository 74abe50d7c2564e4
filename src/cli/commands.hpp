#pragma once
// Sub-commands of the `wafersim` CLI. Each registers its options on a CLI11 sub-app and
// returns the callback that runs it; main() maps exceptions to exit codes
// (2 = bad input or usage, 1 = simulation failure).
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace wafersim::cli {

using Runner = std::function<int()>;

// Writes an output file atomically ('-' = stdout); a path that cannot be written is a usage
// error naming the option.
void write_output(const std::string& option, const std::string& path, const std::string& text);

Runner add_run_command(CLI::App& app);       // run_cmd.cpp
Runner add_params_command(CLI::App& app);    // run_cmd.cpp
Runner add_fabric_command(CLI::App& app);    // fabric_cmd.cpp (cycle-level fabric engine)
Runner add_graph_command(CLI::App& app);     // graph_cmd.cpp (inspect a model's LayerGraph)
Runner add_map_command(CLI::App& app);       // map_cmd.cpp (pipelined placement and its picture)
Runner add_infer_command(CLI::App& app);     // infer_cmd.cpp (inference: prefill and decode)
Runner add_sweep_command(CLI::App& app);     // sweep_cmd.cpp (design-space sweeps, SQLite results)
Runner add_merge_command(CLI::App& app);     // merge_cmd.cpp (combine sweep databases)
Runner add_check_command(CLI::App& app);     // check_cmd.cpp (timing regression against baselines)
Runner add_validate_command(CLI::App& app);  // check_cmd.cpp (published measurements vs simulated)

}  // namespace wafersim::cli
