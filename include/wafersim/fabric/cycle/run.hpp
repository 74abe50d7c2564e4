#pragma once
// A synthetic-traffic run of the cycle engine: warm-up, measurement window, drain; and the
// metrics it reports. The same set-up is driven either by a plain loop over shards (here) or
// by SystemC shard threads (system/sharded.hpp); both give identical results.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wafersim/fabric/cycle/engine.hpp"

namespace wafersim::cycle {

struct TrafficRunConfig {
  FabricConfig fabric;  // colours are filled in by make_traffic_engine
  TrafficConfig traffic;
  std::int64_t drain_limit = 0;  // extra cycles allowed to drain; 0 = 10 x measure + 10000
  int quantum = 1;               // cycles per shard synchronisation (<= hop latency)
};

struct TrafficResult {
  int width = 0, height = 0;
  std::string pattern;
  double rate = 0;
  int message_wavelets = 1;
  std::uint64_t seed = 0;
  std::int64_t warmup = 0, measure = 0;
  std::int64_t cycles = 0;  // simulated, including the drain
  bool drained = false;     // every generated message delivered
  std::uint64_t sources = 0;
  double offered = 0;          // wavelets per node per cycle offered
  double accepted = 0;         // wavelets delivered to sinks per node per cycle (window)
  std::uint64_t messages = 0;  // measured message deliveries
  double latency_avg = 0;
  std::uint64_t latency_p50 = 0, latency_p99 = 0, latency_max = 0;
  double link_util_max = 0, link_util_mean = 0;  // over existing links, in the window
  std::uint64_t in_flight_end_of_window = 0;
  std::uint64_t in_flight_end = 0;
  Counters counters;
  std::vector<double> link_heat;  // per router: its busiest output link's utilization
};

// Builds an engine for the run (colours: `xy_colors` XY colours for point-to-point patterns,
// one static colour for broadcasts/reductions; routes and sources).
std::unique_ptr<Engine> make_traffic_engine(const TrafficRunConfig& cfg);

// Drives the phases with `advance(engine, until, stop_when_idle)`, checks the invariants and
// collects the metrics.
using Advance = std::function<void(Engine&, std::int64_t, bool)>;
TrafficResult run_traffic_with(Engine& e, const TrafficRunConfig& cfg, const Advance& advance);
TrafficResult run_traffic(const TrafficRunConfig& cfg);  // single thread, shards in a loop

// Percentile (0..100) of a latency histogram (index = cycles).
std::uint64_t histogram_percentile(const std::vector<std::uint64_t>& h, double pct);

}  // namespace wafersim::cycle
