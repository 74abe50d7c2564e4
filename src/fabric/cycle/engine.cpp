// Cycle engine: construction, set-up, the shard/quantum driver, invariants and results.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>

#include "engine_state.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::cycle {

const char* port_name(int p) {
  static const char* names[] = {"N", "E", "S", "W", "RAMP"};
  return p >= 0 && p < kPorts ? names[p] : "?";
}

Counters& Counters::operator+=(const Counters& o) {
  created += o.created;
  delivered += o.delivered;
  link_moves += o.link_moves;
  sink_wavelets += o.sink_wavelets;
  window_sink_wavelets += o.window_sink_wavelets;
  window_link_moves += o.window_link_moves;
  messages += o.messages;
  latency_sum += o.latency_sum;
  latency_max = std::max(latency_max, o.latency_max);
  generated_messages += o.generated_messages;
  last_progress = std::max(last_progress, o.last_progress);
  last_activity = std::max(last_activity, o.last_activity);
  return *this;
}

FabricConfig fabric_config_from_spec(const SystemSpec& spec, int width, int height) {
  const RouterSpec& r = spec.router;
  if (r.ports != 5)
    throw UsageError(fmt::format("router.ports {}: the cycle engine models 5 (N, E, S, W, RAMP)", r.ports));
  if (r.wavelets_per_cycle != 1.0)
    throw UsageError(
        "router.wavelets_per_cycle: the cycle engine models exactly 1 wavelet per link per cycle");
  if (r.hop_latency < 1) throw UsageError("router.hop_latency: the cycle engine needs >= 1 cycle per hop");
  FabricConfig c;
  c.width = width;
  c.height = height;
  c.hop_latency = r.hop_latency;
  c.turn_penalty = r.turn_penalty;
  c.queue_depth = r.queue_depth;
  c.hardware_colors = r.colors;
  c.sparsity = spec.pe.sparsity;
  return c;
}

