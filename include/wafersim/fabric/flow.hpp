#pragma once
// Flow-level model of the wafer's mesh: flows routed XY (along x first, then y) over the real
// links they cross, loads accumulated per directed link, bandwidth shared where flows overlap.
// Used by the pipelined mode for inter-region traffic and by the link heatmaps.
#include <cstdint>
#include <vector>

#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

enum class Dir : std::uint8_t { east = 0, west = 1, south = 2, north = 3 };

struct Tile {
  int x = 0;
  int y = 0;
};

class LinkLoads {
 public:
  LinkLoads(int width, int height);

  int width() const { return width_; }
  int height() const { return height_; }
  // Load (bytes per unit of work, e.g. per sample) on the link leaving (x, y) in `d`.
  double load(int x, int y, Dir d) const { return load_[slot(x, y, d)]; }

  // Adds `bytes` on every link of the XY route from a to b; returns the hop count.
  int add_xy(Tile a, Tile b, double bytes);
  // The busiest link on the XY route from a to b.
  double max_on_xy(Tile a, Tile b) const;
  double max_load() const;
  double mean_load() const;  // over all links of the grid
  // Per-tile maximum over its four outgoing links (for heatmaps).
  std::vector<double> per_tile_max() const;
  void clear();

 private:
  std::size_t slot(int x, int y, Dir d) const {
    return (static_cast<std::size_t>(y) * width_ + x) * 4 + static_cast<std::size_t>(d);
  }
  template <class F>
  void walk_xy(Tile a, Tile b, F&& f) const;
  int width_;
  int height_;
  std::vector<double> load_;
};

// A bundle of parallel XY flows between two regions: `lanes` source tiles along the facing
// edge of `from` to matching tiles of `to`, the bytes split evenly. Returns the lane count.
struct RegionFlow {
  int lanes = 0;
  int max_hops = 0;
  std::vector<std::pair<Tile, Tile>> routes;
};
RegionFlow plan_region_flow(const Rect& from, const Rect& to);

// Bytes per cycle one link carries (wavelet bits x wavelets per cycle / 8).
double link_bytes_per_cycle(const RouterSpec& r);

}  // namespace wafersim
