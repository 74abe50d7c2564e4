#include "wafersim/tile/tile_array.hpp"

#include <algorithm>
#include <limits>

namespace wafersim {

TileArray::TileArray(int width, int height, std::uint32_t capacity_bytes)
    : width_(width),
      height_(height),
      capacity_(capacity_bytes),
      allocated_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0) {}

TileArray TileArray::from_spec(const SystemSpec& spec) {
  const std::uint64_t sram = spec.pe.sram.value;
  const std::uint64_t reserved = spec.pe.sram_reserved.value + spec.map.tile_reserve.value;
  const std::uint64_t cap = sram > reserved ? sram - reserved : 0;
  return TileArray(spec.wafer.width, spec.wafer.height,
                   static_cast<std::uint32_t>(std::min<std::uint64_t>(cap, UINT32_MAX)));
}

namespace {

// How `total_bytes` spreads over the n tiles of a rect in `granule` units, row-major: the
// first `extra` tiles take one granule more than the others (the way a compiler splits a
// tensor).
struct Spread {
  std::uint64_t extra = 0;  // tiles that get `big`
  std::uint32_t big = 0;    // bytes on each of the first `extra` tiles
  std::uint32_t small = 0;  // bytes on each of the rest
  bool too_big = false;     // a share does not even fit an empty tile
};

Spread spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule, std::uint32_t capacity) {
  Spread s;
  const auto n = static_cast<std::uint64_t>(r.area());
  const std::uint64_t granules = (total_bytes + granule - 1) / granule;
  const std::uint64_t base = granules / n;
  s.extra = granules % n;
  const std::uint64_t big = (base + (s.extra ? 1 : 0)) * granule;
  s.too_big = big > capacity;
  s.big = static_cast<std::uint32_t>(std::min<std::uint64_t>(big, UINT32_MAX));
  s.small = static_cast<std::uint32_t>(std::min<std::uint64_t>(base * granule, UINT32_MAX));
  return s;
}

// Calls f(row pointer, count, bytes) for the runs of the rect that receive the same share.
template <class F>
void for_runs(std::uint32_t* data, int width, const Rect& r, const Spread& s, F&& f) {
  std::uint64_t i = 0;
  for (int y = r.y; y < r.y + r.h; ++y) {
    std::uint32_t* row = data + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + r.x;
    const auto w = static_cast<std::uint64_t>(r.w);
    if (i + w <= s.extra) {
      f(row, w, s.big);
    } else if (i >= s.extra) {
      f(row, w, s.small);
    } else {
      const std::uint64_t k = s.extra - i;
      f(row, k, s.big);
      f(row + k, w - k, s.small);
    }
    i += w;
  }
}

}  // namespace

bool TileArray::allocate_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule) {
  if (r.area() == 0) return total_bytes == 0;
  const Spread s = spread(r, total_bytes, granule, capacity_);
  if (s.too_big) return false;
  // Check every tile first (all or nothing), unless nothing is allocated yet.
  if (!empty_) {
    bool fits = true;
    for_runs(allocated_.data(), width_, r, s,
             [&](const std::uint32_t* p, std::uint64_t n, std::uint32_t add) {
               std::uint32_t most = 0;
               for (std::uint64_t k = 0; k < n; ++k) most = std::max(most, p[k]);
               fits = fits && most <= capacity_ - add;
             });
    if (!fits) return false;
  }
  for_runs(allocated_.data(), width_, r, s, [](std::uint32_t* p, std::uint64_t n, std::uint32_t add) {
    for (std::uint64_t k = 0; k < n; ++k) p[k] += add;
  });
  empty_ = empty_ && total_bytes == 0;
  return true;
}

void TileArray::release_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule) {
  if (r.area() == 0) return;
  const Spread s = spread(r, total_bytes, granule, UINT32_MAX);
  for_runs(allocated_.data(), width_, r, s, [](std::uint32_t* p, std::uint64_t n, std::uint32_t sub) {
    for (std::uint64_t k = 0; k < n; ++k) p[k] -= sub;
  });
}

bool TileArray::allocate_each(const Rect& r, std::uint32_t bytes_per_tile) {
  if (min_free(r) < bytes_per_tile) return false;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) allocated_[index(x, y)] += bytes_per_tile;
  empty_ = empty_ && bytes_per_tile == 0;
  return true;
}

void TileArray::release_each(const Rect& r, std::uint32_t bytes_per_tile) {
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) allocated_[index(x, y)] -= bytes_per_tile;
}

void TileArray::clear() {
  if (!empty_) std::fill(allocated_.begin(), allocated_.end(), 0u);
  if (!busy_.empty()) std::fill(busy_.begin(), busy_.end(), 0.0);
  empty_ = true;
}

SramSummary TileArray::summary(const Rect& r) const {
  SramSummary s;
  s.tiles = r.area();
  if (s.tiles == 0) return s;
  std::uint32_t lo = UINT32_MAX, hi = 0;
  std::uint64_t total = 0;
  for (int y = r.y; y < r.y + r.h; ++y) {
    const std::uint32_t* row = &allocated_[index(r.x, y)];
    for (int k = 0; k < r.w; ++k) {
      lo = std::min(lo, row[k]);
      hi = std::max(hi, row[k]);
      total += row[k];
    }
  }
  s.min = lo;
  s.max = hi;
  s.total = total;
  s.mean = static_cast<double>(s.total) / static_cast<double>(s.tiles);
  return s;
}

std::uint32_t TileArray::min_free(const Rect& r) const {
  std::uint32_t most = 0;
  for (int y = r.y; y < r.y + r.h; ++y) {
    const std::uint32_t* row = &allocated_[index(r.x, y)];
    for (int k = 0; k < r.w; ++k) most = std::max(most, row[k]);
  }
  return capacity_ - most;
}

void TileArray::add_busy(const Rect& r, double cycles) {
  if (busy_.empty()) busy_.assign(allocated_.size(), 0.0);
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) busy_[index(x, y)] += cycles;
}

}  // namespace wafersim
