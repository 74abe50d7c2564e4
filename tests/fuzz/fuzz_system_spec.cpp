// libFuzzer target: system spec YAML (load_system_spec_text) and `--set` overrides
// (parse_override). Input: YAML text, optionally followed by a line "#--set" and one
// override per line ("a.b.c=value"). An empty YAML part means the built-in cs2.yaml, so the
// overrides are fuzzed against a valid base too.
#include <cstdint>
#include <sstream>
#include <vector>

#include "fuzz_common.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/tile/tile_array.hpp"

using namespace wafersim;

namespace {

void check_spec(const SystemSpec& s) {
  const Rect& u = s.wafer.usable;
  fuzz::require(s.wafer.width > 0 && s.wafer.height > 0, "wafer size > 0");
  fuzz::require(u.x >= 0 && u.y >= 0 && u.w > 0 && u.h > 0, "usable rectangle non-empty");
  fuzz::require(static_cast<long long>(u.x) + u.w <= s.wafer.width, "usable inside the wafer (x)");
  fuzz::require(static_cast<long long>(u.y) + u.h <= s.wafer.height, "usable inside the wafer (y)");
  fuzz::require(s.pe.sram.value > s.pe.sram_reserved.value + s.map.tile_reserve.value, "SRAM left for data");
  fuzz::require(std::isfinite(s.pe.clock.value) && s.pe.clock.value > 0, "clock > 0");
  fuzz::require(std::isfinite(s.io.port_bandwidth.value) && s.io.port_bandwidth.value > 0,
                "io bandwidth > 0");
  // The tile array of a modest grid must build (bigger ones are the limits checks' business).
  if (static_cast<long long>(s.wafer.width) * s.wafer.height <= 1 << 16) {
    const TileArray t = TileArray::from_spec(s);
    fuzz::require(t.capacity() > 0, "tile capacity > 0");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input = fuzz::as_text(data, size);
  const std::string marker = "#--set\n";
  const auto at = input.find(marker);
  const std::string yaml = at == std::string::npos ? input : input.substr(0, at);
  std::vector<Override> overrides;
  if (at != std::string::npos) {
    std::istringstream lines(input.substr(at + marker.size()));
    std::string line;
    while (std::getline(lines, line)) {
      bool ok = false;
      fuzz::guarded([&] {
        overrides.push_back(parse_override(line));
        ok = true;
      });
      if (!ok) return 0;
    }
  }
  // Loaded in one go, and parsed once then overridden (what sweeps do): the same spec or the
  // same error message.
  std::string once_error, fresh_error;
  bool once_ok = false, fresh_ok = false;
  SystemSpec once, fresh;
  try {
    const ParsedSystemSpec parsed =
        yaml.empty() ? ParsedSystemSpec::builtin() : ParsedSystemSpec(yaml, "<fuzz>");
    once = parsed.with(overrides);
    once_ok = true;
  } catch (const ConfigError& e) {
    once_error = e.what();
  }
  fuzz::guarded([&] {
    try {
      fresh =
          yaml.empty() ? default_system_spec(overrides) : load_system_spec_text(yaml, "<fuzz>", overrides);
      fresh_ok = true;
    } catch (const ConfigError& e) {
      fresh_error = e.what();
      throw;
    }
    check_spec(fresh);
  });
  fuzz::require(once_ok == fresh_ok, "parsed-once and fresh loads agree on success");
  fuzz::require(once_error == fresh_error, "parsed-once and fresh loads give the same error");
  if (once_ok) {
    fuzz::require(once.wafer.usable == fresh.wafer.usable && once.pe.sram.value == fresh.pe.sram.value &&
                      once.io.port_bandwidth.value == fresh.io.port_bandwidth.value &&
                      once.name == fresh.name && once.source == fresh.source,
                  "parsed-once and fresh loads give the same spec");
  }
  return 0;
}
