#pragma once
// Struct-of-arrays state of the cycle engine (private to src/fabric/cycle/).
// Channel = (router, input port, colour slot): index r * nch + port * C + colour.
#include <cstdint>
#include <vector>

#include "wafersim/fabric/cycle/engine.hpp"

namespace wafersim::cycle {

// Output port of an XY-routed wavelet at (x, y): X first, then Y, then the RAMP. Branch-free:
// at light load the direction is random, so branches would mispredict on most hops.
inline std::uint8_t xy_mask(std::uint32_t x, std::uint32_t y, std::uint32_t tag) {
  const std::uint32_t dx = tag & 0xfffu;
  const std::uint32_t dy = (tag >> 12) & 0xfffu;
  // Index: bit 0 east, 1 west, 2 south, 3 north; X wins over Y, nothing set = here.
  static constexpr std::uint8_t kTable[16] = {port_bit(kRamp),
                                              port_bit(kEast),
                                              port_bit(kWest),
                                              0,  // 0..3
                                              port_bit(kSouth),
                                              port_bit(kEast),
                                              port_bit(kWest),
                                              0,  // 4..7
                                              port_bit(kNorth),
                                              port_bit(kEast),
                                              port_bit(kWest),
                                              0,  // 8..11
                                              0,
                                              0,
                                              0,
                                              0};
  const unsigned i = static_cast<unsigned>(dx > x) | static_cast<unsigned>(dx < x) << 1 |
                     static_cast<unsigned>(dy > y) << 2 | static_cast<unsigned>(dy < y) << 3;
  return kTable[i];
}

struct Arrival {
  std::uint32_t ch;
  std::uint32_t r;  // router of the channel (saves a division on the hot path)
  Wavelet w;
};

struct Shard {
  int y0 = 0;  // rows [y0, y1)
  int y1 = 0;
  std::uint32_t r0 = 0, r1 = 0;  // routers [r0, r1) (= rows [y0, y1))
  std::int64_t now = 0;          // local cycle: every cycle before it has been stepped
  // Timing wheels indexed by cycle & wheel_mask, written by this and neighbouring shards
  // (always at least hop_latency >= quantum cycles ahead of the writer).
  std::vector<std::vector<Arrival>> arrivals;
  std::vector<std::vector<std::uint32_t>> credit_wheel;  // channel whose sender gets a credit back
  std::uint64_t pending = 0;                             // events in both wheels
  std::vector<std::uint32_t> active;                     // routers with queued wavelets
  std::vector<std::uint32_t> pe_now;                     // PEs to step this cycle
  std::vector<std::uint32_t> pe_next;                    // ... and the next one
  std::vector<std::vector<std::uint32_t>> pe_timer;      // PE wake-ups, indexed by cycle & timer mask
  std::uint64_t pe_timers = 0;
  Counters c;
  std::vector<std::uint64_t> hist;  // latency histogram
  std::int64_t program_end = -1;
};

struct Engine::State {
  FabricConfig cfg;
  int W = 0, H = 0, C = 0, nch = 0, depth = 0;
  std::uint32_t wheel_mask = 0;
  static constexpr std::uint32_t kTimerSize = 1024;  // PE timer horizon (refiled beyond)
  static constexpr std::size_t kHistSize = 1 << 14;
  // Per channel. The few bytes a hop touches are packed together (one cache line covers a
  // router's channels): random router order makes one array per field cost a miss each.
  struct ChanMeta {
    std::uint8_t head = 0, size = 0;
    std::uint8_t credits = 0;  // sender's view of free space downstream
    // Output port mask: the static route, or for an XY colour the head wavelet's port
    // (cached when a wavelet becomes the head, so a router decides without reading the queue).
    std::uint8_t route = 0;
  };
  std::vector<Wavelet> q;  // ring buffers, depth entries per channel
  std::vector<ChanMeta> cm;
  // Per router.
  struct RouterMeta {
    std::uint64_t nonempty[2] = {0, 0};  // channels with a wavelet
    std::uint16_t x = 0, y = 0, shard = 0;
    std::uint8_t rr = 0;  // round-robin pointer over its channels
    std::uint8_t in_active = 0;
  };
  std::vector<RouterMeta> rm;
  std::vector<std::uint32_t> link_count;  // 4 per router: sends per output link in window
  std::vector<std::uint16_t> shard_of_row;
  std::vector<std::uint8_t> ch_port, ch_color;  // per channel slot in a router
  std::int32_t delta[4] = {0, 1, 0, -1};        // router index step per output port
  // Per output port: downstream channel = own router's first channel + colour + ch_off[port].
  std::int32_t ch_off[4] = {0, 0, 0, 0};
  std::vector<std::uint8_t> color_xy;  // per colour slot
  // Per PE: programs.
  std::vector<Program> programs;
  std::vector<std::int32_t> prog;   // -1 = none
  std::vector<std::uint8_t> phase;  // 0 pre, 1 body, 2 post, 3 done
  std::vector<std::uint32_t> pc, iter;
  std::vector<std::int64_t> busy_until;
  std::vector<std::uint32_t> landed;  // per PE per colour
  std::vector<std::uint8_t> fwd;      // per PE per colour: out colour + 1, 0 = none
  static constexpr int kOut = 4;      // outbound send queue entries per PE
  std::vector<std::uint8_t> ob_color, ob_head, ob_size;
  std::vector<std::uint32_t> ob_count;
  std::int64_t programs_left = 0;
  // Per PE: synthetic traffic.
  bool traffic_on = false;
  TrafficConfig traffic;
  double msg_rate = 0;
  double msg_log1m = 0;  // std::log1p(-msg_rate), for geometric_gap
  std::vector<std::uint8_t> is_src;
  std::vector<std::int64_t> t_next;  // generation cycle of the next unsent message
  std::vector<std::uint32_t> msg_i;  // its index
  std::vector<std::uint16_t> rem;    // wavelets left of the message being sent
  std::vector<std::uint32_t> cur_dest, cur_gen;
  std::vector<std::uint8_t> cur_color;
  // Per PE: scheduling.
  std::vector<std::int64_t> wake_at, stepped;
  std::vector<std::uint8_t> pe_queued;
  std::vector<Shard> shards;
  bool started = false;  // sources and programs kicked off at cycle 0

