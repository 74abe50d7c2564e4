#include "wafersim/fabric/flow.hpp"

#include <algorithm>
#include <cstdlib>

namespace wafersim {

LinkLoads::LinkLoads(int width, int height)
    : width_(width), height_(height), load_(static_cast<std::size_t>(width) * height * 4, 0.0) {}

template <class F>
void LinkLoads::walk_xy(Tile a, Tile b, F&& f) const {
  int x = a.x;
  int y = a.y;
  while (x != b.x) {
    const Dir d = b.x > x ? Dir::east : Dir::west;
    f(slot(x, y, d));
    x += b.x > x ? 1 : -1;
  }
  while (y != b.y) {
    const Dir d = b.y > y ? Dir::south : Dir::north;
    f(slot(x, y, d));
    y += b.y > y ? 1 : -1;
  }
}

int LinkLoads::add_xy(Tile a, Tile b, double bytes) {
  int hops = 0;
  walk_xy(a, b, [&](std::size_t s) {
    load_[s] += bytes;
    ++hops;
  });
  return hops;
}

double LinkLoads::max_on_xy(Tile a, Tile b) const {
  double m = 0;
  walk_xy(a, b, [&](std::size_t s) { m = std::max(m, load_[s]); });
  return m;
}

double LinkLoads::max_load() const {
  return load_.empty() ? 0.0 : *std::max_element(load_.begin(), load_.end());
}

double LinkLoads::mean_load() const {
  if (load_.empty()) return 0;
  double s = 0;
  for (double v : load_) s += v;
  return s / static_cast<double>(load_.size());
}

std::vector<double> LinkLoads::per_tile_max() const {
  std::vector<double> out(static_cast<std::size_t>(width_) * height_, 0.0);
  for (std::size_t t = 0; t < out.size(); ++t)
    out[t] = std::max({load_[4 * t], load_[4 * t + 1], load_[4 * t + 2], load_[4 * t + 3]});
  return out;
}

void LinkLoads::clear() { std::fill(load_.begin(), load_.end(), 0.0); }

namespace {
// Evenly spaced integer positions in [lo, lo + n): k of them.
int spread(int lo, int n, int k, int i) {
  return lo + static_cast<int>((static_cast<long long>(2 * i + 1) * n) / (2LL * k));
}
}  // namespace

RegionFlow plan_region_flow(const Rect& from, const Rect& to) {
  RegionFlow f;
  // Facing edges: if the regions are side by side (their x ranges do not overlap), lanes run
  // horizontally from from's facing column to to's facing column; otherwise vertically.
  const bool side_by_side = from.x + from.w <= to.x || to.x + to.w <= from.x;
  if (side_by_side) {
    const int sx = to.x >= from.x + from.w ? from.x + from.w - 1 : from.x;
    const int dx = to.x >= from.x + from.w ? to.x : to.x + to.w - 1;
    f.lanes = std::max(1, std::min(from.h, to.h));
    for (int i = 0; i < f.lanes; ++i)
      f.routes.push_back(
          {Tile{sx, spread(from.y, from.h, f.lanes, i)}, Tile{dx, spread(to.y, to.h, f.lanes, i)}});
  } else {
    const int sy = to.y >= from.y + from.h ? from.y + from.h - 1 : from.y;
    const int dy = to.y >= from.y + from.h ? to.y : to.y + to.h - 1;
    f.lanes = std::max(1, std::min(from.w, to.w));
    for (int i = 0; i < f.lanes; ++i)
      f.routes.push_back(
          {Tile{spread(from.x, from.w, f.lanes, i), sy}, Tile{spread(to.x, to.w, f.lanes, i), dy}});
  }
  for (const auto& [a, b] : f.routes)
    f.max_hops = std::max(f.max_hops, std::abs(a.x - b.x) + std::abs(a.y - b.y));
  return f;
}

double link_bytes_per_cycle(const RouterSpec& r) { return r.wavelet_bits / 8.0 * r.wavelets_per_cycle; }

}  // namespace wafersim
