// Band layouts of inference's layer groups (src/sim/infer_layout.cpp): bytes that fit a wafer
// may still not fit it as regions, since each group's strip rounds up to whole columns of its
// band; infer() then streams the weights from MemoryX instead of failing (found by
// tests/fuzz/fuzz_spec_to_sim, corpus regress-infer-unlaid-*).
#include "sim/infer_layout.hpp"

#include <catch2/catch.hpp>

using namespace wafersim;
using namespace wafersim::infer_layout;

TEST_CASE("groups that fit a wafer by bytes may not fit it as bands of strips", "[sim][infer]") {
  const Rect wafer{0, 0, 4, 64};  // 256 tiles of 1 byte
  // Five groups of 51 tiles (255 in all): one band needs 5 columns; two bands of 32 rows put 2-3
  // groups of 2 columns each in 4; five bands of 12-13 rows need 5 columns a group.
  const std::vector<double> tight(5, 51.0);
  CHECK_FALSE(fits_as_bands(tight, 0, tight.size(), wafer, 1.0));
  for (const int bands : kBandCounts) CHECK(band_layout(tight, 0, tight.size(), bands, wafer, 1.0).empty());
  // Five groups of 40: five bands of 12-13 rows hold one group of 4 columns each.
  const std::vector<double> loose(5, 40.0);
  REQUIRE(fits_as_bands(loose, 0, loose.size(), wafer, 1.0));
  const std::vector<Rect> r = band_layout(loose, 0, loose.size(), 5, wafer, 1.0);
  REQUIRE(r.size() == 5u);
  for (const Rect& q : r) CHECK(q.area() * 1.0 >= 40.0);
}

TEST_CASE("first_unlaid names the first system whose groups have no band layout", "[sim][infer]") {
  const Rect wafer{0, 0, 4, 64};
  std::vector<double> bytes(5, 40.0);  // system 0: groups 0..4, fit
  bytes.insert(bytes.end(), 5, 51.0);  // system 1: groups 5..9, do not
  CHECK(first_unlaid(bytes, {0, 5}, wafer, 1.0) == 1);
  CHECK(first_unlaid(bytes, {0}, Rect{0, 0, 64, 64}, 1.0) == -1);  // one larger wafer holds all ten
}

TEST_CASE("resident_systems: the fewest systems whose shares all lay out, not the bytes alone",
          "[sim][infer]") {
  const Rect wafer{0, 0, 4, 64};  // 256 tiles of 1 byte
  // Ten groups of 51 bytes: 510 bytes fit two wafers, but five groups of 51 do not lay out on
  // one (above); four per wafer do (two bands of two strips of 2 columns, 64 tiles each).
  const std::vector<double> tight(10, 51.0);
  CHECK(min_systems(tight, 256.0) == 2);
  CHECK(first_unlaid(tight, split_groups(tight, 2), wafer, 1.0) >= 0);
  const int n = resident_systems(tight, wafer, 1.0, 256.0);
  CHECK(n == 3);
  CHECK(first_unlaid(tight, split_groups(tight, n), wafer, 1.0) == -1);
  // Bytes and layout agree: the bytes' count.
  CHECK(resident_systems(std::vector<double>(10, 40.0), wafer, 1.0, 256.0) == 2);
  // One group larger than a wafer: none.
  CHECK(resident_systems({300.0, 10.0}, wafer, 1.0, 256.0) == 0);
}

TEST_CASE("layout_areas: the wafer, then (compact) its corners that hold the bytes", "[sim][infer]") {
  const Rect wafer{2, 1, 64, 128};  // 8192 tiles of 1 byte
  CHECK(layout_areas(wafer, 100.0, 1.0, false) == std::vector<Rect>{wafer});
  const std::vector<Rect> a = layout_areas(wafer, 1000.0, 1.0, true);
  REQUIRE(a.size() > 1u);
  CHECK(a.front() == wafer);
  for (const Rect& r : a) {
    CHECK(r.x == wafer.x);  // anchored at the usable corner
    CHECK(r.y == wafer.y);
    CHECK(r.area() >= 1000);
    CHECK(r.w <= wafer.w);
    CHECK(r.h <= wafer.h);
  }
  // 64 x 128 / 16 / 16 = 4 x 8 tiles hold 32 bytes, not 1000: not offered.
  CHECK(std::find(a.begin(), a.end(), Rect{2, 1, 4, 8}) == a.end());
  CHECK(std::find(a.begin(), a.end(), Rect{2, 1, 32, 64}) != a.end());
  // A full wafer has only itself.
  CHECK(layout_areas(wafer, 8000.0, 1.0, true).size() == 1u);
}