  std::uint32_t ch(std::uint32_t r, int port, int c) const {
    return r * static_cast<std::uint32_t>(nch) + static_cast<std::uint32_t>(port * C + c);
  }
  Shard& shard_of(std::uint32_t r) { return shards[rm[r].shard]; }
  bool in_window(std::int64_t t) const { return traffic_on && t >= traffic.warmup && t < traffic.gen_end(); }
  void activate(Shard& sh, std::uint32_t r) {
    if (!rm[r].in_active) {
      rm[r].in_active = 1;
      sh.active.push_back(r);
    }
  }
  void wake_pe(Shard& sh, std::uint32_t pe) {
    if (!pe_queued[pe]) {
      pe_queued[pe] = 1;
      sh.pe_next.push_back(pe);
    }
  }
  void push_queue(std::uint32_t r, std::uint32_t c, const Wavelet& w) {
    std::uint32_t tail = cm[c].head + cm[c].size;
    if (tail >= static_cast<std::uint32_t>(depth)) tail -= static_cast<std::uint32_t>(depth);
    q[static_cast<std::size_t>(c) * static_cast<std::size_t>(depth) + tail] = w;
    const std::uint32_t bit = c - r * static_cast<std::uint32_t>(nch);
    if (++cm[c].size == 1 && color_xy[ch_color[bit]]) cm[c].route = xy_mask(rm[r].x, rm[r].y, w.tag);
    rm[r].nonempty[bit / 64] |= 1ull << (bit % 64);
  }
  // The shard owning router `r`, from the writer's shard (usually the same one).
  Shard& shard_for(Shard& from, std::uint32_t r) {
    return r - from.r0 < from.r1 - from.r0 ? from : shards[rm[r].shard];
  }
  void schedule_arrival(Shard& from, std::uint32_t r_dst, std::uint32_t c, const Wavelet& w, std::int64_t t) {
    Shard& sh = shard_for(from, r_dst);
    sh.arrivals[static_cast<std::size_t>(t) & wheel_mask].push_back({c, r_dst, w});
    ++sh.pending;
  }
  void schedule_credit(Shard& from, std::uint32_t r_src, std::uint32_t c, std::int64_t t) {
    Shard& sh = shard_for(from, r_src);
    sh.credit_wheel[static_cast<std::size_t>(t) & wheel_mask].push_back(c);
    ++sh.pending;
  }
  void schedule_timer(Shard& sh, std::uint32_t pe, std::int64_t now, std::int64_t when) {
    wake_at[pe] = when;
    const std::int64_t slot = std::min<std::int64_t>(when, now + kTimerSize - 1);
    sh.pe_timer[static_cast<std::size_t>(slot) & (kTimerSize - 1)].push_back(pe);
    ++sh.pe_timers;
  }
  // Neighbour router through `port` (N/E/S/W); caller checks has_neighbour.
  std::uint32_t neighbour(std::uint32_t r, int port) const {
    return static_cast<std::uint32_t>(static_cast<std::int32_t>(r) + delta[port]);
  }
  bool has_neighbour(std::uint32_t r, int port) const {
    const int x = static_cast<int>(r % static_cast<std::uint32_t>(W));
    const int y = static_cast<int>(r / static_cast<std::uint32_t>(W));
    switch (port) {
      case kNorth:
        return y > 0;
      case kEast:
        return x + 1 < W;
      case kSouth:
        return y + 1 < H;
      case kWest:
        return x > 0;
      default:
        return true;
    }
  }

  void cycle(Shard& sh, std::int64_t t);  // router_step.cpp
  void deliver(Shard& sh, std::uint32_t r, int c, const Wavelet& w, std::int64_t t);
  void step_pe(Shard& sh, std::uint32_t pe, std::int64_t t);  // pe_step.cpp
  bool run_program(Shard& sh, std::uint32_t pe, std::int64_t t);
  bool step_traffic(Shard& sh, std::uint32_t pe, std::int64_t t);
  void start_sources();
};

constexpr int opposite(int port) { return (port + 2) % 4; }

}  // namespace wafersim::cycle
