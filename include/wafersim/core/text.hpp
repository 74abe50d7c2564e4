#pragma once
// Small text helpers every reader shares: reading a whole input file with the errors a user
// understands, and edit-distance suggestions ("did you mean ...").
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wafersim {

// The whole file (binary-safe). A missing file, a directory or an unreadable file is a
// ConfigError at `path` saying so; `what` names the file's role ("system file", "model file").
std::string read_text_file(const std::string& path, const std::string& what);

// Whether `s` is well-formed UTF-8 (no stray continuation bytes, overlong forms, surrogates
// or code points above U+10FFFF). Text that ends up in a JSON report must be.
bool valid_utf8(std::string_view s);

// JSON text of `j` (an nlohmann::json or ordered_json; indent < 0: one line). Bytes that are not
// UTF-8 -- a name or path from an input file -- become U+FFFD instead of an exception, so a report
// is always written.
template <class Json>
std::string json_text(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a typo (distance at most a third
// of the word, at least 2), or a known word with a prefix or suffix added; "" otherwise.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace wafersim
