// libFuzzer target: request traces (`infer --request-trace`, load_request_trace). The input goes to
// a temp file; a trace that loads has its requests in arrival order from 0, whole lengths >= 1 and
// the lines they came from in order, and a finite mean rate.
#include <cmath>
#include <cstdint>

#include "fuzz_common.hpp"
#include "wafersim/sim/request_trace.hpp"

using namespace wafersim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = fuzz::write_temp(data, size, ".csv");
  fuzz::guarded([&] {
    const RequestTrace t = load_request_trace(path);
    fuzz::require(!t.requests.empty(), "a loaded trace has requests");
    fuzz::require(t.requests.front().arrival_s == 0, "the first request arrives at 0");
    for (std::size_t i = 0; i < t.requests.size(); ++i) {
      const TraceRequest& r = t.requests[i];
      fuzz::require(std::isfinite(r.arrival_s) && r.arrival_s >= 0, "arrival finite and >= 0");
      fuzz::require(r.prompt >= 1 && r.generate >= 1, "lengths >= 1");
      fuzz::require(r.line >= 2, "a request comes after the header");
      if (i > 0) {
        fuzz::require(r.arrival_s >= t.requests[i - 1].arrival_s, "arrivals in order");
        fuzz::require(r.line > t.requests[i - 1].line, "lines in order");
      }
    }
    fuzz::require(std::isfinite(t.mean_rate()) && t.mean_rate() >= 0, "mean rate finite");
  });
  return 0;
}
