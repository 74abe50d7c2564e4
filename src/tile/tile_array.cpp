#include "wafersim/tile/tile_array.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace wafersim {

TileArray::TileArray(int width, int height, std::uint32_t capacity_bytes)
    : width_(width),
      height_(height),
      capacity_(capacity_bytes),
      allocated_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {}

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

// Runs of tiles (in the rect's row-major order) that receive the same bytes: tiles
// [previous end, end) each get `add`. Several spreads at once cut the rect into at most
// one more run than there are spreads.
struct Run {
  std::uint64_t end;
  std::uint32_t add;
};

// Sums the spreads' shares into runs; false when some tile would receive more than
// `capacity` even when empty. At most kMaxSpreads spreads.
constexpr std::size_t kMaxSpreads = 8;
std::size_t make_runs(const Rect& r, std::span<const std::uint64_t> totals, std::uint32_t granule,
                      std::uint32_t capacity, std::array<Run, kMaxSpreads + 1>& runs, std::uint32_t& peak) {
  const auto n = static_cast<std::uint64_t>(r.area());
  std::array<Spread, kMaxSpreads> sp{};
  std::array<std::uint64_t, kMaxSpreads + 1> cuts{};
  std::size_t ncuts = 0;
  for (std::size_t i = 0; i < totals.size(); ++i) {
    sp[i] = spread(r, totals[i], granule, UINT32_MAX);
    if (sp[i].extra > 0) cuts[ncuts++] = sp[i].extra;
  }
  cuts[ncuts++] = n;
  std::sort(cuts.begin(), cuts.begin() + static_cast<std::ptrdiff_t>(ncuts));
  std::size_t count = 0;
  std::uint64_t begin = 0;
  peak = 0;
  for (std::size_t c = 0; c < ncuts; ++c) {
    if (cuts[c] == begin) continue;
    std::uint64_t add = 0;
    for (std::size_t i = 0; i < totals.size(); ++i) add += begin < sp[i].extra ? sp[i].big : sp[i].small;
    if (add > capacity) return 0;
    runs[count++] = {cuts[c], static_cast<std::uint32_t>(add)};
    peak = std::max(peak, static_cast<std::uint32_t>(add));
    begin = cuts[c];
  }
  return count;
}

// Calls f(pointer, count, bytes) for each stretch of a row of the rect inside one run.
template <class F>
void for_runs(std::uint32_t* data, int width, const Rect& r, const Run* runs, std::size_t nruns, F&& f) {
  std::uint64_t i = 0;
  std::size_t k = 0;
  const auto w = static_cast<std::uint64_t>(r.w);
  for (int y = r.y; y < r.y + r.h; ++y) {
    std::uint32_t* row = data + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + r.x;
    std::uint64_t done = 0;
    while (done < w && k < nruns) {
      const std::uint64_t take = std::min(w - done, runs[k].end - (i + done));
      f(row + done, take, runs[k].add);
      done += take;
      if (i + done == runs[k].end) ++k;
    }
    i += w;
  }
}

// Kept separate so the compiler vectorizes them; cloned for AVX2 where the CPU has it
// (unsigned min/max need SSE4.1, beyond the x86-64 baseline).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WS_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define WS_VECTOR_CLONES
#endif

WS_VECTOR_CLONES std::uint32_t row_max(const std::uint32_t* p, std::uint64_t n) {
  std::uint32_t m = 0;
  for (std::uint64_t k = 0; k < n; ++k) m = std::max(m, p[k]);
  return m;
}

WS_VECTOR_CLONES void row_add(std::uint32_t* p, std::uint64_t n, std::uint32_t add) {
  for (std::uint64_t k = 0; k < n; ++k) p[k] += add;
}

WS_VECTOR_CLONES void row_stats(const std::uint32_t* p, std::uint64_t n, std::uint32_t& lo, std::uint32_t& hi,
                                std::uint64_t& total) {
  std::uint32_t a = lo, b = hi;
  std::uint64_t t = 0;
  for (std::uint64_t k = 0; k < n; ++k) {
    a = std::min(a, p[k]);
    b = std::max(b, p[k]);
    t += p[k];
  }
  lo = a;
  hi = b;
  total += t;
}

}  // namespace

bool TileArray::allocate_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule) {
  return allocate_spreads(r, std::span<const std::uint64_t>(&total_bytes, 1), granule);
}

