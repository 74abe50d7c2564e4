// libFuzzer target: the CI files of `wafersim check` and `wafersim validate`: baselines
// (load_baselines) and published measurements (load_validation). Both take a path: the input
// goes to a temp file and is read by both loaders (each rejects the other's format its own way).
#include <cstdint>

#include "fuzz_common.hpp"
#include "wafersim/check/baselines.hpp"
#include "wafersim/check/validation.hpp"

using namespace wafersim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = fuzz::write_temp(data, size, ".yaml");
  fuzz::guarded([&] {
    const Baselines b = load_baselines(path);
    for (const auto& c : b.cases) {
      fuzz::require(!c.args.empty(), "a case has arguments");
      fuzz::require(std::isfinite(c.timeout_s) && c.timeout_s > 0, "case timeout > 0");
      for (const auto& m : c.metrics)
        fuzz::require(std::isfinite(m.rel) && std::isfinite(m.abs) && m.rel >= 0 && m.abs >= 0,
                      "metric tolerances finite and >= 0");
    }
  });
  fuzz::guarded([&] {
    const Validation v = load_validation(path);
    for (const auto& c : v.cases) {
      fuzz::require(std::isfinite(c.published), "published value finite");
      fuzz::require(std::isfinite(c.timeout_s) && c.timeout_s > 0, "case timeout > 0");
    }
  });
  return 0;
}