Engine::Engine(FabricConfig cfg) : s_(std::make_unique<State>()) {
  State& s = *s_;
  if (cfg.width < 1 || cfg.height < 1 || cfg.width > 4096 || cfg.height > 4096)
    throw UsageError(
        fmt::format("fabric grid {} x {}: expected 1..4096 in each dimension", cfg.width, cfg.height));
  if (cfg.colors.empty()) cfg.colors.push_back({});
  if (static_cast<int>(cfg.colors.size()) > std::min(cfg.hardware_colors, 24))
    throw UsageError(
        fmt::format("{} colours in use: the router has {}", cfg.colors.size(), cfg.hardware_colors));
  if (cfg.queue_depth < 1 || cfg.queue_depth > 255) throw UsageError("router.queue_depth: expected 1..255");
  if (cfg.hop_latency < 1 || cfg.turn_penalty < 0 || cfg.forward_delay < 1)
    throw UsageError("cycle engine: hop_latency and forward_delay must be >= 1, turn_penalty >= 0");
  if (cfg.sparsity < 0 || cfg.sparsity >= 1) throw UsageError("pe.sparsity: expected 0 <= sparsity < 1");
  cfg.shards = std::clamp(cfg.shards, 1, cfg.height);
  s.cfg = cfg;
  s.W = cfg.width;
  s.H = cfg.height;
  s.C = static_cast<int>(cfg.colors.size());
  s.nch = kPorts * s.C;
  s.depth = cfg.queue_depth;
  const std::size_t routers = static_cast<std::size_t>(s.W) * static_cast<std::size_t>(s.H);
  const std::size_t chans = routers * static_cast<std::size_t>(s.nch);
  s.q.resize(chans * static_cast<std::size_t>(s.depth));
  State::ChanMeta init;
  init.credits = static_cast<std::uint8_t>(s.depth);
  s.cm.assign(chans, init);
  s.rm.assign(routers, State::RouterMeta{});
  s.link_count.assign(4 * routers, 0);
  s.delta[kNorth] = -s.W;
  s.delta[kSouth] = s.W;
  for (int o = 0; o < 4; ++o) s.ch_off[o] = s.delta[o] * s.nch + opposite(o) * s.C;
  for (std::size_t r = 0; r < routers; ++r) {
    s.rm[r].x = static_cast<std::uint16_t>(r % static_cast<std::size_t>(s.W));
    s.rm[r].y = static_cast<std::uint16_t>(r / static_cast<std::size_t>(s.W));
  }
  for (int i = 0; i < s.nch; ++i) {
    s.ch_port.push_back(static_cast<std::uint8_t>(i / s.C));
    s.ch_color.push_back(static_cast<std::uint8_t>(i % s.C));
  }
  for (const auto& col : cfg.colors) s.color_xy.push_back(col.routing == Routing::xy ? 1 : 0);
  const std::size_t pc = routers * static_cast<std::size_t>(s.C);
  s.prog.assign(routers, -1);
  s.phase.assign(routers, 0);
  s.pc.assign(routers, 0);
  s.iter.assign(routers, 0);
  s.busy_until.assign(routers, 0);
  s.landed.assign(pc, 0);
  s.fwd.assign(pc, 0);
  s.ob_color.assign(routers * State::kOut, 0);
  s.ob_count.assign(routers * State::kOut, 0);
  s.ob_head.assign(routers, 0);
  s.ob_size.assign(routers, 0);
  s.wake_at.assign(routers, -1);
  s.stepped.assign(routers, -1);
  s.pe_queued.assign(routers, 0);
  // Wheel: a writer at t < T0 + Q schedules at most t + max latency; the reader is >= T0.
  const int max_lat = std::max(cfg.hop_latency + cfg.turn_penalty, cfg.forward_delay);
  const auto wheel = std::bit_ceil(static_cast<std::uint32_t>(2 * max_lat + 2));
  s.wheel_mask = wheel - 1;
  s.shard_of_row.resize(static_cast<std::size_t>(s.H));
  const int k = cfg.shards;
  s.shards.resize(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) {
    Shard& sh = s.shards[static_cast<std::size_t>(i)];
    sh.y0 = s.H * i / k;
    sh.y1 = s.H * (i + 1) / k;
    sh.r0 = static_cast<std::uint32_t>(sh.y0 * s.W);
    sh.r1 = static_cast<std::uint32_t>(sh.y1 * s.W);
    for (int y = sh.y0; y < sh.y1; ++y) {
      s.shard_of_row[static_cast<std::size_t>(y)] = static_cast<std::uint16_t>(i);
      for (int x = 0; x < s.W; ++x)
        s.rm[static_cast<std::size_t>(y * s.W + x)].shard = static_cast<std::uint16_t>(i);
    }
    sh.arrivals.resize(wheel);
    sh.credit_wheel.resize(wheel);
    sh.pe_timer.resize(State::kTimerSize);
    sh.hist.assign(State::kHistSize, 0);
  }
}

Engine::~Engine() = default;

const FabricConfig& Engine::config() const { return s_->cfg; }
int Engine::width() const { return s_->W; }
int Engine::height() const { return s_->H; }
int Engine::colors() const { return s_->C; }
int Engine::shard_count() const { return static_cast<int>(s_->shards.size()); }

void Engine::set_route(int x, int y, int color, int in_port, std::uint8_t out_mask) {
  State& s = *s_;
  if (x < 0 || y < 0 || x >= s.W || y >= s.H || color < 0 || color >= s.C || in_port < 0 || in_port >= kPorts)
    throw SimError(fmt::format("set_route({}, {}, colour {}, port {}): out of range", x, y, color, in_port));
  const auto r = static_cast<std::uint32_t>(y * s.W + x);
  for (int o = 0; o < 4; ++o)
    if ((out_mask & port_bit(o)) && !s.has_neighbour(r, o))
      throw SimError(fmt::format("set_route: router ({}, {}) colour {} routes off the grid to {}", x, y,
                                 color, port_name(o)));
  s.cm[s.ch(r, in_port, color)].route = out_mask;
}

