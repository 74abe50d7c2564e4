// Unit parsing and formatting: round trips, exact scaling, and strict rejections.
#include "wafersim/core/units.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

using namespace wafersim;

TEST_CASE("parse_bytes scales decimal and binary prefixes", "[units]") {
  CHECK(parse_bytes("48 KiB").value == 49152u);
  CHECK(parse_bytes("48KiB").value == 49152u);
  CHECK(parse_bytes("  48   KiB ").value == 49152u);
  CHECK(parse_bytes("1 KB").value == 1000u);
  CHECK(parse_bytes("1.1 KB").value == 1100u);
  CHECK(parse_bytes("1.5 KiB").value == 1536u);
  CHECK(parse_bytes("2 MiB").value == 2097152u);
  CHECK(parse_bytes("3 MB").value == 3000000u);
  CHECK(parse_bytes("1 GiB").value == 1073741824u);
  CHECK(parse_bytes("12 TB").value == 12000000000000u);
  CHECK(parse_bytes("1 TiB").value == 1099511627776u);
  CHECK(parse_bytes("2.4 PB").value == 2400000000000000u);
  CHECK(parse_bytes("1 PiB").value == 1125899906842624u);
  CHECK(parse_bytes("4096").value == 4096u);
  CHECK(parse_bytes("0 B").value == 0u);
  CHECK(parse_bytes("1e3 B").value == 1000u);
}

TEST_CASE("parse_bytes rejects bits, fractions of a byte and garbage", "[units]") {
  const char* bad =
      GENERATE("48 Kb", "48 kib", "", "   ", "KiB", "-1 KiB", "0.5 B", "1.5", "nan", "NaN KiB", "inf B",
               "1e400", "48 KiB extra", "48 KiB/s", "0x10", "1e", "--1", "1..2 KB", "1e30 PiB");
  CAPTURE(bad);
  CHECK_THROWS_AS(parse_bytes(bad), std::invalid_argument);
}

TEST_CASE("unit errors say what was expected", "[units]") {
  CHECK_THROWS_WITH(parse_bytes("48 Kb"),
                    Catch::StartsWith("expected a size such as \"48 KiB\", got \"48 Kb\""));
  CHECK_THROWS_WITH(parse_frequency("1.1 Gb/s"), Catch::Contains("expected a frequency"));
  CHECK_THROWS_WITH(parse_bandwidth("100 GHz"), Catch::Contains("expected a bandwidth"));
  CHECK_THROWS_WITH(parse_time("2 uss"), Catch::Contains("expected a time"));
  CHECK_THROWS_WITH(parse_number("abc"), Catch::Contains("expected a number"));
  CHECK_THROWS_WITH(parse_time("-2 us"), Catch::Contains("negative"));
}

TEST_CASE("parse_frequency", "[units]") {
  CHECK(parse_frequency("1.1 GHz").value == Approx(1.1e9));
  CHECK(parse_frequency("875 MHz").value == Approx(875e6));
  CHECK(parse_frequency("10 kHz").value == Approx(1e4));
  CHECK(parse_frequency("50 Hz").value == Approx(50));
  CHECK(parse_frequency("1e9").value == Approx(1e9));
  CHECK_THROWS_AS(parse_frequency("1.1 ghz"), std::invalid_argument);
  CHECK_THROWS_AS(parse_frequency("inf GHz"), std::invalid_argument);
}

TEST_CASE("parse_bandwidth accepts bit and byte rates", "[units]") {
  CHECK(parse_bandwidth("100 Gb/s").value == Approx(100e9));
  CHECK(parse_bandwidth("100 Gbps").value == Approx(100e9));
  CHECK(parse_bandwidth("1.2 Tb/s").value == Approx(1.2e12));
  CHECK(parse_bandwidth("220 Pb/s").value == Approx(220e15));
  CHECK(parse_bandwidth("10 Mb/s").value == Approx(10e6));
  CHECK(parse_bandwidth("10 Kb/s").value == Approx(10e3));
  CHECK(parse_bandwidth("7 b/s").value == Approx(7));
  CHECK(parse_bandwidth("150 GB/s").value == Approx(1200e9));  // bytes count 8x
  CHECK(parse_bandwidth("1 B/s").value == Approx(8));
  CHECK(parse_bandwidth("20 PB/s").value == Approx(160e15));
  CHECK(parse_bandwidth("5").value == Approx(5));
  CHECK_THROWS_AS(parse_bandwidth("100 Gb"), std::invalid_argument);
  CHECK_THROWS_AS(parse_bandwidth("100 G"), std::invalid_argument);
}

