// Shipped configs load and mean what their comments say; the built-in default is cs2.yaml.
#include <catch2/catch.hpp>
#include <variant>

#include "spec/param_table.hpp"
#include "spec_test_util.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

namespace {

// Compares every declared field of two specs through the parameter table.
void check_same_params(SystemSpec a, SystemSpec b) {
  for (const auto& decl : spec_detail::param_table()) {
    CAPTURE(decl.path);
    std::visit([&](auto field) { CHECK(field(a) == field(b)); }, decl.field);
  }
}

}  // namespace

TEST_CASE("configs/cs2.yaml loads with the WSE-2 numbers", "[spec]") {
  const SystemSpec s = load_system_spec(test::cs2_path());
  CHECK(s.name == "CS-2");
  CHECK(s.source == test::cs2_path());
  CHECK(s.wafer.width == 757);
  CHECK(s.wafer.height == 996);
  CHECK(s.wafer.usable == Rect{4, 1, 750, 994});
  CHECK(s.usable_tiles() == 750LL * 994);
  CHECK(s.pe.sram.value == 48u * 1024);
  CHECK(s.pe.sram_banks == 8);
  CHECK(s.pe.sram_reserved.value == 4096u);
  CHECK(s.pe.clock.value == Approx(1.1e9));
  CHECK(s.pe.simd.fp16_fmac == 4);
  CHECK(s.pe.simd.mixed_fmac == 2);
  CHECK(s.pe.simd.fp32_add == 2);
  CHECK(s.pe.sram_read_ports == 2);
  CHECK(s.pe.sram_write_ports == 1);
  CHECK(s.pe.sram_port_bits == 64);
  CHECK(s.pe.fmac_issue_efficiency == Approx(0.73));
  CHECK(s.pe.op_setup_cycles == 16);
  CHECK(s.router.ports == 5);
  CHECK(s.router.colors == 24);
  CHECK(s.router.wavelet_bits == 32);
  CHECK(s.router.hop_latency == 2);
  CHECK(s.io.ports == 12);
  CHECK(s.io.total().value == Approx(1.2e12));
  CHECK(s.io.latency.value == Approx(2e-6));
  CHECK(s.memoryx.capacity.value == 12000000000000u);
  CHECK(s.memoryx.bandwidth.value == Approx(1.2e12));
  CHECK(s.memoryx.optimizer_rate == Approx(5e10));
  CHECK(s.swarmx.fanout == 4);
  CHECK(s.swarmx.lanes == 12);
  CHECK(s.swarmx.nic_bandwidth.value == Approx(100e9));
  CHECK(s.swarmx.level_latency.value == Approx(1e-6));
  CHECK(s.swarmx.max_systems == 192);
  CHECK(s.input.workers == 4);
  CHECK(s.calibration.compute_efficiency == 1.0);
  CHECK(s.calibration.step_overhead.value == Approx(0.08));  // scripts/calibrate.py --write
  CHECK(s.map.strategy == "auto");
  CHECK(s.map.tile_reserve.value == 0u);
  CHECK(s.sim.stream_chunk.value == 1u * 1024 * 1024);
  CHECK(s.sim.weight_buffers == 2);
  CHECK(s.energy.present);
  CHECK(s.energy.fmac.value == Approx(0.30e-12));
  CHECK(s.energy.system_power_max.value == Approx(23e3));
}

TEST_CASE("the energy: section is optional as a whole, complete when given", "[spec][energy]") {
  // Without the section: no energy model, nothing required.
  std::string text = test::cs2_text();
  const auto start = text.find("\nenergy:\n");
  const auto end = text.find("\nmap:\n");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  const std::string without = text.substr(0, start) + text.substr(end);
  const SystemSpec bare = load_system_spec_text(without, "no-energy.yaml");
  CHECK_FALSE(bare.energy.present);
  // One key set (in the file or with --set) makes the section present: every key is required.
  try {
    load_system_spec_text(without, "no-energy.yaml", {parse_override("energy.fmac=0.3 pJ")});
    FAIL("a partial energy section loaded");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("energy.fp32_fmac") != std::string::npos);
    CHECK(std::string(e.what()).find("missing required parameter") != std::string::npos);
  }
  // Units: energies and powers, with the unit's name in the message when it is wrong.
  CHECK(load_system_spec(test::cs2_path(), {parse_override("energy.pe_cycle=4 pJ")}).energy.pe_cycle.value ==
        Approx(4e-12));
  CHECK(load_system_spec(test::cs2_path(), {parse_override("energy.system_static=2.5kW")})
            .energy.system_static.value == Approx(2500));
  CHECK_THROWS_WITH(load_system_spec(test::cs2_path(), {parse_override("energy.pe_cycle=4 pW")}),
                    Catch::Contains("energy.pe_cycle") && Catch::Contains("pJ"));
  CHECK_THROWS_WITH(load_system_spec(test::cs2_path(), {parse_override("energy.psu_efficiency=1.2")}),
                    Catch::Contains("energy.psu_efficiency"));
}

TEST_CASE("the built-in default is configs/cs2.yaml", "[spec]") {
  CHECK(builtin_cs2_yaml() == test::cs2_text());
  const SystemSpec builtin = default_system_spec();
  CHECK(builtin.source == "<built-in configs/cs2.yaml>");
  check_same_params(builtin, load_system_spec(test::cs2_path()));
}

