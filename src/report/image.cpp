#include "wafersim/report/image.hpp"

#include <fmt/format.h>
#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <csetjmp>
#include <stdexcept>
#include <string>

#include "wafersim/report/escape.hpp"

namespace wafersim {

Raster::Raster(int width, int height, Rgb bg)
    : width_(std::max(1, width)),
      height_(std::max(1, height)),
      px_(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_) * 3) {
  for (std::size_t i = 0; i < px_.size(); i += 3) {
    px_[i] = bg.r;
    px_[i + 1] = bg.g;
    px_[i + 2] = bg.b;
  }
}

void Raster::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const std::size_t i =
      (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 3;
  px_[i] = c.r;
  px_[i + 1] = c.g;
  px_[i + 2] = c.b;
}

void Raster::fill_rect(int x, int y, int w, int h, Rgb c) {
  for (int j = std::max(0, y); j < std::min(height_, y + h); ++j)
    for (int i = std::max(0, x); i < std::min(width_, x + w); ++i) set(i, j, c);
}

void Raster::outline_rect(int x, int y, int w, int h, Rgb c) {
  fill_rect(x, y, w, 1, c);
  fill_rect(x, y + h - 1, w, 1, c);
  fill_rect(x, y, 1, h, c);
  fill_rect(x + w - 1, y, 1, h, c);
}

namespace {
// 5x7 digits, one byte per row, bit 4 = leftmost column.
constexpr std::array<std::array<std::uint8_t, 7>, 10> kDigits = {{
    {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},
    {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},
    {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},
    {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},
    {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},
    {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
    {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},
    {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},
}};
}  // namespace

namespace {
using Glyph = std::array<std::uint8_t, 7>;
// Upper-case letters (lower case is drawn upper case) and the punctuation of titles and
// labels, same 5x7 grid as the digits.
constexpr std::array<Glyph, 26> kLetters = {{
    {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}, {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E},
    {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}, {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C},
    {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}, {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10},
    {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}, {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11},
    {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}, {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C},
    {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}, {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F},
    {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}, {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11},
    {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10},
    {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}, {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11},
    {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}, {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04},
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04},
    {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}, {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11},
    {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04}, {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F},
}};
constexpr Glyph kDot = {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C};
constexpr Glyph kMinus = {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00};
constexpr Glyph kPlus = {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00};
constexpr Glyph kPercent = {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03};
constexpr Glyph kColon = {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00};
constexpr Glyph kComma = {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08};
constexpr Glyph kOpen = {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02};
constexpr Glyph kClose = {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08};
constexpr Glyph kSlash = {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00};
constexpr Glyph kUnderscore = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F};
constexpr Glyph kEquals = {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00};
constexpr Glyph kBar = {0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04};
constexpr Glyph kLBracket = {0x0E, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0E};
constexpr Glyph kRBracket = {0x0E, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0E};

const Glyph* glyph(char ch) {
  if (ch >= '0' && ch <= '9') return &kDigits[static_cast<std::size_t>(ch - '0')];
  if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  if (ch >= 'A' && ch <= 'Z') return &kLetters[static_cast<std::size_t>(ch - 'A')];
  switch (ch) {
    case '.':
      return &kDot;
    case '-':
      return &kMinus;
    case '+':
      return &kPlus;
    case '%':
      return &kPercent;
    case ':':
      return &kColon;
    case ',':
      return &kComma;
    case '(':
      return &kOpen;
    case ')':
      return &kClose;
    case '/':
      return &kSlash;
    case '_':
      return &kUnderscore;
    case '=':
      return &kEquals;
    case '|':
      return &kBar;
    case '[':
      return &kLBracket;
    case ']':
      return &kRBracket;
    default:
      return nullptr;  // space and anything else: blank
  }
}
}  // namespace

int Raster::text_width(const std::string& text, int scale) {
  return text.empty() ? 0 : static_cast<int>(text.size()) * 6 * scale - scale;
}

void Raster::draw_text(int x, int y, const std::string& text, int scale, Rgb c) {
  for (std::size_t k = 0; k < text.size(); ++k) {
    const auto* g = glyph(text[k]);
    if (!g) continue;
    for (int row = 0; row < 7; ++row)
      for (int col = 0; col < 5; ++col)
        if ((*g)[static_cast<std::size_t>(row)] & (0x10 >> col))
          fill_rect(x + (static_cast<int>(k) * 6 + col) * scale, y + row * scale, scale, scale, c);
  }
}

void Raster::draw_text_vertical(int x, int y, const std::string& text, int scale, Rgb c) {
  for (std::size_t k = 0; k < text.size(); ++k)
    draw_text(x, y + static_cast<int>(k) * 9 * scale, std::string(1, text[k]), scale, c);
}

