#pragma once
// Time intervals: the overlap of [t0, t1] with a window [a, b], which every busy-time count
// (links, nodes, pipeline stages, breakdowns) clips its intervals by.
#include <algorithm>

namespace wafersim {

// What happened when (seconds): the simulator's timelines (kernels, stalls, streams, link
// occupancy, pipeline tasks) and every busy-time count use this one type.
struct Interval {
  double t0 = 0;
  double t1 = 0;
  long long id = 0;  // what it was: a stream id, a sample, a step (by the user's convention)
  int layer = 0;
  double share = 1;  // link occupancy: fraction of the link's bandwidth in use
};

// Length of [t0, t1] inside [a, b] (0 when they do not meet).
inline double overlap(double t0, double t1, double a, double b) {
  return std::max(0.0, std::min(t1, b) - std::max(t0, a));
}

}  // namespace wafersim
