// Sweep-file parsing and point expansion: grid, zip, random, where, shards, keys, errors.
#include <catch2/catch.hpp>
#include <set>

#include "wafersim/core/error.hpp"
#include "wafersim/sweep/points.hpp"

using namespace wafersim;
using namespace wafersim::sweep;

namespace {
SweepSpec parse(const std::string& text) {
  return parse_sweep_spec(text, "t.yaml", WAFERSIM_SOURCE_DIR, false);
}

std::string values_of(const Point& p) {
  std::string s;
  for (const auto& v : p.values) s += v.canonical() + " ";
  return s;
}

ConfigError error_of(const std::string& text, bool validate = false) {
  try {
    const auto s = parse_sweep_spec(text, "t.yaml", WAFERSIM_SOURCE_DIR, validate);
    expand_points(s);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw std::logic_error("unreachable");
}
}  // namespace

TEST_CASE("grid is the cartesian product, first axis slowest", "[sweep]") {
  const auto s = parse("axes:\n  pe.sram: [32 KiB, 48 KiB]\n  systems: [1, 2, 4]\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 6);
  CHECK(values_of(pts[0]) == "32768 1 ");
  CHECK(values_of(pts[1]) == "32768 2 ");
  CHECK(values_of(pts[5]) == "49152 4 ");
  std::set<std::string> keys;
  for (const auto& p : pts) keys.insert(p.key);
  CHECK(keys.size() == 6);
}

TEST_CASE("range and log axes parse units and stay exact", "[sweep]") {
  const auto s = parse(
      "axes:\n  pe.sram: {range: {from: 32 KiB, to: 96 KiB, step: 16 KiB}}\n"
      "  io.port_bandwidth: {log: {from: 10 Gb/s, to: 1 Tb/s, points: 3}}\n");
  REQUIRE(s.axes[0].values.size() == 5);
  CHECK(s.axes[0].values.back().canonical() == "98304");
  REQUIRE(s.axes[1].values.size() == 3);
  CHECK(s.axes[1].values[1].number == Approx(1e11));
  CHECK(s.axes[1].values[2].canonical() == "1000000000000");
}

TEST_CASE("zip moves axes together", "[sweep]") {
  const auto s = parse(
      "axes:\n  systems: [1, 2, 4]\n  batch: [8, 16, 32]\n  pe.sram: [32 KiB, 48 KiB]\nzip: [[systems, "
      "batch]]\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 6);
  for (const auto& p : pts) CHECK(p.values[1].number == 8 * p.values[0].number);
}

TEST_CASE("where drops points", "[sweep]") {
  const auto s = parse(
      "axes:\n  systems: [1, 2, 4, 8]\n  batch: [8, 64, 512]\nwhere:\n  - systems * batch <= 512\n"
      "  - batch / systems >= 8 and not (systems == 2 or batch == 64)\n");
  const auto pts = expand_points(s);
  for (const auto& p : pts) {
    const double sys = p.values[0].number, b = p.values[1].number;
    CHECK(sys * b <= 512);
    CHECK(b / sys >= 8);
    CHECK(sys != 2);
    CHECK(b != 64);
  }
  CHECK(pts.size() == 2);  // (1, 8) and (1, 512)
}

TEST_CASE("where compares text axes", "[sweep]") {
  const auto s = parse(
      "axes:\n  mode: [weight-streaming, pipelined]\n  systems: [1, 2]\nwhere: mode == 'weight-streaming' or "
      "systems == 1\n");
  CHECK(expand_points(s).size() == 3);
}

TEST_CASE("random sampling is seeded and a subset of the grid", "[sweep]") {
  const std::string base =
      "axes:\n  systems: {range: {from: 1, to: 40, step: 1}}\n  batch: {range: {from: 8, to: 400, step: "
      "8}}\n";
  const auto a = expand_points(parse(base + "random: 25\nseed: 7\n"));
  const auto b = expand_points(parse(base + "random: 25\nseed: 7\n"));
  const auto c = expand_points(parse(base + "random: 25\nseed: 8\n"));
  REQUIRE(a.size() == 25);
  std::set<std::string> ka, kc;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].key == b[i].key);
    ka.insert(a[i].key);
  }
  for (const auto& p : c) kc.insert(p.key);
  CHECK(ka.size() == 25);
  CHECK(ka != kc);
}

