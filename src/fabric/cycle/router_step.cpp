// The per-cycle hot path: timing wheels, the PE phase and the router phase of one shard.
// No allocation once the vectors have grown to their working size, no strings, no logging.
//
// Speed notes (docs/fabric.md, "Engine"): the router phase runs on a `Hot` copy of the state's
// array pointers held in registers. ChanMeta fields are bytes, and a byte store may alias
// anything, so members read through `this` would be reloaded after every credit update.
// Counters are summed in locals and added to the shard once per cycle.
#include <bit>

#include "engine_state.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::cycle {

namespace {

using ChanMeta = Engine::State::ChanMeta;
using RouterMeta = Engine::State::RouterMeta;

// What the router phase reads, as locals the compiler may keep in registers.
struct Hot {
  ChanMeta* cm;
  const Wavelet* q;
  RouterMeta* rm;
  std::uint32_t* link_count;
  const std::uint8_t* fwd;
  const std::uint8_t* ch_port;
  const std::uint8_t* ch_color;
  const std::uint8_t* color_xy;
  std::uint32_t nch, C, depth;
  std::int32_t ch_off[4];  // downstream channel - (own router's first channel + colour), per port
  std::uint32_t lat;       // hop latency
  std::uint32_t turn;      // turn penalty
  std::uint32_t window;    // 1 inside the measurement window
  // This shard's routers [r0, r0 + span) and its wheel slots for what this cycle sends.
  std::uint32_t r0, span;
  std::vector<Arrival>* arrive;        // at t + hop latency
  std::vector<Arrival>* arrive_turn;   // at t + hop latency + turn penalty
  std::vector<std::uint32_t>* credit;  // at t + hop latency
  // Summed per cycle.
  std::uint64_t moves = 0, extra_copies = 0, pending = 0;
};

}  // namespace

