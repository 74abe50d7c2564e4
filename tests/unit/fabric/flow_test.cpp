#include "wafersim/fabric/flow.hpp"

#include <catch2/catch.hpp>

using namespace wafersim;

TEST_CASE("XY routes go along x, then y, and count hops", "[fabric][flow]") {
  LinkLoads l(8, 8);
  CHECK(l.add_xy({1, 1}, {4, 3}, 10.0) == 5);
  CHECK(l.load(1, 1, Dir::east) == 10.0);
  CHECK(l.load(3, 1, Dir::east) == 10.0);
  CHECK(l.load(4, 1, Dir::east) == 0.0);
  CHECK(l.load(4, 1, Dir::south) == 10.0);
  CHECK(l.load(4, 2, Dir::south) == 10.0);
  CHECK(l.load(4, 3, Dir::south) == 0.0);
  CHECK(l.add_xy({4, 3}, {1, 1}, 1.0) == 5);  // the way back uses the opposite links
  CHECK(l.load(4, 3, Dir::west) == 1.0);
  CHECK(l.load(1, 3, Dir::north) == 1.0);
  CHECK(l.max_load() == 10.0);
}

TEST_CASE("overlapping flows share links", "[fabric][flow]") {
  LinkLoads l(10, 1);
  l.add_xy({0, 0}, {9, 0}, 1.0);
  l.add_xy({3, 0}, {6, 0}, 1.0);
  CHECK(l.max_on_xy({0, 0}, {9, 0}) == 2.0);
  CHECK(l.max_on_xy({0, 0}, {2, 0}) == 1.0);
}

TEST_CASE("a flow between side-by-side regions uses one lane per facing row", "[fabric][flow]") {
  const auto f = plan_region_flow(Rect{0, 0, 5, 8}, Rect{5, 0, 5, 8});
  CHECK(f.lanes == 8);
  CHECK(f.max_hops == 1);
  const auto g = plan_region_flow(Rect{0, 0, 4, 4}, Rect{0, 4, 4, 10});
  CHECK(g.lanes == 4);
  CHECK(g.max_hops == 1);
}
