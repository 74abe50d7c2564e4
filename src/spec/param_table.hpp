#pragma once
// The parameter table: one declaration per leaf of the system YAML tree. Parsing (load.cpp),
// range checks (param_value.cpp), defaults and `system_params()` (params.cpp) all read it, so
// a new parameter is one line here and nowhere else.
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wafersim/core/error.hpp"
#include "wafersim/spec/param_ranges.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::spec_detail {

// Accessors return the field a parameter writes; the field's type picks the parser.
using Accessor =
    std::variant<Bytes& (*)(SystemSpec&), Hertz& (*)(SystemSpec&), BitsPerSecond& (*)(SystemSpec&),
                 Seconds& (*)(SystemSpec&), int& (*)(SystemSpec&), double& (*)(SystemSpec&),
                 std::string& (*)(SystemSpec&), Joules& (*)(SystemSpec&), Watts& (*)(SystemSpec&)>;

// Allowed interval of the numeric value in base units.
struct Range {
  double lo = 0;
  bool lo_inclusive = false;
  double hi = std::numeric_limits<double>::infinity();
  bool hi_inclusive = true;
};
inline constexpr Range kPositive{};
inline constexpr Range kNonNegative{0, true};
inline constexpr Range kFraction{0, false, 1, true};      // (0, 1]
inline constexpr Range kUnitInterval{0, true, 1, false};  // [0, 1)
inline constexpr Range kAtLeastTwo{2, true};

struct ParamDecl {
  std::string_view path;
  Accessor field;
  Range range;
  std::string_view description;
  const char* default_value;  // nullptr: required in every system file
};

const std::vector<ParamDecl>& param_table();
const ParamDecl* find_param(std::string_view path);
// True when `path` names a mapping of the tree ("pe", "pe.simd"), not a leaf.
bool is_group(std::string_view path);
// The child keys of a group, for messages ("expected a mapping with keys ...").
std::string group_keys(std::string_view group);
// " (did you mean 'pe.sram'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view path);

std::string_view type_name(const Accessor& field);  // "bytes", "frequency", ...
std::string_view type_example(const Accessor& field);

// Parses `text` as the declared type, checks the range and stores it. Throws
// std::invalid_argument with a message saying what was expected.
void apply_value(const ParamDecl& decl, std::string_view text, SystemSpec& spec);

// Where each parameter and group was set (file position or "--set"), for cross-check messages.
using LocMap = std::map<std::string, SourceLoc, std::less<>>;

// The numeric value a parameter holds in `spec`, in base units (throws std::invalid_argument
// for a string parameter); true when the field is an int or a byte count.
double numeric_of(const ParamDecl& decl, const SystemSpec& spec);
bool integer_field(const ParamDecl& decl);

// The `range LO .. HI: reason` comments of a system file's values (param_ranges.hpp), checked
// against the values `spec` holds after the file was walked.
std::vector<ParamRange> scan_ranges(const std::string& text, const std::string& file, const LocMap& locs,
                                    const SystemSpec& spec);

// Cross-parameter checks (usable rect inside the wafer, reserved SRAM < SRAM, ...).
void validate_cross(const SystemSpec& spec, const LocMap& locs, const std::string& file);

}  // namespace wafersim::spec_detail
