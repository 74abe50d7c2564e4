#pragma once
// Strict reading of one YAML mapping section: every key known, none duplicated, every value of
// the right type and range, and every error a ConfigError naming file, line, column and the
// full key path. yaml-cpp itself accepts duplicated keys and converts leniently, so the
// checks live here, once, for all native-format sections.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim::frontend {

// yaml-cpp marks are 0-based (and -1 when unknown); ConfigError wants 1-based or 0.
SourceLoc to_loc(const std::string& file, const YAML::Mark& mark);

// Reads a whole file; a missing, unreadable or directory path is a ConfigError.
std::string read_model_file(const std::string& path);

// closest_match (did-you-mean suggestions) is core's (wafersim/core/text.hpp).

class YamlSection {
 public:
  // `where` is the position reported for problems of the section as a whole (missing keys):
  // the line of its own key, or the start of the file for the top level.
  YamlSection(YAML::Node node, std::string path, std::string file, YAML::Mark where);

  // Rejects duplicated keys, non-scalar keys and keys outside `allowed`.
  void check_keys(std::initializer_list<const char*> allowed) const;

  bool has(const char* key) const;
  bool has_value(const char* key) const;       // present and not null (`key: null` is absent)
  YamlSection section(const char* key) const;  // required nested mapping

  int positive_int(const char* key) const;                    // required, > 0
  int positive_int(const char* key, int fallback) const;      // optional, > 0 when present
  int non_negative_int(const char* key, int fallback) const;  // optional, >= 0
  bool boolean(const char* key, bool fallback) const;
  std::string text(const char* key) const;  // required non-empty string

  // A value from a fixed list of spellings; the error lists the allowed ones.
  template <class E>
  E choice(const char* key, std::initializer_list<std::pair<const char*, E>> options, E fallback) const {
    if (!has(key)) return fallback;
    const std::string v = scalar(key, "one of " + join_names(options));
    for (const auto& [name, value] : options) {
      if (v == name) return value;
    }
    fail(key, "'" + v + "' is not allowed; expected one of " + join_names(options));
  }

  [[noreturn]] void fail(const char* key, const std::string& detail) const;  // at the value
  [[noreturn]] void fail_section(const std::string& detail) const;           // at the section
  std::string key_path(const char* key) const;

 private:
  std::string scalar(const char* key, const std::string& expected) const;
  long long integer(const char* key) const;
  YAML::Mark key_mark(const char* key) const;
  static std::string describe(const YAML::Node& n);

  template <class E>
  static std::string join_names(std::initializer_list<std::pair<const char*, E>> options) {
    std::string out;
    for (const auto& o : options) out += (out.empty() ? "" : ", ") + std::string(o.first);
    return out;
  }

  YAML::Node node_;
  std::string path_;
  std::string file_;
  YAML::Mark where_;
};

}  // namespace wafersim::frontend
