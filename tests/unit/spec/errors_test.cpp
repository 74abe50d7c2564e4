// Every class of bad system file gives a ConfigError naming the file, the line and the key.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "spec_test_util.hpp"
#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

namespace {

// Loads `text` and returns the ConfigError it must raise.
ConfigError load_error(const std::string& text) {
  try {
    load_system_spec_text(text, "bad.yaml");
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw std::logic_error("unreachable");
}

ConfigError edit_error(const std::string& prefix, const std::string& replacement, int* line = nullptr) {
  const auto edited = test::replace_line(test::cs2_text(), prefix, replacement);
  if (line != nullptr) *line = edited.line;
  return load_error(edited.text);
}

}  // namespace

TEST_CASE("bad values name the key and the line", "[spec][errors]") {
  struct Case {
    const char* prefix;
    const char* replacement;
    const char* key;
    const char* detail;
  };
  const Case c = GENERATE(
      Case{"  sram: ", "  sram: 48 Kb", "pe.sram", "expected a size such as \"48 KiB\""},
      Case{"  sram: ", "  sram: 0 B", "pe.sram", "must be > 0"},
      Case{"  sram: ", "  sram: -4 KiB", "pe.sram", "negative"},
      Case{"  sram: ", "  sram: nan", "pe.sram", "expected a size"},
      Case{"  sram: ", "  sram: .nan", "pe.sram", "expected a size"},
      Case{"  clock: ", "  clock: 1.1 Gb/s", "pe.clock", "expected a frequency"},
      Case{"  clock: ", "  clock: 0 GHz", "pe.clock", "must be > 0"},
      Case{"  port_bandwidth:", "  port_bandwidth: 100 GHz", "io.port_bandwidth", "expected a bandwidth"},
      Case{"  latency: 2 us", "  latency: 2 parsecs", "io.latency", "expected a time"},
      Case{"  ports: 12", "  ports: twelve", "io.ports", "expected an integer"},
      Case{"  ports: 12", "  ports: 12.5", "io.ports", "expected an integer"},
      Case{"  ports: 12", "  ports: -1", "io.ports", "must be > 0"},
      Case{"  ports: 12", "  ports: 1e20", "io.ports", "expected an integer"},
      Case{"  sram_banks:", "  sram_banks: 0", "pe.sram_banks", "must be > 0"},
      Case{"  fmac_issue_efficiency:", "  fmac_issue_efficiency: 1.5", "pe.fmac_issue_efficiency",
           "in (0, 1]"},
      Case{"  fmac_issue_efficiency:", "  fmac_issue_efficiency: 0", "pe.fmac_issue_efficiency", "in (0, 1]"},
      Case{"  sparsity:", "  sparsity: 1", "pe.sparsity", "in [0, 1)"},
      Case{"  compute_efficiency:", "  compute_efficiency: inf", "calibration.compute_efficiency",
           "expected a number"},
      Case{"  fanout:", "  fanout: 1", "swarmx.fanout", ">= 2"},
      Case{"  strategy:", "  strategy: \"\"", "map.strategy", "non-empty"},
      Case{"  sram: ", "  sram: {a: 1}", "pe.sram", "got a mapping"},
      Case{"  sram: ", "  sram: [48, KiB]", "pe.sram", "got a list"},
      Case{"  sram: ", "  sram:", "pe.sram", "got no value"},
      Case{"  simd:", "  simd: 4\n  simd_children:", "pe.simd", "expected a mapping with keys fp16_fmac"});
  CAPTURE(c.replacement);
  int line = 0;
  const ConfigError e = edit_error(c.prefix, c.replacement, &line);
  CHECK(e.key() == c.key);
  CHECK(e.loc().file == "bad.yaml");
  CHECK(e.loc().line == line);
  CHECK_THAT(e.detail(), Catch::Contains(c.detail));
  CHECK_THAT(e.what(), Catch::StartsWith("bad.yaml:" + std::to_string(line) + ":"));
}

TEST_CASE("unknown keys are rejected with a suggestion", "[spec][errors]") {
  int line = 0;
  ConfigError e = edit_error("  sram: ", "  srma: 48 KiB", &line);
  CHECK(e.key() == "pe.srma");
  CHECK(e.loc().line == line);
  CHECK(e.loc().column == 3);
  CHECK_THAT(e.detail(), Catch::Contains("unknown key") && Catch::Contains("did you mean 'pe.sram'"));

  // A key in the wrong section is found by its name.
  e = edit_error("  sram: ", "  sram: 48 KiB\n  colors: 24", &line);
  CHECK(e.key() == "pe.colors");
  CHECK(e.loc().line == line + 1);
  CHECK_THAT(e.detail(), Catch::Contains("did you mean 'router.colors'"));

  e = edit_error("sim:", "simulation:", &line);
  CHECK(e.key() == "simulation");
  CHECK(e.loc().line == line);

  e = edit_error("  sram: ", "  sram: 48 KiB\n  totally_unrelated_thing: 1");
  CHECK_THAT(e.detail(), !Catch::Contains("did you mean"));
}

TEST_CASE("missing required keys name the file and the key", "[spec][errors]") {
  int line = 0;
  const ConfigError e = edit_error("  sram_banks:", "");
  CHECK(e.key() == "pe.sram_banks");
  CHECK(e.loc().file == "bad.yaml");
  CHECK_THAT(e.detail(), Catch::Contains("missing required"));
  // A whole missing section.
  const auto no_io = test::replace_line(test::cs2_text(), "io:", "io_removed:");
  CHECK(load_error(no_io.text).key() == "io_removed");
  const ConfigError name = edit_error("name:", "", &line);
  CHECK(name.key() == "name");
}

TEST_CASE("duplicated keys are rejected", "[spec][errors]") {
  int line = 0;
  ConfigError e = edit_error("  sram: ", "  sram: 48 KiB\n  sram: 40 KiB", &line);
  CHECK(e.key() == "pe.sram");
  CHECK(e.loc().line == line + 1);
  CHECK_THAT(e.detail(), Catch::Contains("duplicated") && Catch::Contains(std::to_string(line)));
  // Duplicated sections too.
  const std::string text = test::cs2_text() + "\nsim:\n  weight_buffers: 3\n";
  e = load_error(text);
  CHECK(e.key() == "sim");
}

TEST_CASE("cross-parameter checks", "[spec][errors]") {
  ConfigError e = edit_error("    x: 4", "    x: 10");
  CHECK(e.key() == "wafer.usable");
  CHECK(e.loc().line > 0);
  CHECK_THAT(e.detail(), Catch::Contains("wafer.width 757"));
  e = edit_error("    height: 994", "    height: 996");
  CHECK(e.key() == "wafer.usable");
  e = edit_error("  sram_reserved:", "  sram_reserved: 48 KiB");
  CHECK(e.key() == "pe.sram_reserved");
  e = edit_error("  tile_reserve:", "  tile_reserve: 44 KiB");
  CHECK(e.key() == "map.tile_reserve");
  e = edit_error("  ports: 5", "  ports: 4");
  CHECK(e.key() == "router.ports");
}

TEST_CASE("whole-file problems", "[spec][errors]") {
  // YAML syntax error: the parser's line.
  const auto broken = test::replace_line(test::cs2_text(), "  sram: ", "  sram: [48 KiB");
  ConfigError e = load_error(broken.text);
  CHECK(e.key().empty());
  CHECK(e.loc().line >= broken.line);
  CHECK_THAT(e.detail(), Catch::Contains("YAML syntax error"));

  e = load_error("");
  CHECK_THAT(e.detail(), Catch::Contains("empty"));
  e = load_error("# only a comment\n");
  CHECK_THAT(e.detail(), Catch::Contains("empty"));
  e = load_error("- a\n- b\n");
  CHECK_THAT(e.detail(), Catch::Contains("expected a mapping"));
  e = load_error("just text");
  CHECK_THAT(e.detail(), Catch::Contains("expected a mapping"));
  e = load_error("? [a, b]\n: 1\n");
  CHECK_THAT(e.detail(), Catch::Contains("plain names"));
  e = load_error("\t\x01\xff: [");
  CHECK(e.loc().file == "bad.yaml");
}

TEST_CASE("file problems name the file", "[spec][errors]") {
  const std::string missing = WAFERSIM_SOURCE_DIR "/configs/does-not-exist.yaml";
  CHECK_THROWS_MATCHES(load_system_spec(missing), ConfigError,
                       Catch::Matchers::Predicate<ConfigError>([&](const ConfigError& e) {
                         return e.loc().file == missing &&
                                std::string(e.what()).find("no such file") != std::string::npos;
                       }));
  CHECK_THROWS_MATCHES(load_system_spec(WAFERSIM_SOURCE_DIR "/configs"), ConfigError,
                       Catch::Matchers::Predicate<ConfigError>([](const ConfigError& e) {
                         return e.detail().find("directory") != std::string::npos;
                       }));
  CHECK_THROWS_AS(load_system_spec(""), ConfigError);

  const test::TempDir dir;
  const auto empty = dir.write("empty.yaml", "");
  CHECK_THROWS_MATCHES(load_system_spec(empty.string()), ConfigError,
                       Catch::Matchers::Predicate<ConfigError>([](const ConfigError& e) {
                         return e.detail().find("empty") != std::string::npos;
                       }));
}

TEST_CASE("mangled inputs never escape as anything but ConfigError", "[spec][errors]") {
  // Cut the file at every 7th byte and flip characters: each load must succeed or throw
  // ConfigError, never crash or leak a yaml-cpp exception.
  const std::string text = test::cs2_text();
  for (std::size_t cut = 0; cut < text.size(); cut += 7) {
    std::string t = text.substr(0, cut);
    try {
      load_system_spec_text(t, "cut.yaml");
    } catch (const ConfigError&) {
    }
    t = text;
    t[cut] = static_cast<char>("{}[]:#&*!|>'\"%@`-?,\t\n "[cut % 23]);
    try {
      load_system_spec_text(t, "flip.yaml");
    } catch (const ConfigError&) {
    }
  }
  SUCCEED();
}
