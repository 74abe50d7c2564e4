#include "wafersim/report/placement_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "wafersim/core/units.hpp"
#include "wafersim/report/escape.hpp"
#include "wafersim/report/image.hpp"

namespace wafersim {

namespace {
std::string hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }
}  // namespace

namespace {
// Title of both pictures: model, system, mode and the placement strategy.
std::string placement_title(const RunStats& s) {
  return fmt::format("{} on {}: pipelined placement ({}), {} stages", s.model_name, s.system_name,
                     s.placement_strategy, s.stages.size());
}
}  // namespace

std::string placement_svg(const RunStats& s, int ww, int wh) {
  const int gx = 60, gy = 36;                   // the wafer's origin: room for title and y axis
  const int legend_x = gx + ww + 24, row = 16;  // legend: one row per stage
  const int W = legend_x + 260, H = std::max(gy + wh + 70, gy + row * static_cast<int>(s.stages.size()) + 40);
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      W, H);
  o += fmt::format("<title>{}</title>\n", xml_escape(placement_title(s)));
  o += fmt::format("<text x=\"10\" y=\"20\" font-size=\"15\">{}</text>\n", xml_escape(placement_title(s)));
  o += fmt::format("<g transform=\"translate({},{})\">\n", gx, gy);
  o += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#2b2b2b\"/>\n", ww, wh);
  for (std::size_t i = 0; i < s.stages.size(); ++i) {
    const auto& st = s.stages[i];
    o += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#222\" stroke-width=\"1\">"
        "<title>{}: {} tiles, {:.2f} us/sample, SRAM/tile max {} ({})</title></rect>\n",
        st.x, st.y, st.w, st.h, hex(category_colour(static_cast<int>(i))), xml_escape(st.name), st.tiles,
        st.stage_time_s * 1e6, format_bytes(static_cast<double>(st.sram.max)), st.bound);
    const double chars = static_cast<double>(std::max<std::size_t>(st.name.size(), 1));
    const double size = std::clamp(std::min(st.w / (0.62 * chars), st.h * 0.5), 4.0, 28.0);
    o += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{:.1f}\" text-anchor=\"middle\" "
        "dominant-baseline=\"middle\">{}</text>\n",
        st.x + st.w / 2.0, st.y + st.h / 2.0, size, xml_escape(st.name));
  }
  // The pipeline's path: consecutive region centres.
  if (s.stages.size() > 1) {
    o += "<polyline fill=\"none\" stroke=\"#000\" stroke-opacity=\"0.35\" stroke-width=\"2\" points=\"";
    for (const auto& st : s.stages) o += fmt::format("{:.1f},{:.1f} ", st.x + st.w / 2.0, st.y + st.h / 2.0);
    o += "\"/>\n";
  }
  o += svg_axes(ww, wh, ww, wh, "x (tile)", "y (tile)");  // one unit per tile
  o += "</g>\n";
  // Legend: stage number, colour, layer, time per sample.
  for (std::size_t i = 0; i < s.stages.size(); ++i) {
    const auto& st = s.stages[i];
    const int y = gy + static_cast<int>(i) * row;
    o += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#222\"/><text x=\"{}\" "
        "y=\"{}\">{} {} ({:.2f} us/sample{})</text>\n",
        legend_x, y, hex(category_colour(static_cast<int>(i))), legend_x + 18, y + 10, i, xml_escape(st.name),
        st.stage_time_s * 1e6, static_cast<int>(i) == s.bottleneck_stage ? ", bottleneck" : "");
  }
  o += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"13\">{:.0f} samples/s, bottleneck stage {} ({})</text>\n", gx,
      gy + wh + 56, s.samples_per_s, s.bottleneck_stage,
      s.bottleneck_stage >= 0 ? xml_escape(s.stages[static_cast<std::size_t>(s.bottleneck_stage)].name) : "");
  return o + "</svg>\n";
}

