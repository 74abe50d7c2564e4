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
  const int W = gw + 140, Hh = gh + 60;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<text x=\"10\" y=\"20\" font-size=\"14\">{}</text>\n",
      W, Hh, xml_escape(h.title));
  s += fmt::format("<text x=\"10\" y=\"{}\">{} x {} cells{}</text>\n", Hh - 8, h.width, h.height,
                   p.f > 1 ? fmt::format(", max over {} x {} blocks", p.f, p.f) : "");
  s += "<g transform=\"translate(10,30)\" shape-rendering=\"crispEdges\">\n";
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x) {
      const double v =
          p.v[static_cast<std::size_t>(y) * static_cast<std::size_t>(p.w) + static_cast<std::size_t>(x)];
      const Rgb c = colour(std::isnan(v) ? v : (v - lo) / (hi - lo));
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#{:02x}{:02x}{:02x}\"/>\n",
                       x * cell, y * cell, cell, cell, c.r, c.g, c.b);
    }
  s += "</g>\n";
  // Legend: a vertical colour bar with its range.
  const int lx = gw + 30, ly = 30, lh = std::max(100, gh);
  for (int i = 0; i < 64; ++i) {
    const Rgb c = colour(1.0 - i / 63.0);
    s += fmt::format(
        "<rect x=\"{}\" y=\"{:.2f}\" width=\"16\" height=\"{:.2f}\" fill=\"#{:02x}{:02x}{:02x}\"/>\n", lx,
        ly + i * lh / 64.0, lh / 64.0 + 0.5, c.r, c.g, c.b);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\">{:.3g}</text>\n", lx + 20, ly + 10, hi);
  s += fmt::format("<text x=\"{}\" y=\"{}\">{:.3g}</text>\n", lx + 20, ly + lh, lo);
  s += fmt::format("<text x=\"{}\" y=\"{}\" transform=\"rotate(90 {} {})\">{}</text>\n", lx + 60, ly, lx + 60,
                   ly, xml_escape(h.legend));
  s += "</svg>\n";
  return s;
}

std::string heatmap_png(const Heatmap& h) {
  validate(h);
  const Pooled p = pool(h, 1000);
  const auto [lo, hi] = range(h);
  const int cell = std::max(1, 512 / std::max(p.w, p.h));
  const int gw = p.w * cell, gh = p.h * cell;
  const int bar = 24, gap = 10, scale = 2;
  // Numeric labels beside the colour bar: top (max), middle and bottom (min) of the scale.
  const std::string top = fmt::format("{:.3g}", hi), mid = fmt::format("{:.3g}", 0.5 * (lo + hi)),
                    bottom = fmt::format("{:.3g}", lo);
  const int label_w = 6 + std::max({Raster::text_width(top, scale), Raster::text_width(mid, scale),
                                    Raster::text_width(bottom, scale)});
  const int W = gw + gap + bar + label_w, H = std::max(gh, 7 * scale * 3);
  Raster img(W, H);
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x) {
      const double v =
          p.v[static_cast<std::size_t>(y) * static_cast<std::size_t>(p.w) + static_cast<std::size_t>(x)];
      img.fill_rect(x * cell, y * cell, cell, cell, colour(std::isnan(v) ? v : (v - lo) / (hi - lo)));
    }
  for (int y = 0; y < H; ++y)  // colour bar: top = max
    img.fill_rect(gw + gap, y, bar, 1, colour(H > 1 ? 1.0 - static_cast<double>(y) / (H - 1) : 1.0));
  const Rgb ink{20, 20, 20};
  const int lx = gw + gap + bar + 6;
  img.draw_text(lx, 0, top, scale, ink);
  img.draw_text(lx, (H - 7 * scale) / 2, mid, scale, ink);
  img.draw_text(lx, H - 7 * scale, bottom, scale, ink);
  // The bar is labelled with numbers; the legend's words and the title go in the PNG's title.
  return encode_png(
      img, fmt::format("{} | {}: colour bar bottom .. top = {:.6g} .. {:.6g}", h.title, h.legend, lo, hi));
}

void write_heatmap_svg(const std::string& path, const Heatmap& h) { write_file_atomic(path, heatmap_svg(h)); }
void write_heatmap_png(const std::string& path, const Heatmap& h) { write_file_atomic(path, heatmap_png(h)); }

}  // namespace wafersim
