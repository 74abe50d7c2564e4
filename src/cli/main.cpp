// wafersim: command-line entry point.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim {
const char* wafersim_version();
}

int main(int argc, char** argv) {
  // SystemC prints a banner when its kernel starts unless told not to.
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  using namespace wafersim;
  CLI::App app{"wafersim: a cycle-approximate simulator of Cerebras-style wafer-scale clusters"};
  app.set_version_flag("--version", std::string("wafersim ") + wafersim_version());
  app.require_subcommand(1);
  std::map<CLI::App*, cli::Runner> runners;
  auto* run = app.add_subcommand("run", "Simulate training of a model on 1..N systems");
  runners[run] = cli::add_run_command(*run);
  auto* params = app.add_subcommand("params", "List every system-config parameter with its default");
  runners[params] = cli::add_params_command(*params);
  auto* fabric = app.add_subcommand("fabric", "Cycle-level fabric simulation with synthetic traffic");
  runners[fabric] = cli::add_fabric_command(*fabric);
  auto* map = app.add_subcommand("map", "Place a model in pipelined mode; print and draw the regions");
  runners[map] = cli::add_map_command(*map);
  auto* infer =
      app.add_subcommand("infer", "Inference: time to first token and tokens/s of a model on 1..N systems");
  runners[infer] = cli::add_infer_command(*infer);
  auto* check = app.add_subcommand("check", "Rerun the baseline cases; exit 1 if a timing number moved");
  runners[check] = cli::add_check_command(*check);
  auto* validate =
      app.add_subcommand("validate", "Simulate the published reference runs and report the error");
  runners[validate] = cli::add_validate_command(*validate);
  auto* graph = app.add_subcommand("graph", "Print a model's LayerGraph (text, dot or json)");
  runners[graph] = cli::add_graph_command(*graph);
  auto* sweep = app.add_subcommand("sweep", "Run a design-space sweep into a SQLite database");
  runners[sweep] = cli::add_sweep_command(*sweep);
  auto* merge = app.add_subcommand("merge", "Merge sweep databases (e.g. shards) into one");
  runners[merge] = cli::add_merge_command(*merge);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ConversionError& e) {
    // "Could not convert: --seq = 2k": the option and its value, then what it takes.
    fmt::print(stderr, "wafersim: error: {}: expected a number\nRun with --help for more information.\n",
               e.what());
    return 2;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "wafersim: error: {}\nRun with --help for more information.\n", e.what());
    return 2;
  }
  try {
    for (auto& [sub, fn] : runners)
      if (sub->parsed()) return fn();
    return 2;
  } catch (const ConfigError& e) {
    fmt::print(stderr, "wafersim: error: {}\n", e.what());
    return 2;
  } catch (const UsageError& e) {
    fmt::print(stderr, "wafersim: error: {}\n", e.what());
    return 2;
  } catch (const FitError& e) {
    fmt::print(stderr, "wafersim: error: {}\n", e.what());
    return 2;
  } catch (const SimError& e) {
    fmt::print(stderr, "wafersim: simulation failed: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "wafersim: internal error: {}\n", e.what());
    return 1;
  }
}