std::string placement_png(const RunStats& s, int ww, int wh) {
  const int scale = 2, th = Raster::text_height(scale), row = th + 6;
  const Rgb ink{20, 20, 20};
  const std::string title = placement_title(s);
  PlotFrame f;
  f.x = Raster::axis_margin_left(wh, scale);
  f.y = 8 + th + 14;
  f.w = ww;
  f.h = wh;
  // Legend right of the wafer: "N layer" per stage, in as many columns as the height needs.
  std::vector<std::string> entries;
  int entry_w = 0;
  for (std::size_t i = 0; i < s.stages.size(); ++i) {
    entries.push_back(fmt::format("{} {}", i, s.stages[i].name));
    entry_w = std::max(entry_w, Raster::text_width(entries.back(), scale));
  }
  const int per_col = std::max(1, f.h / row);
  const int cols = static_cast<int>((entries.size() + static_cast<std::size_t>(per_col) - 1) /
                                    static_cast<std::size_t>(per_col));
  const int col_w = th + 6 + entry_w + 16;
  const int legend_x = f.x + f.w + 20;
  const int W = std::max(legend_x + cols * col_w + 8, 16 + Raster::text_width(title, scale));
  const int H = f.y + f.h + Raster::axis_margin_bottom(scale) + 6;
  Raster r(W, H);
  r.draw_text(8, 8, title, scale, ink);
  r.fill_rect(f.x, f.y, f.w, f.h, {43, 43, 43});
  for (std::size_t i = 0; i < s.stages.size(); ++i) {
    const auto& st = s.stages[i];
    r.fill_rect(f.x + st.x, f.y + st.y, st.w, st.h, category_colour(static_cast<int>(i)));
    r.outline_rect(f.x + st.x, f.y + st.y, st.w, st.h, {34, 34, 34});
    // Stage number, as large as fits; the legend names it.
    const auto idx = static_cast<long long>(i);
    int sc = 1;
    while (Raster::number_width(idx, sc + 1) <= st.w - 4 && 7 * (sc + 1) <= st.h - 4 && sc < 8) ++sc;
    if (Raster::number_width(idx, sc) <= st.w - 2 && 7 * sc <= st.h - 2)
      r.draw_number(f.x + st.x + (st.w - Raster::number_width(idx, sc)) / 2, f.y + st.y + (st.h - 7 * sc) / 2,
                    idx, sc, {20, 20, 20});
  }
  r.draw_axes(f, ww, wh, "x (tile)", "y (tile)", scale, ink);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const int c = static_cast<int>(i) / per_col, k = static_cast<int>(i) % per_col;
    const int x = legend_x + c * col_w, y = f.y + k * row;
    r.fill_rect(x, y, th, th, category_colour(static_cast<int>(i)));
    r.outline_rect(x, y, th, th, {34, 34, 34});
    r.draw_text(x + th + 6, y, entries[i], scale, ink);
  }
  return encode_png(r, title);
}

std::string placement_summary(const RunStats& s) {
  std::string o = fmt::format("{} on {}: {} stages, placement {} (", s.model_name, s.system_name,
                              s.stages.size(), s.placement_strategy);
  for (std::size_t i = 0; i < s.strategies.size(); ++i)
    o += fmt::format("{}{}: {}", i ? ", " : "", s.strategies[i].name,
                     s.strategies[i].feasible
                         ? fmt::format("{:.2f} us/sample slowest stage", s.strategies[i].max_stage_s * 1e6)
                         : std::string("infeasible"));
  o += ")\n";
  o += fmt::format("{:>3}  {:<12} {:>5} {:>5} {:>5} {:>5} {:>8} {:>11} {:>11} {:>10}  {}\n", "#", "layer",
                   "x", "y", "w", "h", "tiles", "SRAM/tile", "us/sample", "params", "bound");
  for (std::size_t i = 0; i < s.stages.size(); ++i) {
    const auto& st = s.stages[i];
    o += fmt::format("{:>3}  {:<12} {:>5} {:>5} {:>5} {:>5} {:>8} {:>11} {:>11.2f} {:>10}  {}\n", i, st.name,
                     st.x, st.y, st.w, st.h, st.tiles, format_bytes(static_cast<double>(st.sram.max)),
                     st.stage_time_s * 1e6, st.params, st.bound);
  }
  return o;
}

}  // namespace wafersim
