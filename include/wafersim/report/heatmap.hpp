#pragma once
// Heatmaps of a 2D grid of values (link utilization, SRAM use, placement) as SVG or PNG with
// a colour scale and a legend. Large grids (the 757 x 996 wafer) are max-pooled so a hot
// cell never disappears: at most ~256 cells per side in SVG, ~1000 pixels per side in PNG.
// Files are written atomically (write_file_atomic). Both carry the title, axes with ticks in
// grid coordinates (x_label, y_label), and a colour bar with its range and the legend (what
// the colour means, with its unit). PNGs go through the shared raster (image.hpp).
#include <string>
#include <vector>

namespace wafersim {

struct Heatmap {
  int width = 0;               // cells per row
  int height = 0;              // rows
  std::vector<double> values;  // row-major, width * height; NaN = no value (drawn grey)
  std::string title;
  std::string legend;                // what the colour means, with its unit: "link utilization (fraction)"
  std::string x_label = "x (tile)";  // the axes, in grid cells
  std::string y_label = "y (tile)";
  double min = 0;  // colour scale; when min >= max the data range is used
  double max = 0;
};

std::string heatmap_svg(const Heatmap& h);
std::string heatmap_png(const Heatmap& h);  // PNG file bytes
// Throw std::invalid_argument for a malformed heatmap, std::runtime_error on write failure.
void write_heatmap_svg(const std::string& path, const Heatmap& h);
void write_heatmap_png(const std::string& path, const Heatmap& h);

}  // namespace wafersim