int Engine::add_program(Program program) {
  s_->programs.push_back(std::move(program));
  return static_cast<int>(s_->programs.size()) - 1;
}

void Engine::set_program(int x, int y, int program_id) {
  State& s = *s_;
  const auto r = static_cast<std::size_t>(y * s.W + x);
  if (s.prog[r] < 0) ++s.programs_left;
  s.prog[r] = program_id;
}

void Engine::set_forward(int x, int y, int color, int out_color) {
  State& s = *s_;
  s.fwd[static_cast<std::size_t>((y * s.W + x) * s.C + color)] = static_cast<std::uint8_t>(out_color + 1);
}

void Engine::set_traffic(const TrafficConfig& t) {
  State& s = *s_;
  if (!(t.rate > 0) || t.rate > 1) throw UsageError(fmt::format("--rate {}: expected 0 < rate <= 1", t.rate));
  if (t.message_wavelets < 1 || t.message_wavelets > 65535)
    throw UsageError(fmt::format("--message-wavelets {}: expected 1..65535", t.message_wavelets));
  if (t.warmup < 0 || t.measure < 1)
    throw UsageError("--warmup/--cycles: expected warmup >= 0 and cycles >= 1");
  if (t.gen_end() >= (std::int64_t{1} << 31)) throw UsageError("--cycles: at most 2^31 cycles");
  const int ncol = is_point_to_point(t.pattern) ? t.xy_colors : 1;
  if (t.color < 0 || ncol < 1 || t.color + ncol > s.C)
    throw SimError("set_traffic: colour slots outside the configured colours");
  for (int c = t.color; c < t.color + ncol; ++c)
    if (s.color_xy[static_cast<std::size_t>(c)] != (is_point_to_point(t.pattern) ? 1 : 0))
      throw SimError("set_traffic: point-to-point traffic needs XY colours, broadcasts static ones");
  s.traffic_on = true;
  s.traffic = t;
  s.msg_rate = t.rate / t.message_wavelets;
  s.msg_log1m = s.msg_rate >= 1.0 ? 0.0 : std::log1p(-s.msg_rate);
  const auto n = static_cast<std::size_t>(s.W) * static_cast<std::size_t>(s.H);
  s.is_src.assign(n, 0);
  for (std::uint32_t pe = 0; pe < n; ++pe) s.is_src[pe] = is_source(t, s.W, s.H, pe) ? 1 : 0;
  s.t_next.assign(n, 0);
  s.msg_i.assign(n, 0);
  s.rem.assign(n, 0);
  s.cur_dest.assign(n, 0);
  s.cur_gen.assign(n, 0);
  s.cur_color.assign(n, 0);
  const int c = t.color;
  if (t.pattern == Pattern::row_broadcast && s.W > 1) {
    for (int y = 0; y < s.H; ++y) {
      set_route(0, y, c, kRamp, port_bit(kEast));
      for (int x = 1; x + 1 < s.W; ++x) set_route(x, y, c, kWest, port_bit(kEast) | port_bit(kRamp));
      set_route(s.W - 1, y, c, kWest, port_bit(kRamp));
    }
  } else if (t.pattern == Pattern::column_reduce && s.H > 1) {
    for (int x = 0; x < s.W; ++x) {
      set_route(x, 0, c, kRamp, port_bit(kSouth));
      for (int y = 1; y + 1 < s.H; ++y) {
        set_route(x, y, c, kNorth, port_bit(kRamp));
        set_route(x, y, c, kRamp, port_bit(kSouth));
        set_forward(x, y, c, c);
      }
      set_route(x, s.H - 1, c, kNorth, port_bit(kRamp));
    }
  }
}

}  // namespace wafersim::cycle
