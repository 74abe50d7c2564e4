#include "wafersim/report/heatmap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "wafersim/report/escape.hpp"
#include "wafersim/report/image.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim {

namespace {

// Viridis, sampled at 9 points and interpolated: perceptually uniform and readable in grey.
Rgb colour(double t) {
  static constexpr std::array<std::array<double, 3>, 9> k = {{{68, 1, 84},
                                                              {71, 44, 122},
                                                              {59, 81, 139},
                                                              {44, 113, 142},
                                                              {33, 144, 141},
                                                              {39, 173, 129},
                                                              {92, 200, 99},
                                                              {170, 220, 50},
                                                              {253, 231, 37}}};
  if (std::isnan(t)) return {200, 200, 200};
  t = std::clamp(t, 0.0, 1.0) * 8.0;
  const int i = std::min(7, static_cast<int>(t));
  const double f = t - i;
  auto mix = [&](int c) {
    return static_cast<std::uint8_t>(
        std::lround(k[static_cast<std::size_t>(i)][static_cast<std::size_t>(c)] * (1 - f) +
                    k[static_cast<std::size_t>(i) + 1][static_cast<std::size_t>(c)] * f));
  };
  return {mix(0), mix(1), mix(2)};
}

void validate(const Heatmap& h) {
  if (h.width < 1 || h.height < 1 ||
      h.values.size() != static_cast<std::size_t>(h.width) * static_cast<std::size_t>(h.height))
    throw std::invalid_argument(fmt::format("heatmap '{}': {} values for a {} x {} grid", h.title,
                                            h.values.size(), h.width, h.height));
}

// Max-pooled grid of at most `limit` cells per side.
struct Pooled {
  int w = 0, h = 0, f = 1;
  std::vector<double> v;
};
Pooled pool(const Heatmap& h, int limit) {
  Pooled p;
  p.f = std::max(1, (std::max(h.width, h.height) + limit - 1) / limit);
  p.w = (h.width + p.f - 1) / p.f;
  p.h = (h.height + p.f - 1) / p.f;
  p.v.assign(static_cast<std::size_t>(p.w) * static_cast<std::size_t>(p.h), std::nan(""));
  for (int y = 0; y < h.height; ++y)
    for (int x = 0; x < h.width; ++x) {
      const double v = h.values[static_cast<std::size_t>(y) * static_cast<std::size_t>(h.width) +
                                static_cast<std::size_t>(x)];
      if (std::isnan(v)) continue;
      double& d = p.v[static_cast<std::size_t>(y / p.f) * static_cast<std::size_t>(p.w) +
                      static_cast<std::size_t>(x / p.f)];
      d = std::isnan(d) ? v : std::max(d, v);
    }
  return p;
}

std::pair<double, double> range(const Heatmap& h) {
  if (h.min < h.max) return {h.min, h.max};
  double lo = INFINITY, hi = -INFINITY;
  for (double v : h.values)
    if (!std::isnan(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!(lo <= hi)) return {0, 1};
  if (lo == hi) hi = lo + 1;
  return {lo, hi};
}

}  // namespace

std::string heatmap_svg(const Heatmap& h) {
  validate(h);
  const Pooled p = pool(h, 256);
  const auto [lo, hi] = range(h);
  const int cell = std::max(1, 768 / std::max(p.w, p.h));
  const int gw = p.w * cell, gh = p.h * cell;
  const int gx = 60, gy = 36;  // grid origin: room for the y axis and the title
  const int W = gx + gw + 150, Hh = gy + gh + 70;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<title>{}</title>\n<text x=\"10\" y=\"20\" font-size=\"15\">{}</text>\n",
      W, Hh, xml_escape(h.title), xml_escape(h.title));
  s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">{} x {} cells{}</text>\n", gx, Hh - 8, h.width,
                   h.height, p.f > 1 ? fmt::format(", each pixel the max over {} x {}", p.f, p.f) : "");
  s += fmt::format("<g transform=\"translate({},{})\" shape-rendering=\"crispEdges\">\n", gx, gy);
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x) {
      const double v =
          p.v[static_cast<std::size_t>(y) * static_cast<std::size_t>(p.w) + static_cast<std::size_t>(x)];
      const Rgb c = colour(std::isnan(v) ? v : (v - lo) / (hi - lo));
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#{:02x}{:02x}{:02x}\"/>\n",
                       x * cell, y * cell, cell, cell, c.r, c.g, c.b);
    }
  s += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", gw,
                   gh);
  s += svg_axes(gw, gh, h.width, h.height, h.x_label, h.y_label);
  s += "</g>\n";
  // Colour bar: vertical, max at the top, its range and the legend (with unit) beside it.
  const int lx = gx + gw + 24, ly = gy, lh = std::max(100, gh);
  for (int i = 0; i < 64; ++i) {
    const Rgb c = colour(1.0 - i / 63.0);
    s += fmt::format(
        "<rect x=\"{}\" y=\"{:.2f}\" width=\"16\" height=\"{:.2f}\" fill=\"#{:02x}{:02x}{:02x}\"/>\n", lx,
        ly + i * lh / 64.0, lh / 64.0 + 0.5, c.r, c.g, c.b);
  }
  s += fmt::format("<text class=\"scale-max\" x=\"{}\" y=\"{}\">{:.3g}</text>\n", lx + 20, ly + 10, hi);
  s += fmt::format("<text class=\"scale-mid\" x=\"{}\" y=\"{}\">{:.3g}</text>\n", lx + 20, ly + lh / 2 + 4,
                   0.5 * (lo + hi));
  s += fmt::format("<text class=\"scale-min\" x=\"{}\" y=\"{}\">{:.3g}</text>\n", lx + 20, ly + lh, lo);
  s += fmt::format("<text transform=\"translate({},{}) rotate(90)\" text-anchor=\"middle\">{}</text>\n",
                   lx + 70, ly + lh / 2, xml_escape(h.legend));
  s += "</svg>\n";
  return s;
}