TEST_CASE("best_layout: the fewest cost over areas and band counts, the first of equals", "[sim][infer]") {
  const Rect wafer{0, 0, 16, 64};
  const std::vector<double> bytes(4, 40.0);
  const std::vector<Rect> areas = layout_areas(wafer, 160.0, 1.0, true);
  // A cost that favours small regions picks one that is not the whole wafer, and it holds the bytes.
  const auto area_of = [](const std::vector<Rect>& r) {
    double a = 0;
    for (const Rect& q : r) a += static_cast<double>(q.area());
    return a;
  };
  const std::vector<Rect> small = best_layout(bytes, 0, bytes.size(), areas, 1.0, area_of);
  REQUIRE(small.size() == 4u);
  CHECK(area_of(small) < static_cast<double>(wafer.area()));
  for (const Rect& q : small) CHECK(q.area() >= 40);
  // Equal costs keep the first layout tried: one band on the whole wafer.
  const std::vector<Rect> tie =
      best_layout(bytes, 0, bytes.size(), areas, 1.0, [](const std::vector<Rect>&) { return 1.0; });
  CHECK(tie == band_layout(bytes, 0, bytes.size(), 1, wafer, 1.0));
  // Nothing fits: empty.
  CHECK(best_layout(std::vector<double>(4, 1e6), 0, 4, areas, 1.0, area_of).empty());
}

TEST_CASE("dense_part: a mixture of experts' other ops on the part of its region that holds them",
          "[sim][infer]") {
  const Rect q{0, 0, 64, 128};  // 8192 tiles of 10 bytes
  // Experts take 6 bytes a tile: a part needs dense_bytes / 4 tiles.
  const double experts = 6.0 * 8192, cap = 10.0;
  int calls = 0;
  const auto smaller_is_faster = [&](const GroupRegion& r) {
    ++calls;
    return r.split() ? static_cast<double>(r.dense_rows + r.dense_cols) : 1e9;
  };
  // 1024 dense bytes need 256 tiles: 1/2 (64 x 32), 1/4 (32 x 16 = 512) hold them, 1/8 (16 x 8) not.
  const GroupRegion r = dense_part(q, 1024, experts, cap, smaller_is_faster);
  CHECK(r.rows == 128);
  CHECK(r.cols == 64);
  CHECK(r.dense_rows == 32);
  CHECK(r.dense_cols == 16);
  CHECK(1024 / (static_cast<double>(r.dense_rows) * r.dense_cols) + experts / q.area() <= cap);
  // The whole region when it is as fast, and for a group without experts or without other bytes.
  const auto flat = [](const GroupRegion&) { return 5.0; };
  CHECK_FALSE(dense_part(q, 1024, experts, cap, flat).split());
  calls = 0;
  CHECK_FALSE(dense_part(q, 1024, 0, cap, smaller_is_faster).split());
  CHECK_FALSE(dense_part(q, 0, experts, cap, smaller_is_faster).split());
  CHECK(calls == 0);
  // Experts filling the tiles leave no room for a part.
  CHECK_FALSE(dense_part(q, 1024, cap * 8192, cap, smaller_is_faster).split());
  // An op of the group: routed experts over the region, the rest on the part.
  Op expert, dense;
  expert.experts = 8;
  CHECK(r.of(expert) == std::pair{128, 64});
  CHECK(r.of(dense) == std::pair{32, 16});
  CHECK(GroupRegion{128, 64}.of(dense) == std::pair{128, 64});
}
