// Checked SystemC durations (sc_time_guard.hpp).
#include "sc_time_guard.hpp"

#include <algorithm>

namespace wafersim::sc {

namespace {
double g_overflow = 0;  // guarded by the Session's process-wide lock (one run at a time)
}

double horizon_s() { return sc_core::sc_max_time().to_seconds() / 4; }

sc_core::sc_time checked(double from_s, double seconds) {
  const double limit = horizon_s();
  if (seconds <= 0) return sc_core::SC_ZERO_TIME;
  if (!(from_s + seconds <= limit)) {  // also NaN
    g_overflow = std::max(g_overflow, from_s + seconds);
    return sc_core::sc_time(std::max(0.0, limit - from_s), sc_core::SC_SEC);
  }
  return sc_core::sc_time(seconds, sc_core::SC_SEC);
}

double overflow_s() { return g_overflow; }
void reset_overflow() { g_overflow = 0; }

}  // namespace wafersim::sc
