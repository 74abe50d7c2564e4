#pragma once
// Option groups every command that takes a system or a model shares, declared once so a user
// learns them once: --system/--set (run, map) and --model/--model-format/--allow-unmodelled/
// --batch/--seq (run, map, graph). An option that was not given is absent, not 0: `--batch 0`
// is a bad value (exit 2 naming it), never "use the model file's".
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/model_spec.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/sweep/uncertainty.hpp"

namespace wafersim::cli {

struct ModelOverrides {
  std::optional<int> batch;
  std::optional<int> seq;
  std::optional<std::string> micro_batch;  // auto | none | explore | N (weight streaming)
};

struct SystemArgs {
  std::string system;             // empty: the built-in configs/cs2.yaml
  std::vector<std::string> sets;  // --set path=value
  bool builtin() const { return system.empty(); }
  std::vector<Override> overrides() const;
  ParsedSystemSpec parsed() const;
  SystemSpec spec() const;  // parsed().with(overrides())
};
void add_system_options(CLI::App& app, SystemArgs& a);

// --uncertainty (its help text says what the band is of), --samples, --seed and --jobs (default:
// the number of cores): run and infer.
void add_uncertainty_options(CLI::App& app, bool& enabled, sweep::UncertaintyOptions& u,
                             const std::string& help);

struct ModelArgs {
  std::string model;  // empty: the built-in models/gpt2-small.yaml
  LoadOptions load;
  ModelOverrides over;
  bool builtin() const { return model.empty(); }
  // The model with --batch/--seq applied (a UsageError names a bad one).
  ModelSpec spec() const;
};
// `with_batch` false for commands that look at one sample (graph); `with_seq` false for
// commands with lengths of their own (infer: --prompt, --generate).
// `with_micro_batch` adds --micro-batch (run).
void add_model_options(CLI::App& app, ModelArgs& a, bool with_batch = true, bool with_seq = true,
                       bool with_micro_batch = false);

// Checks the given values (a UsageError naming the option) and applies them to the model;
// --seq becomes the model's seq_source.
void apply_model_overrides(ModelSpec& model, const ModelOverrides& o);

// A positive count given on the command line: absent stays absent, anything < 1 is a
// UsageError naming `option`.
void require_positive(const char* option, const std::optional<int>& v);

}  // namespace wafersim::cli
