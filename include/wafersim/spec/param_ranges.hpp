#pragma once
// Plausible ranges of the config values the public record does not pin down. A system file
// gives one in the comment of the value, after its source class:
//   clock: 875 MHz   # unverified: ...; range 850 MHz .. 1.1 GHz: why these bounds
// `wafersim run --uncertainty` turns the ranges into a throughput interval. A malformed
// range, one on a non-numeric key, or one that does not contain its value is a ConfigError
// naming file:line and the key, like any other bad value.
#include <string>
#include <string_view>
#include <vector>

#include "wafersim/core/error.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

struct ParamRange {
  std::string path;     // "pe.clock"
  std::string source;   // the comment's source class: "unverified", "assumption", "S", ...
  std::string lo_text;  // as written: "850 MHz"
  std::string hi_text;  // "1.1 GHz"
  std::string reason;   // the text after "LO .. HI:"
  double lo = 0;        // in base units (Hz, bytes, bit/s, s, or the number)
  double hi = 0;
  double value = 0;     // the file's value, base units
  bool integer = false;  // an int or byte-count parameter: samples are rounded
  SourceLoc where;
  // The override text that sets this parameter to `v` (base units, rounded when integer).
  std::string value_text(double v) const;
};

// The numeric value of parameter `path` in `spec`, in base units; UsageError for an unknown
// or non-numeric path.
double param_numeric(const SystemSpec& spec, std::string_view path);

// Ranges given in a system file, in file order. Errors as for load_system_spec.
std::vector<ParamRange> load_param_ranges(const std::string& path);
std::vector<ParamRange> param_ranges_text(const std::string& yaml_text, const std::string& display_name);
std::vector<ParamRange> builtin_param_ranges();  // of the built-in configs/cs2.yaml

}  // namespace wafersim
