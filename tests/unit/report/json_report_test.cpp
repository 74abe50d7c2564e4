// The JSON and text reports of a RunStats built in code: schema version, field values, and
// the same bytes for the same stats.
#include "wafersim/report/json_report.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "wafersim/report/report.hpp"
#include "wafersim/results/stats.hpp"

using namespace wafersim;

namespace {
RunStats sample_stats() {
  RunStats st;
  st.mode = "weight-streaming";
  st.fidelity = "approx";
  st.system_name = "CS-2";
  st.model_name = "tiny";
  st.systems = 2;
  st.batch = 64;
  st.seq = 128;
  st.steps = 3;
  st.micro_batch = 32;
  st.micro_batches = 1;
  st.tiles = 4096;
  st.step_time_s = 0.5;
  st.samples_per_s = 128;
  st.tokens_per_s = 128 * 128;
  st.mfu = 0.25;
  st.bottleneck = "compute";
  st.bottleneck_reason = "compute busy 90% of the step";
  LayerStats l;
  l.name = "block0";
  l.params = 1000;
  l.forward_s = 0.1;
  l.backward_s = 0.2;
  l.bound = "compute";
  st.layers.push_back(l);
  st.notes.push_back("a note");
  return st;
}
}  // namespace

TEST_CASE("the JSON report carries the schema version and the run's figures", "[report]") {
  const RunStats st = sample_stats();
  const std::string text = format_json_report(st);
  CHECK(text.back() == '\n');
  const auto j = nlohmann::json::parse(text);
  CHECK(j["schema_version"] == kReportSchemaVersion);
  CHECK(j["mode"] == "weight-streaming");
  CHECK(j["systems"] == 2);
  CHECK(j["samples_per_s"].get<double>() == Approx(128));
  CHECK(j["bottleneck"] == "compute");
  REQUIRE(j["layers"].size() == 1);
  CHECK(j["layers"][0]["name"] == "block0");
  CHECK(json_report(st).dump(2) + "\n" == text);
  // Determinism: the same stats, the same bytes; a changed figure, different bytes.
  CHECK(format_json_report(sample_stats()) == text);
  RunStats other = sample_stats();
  other.samples_per_s = 129;
  CHECK(format_json_report(other) != text);
  // The timeline and tile maps are artifacts, not part of the report.
  RunStats with_timeline = sample_stats();
  with_timeline.timeline.process("x", 1);
  CHECK(format_json_report(with_timeline) == text);
}

TEST_CASE("the text report names the model, the throughput and the bottleneck", "[report]") {
  const std::string t = format_text_report(sample_stats());
  CHECK(t.find("tiny") != std::string::npos);
  CHECK(t.find("samples/s") != std::string::npos);
  CHECK(t.find("Bottleneck: compute") != std::string::npos);
  CHECK(t.find("block0") != std::string::npos);
}
