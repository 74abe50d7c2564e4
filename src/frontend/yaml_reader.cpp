// Strict YAML section reader for the native formats (see yaml_reader.hpp for why).
#include "yaml_reader.hpp"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "wafersim/core/text.hpp"

namespace wafersim::frontend {

SourceLoc to_loc(const std::string& file, const YAML::Mark& mark) {
  return source_loc(file, mark.line, mark.column);
}

std::string read_model_file(const std::string& path) { return read_text_file(path, "model file"); }

YamlSection::YamlSection(YAML::Node node, std::string path, std::string file, YAML::Mark where)
    : node_(std::move(node)), path_(std::move(path)), file_(std::move(file)), where_(where) {}

std::string YamlSection::key_path(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

YAML::Mark YamlSection::key_mark(const char* key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->first.Mark();
  }
  return where_;
}

void YamlSection::fail(const char* key, const std::string& detail) const {
  // An empty value has no position of its own (yaml-cpp reports the next token), so point
  // at its key instead.
  const YAML::Node v = node_[key];
  const YAML::Mark at = v && !v.IsNull() ? v.Mark() : key_mark(key);
  throw ConfigError(to_loc(file_, at), key_path(key), detail);
}

void YamlSection::fail_section(const std::string& detail) const {
  throw ConfigError(to_loc(file_, where_), path_, detail);
}

void YamlSection::check_keys(std::initializer_list<const char*> allowed) const {
  const std::vector<std::string> names(allowed.begin(), allowed.end());
  std::map<std::string, int> seen;  // key -> 1-based line of its first occurrence
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Node k = it->first;  // a copy: it-> yields a temporary proxy
    const SourceLoc loc = to_loc(file_, k.Mark());
    if (!k.IsScalar()) throw ConfigError(loc, path_, "keys must be plain names");
    const std::string name = k.Scalar();
    const std::string full = path_.empty() ? name : path_ + "." + name;
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      const std::string guess = closest_match(name, names);
      std::string detail = "unknown key";
      if (!guess.empty()) detail += "; did you mean '" + guess + "'?";
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw ConfigError(loc, full, detail + " (allowed: " + list + ")");
    }
    auto [pos, fresh] = seen.emplace(name, loc.line);
    if (!fresh) {
      throw ConfigError(loc, full,
                        "duplicated key (first given on line " + std::to_string(pos->second) + ")");
    }
  }
}

bool YamlSection::has(const char* key) const { return static_cast<bool>(node_[key]); }

bool YamlSection::has_value(const char* key) const {
  const YAML::Node v = node_[key];
  return v && !v.IsNull();
}

std::string YamlSection::describe(const YAML::Node& n) {
  if (n.IsNull()) return "nothing";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "'" + n.Scalar() + "'";
}

YamlSection YamlSection::section(const char* key) const {
  const YAML::Node v = node_[key];
  if (!v) fail_section("missing required key '" + std::string(key) + "'");
  if (!v.IsMap()) fail(key, "expected a mapping of keys, got " + describe(v));
  // Report problems of the whole section at its key, which the mapping itself cannot give.
  return YamlSection(v, key_path(key), file_, key_mark(key));
}

std::string YamlSection::scalar(const char* key, const std::string& expected) const {
  const YAML::Node v = node_[key];
  if (!v) fail_section("missing required key '" + std::string(key) + "' (" + expected + ")");
  if (!v.IsScalar()) fail(key, "expected " + expected + ", got " + describe(v));
  if (!valid_utf8(v.Scalar())) fail(key, "expected " + expected + " in UTF-8 text");
  return v.Scalar();
}

long long YamlSection::integer(const char* key) const {
  const std::string s = scalar(key, "an integer");
  long long v = 0;
  try {
    v = node_[key].as<long long>();
  } catch (const YAML::Exception&) {
    fail(key, "expected an integer, got '" + s + "'");
  }
  if (v > INT_MAX || v < INT_MIN) fail(key, "integer out of range: " + s);
  return v;
}

int YamlSection::positive_int(const char* key) const {
  const long long v = integer(key);
  if (v <= 0) fail(key, "expected a positive integer, got " + std::to_string(v));
  return static_cast<int>(v);
}

int YamlSection::positive_int(const char* key, int fallback) const {
  return has(key) ? positive_int(key) : fallback;
}

int YamlSection::non_negative_int(const char* key, int fallback) const {
  if (!has(key)) return fallback;
  const long long v = integer(key);
  if (v < 0) fail(key, "expected an integer >= 0, got " + std::to_string(v));
  return static_cast<int>(v);
}

bool YamlSection::boolean(const char* key, bool fallback) const {
  if (!has(key)) return fallback;
  const std::string s = scalar(key, "true or false");
  try {
    return node_[key].as<bool>();
  } catch (const YAML::Exception&) {
    fail(key, "expected true or false, got '" + s + "'");
  }
}

std::string YamlSection::text(const char* key) const {
  const std::string s = scalar(key, "a string");
  if (s.empty()) fail(key, "expected a non-empty string");
  return s;
}

}  // namespace wafersim::frontend
