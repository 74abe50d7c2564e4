#pragma once
// Axis values from a sweep file: an explicit list, one value, `range: {from, to, step}` or
// `log: {from, to, points}`. Unit strings ("32 KiB", "100 Gb/s") are parsed with the
// parameter's type, so every value is held in base units.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "wafersim/sweep/sweep_spec.hpp"

namespace wafersim::sweep {

// Parses one scalar with the axis type; throws std::invalid_argument with the reason.
AxisValue parse_axis_value(const std::string& type, const std::string& text);

class AxisValueParser {
 public:
  using Fail = std::function<void(const YAML::Node&, const std::string&)>;  // must throw
  AxisValueParser(Axis& axis, Fail fail) : axis_(axis), fail_(std::move(fail)) {}
  void parse(const YAML::Node& v);
  // The node a value came from (its own list item, or the range/log that generated it).
  const YAML::Node& node_of(std::size_t i) const { return nodes_[i]; }

 private:
  AxisValue value(const YAML::Node& n);
  double field(const YAML::Node& map, const char* name);
  void add(AxisValue v, const YAML::Node& n);
  void range(const YAML::Node& r);
  void log_range(const YAML::Node& r);

  Axis& axis_;
  Fail fail_;
  std::vector<YAML::Node> nodes_;
  std::unordered_set<std::string> seen_;  // canonical texts: dedup in O(1), not O(values)
};

}  // namespace wafersim::sweep
