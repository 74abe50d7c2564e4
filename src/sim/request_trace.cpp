// Request traces for the serving simulation (request_trace.hpp).
#include "wafersim/sim/request_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>
#include <tuple>

#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool whole(std::string_view s, long long& out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "YYYY-MM-DD HH:MM:SS[.fraction]" (or a 'T' between date and time) to seconds since 1970.
bool timestamp(std::string_view s, double& out) {
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' ||
      s[16] != ':')
    return false;
  long long y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!whole(s.substr(0, 4), y) || !whole(s.substr(5, 2), mo) || !whole(s.substr(8, 2), d) ||
      !whole(s.substr(11, 2), h) || !whole(s.substr(14, 2), mi) || !whole(s.substr(17, 2), sec))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  double frac = 0;
  if (s.size() > 19) {
    if (s[19] != '.' || s.size() == 20) return false;
    double scale = 0.1;
    for (const char c : s.substr(20)) {
      if (c < '0' || c > '9') return false;
      frac += (c - '0') * scale;
      scale /= 10;
    }
  }
  out =
      static_cast<double>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) * 86400.0 +
      static_cast<double>(h * 3600 + mi * 60 + sec) + frac;
  return true;
}

bool seconds(std::string_view s, double& out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out) && out >= 0;
}

}  // namespace

double RequestTrace::mean_rate() const {
  if (requests.size() < 2) return 0;
  const double span = requests.back().arrival_s - requests.front().arrival_s;
  return span > 0 ? static_cast<double>(requests.size() - 1) / span : 0;
}

RequestTrace load_request_trace(const std::string& path) {
  const std::string text = read_text_file(path, "request trace");
  RequestTrace t;
  t.file = path;
  const auto fail = [&](int line, int column, const std::string& key, const std::string& what) -> void {
    throw ConfigError(SourceLoc{path, line, column}, key, what);
  };
  if (!valid_utf8(text)) fail(0, 0, "", "expected UTF-8 text (a CSV file)");
  int arrival = -1, prompt = -1, generate = -1;
  bool stamped = false;  // TIMESTAMP (date and time) rather than arrival_s (seconds)
  std::size_t columns = 0;
  double first = 0, previous = 0;
  int line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = trim(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::vector<std::string_view> cells = split(line);
    if (columns == 0) {  // the header
      columns = cells.size();
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string name = lower(cells[i]);
        const int c = static_cast<int>(i);
        if (name == "timestamp" || name == "arrival_s") {
          arrival = c;
          stamped = name == "timestamp";
        } else if (name == "contexttokens" || name == "prompt") {
          prompt = c;
        } else if (name == "generatedtokens" || name == "generate") {
          generate = c;
        }
      }
      if (arrival < 0 || prompt < 0 || generate < 0)
        fail(line_no, 1, "",
             "expected a header naming the arrival (TIMESTAMP or arrival_s), the prompt (ContextTokens or "
             "prompt) and the output (GeneratedTokens or generate) columns");
      continue;
    }
    if (cells.size() != columns)
      fail(line_no, 0, "",
           fmt::format("expected {} comma-separated fields (as the header), got {}", columns, cells.size()));
    TraceRequest r;
    r.line = line_no;
    double at = 0;
    const auto col = [&](int c) { return c + 1; };
    if (!(stamped ? timestamp(cells[static_cast<std::size_t>(arrival)], at)
                  : seconds(cells[static_cast<std::size_t>(arrival)], at)))
      fail(line_no, col(arrival), stamped ? "TIMESTAMP" : "arrival_s",
           fmt::format("expected {}, got \"{}\"",
                       stamped ? "a date and time YYYY-MM-DD HH:MM:SS[.fraction]" : "seconds >= 0",
                       cells[static_cast<std::size_t>(arrival)]));
    for (const auto& [c, out, key] : {std::tuple{prompt, &r.prompt, "prompt tokens"},
                                      std::tuple{generate, &r.generate, "output tokens"}}) {
      long long n = 0;
      if (!whole(cells[static_cast<std::size_t>(c)], n) || n < 1 || n > 100000000)
        fail(line_no, col(c), key,
             fmt::format("expected a whole number of tokens >= 1, got \"{}\"",
                         cells[static_cast<std::size_t>(c)]));
      *out = static_cast<int>(n);
    }
    if (t.requests.empty()) first = at;
    if (!t.requests.empty() && at < previous)
      fail(line_no, col(arrival), stamped ? "TIMESTAMP" : "arrival_s",
           "arrives before the request of the line before (the trace must be in arrival order)");
    previous = at;
    r.arrival_s = at - first;
    t.requests.push_back(r);
  }
  if (columns == 0) fail(0, 0, "", "empty: expected a CSV header and one request per line");
  if (t.requests.empty()) fail(line_no, 0, "", "no requests after the header");
  return t;
}

}  // namespace wafersim
