// The serving engine (infer_replica.hpp): iterations of one replica and the event loop.
#include "infer_replica.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <set>
#include <utility>

namespace wafersim::infer_serve {

// One iteration with whole prompts (InferOptions::prefill_chunk 0): when requests wait and slots
// are free, the waiting ones are prefilled together (their TTFT at that batch); otherwise every
// active request gets a token in a decode round.
void step_whole(Replica& rep, const InferOptions& o, const TimesAt& at) {
  auto& req = *rep.req;
  const auto k = static_cast<int>(std::min<std::size_t>(
      rep.start(),
      static_cast<std::size_t>(o.batch) - rep.active.size() - static_cast<std::size_t>(rep.held)));
  if (rep.role == Replica::Role::decode) {
    // Prefilled elsewhere: the arrived requests take the free slots at no cost, and decode.
    for (int n = 0; n < k; ++n) rep.active.push_back(rep.queue[rep.next++]);
  } else if (k > 0) {
    // infer()'s prefill of k requests of --prompt tokens, less what these prompts' tokens take
    // less (their number and their attention's keys) at one request's stage time per token.
    double prefill_s = at(k).prefill_s;
    long long tokens = 0;
    for (std::size_t n = rep.next; n < rep.next + static_cast<std::size_t>(k); ++n) {
      const Request& r = req[rep.queue[n]];
      prefill_s += r.prompt * Replica::token_time(at(1), r.prompt, o.prompt) - o.prompt * at(1).token_s;
      tokens += r.prompt;
    }
    rep.advance(prefill_s, 0, prefill_s, k, tokens);
    for (std::size_t n = rep.next; n < rep.next + static_cast<std::size_t>(k); ++n)
      rep.event_j += req[rep.queue[n]].prompt * at(k).prompt_token_j;
    for (int n = 0; n < k; ++n) rep.first_token(rep.queue[rep.next++]);
    return;
  }
  const int b = static_cast<int>(rep.active.size());
  rep.advance(rep.round(at(b)), b, 0);
  rep.event_j += at(b).round_j;
  rep.decode();
}

// One iteration with chunked prefill (InferOptions::prefill_chunk): it takes every decoding
// request's next token, then up to the rest of the token budget from the admitted requests'
// prompts, first come first served. An iteration with b decodes and c prompt tokens takes the
// longer of b's decode round and the prompt's first-token trip (`fill_s`), plus c times the
// prefill's per-token time (the slowest stage's: the chunk's tokens follow through the layers).
// Both come from infer() at one request: the trip is its TTFT less the prompt's tokens at the
// stage time.
void step_chunked(Replica& rep, const InferOptions& o, const TimesAt& at, double fill_s) {
  auto& req = *rep.req;
  rep.start();
  const auto cap = static_cast<std::size_t>(o.batch);
  while (rep.next < rep.arrived &&
         rep.active.size() + rep.prefilling.size() + static_cast<std::size_t>(rep.held) < cap) {
    const std::size_t i = rep.queue[rep.next++];
    req[i].prompt_left = req[i].prompt;
    rep.prefilling.push_back(i);
  }
  const int b = static_cast<int>(rep.active.size());
  // The prompts' tokens this iteration, first come first served, each at its own stage time.
  int c = 0, chunks = 0;
  double chunk_s = 0;
  for (const std::size_t i : rep.prefilling) {
    const int take = std::min(o.prefill_chunk - b - c, req[i].prompt_left);
    if (take <= 0) break;
    c += take;
    ++chunks;
    chunk_s += take * Replica::token_time(at(1), req[i].prompt, o.prompt);
  }
  // The decodes' round and the chunk's first token travel the layers together: the longer trip,
  // then the chunk's other tokens at the stage time.
  const double round_s = b > 0 ? rep.round(at(b)) : 0.0;
  const double trip_s = std::max(round_s, c > 0 ? fill_s : 0.0);
  const double dt = trip_s + chunk_s;
  rep.advance(dt, b, dt - round_s, chunks, c);
  rep.event_j += (b > 0 ? at(b).round_j : 0.0) + c * at(1).prompt_token_j;
  rep.decode();
  // The prompts' chunks, in the order they were taken: a prompt through emits its first token.
  std::size_t kept = 0;
  for (const std::size_t i : rep.prefilling) {
    const int take = std::min(c, req[i].prompt_left);
    c -= take;
    if ((req[i].prompt_left -= take) > 0)
      rep.prefilling[kept++] = i;
    else
      rep.first_token(i);
  }
  rep.prefilling.resize(kept);
}

// Routing (infer_replica.hpp).
std::size_t route(const std::vector<Replica>& reps, Routing routing, std::size_t count, double t,
                  const std::vector<std::size_t>& waiting) {
  if (routing != Routing::least_outstanding) return count % reps.size();
  std::size_t to = 0;
  const auto load = [&](std::size_t q) { return reps[q].outstanding_at(t) + waiting[q]; };
  for (std::size_t q = 1; q < reps.size(); ++q)
    if (load(q) < load(to)) to = q;
  return to;
}

// The shared queue's choice (infer_replica.hpp).
std::size_t first_free(const std::vector<Replica>& reps, int batch, double t) {
  std::size_t to = reps.size();
  double start = std::numeric_limits<double>::infinity();
  for (std::size_t q = 0; q < reps.size(); ++q) {
    if (reps[q].free_slots(batch) == 0) continue;
    const double s = std::max(reps[q].now, t);
    if (s < start) {
      start = s;
      to = q;
    }
  }
  return to;
}

// The event loop (infer_replica.hpp).
int serve(std::vector<Replica>& reps, std::vector<Request>& req, const std::vector<std::size_t>& order,
          const std::function<double(const Request&)>& when,
          const std::function<void(std::size_t i, std::size_t to, double sent)>& deliver,
          const InferOptions& o, const TimesAt& at) {
  // One iteration of a replica (with its own step times when replicas differ): chunked prefill
  // where prompts run (a decode replica's requests come prefilled: it only admits and decodes).
  const auto step = [&](Replica& rep) {
    const TimesAt& t = rep.times ? *rep.times : at;
    if (o.prefill_chunk > 0 && rep.role != Replica::Role::decode)
      step_chunked(rep, o, t, std::max(0.0, t(1).prefill_s - o.prompt * t(1).token_s));
    else
      step_whole(rep, o, t);
  };
  // The replicas by when their next iteration starts (ties: the lower index).
  std::set<std::pair<double, std::size_t>> ready;
  for (std::size_t r = 0; r < reps.size(); ++r) ready.emplace(reps[r].ready(), r);
  const auto update = [&](std::size_t r, double before) {
    ready.erase({before, r});
    ready.emplace(reps[r].ready(), r);
  };
  const std::vector<std::size_t> none(reps.size(), 0);
  std::size_t next = 0;  // of `order`, the next to dispatch
  int shared_max = 0;
  bool held = false;    // the shared queue's head waited for a slot
  double released = 0;  // when the latest request that waited left the shared queue
  while (true) {
    const auto [t, r] = *ready.begin();
    if (next < order.size() && when(req[order[next]]) <= t) {
      const std::size_t i = order[next];
      const double now = when(req[i]);
      double sent = now;
      std::size_t to = 0;
      if (o.routing != Routing::shared_queue) {
        to = route(reps, o.routing, next, now, none);
      } else {
        to = first_free(reps, o.batch, now);
        if (to == reps.size()) {
          // Every slot held: the requests that have come by t wait in the shared queue while the
          // replica that starts first runs its iteration (its finished requests free slots).
          const double by = t;  // (a structured binding: lambdas capture a copy)
          const auto come =
              std::partition_point(order.begin() + static_cast<std::ptrdiff_t>(next), order.end(),
                                   [&](std::size_t k) { return when(req[k]) <= by; });
          shared_max = std::max(shared_max, static_cast<int>(come - order.begin()) - static_cast<int>(next));
          held = true;
          step(reps[r]);
          update(r, t);
          continue;
        }
        // Out of the queue: when its slot freed if it waited, never before the one ahead of it.
        if (held) released = std::max(released, reps[to].now);
        sent = std::max(now, released);
        held = false;
      }
      const double before = reps[to].ready();
      deliver(i, to, sent);
      req[i].served_by = to;
      reps[to].queue.push_back(i);
      ++next;
      update(to, before);
      continue;
    }
    if (!std::isfinite(t)) break;  // every request dispatched and served
    step(reps[r]);
    update(r, t);
  }
  return shared_max;
}

}  // namespace wafersim::infer_serve
