#pragma once
// SystemC time is a 64-bit count of the time resolution (1 ps: 2^64 ps is about 213 days), and
// a duration beyond it wraps to a wrong, earlier time: a bandwidth of 1 bit/s gave a shorter
// step than 1 kbit/s. The SystemC modules make their durations with `checked`, which clamps
// one that would end beyond the horizon and records where it would have ended; run_cluster
// then fails the run (SimError, exit 1) instead of reporting a wrapped time.
#include <systemc>

namespace wafersim::sc {

// A quarter of the representable time: a sum of a few durations within it still fits.
double horizon_s();
// A duration of `seconds` starting at `from_s`, clamped to end at the horizon (and recorded).
sc_core::sc_time checked(double from_s, double seconds);
// The latest end a clamped duration would have had (0: none since the last reset).
double overflow_s();
void reset_overflow();  // sc::Session does, for each run

}  // namespace wafersim::sc
