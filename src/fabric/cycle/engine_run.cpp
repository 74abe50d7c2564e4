// Cycle engine: the shard/quantum driver, the deadlock detector, invariants and results.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "engine_state.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::cycle {

namespace {
bool shard_idle(const Shard& sh) { return sh.active.empty() && sh.pe_next.empty() && sh.pending == 0; }
}  // namespace

void Engine::step_shard(int shard, std::int64_t until) {
  State& s = *s_;
  start();
  Shard& sh = s.shards[static_cast<std::size_t>(shard)];
  while (sh.now < until) {
    if (shard_idle(sh)) {
      // Nothing in flight here: jump to the next PE timer (or the end of the quantum; other
      // shards only write at least a quantum ahead).
      if (sh.pe_timers == 0) {
        sh.now = until;
        break;
      }
      std::int64_t t = sh.now;
      while (t < until && sh.pe_timer[static_cast<std::size_t>(t) & (State::kTimerSize - 1)].empty()) ++t;
      sh.now = t;
      if (t == until) break;
    }
    s.cycle(sh, sh.now);
    ++sh.now;
  }
}

void Engine::start() {
  if (s_->started) return;
  s_->started = true;
  s_->start_sources();
}

void Engine::run(std::int64_t until, int quantum, bool stop_when_idle) {
  State& s = *s_;
  if (quantum < 1 || quantum > s.cfg.hop_latency)
    throw UsageError(
        fmt::format("--quantum {}: expected 1..{} (the hop latency, the smallest latency "
                    "of a link crossing shards)",
                    quantum, s.cfg.hop_latency));
  start();
  while (now() < until) {
    check_deadlock();
    if (stop_when_idle && idle()) break;
    const std::int64_t end = std::min(now() + quantum, until);
    for (int i = 0; i < shard_count(); ++i) step_shard(i, end);
  }
}

std::int64_t Engine::now() const {
  std::int64_t t = s_->shards[0].now;
  for (const auto& sh : s_->shards) t = std::min(t, sh.now);
  return t;
}

bool Engine::idle() const {
  for (const auto& sh : s_->shards)
    if (!shard_idle(sh) || sh.pe_timers != 0) return false;
  return true;
}

bool Engine::programs_done() const { return s_->programs_left == 0; }

std::int64_t Engine::program_end_cycle() const {
  if (!programs_done()) return -1;
  std::int64_t e = -1;
  for (const auto& sh : s_->shards) e = std::max(e, sh.program_end);
  return e;
}

void Engine::check_deadlock() const {
  const State& s = *s_;
  const Counters c = counters();
  const std::int64_t t = now();
  const bool in_flight = c.created > c.delivered;
  const bool stalled = in_flight && t - std::max<std::int64_t>(c.last_progress, 0) > s.cfg.deadlock_cycles;
  const bool blocked = !in_flight && idle() && !programs_done();
  if (!stalled && !blocked) return;
  // Name what is stuck: routers (row-major order, so the report is deterministic) and colours.
  std::set<int> colors;
  std::vector<std::string> routers;
  std::size_t stuck = 0;
  const auto n = static_cast<std::uint32_t>(s.W * s.H);
  for (std::uint32_t r = 0; r < n; ++r) {
    bool any = false;
    std::string what;
    for (int i = 0; i < s.nch; ++i) {
      const std::uint32_t chn = r * static_cast<std::uint32_t>(s.nch) + static_cast<std::uint32_t>(i);
      if (!s.cm[chn].size) continue;
      any = true;
      const int col = i % s.C;
      colors.insert(s.cfg.colors[static_cast<std::size_t>(col)].id);
      what += fmt::format(" {}:c{}x{}", port_name(i / s.C), s.cfg.colors[static_cast<std::size_t>(col)].id,
                          s.cm[chn].size);
    }
    if (!any) continue;
    if (++stuck <= 8) routers.push_back(fmt::format("({},{}){}", r % s.W, r / s.W, what));
  }
  if (blocked) {
    std::string pes;
    std::size_t count = 0;
    for (std::uint32_t r = 0; r < n; ++r) {
      if (s.prog[r] < 0 || s.phase[r] >= 3) continue;
      if (++count > 8) continue;
      const Program& P = s.programs[static_cast<std::size_t>(s.prog[r])];
      const auto& v = s.phase[r] == 0 ? P.pre : s.phase[r] == 1 ? P.body : P.post;
      const Instr in = s.pc[r] < v.size() ? v[s.pc[r]] : Instr{};
      pes += fmt::format(" ({},{}) waits op {} colour {} n {};", r % s.W, r / s.W, static_cast<int>(in.op),
                         s.cfg.colors[in.color].id, in.n);
    }
    throw SimError(
        fmt::format("fabric deadlock at cycle {}: {} PE program(s) blocked with no wavelet in "
                    "flight:{}",
                    t, s.programs_left, pes));
  }
  std::string cl;
  for (int col : colors) cl += fmt::format("{}{}", cl.empty() ? "" : ",", col);
  throw SimError(fmt::format(
      "fabric deadlock: no wavelet moved for {} cycles (since cycle {}) with {} in "
      "flight; stuck colours: {}; {} stuck router(s), first: {}",
      t - c.last_progress, c.last_progress, c.created - c.delivered, cl, stuck, fmt::join(routers, " ")));
}

Counters Engine::counters() const {
  Counters c;
  for (const auto& sh : s_->shards) c += sh.c;
  return c;
}

std::uint64_t Engine::in_flight() const {
  const State& s = *s_;
  std::uint64_t n = 0;
  for (const auto& m : s.cm) n += m.size;
  for (const auto& sh : s.shards)
    for (const auto& b : sh.arrivals) n += b.size();
  return n;
}

void Engine::check_conservation() const {
  const Counters c = counters();
  const std::uint64_t f = in_flight();
  if (c.created != c.delivered + f)
    throw SimError(fmt::format("fabric invariant broken: {} wavelets created != {} delivered + {} in flight",
                               c.created, c.delivered, f));
}

std::vector<std::uint64_t> Engine::latency_histogram() const {
  std::vector<std::uint64_t> h(State::kHistSize, 0);
  for (const auto& sh : s_->shards)
    for (std::size_t i = 0; i < h.size(); ++i) h[i] += sh.hist[i];
  return h;
}

std::uint32_t Engine::link_count(int x, int y, int port) const {
  return s_->link_count[4 * static_cast<std::size_t>(y * s_->W + x) + static_cast<std::size_t>(port)];
}

std::uint32_t Engine::landed(int x, int y, int color) const {
  return s_->landed[static_cast<std::size_t>((y * s_->W + x) * s_->C + color)];
}

bool Engine::has_link(int x, int y, int port) const {
  return s_->has_neighbour(static_cast<std::uint32_t>(y * s_->W + x), port);
}

}  // namespace wafersim::cycle
