#include "wafersim/report/placement_image.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "wafersim/core/units.hpp"
#include "wafersim/report/escape.hpp"
#include "wafersim/report/image.hpp"

namespace wafersim {

namespace {
std::string hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }
}  // namespace

std::string placement_svg(const RunStats& s, int ww, int wh) {
  const int margin = 40;
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\">\n",
      ww, wh + margin, ww, wh + margin);
  o += fmt::format("<title>{} on {}: pipelined placement ({})</title>\n", xml_escape(s.model_name),
                   xml_escape(s.system_name), xml_escape(s.placement_strategy));
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
  o += fmt::format(
      "<text x=\"6\" y=\"{}\" font-size=\"14\">{}: {} stages, placement {}, {:.0f} samples/s, bottleneck "
      "stage {} "
      "({})</text>\n",
      wh + 26, xml_escape(s.model_name), s.stages.size(), xml_escape(s.placement_strategy), s.samples_per_s,
      s.bottleneck_stage,
      s.bottleneck_stage >= 0 ? xml_escape(s.stages[static_cast<std::size_t>(s.bottleneck_stage)].name) : "");
  return o + "</svg>\n";
}

std::string placement_png(const RunStats& s, int ww, int wh) {
  Raster r(ww, wh, {43, 43, 43});
  for (std::size_t i = 0; i < s.stages.size(); ++i) {
    const auto& st = s.stages[i];
    r.fill_rect(st.x, st.y, st.w, st.h, category_colour(static_cast<int>(i)));
    r.outline_rect(st.x, st.y, st.w, st.h, {34, 34, 34});
    // Stage number, as large as fits.
    const auto idx = static_cast<long long>(i);
    int scale = 1;
    while (Raster::number_width(idx, scale + 1) <= st.w - 4 && 7 * (scale + 1) <= st.h - 4 && scale < 8)
      ++scale;
    if (Raster::number_width(idx, scale) <= st.w - 2 && 7 * scale <= st.h - 2)
      r.draw_number(st.x + (st.w - Raster::number_width(idx, scale)) / 2, st.y + (st.h - 7 * scale) / 2, idx,
                    scale, {20, 20, 20});
  }
  return encode_png(r, fmt::format("{} pipelined placement ({})", s.model_name, s.placement_strategy));
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
