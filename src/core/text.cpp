#include "wafersim/core/text.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "wafersim/core/error.hpp"

namespace wafersim {

std::string read_text_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  const SourceLoc loc{path, 0, 0};
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (path.empty() || ec || !fs::exists(st))
    throw ConfigError(loc, "", "cannot open " + what + ": no such file");
  if (fs::is_directory(st)) throw ConfigError(loc, "", "is a directory, expected a " + what);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) throw ConfigError(loc, "", "cannot read " + what + " (permission denied?)");
  return text.str();
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte says how many continuation bytes follow and the least code point they
    // may encode (anything less is an overlong form).
    std::size_t follow = 0;
    unsigned cp = 0;
    unsigned least = 0;
    if ((c & 0xE0) == 0xC0) {
      follow = 1;
      cp = c & 0x1Fu;
      least = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      follow = 2;
      cp = c & 0x0Fu;
      least = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      follow = 3;
      cp = c & 0x07u;
      least = 0x10000;
    } else {
      return false;  // a continuation byte first, or 0xF8..0xFF
    }
    if (s.size() - i <= follow) return false;  // cut short
    for (std::size_t k = 1; k <= follow; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += follow + 1;
  }
  return true;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;  // beyond: not a typo
  for (const auto& c : candidates) {
    // A known key with a suffix or prefix added ("batch_size" for "batch") is also a typo.
    const bool affix = word.size() > c.size() && (word.starts_with(c) || word.ends_with(c));
    const std::size_t d = affix ? 1 : edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace wafersim
