#include "wafersim/tile/tile_array.hpp"

#include <algorithm>
#include <limits>

namespace wafersim {

TileArray::TileArray(int width, int height, std::uint32_t capacity_bytes)
    : width_(width),
      height_(height),
      capacity_(capacity_bytes),
      allocated_(static_cast<std::size_t>(width) * height, 0),
      busy_(static_cast<std::size_t>(width) * height, 0.0) {}

TileArray TileArray::from_spec(const SystemSpec& spec) {
  const std::uint64_t sram = spec.pe.sram.value;
  const std::uint64_t reserved = spec.pe.sram_reserved.value + spec.map.tile_reserve.value;
  const std::uint64_t cap = sram > reserved ? sram - reserved : 0;
  return TileArray(spec.wafer.width, spec.wafer.height,
                   static_cast<std::uint32_t>(std::min<std::uint64_t>(cap, UINT32_MAX)));
}

namespace {
// Bytes tile number `i` (row-major within the rect) receives when `granules` granules are
// spread over `n` tiles.
inline std::uint64_t share(std::uint64_t granules, std::uint64_t n, std::uint64_t i,
                           std::uint32_t granule) {
  const std::uint64_t base = granules / n;
  const std::uint64_t extra = granules % n;
  return (base + (i < extra ? 1 : 0)) * granule;
}
}  // namespace

bool TileArray::allocate_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule) {
  const auto n = static_cast<std::uint64_t>(r.area());
  if (n == 0) return total_bytes == 0;
  const std::uint64_t granules = (total_bytes + granule - 1) / granule;
  // Check first (the largest share goes to the first tiles), then commit.
  const std::uint64_t biggest = share(granules, n, 0, granule);
  if (biggest > capacity_) return false;
  if (min_free(r) < biggest) {
    std::uint64_t i = 0;
    for (int y = r.y; y < r.y + r.h; ++y)
      for (int x = r.x; x < r.x + r.w; ++x, ++i)
        if (allocated_[index(x, y)] + share(granules, n, i, granule) > capacity_) return false;
  }
  std::uint64_t i = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x, ++i)
      allocated_[index(x, y)] += static_cast<std::uint32_t>(share(granules, n, i, granule));
  return true;
}

void TileArray::release_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule) {
  const auto n = static_cast<std::uint64_t>(r.area());
  if (n == 0) return;
  const std::uint64_t granules = (total_bytes + granule - 1) / granule;
  std::uint64_t i = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x, ++i)
      allocated_[index(x, y)] -= static_cast<std::uint32_t>(share(granules, n, i, granule));
}

bool TileArray::allocate_each(const Rect& r, std::uint32_t bytes_per_tile) {
  if (min_free(r) < bytes_per_tile) return false;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) allocated_[index(x, y)] += bytes_per_tile;
  return true;
}

void TileArray::release_each(const Rect& r, std::uint32_t bytes_per_tile) {
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) allocated_[index(x, y)] -= bytes_per_tile;
}

void TileArray::clear() {
  std::fill(allocated_.begin(), allocated_.end(), 0u);
  std::fill(busy_.begin(), busy_.end(), 0.0);
}

SramSummary TileArray::summary(const Rect& r) const {
  SramSummary s;
  s.tiles = r.area();
  if (s.tiles == 0) return s;
  s.min = std::numeric_limits<std::uint64_t>::max();
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) {
      const std::uint64_t a = allocated_[index(x, y)];
      s.min = std::min(s.min, a);
      s.max = std::max(s.max, a);
      s.total += a;
    }
  s.mean = static_cast<double>(s.total) / static_cast<double>(s.tiles);
  return s;
}

std::uint32_t TileArray::min_free(const Rect& r) const {
  std::uint32_t most = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) most = std::max(most, allocated_[index(x, y)]);
  return capacity_ - most;
}

void TileArray::add_busy(const Rect& r, double cycles) {
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) busy_[index(x, y)] += cycles;
}

}  // namespace wafersim
