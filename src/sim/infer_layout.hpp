#pragma once
// Where infer() puts the layer groups (src/sim/infer.cpp): their split over the systems and
// their regions on each wafer. Internal to the sim part.
#include <cstddef>
#include <functional>
#include <vector>

#include "wafersim/compile/lower.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::infer_layout {

// Contiguous split of groups of `bytes` over `n` systems minimising the largest system's
// bytes; the first group of every system.
std::vector<std::size_t> split_groups(const std::vector<double>& bytes, int n);

// Systems that groups of `bytes` need, contiguous groups per system of `capacity` bytes; 0 when
// one group alone is larger than a system.
int min_systems(const std::vector<double>& bytes, double capacity);

// Hops between the centres of two regions (XY routing).
double hops_between(const Rect& a, const Rect& b);

// Groups [first, last) of `group_bytes` in `bands` bands of rows of `usable`, each band a row of
// strips (columns in proportion to bytes, at least what they need at `tile_cap` bytes per
// tile), consecutive bands in opposite directions. Empty when they do not fit.
std::vector<Rect> band_layout(const std::vector<double>& group_bytes, std::size_t first, std::size_t last,
                              int bands, const Rect& usable, double tile_cap);

// The band counts infer() tries for each system (the one with the shortest decode step wins).
inline constexpr int kBandCounts[] = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16};

// The areas infer() lays a system's groups out in: the usable wafer first, then (compact) its
// corner rectangles of kAreaShares of the width and of the height that still hold `bytes`.
inline constexpr double kAreaShares[] = {1.0, 0.75, 0.5, 0.375, 0.25, 0.125, 0.0625};
std::vector<Rect> layout_areas(const Rect& usable, double bytes, double tile_cap, bool compact);

// The band layout of groups [first, last) over `areas` x kBandCounts with the fewest `cost`
// (strict: the first of equal ones wins, so the full wafer is kept on a tie). Empty when none fits.
std::vector<Rect> best_layout(const std::vector<double>& group_bytes, std::size_t first, std::size_t last,
                              const std::vector<Rect>& areas, double tile_cap,
                              const std::function<double(const std::vector<Rect>&)>& cost);

// Whether groups [first, last) have a band layout at any of kBandCounts: their bytes may fit a
// wafer while their regions do not (each strip rounds up to whole columns of its band).
bool fits_as_bands(const std::vector<double>& group_bytes, std::size_t first, std::size_t last,
                   const Rect& usable, double tile_cap);
// The first system of the split `starts` (each system's first group) whose groups do not fit
// as bands; -1 when all do.
int first_unlaid(const std::vector<double>& group_bytes, const std::vector<std::size_t>& starts,
                 const Rect& usable, double tile_cap);

// The fewest systems on which the groups are resident: their bytes fit (min_systems at
// `capacity` bytes a wafer) and every system's share of split_groups lays out as bands. 0 when
// no count up to one group per system does.
int resident_systems(const std::vector<double>& group_bytes, const Rect& usable, double tile_cap,
                     double capacity);

// Where a group's ops run on its region q. A mixture of experts may put its ops other than the
// routed experts (attention and its KV cache, norms, router, shared experts: `dense_bytes`) on a
// part at the region's centre, the experts (`expert_bytes`) staying spread over all of it: their
// broadcasts, chains and row statistics then cross that part, not a region sized by the experts'
// bytes. The part is the region scaled by 1/2 .. 1/32 that holds its bytes beside its PEs' share
// of the experts at `tile_cap`; the one with the fewest `cost` (the whole region on a tie, and
// for a group without experts or without other bytes).
GroupRegion dense_part(const Rect& q, double dense_bytes, double expert_bytes, double tile_cap,
                       const std::function<double(const GroupRegion&)>& cost);

}  // namespace wafersim::infer_layout
