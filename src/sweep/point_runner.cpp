#include "wafersim/sweep/point_runner.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::sweep {
namespace {
std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

PointRunner::PointRunner(const SweepSpec& spec) : spec_(spec) {
  std::vector<Override> base;
  for (const auto& [p, v] : spec.sets) base.push_back({p, v, spec.file + " set"});
  if (spec.system_file.empty()) {
    default_system_spec(base);  // validates the fixed sets before any point runs
    ctx_.system_hash = hash_hex(builtin_cs2_yaml());
  } else {
    system_text_ = read_text(spec.system_file);
    load_system_spec_text(system_text_, spec.system_file, base);
    ctx_.system_hash = hash_hex(system_text_);
  }
  if (spec.model_file.empty()) {
    model_ = default_model();
    ctx_.model_hash = hash_hex(builtin_default_model_yaml());
  } else {
    model_ = load_model(spec.model_file);
    ctx_.model_hash = hash_hex(read_text(spec.model_file));
  }
}

std::string PointRunner::run(const Point& point) const {
  const PointRun r = point_run(spec_, point);
  std::vector<Override> ov;
  for (const auto& [p, v] : r.sets) ov.push_back({p, v, fmt::format("{} point {}", spec_.file, point.index)});
  const SystemSpec sys = system_text_.empty() ? default_system_spec(ov)
                                              : load_system_spec_text(system_text_, spec_.system_file, ov);
  ModelSpec model = model_;
  if (r.batch > 0) model.training.batch = r.batch;
  if (r.seq > 0) model.training.seq = r.seq;
  RunOptions opt;
  opt.mode = r.mode;
  opt.systems = r.systems;
  opt.steps = r.steps;
  return format_json_report(simulate(sys, model, opt));
}

}  // namespace wafersim::sweep