TEST_CASE("shards partition the points", "[sweep]") {
  const auto pts = expand_points(parse("axes:\n  systems: {range: {from: 1, to: 10, step: 1}}\n"));
  std::set<std::string> all;
  for (int i = 0; i < 3; ++i)
    for (const auto& p : shard_points(pts, {i, 3})) CHECK(all.insert(p.key).second);
  CHECK(all.size() == pts.size());
  CHECK(parse_shard("3/16").index == 3);
  CHECK_THROWS_AS(parse_shard("16/16"), UsageError);
  CHECK_THROWS_AS(parse_shard("x"), UsageError);
}

TEST_CASE("keys depend on the point, not on axis order", "[sweep]") {
  const auto a = expand_points(parse("axes:\n  systems: [2]\n  pe.sram: [32 KiB]\n"));
  const auto b = expand_points(parse("axes:\n  pe.sram: [32768]\n  systems: [2]\n"));
  CHECK(a[0].key == b[0].key);
  PointContext other{"x", "y"};
  CHECK(expand_points(parse("axes:\n  systems: [2]\n  pe.sram: [32 KiB]\n"), other)[0].key != a[0].key);
}

TEST_CASE("bad sweep files name the line and the path", "[sweep]") {
  auto e = error_of("axes:\n  pe.sramm: [32 KiB]\n");
  CHECK(e.loc().line == 2);
  CHECK(e.key() == "axes.pe.sramm");
  e = error_of("axes:\n  pe.sram: [32 KiB, 48 parsecs]\n");
  CHECK(e.loc().line == 2);
  CHECK(std::string(e.what()).find("parsecs") != std::string::npos);
  e = error_of("axes:\n  systems: [1, 2]\nwhere: sytems > 1\n");
  CHECK(e.loc().line == 3);
  CHECK(std::string(e.what()).find("sytems") != std::string::npos);
  e = error_of("axes:\n  systems: [1, 2]\n  batch: [8]\nzip: [[systems, batch]]\n");
  CHECK(e.key() == "zip.batch");
  e = error_of("system: nowhere.yaml\naxes:\n  systems: [1]\n");
  CHECK(e.loc().line == 1);
  e = error_of("axes:\n  systems: [0]\n");
  CHECK(e.key() == "axes.systems");
  // Validation against the base system: a negative size is rejected by the spec itself.
  e = error_of("system: configs/cs2.yaml\naxes:\n  pe.clock: [1 GHz, 0 GHz]\n", true);
  CHECK(e.loc().line == 3);
  CHECK(e.key() == "axes.pe.clock");
}

// Found by tests/fuzz/fuzz_sweep_spec: a log axis with ~200k points hung (quadratic dedup), and
// "points: 211111!11q" was read as 211111.
TEST_CASE("large log axes parse in linear time, points must be a whole integer", "[sweep]") {
  const auto s = parse("axes:\n  io.port_bandwidth: {log: {from: 1 Gb/s, to: 400 Gb/s, points: 200000}}\n");
  CHECK(s.axes.at(0).values.size() == 200000);
  const auto e = error_of("axes:\n  io.port_bandwidth: {log: {from: 1 Gb/s, to: 4 Gb/s, points: 3x}}\n");
  CHECK(e.loc().line == 2);
  CHECK(std::string(e.what()).find("points must be an integer") != std::string::npos);
}

// Found by tests/fuzz/fuzz_sweep_spec (corpus crash-0eda6272...): a log axis from a subnormal
// number threw std::out_of_range out of the value rounding (exit 1, "internal error: stod").
TEST_CASE("a log axis from a subnormal value parses", "[sweep]") {
  const auto s = parse("axes:\n  io.port_bandwidth: {log: {from: 261e-320 Gb/s, to: 400 Gb/s, points: 8}}\n");
  REQUIRE(s.axes.at(0).values.size() == 8);
  CHECK(s.axes[0].values.front().number > 0);
  CHECK(s.axes[0].values.back().number == Approx(4e11));
  CHECK(expand_points(s).size() == 8);
}

