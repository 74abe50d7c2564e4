// libFuzzer target: sweep files (parse_sweep_spec) and their expansion into points
// (expand_points: grid, zip, random sampling, where filters). Paths resolve against
// configs/sweeps/ as for the shipped sweeps. Axis values are checked against the base system
// only when there are few (each check loads the system file).
#include <cstdint>

#include "fuzz_common.hpp"
#include "wafersim/sweep/points.hpp"
#include "wafersim/sweep/sweep_spec.hpp"

using namespace wafersim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::as_text(data, size);
  const std::string base = WAFERSIM_SOURCE_DIR "/configs/sweeps";
  fuzz::guarded([&] {
    sweep::SweepSpec s = sweep::parse_sweep_spec(text, "<fuzz>", base, false);
    double values = 0;
    double grid = 1;
    for (const auto& a : s.axes) {
      fuzz::require(!a.values.empty(), "an axis has values");
      fuzz::require(a.name != "model" || a.files.size() == a.values.size(), "a file per model value");
      values += static_cast<double>(a.values.size());
      grid *= static_cast<double>(a.values.size());
    }
    if (values <= 8) s = sweep::parse_sweep_spec(text, "<fuzz>", base, true);
    // Expansion is linear in the points; the limits on huge sweeps are checked elsewhere.
    const double points = s.random_points > 0 ? static_cast<double>(s.random_points) : grid;
    if (points > 4096) return;
    const auto pts = sweep::expand_points(s);
    fuzz::require(static_cast<double>(pts.size()) <= points, "no more points than the grid/random count");
    for (const auto& p : pts) {
      fuzz::require(p.values.size() == s.axes.size(), "one value per axis");
      const sweep::PointRun r = sweep::point_run(s, p);
      fuzz::require(r.systems >= 1, "point systems >= 1");
      fuzz::require(s.axis_index("model") >= 0 || r.model_file.empty(), "a model file only from the axis");
    }
  });
  return 0;
}
