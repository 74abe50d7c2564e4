// Placement of inference's layer groups: split over systems, bands of strips (infer_layout.hpp).
#include "infer_layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

namespace wafersim::infer_layout {

namespace {
// Columns per group on a wafer `width` wide: in proportion to bytes, at least `need` each.
std::vector<int> strip_widths(const std::vector<double>& bytes, const std::vector<int>& need, int width) {
  const std::size_t n = bytes.size();
  std::vector<int> w(need);
  int left = width - std::accumulate(need.begin(), need.end(), 0);
  if (left <= 0) return w;
  const double total = std::accumulate(bytes.begin(), bytes.end(), 0.0);
  // Target share of the columns, minus what the minimum already gives; largest remainder.
  std::vector<double> extra(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    extra[i] = std::max(0.0, (total > 0 ? bytes[i] / total : 1.0 / static_cast<double>(n)) * width - need[i]);
  const double extra_total = std::accumulate(extra.begin(), extra.end(), 0.0);
  std::vector<std::pair<double, std::size_t>> rem;
  int given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double share =
        extra_total > 0 ? extra[i] / extra_total * left : static_cast<double>(left) / static_cast<double>(n);
    const int whole = static_cast<int>(std::floor(share));
    w[i] += whole;
    given += whole;
    rem.emplace_back(share - whole, i);
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < left && k < rem.size(); ++k, ++given) ++w[rem[k].second];
  return w;
}

}  // namespace

// Contiguous split of the groups over `n` systems minimising the largest system's bytes
// (binary search on the limit, greedy fill). Returns the first group of every system.
std::vector<std::size_t> split_groups(const std::vector<double>& bytes, int n) {
  const double total = std::accumulate(bytes.begin(), bytes.end(), 0.0);
  double biggest = 0;
  for (double x : bytes) biggest = std::max(biggest, x);
  const auto fill = [&](double limit) {
    std::vector<std::size_t> starts{0};
    double used = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (used > 0 && used + bytes[i] > limit) {
        starts.push_back(i);
        used = 0;
      }
      used += bytes[i];
    }
    return starts;
  };
  double lo = std::max(biggest, total / n), hi = total;
  for (int it = 0; it < 60 && hi - lo > 1; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (static_cast<int>(fill(mid).size()) <= n)
      hi = mid;
    else
      lo = mid;
  }
  std::vector<std::size_t> starts = fill(hi);
  // Fewer groups than systems, or a split that needs fewer systems: the rest stay empty.
  return starts;
}

int min_systems(const std::vector<double>& bytes, double capacity) {
  int need = 1;
  double used = 0;
  for (double b : bytes) {
    if (b > capacity) return 0;
    if (used + b > capacity) {
      ++need;
      used = 0;
    }
    used += b;
  }
  return need;
}

// Hops between the centres of two regions (XY routing).
double hops_between(const Rect& a, const Rect& b) {
  return std::abs((a.x + 0.5 * a.w) - (b.x + 0.5 * b.w)) + std::abs((a.y + 0.5 * a.h) - (b.y + 0.5 * b.h));
}

// Groups [first, last) in `bands` bands of rows, each band a row of strips (columns in
// proportion to bytes, at least what the bytes need), consecutive bands running in opposite
// directions so consecutive layers stay adjacent. Empty when they do not fit.
std::vector<Rect> band_layout(const std::vector<double>& group_bytes, std::size_t first, std::size_t last,
                              int bands, const Rect& usable, double tile_cap) {
  const std::size_t n = last - first;
  if (bands < 1 || static_cast<std::size_t>(bands) > n || bands > usable.h) return {};
  double total = 0;
  for (std::size_t i = first; i < last; ++i) total += group_bytes[i];
  // Band k starts at the first group whose cumulative bytes reach k / bands of the total.
  std::vector<std::size_t> starts{first};
  double acc = 0;
  for (std::size_t i = first; i < last; ++i) {
    const int k = static_cast<int>(starts.size());
    if (k < bands && i > starts.back() && acc >= total * k / bands &&
        last - i >= static_cast<std::size_t>(bands - k))
      starts.push_back(i);
    acc += group_bytes[i];
  }
  if (static_cast<int>(starts.size()) != bands) return {};
  std::vector<Rect> out;
  int y = usable.y;
  for (int k = 0; k < bands; ++k) {
    const int h = usable.h / bands + (k < usable.h % bands ? 1 : 0);
    const std::size_t b0 = starts[static_cast<std::size_t>(k)];
    const std::size_t b1 = k + 1 < bands ? starts[static_cast<std::size_t>(k) + 1] : last;
    std::vector<double> bytes;
    std::vector<int> need;
    int need_total = 0;
    for (std::size_t i = b0; i < b1; ++i) {
      bytes.push_back(group_bytes[i]);
      need.push_back(std::max(1, static_cast<int>(std::ceil(group_bytes[i] / (tile_cap * h)))));
      need_total += need.back();
    }
    if (need_total > usable.w) return {};
    const std::vector<int> widths = strip_widths(bytes, need, usable.w);
    std::vector<Rect> band;
    int x = usable.x;
    for (const int w : widths) {
      band.push_back(Rect{x, y, w, h});
      x += w;
    }
    if (k % 2 == 1) {  // right to left: mirror the strips
      for (auto& r : band) r.x = usable.x + usable.w - (r.x - usable.x) - r.w;
    }
    out.insert(out.end(), band.begin(), band.end());
    y += h;
  }
  return out;
}

