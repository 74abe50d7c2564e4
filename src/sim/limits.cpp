// Resource limits: a design point that would need more host memory than the machine has is
// refused up front with an estimate, instead of being found by the OOM killer.
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "modes.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/units.hpp"

namespace wafersim::detail {

namespace {

// Bytes this process may still use: MemAvailable, or physical memory when /proc is absent.
double available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

}  // namespace

constexpr long long kMaxLayers = 100000;

double estimate_host_bytes(const SystemSpec& spec, const ModelSpec& model, const RunOptions& opt) {
  const double tiles = static_cast<double>(spec.wafer.width) * static_cast<double>(spec.wafer.height);
  // TileArray: allocation (4 B) and busy counter (8 B) per tile.
  double bytes = tiles * 12.0;
  // Pipelined: flow loads on 4 links per tile (8 B each).
  if (opt.mode != Mode::weight_streaming) bytes += tiles * 32.0;
  // Heatmaps: three per-tile maps of doubles.
  if (opt.tile_maps) bytes += tiles * 24.0;
  // The layer graph: ~20 ops per transformer block, a few hundred bytes each, plus kernels.
  const double layers = model.kind == ModelKind::transformer ? model.arch.layers : 0.0;
  bytes += layers * 20.0 * 600.0;
  return bytes + 64.0 * 1024 * 1024;  // the process itself, SystemC, libraries
}

void check_resources(const SystemSpec& spec, const ModelSpec& model, const RunOptions& opt) {
  if (model.kind == ModelKind::transformer && model.arch.layers > kMaxLayers)
    throw UsageError(fmt::format("model {} ({}): layers {} exceeds the limit of {} layers a run may have",
                                 model.arch.name, model.source, model.arch.layers, kMaxLayers));
  const double need = estimate_host_bytes(spec, model, opt);
  const double have = available_bytes();
  if (have > 0 && need > 0.8 * have)
    throw UsageError(fmt::format(
        "{}: a {} x {} grid ({:.3g} tiles) would need about {} of host memory for this run; {} is available "
        "(wafer.width x wafer.height is too large for this machine)",
        spec.source.empty() ? spec.name : spec.source, spec.wafer.width, spec.wafer.height,
        static_cast<double>(spec.wafer.width) * spec.wafer.height, format_bytes(need), format_bytes(have)));
}

}  // namespace wafersim::detail
