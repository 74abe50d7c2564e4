#include <algorithm>
#include <cmath>
#include <numeric>

#include "wafersim/map/placement.hpp"

namespace wafersim {

std::vector<int> split_proportional(int total, const std::vector<double>& weights, int min_each) {
  const int n = static_cast<int>(weights.size());
  std::vector<int> out(static_cast<std::size_t>(n), min_each);
  if (n == 0 || total <= min_each * n) return out;
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<double> exact(static_cast<std::size_t>(n));
  int given = 0;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    exact[k] = (sum > 0 ? weights[k] / sum : 1.0 / n) * total;
    out[k] = std::max(min_each, static_cast<int>(std::floor(exact[k])));
    given += out[k];
  }
  // Hand out what is left by largest remainder, or take back (from the parts furthest above
  // their exact share) what the minimum over-allocated; ties go to the lower index.
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  auto excess = [&](int i) { return out[static_cast<std::size_t>(i)] - exact[static_cast<std::size_t>(i)]; };
  while (given < total) {
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return excess(a) < excess(b); });
    ++out[static_cast<std::size_t>(order.front())];
    ++given;
  }
  while (given > total) {
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return excess(a) > excess(b); });
    bool took = false;
    for (int i : order)
      if (out[static_cast<std::size_t>(i)] > min_each) {
        --out[static_cast<std::size_t>(i)];
        --given;
        took = true;
        break;
      }
    if (!took) break;
  }
  return out;
}

bool rect_inside(const Rect& in, const Rect& out) {
  return in.w > 0 && in.h > 0 && in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
         in.y + in.h <= out.y + out.h;
}

bool rects_disjoint(const std::vector<Rect>& rs) {
  for (std::size_t i = 0; i < rs.size(); ++i)
    for (std::size_t j = i + 1; j < rs.size(); ++j) {
      const Rect& a = rs[i];
      const Rect& b = rs[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) return false;
    }
  return true;
}

bool rects_adjacent(const Rect& a, const Rect& b) {
  const bool x_touch = a.x + a.w == b.x || b.x + b.w == a.x;
  const bool y_touch = a.y + a.h == b.y || b.y + b.h == a.y;
  const bool x_overlap = a.x < b.x + b.w && b.x < a.x + a.w;
  const bool y_overlap = a.y < b.y + b.h && b.y < a.y + a.h;
  return (x_touch && y_overlap) || (y_touch && x_overlap);
}

namespace {

// Serpentine strips: the grid is cut into horizontal bands; each band holds consecutive stages
// as vertical strips, left to right in even bands and right to left in odd ones, so the last
// stage of a band sits above the first stage of the next. Band count is chosen so a stage's
// region is about square.
class StripsStrategy final : public PlacementStrategy {
 public:
  // `band_delta` moves the band count off the square-region choice (the search tries both
  // neighbours: how a stage's cost depends on its region's shape decides which is best).
  explicit StripsStrategy(int band_delta = 0) : delta_(band_delta) {}
  std::string name() const override { return "strips"; }
  std::string description() const override { return "serpentine bands of vertical strips"; }

  std::optional<std::vector<Rect>> place(const Rect& grid,
                                         const std::vector<double>& weights) const override {
    const int n = static_cast<int>(weights.size());
    if (n == 0) return std::vector<Rect>{};
    int bands = static_cast<int>(std::lround(std::sqrt(static_cast<double>(grid.h) * n / grid.w))) + delta_;
    bands = std::clamp(bands, 1, std::min(n, grid.h));
    while (bands > 1 && (n + bands - 1) / bands > grid.w) --bands;
    if ((n + bands - 1) / bands > grid.w) return std::nullopt;
    // Contiguous stages per band, cut where the cumulative weight crosses b / bands.
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<int> first(static_cast<std::size_t>(bands) + 1, 0);
    first[static_cast<std::size_t>(bands)] = n;
    double acc = 0;
    int b = 1;
    for (int i = 0; i < n && b < bands; ++i) {
      acc += weights[static_cast<std::size_t>(i)];
      if (acc >= total * b / bands) first[static_cast<std::size_t>(b++)] = i + 1;
    }
    for (; b < bands; ++b) first[static_cast<std::size_t>(b)] = n;
    // Every band needs at least one stage (and no more stages than columns).
    for (int k = 1; k < bands; ++k) {
      auto& cut = first[static_cast<std::size_t>(k)];
      cut = std::clamp(cut, first[static_cast<std::size_t>(k) - 1] + 1, n - (bands - k));
    }
    for (int k = 0; k < bands; ++k)
      if (first[static_cast<std::size_t>(k) + 1] - first[static_cast<std::size_t>(k)] > grid.w)
        return std::nullopt;
    std::vector<double> band_w(static_cast<std::size_t>(bands), 0.0);
    for (int k = 0; k < bands; ++k)
      for (int i = first[static_cast<std::size_t>(k)]; i < first[static_cast<std::size_t>(k) + 1]; ++i)
        band_w[static_cast<std::size_t>(k)] += weights[static_cast<std::size_t>(i)];
    const auto heights = split_proportional(grid.h, band_w, 1);
    std::vector<Rect> out(static_cast<std::size_t>(n));
    int y = grid.y;
    for (int k = 0; k < bands; ++k) {
      const int lo = first[static_cast<std::size_t>(k)];
      const int hi = first[static_cast<std::size_t>(k) + 1];
      std::vector<double> w(weights.begin() + lo, weights.begin() + hi);
      const auto widths = split_proportional(grid.w, w, 1);
      const int h = heights[static_cast<std::size_t>(k)];
      int x = k % 2 == 0 ? grid.x : grid.x + grid.w;
      for (int i = lo; i < hi; ++i) {
        const int wi = widths[static_cast<std::size_t>(i - lo)];
        if (k % 2 == 0) {
          out[static_cast<std::size_t>(i)] = Rect{x, y, wi, h};
          x += wi;
        } else {
          x -= wi;
          out[static_cast<std::size_t>(i)] = Rect{x, y, wi, h};
        }
      }
      y += h;
    }
    return out;
  }

