#pragma once
// The serving engine of infer_serve.cpp: requests, the replicas that serve them iteration by
// iteration (whole prompts or chunked prefill), and the event loop that dispatches requests to
// replicas (InferOptions::routing) and runs whichever replica's next iteration starts first.
// Internal to the sim part.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "infer_serve.hpp"
#include "wafersim/sim/infer.hpp"

namespace wafersim::infer_serve {

struct Request {
  double arrival = 0, first = 0, done = 0;
  double here = 0;               // when it reaches its replica (its arrival; a KV cache's transfer's end)
  double last = 0;               // its latest token
  std::size_t served_by = 0;     // the replica it was dispatched to (the latest)
  std::size_t prefill_by = 0;    // disaggregated: the prefill replica it was dispatched to
  int prompt = 0, generate = 0;  // its lengths
  int left = 0;                  // output tokens still to decode
  int prompt_left = 0;           // prompt tokens still to prefill (chunked prefill)
};

// infer()'s figures at one batch: a decode round, the whole prompts' prefill (TTFT), and what
// each further prompt token adds.
struct Times {
  double round_s = 0, prefill_s = 0, token_s = 0;
  double token_attention_s = 0;    // of token_s, attention over the --prompt tokens
  double keys_s = 0, context = 0;  // of round_s, attending to the cache at `context` tokens
  double kv_bytes_per_token = 0;   // every layer, one request
  bool streamed = false;           // the weights stream from MemoryX (they do not fit the systems)
  // Energy (the system file's energy: section; 0 without one): the deployment's idle power, and
  // what a decode round of this batch and a prompt token of its prefill add to it (their events).
  double idle_w = 0, round_j = 0, prompt_token_j = 0;
};

// Times between a request's consecutive tokens, with how many tokens saw each: appended as they
// come (the requests decoding in a round share their gap unless a prefill came between), sorted
// and merged when the list grows past `compact_at` and before reading. Not a map: a run has
// millions of rounds, and a tree insert per round cost three quarters of a long run's time.
struct GapCounts {
  std::vector<std::pair<double, long long>> v;
  std::size_t compact_at = std::size_t{1} << 20;
  void add(double gap) {
    if (v.empty() || v.back().first != gap) {
      if (v.size() >= compact_at) compact();
      v.emplace_back(gap, 0);
    }
    ++v.back().second;
  }
  // Sorted by gap, one entry per distinct gap.
  void compact() {
    std::sort(v.begin(), v.end());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (kept > 0 && v[kept - 1].first == v[i].first)
        v[kept - 1].second += v[i].second;
      else
        v[kept++] = v[i];
    }
    v.resize(kept);
    compact_at = std::max(compact_at, 2 * kept);
  }
};

// A replica's iteration, kept for the serving timeline (infer --trace): when, the requests it
// decoded, the prompts it prefilled (whole, or with a chunk in it) and their tokens.
struct Iteration {
  double t0 = 0, t1 = 0;
  int decodes = 0, prompts = 0;
  long long prompt_tokens = 0;
};
// How many more iterations and transfers the timeline keeps (shared by every replica), and
// whether some were left out.
struct TraceBudget {
  std::size_t left = 0;
  bool truncated = false;
  bool take() {
    if (left == 0) {
      truncated = true;
      return false;
    }
    --left;
    return true;
  }
};

