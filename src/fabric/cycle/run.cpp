#include "wafersim/fabric/cycle/run.hpp"

#include <algorithm>
#include <cmath>

namespace wafersim::cycle {

std::unique_ptr<Engine> make_traffic_engine(const TrafficRunConfig& cfg) {
  FabricConfig f = cfg.fabric;
  f.colors.clear();
  const bool p2p = is_point_to_point(cfg.traffic.pattern);
  const int n = p2p ? std::max(1, cfg.traffic.xy_colors) : 1;
  for (int c = 0; c < n; ++c) f.colors.push_back({c, p2p ? Routing::xy : Routing::static_routes});
  auto e = std::make_unique<Engine>(f);
  TrafficConfig t = cfg.traffic;
  t.color = 0;
  t.xy_colors = n;
  e->set_traffic(t);
  return e;
}

std::uint64_t histogram_percentile(const std::vector<std::uint64_t>& h, double pct) {
  std::uint64_t total = 0;
  for (auto v : h) total += v;
  if (total == 0) return 0;
  // Smallest latency with at least pct% of the messages at or below it (nearest rank).
  const auto rank =
      static_cast<std::uint64_t>(std::max(1.0, std::ceil(pct / 100.0 * static_cast<double>(total))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    seen += h[i];
    if (seen >= rank) return i;
  }
  return h.size() - 1;
}

TrafficResult run_traffic_with(Engine& e, const TrafficRunConfig& cfg, const Advance& advance) {
  const TrafficConfig& t = cfg.traffic;
  TrafficResult r;
  r.width = e.width();
  r.height = e.height();
  r.pattern = to_string(t.pattern);
  r.rate = t.rate;
  r.message_wavelets = t.message_wavelets;
  r.seed = t.seed;
  r.warmup = t.warmup;
  r.measure = t.measure;
  const auto nodes = static_cast<std::uint64_t>(r.width) * static_cast<std::uint64_t>(r.height);
  for (std::uint32_t pe = 0; pe < nodes; ++pe)
    if (is_source(t, r.width, r.height, pe)) ++r.sources;
  r.offered = t.rate * static_cast<double>(r.sources) / static_cast<double>(nodes);

  advance(e, t.gen_end(), false);
  e.check_conservation();
  r.in_flight_end_of_window = e.in_flight();
  const std::int64_t drain = cfg.drain_limit > 0 ? cfg.drain_limit : 10 * t.measure + 10000;
  advance(e, t.gen_end() + drain, true);
  e.check_conservation();
  r.drained = e.idle();
  r.in_flight_end = e.in_flight();
  r.counters = e.counters();
  // The last cycle anything happened: independent of how far idle shards ran ahead.
  r.cycles = std::max<std::int64_t>(t.gen_end(), r.counters.last_activity + 1);

  const double window = static_cast<double>(t.measure);
  r.accepted = static_cast<double>(r.counters.window_sink_wavelets) / (static_cast<double>(nodes) * window);
  r.messages = r.counters.messages;
  if (r.messages)
    r.latency_avg = static_cast<double>(r.counters.latency_sum) / static_cast<double>(r.messages);
  const auto hist = e.latency_histogram();
  r.latency_p50 = histogram_percentile(hist, 50);
  r.latency_p99 = histogram_percentile(hist, 99);
  r.latency_max = r.counters.latency_max;

  std::uint64_t links = 0;
  std::uint64_t sum = 0;
  std::uint32_t mx = 0;
  r.link_heat.assign(nodes, 0.0);
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x) {
      std::uint32_t local = 0;
      for (int p = 0; p < 4; ++p) {
        if (!e.has_link(x, y, p)) continue;
        const std::uint32_t v = e.link_count(x, y, p);
        ++links;
        sum += v;
        mx = std::max(mx, v);
        local = std::max(local, v);
      }
      r.link_heat[static_cast<std::size_t>(y) * static_cast<std::size_t>(r.width) +
                  static_cast<std::size_t>(x)] = static_cast<double>(local) / window;
    }
  r.link_util_max = static_cast<double>(mx) / window;
  r.link_util_mean = links ? static_cast<double>(sum) / static_cast<double>(links) / window : 0.0;
  return r;
}

TrafficResult run_traffic(const TrafficRunConfig& cfg) {
  auto e = make_traffic_engine(cfg);
  const int q = cfg.quantum;
  return run_traffic_with(*e, cfg,
                          [q](Engine& en, std::int64_t until, bool stop) { en.run(until, q, stop); });
}

}  // namespace wafersim::cycle
