// Turning one scalar into a typed, range-checked field, and "did you mean" suggestions.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "spec/param_table.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim::spec_detail {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string range_text(const Range& r) {
  const bool has_hi = std::isfinite(r.hi);
  if (!has_hi) return fmt::format("{} {}", r.lo_inclusive ? ">=" : ">", r.lo);
  return fmt::format("in {}{}, {}{}", r.lo_inclusive ? '[' : '(', r.lo, r.hi, r.hi_inclusive ? ']' : ')');
}

void check_range(const Range& r, double v, std::string_view text) {
  const bool lo_ok = r.lo_inclusive ? v >= r.lo : v > r.lo;
  const bool hi_ok = r.hi_inclusive ? v <= r.hi : v < r.hi;
  if (!lo_ok || !hi_ok) {
    throw std::invalid_argument(fmt::format("must be {}, got \"{}\"", range_text(r), std::string(text)));
  }
}

int parse_int(std::string_view text) {
  double v = 0;
  try {
    v = parse_number(text);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(
        fmt::format("expected an integer such as \"12\", got \"{}\"", std::string(text)));
  }
  if (v != std::floor(v) || std::fabs(v) > 2147483647.0) {
    throw std::invalid_argument(
        fmt::format("expected an integer such as \"12\", got \"{}\"", std::string(text)));
  }
  return static_cast<int>(v);
}

std::string_view last_segment(std::string_view path) {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

}  // namespace

std::string_view type_name(const Accessor& field) {
  static constexpr std::string_view kNames[] = {"bytes",  "frequency", "bandwidth", "time", "int",
                                                "number", "string",    "energy",    "power"};
  return kNames[field.index()];
}

std::string_view type_example(const Accessor& field) {
  static constexpr std::string_view kExamples[] = {"48 KiB", "1.1 GHz", "100 Gb/s", "2 us", "12",
                                                   "0.75",   "CS-2",    "0.3 pJ",   "23 kW"};
  return kExamples[field.index()];
}

void apply_value(const ParamDecl& decl, std::string_view text, SystemSpec& spec) {
  const Range& r = decl.range;
  std::visit(Overloaded{
                 [&](Bytes& (*f)(SystemSpec&)) {
                   const Bytes v = parse_bytes(text);
                   check_range(r, static_cast<double>(v.value), text);
                   f(spec) = v;
                 },
                 [&](Hertz& (*f)(SystemSpec&)) {
                   const Hertz v = parse_frequency(text);
                   check_range(r, v.value, text);
                   f(spec) = v;
                 },
                 [&](BitsPerSecond& (*f)(SystemSpec&)) {
                   const BitsPerSecond v = parse_bandwidth(text);
                   check_range(r, v.value, text);
                   f(spec) = v;
                 },
                 [&](Seconds& (*f)(SystemSpec&)) {
                   const Seconds v = parse_time(text);
                   check_range(r, v.value, text);
                   f(spec) = v;
                 },
                 [&](int& (*f)(SystemSpec&)) {
                   const int v = parse_int(text);
                   check_range(r, v, text);
                   f(spec) = v;
                 },
                 [&](double& (*f)(SystemSpec&)) {
                   const double v = parse_number(text);
                   check_range(r, v, text);
                   f(spec) = v;
                 },
                 [&](std::string& (*f)(SystemSpec&)) {
                   if (text.empty()) throw std::invalid_argument("expected a non-empty string");
                   if (!valid_utf8(text)) throw std::invalid_argument("expected UTF-8 text");
                   f(spec) = std::string(text);
                 },
                 [&](Joules& (*f)(SystemSpec&)) {
                   const Joules v = parse_energy(text);
                   check_range(r, v.value, text);
                   f(spec) = v;
                 },
                 [&](Watts& (*f)(SystemSpec&)) {
                   const Watts v = parse_power(text);
                   check_range(r, v.value, text);
                   f(spec) = v;
                 },
             },
             decl.field);
}

std::string did_you_mean(std::string_view path) {
  // Candidates: every parameter and group path. A key put in the wrong section
  // ("pe.colors") is matched by its last segment first, then by edit distance.
  std::vector<std::string> candidates;
  for (const auto& p : param_table()) {
    std::string_view rest = p.path;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.', dot + 1)) {
      candidates.emplace_back(rest.substr(0, dot));
    }
    candidates.emplace_back(p.path);
  }
  for (const auto& c : candidates) {
    if (last_segment(c) == last_segment(path) && c != path) {
      return fmt::format(" (did you mean '{}'?)", c);
    }
  }
  const std::string* best = nullptr;
  std::size_t best_d = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(path, c);
    if (best == nullptr || d < best_d) {
      best = &c;
      best_d = d;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, path.size() / 4);
  if (best == nullptr || best_d > limit) return {};
  return fmt::format(" (did you mean '{}'?)", *best);
}

}  // namespace wafersim::spec_detail

namespace wafersim::spec_detail {

double numeric_of(const ParamDecl& decl, const SystemSpec& spec) {
  // The accessors take a mutable spec; reading through a copy keeps `spec` untouched.
  SystemSpec s = spec;
  return std::visit(Overloaded{
                        [&](Bytes& (*f)(SystemSpec&)) { return static_cast<double>(f(s).value); },
                        [&](Hertz& (*f)(SystemSpec&)) { return f(s).value; },
                        [&](BitsPerSecond& (*f)(SystemSpec&)) { return f(s).value; },
                        [&](Seconds& (*f)(SystemSpec&)) { return f(s).value; },
                        [&](int& (*f)(SystemSpec&)) { return static_cast<double>(f(s)); },
                        [&](double& (*f)(SystemSpec&)) { return f(s); },
                        [&](std::string& (*)(SystemSpec&)) -> double {
                          throw std::invalid_argument("is a text parameter, not a number");
                        },
                        [&](Joules& (*f)(SystemSpec&)) { return f(s).value; },
                        [&](Watts& (*f)(SystemSpec&)) { return f(s).value; },
                    },
                    decl.field);
}

bool integer_field(const ParamDecl& decl) {
  return std::holds_alternative<int& (*)(SystemSpec&)>(decl.field) ||
         std::holds_alternative<Bytes& (*)(SystemSpec&)>(decl.field);
}

}  // namespace wafersim::spec_detail
