#include "axis_values.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "wafersim/core/units.hpp"

namespace wafersim::sweep {

std::string AxisValue::canonical() const {
  if (is_text) return text;
  if (integral) return fmt::format("{}", std::llround(number));
  return fmt::format("{}", number);  // shortest text that reads back to the same double
}

AxisValue parse_axis_value(const std::string& type, const std::string& text) {
  AxisValue v;
  if (type == "string") {
    v.is_text = true;
    v.text = text;
    return v;
  }
  if (type == "bytes") {
    v.number = static_cast<double>(parse_bytes(text).value);
    v.integral = true;
  } else if (type == "frequency") {
    v.number = parse_frequency(text).value;
  } else if (type == "bandwidth") {
    v.number = parse_bandwidth(text).value;
  } else if (type == "time") {
    v.number = parse_time(text).value;
  } else if (type == "energy") {
    v.number = parse_energy(text).value;
  } else if (type == "power") {
    v.number = parse_power(text).value;
  } else if (type == "int") {
    v.number = parse_number(text);
    if (v.number != std::round(v.number))
      throw std::invalid_argument(fmt::format("expected an integer, got \"{}\"", text));
    v.integral = true;
  } else {
    v.number = parse_number(text);
  }
  return v;
}

AxisValue AxisValueParser::value(const YAML::Node& n) {
  if (!n.IsScalar()) fail_(n, "expected a value, got a list or mapping");
  try {
    return parse_axis_value(axis_.type, n.Scalar());
  } catch (const std::invalid_argument& e) {
    fail_(n, e.what());
  }
  throw std::logic_error("unreachable");  // fail_ throws
}

double AxisValueParser::field(const YAML::Node& map, const char* name) {
  const YAML::Node f = map[name];
  if (!f) fail_(map, fmt::format("missing '{}'", name));
  if (axis_.type == "string") fail_(f, "a text parameter takes an explicit list, not a range");
  // Range ends and steps use the parameter's units, but are never rounded.
  try {
    AxisValue v = parse_axis_value(axis_.type == "int" ? "number" : axis_.type, f.Scalar());
    return v.number;
  } catch (const std::invalid_argument& e) {
    fail_(f, e.what());
  }
  throw std::logic_error("unreachable");
}

void AxisValueParser::add(AxisValue v, const YAML::Node& n) {
  if (v.integral) v.number = std::round(v.number);
  if (!seen_.insert(v.canonical()).second) return;  // log ranges over integers repeat small values
  axis_.values.push_back(std::move(v));
  nodes_.push_back(n);
}

void AxisValueParser::range(const YAML::Node& r) {
  const double from = field(r, "from");
  const double to = field(r, "to");
  const double step = field(r, "step");
  if (step <= 0) fail_(r["step"], "step must be positive");
  if (to < from) fail_(r["to"], "to must be >= from");
  const double count = std::floor((to - from) / step * (1 + 1e-12) + 1e-9) + 1;
  if (count > 1e6) fail_(r, "more than a million values on one axis");
  const bool integral = axis_.type == "bytes" || axis_.type == "int";
  for (long long k = 0; k < static_cast<long long>(count); ++k) {
    AxisValue v;
    v.number = from + static_cast<double>(k) * step;  // not accumulated: no drift
    v.integral = integral;
    add(v, r);
  }
}

void AxisValueParser::log_range(const YAML::Node& r) {
  const double from = field(r, "from");
  const double to = field(r, "to");
  const YAML::Node pn = r["points"];
  if (!pn) fail_(r, "missing 'points'");
  long long points = 0;
  std::size_t used = 0;
  try {
    points = std::stoll(pn.Scalar(), &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != pn.Scalar().size()) fail_(pn, "points must be an integer");
  if (points < 2 || points > 1000000) fail_(pn, "points must be 2..1000000");
  if (from <= 0 || to <= from) fail_(r, "log ranges need 0 < from < to");
  const bool integral = axis_.type == "bytes" || axis_.type == "int";
  for (long long k = 0; k < points; ++k) {
    AxisValue v;
    const double t = static_cast<double>(k) / static_cast<double>(points - 1);
    // In logs: to / from overflows for a subnormal `from`.
    v.number = k == points - 1 ? to : std::exp(std::log(from) + t * (std::log(to) - std::log(from)));
    // Shortest round-trip text makes the value, the key and the database agree exactly.
    // strtod, not stod: a subnormal value (from: 261e-320 Gb/s) is a number, not out_of_range
    // (found by tests/fuzz/fuzz_sweep_spec: `wafersim sweep` exited 1, "internal error: stod").
    if (!integral) v.number = std::strtod(fmt::format("{:.12g}", v.number).c_str(), nullptr);
    v.integral = integral;
    add(v, r);
  }
}

void AxisValueParser::parse(const YAML::Node& v) {
  if (v.IsSequence()) {
    if (v.size() == 0) fail_(v, "an axis needs at least one value");
    for (const auto& item : v) add(value(item), item);
  } else if (v.IsScalar()) {
    add(value(v), v);
  } else if (v.IsMap()) {
    if (v.size() != 1) fail_(v, "expected one of: [list], range: {from, to, step}, log: {from, to, points}");
    const std::string kind = v.begin()->first.Scalar();
    const YAML::Node body = v.begin()->second;
    if (kind == "values") {
      parse(body);
      return;
    }
    if (!body.IsMap()) fail_(body, fmt::format("{} takes a mapping", kind));
    if (kind == "range")
      range(body);
    else if (kind == "log")
      log_range(body);
    else
      fail_(v, fmt::format("unknown '{}'; expected values, range or log", kind));
  } else {
    fail_(v, "expected a list of values, range: {from, to, step} or log: {from, to, points}");
  }
}

}  // namespace wafersim::sweep
