#pragma once
// A small RGB raster with rectangle fills and a built-in 5x7 digit font, and a PNG encoder
// (libpng). Shared by the placement picture and the heatmaps.
#include <cstdint>
#include <string>
#include <vector>

namespace wafersim {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

// Where a plot's grid sits in a raster (pixels).
struct PlotFrame {
  int x = 0, y = 0, w = 0, h = 0;
};

class Raster {
 public:
  Raster(int width, int height, Rgb background = {255, 255, 255});
  int width() const { return width_; }
  int height() const { return height_; }
  void set(int x, int y, Rgb c);
  void fill_rect(int x, int y, int w, int h, Rgb c);
  void outline_rect(int x, int y, int w, int h, Rgb c);
  // Draws decimal digits with a 5x7 font scaled by `scale`, top-left at (x, y).
  void draw_number(int x, int y, long long value, int scale, Rgb c);
  static int number_width(long long value, int scale);
  // Text in the same 5x7 font: digits, letters (lower case drawn upper case) and
  // . - + % : , ( ) / _ = | [ ]; a space or any other character is left blank.
  void draw_text(int x, int y, const std::string& text, int scale, Rgb c);
  static int text_width(const std::string& text, int scale);
  static int text_height(int scale) { return 7 * scale; }
  // One character below the other, top at (x, y) (a y-axis label).
  void draw_text_vertical(int x, int y, const std::string& text, int scale, Rgb c);
  // A frame around the grid `f`, ticks and numbers at its first, middle and last cell along
  // each axis (cells 0 .. extent-1), the x label below and the y label down the left edge.
  void draw_axes(const PlotFrame& f, int x_extent, int y_extent, const std::string& x_label,
                 const std::string& y_label, int scale, Rgb ink);
  // Pixels draw_axes needs left of the grid (y label and numbers) and below it.
  static int axis_margin_left(int y_extent, int scale);
  static int axis_margin_bottom(int scale) { return 9 + 2 * 7 * scale + 8; }
  const std::vector<std::uint8_t>& pixels() const { return px_; }

 private:
  int width_;
  int height_;
  std::vector<std::uint8_t> px_;
};

// PNG file bytes of an RGB buffer (width * height * 3); `title` goes in a tEXt chunk.
std::string encode_png_rgb(int width, int height, const std::vector<std::uint8_t>& rgb,
                           const std::string& title);
inline std::string encode_png(const Raster& r, const std::string& title) {
  return encode_png_rgb(r.width(), r.height(), r.pixels(), title);
}

// SVG elements of the same axes as Raster::draw_axes, in the grid's own coordinates (put them
// inside the grid's translated group): ticks and numbers at the first, middle and last of
// x_extent x y_extent cells drawn gw x gh units wide, the x label below, the y label rotated.
std::string svg_axes(int gw, int gh, int x_extent, int y_extent, const std::string& x_label,
                     const std::string& y_label);

// A categorical colour for item i (distinct neighbours, deterministic).
Rgb category_colour(int i);

}  // namespace wafersim