TEST_CASE("cs1, cs3 and small-wafer configs load", "[spec]") {
  const SystemSpec cs1 = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs1.yaml");
  CHECK(cs1.name == "CS-1");
  CHECK(cs1.wafer.width * cs1.wafer.height == Approx(400000).epsilon(0.01));

  const SystemSpec cs3 = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/cs3.yaml");
  CHECK(cs3.name == "CS-3");
  CHECK(cs3.wafer.width == 762);
  CHECK(cs3.wafer.height == 1176);
  CHECK(cs3.pe.simd.fp16_fmac == 8);
  CHECK(cs3.pe.simd.mixed_fmac == 4);
  CHECK(cs3.pe.simd.fp32_add == 4);

  const SystemSpec small = load_system_spec(WAFERSIM_SOURCE_DIR "/configs/small-wafer.yaml");
  CHECK(small.wafer.width == 64);
  CHECK(small.wafer.height == 64);
  CHECK(small.wafer.usable == Rect{0, 0, 64, 64});
  // Everything but the grid, the calibration (neutral on the test wafer) and the power of the
  // box around the wafer is CS-2.
  SystemSpec cs2 = load_system_spec(test::cs2_path());
  cs2.name = small.name;
  cs2.wafer = small.wafer;
  CHECK(small.calibration.step_overhead.value == 0.0);
  CHECK(small.calibration.compute_efficiency == 1.0);
  cs2.calibration = small.calibration;
  cs2.energy.system_static = small.energy.system_static;
  check_same_params(cs2, small);
}

TEST_CASE("every value in the shipped configs names its source", "[spec][configs]") {
  const char* file = GENERATE("cs1.yaml", "cs2.yaml", "cs3.yaml", "small-wafer.yaml");
  const std::string text = test::read_text(std::string(WAFERSIM_SOURCE_DIR "/configs/") + file);
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto colon = line.find(':');
    const bool is_comment = line.find_first_not_of(' ') == line.find('#');
    const bool has_value =
        colon != std::string::npos && line.find_first_not_of(' ', colon + 1) != std::string::npos;
    if (is_comment || !has_value || line[line.find_first_not_of(' ', colon + 1)] == '#') continue;
    CAPTURE(file, n, line);
    CHECK(line.find('#') != std::string::npos);
  }
}

TEST_CASE("optional parameters take their declared defaults", "[spec]") {
  std::string text = test::cs2_text();
  for (const char* key :
       {"  sparsity:", "  turn_penalty:", "  queue_depth:", "  dies_x:", "  dies_y:", "calibration:",
        "  compute_efficiency:", "  step_overhead:", "  model_error:", "map:", "  strategy:",
        "  tile_reserve:", "sim:", "  stream_chunk:", "  weight_buffers:", "  checkpoint_store:"}) {
    text = test::replace_line(text, key, "").text;
  }
  const SystemSpec s = load_system_spec_text(text, "t.yaml");
  CHECK(s.pe.sparsity == 0.0);
  CHECK(s.router.queue_depth == 4);
  CHECK(s.wafer.dies_x == 1);
  CHECK(s.calibration.compute_efficiency == 1.0);
  CHECK(s.calibration.model_error == 0.0);
  CHECK(s.map.strategy == "auto");
  CHECK(s.sim.stream_chunk.value == 1u * 1024 * 1024);
  CHECK(s.sim.weight_buffers == 2);
  CHECK(s.sim.checkpoint_store == "auto");
}

TEST_CASE("a system parsed once gives what a fresh load gives, for any overrides", "[spec]") {
  const ParsedSystemSpec parsed = ParsedSystemSpec::from_file(test::cs2_path());
  const std::vector<std::vector<Override>> sets = {
      {},
      {{"pe.sram", "64 KiB", "sweep.yaml"}},
      {{"io.port_bandwidth", "25 Gb/s", "a"}, {"memoryx.bandwidth", "1 Tb/s", "b"}},
  };
  for (const auto& ov : sets) check_same_params(parsed.with(ov), load_system_spec(test::cs2_path(), ov));
  // Overrides of one call do not leak into the next.
  check_same_params(parsed.with(), load_system_spec(test::cs2_path()));
  check_same_params(ParsedSystemSpec::builtin().with(), default_system_spec());
  // Bad overrides fail with the very same message.
  for (const std::vector<Override>& bad : {std::vector<Override>{{"pe.sram", "lots", "x.yaml"}},
                                           std::vector<Override>{{"pe.nope", "1", "x.yaml"}},
                                           std::vector<Override>{{"wafer.width", "2", "x.yaml"}}}) {
    std::string fresh, once;
    try {
      load_system_spec(test::cs2_path(), bad);
    } catch (const ConfigError& e) {
      fresh = e.what();
    }
    try {
      parsed.with(bad);
    } catch (const ConfigError& e) {
      once = e.what();
    }
    CHECK(!fresh.empty());
    CHECK(once == fresh);
  }
  CHECK_THROWS_AS(ParsedSystemSpec::from_file("/nonexistent/system.yaml"), ConfigError);
  CHECK_THROWS_AS(ParsedSystemSpec("pe: [", "bad.yaml"), ConfigError);
}