 private:
  int delta_;
};

// Recursive bisection: split the stage sequence where its weight halves, and the rectangle
// across its longer side in the same proportion. Each call knows on which side of its
// rectangle the previous stage lies (entry) and the next one (exit), and orders the halves so
// the first touches the entry side and the second the exit side: consecutive stages end up on
// either side of the same cut, usually sharing an edge.
class BisectionStrategy final : public PlacementStrategy {
 public:
  std::string name() const override { return "bisection"; }
  std::string description() const override { return "recursive bisection of the grid"; }

  std::optional<std::vector<Rect>> place(const Rect& grid,
                                         const std::vector<double>& weights) const override {
    std::vector<Rect> out(weights.size());
    if (weights.empty()) return out;
    if (!split(grid, weights, 0, static_cast<int>(weights.size()), Side::none, Side::none, out))
      return std::nullopt;
    return out;
  }

 private:
  enum class Side { none, left, right, top, bottom };

  static bool split(const Rect& r, const std::vector<double>& w, int lo, int hi, Side entry, Side exit,
                    std::vector<Rect>& out) {
    if (hi - lo == 1) {
      out[static_cast<std::size_t>(lo)] = r;
      return r.w > 0 && r.h > 0;
    }
    double total = 0;
    for (int i = lo; i < hi; ++i) total += w[static_cast<std::size_t>(i)];
    int mid = lo + 1;
    double acc = w[static_cast<std::size_t>(lo)];
    double best = std::abs(2 * acc - total);
    for (int i = lo + 1; i < hi - 1; ++i) {
      const double next = acc + w[static_cast<std::size_t>(i)];
      if (std::abs(2 * next - total) >= best) break;
      best = std::abs(2 * next - total);
      mid = i + 1;
      acc = next;
    }
    const auto horizontal = [](Side s) { return s == Side::left || s == Side::right; };
    const auto vertical = [](Side s) { return s == Side::top || s == Side::bottom; };
    // Cut across the longer side, unless entry and exit would both need the same part.
    bool cut_x = r.w >= r.h;
    if (cut_x && horizontal(entry) && entry == exit) cut_x = false;
    if (!cut_x && vertical(entry) && entry == exit) cut_x = true;
    const int side = cut_x ? r.w : r.h;
    if (side < 2) {
      cut_x = !cut_x;
      if ((cut_x ? r.w : r.h) < 2) return false;
    }
    const int len = cut_x ? r.w : r.h;
    // Which half comes first along the axis (left/top) or second (right/bottom)?
    const Side low = cut_x ? Side::left : Side::top;
    const Side high = cut_x ? Side::right : Side::bottom;
    bool first_low = true;
    if (entry == high || exit == low) first_low = false;
    const double frac = total > 0 ? acc / total : 0.5;
    int a = static_cast<int>(std::lround(len * (first_low ? frac : 1.0 - frac)));
    a = std::clamp(a, 1, len - 1);
    const Rect lo_rect = cut_x ? Rect{r.x, r.y, a, r.h} : Rect{r.x, r.y, r.w, a};
    const Rect hi_rect = cut_x ? Rect{r.x + a, r.y, r.w - a, r.h} : Rect{r.x, r.y + a, r.w, r.h - a};
    const Rect& first = first_low ? lo_rect : hi_rect;
    const Rect& second = first_low ? hi_rect : lo_rect;
    const Side towards_second = first_low ? high : low;
    const Side towards_first = first_low ? low : high;
    // The first half exits through the cut; the second enters through it.
    const Side first_entry = entry == towards_second ? Side::none : entry;
    const Side second_exit = exit == towards_first ? Side::none : exit;
    return split(first, w, lo, mid, first_entry, towards_second, out) &&
           split(second, w, mid, hi, towards_first, second_exit, out);
  }
};

}  // namespace

std::unique_ptr<PlacementStrategy> make_placement_strategy(const std::string& name, int variant) {
  if (name == "strips") return std::make_unique<StripsStrategy>(variant);
  if (name == "bisection") return variant == 0 ? std::make_unique<BisectionStrategy>() : nullptr;
  return nullptr;
}

std::vector<int> placement_strategy_variants(const std::string& name) {
  if (name == "strips") return {0, -1, 1};
  return {0};
}

const std::vector<std::string>& placement_strategy_names() {
  static const std::vector<std::string> names = {"strips", "bisection"};
  return names;
}

}  // namespace wafersim
