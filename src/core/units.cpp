// Unit-string parsers and human-readable formatters (see units.hpp).
// Parsing is strict on purpose: "48 Kb" (kilobits) for an SRAM size is a typo that would
// silently shrink memory 8x, so unit spellings are case-sensitive and bits/bytes never mix.
#include "wafersim/core/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>

namespace wafersim {
namespace {

struct UnitScale {
  std::string_view name;
  double scale;
};

constexpr std::array kByteUnits{
    UnitScale{"B", 1.0},   UnitScale{"KB", 1e3},
    UnitScale{"kB", 1e3},  UnitScale{"KiB", 1024.0},
    UnitScale{"MB", 1e6},  UnitScale{"MiB", 1048576.0},
    UnitScale{"GB", 1e9},  UnitScale{"GiB", 1073741824.0},
    UnitScale{"TB", 1e12}, UnitScale{"TiB", 1099511627776.0},
    UnitScale{"PB", 1e15}, UnitScale{"PiB", 1125899906842624.0},
};

constexpr std::array kFrequencyUnits{
    UnitScale{"Hz", 1.0},  UnitScale{"kHz", 1e3}, UnitScale{"KHz", 1e3},
    UnitScale{"MHz", 1e6}, UnitScale{"GHz", 1e9},
};

// Byte rates are accepted because vendor material quotes both; they are stored as bits.
constexpr std::array kBandwidthUnits{
    UnitScale{"b/s", 1.0},   UnitScale{"bps", 1.0},   UnitScale{"Kb/s", 1e3},  UnitScale{"kb/s", 1e3},
    UnitScale{"Kbps", 1e3},  UnitScale{"kbps", 1e3},  UnitScale{"Mb/s", 1e6},  UnitScale{"Mbps", 1e6},
    UnitScale{"Gb/s", 1e9},  UnitScale{"Gbps", 1e9},  UnitScale{"Tb/s", 1e12}, UnitScale{"Tbps", 1e12},
    UnitScale{"Pb/s", 1e15}, UnitScale{"Pbps", 1e15}, UnitScale{"B/s", 8.0},   UnitScale{"KB/s", 8e3},
    UnitScale{"kB/s", 8e3},  UnitScale{"MB/s", 8e6},  UnitScale{"GB/s", 8e9},  UnitScale{"TB/s", 8e12},
    UnitScale{"PB/s", 8e15},
};

constexpr std::array kEnergyUnits{
    UnitScale{"J", 1.0},   UnitScale{"kJ", 1e3},   UnitScale{"MJ", 1e6},
    UnitScale{"mJ", 1e-3}, UnitScale{"uJ", 1e-6},  UnitScale{"\xC2\xB5J", 1e-6},
    UnitScale{"nJ", 1e-9}, UnitScale{"pJ", 1e-12}, UnitScale{"fJ", 1e-15},
};

constexpr std::array kPowerUnits{
    UnitScale{"W", 1.0},   UnitScale{"kW", 1e3},  UnitScale{"MW", 1e6},
    UnitScale{"mW", 1e-3}, UnitScale{"uW", 1e-6}, UnitScale{"\xC2\xB5W", 1e-6},
};

constexpr std::array kTimeUnits{
    UnitScale{"s", 1.0},          UnitScale{"ms", 1e-3}, UnitScale{"us", 1e-6},
    UnitScale{"\xC2\xB5s", 1e-6}, UnitScale{"ns", 1e-9}, UnitScale{"ps", 1e-12},
};

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Length of the leading decimal number ([+-]digits[.digits][e[+-]digits]); 0 if none.
// Scanned by hand so "nan", "inf" and hex floats never count as numbers.
std::size_t number_length(std::string_view s) {
  std::size_t i = 0;
  const auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t mantissa = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t mark = i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) i = mark;  // "1e" is a number followed by garbage, not an exponent
  }
  return i;
}

