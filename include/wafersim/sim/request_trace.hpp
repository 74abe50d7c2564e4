#pragma once
// A request trace for `wafersim infer --request-trace`: when each request arrived and how long its
// prompt and its output were, as production inference traces publish them (the Azure LLM
// inference traces of Splitwise, ISCA 2024: TIMESTAMP, ContextTokens, GeneratedTokens).
#include <string>
#include <vector>

namespace wafersim {

struct TraceRequest {
  double arrival_s = 0;  // after the trace's first request
  int prompt = 0;        // tokens
  int generate = 0;      // output tokens
  int line = 0;          // in the file (1-based), for messages
};

struct RequestTrace {
  std::string file;  // as given
  std::vector<TraceRequest> requests;
  double mean_rate() const;  // requests per second over the trace's span (0 for fewer than 2)
};

// A CSV file with a header naming its columns, in any order (names case-insensitive): the arrival,
// `TIMESTAMP` ("YYYY-MM-DD HH:MM:SS[.fraction]") or `arrival_s` (seconds); the prompt,
// `ContextTokens` or `prompt`; the output, `GeneratedTokens` or `generate`. Other columns are
// ignored. Arrivals must not go backwards; lengths are whole numbers >= 1. Bad input is a
// ConfigError naming the file, the line and the column.
RequestTrace load_request_trace(const std::string& path);

}  // namespace wafersim
