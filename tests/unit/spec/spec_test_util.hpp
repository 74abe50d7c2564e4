#pragma once
// Helpers for spec tests: read a shipped config and edit one line of it, remembering the
// line number so tests can check that errors point at it.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace wafersim::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("test cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string cs2_path() { return WAFERSIM_SOURCE_DIR "/configs/cs2.yaml"; }
inline std::string cs2_text() { return read_text(cs2_path()); }

struct Edited {
  std::string text;
  int line = 0;  // 1-based line of the edit
};

// Replaces the first line that starts with `prefix` by `replacement` (may hold several lines,
// or be empty to delete the line).
inline Edited replace_line(const std::string& text, const std::string& prefix,
                           const std::string& replacement) {
  std::istringstream in(text);
  std::string out, line;
  int n = 0, hit = 0;
  while (std::getline(in, line)) {
    ++n;
    if (hit == 0 && line.rfind(prefix, 0) == 0) {
      hit = n;
      if (replacement.empty()) continue;
      out += replacement + "\n";
    } else {
      out += line + "\n";
    }
  }
  if (hit == 0) throw std::runtime_error("test: no line starts with '" + prefix + "'");
  return {out, hit};
}

}  // namespace wafersim::test
