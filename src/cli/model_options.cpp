#include "model_options.hpp"

#include <fmt/format.h>

#include "wafersim/core/error.hpp"

namespace wafersim::cli {

void add_batch_seq_options(CLI::App& app, ModelOverrides& o) {
  app.add_option("--batch", o.batch, "Global batch in sequences, >= 1 (default: the model file's)");
  app.add_option("--seq", o.seq, "Sequence length, >= 1 (default: the model file's; the report says which)");
}

void require_positive(const char* option, const std::optional<int>& v) {
  if (v && *v < 1) throw UsageError(fmt::format("{} {}: expected a positive whole number", option, *v));
}

void apply_model_overrides(ModelSpec& model, const ModelOverrides& o) {
  require_positive("--batch", o.batch);
  require_positive("--seq", o.seq);
  if (o.batch) model.training.batch = *o.batch;
  if (o.seq) {
    model.training.seq = *o.seq;
    model.training.seq_source = "--seq";
  }
}

}  // namespace wafersim::cli
