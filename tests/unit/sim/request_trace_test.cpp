// Request traces for `infer --request-trace` (src/sim/request_trace.cpp): the Azure LLM inference
// traces' CSV (a real excerpt, tests/fixtures/traces), a seconds-based variant, and the errors.
#include "wafersim/sim/request_trace.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"

using namespace wafersim;

namespace {
// A file of `text` in a directory of this test's own (test::TempDir).
std::string write(const std::string& name, const std::string& text) {
  static const test::TempDir dir;
  return dir.write(name, text).string();
}

ConfigError error_of(const std::string& text) {
  try {
    load_request_trace(write("bad.csv", text));
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("no ConfigError for: " << text);
  throw;
}
}  // namespace

TEST_CASE("request trace: the Azure LLM inference trace as published", "[sim][trace]") {
  const RequestTrace t =
      load_request_trace(WAFERSIM_SOURCE_DIR "/tests/fixtures/traces/azure-llm-conv-2023-head300.csv");
  REQUIRE(t.requests.size() == 300);
  // 2023-11-16 18:15:46.6805900,374,44 then 18:15:50.9951690,396,109 (the file's first lines).
  CHECK(t.requests[0].arrival_s == 0);
  CHECK(t.requests[0].prompt == 374);
  CHECK(t.requests[0].generate == 44);
  CHECK(t.requests[0].line == 2);
  CHECK(t.requests[1].arrival_s == Approx(4.314579).margin(1e-6));
  CHECK(t.requests[1].prompt == 396);
  CHECK(t.requests[1].generate == 109);
  for (std::size_t i = 1; i < t.requests.size(); ++i)
    CHECK(t.requests[i].arrival_s >= t.requests[i - 1].arrival_s);
  CHECK(t.mean_rate() > 1);
  CHECK(t.mean_rate() < 10);
}

TEST_CASE("request trace: seconds, any column order and case, blank lines", "[sim][trace]") {
  const RequestTrace t =
      load_request_trace(write("s.csv", "Generate,extra,ARRIVAL_S,Prompt\n\n7,x,0.5,100\r\n9,y,1.5,20\n"));
  REQUIRE(t.requests.size() == 2);
  CHECK(t.requests[0].arrival_s == 0);
  CHECK(t.requests[1].arrival_s == 1.0);
  CHECK(t.requests[1].prompt == 20);
  CHECK(t.requests[1].generate == 9);
  CHECK(t.requests[1].line == 4);
  CHECK(t.mean_rate() == 1.0);
  // Across midnight and a month's end: the dates count.
  const RequestTrace d = load_request_trace(write(
      "d.csv",
      "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-02-29 23:59:59.5,1,1\n2024-03-01 00:00:00.25,1,1\n"));
  CHECK(d.requests[1].arrival_s == Approx(0.75));
}

TEST_CASE("request trace: bad input names the file, the line and the column", "[sim][trace]") {
  auto e = error_of("time,prompt,generate\n0,1,1\n");
  CHECK(e.loc().line == 1);
  CHECK(std::string(e.what()).find("TIMESTAMP or arrival_s") != std::string::npos);
  e = error_of("arrival_s,prompt,generate\n0,1,1\n1,2\n");
  CHECK(e.loc().line == 3);
  CHECK(std::string(e.what()).find("expected 3 comma-separated fields") != std::string::npos);
  e = error_of("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n2023-13-16 18:15:46,1,1\n");
  CHECK(e.loc().line == 3);
  CHECK(e.loc().column == 1);
  CHECK(e.key() == "TIMESTAMP");
  e = error_of("arrival_s,prompt,generate\n0,1,1\n2,0,5\n");
  CHECK(e.loc().line == 3);
  CHECK(e.loc().column == 2);
  CHECK(e.key() == "prompt tokens");
  e = error_of("arrival_s,prompt,generate\n0,1,1\n2,4,1.5\n");
  CHECK(e.key() == "output tokens");
  e = error_of("arrival_s,prompt,generate\n5,1,1\n2,4,1\n");
  CHECK(e.loc().line == 3);
  CHECK(std::string(e.what()).find("arrival order") != std::string::npos);
  e = error_of("arrival_s,prompt,generate\n-1,1,1\n");
  CHECK(e.key() == "arrival_s");
  e = error_of("");
  CHECK(std::string(e.what()).find("empty") != std::string::npos);
  e = error_of("arrival_s,prompt,generate\n\n");
  CHECK(std::string(e.what()).find("no requests") != std::string::npos);
  CHECK_THROWS_AS(load_request_trace("/nonexistent/trace.csv"), ConfigError);
}
