#pragma once
// Synthetic traffic for the cycle engine: destination patterns, Bernoulli injection and the
// warm-up / measurement / drain phases. Sources keep no queue: message i of a PE has a
// generation cycle and destination that are pure functions of (seed, PE, i), so the source
// queue is implicit (messages generated but not yet sent) and results do not depend on the
// order PEs are stepped in.
#include <cstdint>
#include <string>
#include <vector>

namespace wafersim::cycle {

enum class Pattern : std::uint8_t {
  uniform,            // uniform random destination (not self)
  transpose,          // (x, y) -> (y, x) (mod the grid for non-square grids)
  bit_complement,     // (x, y) -> (W-1-x, H-1-y)
  hotspot,            // `hotspot_fraction` of messages to the centre PE, the rest uniform
  nearest_neighbour,  // one of the up to 4 neighbours, uniformly
  row_broadcast,      // the PE at the west end of each row multicasts to the whole row
  column_reduce,      // a chain down each column: every PE adds (re-sends) what it receives,
                      // the south-end PE sinks it
  fixed,              // tests: one source `fixed_src` to `fixed_dst`
};

// Parses the CLI spelling ("uniform", "row-broadcast", ...); throws UsageError.
Pattern parse_pattern(const std::string& name);
const char* to_string(Pattern p);
const std::vector<std::string>& pattern_names();
bool is_point_to_point(Pattern p);  // routed XY on a destination (not static multicast)

struct TrafficConfig {
  Pattern pattern = Pattern::uniform;
  double rate = 0.05;        // offered wavelets per source PE per cycle (Bernoulli)
  int message_wavelets = 1;  // wavelets per message
  std::uint64_t seed = 1;
  std::int64_t warmup = 0;   // cycles before the measurement window
  std::int64_t measure = 0;  // measurement window; generation stops at warmup + measure
  int color = 0;             // colour slot the traffic uses
  int xy_colors = 1;         // point-to-point: messages spread over this many XY colours
                             // (slots color .. color+xy_colors-1) like virtual channels
  double hotspot_fraction = 0.2;
  std::uint32_t fixed_src = 0;
  std::uint32_t fixed_dst = 0;
  std::uint32_t max_messages = 0;  // per source; 0 = unlimited
  std::int64_t gen_end() const { return warmup + measure; }
};

// splitmix64: a stateless mixer; (seed, pe, i, salt) -> 64 random bits.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr std::uint64_t hash4(std::uint64_t seed, std::uint64_t pe, std::uint64_t i, std::uint64_t salt) {
  return mix64(mix64(mix64(seed ^ (salt << 56)) ^ pe) ^ i);
}

// Cycles from one Bernoulli(rate) event to the next (>= 1), from 64 random bits.
std::int64_t geometric_gap(double rate, std::uint64_t bits);
// The same with `log1m_rate` = std::log1p(-rate) computed once by the caller (identical
// results, one logarithm per message instead of two).
std::int64_t geometric_gap(double rate, double log1m_rate, std::uint64_t bits);
// Destination of message `i` of source `src` (may equal src: the message is skipped).
std::uint32_t pattern_destination(const TrafficConfig& t, int width, int height, std::uint32_t src,
                                  std::uint64_t i);
// Whether PE `pe` generates traffic under the pattern.
bool is_source(const TrafficConfig& t, int width, int height, std::uint32_t pe);

}  // namespace wafersim::cycle