bool TileArray::allocate_spreads(const Rect& r, std::span<const std::uint64_t> totals,
                                 std::uint32_t granule) {
  if (totals.size() > kMaxSpreads) {
    for (std::size_t i = 0; i < totals.size(); i += kMaxSpreads) {
      const auto part = totals.subspan(i, std::min(kMaxSpreads, totals.size() - i));
      if (!allocate_spreads(r, part, granule)) {
        for (std::size_t j = 0; j < i; j += kMaxSpreads)
          release_spreads(r, totals.subspan(j, std::min(kMaxSpreads, totals.size() - j)), granule);
        return false;
      }
    }
    return true;
  }
  if (r.area() == 0) return std::all_of(totals.begin(), totals.end(), [](auto t) { return t == 0; });
  std::array<Run, kMaxSpreads + 1> runs{};
  std::uint32_t peak = 0;
  const std::size_t nruns = make_runs(r, totals, granule, capacity_, runs, peak);
  if (nruns == 0) return false;
  // Check every tile first (all or nothing), unless the bound on what any tile holds
  // already proves it fits.
  if (static_cast<std::uint64_t>(most_) + peak > capacity_) {
    bool fits = true;
    for_runs(allocated_.data(), width_, r, runs.data(), nruns,
             [&](const std::uint32_t* p, std::uint64_t n, std::uint32_t add) {
               fits = fits && row_max(p, n) <= capacity_ - add;
             });
    if (!fits) return false;
  }
  for_runs(allocated_.data(), width_, r, runs.data(), nruns, row_add);
  most_ = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(capacity_, static_cast<std::uint64_t>(most_) + peak));
  return true;
}

void TileArray::release_spread(const Rect& r, std::uint64_t total_bytes, std::uint32_t granule) {
  release_spreads(r, std::span<const std::uint64_t>(&total_bytes, 1), granule);
}

void TileArray::release_spreads(const Rect& r, std::span<const std::uint64_t> totals, std::uint32_t granule) {
  if (r.area() == 0 || totals.empty()) return;
  if (totals.size() > kMaxSpreads) {
    for (std::size_t i = 0; i < totals.size(); i += kMaxSpreads)
      release_spreads(r, totals.subspan(i, std::min(kMaxSpreads, totals.size() - i)), granule);
    return;
  }
  std::array<Run, kMaxSpreads + 1> runs{};
  std::uint32_t peak = 0;
  const std::size_t nruns = make_runs(r, totals, granule, UINT32_MAX, runs, peak);
  for_runs(allocated_.data(), width_, r, runs.data(), nruns,
           [](std::uint32_t* p, std::uint64_t n, std::uint32_t sub) { row_add(p, n, 0u - sub); });
  // most_ stays: an upper bound, and releases only lower the true maximum.
}

bool TileArray::allocate_each(const Rect& r, std::uint32_t bytes_per_tile) {
  if (min_free(r) < bytes_per_tile) return false;
  for (int y = r.y; y < r.y + r.h; ++y)
    row_add(&allocated_[index(r.x, y)], static_cast<std::uint64_t>(r.w), bytes_per_tile);
  most_ = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(capacity_, static_cast<std::uint64_t>(most_) + bytes_per_tile));
  return true;
}

void TileArray::release_each(const Rect& r, std::uint32_t bytes_per_tile) {
  for (int y = r.y; y < r.y + r.h; ++y)
    row_add(&allocated_[index(r.x, y)], static_cast<std::uint64_t>(r.w), 0u - bytes_per_tile);
}

void TileArray::clear() {
  if (most_ != 0) std::fill(allocated_.begin(), allocated_.end(), 0u);
  if (!busy_.empty()) std::fill(busy_.begin(), busy_.end(), 0.0);
  most_ = 0;
}

SramSummary TileArray::summary(const Rect& r) const {
  SramSummary s;
  s.tiles = r.area();
  if (s.tiles == 0) return s;
  std::uint32_t lo = UINT32_MAX, hi = 0;
  std::uint64_t total = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    row_stats(&allocated_[index(r.x, y)], static_cast<std::uint64_t>(r.w), lo, hi, total);
  s.min = lo;
  s.max = hi;
  s.total = total;
  s.mean = static_cast<double>(s.total) / static_cast<double>(s.tiles);
  return s;
}

std::uint32_t TileArray::min_free(const Rect& r) const {
  std::uint32_t most = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    most = std::max(most, row_max(&allocated_[index(r.x, y)], static_cast<std::uint64_t>(r.w)));
  return capacity_ - most;
}

void TileArray::add_busy(const Rect& r, double cycles) {
  if (busy_.empty()) busy_.assign(allocated_.size(), 0.0);
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) busy_[index(x, y)] += cycles;
}

}  // namespace wafersim
