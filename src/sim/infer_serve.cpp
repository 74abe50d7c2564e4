// Request-level serving on top of infer()'s step times (infer_serve.hpp).
#include "infer_serve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "wafersim/core/random.hpp"

namespace wafersim::infer_serve {

namespace {

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

struct Request {
  double arrival = 0, first = 0, done = 0;
  int left = 0;  // output tokens still to decode
};

}  // namespace

ServingStats simulate(const SystemSpec& spec, const ModelSpec& model, const InferOptions& o,
                      std::vector<std::string>& notes) {
  ServingStats sv;
  sv.simulated = true;
  sv.arrival_rate = o.arrival_rate;
  sv.requests = o.requests > 0 ? o.requests : 200;
  sv.seed = o.seed;
  // A round's and a prefill's time at each batch, from infer() itself (lazily: only the batches
  // the run reaches).
  std::vector<double> round_s(static_cast<std::size_t>(o.batch) + 1, -1.0), prefill_s = round_s;
  // --batch requests at once fit (infer() placed them before calling this), so every smaller
  // batch does too.
  const int cap = o.batch;
  const auto at = [&](int b) {
    if (round_s[static_cast<std::size_t>(b)] < 0) {
      InferOptions one = o;
      one.batch = b;
      one.micro_batches = 0;
      one.arrival_rate = 0;
      one.requests = 0;
      one.trace_rounds = 0;
      one.fidelity = Fidelity::approx;
      const InferStats st = infer(spec, model, one);
      round_s[static_cast<std::size_t>(b)] = st.tpot_s;
      prefill_s[static_cast<std::size_t>(b)] = st.ttft_s;
    }
  };
  sv.max_batch = cap;

  SplitMix64 rng{o.seed};
  std::vector<Request> req(static_cast<std::size_t>(sv.requests));
  double t = 0;
  for (auto& r : req) {
    t += -std::log(rng.uniform()) / o.arrival_rate;
    r.arrival = t;
    r.left = o.generate - 1;
  }
  std::vector<std::size_t> active;
  active.reserve(static_cast<std::size_t>(cap));
  std::size_t next = 0, arrived = 0, done = 0;  // requests admitted, arrived by `now`, finished
  double now = 0, busy = 0, batch_sum = 0;
  long long rounds = 0;
  while (done < req.size()) {
    // Waiting requests fill the free slots and are prefilled together. (`now` only grows, so the
    // arrivals are counted once each.)
    while (arrived < req.size() && req[arrived].arrival <= now) ++arrived;
    const std::size_t waiting = arrived - next;
    sv.max_queue = std::max(sv.max_queue, static_cast<int>(waiting));
    const auto k =
        static_cast<int>(std::min<std::size_t>(waiting, static_cast<std::size_t>(cap) - active.size()));
    if (k > 0) {
      at(k);
      now += prefill_s[static_cast<std::size_t>(k)];
      busy += prefill_s[static_cast<std::size_t>(k)];
      for (int i = 0; i < k; ++i, ++next) {
        req[next].first = now;
        if (req[next].left == 0) {
          req[next].done = now;
          ++done;
        } else {
          active.push_back(next);
        }
      }
      continue;
    }
    if (active.empty()) {  // idle until the next arrival
      now = std::max(now, req[next].arrival);
      continue;
    }
    const int b = static_cast<int>(active.size());
    at(b);
    now += round_s[static_cast<std::size_t>(b)];
    busy += round_s[static_cast<std::size_t>(b)];
    batch_sum += b;
    ++rounds;
    const auto finished = [&](std::size_t i) {
      if (--req[i].left > 0) return false;
      req[i].done = now;
      ++done;
      return true;
    };
    active.erase(std::remove_if(active.begin(), active.end(), finished), active.end());
  }
  std::vector<double> ttft, tpot, latency;
  double ttft_sum = 0, last = 0;
  for (const auto& r : req) {
    ttft.push_back(r.first - r.arrival);
    ttft_sum += r.first - r.arrival;
    latency.push_back(r.done - r.arrival);
    if (o.generate > 1) tpot.push_back((r.done - r.first) / (o.generate - 1));
    last = std::max(last, r.done);
  }
  for (auto* v : {&ttft, &tpot, &latency}) std::sort(v->begin(), v->end());
  sv.duration_s = last - req.front().arrival;
  sv.tokens_per_s = sv.duration_s > 0 ? static_cast<double>(sv.requests) * o.generate / sv.duration_s : 0;
  sv.requests_per_s = sv.duration_s > 0 ? sv.requests / sv.duration_s : 0;
  sv.mean_batch = rounds > 0 ? batch_sum / static_cast<double>(rounds) : 0;
  sv.busy_fraction = sv.duration_s > 0 ? std::min(1.0, busy / sv.duration_s) : 0;
  sv.ttft_mean_s = ttft_sum / static_cast<double>(sv.requests);
  sv.ttft_p50_s = percentile(ttft, 50);
  sv.ttft_p90_s = percentile(ttft, 90);
  sv.ttft_p99_s = percentile(ttft, 99);
  sv.tpot_p50_s = percentile(tpot, 50);
  sv.tpot_p99_s = percentile(tpot, 99);
  sv.latency_p50_s = percentile(latency, 50);
  sv.latency_p99_s = percentile(latency, 99);
  if (sv.requests_per_s < 0.9 * o.arrival_rate)
    notes.push_back(
        fmt::format("serving: {:.3g} requests/s offered, {:.3g} completed: the server is saturated (the "
                    "queue grew to {}); more --batch, more systems, or a lower rate",
                    o.arrival_rate, sv.requests_per_s, sv.max_queue));
  return sv;
}

}  // namespace wafersim::infer_serve