// Parses the number part; nullopt-like failure reported through `ok`.
bool to_double(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // from_chars rejects '+'
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

[[noreturn]] void fail(std::string_view what, std::string_view example, std::string_view text,
                       std::string_view why) {
  std::string msg = fmt::format("expected {} such as \"{}\", got \"{}\"", what, example, text);
  if (!why.empty()) msg += fmt::format(" ({})", why);
  throw std::invalid_argument(msg);
}

template <std::size_t N>
std::string unit_list(const std::array<UnitScale, N>& units) {
  std::string out;
  for (const auto& u : units) {
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

// Splits "<number> <unit>" and returns number * scale(unit); a bare number has scale 1.
template <std::size_t N>
double parse_scaled(std::string_view text, const std::array<UnitScale, N>& units, std::string_view what,
                    std::string_view example) {
  const std::string_view s = trim(text);
  if (s.empty()) fail(what, example, text, "empty value");
  const std::size_t n = number_length(s);
  double value = 0;
  if (n == 0 || !to_double(s.substr(0, n), value)) fail(what, example, text, "no number");
  if (value < 0) fail(what, example, text, "must not be negative");
  const std::string_view unit = trim(s.substr(n));
  if (unit.empty()) return value;
  for (const auto& u : units) {
    if (u.name == unit) return value * u.scale;
  }
  fail(what, example, text, fmt::format("unknown unit \"{}\"; use one of {}", unit, unit_list(units)));
}

}  // namespace

double parse_number(std::string_view text) {
  const std::string_view s = trim(text);
  double value = 0;
  if (s.empty() || number_length(s) != s.size() || !to_double(s, value)) {
    fail("a number", "0.75", text, "");
  }
  return value;
}

Bytes parse_bytes(std::string_view text) {
  constexpr std::string_view what = "a size";
  constexpr std::string_view example = "48 KiB";
  const double bytes = parse_scaled(text, kByteUnits, what, example);
  // Decimal fractions ("1.1 KB") are inexact in binary; accept values within rounding noise.
  const double rounded = std::round(bytes);
  if (std::fabs(bytes - rounded) > 1e-9 * std::max(1.0, bytes)) {
    fail(what, example, text, "not a whole number of bytes");
  }
  if (rounded >= 18446744073709551616.0) fail(what, example, text, "too large");
  return Bytes(static_cast<std::uint64_t>(rounded));
}

Hertz parse_frequency(std::string_view text) {
  return Hertz(parse_scaled(text, kFrequencyUnits, "a frequency", "1.1 GHz"));
}

BitsPerSecond parse_bandwidth(std::string_view text) {
  return BitsPerSecond(parse_scaled(text, kBandwidthUnits, "a bandwidth", "100 Gb/s"));
}

Seconds parse_time(std::string_view text) {
  return Seconds(parse_scaled(text, kTimeUnits, "a time", "2 us"));
}

Joules parse_energy(std::string_view text) {
  return Joules(parse_scaled(text, kEnergyUnits, "an energy", "0.3 pJ"));
}

Watts parse_power(std::string_view text) {
  return Watts(parse_scaled(text, kPowerUnits, "a power", "23 kW"));
}

namespace {

// Picks the largest prefix not exceeding |v|; decimals < 0 means three significant digits.
template <std::size_t N>
std::string format_scaled(double v, const std::array<UnitScale, N>& ladder, int decimals) {
  if (!std::isfinite(v)) return fmt::format("{} {}", v, ladder[0].name);
  if (v == 0) return fmt::format("0 {}", ladder[0].name);
  const UnitScale* pick = &ladder[0];
  for (const auto& u : ladder) {
    if (std::fabs(v) >= u.scale) pick = &u;
  }
  const double scaled = v / pick->scale;
  if (decimals < 0) {  // three significant digits: "1.10 GHz", "875 MHz", "12.5 Gb/s"
    const double mag = std::fabs(scaled);
    decimals = mag >= 100 ? 0 : mag >= 10 ? 1 : 2;
  }
  return fmt::format("{:.{}f} {}", scaled, decimals, pick->name);
}

constexpr std::array kByteLadder{
    UnitScale{"B", 1.0},
    UnitScale{"KiB", 1024.0},
    UnitScale{"MiB", 1048576.0},
    UnitScale{"GiB", 1073741824.0},
    UnitScale{"TiB", 1099511627776.0},
    UnitScale{"PiB", 1125899906842624.0},
};
constexpr std::array kFrequencyLadder{
    UnitScale{"Hz", 1.0},
    UnitScale{"kHz", 1e3},
    UnitScale{"MHz", 1e6},
    UnitScale{"GHz", 1e9},
};
constexpr std::array kBandwidthLadder{
    UnitScale{"b/s", 1.0},  UnitScale{"Kb/s", 1e3},  UnitScale{"Mb/s", 1e6},
    UnitScale{"Gb/s", 1e9}, UnitScale{"Tb/s", 1e12}, UnitScale{"Pb/s", 1e15},
};
// Time ladder is ordered smallest first so the "largest unit <= value" rule still applies.
constexpr std::array kTimeLadder{
    UnitScale{"ps", 1e-12}, UnitScale{"ns", 1e-9}, UnitScale{"us", 1e-6},
    UnitScale{"ms", 1e-3},  UnitScale{"s", 1.0},
};

constexpr std::array kEnergyLadder{
    UnitScale{"fJ", 1e-15}, UnitScale{"pJ", 1e-12}, UnitScale{"nJ", 1e-9}, UnitScale{"uJ", 1e-6},
    UnitScale{"mJ", 1e-3},  UnitScale{"J", 1.0},    UnitScale{"kJ", 1e3},  UnitScale{"MJ", 1e6},
};
constexpr std::array kPowerLadder{
    UnitScale{"uW", 1e-6}, UnitScale{"mW", 1e-3}, UnitScale{"W", 1.0},
    UnitScale{"kW", 1e3},  UnitScale{"MW", 1e6},
};

}  // namespace

std::string format_energy(Joules e) {
  return e.value == 0 ? std::string("0 J") : format_scaled(e.value, kEnergyLadder, -1);
}

std::string format_power(Watts w) {
  return w.value == 0 ? std::string("0 W") : format_scaled(w.value, kPowerLadder, -1);
}

std::string format_bytes(double bytes) {
  if (!std::isfinite(bytes) || bytes == 0) return format_scaled(bytes, kByteLadder, 0);
  // Whole multiples ("48 KiB") print without decimals; others keep two ("1.50 MiB").
  const UnitScale* pick = &kByteLadder[0];
  for (const auto& u : kByteLadder) {
    if (std::fabs(bytes) >= u.scale) pick = &u;
  }
  const double scaled = bytes / pick->scale;
  if (scaled == std::round(scaled)) return fmt::format("{:.0f} {}", scaled, pick->name);
  return fmt::format("{:.2f} {}", scaled, pick->name);
}

std::string format_frequency(Hertz f) { return format_scaled(f.value, kFrequencyLadder, -1); }

std::string format_bandwidth(BitsPerSecond bw) { return format_scaled(bw.value, kBandwidthLadder, -1); }

std::string format_time(Seconds s) {
  if (s.value == 0) return "0 s";
  if (!std::isfinite(s.value)) return fmt::format("{} s", s.value);
  // Below a picosecond there is no smaller unit; print in ps rather than "0.00 ps".
  if (std::fabs(s.value) < 1e-12) return fmt::format("{:.3g} ps", s.value / 1e-12);
  return format_scaled(s.value, kTimeLadder, -1);
}

}  // namespace wafersim
