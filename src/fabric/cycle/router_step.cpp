// The per-cycle hot path: timing wheels, the PE phase and the router phase of one shard.
// No allocation once the vectors have grown to their working size, no strings, no logging.
#include <bit>

#include "engine_state.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::cycle {

namespace {

// Output port of an XY-routed wavelet at (x, y): X first, then Y, then the RAMP.
inline std::uint8_t xy_mask(int x, int y, std::uint32_t tag) {
  const int dx = static_cast<int>(tag & 0xfffu);
  const int dy = static_cast<int>((tag >> 12) & 0xfffu);
  if (dx > x) return port_bit(kEast);
  if (dx < x) return port_bit(kWest);
  if (dy > y) return port_bit(kSouth);
  if (dy < y) return port_bit(kNorth);
  return port_bit(kRamp);
}

}  // namespace

void Engine::State::cycle(Shard& sh, std::int64_t t) {
  const std::size_t slot = static_cast<std::size_t>(t) & wheel_mask;
  // Credits first: a slot freed L cycles ago is usable from this cycle on.
  auto& cr = sh.credit_wheel[slot];
  for (std::uint32_t c : cr) ++cm[c].credits;
  auto& ar = sh.arrivals[slot];
  for (const Arrival& a : ar) {
    push_queue(a.r, a.ch, a.w);
    activate(sh, a.r);
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
  std::size_t keep = 0;
  for (std::size_t i = 0; i < sh.active.size(); ++i) {
    const std::uint32_t r = sh.active[i];
    step_router(sh, r, t);
    RouterMeta& m = rm[r];
    if (m.nonempty[0] | m.nonempty[1]) sh.active[keep++] = r;
    else m.in_active = 0;
  }
  sh.active.resize(keep);
}

void Engine::State::step_router(Shard& sh, std::uint32_t r, std::int64_t t) {
  RouterMeta& m = rm[r];
  const int x = m.x;
  const int y = m.y;
  const int L = cfg.hop_latency;
  const bool window = in_window(t);
  std::uint8_t busy = 0;
  const std::uint64_t snap[2] = {m.nonempty[0], m.nonempty[1]};
  const int start = m.rr;
  const auto unch = static_cast<std::uint32_t>(nch);
  // Two passes over the set bits: channels >= rr first, then those below (round robin).
  for (int pass = 0; pass < 2; ++pass) {
    for (int wd = 0; wd < 2; ++wd) {
      std::uint64_t bits = snap[wd];
      const int base = wd * 64;
      if (pass == 0) {
        if (base + 64 <= start) continue;
        if (start > base) bits &= ~0ull << (start - base);
      } else {
        if (base >= start) break;
        if (start - base < 64) bits &= (1ull << (start - base)) - 1;
      }
      while (bits) {
        const int idx = base + std::countr_zero(bits);
        bits &= bits - 1;
        const int p = ch_port[static_cast<std::size_t>(idx)];
        const int c = ch_color[static_cast<std::size_t>(idx)];
        const std::uint32_t chn = r * unch + static_cast<std::uint32_t>(idx);
        ChanMeta& own = cm[chn];
        const Wavelet w = q[static_cast<std::size_t>(chn) * static_cast<std::size_t>(depth) + own.head];
        const std::uint8_t mask = color_xy[static_cast<std::size_t>(c)] ? xy_mask(x, y, w.tag) : own.route;
        if (mask == 0)
          throw SimError("cycle engine: a wavelet arrived on a port with no route (set_route)");
        if (mask & busy) continue;
        const std::uint8_t fw = fwd[r * static_cast<std::uint32_t>(C) + static_cast<std::uint32_t>(c)];
        bool ok = true;
        for (int o = 0; o < 4 && ok; ++o)
          if ((mask & port_bit(o)) && cm[neighbour(r, o) * unch + static_cast<std::uint32_t>(opposite(o) * C + c)].credits == 0)
            ok = false;
        if (ok && (mask & port_bit(kRamp)) && fw && cm[ch(r, kRamp, fw - 1)].credits == 0) ok = false;
        if (!ok) continue;
        // Commit: pop, return the credit upstream, send every copy.
        if (++own.head == depth) own.head = 0;
        if (--own.size == 0) m.nonempty[idx / 64] &= ~(1ull << (idx % 64));
        if (p == kRamp) ++own.credits;
        else schedule_credit(neighbour(r, p), chn, t + L);
        int copies = 0;
        for (int o = 0; o < 4; ++o) {
          if (!(mask & port_bit(o))) continue;
          const std::uint32_t nb = neighbour(r, o);
          const std::uint32_t dch = nb * unch + static_cast<std::uint32_t>(opposite(o) * C + c);
          --cm[dch].credits;
          const bool turn = p != kRamp && o != opposite(p);
          schedule_arrival(nb, dch, w, t + L + (turn ? cfg.turn_penalty : 0));
          ++copies;
          ++sh.c.link_moves;
          if (window) {
            ++link_count[4 * r + static_cast<std::uint32_t>(o)];
            ++sh.c.window_link_moves;
          }
        }
        if (mask & port_bit(kRamp)) {
          ++copies;
          deliver(sh, r, c, w, t);
        }
        sh.c.created += static_cast<std::uint64_t>(copies - 1);
        sh.c.last_progress = t;
        busy |= mask;
        m.rr = static_cast<std::uint8_t>(idx + 1 == nch ? 0 : idx + 1);
        if (busy == 0x1f) return;
      }
    }
  }
}

void Engine::State::deliver(Shard& sh, std::uint32_t r, int c, const Wavelet& w, std::int64_t t) {
  ++sh.c.delivered;
  sh.c.last_activity = t;
  const std::uint32_t pc_idx = r * static_cast<std::uint32_t>(C) + static_cast<std::uint32_t>(c);
  if (fwd[pc_idx]) {
    // Data task: re-send on the forward colour (the router checked the RAMP credit).
    const std::uint32_t rc = ch(r, kRamp, fwd[pc_idx] - 1);
    --cm[rc].credits;
    schedule_arrival(r, rc, w, t + cfg.forward_delay);
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
