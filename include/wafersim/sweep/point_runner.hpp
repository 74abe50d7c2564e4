#pragma once
// What a child needs to run one design point, loaded once in the parent before any fork:
// the parsed system file (each point applies its overrides to it, validated exactly as
// `wafersim run --set` would) and the model (copied into the child by fork).
#include <map>
#include <memory>
#include <string>

#include "wafersim/graph/model_spec.hpp"
#include "wafersim/sim/request_trace.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/sweep/executor.hpp"
#include "wafersim/sweep/points.hpp"

namespace wafersim::sweep {

class PointRunner {
 public:
  // Throws ConfigError/UsageError naming the file when the base system or model is bad.
  explicit PointRunner(const SweepSpec& spec);
  const PointContext& context() const { return ctx_; }
  // Simulates the point and returns its JSON report and database columns (the sweep calls it
  // in a forked child, for isolation; it is re-entrant).
  PointResult run(const Point& point) const;

 private:
  const SweepSpec& spec_;
  PointContext ctx_;  // before system_: parsing the system fills in its hash
  ParsedSystemSpec system_;
  ModelSpec model_;
  std::map<std::string, ModelSpec> models_;    // the `model` axis' models, by resolved file
  std::shared_ptr<const RequestTrace> trace_;  // SweepSpec::request_trace, loaded once
  // The prefill machines (SweepSpec::prefill_system, the `prefill_system` axis), loaded once.
  std::map<std::string, std::shared_ptr<const SystemSpec>> prefill_specs_;
};

}  // namespace wafersim::sweep