// One replica: a copy of the deployment serving the requests dispatched to it, with its own
// clock, slots and queue, and what it did. The requests and the gaps between tokens are shared.
struct Replica {
  // What it does: prefill and decode (one deployment serves a request end to end); or, with
  // disaggregated serving, only prefill (a request leaves with its first token and its KV cache)
  // or only decode (a request arrives prefilled, its KV cache transferred).
  enum class Role { both, prefill, decode } role = Role::both;
  std::vector<Request>* req = nullptr;
  GapCounts* gaps = nullptr;       // times between a request's consecutive tokens (shared)
  const TimesAt* times = nullptr;  // its own step times (replicas of different sizes); null: the pool's
  std::vector<std::size_t> queue;  // the requests dispatched here, in order of `here`
  std::size_t next = 0;            // of the queue, admitted
  std::size_t arrived = 0;         // of the queue, here by `now`
  std::vector<std::size_t> active, prefilling;  // decoding; admitted, prompt not yet through
  double now = 0, busy = 0, batch_sum = 0;
  double event_j = 0;      // energy of its iterations' events (above its idle power)
  double prompt_busy = 0;  // of busy: prompts' prefill (whole, or the chunks' share of an iteration)
  long long rounds = 0;
  std::size_t finished = 0;       // requests finished
  std::size_t finished_last = 0;  // of them, at the end of its latest iteration (`now`)
  int max_queue = 0;
  // A prefill replica of disaggregated serving (serve_split()): each request it gives a first
  // token keeps its slot (of `slots`) with its KV cache until the cache has left for a decode
  // replica: `held` of them now; their indices go to `handoffs` (null: not disaggregated).
  int held = 0;
  int slots = 0;
  std::vector<std::size_t>* handoffs = nullptr;
  // The serving timeline (null: not traced): its iterations while the budget lasts.
  TraceBudget* trace = nullptr;
  std::vector<Iteration> iterations;

  // When its next iteration starts: now while requests are in flight; the first waiting one's
  // arrival when idle; never with nothing to do.
  // A prefill replica whose slots all hold KV caches waits for one to leave (never, until then).
  double ready() const {
    if (!active.empty() || !prefilling.empty()) return now;
    if (next < queue.size() && (held == 0 || held < slots)) return std::max(now, (*req)[queue[next]].here);
    return std::numeric_limits<double>::infinity();
  }
  // Requests dispatched here and not finished at time t (t no earlier than its latest iteration's
  // start, so only that iteration's completions can lie beyond it).
  std::size_t outstanding_at(double t) const {
    return queue.size() - finished + (now > t ? finished_last : 0);
  }
  // Slots of `batch` no request holds or waits here for: decoding, prompt in progress, or
  // dispatched and not yet admitted.
  std::size_t free_slots(int batch) const {
    const std::size_t taken =
        active.size() + prefilling.size() + (queue.size() - next) + static_cast<std::size_t>(held);
    const auto cap = static_cast<std::size_t>(batch);
    return taken < cap ? cap - taken : 0;
  }

  // The stage time per token of a `prompt`-token prompt: infer()'s at --prompt (`longest`), its
  // attention scaled to the keys this prompt's tokens attend to.
  static double token_time(const Times& one, int prompt, int longest) {
    return one.token_s - one.token_attention_s * (1 - static_cast<double>(prompt) / longest);
  }

  // A decode round of the `active` requests: infer()'s at their batch, its attention scaled from
  // infer()'s context (the longest lengths') to theirs (each prompt and the tokens it has so far).
  double round(const Times& t) const {
    if (t.context <= 0 || t.keys_s <= 0) return t.round_s;
    double context = 0;
    for (const std::size_t i : active) context += (*req)[i].prompt + ((*req)[i].generate - (*req)[i].left);
    context /= static_cast<double>(active.size());
    return t.round_s + t.keys_s * (context / t.context - 1);
  }

  // An iteration starts: an idle replica's clock moves to its first waiting arrival. Returns the
  // requests here waiting for a slot.
  std::size_t start() {
    now = ready();
    finished_last = 0;
    while (arrived < queue.size() && (*req)[queue[arrived]].here <= now) ++arrived;
    max_queue = std::max(max_queue, static_cast<int>(arrived - next));
    return arrived - next;
  }
  // An iteration of `dt` seconds, `decodes` of the requests decoding in it and `prompt_dt` of it
  // the prompts' share.
  // (`prompts` prompts with `prompt_tokens` tokens prefilled in it: for the timeline.)
  void advance(double dt, int decodes, double prompt_dt, int prompts = 0, long long prompt_tokens = 0) {
    if (trace && trace->take()) iterations.push_back({now, now + dt, decodes, prompts, prompt_tokens});
    now += dt;
    busy += dt;
    prompt_busy += prompt_dt;
    if (decodes > 0) {
      batch_sum += decodes;
      ++rounds;
    }
  }
  void finish(Request& r) {
    r.done = now;
    ++finished;
    ++finished_last;
  }
  // A request's first output token, now (the last when it wants only one); a prefill replica's
  // requests then leave (to a decode replica when they want more).
  void first_token(std::size_t i) {
    Request& r = (*req)[i];
    r.first = r.last = now;
    if (r.left == 0) {
      finish(r);
    } else if (role == Role::prefill) {
      ++finished;
      ++finished_last;
      if (handoffs) {
        handoffs->push_back(i);
        ++held;
      }
    } else {
      active.push_back(i);
    }
  }
  // Every active request's next token, now; the finished ones leave.
  void decode() {
    const auto finished_now = [&](std::size_t i) {
      Request& r = (*req)[i];
      const double gap = now - r.last;
      r.last = now;
      gaps->add(gap);
      if (--r.left > 0) return false;
      finish(r);
      return true;
    };
    active.erase(std::remove_if(active.begin(), active.end(), finished_now), active.end());
  }
};

