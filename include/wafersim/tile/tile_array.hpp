#pragma once
// Every tile (PE + router) of the wafer grid as struct-of-arrays: SRAM capacity and
// allocation per tile, and per-tile counters. Real state the simulation reads and writes;
// sized from the spec (757 x 996 = 753,972 tiles on the WSE-2 grid, any size works).
#include <cstdint>
#include <span>
#include <vector>

#include "wafersim/spec/system_spec.hpp"
#include "wafersim/tile/zeroed_buffer.hpp"

namespace wafersim {

struct SramSummary {
  std::uint64_t min = 0;
  double mean = 0;
  std::uint64_t max = 0;
  std::uint64_t total = 0;
  long long tiles = 0;
};

class TileArray {
 public:
  // capacity = usable data bytes per tile (SRAM minus runtime reserve minus mapper reserve).
  TileArray(int width, int height, std::uint32_t capacity_bytes);
  static TileArray from_spec(const SystemSpec& spec);

  int width() const { return width_; }
  int height() const { return height_; }
  std::size_t size() const { return allocated_.size(); }
  std::size_t index(int x, int y) const { return static_cast<std::size_t>(y) * width_ + x; }
  std::uint32_t capacity() const { return capacity_; }

  std::uint32_t allocated(int x, int y) const { return allocated_[index(x, y)]; }
  std::uint32_t free_bytes(int x, int y) const { return capacity_ - allocated_[index(x, y)]; }

  // Spreads `total_bytes` over the tiles of `r` in `granule`-byte units, row-major, the first
  // tiles taking one granule more when it does not divide evenly (the way a compiler splits a
  // tensor). All or nothing: returns false and changes nothing if any tile would overflow.
  bool allocate_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule = 2);
  // Several spreads over the same rect at once, each split as allocate_spread would, in one
  // pass over the tiles. All or nothing.
  bool allocate_spreads(const Rect& r, std::span<const std::uint64_t> totals, std::uint32_t granule = 2);
  // The same bytes on every tile of `r`.
  bool allocate_each(const Rect& r, std::uint32_t bytes_per_tile);
  // Undoes allocate_spread / allocate_each with the same arguments.
  void release_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule = 2);
  void release_spreads(const Rect& r, std::span<const std::uint64_t> totals, std::uint32_t granule = 2);
  void release_each(const Rect& r, std::uint32_t bytes_per_tile);
  void clear();

  SramSummary summary(const Rect& r) const;
  // Largest allocation the tile holding the most can still take.
  std::uint32_t min_free(const Rect& r) const;

  // Per-tile busy cycles (compute) accumulated by the simulation.
  void add_busy(const Rect& r, double cycles);
  double busy(int x, int y) const { return busy_.empty() ? 0.0 : busy_[index(x, y)]; }
  std::span<const std::uint32_t> allocation() const { return allocated_.view(); }
  const std::vector<double>& busy_cycles() const { return busy_; }  // empty until add_busy

 private:
  int width_;
  int height_;
  std::uint32_t capacity_;
  ZeroedBuffer<std::uint32_t> allocated_;
  std::vector<double> busy_;  // allocated on first use: most runs never count per-tile busy
  // Upper bound on what any tile holds: allocations that provably fit under it skip the
  // per-tile check pass.
  std::uint32_t most_ = 0;
};

}  // namespace wafersim
