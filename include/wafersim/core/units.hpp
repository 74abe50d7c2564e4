#pragma once
// Strong unit types used everywhere inside wafersim, and parsers for unit strings
// ("1.1 GHz", "48 KiB", "100 Gb/s", "2 us"). Values are stored in SI base units.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace wafersim {

template <class Tag, class Rep = double>
struct Quantity {
  Rep value{};
  constexpr Quantity() = default;
  constexpr explicit Quantity(Rep v) : value(v) {}
  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity operator+(Quantity o) const { return Quantity(value + o.value); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(value - o.value); }
  constexpr Quantity& operator+=(Quantity o) {
    value += o.value;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity o) {
    value -= o.value;
    return *this;
  }
  constexpr Quantity operator*(Rep k) const { return Quantity(value * k); }
  constexpr Quantity operator/(Rep k) const { return Quantity(value / k); }
  constexpr double operator/(Quantity o) const {
    return static_cast<double>(value) / static_cast<double>(o.value);
  }
};

struct BytesTag {};
struct HertzTag {};
struct BitsPerSecondTag {};
struct SecondsTag {};
struct FlopsTag {};
struct CyclesTag {};
struct BytesPerSecondTag {};
struct JoulesTag {};
struct WattsTag {};

using Bytes = Quantity<BytesTag, std::uint64_t>;     // memory sizes
using Hertz = Quantity<HertzTag>;                    // clock frequency
using BitsPerSecond = Quantity<BitsPerSecondTag>;    // link bandwidth
using Seconds = Quantity<SecondsTag>;                // simulated time
using Flops = Quantity<FlopsTag>;                    // floating-point operations (count)
using Cycles = Quantity<CyclesTag>;                  // clock cycles (fractional in cost models)
using BytesPerSecond = Quantity<BytesPerSecondTag>;  // a stream's rate on a link (bytes, not bits)
using Joules = Quantity<JoulesTag>;                  // energy (per event in the energy: section)
using Watts = Quantity<WattsTag>;                    // power

constexpr Seconds cycles_to_seconds(Cycles c, Hertz f) { return Seconds(c.value / f.value); }
constexpr Seconds transfer_time(double bytes, BitsPerSecond bw) { return Seconds(bytes * 8.0 / bw.value); }
constexpr double bytes_per_second(BitsPerSecond bw) { return bw.value / 8.0; }

// Parsers: accept "<number> <unit>" with optional space; a bare number means the base unit
// (bytes, Hz, bit/s, seconds). Throw std::invalid_argument with a message saying what was
// expected; callers wrap it into a ConfigError naming file, line and key.
Bytes parse_bytes(std::string_view text);
Hertz parse_frequency(std::string_view text);
BitsPerSecond parse_bandwidth(std::string_view text);  // "100 Gb/s", "150 GB/s", "100 Gbps"
Seconds parse_time(std::string_view text);             // "2 us", "1.5 ms", "10 ns"
double parse_number(std::string_view text);            // plain finite number, rejects NaN/inf
Joules parse_energy(std::string_view text);            // "0.3 pJ", "5 nJ", "1.2 kJ"
Watts parse_power(std::string_view text);              // "450 W", "23 kW"

// Human-readable formatting for reports ("48 KiB", "1.10 GHz", "1.20 Tb/s", "2.75 s").
std::string format_bytes(double bytes);
std::string format_frequency(Hertz f);
std::string format_bandwidth(BitsPerSecond bw);
std::string format_time(Seconds s);
std::string format_energy(Joules e);  // "1.23 kJ", "0.30 pJ"
std::string format_power(Watts w);    // "18.4 kW"

}  // namespace wafersim
