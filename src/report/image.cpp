#include "wafersim/report/image.hpp"

#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <csetjmp>
#include <stdexcept>
#include <string>

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
constexpr std::array<std::uint8_t, 7> kDot = {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C};
constexpr std::array<std::uint8_t, 7> kMinus = {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00};
constexpr std::array<std::uint8_t, 7> kPlus = {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00};
constexpr std::array<std::uint8_t, 7> kE = {0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E};
constexpr std::array<std::uint8_t, 7> kPercent = {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03};

const std::array<std::uint8_t, 7>* glyph(char ch) {
  if (ch >= '0' && ch <= '9') return &kDigits[static_cast<std::size_t>(ch - '0')];
  switch (ch) {
    case '.':
      return &kDot;
    case '-':
      return &kMinus;
    case '+':
      return &kPlus;
    case 'e':
      return &kE;
    case '%':
      return &kPercent;
    default:
      return nullptr;
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
