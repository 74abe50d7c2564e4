#include "wafersim/fabric/cycle/traffic.hpp"

#include <fmt/format.h>

#include <cmath>

#include "wafersim/core/error.hpp"

namespace wafersim::cycle {

namespace {
constexpr std::uint64_t kSaltDest = 2;
constexpr std::uint64_t kSaltHot = 4;

struct Name {
  Pattern p;
  const char* name;
};
constexpr Name kNames[] = {
    {Pattern::uniform, "uniform"},
    {Pattern::transpose, "transpose"},
    {Pattern::bit_complement, "bit-complement"},
    {Pattern::hotspot, "hotspot"},
    {Pattern::nearest_neighbour, "nearest-neighbour"},
    {Pattern::row_broadcast, "row-broadcast"},
    {Pattern::column_reduce, "column-reduce"},
};
}  // namespace

Pattern parse_pattern(const std::string& name) {
  for (const auto& n : kNames)
    if (name == n.name) return n.p;
  std::string all;
  for (const auto& n : kNames) all += std::string(all.empty() ? "" : ", ") + n.name;
  throw UsageError(fmt::format("--pattern {}: expected one of {}", name, all));
}

const char* to_string(Pattern p) {
  for (const auto& n : kNames)
    if (n.p == p) return n.name;
  return "fixed";
}

const std::vector<std::string>& pattern_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& n : kNames) v.emplace_back(n.name);
    return v;
  }();
  return names;
}

bool is_point_to_point(Pattern p) { return p != Pattern::row_broadcast && p != Pattern::column_reduce; }

std::int64_t geometric_gap(double rate, double log1m_rate, std::uint64_t bits) {
  if (rate >= 1.0) return 1;
  // u in (0, 1]: the number of Bernoulli(rate) trials up to and including the first success.
  const double u = (static_cast<double>(bits >> 11) + 1.0) * 0x1.0p-53;
  const double g = std::floor(std::log(u) / log1m_rate);
  return 1 + static_cast<std::int64_t>(std::min(g, 1e15));
}

std::int64_t geometric_gap(double rate, std::uint64_t bits) {
  return geometric_gap(rate, rate >= 1.0 ? 0.0 : std::log1p(-rate), bits);
}

std::uint32_t pattern_destination(const TrafficConfig& t, int width, int height, std::uint32_t src,
                                  std::uint64_t i) {
  const auto w = static_cast<std::uint32_t>(width);
  const auto h = static_cast<std::uint32_t>(height);
  const std::uint32_t n = w * h;
  const std::uint32_t x = src % w;
  const std::uint32_t y = src / w;
  const std::uint64_t bits = hash4(t.seed, src, i, kSaltDest);
  auto uniform = [&]() -> std::uint32_t {
    if (n <= 1) return src;
    const auto d = static_cast<std::uint32_t>(bits % (n - 1));
    return d >= src ? d + 1 : d;
  };
  switch (t.pattern) {
    case Pattern::uniform:
      return uniform();
    case Pattern::transpose:
      return (x % h) * w + (y % w);
    case Pattern::bit_complement:
      return (h - 1 - y) * w + (w - 1 - x);
    case Pattern::hotspot: {
      const std::uint64_t hot = hash4(t.seed, src, i, kSaltHot);
      const double u = static_cast<double>(hot >> 11) * 0x1.0p-53;
      if (u < t.hotspot_fraction) return (h / 2) * w + w / 2;
      return uniform();
    }
    case Pattern::nearest_neighbour: {
      std::uint32_t nb[4];
      int k = 0;
      if (y > 0) nb[k++] = src - w;
      if (x + 1 < w) nb[k++] = src + 1;
      if (y + 1 < h) nb[k++] = src + w;
      if (x > 0) nb[k++] = src - 1;
      return k == 0 ? src : nb[bits % static_cast<std::uint64_t>(k)];
    }
    case Pattern::row_broadcast:
      return y * w + (w - 1);
    case Pattern::column_reduce:
      return (h - 1) * w + x;
    case Pattern::fixed:
      return t.fixed_dst;
  }
  return src;
}

bool is_source(const TrafficConfig& t, int width, int height, std::uint32_t pe) {
  const auto w = static_cast<std::uint32_t>(width);
  switch (t.pattern) {
    case Pattern::row_broadcast:
      return width > 1 && pe % w == 0;
    case Pattern::column_reduce:
      return height > 1 && pe / w == 0;
    case Pattern::fixed:
      return pe == t.fixed_src;
    default:
      return true;
  }
}

}  // namespace wafersim::cycle