void Raster::draw_axes(const PlotFrame& f, int x_extent, int y_extent, const std::string& x_label,
                       const std::string& y_label, int scale, Rgb ink) {
  outline_rect(f.x - 1, f.y - 1, f.w + 2, f.h + 2, ink);
  const int th = 7 * scale;
  // Ticks at the first, middle and last cell, labelled in the grid's own coordinates.
  for (const int v : {0, (x_extent - 1) / 2, x_extent - 1}) {
    if (v < 0) continue;
    const int px = f.x + static_cast<int>((v + 0.5) * f.w / std::max(1, x_extent));
    fill_rect(px, f.y + f.h + 1, 1, 4, ink);
    const std::string t = std::to_string(v);
    draw_text(px - text_width(t, scale) / 2, f.y + f.h + 7, t, scale, ink);
  }
  for (const int v : {0, (y_extent - 1) / 2, y_extent - 1}) {
    if (v < 0) continue;
    const int py = f.y + static_cast<int>((v + 0.5) * f.h / std::max(1, y_extent));
    fill_rect(f.x - 5, py, 4, 1, ink);
    const std::string t = std::to_string(v);
    draw_text(f.x - 8 - text_width(t, scale), py - th / 2, t, scale, ink);
  }
  draw_text(f.x + (f.w - text_width(x_label, scale)) / 2, f.y + f.h + 9 + th + 4, x_label, scale, ink);
  const int vh = static_cast<int>(y_label.size()) * 9 * scale;
  draw_text_vertical(2, f.y + std::max(0, (f.h - vh) / 2), y_label, scale, ink);
}

int Raster::axis_margin_left(int y_extent, int scale) {
  return 8 + 9 * scale + text_width(std::to_string(std::max(0, y_extent - 1)), scale) + 10;
}

int Raster::number_width(long long value, int scale) { return text_width(std::to_string(value), scale); }

void Raster::draw_number(int x, int y, long long value, int scale, Rgb c) {
  draw_text(x, y, std::to_string(value), scale, c);
}

std::string encode_png_rgb(int width, int height, const std::vector<std::uint8_t>& rgb,
                           const std::string& title) {
  if (width < 1 || height < 1 ||
      rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3)
    throw std::invalid_argument("encode_png_rgb: buffer does not match the size");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("libpng: out of memory");
  }
  std::string out;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("libpng: encoding failed");
  }
  png_set_write_fn(
      png, &out,
      [](png_structp ps, png_bytep data, png_size_t n) {
        static_cast<std::string*>(png_get_io_ptr(ps))->append(reinterpret_cast<const char*>(data), n);
      },
      nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  std::string key = "Title";
  std::string text = title;
  png_text t{};
  t.compression = PNG_TEXT_COMPRESSION_NONE;
  t.key = key.data();
  t.text = text.data();
  png_set_text(png, info, &t, 1);
  png_write_info(png, info);
  for (int y = 0; y < height; ++y)
    png_write_row(
        png, const_cast<png_bytep>(&rgb[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3]));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string svg_axes(int gw, int gh, int x_extent, int y_extent, const std::string& x_label,
                     const std::string& y_label) {
  std::string s;
  for (const int v : {0, (x_extent - 1) / 2, x_extent - 1}) {
    const double px = (v + 0.5) * gw / std::max(1, x_extent);
    s += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#333\"/><text x=\"{0:.1f}\" "
        "y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        px, gh, gh + 4, gh + 16, v);
  }
  for (const int v : {0, (y_extent - 1) / 2, y_extent - 1}) {
    const double py = (v + 0.5) * gh / std::max(1, y_extent);
    s += fmt::format(
        "<line x1=\"-4\" y1=\"{0:.1f}\" x2=\"0\" y2=\"{0:.1f}\" stroke=\"#333\"/><text x=\"-6\" "
        "y=\"{0:.1f}\" text-anchor=\"end\" dominant-baseline=\"middle\">{1}</text>\n",
        py, v);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", gw / 2, gh + 32,
                   xml_escape(x_label));
  s += fmt::format("<text transform=\"translate(-44,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                   gh / 2, xml_escape(y_label));
  return s;
}

Rgb category_colour(int i) {
  // Golden-angle hue walk, fixed saturation/value: neighbours get distinct colours.
  const double h = std::fmod(i * 137.508, 360.0) / 60.0;
  const double s = 0.55, v = 0.92;
  const double c = v * s;
  const double x = c * (1 - std::abs(std::fmod(h, 2.0) - 1));
  double r = 0, g = 0, b = 0;
  switch (static_cast<int>(h)) {
    case 0:
      r = c;
      g = x;
      break;
    case 1:
      r = x;
      g = c;
      break;
    case 2:
      g = c;
      b = x;
      break;
    case 3:
      g = x;
      b = c;
      break;
    case 4:
      r = x;
      b = c;
      break;
    default:
      r = c;
      b = x;
      break;
  }
  const double m = v - c;
  auto u8 = [](double f) { return static_cast<std::uint8_t>(std::clamp(std::lround(f * 255.0), 0L, 255L)); };
  return {u8(r + m), u8(g + m), u8(b + m)};
}

}  // namespace wafersim
