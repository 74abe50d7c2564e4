#include "wafersim/sweep/point_runner.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/report/infer_report.hpp"
#include "wafersim/report/json_report.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/sweep/store.hpp"

namespace wafersim::sweep {
namespace {

ParsedSystemSpec parse_system(const SweepSpec& spec, PointContext& ctx) {
  if (spec.system_file.empty()) {
    ctx.system_hash = hash_hex(builtin_cs2_yaml());
    return ParsedSystemSpec::builtin();
  }
  const std::string text = read_text_file(spec.system_file, "system file");
  ctx.system_hash = hash_hex(text);
  return ParsedSystemSpec(text, spec.system_file);
}
}  // namespace

PointRunner::PointRunner(const SweepSpec& spec) : spec_(spec), system_(parse_system(spec, ctx_)) {
  std::vector<Override> base;
  for (const auto& [p, v] : spec.sets) base.push_back({p, v, spec.file + " set"});
  system_.with(base);  // validates the fixed sets before any point runs
  if (spec.model_file.empty()) {
    model_ = default_model();
    ctx_.model_hash = hash_hex(builtin_default_model_yaml());
  } else {
    model_ = load_model(spec.model_file);
    ctx_.model_hash = hash_hex(read_text_file(spec.model_file, "model file"));
  }
  for (const Axis& a : spec.axes)
    for (const std::string& file : a.files) {
      if (a.name != "model" || models_.count(file) != 0) continue;
      if (file == "builtin") {
        models_.emplace(file, default_model());
        ctx_.model_hashes[file] = hash_hex(builtin_default_model_yaml());
      } else {
        models_.emplace(file, load_model(file));
        ctx_.model_hashes[file] = hash_hex(read_text_file(file, "model file"));
      }
    }
  if (!spec.request_trace.empty()) {
    trace_ = std::make_shared<const RequestTrace>(load_request_trace(spec.request_trace));
    ctx_.trace_hash = hash_hex(read_text_file(spec.request_trace, "request trace"));
  }
  std::vector<std::string> prefill_files;
  if (!spec.prefill_system.empty()) prefill_files.push_back(spec.prefill_system);
  for (const Axis& a : spec.axes)
    if (a.name == "prefill_system") prefill_files.insert(prefill_files.end(), a.files.begin(), a.files.end());
  for (const std::string& file : prefill_files) {
    if (prefill_specs_.count(file) != 0) continue;
    const bool builtin = file == "builtin";
    prefill_specs_.emplace(
        file, std::make_shared<const SystemSpec>(
                  (builtin ? ParsedSystemSpec::builtin() : ParsedSystemSpec::from_file(file)).with()));
    ctx_.prefill_system_hashes[file] = builtin ? "builtin" : hash_hex(read_text_file(file, "system file"));
  }
  // This process forks every point: keep what each fork copies small.
  release_systemc_scratch();
}

PointResult PointRunner::run(const Point& point) const {
  const PointRun r = point_run(spec_, point);
  std::vector<Override> ov;
  for (const auto& [p, v] : r.sets) ov.push_back({p, v, fmt::format("{} point {}", spec_.file, point.index)});
  const SystemSpec sys = system_.with(ov);
  const ModelSpec& base_model = r.model_file.empty() ? model_ : models_.at(r.model_file);
  if (r.command == "infer") {
    InferOptions opt;
    opt.systems = r.systems;
    if (r.batch > 0) opt.batch = r.batch;
    opt.prompt = r.prompt;
    opt.generate = r.generate;
    if (!r.wafer_io.empty()) opt.wafer_io = parse_wafer_io(r.wafer_io);  // checked when the file was read
    if (!r.layout.empty()) opt.layout = parse_infer_layout(r.layout);
    opt.weight_bits = r.weight_bits;
    opt.expert_bits = r.expert_bits;
    opt.kv_bits = r.kv_bits;
    opt.arrival_rate = r.arrival_rate;
    opt.requests = r.requests;
    opt.prefill_chunk = r.prefill_chunk;
    opt.prompt_min = r.prompt_min;
    opt.generate_min = r.generate_min;
    opt.replicas = r.replicas;
    opt.prefill_replicas = r.prefill_replicas;
    opt.prefill_systems = r.prefill_systems;
    opt.prefill_batch = r.prefill_batch;
    opt.slo_ttft_p99_s = r.slo_ttft_p99;
    opt.slo_tbt_p99_s = r.slo_tbt_p99;
    opt.slo_tpot_p99_s = r.slo_tpot_p99;
    if (!r.routing.empty()) opt.routing = parse_routing(r.routing);  // checked when the file was read
    if (!r.replica_systems.empty()) {                                // "8+4", checked when the file was read
      opt.replica_systems = parse_replica_systems(r.replica_systems);
      if (r.replicas <= 1) opt.replicas = static_cast<int>(opt.replica_systems.size());  // one per size
    }
    opt.trace = trace_;
    if (!r.prefill_system_file.empty()) opt.prefill_spec = prefill_specs_.at(r.prefill_system_file);
    const nlohmann::ordered_json report = infer_json(infer(sys, base_model, opt));
    return PointResult(json_text(report, 2) + "\n", report_metrics_json(report));
  }
  ModelSpec model = base_model;
  if (r.batch > 0) model.training.batch = r.batch;
  if (r.seq > 0) model.training.seq = r.seq;
  if (!r.micro_batch.empty()) {  // checked when the sweep file was read
    MicroBatchSetting mbs;
    parse_micro_batch(r.micro_batch, mbs);
    mbs.source = "--micro-batch";
    model.training.micro_batch = mbs;
  }
  RunOptions opt;
  opt.mode = parse_mode(r.mode, "mode");
  opt.systems = r.systems;
  opt.steps = r.steps;
  const nlohmann::ordered_json report = json_report(simulate(sys, model, opt));
  // The same text as format_json_report, and the store's columns taken from the value.
  return PointResult(json_text(report, 2) + "\n", report_metrics_json(report));
}

}  // namespace wafersim::sweep