// Found by tests/fuzz/fuzz_sweep_spec (corpus crash-*): run-option values beyond an int
// wrapped to nonsense points, and an over-long file path escaped as a std::filesystem error.
TEST_CASE("run options must fit an int, and unreadable paths are config errors", "[sweep]") {
  auto e = error_of("axes:\n  systems: [1, 12147483648]\n");
  CHECK(e.loc().line == 2);
  CHECK(e.key() == "axes.systems");
  CHECK(std::string(e.what()).find("whole number from 1 to 2147483647") != std::string::npos);
  e = error_of("axes:\n  systems: [1, 5555555555555555555555555555555555555555]\n");
  CHECK(e.key() == "axes.systems");
  e = error_of("batch: 99999999999\naxes:\n  systems: [1]\n");
  CHECK(e.loc().line == 1);
  CHECK(std::string(e.what()).find("<= 2147483647") != std::string::npos);
  const auto s = parse("axes:\n  systems: [1, 2147483647]\n");
  CHECK(point_run(s, expand_points(s)[1]).systems == 2147483647);
  e = error_of("system: " + std::string(5000, 'x') + ".yaml\naxes:\n  systems: [1]\n");
  CHECK(e.loc().line == 1);
  CHECK(e.key() == "system");
  CHECK(std::string(e.what()).find("cannot access") != std::string::npos);
}

TEST_CASE("command: infer takes prompt and generate, and refuses training options", "[sweep]") {
  const auto s = parse("command: infer\ngenerate: 64\naxes:\n  prompt: [128, 512]\n  systems: [1, 2]\n");
  CHECK(s.command == "infer");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 4);
  const PointRun r = point_run(s, pts[3]);
  CHECK(r.command == "infer");
  CHECK(r.mode == "infer");
  CHECK(r.prompt == 512);
  CHECK(r.generate == 64);
  CHECK(r.systems == 2);
  CHECK(pts[3].description.find("\"prompt\":512") != std::string::npos);
  // Training points keep the keys they had before `command:` existed (databases resume).
  const auto t = expand_points(parse("axes:\n  systems: [2]\n"));
  CHECK(t[0].description.find("command") == std::string::npos);
  // The same axes as an infer sweep are another point.
  CHECK(expand_points(parse("command: infer\naxes:\n  systems: [2]\n"))[0].key != t[0].key);

  auto e = error_of("command: infer\naxes:\n  seq: [128]\n");
  CHECK(e.loc().line == 3);
  CHECK(e.key() == "axes.seq");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
  e = error_of("mode: pipelined\ncommand: infer\naxes:\n  systems: [1]\n");
  CHECK(e.loc().line == 1);
  CHECK(e.key() == "mode");
  e = error_of("axes:\n  prompt: [128]\n");
  CHECK(e.key() == "axes.prompt");
  CHECK(std::string(e.what()).find("add `command: infer`") != std::string::npos);
  e = error_of("command: serve\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "command");
  e = error_of("command: infer\naxes:\n  prompt: [0]\n");
  CHECK(e.key() == "axes.prompt");
}

TEST_CASE("a model axis runs model files side by side", "[sweep]") {
  const auto s = parse_sweep_spec(
      "command: infer\naxes:\n  model: [models/tiny-gpt.yaml, builtin]\n  systems: [1, 2]\n"
      "where: model != 'builtin' or systems == 1\n",
      "t.yaml", WAFERSIM_SOURCE_DIR, true);
  REQUIRE(s.axes.at(0).name == "model");
  REQUIRE(s.axes[0].files.size() == 2);
  CHECK(s.axes[0].files[0] == std::string(WAFERSIM_SOURCE_DIR) + "/models/tiny-gpt.yaml");
  CHECK(s.axes[0].files[1] == "builtin");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 3);  // the built-in model on one system only
  CHECK(point_run(s, pts[0]).model_file == s.axes[0].files[0]);
  CHECK(point_run(s, pts[2]).model_file == "builtin");
  CHECK(pts[2].values[0].text == "builtin");
  // The key follows the model file's content (the runner's hashes), not its path.
  PointContext a, b;
  a.model_hashes[s.axes[0].files[0]] = "one";
  b.model_hashes[s.axes[0].files[0]] = "two";
  CHECK(expand_points(s, a)[0].key != expand_points(s, b)[0].key);
  CHECK(expand_points(s, a)[2].key == expand_points(s, b)[2].key);
  // Without the axis the model stays the sweep's.
  CHECK(point_run(parse("axes:\n  systems: [1]\n"), expand_points(parse("axes:\n  systems: [1]\n"))[0])
            .model_file.empty());

  auto e = error_of("axes:\n  systems: [1]\n  model: [models/tiny-gpt.yaml, models/nosuch.yaml]\n");
  CHECK(e.loc().line == 3);
  CHECK(e.key() == "axes.model");
  CHECK(std::string(e.what()).find("nosuch.yaml") != std::string::npos);
  // A model file the loader refuses: the sweep's line, and the model file's own line and key.
  e = error_of("axes:\n  model: [tests/bad_inputs/model_negative_layers.yaml]\n", true);
  CHECK(e.loc().line == 2);
  CHECK(e.key() == "axes.model");
  CHECK(std::string(e.what()).find("rejected: ") != std::string::npos);
  CHECK(std::string(e.what()).find("model_negative_layers.yaml:") != std::string::npos);
}

