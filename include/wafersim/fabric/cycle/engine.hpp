#pragma once
// The cycle-level fabric and PE engine (the `cycle` fidelity of design.md), in plain C++.
//
// Each router has 5 ports (N, E, S, W, RAMP) and, per input port and per colour in use, a
// FIFO of `queue_depth` wavelets. A colour routes either by static per-router tables
// (input port -> set of output ports, so row/column multicast is native) or, for synthetic
// point-to-point traffic, dimension-ordered XY on a destination the wavelet carries. One
// wavelet per link per direction per cycle; a hop takes `hop_latency` cycles (+
// `turn_penalty` when it changes dimension); credits travel back over the same link with the
// same latency, so a link crossing two shards never has a zero-latency dependency.
//
// State is struct-of-arrays; each shard (a band of rows) keeps active lists of routers with
// queued wavelets and PEs with work, and timing wheels for link arrivals, credits and PE
// timers, so an idle part of the wafer costs nothing. Every effect a router or PE has on
// another one lands at least one cycle later, so the order in which routers (or shards) are
// stepped inside a cycle never changes a result: any shard count and quantum give
// byte-identical results.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wafersim/fabric/cycle/program.hpp"
#include "wafersim/fabric/cycle/traffic.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::cycle {

enum Port : int { kNorth = 0, kEast = 1, kSouth = 2, kWest = 3, kRamp = 4 };
constexpr int kPorts = 5;
constexpr std::uint8_t port_bit(int p) { return static_cast<std::uint8_t>(1u << p); }
const char* port_name(int p);

enum class Routing : std::uint8_t { static_routes, xy };

struct ColorConfig {
  int id = 0;  // hardware colour 0..router.colors-1 (for reports)
  Routing routing = Routing::static_routes;
};

struct FabricConfig {
  int width = 0;
  int height = 0;
  int hop_latency = 2;                   // cycles per hop (router.hop_latency), >= 1
  int turn_penalty = 0;                  // extra cycles on a hop that changes dimension (router.turn_penalty)
  int queue_depth = 4;                   // wavelets per colour per input port (router.queue_depth)
  int hardware_colors = 24;              // router.colors: upper bound on `colors.size()`
  std::vector<ColorConfig> colors;       // colours in use; queues exist only for these
  double sparsity = 0.0;                 // fraction of Compute cycles skipped (zero operands)
  int forward_delay = 1;                 // cycles a data task takes to re-send an arriving wavelet
  std::int64_t deadlock_cycles = 20000;  // no progress this long with work pending = deadlock
  int shards = 1;                        // horizontal bands of rows, each stepped on its own
};

// Router geometry and latency from a system spec; throws UsageError for values the engine
// cannot model (ports != 5, wavelets_per_cycle != 1, hop_latency < 1).
FabricConfig fabric_config_from_spec(const SystemSpec& spec, int width, int height);

struct Wavelet {
  std::uint32_t data = 0;  // 32-bit payload (synthetic traffic: the generation cycle)
  std::uint32_t tag = 0;   // simulator side-band: XY destination and the last-of-message flag
};
constexpr std::uint32_t kLastFlag = 1u << 31;
constexpr std::uint32_t kDestMask = (1u << 24) - 1;

// Counters summed over shards; all integers so the sum is independent of the shard split.
struct Counters {
  std::uint64_t created = 0;               // wavelets put on the fabric (injections + multicast copies)
  std::uint64_t delivered = 0;             // wavelets taken off at a RAMP output
  std::uint64_t link_moves = 0;            // wavelets sent over router-to-router links
  std::uint64_t sink_wavelets = 0;         // delivered to a traffic sink
  std::uint64_t window_sink_wavelets = 0;  // ... during the measurement window
  std::uint64_t window_link_moves = 0;
  std::uint64_t messages = 0;  // measured messages fully delivered (per receiving PE)
  std::uint64_t latency_sum = 0;
  std::uint64_t latency_max = 0;
  std::uint64_t generated_messages = 0;  // synthetic messages started at a source
  std::int64_t last_progress = -1;       // last cycle anything moved or a PE made progress
  std::int64_t last_activity = -1;       // last cycle a wavelet was delivered or a PE finished
  Counters& operator+=(const Counters& o);
};

class Engine {
 public:
  explicit Engine(FabricConfig cfg);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const FabricConfig& config() const;
  int width() const;
  int height() const;
  int colors() const;  // colours in use

  // --- set-up (before the first step)
  // Static route of colour slot `color` at router (x, y): wavelets arriving on `in_port` leave
  // on every port in `out_mask` (port_bit(kEast) | port_bit(kRamp) ...). Throws SimError when a
  // port leaves the grid.
  void set_route(int x, int y, int color, int in_port, std::uint8_t out_mask);
  int add_program(Program program);  // returns its id
  void set_program(int x, int y, int program_id);
  // Data task: every wavelet delivered to PE (x, y) on `color` is re-sent on `out_color`
  // `forward_delay` cycles later (reduction chains; the add itself is not timed separately).
  void set_forward(int x, int y, int color, int out_color);
  void set_traffic(const TrafficConfig& traffic);

  // --- running
  // Kicks off PE programs and traffic sources at cycle 0 (idempotent; run/step_shard call it).
  void start();
  // Advances every shard to cycle `until` in quanta of `quantum` cycles (1 <= quantum <=
  // hop_latency); stops early when `stop_when_idle` and nothing is left to do. Checks for
  // deadlock at every quantum boundary (throws SimError naming stuck routers and colours).
  void run(std::int64_t until, int quantum, bool stop_when_idle);
  // One shard from its local cycle up to `until` (exclusive); the SystemC shards call this.
  void step_shard(int shard, std::int64_t until);
  int shard_count() const;
  std::int64_t now() const;    // cycle every shard has reached (the minimum)
  bool idle() const;           // no wavelet in flight, no PE with work left
  bool programs_done() const;  // every PE program has finished
  // Throws SimError when no progress has been made for deadlock_cycles with work pending.
  void check_deadlock() const;

  // --- results
  Counters counters() const;
  std::uint64_t in_flight() const;  // by scanning every queue and link
  // Throws SimError unless created == delivered + in_flight (scanned).
  void check_conservation() const;
  // Latency histogram of measured messages (index = cycles; the last bucket collects the rest).
  std::vector<std::uint64_t> latency_histogram() const;
  // Wavelets sent on each router's output link `port` (N/E/S/W) in the measurement window.
  std::uint32_t link_count(int x, int y, int port) const;
  bool has_link(int x, int y, int port) const;
  // Wavelets of `color` landed at PE (x, y) and not yet consumed by a recv.
  std::uint32_t landed(int x, int y, int color) const;
  // Cycle at which every PE program finished (-1 if one has not).
  std::int64_t program_end_cycle() const;

  struct State;  // struct-of-arrays state (engine_state.hpp)

 private:
  std::unique_ptr<State> s_;
};

}  // namespace wafersim::cycle
