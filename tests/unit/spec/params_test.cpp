// The parameter table as seen by `wafersim params`, and --set overrides.
#include <catch2/catch.hpp>
#include <set>

#include "spec_test_util.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

TEST_CASE("system_params lists every parameter with a description", "[spec][params]") {
  const auto& params = system_params();
  std::set<std::string> paths;
  for (const auto& p : params) {
    CAPTURE(p.path);
    CHECK(paths.insert(p.path).second);  // no duplicates
    CHECK_FALSE(p.description.empty());
    CHECK(p.required == p.default_value.empty());
    CHECK(std::set<std::string>{"bytes", "frequency", "bandwidth", "time", "int", "number", "string",
                                "energy", "power"}
              .count(p.type) == 1);
  }
  for (const char* path : {"name",
                           "wafer.width",
                           "wafer.height",
                           "wafer.usable.x",
                           "wafer.usable.y",
                           "wafer.usable.width",
                           "wafer.usable.height",
                           "wafer.dies_x",
                           "wafer.dies_y",
                           "pe.sram",
                           "pe.sram_banks",
                           "pe.sram_reserved",
                           "pe.clock",
                           "pe.simd.fp16_fmac",
                           "pe.simd.mixed_fmac",
                           "pe.simd.fp32_fmac",
                           "pe.simd.fp16_add",
                           "pe.simd.fp32_add",
                           "pe.sram_read_ports",
                           "pe.sram_write_ports",
                           "pe.sram_port_bits",
                           "pe.fmac_issue_efficiency",
                           "pe.op_setup_cycles",
                           "pe.sparsity",
                           "router.ports",
                           "router.colors",
                           "router.wavelet_bits",
                           "router.wavelets_per_cycle",
                           "router.hop_latency",
                           "router.turn_penalty",
                           "router.queue_depth",
                           "io.ports",
                           "io.port_bandwidth",
                           "io.latency",
                           "memoryx.capacity",
                           "memoryx.bandwidth",
                           "memoryx.optimizer_rate",
                           "memoryx.latency",
                           "swarmx.fanout",
                           "swarmx.lanes",
                           "swarmx.nic_bandwidth",
                           "swarmx.level_latency",
                           "swarmx.max_systems",
                           "input.workers",
                           "input.worker_bandwidth",
                           "input.latency",
                           "calibration.compute_efficiency",
                           "calibration.step_overhead",
                           "calibration.sync_wafer_io",
                           "map.strategy",
                           "map.attention_block",
                           "map.tile_reserve",
                           "sim.stream_chunk",
                           "sim.weight_buffers",
                           "sim.checkpoint_store"}) {
    CAPTURE(path);
    CHECK(paths.count(path) == 1);
  }
  CHECK(paths.size() == 79);
}

TEST_CASE("declared defaults are the values a file without them gets", "[spec][params]") {
  for (const auto& p : system_params()) {
    if (p.required) continue;
    CAPTURE(p.path);
    // Setting a parameter to its own default must load and change nothing visible.
    CHECK_NOTHROW(default_system_spec({{p.path, p.default_value}}));
  }
  bool sram_required = false;
  for (const auto& p : system_params()) sram_required |= p.path == "pe.sram" && p.required;
  CHECK(sram_required);
}

TEST_CASE("overrides given with --set apply after the file", "[spec][overrides]") {
  const SystemSpec s = load_system_spec(
      test::cs2_path(), {parse_override("pe.clock=1 GHz"), parse_override("io.ports = 8"),
                         parse_override("name=\"CS-2 test\""), parse_override("pe.sram=40KiB")});
  CHECK(s.pe.clock.value == Approx(1e9));
  CHECK(s.io.ports == 8);
  CHECK(s.name == "CS-2 test");
  CHECK(s.pe.sram.value == 40u * 1024);
  // Later overrides win.
  const SystemSpec t = default_system_spec({{"io.ports", "3"}, {"io.ports", "4"}});
  CHECK(t.io.ports == 4);
  // An override can supply a key the file lacks.
  const auto text = test::replace_line(test::cs2_text(), "  sram_banks:", "").text;
  CHECK(load_system_spec_text(text, "t.yaml", {{"pe.sram_banks", "8"}}).pe.sram_banks == 8);
}

TEST_CASE("bad --set overrides", "[spec][overrides]") {
  auto error_of = [](const Override& o) -> ConfigError {
    try {
      default_system_spec({o});
    } catch (const ConfigError& e) {
      return e;
    }
    FAIL("expected a ConfigError");
    throw std::logic_error("unreachable");
  };
  ConfigError e = error_of({"pe.clok", "1 GHz"});
  CHECK(e.loc().file == "--set");
  CHECK(e.key() == "pe.clok");
  CHECK_THAT(e.detail(), Catch::Contains("did you mean 'pe.clock'"));
  CHECK_THAT(e.what(), Catch::StartsWith("--set: key 'pe.clok'"));
  e = error_of({"pe", "1"});
  CHECK_THAT(e.detail(), Catch::Contains("section"));
  e = error_of({"pe.clock", "fast"});
  CHECK(e.key() == "pe.clock");
  CHECK_THAT(e.detail(), Catch::Contains("expected a frequency"));
  e = error_of({"pe.clock", ""});
  CHECK(e.key() == "pe.clock");
  e = error_of({"pe.clock", "[1"});
  CHECK(e.key() == "pe.clock");
  e = error_of({"wafer.usable.width", "1000"});
  CHECK(e.key() == "wafer.usable");
}

TEST_CASE("parse_override", "[spec][overrides]") {
  const Override o = parse_override("a.b.c=1=2");
  CHECK(o.path == "a.b.c");
  CHECK(o.value == "1=2");
  CHECK(o.origin == "--set");
  CHECK_THROWS_AS(parse_override("a.b.c"), UsageError);
  CHECK_THROWS_AS(parse_override("=5"), UsageError);
  CHECK_THROWS_AS(parse_override(""), UsageError);
  CHECK_THROWS_WITH(parse_override("pe.clock"), Catch::Contains("pe.clock"));
}
