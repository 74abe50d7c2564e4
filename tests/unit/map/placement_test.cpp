#include "wafersim/map/placement.hpp"

#include <catch2/catch.hpp>
#include <numeric>
#include <set>

using namespace wafersim;

TEST_CASE("split_proportional keeps the total and the minimum", "[map][placement]") {
  const auto parts = split_proportional(100, {1, 2, 3, 4}, 1);
  CHECK(std::accumulate(parts.begin(), parts.end(), 0) == 100);
  CHECK(parts == std::vector<int>{10, 20, 30, 40});
  const auto tiny = split_proportional(5, {1000, 1, 1, 1}, 1);
  CHECK(std::accumulate(tiny.begin(), tiny.end(), 0) == 5);
  for (int p : tiny) CHECK(p >= 1);
}

TEST_CASE("every strategy tiles the grid with disjoint adjacent rectangles", "[map][placement]") {
  const Rect grid{4, 1, 750, 994};
  auto n = GENERATE(1, 2, 3, 7, 26, 50, 130);
  for (const auto& name : placement_strategy_names())
    for (int variant : placement_strategy_variants(name)) {
      INFO("strategy " << name << " variant " << variant << ", " << n << " stages");
      const auto strat = make_placement_strategy(name, variant);
      REQUIRE(strat);
      std::vector<double> w(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) w[static_cast<std::size_t>(i)] = 1.0 + (i % 3);
      const auto regions = strat->place(grid, w);
      REQUIRE(regions);
      REQUIRE(regions->size() == static_cast<std::size_t>(n));
      long long area = 0;
      for (const auto& r : *regions) {
        CHECK(rect_inside(r, grid));
        area += r.area();
      }
      CHECK(rects_disjoint(*regions));
      CHECK(area == grid.area());  // the whole usable grid is used
      int adjacent = 0;
      for (int i = 0; i + 1 < n; ++i)
        adjacent += rects_adjacent((*regions)[static_cast<std::size_t>(i)],
                                   (*regions)[static_cast<std::size_t>(i) + 1]);
      if (name == "strips") {
        CHECK(adjacent == n - 1);  // serpentine: every consecutive pair shares an edge
      } else {
        CHECK(adjacent >= (n - 1) * 3 / 5);  // bisection: most do (the cut is shared, not always an edge)
      }
    }
}

TEST_CASE("strips variants use one band fewer and one more", "[map][placement]") {
  const Rect grid{0, 0, 994, 750};
  const std::vector<double> w(26, 1.0);
  const auto bands = [&](int variant) {
    const auto regions = make_placement_strategy("strips", variant)->place(grid, w);
    REQUIRE(regions);
    std::set<int> ys;
    for (const auto& r : *regions) ys.insert(r.y);
    return static_cast<int>(ys.size());
  };
  CHECK(placement_strategy_variants("strips") == std::vector<int>{0, -1, 1});
  CHECK(bands(-1) == bands(0) - 1);
  CHECK(bands(1) == bands(0) + 1);
  CHECK(placement_strategy_variants("bisection") == std::vector<int>{0});
  CHECK(make_placement_strategy("bisection", 1) == nullptr);
}

TEST_CASE("region areas follow the weights", "[map][placement]") {
  const Rect grid{0, 0, 400, 400};
  for (const auto& name : placement_strategy_names()) {
    const auto regions = make_placement_strategy(name)->place(grid, {1, 3});
    REQUIRE(regions);
    const double ratio =
        static_cast<double>((*regions)[1].area()) / static_cast<double>((*regions)[0].area());
    CHECK(ratio == Approx(3.0).epsilon(0.05));
  }
}

TEST_CASE("more stages than the grid can hold is refused, not a crash", "[map][placement]") {
  const Rect grid{0, 0, 2, 2};
  for (const auto& name : placement_strategy_names())
    CHECK_FALSE(make_placement_strategy(name)->place(grid, std::vector<double>(9, 1.0)));
  CHECK(make_placement_strategy("zigzag") == nullptr);
}