std::string heatmap_png(const Heatmap& h) {
  validate(h);
  const Pooled p = pool(h, 1000);
  const auto [lo, hi] = range(h);
  const int cell = std::max(1, 512 / std::max(p.w, p.h));
  const int scale = 2, th = Raster::text_height(scale);
  const Rgb ink{20, 20, 20};
  // Title on top; the grid with its axes; a horizontal colour bar under it with the range
  // and the legend (what the colour means, with its unit).
  PlotFrame f;
  f.x = Raster::axis_margin_left(h.height, scale);
  f.y = 8 + th + 14;
  f.w = p.w * cell;
  f.h = p.h * cell;
  const int bar_w = std::max(f.w, 240), bar_h = 16;
  const int bar_y = f.y + f.h + Raster::axis_margin_bottom(scale) + 8;
  const std::string top = fmt::format("{:.3g}", hi), mid = fmt::format("{:.3g}", 0.5 * (lo + hi)),
                    bottom = fmt::format("{:.3g}", lo);
  const int W = std::max({f.x + bar_w + 16, 16 + Raster::text_width(h.title, scale),
                          f.x + Raster::text_width(h.legend, scale) + 16});
  const int H = bar_y + bar_h + 6 + th + 8 + th + 10;
  Raster img(W, H);
  img.draw_text(8, 8, h.title, scale, ink);
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x) {
      const double v =
          p.v[static_cast<std::size_t>(y) * static_cast<std::size_t>(p.w) + static_cast<std::size_t>(x)];
      img.fill_rect(f.x + x * cell, f.y + y * cell, cell, cell,
                    colour(std::isnan(v) ? v : (v - lo) / (hi - lo)));
    }
  img.draw_axes(f, h.width, h.height, h.x_label, h.y_label, scale, ink);
  for (int x = 0; x < bar_w; ++x)  // colour bar: left = min
    img.fill_rect(f.x + x, bar_y, 1, bar_h, colour(bar_w > 1 ? static_cast<double>(x) / (bar_w - 1) : 1.0));
  img.outline_rect(f.x - 1, bar_y - 1, bar_w + 2, bar_h + 2, ink);
  const int ny = bar_y + bar_h + 6;
  img.draw_text(f.x, ny, bottom, scale, ink);
  img.draw_text(f.x + (bar_w - Raster::text_width(mid, scale)) / 2, ny, mid, scale, ink);
  img.draw_text(f.x + bar_w - Raster::text_width(top, scale), ny, top, scale, ink);
  img.draw_text(f.x, ny + th + 8, h.legend, scale, ink);
  return encode_png(
      img, fmt::format("{} | {}: colour bar left .. right = {:.6g} .. {:.6g}", h.title, h.legend, lo, hi));
}

void write_heatmap_svg(const std::string& path, const Heatmap& h) { write_file_atomic(path, heatmap_svg(h)); }
void write_heatmap_png(const std::string& path, const Heatmap& h) { write_file_atomic(path, heatmap_png(h)); }

}  // namespace wafersim
