#pragma once
// What the front-end tests share: a path under the source tree, and the ConfigError a model
// text raises (a test fails when it loads instead).
#include <catch2/catch.hpp>
#include <string>

#include "frontend/frontends.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::test {

inline std::string src(const std::string& rel) { return std::string(WAFERSIM_SOURCE_DIR) + "/" + rel; }

// The ConfigError `load` throws.
template <class F>
ConfigError config_error(F&& load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw;
}

inline ConfigError hf_error(const std::string& text) {
  return config_error([&] { frontend::load_hf_config_text(text, "cfg.json"); });
}

inline ConfigError modelzoo_error(const std::string& text, const std::string& file) {
  return config_error([&] { frontend::load_modelzoo_text(text, file); });
}

}  // namespace wafersim::test