TEST_CASE("command: infer takes a layout axis, compact keeping the keys it had", "[sweep]") {
  const auto s =
      parse("command: infer\naxes:\n  layout: [compact, fill]\n  systems: [2]\nwhere: layout == 'fill'\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 1);
  CHECK(point_run(s, pts[0]).layout == "fill");
  const auto both =
      expand_points(parse("command: infer\naxes:\n  layout: [compact, fill]\n  systems: [2]\n"));
  REQUIRE(both.size() == 2);
  CHECK(both[0].key == expand_points(parse("command: infer\naxes:\n  systems: [2]\n"))[0].key);
  CHECK(both[1].key != both[0].key);
  CHECK(parse("command: infer\nlayout: fill\naxes:\n  systems: [2]\n").layout == "fill");
  auto e = error_of("command: infer\naxes:\n  layout: [compact, spread]\n");
  CHECK(e.loc().line == 3);
  CHECK(e.key() == "axes.layout");
  e = error_of("layout: fill\naxes:\n  systems: [1]\n");
  CHECK(e.loc().line == 1);
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
}

TEST_CASE("command: infer takes weight_bits and kv_bits, unset keeping the keys they had", "[sweep]") {
  const auto s = parse(
      "command: infer\nkv_bits: 8\naxes:\n  weight_bits: [16, 4.25]\n  systems: [2]\n"
      "where: weight_bits < 16\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 1);
  CHECK(point_run(s, pts[0]).weight_bits == 4.25);
  CHECK(point_run(s, pts[0]).kv_bits == 8);
  const auto e4 = parse("command: infer\naxes:\n  expert_bits: [4.25]\n");
  CHECK(point_run(e4, expand_points(e4)[0]).expert_bits == 4.25);
  CHECK(pts[0].description.find("\"weight_bits\":4.25") != std::string::npos);
  const auto plain = expand_points(parse("command: infer\naxes:\n  systems: [2]\n"));
  CHECK(plain[0].description.find("bits") == std::string::npos);
  auto e = error_of("command: infer\naxes:\n  weight_bits: [8, 0.5]\n");
  CHECK(e.loc().line == 3);
  CHECK(e.key() == "axes.weight_bits");
  e = error_of("command: infer\nkv_bits: many\naxes:\n  systems: [1]\n");
  CHECK(e.loc().line == 2);
  CHECK(e.key() == "kv_bits");
  e = error_of("weight_bits: 8\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
}

TEST_CASE("command: infer takes arrival_rate and requests for serving points", "[sweep]") {
  const auto s = parse(
      "command: infer\nrequests: 50\naxes:\n  arrival_rate: [0.5, 8]\n  batch: [4, 16]\n"
      "where: arrival_rate * batch >= 4\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 3);  // 0.5 x 4 is left out
  CHECK(point_run(s, pts[0]).arrival_rate == 0.5);
  CHECK(point_run(s, pts[0]).requests == 50);
  CHECK(pts[0].description.find("\"arrival_rate\":0.5") != std::string::npos);
  CHECK(expand_points(parse("command: infer\naxes:\n  systems: [2]\n"))[0].description.find("arrival") ==
        std::string::npos);
  auto e = error_of("command: infer\naxes:\n  arrival_rate: [1, 0]\n");
  CHECK(e.loc().line == 3);
  CHECK(e.key() == "axes.arrival_rate");
  e = error_of("command: infer\nrequests: 0\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "requests");
  e = error_of("arrival_rate: 2\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
}

TEST_CASE("command: infer takes the prefill pool's batch and the shared queue", "[sweep]") {
  const auto s = parse(
      "command: infer\narrival_rate: 8\nprefill_replicas: 1\nrouting: shared-queue\naxes:\n  "
      "prefill_batch: [0, 4]\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 2);
  CHECK(point_run(s, pts[0]).prefill_batch == 0);
  CHECK(point_run(s, pts[1]).prefill_batch == 4);
  CHECK(point_run(s, pts[1]).routing == "shared-queue");
  CHECK(pts[0].description.find("prefill_batch") == std::string::npos);  // --batch: the old key
  CHECK(pts[1].description.find("\"prefill_batch\":4") != std::string::npos);
  auto e = error_of("command: infer\narrival_rate: 8\naxes:\n  prefill_batch: [-1]\n");
  CHECK(e.key() == "axes.prefill_batch");
  e = error_of("prefill_batch: 4\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
  e = error_of("command: infer\narrival_rate: 8\nrouting: first-free\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("shared-queue") != std::string::npos);
}

TEST_CASE("command: infer takes replicas and routing as options and axes", "[sweep]") {
  const auto s = parse(
      "command: infer\narrival_rate: 8\nreplicas: 2\naxes:\n  routing: [round-robin, least-outstanding]\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 2);
  CHECK(point_run(s, pts[0]).replicas == 2);
  CHECK(point_run(s, pts[1]).routing == "least-outstanding");
  CHECK(pts[0].description.find("\"replicas\":2") != std::string::npos);
  // round-robin and one replica are the defaults: the points keep the keys they had.
  CHECK(pts[0].description.find("routing") == std::string::npos);
  CHECK(pts[1].description.find("\"routing\":\"least-outstanding\"") != std::string::npos);
  const auto ax =
      parse("command: infer\narrival_rate: 8\naxes:\n  replicas: [1, 2, 4]\nwhere: replicas > 1\n");
  const auto apts = expand_points(ax);
  REQUIRE(apts.size() == 2);
  CHECK(point_run(ax, apts[1]).replicas == 4);
  const auto plain = parse("command: infer\narrival_rate: 8\naxes:\n  systems: [1]\n");
  const auto one = parse("command: infer\narrival_rate: 8\nreplicas: 1\naxes:\n  systems: [1]\n");
  CHECK(expand_points(one)[0].description == expand_points(plain)[0].description);
  auto e = error_of("command: infer\nrouting: random\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "routing");
  e = error_of("command: infer\naxes:\n  replicas: [2, 0]\n");
  CHECK(e.key() == "axes.replicas");
  e = error_of("command: infer\nreplicas: 5000\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "replicas");
  // Disaggregated serving: prefill_replicas and prefill_systems, keys only when set.
  const auto dis =
      parse("command: infer\narrival_rate: 8\nprefill_systems: 8\naxes:\n  prefill_replicas: [0, 2]\n");
  const auto dpts = expand_points(dis);
  REQUIRE(dpts.size() == 2);
  CHECK(point_run(dis, dpts[1]).prefill_replicas == 2);
  CHECK(point_run(dis, dpts[1]).prefill_systems == 8);
  CHECK(dpts[0].description.find("\"prefill_replicas\"") == std::string::npos);
  CHECK(dpts[1].description.find("\"prefill_replicas\":2") != std::string::npos);
  // Capacity objectives: options and axes, keys only when set.
  const auto cap = parse("command: infer\nslo_ttft_p99: 0.1\naxes:\n  slo_tbt_p99: [0.01, 0.02]\n");
  const auto cpts = expand_points(cap);
  REQUIRE(cpts.size() == 2);
  CHECK(point_run(cap, cpts[0]).slo_ttft_p99 == 0.1);
  CHECK(point_run(cap, cpts[1]).slo_tbt_p99 == 0.02);
  const auto tpot =
      parse("command: infer\nslo_tpot_p99: 0.003\naxes:\n  batch: [1]\nwhere: slo_tpot_p99 < 0.01\n");
  REQUIRE(expand_points(tpot).size() == 1);
  CHECK(point_run(tpot, expand_points(tpot)[0]).slo_tpot_p99 == 0.003);
  CHECK(expand_points(tpot)[0].description.find("\"slo_tpot_p99\":0.003") != std::string::npos);
  CHECK(cpts[0].description.find("\"slo_ttft_p99\":0.1") != std::string::npos);
  CHECK(dpts[0].description.find("slo_") == std::string::npos);
  e = error_of("command: infer\nslo_ttft_p99: -2\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "slo_ttft_p99");
  e = error_of("command: infer\naxes:\n  slo_tbt_p99: [0.01, 0]\n");
  CHECK(e.key() == "axes.slo_tbt_p99");
  e = error_of("command: infer\naxes:\n  prefill_replicas: [1, -1]\n");
  CHECK(e.key() == "axes.prefill_replicas");
  e = error_of("replicas: 2\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
}

TEST_CASE("command: infer takes prefill_chunk as an option and an axis", "[sweep]") {
  const auto s = parse("command: infer\narrival_rate: 4\nprefill_chunk: 512\naxes:\n  batch: [4, 16]\n");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 2);
  CHECK(point_run(s, pts[0]).prefill_chunk == 512);
  CHECK(pts[0].description.find("\"prefill_chunk\":512") != std::string::npos);
  // Unset: whole prompts, and the points keep the keys they had.
  const auto plain = parse("command: infer\narrival_rate: 4\naxes:\n  batch: [4, 16]\n");
  CHECK(point_run(plain, expand_points(plain)[0]).prefill_chunk == 0);
  CHECK(expand_points(plain)[0].description.find("prefill_chunk") == std::string::npos);
  // 0 on an axis: whole prompts beside chunked ones, with the key of a point without the option.
  const auto ax = parse(
      "command: infer\narrival_rate: 4\naxes:\n  prefill_chunk: [0, 256, 2048]\n"
      "where: prefill_chunk != 256\n");
  const auto apts = expand_points(ax);
  REQUIRE(apts.size() == 2);
  CHECK(point_run(ax, apts[0]).prefill_chunk == 0);
  const auto whole = parse("command: infer\narrival_rate: 4\naxes:\n  systems: [1]\n");
  CHECK(apts[0].description == expand_points(whole)[0].description);
  CHECK(point_run(ax, apts[1]).prefill_chunk == 2048);
  auto e = error_of("command: infer\nprefill_chunk: -1\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "prefill_chunk");
  e = error_of("prefill_chunk: 512\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
  e = error_of("command: infer\naxes:\n  prefill_chunk: [512, 1.5]\n");
  CHECK(e.key() == "axes.prefill_chunk");
  // Lengths drawn per request: prompt_min and generate_min, options and axes, keys only when set.
  const auto lens =
      parse("command: infer\narrival_rate: 4\ngenerate_min: 16\naxes:\n  prompt_min: [0, 128]\n");
  const auto lpts = expand_points(lens);
  REQUIRE(lpts.size() == 2);
  CHECK(point_run(lens, lpts[0]).prompt_min == 0);
  CHECK(point_run(lens, lpts[1]).prompt_min == 128);
  CHECK(point_run(lens, lpts[1]).generate_min == 16);
  CHECK(lpts[0].description.find("prompt_min") == std::string::npos);
  CHECK(lpts[1].description.find("\"prompt_min\":128") != std::string::npos);
  e = error_of("prompt_min: 64\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
}

TEST_CASE("command: infer serves a request trace at every point", "[sweep]") {
  const std::string trace = WAFERSIM_SOURCE_DIR "/tests/fixtures/traces/azure-llm-conv-2023-head300.csv";
  const auto s = parse("command: infer\nrequest_trace: " + trace + "\naxes:\n  arrival_rate: [2, 20]\n");
  CHECK(s.request_trace == trace);
  // Its content's hash is in the point's key (PointContext::trace_hash, set by the runner).
  PointContext ctx;
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 2);
  const std::string plain = describe_point(s, ctx, pts[0]);
  ctx.trace_hash = "abc";
  CHECK(describe_point(s, ctx, pts[0]).find("\"request_trace\":\"abc\"") != std::string::npos);
  CHECK(plain.find("request_trace") == std::string::npos);
  auto e = error_of("request_trace: " + trace + "\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "request_trace");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
  e = error_of("command: infer\nrequest_trace: nosuch.csv\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "request_trace");
}

TEST_CASE("command: infer puts the prefill replicas on the machine prefill_system names", "[sweep]") {
  const std::string cs2 = WAFERSIM_SOURCE_DIR "/configs/cs2.yaml";
  const std::string cs3 = WAFERSIM_SOURCE_DIR "/configs/cs3.yaml";
  const auto s = parse("command: infer\narrival_rate: 4\nprefill_replicas: 1\nprefill_system: " + cs2 +
                       "\naxes:\n  systems: [4, 8]\n");
  CHECK(s.prefill_system == cs2);
  CHECK(parse("command: infer\nprefill_system: builtin\naxes:\n  systems: [4]\n").prefill_system ==
        "builtin");
  // Its content's hash is in the point's key (PointContext::prefill_system_hashes, set by the runner).
  PointContext ctx;
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 2);
  CHECK(point_run(s, pts[0]).prefill_system_file == cs2);
  CHECK(describe_point(s, ctx, pts[0]).find("\"prefill_system\":\"" + cs2 + "\"") != std::string::npos);
  ctx.prefill_system_hashes[cs2] = "abc";
  CHECK(describe_point(s, ctx, pts[0]).find("\"prefill_system\":\"abc\"") != std::string::npos);
  const auto none = parse("command: infer\narrival_rate: 4\naxes:\n  systems: [4]\n");
  CHECK(describe_point(none, ctx, expand_points(none)[0]).find("prefill_system") == std::string::npos);
  // An axis of machines, as `model`'s of files: each point its own, "builtin" the built-in CS-2.
  const auto ax = parse("command: infer\narrival_rate: 4\nprefill_replicas: 1\naxes:\n  prefill_system: [" +
                        cs2 + ", " + cs3 + ", builtin]\n");
  const auto apts = expand_points(ax);
  REQUIRE(apts.size() == 3);
  CHECK(point_run(ax, apts[0]).prefill_system_file == cs2);
  CHECK(point_run(ax, apts[1]).prefill_system_file == cs3);
  CHECK(point_run(ax, apts[2]).prefill_system_file == "builtin");
  CHECK(apts[0].description != apts[1].description);
  auto e = error_of("prefill_system: " + cs2 + "\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "prefill_system");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
  e = error_of("command: infer\nprefill_system: nosuch.yaml\naxes:\n  systems: [1]\n");
  CHECK(e.key() == "prefill_system");
  e = error_of("command: infer\naxes:\n  prefill_system: [" + cs2 + ", nosuch.yaml]\n");
  CHECK(e.key() == "axes.prefill_system");
  e = error_of("axes:\n  prefill_system: [" + cs2 + "]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
}

TEST_CASE("command: infer takes replica_systems as an option and an axis, spelled 8+4", "[sweep]") {
  const auto s = parse("command: infer\narrival_rate: 8\nreplica_systems: 8,4\naxes:\n  systems: [4]\n");
  CHECK(s.replica_systems == "8+4");
  const auto pts = expand_points(s);
  REQUIRE(pts.size() == 1);
  CHECK(point_run(s, pts[0]).replica_systems == "8+4");
  CHECK(pts[0].description.find("\"replica_systems\":\"8+4\"") != std::string::npos);
  const auto ax = parse("command: infer\narrival_rate: 8\naxes:\n  replica_systems: [4+4+4, \"8, 4\"]\n");
  const auto apts = expand_points(ax);
  REQUIRE(apts.size() == 2);
  CHECK(point_run(ax, apts[0]).replica_systems == "4+4+4");
  CHECK(point_run(ax, apts[1]).replica_systems == "8+4");
  const auto plain = parse("command: infer\narrival_rate: 8\naxes:\n  systems: [4]\n");
  CHECK(expand_points(plain)[0].description.find("replica_systems") == std::string::npos);
  for (const char* bad : {"8+0", "8+", "eight", "8+4.5", "+4"}) {
    const auto e =
        error_of(std::string("command: infer\nreplica_systems: \"") + bad + "\"\naxes:\n  systems: [1]\n");
    CHECK(e.key() == "replica_systems");
  }
  auto e = error_of("command: infer\naxes:\n  replica_systems: [8+4, 4+0]\n");
  CHECK(e.key() == "axes.replica_systems");
  e = error_of("replica_systems: 8+4\naxes:\n  systems: [1]\n");
  CHECK(std::string(e.what()).find("command: infer") != std::string::npos);
}
