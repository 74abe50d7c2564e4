// Disaggregated serving's event loop (infer_replica.hpp, serve_split()): the prefill and the
// decode pool in one time order, coupled both ways by the KV caches.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "infer_replica.hpp"

namespace wafersim::infer_serve {

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// One pool's replicas by when their next iteration starts (ties: the lower index).
struct ReadySet {
  std::vector<Replica>* reps = nullptr;
  std::set<std::pair<double, std::size_t>> order;
  void fill(std::vector<Replica>& r) {
    reps = &r;
    for (std::size_t i = 0; i < r.size(); ++i) order.emplace(r[i].ready(), i);
  }
  // Re-ranks replica i after anything that may move its next iteration.
  void update(std::size_t i, double before) {
    order.erase({before, i});
    order.emplace((*reps)[i].ready(), i);
  }
  double first() const { return order.empty() ? kNever : order.begin()->first; }
};

// When decode replica q has a slot for a cache that is ready at t: t if one is free then, the end
// of its current iteration if that frees one, never otherwise.
double slot_at(const Replica& q, int batch, double t) {
  if (q.outstanding_at(t) < static_cast<std::size_t>(batch)) return t;
  return q.free_slots(batch) > 0 ? std::max(q.now, t) : kNever;
}

}  // namespace

// The event loop (infer_replica.hpp).
SplitStats serve_split(std::vector<Replica>& pre, std::vector<Replica>& dec, std::vector<Request>& req,
                       const InferOptions& o, const InferOptions& po, const TimesAt& pre_at,
                       const TimesAt& at, const std::vector<double>& link_bytes_per_s, double link_latency) {
  SplitStats st;
  std::vector<std::size_t> handed;  // first tokens of the latest prefill iteration
  for (auto& p : pre) {
    p.slots = po.batch;
    p.handoffs = &handed;
  }
  ReadySet pre_ready, dec_ready;
  pre_ready.fill(pre);
  dec_ready.fill(dec);
  const double pre_fill =
      po.prefill_chunk > 0 ? std::max(0.0, pre_at(1).prefill_s - po.prompt * pre_at(1).token_s) : 0.0;
  // Events beside the iterations, by time, then kind (the order they are handled at one time),
  // then request or replica: a KV cache has left its prefill replica (its slot frees) and reached
  // its decode replica; a request's first token (it goes to the decode pool); a decode replica's
  // iteration has ended and freed slots.
  enum Kind { kLeft = 0, kFirst = 1, kFreed = 2 };
  std::set<std::tuple<double, int, std::size_t>> events;
  // Waiting for a decode slot with their caches on the prefill side: per decode replica (round
  // robin, least outstanding), or one queue (shared).
  std::vector<std::deque<std::size_t>> pending(dec.size());
  std::vector<std::size_t> pending_n(dec.size(), 0);
  std::deque<std::size_t> dec_shared, pre_shared;  // shared queues: not yet sent to a replica
  std::vector<double> out_free(pre.size(), 0.0), in_free(dec.size(), 0.0);
  std::size_t next_arrival = 0, pre_sent = 0, dec_sent = 0;
  double pre_released = 0;  // the latest request out of the prefill pool's shared queue
  double moved = 0;
  std::size_t transfers = 0;

  const std::vector<std::size_t> none(std::max(pre.size(), dec.size()), 0);
  // A cache crosses into decode replica q from time t: one transfer at a time out of its prefill
  // replica and into q; it holds a slot of q from now on.
  const auto transfer = [&](std::size_t i, std::size_t q, double t) {
    Request& r = req[i];
    const std::size_t p = r.served_by;
    const double start = std::max({t, r.first, out_free[p], in_free[q]});
    const double bytes = r.prompt * at(1).kv_bytes_per_token;
    r.here = out_free[p] = in_free[q] = start + bytes / link_bytes_per_s[q] + link_latency;
    if (pre[p].trace && pre[p].trace->take()) st.transfers.push_back({start, r.here, i, p, q});
    st.bytes += bytes;
    st.max_s = std::max(st.max_s, r.here - r.first);
    moved += r.here - r.first;
    ++transfers;
    r.served_by = q;
    const double before = dec[q].ready();
    dec[q].queue.push_back(i);
    dec_ready.update(q, before);
    events.emplace(r.here, kLeft, i);
  };
  // The decode pool's shared queue, first come first served, each to the replica with the earliest
  // slot for it from t on.
  const auto drain_decode_queue = [&](double t) {
    while (!dec_shared.empty()) {
      std::size_t to = dec.size();
      double at_s = kNever;
      for (std::size_t q = 0; q < dec.size(); ++q)
        if (const double s = slot_at(dec[q], o.batch, t); s < at_s) {
          at_s = s;
          to = q;
        }
      if (to == dec.size()) return;
      const std::size_t i = dec_shared.front();
      dec_shared.pop_front();
      transfer(i, to, at_s);
    }
  };
  // Decode replica q's slots free at t (not before): its waiting caches cross, first come first served.
  const auto admit_pending = [&](std::size_t q, double t) {
    while (!pending[q].empty() && dec[q].free_slots(o.batch) > 0) {
      const std::size_t i = pending[q].front();
      pending[q].pop_front();
      --pending_n[q];
      transfer(i, q, t);
    }
    drain_decode_queue(t);
  };
  // A request reaches a prefill replica (sent at t) or the prefill pool's shared queue.
  const auto send_prefill = [&](std::size_t i, double t, bool waited) {
    std::size_t to = 0;
    if (po.routing == Routing::shared_queue) {
      to = first_free(pre, po.batch, t);
      if (to == pre.size()) {
        pre_shared.push_back(i);
        st.max_queue = std::max(st.max_queue, static_cast<int>(pre_shared.size()));
        return;
      }
      if (waited) pre_released = std::max({pre_released, pre[to].now, t});
      t = std::max(req[i].arrival, waited ? pre_released : t);
    } else {
      to = route(pre, po.routing, pre_sent, t, none);
    }
    ++pre_sent;
    req[i].here = t;
    req[i].served_by = req[i].prefill_by = to;
    const double before = pre[to].ready();
    pre[to].queue.push_back(i);
    pre_ready.update(to, before);
  };
  const auto drain_prefill_queue = [&](double t) {
    while (!pre_shared.empty()) {
      const std::size_t i = pre_shared.front();
      if (first_free(pre, po.batch, t) == pre.size()) break;
      pre_shared.pop_front();
      send_prefill(i, t, true);
    }
  };
  // A request's first token at t: it goes to the decode pool (or waits for a decode slot there).
  const auto send_decode = [&](std::size_t i, double t) {
    if (o.routing == Routing::shared_queue) {
      dec_shared.push_back(i);
      drain_decode_queue(t);
      st.max_queue = std::max(st.max_queue, static_cast<int>(dec_shared.size()));
      return;
    }
    const std::size_t q = route(dec, o.routing, dec_sent++, t, pending_n);
    if (pending[q].empty() && dec[q].outstanding_at(t) < static_cast<std::size_t>(o.batch)) {
      transfer(i, q, t);
    } else {
      pending[q].push_back(i);
      ++pending_n[q];
      st.max_queue = std::max(st.max_queue, static_cast<int>(pending[q].size()));
    }
  };

  while (true) {
    const double t_arrival = next_arrival < req.size() ? req[next_arrival].arrival : kNever;
    const double t_event = events.empty() ? kNever : std::get<0>(*events.begin());
    const double t_pre = pre_ready.first(), t_dec = dec_ready.first();
    const double t = std::min({t_arrival, t_event, t_pre, t_dec});
    if (!std::isfinite(t)) break;
    if (t_arrival == t) {
      send_prefill(next_arrival++, t, false);
      continue;
    }
    if (t_event == t) {
      const auto [when, kind, x] = *events.begin();
      events.erase(events.begin());
      if (kind == kLeft) {  // the cache is out: its prefill slot frees
        Replica& p = pre[req[x].prefill_by];
        const double before = p.ready();
        --p.held;
        p.now = std::max(p.now, when);  // a replica held back idles until then
        pre_ready.update(req[x].prefill_by, before);
        drain_prefill_queue(when);
      } else if (kind == kFirst) {
        send_decode(x, when);
      } else {
        admit_pending(x, when);
      }
      continue;
    }
    if (t_pre == t) {
      const std::size_t r = pre_ready.order.begin()->second;
      handed.clear();
      if (po.prefill_chunk > 0)
        step_chunked(pre[r], po, pre_at, pre_fill);
      else
        step_whole(pre[r], po, pre_at);
      pre_ready.update(r, t);
      for (const std::size_t i : handed) events.emplace(req[i].first, kFirst, i);
      drain_prefill_queue(t);  // requests that finished at their first token free slots
      continue;
    }
    const std::size_t q = dec_ready.order.begin()->second;
    const std::size_t finished = dec[q].finished;
    step_whole(dec[q], o, dec[q].times ? *dec[q].times : at);
    dec_ready.update(q, t);
    if (dec[q].finished > finished) events.emplace(dec[q].now, kFreed, q);
  }
  st.mean_s = transfers > 0 ? moved / static_cast<double>(transfers) : 0;
  return st;
}

}  // namespace wafersim::infer_serve
