// Reading the `range LO .. HI: reason` comments of a system file (param_ranges.hpp).
#include <fmt/format.h>

#include <cmath>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "spec/param_table.hpp"

namespace wafersim {
namespace spec_detail {
namespace {

// The comment of a YAML line: text after the first '#' that starts a token outside quotes.
std::string_view comment_of(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return line.substr(i + 1);
    }
  }
  return {};
}

std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return lines;
}

double parse_bound(const ParamDecl& decl, const std::string& text, const SystemSpec& spec) {
  SystemSpec scratch = spec;
  apply_value(decl, text, scratch);  // the parameter's own parser and limits
  return numeric_of(decl, scratch);
}

}  // namespace

std::vector<ParamRange> scan_ranges(const std::string& text, const std::string& file, const LocMap& locs,
                                    const SystemSpec& spec) {
  // "range" opens the comment or follows "; ", so prose that says "range" is not a range.
  static const std::regex kStart(R"((^\s*|;\s*)range\b)");
  static const std::regex kRange(R"(range\s+(.+?)\s*\.\.\s*(.+?)\s*:\s*(\S.*?)\s*$)");
  static const std::regex kSource(R"(^\s*([A-Za-z]+))");
  const std::vector<std::string_view> lines = split_lines(text);
  std::vector<std::pair<int, ParamRange>> found;
  for (const auto& [path, loc] : locs) {
    const ParamDecl* decl = find_param(path);
    if (decl == nullptr || loc.file != file || loc.line <= 0 || loc.line > static_cast<int>(lines.size()))
      continue;
    const std::string comment(comment_of(lines[loc.line - 1]));
    std::smatch start;
    if (!std::regex_search(comment, start, kStart)) continue;
    const std::string tail = comment.substr(static_cast<std::size_t>(start.position(0) + start.length(1)));
    std::smatch m;
    if (!std::regex_search(tail, m, kRange))
      throw ConfigError(loc, path,
                        "malformed range comment: expected \"range LO .. HI: reason\" (e.g. \"range 850 MHz .. "
                        "1.1 GHz: why\"), got \"" + tail + "\"");
    ParamRange r;
    r.path = path;
    r.where = loc;
    r.lo_text = m[1];
    r.hi_text = m[2];
    r.reason = m[3];
    std::smatch s;
    if (std::regex_search(comment, s, kSource)) r.source = s[1];
    r.integer = integer_field(*decl);
    try {
      r.value = numeric_of(*decl, spec);
      r.lo = parse_bound(*decl, r.lo_text, spec);
      r.hi = parse_bound(*decl, r.hi_text, spec);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(loc, path, fmt::format("range {} .. {}: {}", r.lo_text, r.hi_text, e.what()));
    }
    if (!(r.lo < r.hi))
      throw ConfigError(loc, path, fmt::format("range {} .. {}: the low end must be below the high end",
                                               r.lo_text, r.hi_text));
    if (r.value < r.lo || r.value > r.hi)
      throw ConfigError(loc, path, fmt::format("range {} .. {} does not contain the value itself",
                                               r.lo_text, r.hi_text));
    found.emplace_back(loc.line, std::move(r));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ParamRange> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

}  // namespace spec_detail

std::string ParamRange::value_text(double v) const {
  if (integer) return fmt::format("{}", std::llround(v));
  return fmt::format("{:.17g}", v);
}

double param_numeric(const SystemSpec& spec, std::string_view path) {
  const spec_detail::ParamDecl* decl = spec_detail::find_param(path);
  if (decl == nullptr) throw UsageError(fmt::format("unknown parameter '{}'", std::string(path)));
  try {
    return spec_detail::numeric_of(*decl, spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("parameter '{}' {}", std::string(path), e.what()));
  }
}

}  // namespace wafersim