// Routing (InferOptions::routing) of a request sent at time t, not after any replica's latest
// iteration start: round robin by `count` (the requests the pool was sent so far), or the replica
// with the fewest outstanding at t, counting `waiting[q]` more on replica q (ties: the lowest
// index). Not for the shared queue: first_free() is its choice.
std::size_t route(const std::vector<Replica>& reps, Routing routing, std::size_t count, double t,
                  const std::vector<std::size_t>& waiting);
// Shared queue: the replica with a free slot of `batch` that would start a request at t first
// (its current iteration's end, or t when idle; ties: the lowest index), or reps.size() for none.
std::size_t first_free(const std::vector<Replica>& reps, int batch, double t);

// One iteration with whole prompts, and one with chunked prefill (InferOptions::prefill_chunk;
// `fill_s`: a prompt's first-token trip through the layers), of one replica.
void step_whole(Replica& rep, const InferOptions& o, const TimesAt& at);
void step_chunked(Replica& rep, const InferOptions& o, const TimesAt& at, double fill_s);

// The replicas serve the requests of `order`: each is dispatched at its time `when` (InferOptions::
// routing: round robin by its place in the order, or least outstanding then; with a shared queue,
// when a replica has a free slot, to the one that starts it first), `deliver` says when it reaches
// its replica (Request::here) given when it was sent (its time, or, out of a shared queue that
// held it, when a slot freed: the end of that replica's latest iteration, and never before the
// request ahead of it), and the replica whose next iteration starts first runs it. An
// iteration starting at t sees every request dispatched by t that is there by t (arrivals at t
// included, as one server admits them). Returns the most requests the shared queue held (0 for
// the other routings: each replica counts its own).
int serve(std::vector<Replica>& reps, std::vector<Request>& req, const std::vector<std::size_t>& order,
          const std::function<double(const Request&)>& when,
          const std::function<void(std::size_t i, std::size_t to, double sent)>& deliver,
          const InferOptions& o, const TimesAt& at);

// Disaggregated serving (InferOptions::prefill_replicas): the prefill pool `pre` (its options
// `po`: --prefill-batch, its routing) and the decode pool `dec` in one time order. Arrivals go to
// the prefill pool by routing; a request's first token sends it to the decode pool (by routing,
// at that time), where it waits with its KV cache still on the prefill replica until its decode
// replica has a free slot (shared queue: until any has, the first to have it); then the cache
// crosses at `link_bytes_per_s[q]` into decode replica q plus `link_latency`, one at a time out of a prefill
// replica and into a decode replica, and its prefill slot frees when it has left. So a full decode pool holds
// the prefill pool back: a prefill replica whose every slot holds a cache admits no prompt.
struct Transfer {  // a KV cache's crossing, kept for the serving timeline
  double t0 = 0, t1 = 0;
  std::size_t request = 0, from = 0, to = 0;  // from a prefill replica to a decode replica
};
struct SplitStats {
  std::vector<Transfer> transfers;  // while the prefill replicas' TraceBudget lasts (traced runs)
  int max_queue = 0;  // the most requests waiting for a slot in a shared queue or for a decode slot
  double bytes = 0;   // every KV cache moved
  double mean_s = 0, max_s = 0;  // first token to arrival at the decode replica
};
SplitStats serve_split(std::vector<Replica>& pre, std::vector<Replica>& dec, std::vector<Request>& req,
                       const InferOptions& o, const InferOptions& po, const TimesAt& pre_at,
                       const TimesAt& at, const std::vector<double>& link_bytes_per_s, double link_latency);

}  // namespace wafersim::infer_serve
