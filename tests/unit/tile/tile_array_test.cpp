#include "wafersim/tile/tile_array.hpp"

#include <catch2/catch.hpp>

#include "test_specs.hpp"

using namespace wafersim;

TEST_CASE("TileArray holds every tile of the WSE-2 grid", "[tile]") {
  TileArray t(757, 996, 44 * 1024);
  CHECK(t.size() == 753972u);
  CHECK(t.allocated(756, 995) == 0u);
  CHECK(t.free_bytes(0, 0) == 44u * 1024);
}

TEST_CASE("from_spec subtracts the runtime and mapper reserves", "[tile]") {
  auto s = test::small_spec(8, 4);
  s.map.tile_reserve = Bytes(1024);
  const TileArray t = TileArray::from_spec(s);
  CHECK(t.capacity() == 48u * 1024 - 4 * 1024 - 1024);
  CHECK(t.width() == 8);
  CHECK(t.height() == 4);
}

TEST_CASE("allocate_spread splits bytes with remainders on the first tiles", "[tile]") {
  TileArray t(4, 2, 100);
  const Rect r{0, 0, 4, 2};
  REQUIRE(t.allocate_spread(r, 20, 2));  // 10 granules over 8 tiles: two tiles get 4 B
  auto s = t.summary(r);
  CHECK(s.total == 20u);
  CHECK(s.max == 4u);
  CHECK(s.min == 2u);
  CHECK(t.allocated(0, 0) == 4u);
  CHECK(t.allocated(1, 0) == 4u);
  CHECK(t.allocated(2, 0) == 2u);
  t.release_spread(r, 20, 2);
  CHECK(t.summary(r).total == 0u);
}

TEST_CASE("allocation is all or nothing and never exceeds a tile", "[tile]") {
  TileArray t(2, 2, 100);
  const Rect r{0, 0, 2, 2};
  REQUIRE(t.allocate_each(Rect{0, 0, 1, 1}, 90));
  CHECK_FALSE(t.allocate_spread(r, 80, 2));  // 20 B each would overflow tile (0,0)
  CHECK(t.summary(r).total == 90u);
  CHECK(t.allocate_spread(r, 40, 2));  // 10 B each fits
  CHECK(t.summary(r).max == 100u);
  CHECK(t.min_free(r) == 0u);
  CHECK_FALSE(t.allocate_each(Rect{1, 1, 1, 1}, 91));
}

TEST_CASE("busy counters accumulate per tile", "[tile]") {
  TileArray t(3, 3, 10);
  t.add_busy(Rect{1, 1, 2, 2}, 5.0);
  CHECK(t.busy(0, 0) == 0.0);
  CHECK(t.busy(2, 2) == 5.0);
}

TEST_CASE("allocate_spreads equals one allocate_spread per total, tile by tile", "[tile]") {
  // Odd rect sizes and totals put each spread's remainder boundary mid-row.
  for (const Rect r : {Rect{1, 2, 7, 5}, Rect{0, 0, 13, 1}, Rect{3, 0, 1, 9}}) {
    for (const std::vector<std::uint64_t>& totals : {std::vector<std::uint64_t>{70, 38, 6},
                                                     {0, 1, 2, 3},
                                                     {35},
                                                     {18, 18},
                                                     {1, 3, 5, 7, 9, 11, 13, 15, 17, 19}}) {
      TileArray one(16, 10, 200), many(16, 10, 200);
      for (const auto t : totals) REQUIRE(one.allocate_spread(r, t, 2));
      REQUIRE(many.allocate_spreads(r, totals, 2));
      for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 16; ++x) REQUIRE(one.allocated(x, y) == many.allocated(x, y));
      many.release_spreads(r, totals, 2);
      CHECK(many.summary(Rect{0, 0, 16, 10}).total == 0u);
    }
  }
}

TEST_CASE("allocate_spreads is all or nothing against what tiles already hold", "[tile]") {
  TileArray t(3, 3, 100);
  const Rect r{0, 0, 3, 3};
  REQUIRE(t.allocate_each(Rect{2, 2, 1, 1}, 95));
  const std::uint64_t too_much[] = {18, 36};  // 2 + 4 B per tile: tile (2,2) would hold 101
  CHECK_FALSE(t.allocate_spreads(r, too_much));
  CHECK(t.summary(r).total == 95u);
  const std::uint64_t fits[] = {18, 18};  // 4 B per tile: (2,2) holds exactly 99
  CHECK(t.allocate_spreads(r, fits));
  CHECK(t.allocated(2, 2) == 99u);
  CHECK(t.allocated(0, 0) == 4u);
  // A share bigger than a whole empty tile never fits.
  TileArray e(2, 1, 10);
  const std::uint64_t huge[] = {24};
  CHECK_FALSE(e.allocate_spreads(Rect{0, 0, 2, 1}, huge));
  CHECK(e.summary(Rect{0, 0, 2, 1}).total == 0u);
}