namespace {

constexpr std::uint8_t kCopies[32] = {  // wavelets a move creates beyond the one it takes: popcount - 1
    0, 0, 0, 1, 0, 1, 1, 2, 0, 1, 1, 2, 1, 2, 2, 3, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

// Tries to move the head of channel `idx` of router r; returns the output ports it took
// (0 = it stays: outputs busy this cycle or without credit).
[[gnu::always_inline]] inline std::uint8_t try_move(Engine::State& s, Shard& sh, Hot& h, RouterMeta& m,
                                                    std::uint32_t r, std::uint32_t idx, std::uint8_t busy,
                                                    std::int64_t t) {
  const std::uint32_t base = r * h.nch;
  const std::uint32_t c = h.ch_color[idx];
  const std::uint32_t chn = base + idx;
  ChanMeta& own = h.cm[chn];
  const std::uint8_t mask = own.route;  // XY colours: the head's port, cached by push
  if (mask == 0) throw SimError("cycle engine: a wavelet arrived on a port with no route (set_route)");
  if (mask & busy) return 0;
  const std::uint32_t own_c = base + c;  // + ch_off[o] = the downstream channel through o
  if (mask & (mask - 1)) {
    for (int o = 0; o < 4; ++o)
      if ((mask & port_bit(o)) && h.cm[own_c + static_cast<std::uint32_t>(h.ch_off[o])].credits == 0)
        return 0;
  } else if (mask != port_bit(kRamp)) {
    const int o = std::countr_zero(mask);
    if (h.cm[own_c + static_cast<std::uint32_t>(h.ch_off[o])].credits == 0) return 0;
  }
  if (mask & port_bit(kRamp)) {
    const std::uint8_t fw = h.fwd[r * h.C + c];
    if (fw && h.cm[base + kRamp * h.C + (fw - 1u)].credits == 0) return 0;
  }
  // Commit: pop, return the credit upstream, send every copy.
  const std::uint32_t p = h.ch_port[idx];
  const Wavelet w = h.q[static_cast<std::size_t>(chn) * h.depth + own.head];
  if (++own.head == h.depth) own.head = 0;
  if (--own.size == 0)
    m.nonempty[idx >> 6] &= ~(1ull << (idx & 63));
  else if (h.color_xy[c])
    own.route = xy_mask(m.x, m.y, h.q[static_cast<std::size_t>(chn) * h.depth + own.head].tag);
  if (p == kRamp)
    ++own.credits;
  else {
    const std::uint32_t up = s.neighbour(r, static_cast<int>(p));
    if (up - h.r0 < h.span) {
      h.credit->push_back(chn);
      ++h.pending;
    } else {
      s.schedule_credit(sh, up, chn, t + h.lat);
    }
  }
  h.extra_copies += kCopies[mask];
  std::uint32_t outs = mask & 0xfu;
  while (outs) {
    const int o = std::countr_zero(outs);
    outs &= outs - 1;
    const std::uint32_t nb = s.neighbour(r, o);
    const std::uint32_t dch = own_c + static_cast<std::uint32_t>(h.ch_off[o]);
    --h.cm[dch].credits;
    const bool turn = p != kRamp && static_cast<int>(p) != opposite(o);
    if (nb - h.r0 < h.span) {
      (turn ? h.arrive_turn : h.arrive)->push_back({dch, nb, w});
      ++h.pending;
    } else {
      s.schedule_arrival(sh, nb, dch, w, t + h.lat + (turn ? h.turn : 0u));
    }
    ++h.moves;
    h.link_count[4 * r + static_cast<std::uint32_t>(o)] += h.window;  // branch-free
  }
  if (mask & port_bit(kRamp)) s.deliver(sh, r, static_cast<int>(c), w, t);
  m.rr = static_cast<std::uint8_t>(idx + 1);  // nch (past the last) scans like 0: no wrap needed
  return mask;
}

// One router's cycle: round robin over its non-empty (port, colour) queues from `rr`; a head
// wavelet moves when all its output ports are free this cycle and have credits. Returns
// whether anything moved.
inline bool step_router(Engine::State& s, Shard& sh, Hot& h, std::uint32_t r, std::int64_t t) {
  RouterMeta& m = h.rm[r];
  const std::uint64_t w0 = m.nonempty[0], w1 = m.nonempty[1];
  // Light load: one non-empty queue, no arbitration.
  if (w1 == 0 && (w0 & (w0 - 1)) == 0)
    return try_move(s, sh, h, m, r, static_cast<std::uint32_t>(std::countr_zero(w0)), 0, t) != 0;
  // Channels >= rr first, then those below, over the two words of the non-empty mask.
  const unsigned start = m.rr;
  const std::uint64_t h0 = start >= 64 ? 0 : w0 & (~0ull << start);
  const std::uint64_t h1 = start <= 64 ? w1 : w1 & (~0ull << (start - 64));
  const std::uint64_t order[4] = {h0, h1, w0 & ~h0, w1 & ~h1};
  std::uint8_t busy = 0;
  for (int k = 0; k < 4; ++k) {
    std::uint64_t bits = order[k];
    const std::uint32_t word = static_cast<std::uint32_t>(k & 1) * 64;
    while (bits) {
      const std::uint32_t idx = word + static_cast<std::uint32_t>(std::countr_zero(bits));
      bits &= bits - 1;
      busy |= try_move(s, sh, h, m, r, idx, busy, t);
      if (busy == 0x1f) return true;
    }
  }
  return busy != 0;
}

}  // namespace

void Engine::State::cycle(Shard& sh, std::int64_t t) {
  const std::size_t slot = static_cast<std::size_t>(t) & wheel_mask;
  // Credits first: a slot freed L cycles ago is usable from this cycle on.
  auto& cr = sh.credit_wheel[slot];
  {
    ChanMeta* const c_m = cm.data();
    for (std::uint32_t c : cr) ++c_m[c].credits;
  }
  auto& ar = sh.arrivals[slot];
  if (!ar.empty()) {
    ChanMeta* const c_m = cm.data();
    Wavelet* const qq = q.data();
    RouterMeta* const r_m = rm.data();
    const auto un = static_cast<std::uint32_t>(nch);
    const auto ud = static_cast<std::uint32_t>(depth);
    const std::uint8_t* const chc = ch_color.data();
    const std::uint8_t* const cxy = color_xy.data();
    for (const Arrival& a : ar) {
      ChanMeta& m = c_m[a.ch];
      std::uint32_t tail = m.head + m.size;
      if (tail >= ud) tail -= ud;
      qq[static_cast<std::size_t>(a.ch) * ud + tail] = a.w;
      const std::uint32_t bit = a.ch - a.r * un;
      RouterMeta& rmr = r_m[a.r];
      if (++m.size == 1 && cxy[chc[bit]]) m.route = xy_mask(rmr.x, rmr.y, a.w.tag);
      rmr.nonempty[bit >> 6] |= 1ull << (bit & 63);
      if (!rmr.in_active) {
        rmr.in_active = 1;
        sh.active.push_back(a.r);
      }
    }
  }
  sh.pending -= cr.size() + ar.size();
  cr.clear();
  ar.clear();

  // PE phase: PEs woken by a delivery last cycle, still injecting, or whose timer expired.
  std::swap(sh.pe_now, sh.pe_next);
  sh.pe_next.clear();
  auto& timers = sh.pe_timer[static_cast<std::size_t>(t) & (kTimerSize - 1)];
  if (!timers.empty()) {
    sh.pe_timers -= timers.size();
    for (std::uint32_t pe : timers) {
      if (wake_at[pe] == t) {
        wake_at[pe] = -1;
        sh.pe_now.push_back(pe);
      } else if (wake_at[pe] > t) {
        // Beyond the timer horizon when filed: file it again, further on.
        const std::int64_t slot2 = std::min<std::int64_t>(wake_at[pe], t + kTimerSize - 1);
        sh.pe_timer[static_cast<std::size_t>(slot2) & (kTimerSize - 1)].push_back(pe);
        ++sh.pe_timers;
      }
    }
    timers.clear();
  }
  for (std::uint32_t pe : sh.pe_now) {
    pe_queued[pe] = 0;
    if (stepped[pe] == t) continue;
    stepped[pe] = t;
    step_pe(sh, pe, t);
  }
  sh.pe_now.clear();

  // Router phase. A router only changes its own queues and schedules effects >= 1 cycle
  // ahead, so the order of the active list does not matter.
  if (sh.active.empty()) return;
  Hot h{cm.data(),
        q.data(),
        rm.data(),
        link_count.data(),
        fwd.data(),
        ch_port.data(),
        ch_color.data(),
        color_xy.data(),
        static_cast<std::uint32_t>(nch),
        static_cast<std::uint32_t>(C),
        static_cast<std::uint32_t>(depth),
        {ch_off[0], ch_off[1], ch_off[2], ch_off[3]},
        static_cast<std::uint32_t>(cfg.hop_latency),
        static_cast<std::uint32_t>(cfg.turn_penalty),
        in_window(t) ? 1u : 0u,
        sh.r0,
        sh.r1 - sh.r0,
        &sh.arrivals[static_cast<std::size_t>(t + cfg.hop_latency) & wheel_mask],
        &sh.arrivals[static_cast<std::size_t>(t + cfg.hop_latency + cfg.turn_penalty) & wheel_mask],
        &sh.credit_wheel[static_cast<std::size_t>(t + cfg.hop_latency) & wheel_mask]};
  std::uint32_t* const act = sh.active.data();
  const std::size_t n = sh.active.size();
  std::size_t keep = 0;
  bool moved = false;
  // The arrivals loop above touched these routers' lines, but a busy cycle's worth of them
  // does not stay in L1: fetch a few routers ahead.
  constexpr std::size_t kAhead = 4;
  const std::size_t qbytes =
      static_cast<std::size_t>(nch) * static_cast<std::size_t>(depth) * sizeof(Wavelet);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) {
      const std::uint32_t ra = act[i + kAhead];
      __builtin_prefetch(h.rm + ra);
      __builtin_prefetch(h.cm + static_cast<std::size_t>(ra) * h.nch);
      const char* qa = reinterpret_cast<const char*>(h.q + static_cast<std::size_t>(ra) * h.nch * h.depth);
      for (std::size_t b = 0; b < qbytes; b += 64) __builtin_prefetch(qa + b);
    }
    const std::uint32_t r = act[i];
    moved |= step_router(*this, sh, h, r, t);
    RouterMeta& m = h.rm[r];
    if (m.nonempty[0] | m.nonempty[1])
      act[keep++] = r;
    else
      m.in_active = 0;
  }
  sh.active.resize(keep);
  if (h.moves) {
    sh.c.link_moves += h.moves;
    if (h.window) sh.c.window_link_moves += h.moves;
  }
  sh.c.created += h.extra_copies;
  sh.pending += h.pending;
  if (moved) sh.c.last_progress = t;
}

