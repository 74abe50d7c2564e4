#pragma once
// Pipelined placement, structured as in Timeloop: a placement *space* (a strategy that turns
// per-stage weights into non-overlapping rectangles), a *search* (re-weighting stages by their
// measured time until the slowest stage stops improving) and a *cost model* (the kernel cost
// model on each region, plus the per-tile SRAM fit). Strategies are registered by name and
// chosen with `map.strategy` (auto tries them all and keeps the best).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

class PlacementStrategy {
 public:
  virtual ~PlacementStrategy() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // One rectangle per stage inside `grid`, consecutive stages adjacent, areas roughly
  // proportional to `weights`; nullopt when the grid cannot hold that many stages.
  virtual std::optional<std::vector<Rect>> place(const Rect& grid,
                                                 const std::vector<double>& weights) const = 0;
};

// "strips": serpentine bands of vertical strips; "bisection": recursive bisection.
// `variant` selects one of a strategy's variants (placement_strategy_variants; 0 = the
// default): strips tries one band fewer and one more than the square-region count.
std::unique_ptr<PlacementStrategy> make_placement_strategy(const std::string& name, int variant = 0);
std::vector<int> placement_strategy_variants(const std::string& name);
const std::vector<std::string>& placement_strategy_names();

// Helpers shared by the strategies and their tests.
bool rects_disjoint(const std::vector<Rect>& rs);
bool rect_inside(const Rect& inner, const Rect& outer);
bool rects_adjacent(const Rect& a, const Rect& b);
// Splits `total` integer units proportionally to `weights`, each part >= `min_each`
// (largest-remainder rounding). Requires total >= min_each * weights.size().
std::vector<int> split_proportional(int total, const std::vector<double>& weights, int min_each = 1);

}  // namespace wafersim
