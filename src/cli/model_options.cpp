#include "model_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "wafersim/core/error.hpp"

namespace wafersim::cli {

void add_uncertainty_options(CLI::App& app, bool& enabled, sweep::UncertaintyOptions& u,
                             const std::string& help) {
  app.add_flag("--uncertainty", enabled, help);
  app.add_option("--samples", u.samples, "--uncertainty: Latin-hypercube samples, 8..100000")
      ->capture_default_str();
  app.add_option("--seed", u.seed, "--uncertainty: seed of the sampling")->capture_default_str();
  u.jobs = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  app.add_option("--jobs", u.jobs, "--uncertainty: runs at once (default: the number of cores)");
}

void add_system_options(CLI::App& app, SystemArgs& a) {
  app.add_option("--system", a.system, "System config YAML (default: built-in configs/cs2.yaml)");
  app.add_option("--set", a.sets, "Override a system parameter: path.to.key=value (repeatable)");
}

std::vector<Override> SystemArgs::overrides() const {
  std::vector<Override> out;
  for (const auto& s : sets) out.push_back(parse_override(s));
  return out;
}

ParsedSystemSpec SystemArgs::parsed() const {
  return builtin() ? ParsedSystemSpec::builtin() : ParsedSystemSpec::from_file(system);
}

SystemSpec SystemArgs::spec() const { return parsed().with(overrides()); }

void add_model_options(CLI::App& app, ModelArgs& a, bool with_batch, bool with_seq, bool with_micro_batch) {
  app.add_option("--model", a.model, "Model file (default: built-in models/gpt2-small.yaml)");
  app.add_option("--model-format", a.load.format,
                 "Model file format: auto | native | modelzoo | huggingface | onnx")
      ->capture_default_str();
  app.add_flag("--allow-unmodelled", a.load.allow_unmodelled,
               "ONNX: run ops the simulator does not model at zero cost (warns per op type)");
  if (with_batch)
    app.add_option("--batch", a.over.batch, "Global batch in sequences, >= 1 (default: the model file's)");
  if (with_seq)
    app.add_option("--seq", a.over.seq,
                   "Sequence length, >= 1 (default: the model file's; the report says which)");
  if (with_micro_batch)
    app.add_option("--micro-batch", a.over.micro_batch,
                   "Weight streaming: samples per micro-batch per system: auto (the largest that fits), "
                   "none (the whole share at once), explore (the shortest estimated step) or N "
                   "(default: the model file's micro_batch_size, else auto)");
}

ModelSpec ModelArgs::spec() const {
  ModelSpec m = builtin() ? default_model() : load_model(model, load);
  apply_model_overrides(m, over);
  return m;
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
  if (o.micro_batch) {
    MicroBatchSetting m;
    if (!parse_micro_batch(*o.micro_batch, m))
      throw UsageError(fmt::format("--micro-batch {}: expected {}", *o.micro_batch, kMicroBatchExpected));
    m.source = "--micro-batch";
    model.training.micro_batch = m;
  }
}

}  // namespace wafersim::cli
