// The Perfetto trace of a Timeline: exact event text, in recording order.
#include <catch2/catch.hpp>

#include "wafersim/report/trace.hpp"
#include "wafersim/results/timeline.hpp"

using namespace wafersim;

TEST_CASE("a timeline becomes Chrome trace events in the order recorded", "[report]") {
  Timeline tl;
  const int pid = tl.process("CS-2 0 wafer", 100);
  const int tid = tl.thread(pid, "kernels", 1);
  CHECK(pid == 1);
  CHECK(tid == 1);
  CHECK(tl.thread(pid, "stalls", 2) == 2);
  tl.slice(pid, tid, "block0 fwd", "forward", 1e-6, 3.5e-6,
           {{"step", 0LL}, {"layer", std::string("block0")}});
  tl.counter(pid, "util", 2e-6, 0.5);
  tl.flow("weights", pid, tid, 1e-6, pid, 2, 4e-6);
  const std::string j = trace_json(tl);
  CHECK(
      j ==
      "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
      R"({"ph":"M","pid":1,"name":"process_name","args":{"name":"CS-2 0 wafer"}},)"
      "\n"
      R"({"ph":"M","pid":1,"name":"process_sort_index","args":{"sort_index":100}},)"
      "\n"
      R"({"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"kernels"}},)"
      "\n"
      R"({"ph":"M","pid":1,"tid":1,"name":"thread_sort_index","args":{"sort_index":1}},)"
      "\n"
      R"({"ph":"M","pid":1,"tid":2,"name":"thread_name","args":{"name":"stalls"}},)"
      "\n"
      R"({"ph":"M","pid":1,"tid":2,"name":"thread_sort_index","args":{"sort_index":2}},)"
      "\n"
      R"({"ph":"X","pid":1,"tid":1,"name":"block0 fwd","cat":"forward","ts":1.000,"dur":2.500,"args":{"step": 0, "layer": "block0"}},)"
      "\n"
      R"({"ph":"C","pid":1,"name":"util","ts":2.000,"args":{"value":0.5000}},)"
      "\n"
      R"({"ph":"s","id":1,"pid":1,"tid":1,"name":"weights","cat":"flow","ts":1.000},)"
      "\n"
      R"({"ph":"f","bp":"e","id":1,"pid":1,"tid":2,"name":"weights","cat":"flow","ts":4.000})"
      "\n]}\n");
}

TEST_CASE("trace text is escaped and an empty timeline is an empty event list", "[report]") {
  CHECK(trace_json(Timeline{}) == "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n]}\n");
  Timeline tl;
  tl.process("a \"quoted\"\\name\n", 1);
  CHECK(trace_json(tl).find(R"("name":"a \"quoted\"\\name\n")") != std::string::npos);
  CHECK(json_escape(std::string("\x01")) == "\\u0001");
}
