// Checks that involve more than one parameter. Single-value ranges live in the table.
#include <fmt/format.h>

#include "spec/param_table.hpp"

namespace wafersim::spec_detail {
namespace {

SourceLoc where(const LocMap& locs, const std::string& path, const std::string& file) {
  auto it = locs.find(path);
  return it == locs.end() ? SourceLoc{file, 0, 0} : it->second;
}

}  // namespace

void validate_cross(const SystemSpec& spec, const LocMap& locs, const std::string& file) {
  const WaferSpec& w = spec.wafer;
  const Rect& u = w.usable;
  // 64-bit sums: x + width can overflow int for absurd inputs.
  if (static_cast<long long>(u.x) + u.w > w.width) {
    throw ConfigError(where(locs, "wafer.usable", file), "wafer.usable",
                      fmt::format("usable columns {}..{} do not fit in wafer.width {}", u.x,
                                  static_cast<long long>(u.x) + u.w - 1, w.width));
  }
  if (static_cast<long long>(u.y) + u.h > w.height) {
    throw ConfigError(where(locs, "wafer.usable", file), "wafer.usable",
                      fmt::format("usable rows {}..{} do not fit in wafer.height {}", u.y,
                                  static_cast<long long>(u.y) + u.h - 1, w.height));
  }
  if (w.dies_x > w.width || w.dies_y > w.height) {
    throw ConfigError(
        where(locs, "wafer.dies_x", file), "wafer.dies_x",
        fmt::format("{} x {} dies cannot tile a {} x {} wafer", w.dies_x, w.dies_y, w.width, w.height));
  }

  const PeSpec& pe = spec.pe;
  if (pe.sram_reserved >= pe.sram) {
    throw ConfigError(where(locs, "pe.sram_reserved", file), "pe.sram_reserved",
                      fmt::format("{} reserved leaves no data space in pe.sram {}",
                                  format_bytes(static_cast<double>(pe.sram_reserved.value)),
                                  format_bytes(static_cast<double>(pe.sram.value))));
  }
  if (spec.map.tile_reserve.value >= pe.sram.value - pe.sram_reserved.value) {  // no overflow
    throw ConfigError(where(locs, "map.tile_reserve", file), "map.tile_reserve",
                      fmt::format("{} plus pe.sram_reserved leaves no data space in pe.sram {}",
                                  format_bytes(static_cast<double>(spec.map.tile_reserve.value)),
                                  format_bytes(static_cast<double>(pe.sram.value))));
  }
  const std::string& store = spec.sim.checkpoint_store;
  if (store != "auto" && store != "wafer" && store != "offload") {
    throw ConfigError(where(locs, "sim.checkpoint_store", file), "sim.checkpoint_store",
                      fmt::format("'{}' is not allowed; expected auto, wafer or offload", store));
  }
  if (spec.router.ports < 5) {
    throw ConfigError(where(locs, "router.ports", file), "router.ports",
                      fmt::format("a 2D mesh router needs at least 5 ports (N, E, S, W, ramp), "
                                  "got {}",
                                  spec.router.ports));
  }
}

}  // namespace wafersim::spec_detail
