// The pictures carry words: the raster font draws letters, and every heatmap and placement
// picture has its title, axes in grid coordinates, a colour bar with the legend's unit, and
// the layer names.
#include "wafersim/report/image.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "wafersim/report/heatmap.hpp"
#include "wafersim/report/placement_image.hpp"
#include "wafersim/results/stats.hpp"

using namespace wafersim;

namespace {
int ink(const Raster& r) {
  int n = 0;
  for (std::size_t i = 0; i < r.pixels().size(); i += 3) n += r.pixels()[i] < 128 ? 1 : 0;
  return n;
}
std::vector<std::uint8_t> drawn(const std::string& text) {
  Raster r(Raster::text_width(text, 1) + 2, 9);
  r.draw_text(1, 1, text, 1, {0, 0, 0});
  return r.pixels();
}
}  // namespace

TEST_CASE("the raster font draws every letter, digit and label mark, each distinct", "[report]") {
  const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+%:,()/_=|[]";
  std::set<std::string> seen;  // each glyph's pixels as bytes
  for (char c : chars) {
    INFO(c);
    Raster r(7, 9);
    r.draw_text(1, 1, std::string(1, c), 1, {0, 0, 0});
    CHECK(ink(r) > 0);
    CHECK(seen.insert(std::string(r.pixels().begin(), r.pixels().end())).second);
  }
  CHECK(drawn("sram") == drawn("SRAM"));  // lower case is drawn upper case
  Raster blank(7, 9);
  blank.draw_text(1, 1, " ", 1, {0, 0, 0});
  CHECK(ink(blank) == 0);
}

TEST_CASE("heatmaps carry title, axes, colour bar range and legend with unit", "[report]") {
  Heatmap h;
  h.width = 40;
  h.height = 30;
  h.values.assign(40 * 30, 0.25);
  h.values[5] = 0.75;
  h.title = "tiny on test: SRAM occupancy per tile";
  h.legend = "SRAM used (fraction of usable SRAM per tile)";
  const std::string svg = heatmap_svg(h);
  for (const char* want :
       {"<title>tiny on test: SRAM occupancy per tile</title>", ">x (tile)<", ">y (tile)<",
        ">SRAM used (fraction of usable SRAM per tile)<", ">39<", ">29<", ">0.75<", ">0.25<"}) {
    INFO(want);
    CHECK(svg.find(want) != std::string::npos);
  }
  // The PNG: wider than its grid (axes and title), and its title chunk names the legend.
  const std::string png = heatmap_png(h);
  CHECK(png.substr(1, 3) == "PNG");
  CHECK(png.find("SRAM used (fraction of usable SRAM per tile)") != std::string::npos);
}

TEST_CASE("the placement pictures name every layer and carry tile axes", "[report]") {
  RunStats s;
  s.model_name = "tiny";
  s.system_name = "test";
  s.placement_strategy = "strips";
  s.samples_per_s = 100;
  s.bottleneck_stage = 1;
  for (int i = 0; i < 3; ++i) {
    StageStats st;
    st.name = i == 0 ? "embedding" : "block" + std::to_string(i - 1);
    st.x = i * 10;
    st.y = 0;
    st.w = 10;
    st.h = 20;
    st.tiles = 200;
    s.stages.push_back(st);
  }
  const std::string svg = placement_svg(s, 30, 20);
  for (const char* want : {"tiny on test: pipelined placement (strips), 3 stages", ">x (tile)<", ">y (tile)<",
                           "0 embedding", "1 block0", "2 block1", ">29<", ">19<"}) {
    INFO(want);
    CHECK(svg.find(want) != std::string::npos);
  }
  const std::string png = placement_png(s, 30, 20);
  CHECK(png.substr(1, 3) == "PNG");
  CHECK(png.find("tiny on test: pipelined placement (strips), 3 stages") != std::string::npos);
}
