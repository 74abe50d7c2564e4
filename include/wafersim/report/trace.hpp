#pragma once
// Chrome trace-event / Perfetto JSON (open in ui.perfetto.dev or chrome://tracing) of a run's
// timeline (results/timeline.hpp): processes and threads (tracks), complete slices, counters
// and flow arrows. Timestamps are written in microseconds with fixed precision, so identical
// runs give identical files.
#include <string>

#include "wafersim/results/timeline.hpp"

namespace wafersim {

std::string trace_json(const Timeline& timeline);

std::string json_escape(const std::string& s);

}  // namespace wafersim
