#pragma once
// Error types. ConfigError/UsageError are the user's fault (exit code 2); SimError is a
// failure of the simulation itself (exit code 1). Library code throws, never exits.
#include <stdexcept>
#include <string>

namespace wafersim {

struct SourceLoc {
  std::string file;  // path as given by the user, or "<built-in cs2.yaml>" / "--set"
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
};

// From a parser's 0-based position (yaml-cpp's Mark: line and column, -1 when unknown): the one
// conversion every reader uses.
inline SourceLoc source_loc(const std::string& file, int line0, int column0) {
  if (line0 < 0) return {file, 0, 0};
  return {file, line0 + 1, column0 >= 0 ? column0 + 1 : 0};
}

// Bad input in a file: what() is "file:line:col: key 'a.b.c': detail".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourceLoc loc, std::string key, std::string detail);
  const SourceLoc& loc() const { return loc_; }
  const std::string& key() const { return key_; }
  const std::string& detail() const { return detail_; }

 private:
  SourceLoc loc_;
  std::string key_;
  std::string detail_;
};

// Bad command-line usage: what() names the option.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The model does not fit / cannot run on this hardware: user-facing, exit code 2.
class FitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Internal failure of the simulation (invariant broken, deadlock): exit code 1.
class SimError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wafersim
