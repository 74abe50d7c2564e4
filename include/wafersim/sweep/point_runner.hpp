#pragma once
// What a child needs to run one design point, loaded once in the parent before any fork:
// the system file's text (each point re-parses it with its overrides, so validation is the
// same as `wafersim run --set`) and the model (copied into the child by fork).
#include <string>

#include "wafersim/graph/model_spec.hpp"
#include "wafersim/sweep/points.hpp"

namespace wafersim::sweep {

class PointRunner {
 public:
  // Throws ConfigError/UsageError naming the file when the base system or model is bad.
  explicit PointRunner(const SweepSpec& spec);
  const PointContext& context() const { return ctx_; }
  // Simulates the point and returns its JSON report. Call only in a forked child: SystemC
  // elaborates once per process.
  std::string run(const Point& point) const;

 private:
  const SweepSpec& spec_;
  std::string system_text_;  // empty = built-in CS-2
  ModelSpec model_;
  PointContext ctx_;
};

}  // namespace wafersim::sweep