void Engine::State::deliver(Shard& sh, std::uint32_t r, int c, const Wavelet& w, std::int64_t t) {
  ++sh.c.delivered;
  sh.c.last_activity = t;
  const std::uint32_t pc_idx = r * static_cast<std::uint32_t>(C) + static_cast<std::uint32_t>(c);
  if (fwd[pc_idx]) {
    // Data task: re-send on the forward colour (the router checked the RAMP credit).
    const std::uint32_t rc = ch(r, kRamp, fwd[pc_idx] - 1);
    --cm[rc].credits;
    schedule_arrival(sh, r, rc, w, t + cfg.forward_delay);
    ++sh.c.created;
    return;
  }
  if (prog[r] >= 0) {
    ++landed[pc_idx];
    wake_pe(sh, r);
    return;
  }
  ++sh.c.sink_wavelets;
  if (in_window(t)) ++sh.c.window_sink_wavelets;
  if (w.tag & kLastFlag) {
    const std::int64_t gen = w.data;
    if (gen >= traffic.warmup && gen < traffic.gen_end()) {
      const std::uint64_t lat = static_cast<std::uint64_t>(t - gen);
      ++sh.c.messages;
      sh.c.latency_sum += lat;
      if (lat > sh.c.latency_max) sh.c.latency_max = lat;
      ++sh.hist[std::min<std::size_t>(lat, kHistSize - 1)];
    }
  }
}

}  // namespace wafersim::cycle