TEST_CASE("parse_time", "[units]") {
  CHECK(parse_time("2 us").value == Approx(2e-6));
  CHECK(parse_time("1.5 ms").value == Approx(1.5e-3));
  CHECK(parse_time("10 ns").value == Approx(10e-9));
  CHECK(parse_time("3 ps").value == Approx(3e-12));
  CHECK(parse_time("0 s").value == 0.0);
  CHECK(parse_time("2.75").value == Approx(2.75));
  CHECK_THROWS_AS(parse_time("2 sec"), std::invalid_argument);
}

TEST_CASE("parse_number accepts plain finite numbers only", "[units]") {
  CHECK(parse_number("0.73") == Approx(0.73));
  CHECK(parse_number("5e10") == Approx(5e10));
  CHECK(parse_number("-3") == Approx(-3));
  CHECK(parse_number("+3") == Approx(3));
  CHECK(parse_number(" 16 ") == Approx(16));
  const char* bad = GENERATE("", "nan", "NaN", "inf", "-inf", "1e999", "1 GHz", "1,5", "0x1p3", "true", ".");
  CAPTURE(bad);
  CHECK_THROWS_AS(parse_number(bad), std::invalid_argument);
}

TEST_CASE("formatting round-trips through the parsers", "[units]") {
  CHECK(format_bytes(49152) == "48 KiB");
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1.5 * 1048576) == "1.50 MiB");
  CHECK(format_frequency(Hertz(1.1e9)) == "1.10 GHz");
  CHECK(format_bandwidth(BitsPerSecond(1.2e12)) == "1.20 Tb/s");
  CHECK(format_time(Seconds(2.75)) == "2.75 s");
  CHECK(format_time(Seconds(2e-6)) == "2.00 us");
  CHECK(format_time(Seconds(0)) == "0 s");
  CHECK(format_frequency(Hertz(875e6)) == "875 MHz");
  CHECK(format_bandwidth(BitsPerSecond(100e9)) == "100 Gb/s");
  CHECK(format_bandwidth(BitsPerSecond(12.5e9)) == "12.5 Gb/s");
  CHECK(format_time(Seconds(1.5e-3)) == "1.50 ms");
  CHECK(parse_bytes(format_bytes(49152)).value == 49152u);
  CHECK(parse_frequency(format_frequency(Hertz(875e6))).value == Approx(875e6));
  CHECK(parse_bandwidth(format_bandwidth(BitsPerSecond(100e9))).value == Approx(100e9));
  CHECK(parse_time(format_time(Seconds(1.5e-3))).value == Approx(1.5e-3));
}

TEST_CASE("unit helpers", "[units]") {
  CHECK(cycles_to_seconds(Cycles(1.1e9), Hertz(1.1e9)).value == Approx(1.0));
  CHECK(transfer_time(1.5e11, BitsPerSecond(1.2e12)).value == Approx(1.0));
  CHECK(bytes_per_second(BitsPerSecond(8)) == Approx(1.0));
}

TEST_CASE("energies and powers parse and print", "[units]") {
  CHECK(parse_energy("0.3 pJ").value == Approx(0.3e-12));
  CHECK(parse_energy("5nJ").value == Approx(5e-9));
  CHECK(parse_energy("1.2 kJ").value == Approx(1200));
  CHECK(parse_power("23 kW").value == Approx(23e3));
  CHECK(parse_power("20 uW").value == Approx(20e-6));
  CHECK(parse_power("3 mW").value == Approx(3e-3));
  CHECK_THROWS_WITH(parse_energy("3 pW"), Catch::Contains("an energy") && Catch::Contains("pJ"));
  CHECK_THROWS_WITH(parse_power("3 pJ"), Catch::Contains("a power") && Catch::Contains("kW"));
  CHECK_THROWS(parse_power("-1 W"));
  CHECK(format_energy(Joules(1234)) == "1.23 kJ");
  CHECK(format_energy(Joules(0.3e-12)) == "300 fJ");
  CHECK(format_energy(Joules(0)) == "0 J");
  CHECK(format_power(Watts(18400)) == "18.4 kW");
  CHECK(format_power(Watts(0)) == "0 W");
}
