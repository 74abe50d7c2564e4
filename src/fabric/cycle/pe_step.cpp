// The PE side of a cycle: task programs (send / recv / compute / forward) and synthetic
// traffic sources. A PE injects at most one wavelet per cycle into its router's RAMP queue.
#include <cmath>

#include "engine_state.hpp"

namespace wafersim::cycle {

namespace {
constexpr std::uint64_t kSaltGap = 1;
constexpr std::uint64_t kSaltColor = 3;
}  // namespace

void Engine::State::step_pe(Shard& sh, std::uint32_t pe, std::int64_t t) {
  bool again = false;
  if (prog[pe] >= 0) {
    run_program(sh, pe, t);
    // Inject the head of the outbound queue.
    const std::uint32_t ob = pe * kOut;
    if (ob_size[pe]) {
      const std::uint32_t slot = ob + ob_head[pe];
      const std::uint32_t rc = ch(pe, kRamp, ob_color[slot]);
      if (cm[rc].credits) {
        --cm[rc].credits;
        push_queue(pe, rc, Wavelet{static_cast<std::uint32_t>(t), ob_count[slot] == 1 ? kLastFlag : 0u});
        activate(sh, pe);
        ++sh.c.created;
        sh.c.last_progress = t;
        if (--ob_count[slot] == 0) {
          ob_head[pe] = static_cast<std::uint8_t>((ob_head[pe] + 1) % kOut);
          --ob_size[pe];
          // The queue drained: a blocked send or wait_sent may go on right away.
          run_program(sh, pe, t);
        }
      }
      again = ob_size[pe] > 0;
    }
    if (again)
      wake_pe(sh, pe);
    else if (phase[pe] < 3 && busy_until[pe] > t)
      schedule_timer(sh, pe, t, busy_until[pe]);
    // Otherwise it waits for a delivery (deliver() wakes it) or has finished.
    return;
  }
  if (is_src[pe]) step_traffic(sh, pe, t);
}

bool Engine::State::run_program(Shard& sh, std::uint32_t pe, std::int64_t t) {
  if (busy_until[pe] > t || phase[pe] >= 3) return false;
  const Program& P = programs[static_cast<std::size_t>(prog[pe])];
  bool progressed = false;
  for (;;) {
    const std::vector<Instr>& v = phase[pe] == 0 ? P.pre : phase[pe] == 1 ? P.body : P.post;
    if (pc[pe] >= v.size()) {
      pc[pe] = 0;
      if (phase[pe] == 0) {
        phase[pe] = P.iterations > 0 ? 1 : 2;
      } else if (phase[pe] == 1) {
        if (++iter[pe] >= P.iterations) phase[pe] = 2;
      } else {
        phase[pe] = 3;
        --programs_left;
        sh.program_end = std::max(sh.program_end, t);
        sh.c.last_activity = std::max(sh.c.last_activity, t);
        sh.c.last_progress = t;
        return true;
      }
      continue;
    }
    const Instr& in = v[pc[pe]];
    switch (in.op) {
      case OpCode::send: {
        if (in.n == 0) break;
        if (ob_size[pe] == kOut) return progressed;
        const std::uint32_t tail = pe * kOut + (ob_head[pe] + ob_size[pe]) % kOut;
        ob_color[tail] = in.color;
        ob_count[tail] = in.n;
        ++ob_size[pe];
        break;
      }
      case OpCode::recv: {
        std::uint32_t& l = landed[pe * static_cast<std::uint32_t>(C) + in.color];
        if (l < in.n) return progressed;
        l -= in.n;
        break;
      }
      case OpCode::compute: {
        // color2 = 1: fixed cost (op setup), not reduced by skipping zero operands.
        const auto cycles = in.color2 ? static_cast<std::int64_t>(in.n)
                                      : static_cast<std::int64_t>(std::llround(in.n * (1.0 - cfg.sparsity)));
        ++pc[pe];
        sh.c.last_progress = t;
        if (cycles > 0) {
          busy_until[pe] = t + cycles;
          return true;
        }
        continue;
      }
      case OpCode::forward: {
        const std::uint32_t i = pe * static_cast<std::uint32_t>(C) + in.color;
        if (landed[i] > 0) {
          // What landed before the task was enabled goes out through the send queue.
          if (ob_size[pe] == kOut) return progressed;
          const std::uint32_t tail = pe * kOut + (ob_head[pe] + ob_size[pe]) % kOut;
          ob_color[tail] = in.color2;
          ob_count[tail] = landed[i];
          ++ob_size[pe];
          landed[i] = 0;
        }
        fwd[i] = static_cast<std::uint8_t>(in.color2 + 1);
        break;
      }
      case OpCode::wait_sent:
        if (ob_size[pe]) return progressed;
        break;
    }
    ++pc[pe];
    progressed = true;
    sh.c.last_progress = t;
  }
}

bool Engine::State::step_traffic(Shard& sh, std::uint32_t pe, std::int64_t t) {
  const TrafficConfig& tc = traffic;
  const std::int64_t end = tc.gen_end();
  auto more = [&] { return t_next[pe] < end && (tc.max_messages == 0 || msg_i[pe] < tc.max_messages); };
  auto advance = [&] {
    ++msg_i[pe];
    t_next[pe] += geometric_gap(msg_rate, msg_log1m, hash4(tc.seed, pe, msg_i[pe], kSaltGap));
  };
  if (rem[pe] == 0) {
    // Start the oldest generated message (the source queue is implicit: see traffic.hpp).
    while (rem[pe] == 0 && t_next[pe] <= t && more()) {
      const std::uint32_t d = pattern_destination(tc, W, H, pe, msg_i[pe]);
      if (d != pe || !is_point_to_point(tc.pattern)) {
        rem[pe] = static_cast<std::uint16_t>(tc.message_wavelets);
        const std::uint32_t dx = d % static_cast<std::uint32_t>(W);
        const std::uint32_t dy = d / static_cast<std::uint32_t>(W);
        cur_dest[pe] = dx | (dy << 12);
        cur_gen[pe] = static_cast<std::uint32_t>(t_next[pe]);
        cur_color[pe] = static_cast<std::uint8_t>(
            tc.color + (tc.xy_colors > 1 ? hash4(tc.seed, pe, msg_i[pe], kSaltColor) %
                                               static_cast<std::uint64_t>(tc.xy_colors)
                                         : 0));
        ++sh.c.generated_messages;
      }
      advance();
    }
  }
  if (rem[pe] > 0) {
    const std::uint32_t rc = ch(pe, kRamp, cur_color[pe]);
    if (cm[rc].credits) {
      --cm[rc].credits;
      push_queue(pe, rc, Wavelet{cur_gen[pe], cur_dest[pe] | (rem[pe] == 1 ? kLastFlag : 0u)});
      activate(sh, pe);
      ++sh.c.created;
      sh.c.last_progress = t;
      --rem[pe];
    }
  }
  if (rem[pe] > 0 || (t_next[pe] <= t + 1 && more()))
    wake_pe(sh, pe);
  else if (more())
    schedule_timer(sh, pe, t, t_next[pe]);
  return true;
}

void Engine::State::start_sources() {
  const auto n = static_cast<std::uint32_t>(W * H);
  for (std::uint32_t pe = 0; pe < n; ++pe) {
    Shard& sh = shard_of(pe);
    if (prog[pe] >= 0) {
      wake_pe(sh, pe);
      continue;
    }
    if (!traffic_on || !is_src[pe]) continue;
    t_next[pe] = geometric_gap(msg_rate, msg_log1m, hash4(traffic.seed, pe, 0, kSaltGap)) - 1;
    if (t_next[pe] < traffic.gen_end()) schedule_timer(sh, pe, 0, t_next[pe]);
  }
}

}  // namespace wafersim::cycle