std::vector<Rect> layout_areas(const Rect& usable, double bytes, double tile_cap, bool compact) {
  std::vector<Rect> out{usable};
  if (!compact) return out;
  for (const double hs : kAreaShares)
    for (const double ws : kAreaShares) {
      if (hs == 1.0 && ws == 1.0) continue;
      const Rect r{usable.x, usable.y, static_cast<int>(usable.w * ws), static_cast<int>(usable.h * hs)};
      if (r.w < 1 || r.h < 1 || tile_cap * static_cast<double>(r.area()) < bytes) continue;
      out.push_back(r);
    }
  return out;
}

std::vector<Rect> best_layout(const std::vector<double>& group_bytes, std::size_t first, std::size_t last,
                              const std::vector<Rect>& areas, double tile_cap,
                              const std::function<double(const std::vector<Rect>&)>& cost) {
  std::vector<Rect> best;
  double best_cost = 0;
  for (const Rect& area : areas)
    for (const int bands : kBandCounts) {
      std::vector<Rect> r = band_layout(group_bytes, first, last, bands, area, tile_cap);
      if (r.empty()) continue;
      const double c = cost(r);
      if (best.empty() || c < best_cost) {
        best_cost = c;
        best = std::move(r);
      }
    }
  return best;
}

bool fits_as_bands(const std::vector<double>& group_bytes, std::size_t first, std::size_t last,
                   const Rect& usable, double tile_cap) {
  for (const int bands : kBandCounts)
    if (!band_layout(group_bytes, first, last, bands, usable, tile_cap).empty()) return true;
  return false;
}

int first_unlaid(const std::vector<double>& group_bytes, const std::vector<std::size_t>& starts,
                 const Rect& usable, double tile_cap) {
  for (std::size_t s = 0; s < starts.size(); ++s) {
    const std::size_t last = s + 1 < starts.size() ? starts[s + 1] : group_bytes.size();
    if (!fits_as_bands(group_bytes, starts[s], last, usable, tile_cap)) return static_cast<int>(s);
  }
  return -1;
}

int resident_systems(const std::vector<double>& group_bytes, const Rect& usable, double tile_cap,
                     double capacity) {
  const int by_bytes = min_systems(group_bytes, capacity);
  if (by_bytes == 0) return 0;
  for (int n = by_bytes; n <= static_cast<int>(group_bytes.size()); ++n)
    if (first_unlaid(group_bytes, split_groups(group_bytes, n), usable, tile_cap) < 0) return n;
  return 0;
}

GroupRegion dense_part(const Rect& q, double dense_bytes, double expert_bytes, double tile_cap,
                       const std::function<double(const GroupRegion&)>& cost) {
  const GroupRegion whole{q.h, q.w};
  if (expert_bytes <= 0 || dense_bytes <= 0) return whole;
  const double room = tile_cap - expert_bytes / static_cast<double>(q.area());
  if (room <= 0) return whole;
  GroupRegion best = whole;
  double best_cost = cost(whole);
  for (const int d : {2, 4, 8, 16, 32}) {
    const GroupRegion r{q.h, q.w, std::max(1, q.h / d), std::max(1, q.w / d)};
    if (dense_bytes / (static_cast<double>(r.dense_rows) * r.dense_cols) > room) break;  // smaller: fuller
    const double c = cost(r);
    if (c < best_cost * (1 - 1e-12)) {
      best = r;
      best_cost = c;
    }
  }
  return best;
}

}  // namespace wafersim::infer_layout
