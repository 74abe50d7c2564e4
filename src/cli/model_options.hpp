#pragma once
// Options every model-taking command shares (run, map, graph): --batch and --seq. An option
// that was not given is absent, not 0: `--batch 0` is a bad value (exit 2 naming it), never
// "use the model file's".
#include <CLI/CLI.hpp>
#include <optional>

#include "wafersim/graph/model_spec.hpp"

namespace wafersim::cli {

struct ModelOverrides {
  std::optional<int> batch;
  std::optional<int> seq;
};

void add_batch_seq_options(CLI::App& app, ModelOverrides& o);

// Checks the given values (a UsageError naming the option) and applies them to the model;
// --seq becomes the model's seq_source.
void apply_model_overrides(ModelSpec& model, const ModelOverrides& o);

// A positive count given on the command line: absent stays absent, anything < 1 is a
// UsageError naming `option`.
void require_positive(const char* option, const std::optional<int>& v);

}  // namespace wafersim::cli
