#include "wafersim/core/error.hpp"

#include <catch2/catch.hpp>

using namespace wafersim;

TEST_CASE("ConfigError::what names file, line, column and key", "[error]") {
  const ConfigError e({"cs2.yaml", 12, 3}, "pe.sram", "bad");
  CHECK(std::string(e.what()) == "cs2.yaml:12:3: key 'pe.sram': bad");
  CHECK(e.loc().line == 12);
  CHECK(e.key() == "pe.sram");
  CHECK(e.detail() == "bad");
}

TEST_CASE("ConfigError::what omits unknown positions and empty keys", "[error]") {
  CHECK(std::string(ConfigError({"--set", 0, 0}, "a.b", "x").what()) == "--set: key 'a.b': x");
  CHECK(std::string(ConfigError({"f.yaml", 4, 0}, "a", "x").what()) == "f.yaml:4: key 'a': x");
  CHECK(std::string(ConfigError({"f.yaml", 0, 0}, "", "no such file").what()) == "f.yaml: no such file");
}
