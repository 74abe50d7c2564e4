// Request-level serving on top of infer()'s step times (infer_serve.hpp).
#include "infer_serve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
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
  double last = 0;               // its latest token
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
};
using TimesAt = std::function<const Times&(int batch)>;

// The state of one simulation: the requests and what the server did.
struct Run {
  std::vector<Request> req;
  double busy = 0, batch_sum = 0;
  double prompt_busy = 0;  // of busy: prompts' prefill (whole, or the chunks' share of an iteration)
  long long rounds = 0;
  // Times between a request's consecutive output tokens, with how many tokens saw each (at most
  // one value a round: the requests decoding in it share their gap unless a prefill came between).
  std::map<double, long long> gaps;
  std::map<double, long long>::iterator last_gap = gaps.end();

  double now = 0;
  std::size_t done = 0;  // requests finished

  // The stage time per token of a `prompt`-token prompt: infer()'s at --prompt (`longest`), its
  // attention scaled to the keys this prompt's tokens attend to.
  static double token_time(const Times& one, int prompt, int longest) {
    return one.token_s - one.token_attention_s * (1 - static_cast<double>(prompt) / longest);
  }

  // A decode round of the `active` requests: infer()'s at their batch, its attention scaled from
  // infer()'s context (the longest lengths') to theirs (each prompt and the tokens it has so far).
  double round(const Times& t, const std::vector<std::size_t>& active) const {
    if (t.context <= 0 || t.keys_s <= 0) return t.round_s;
    double context = 0;
    for (const std::size_t i : active) context += req[i].prompt + (req[i].generate - req[i].left);
    context /= static_cast<double>(active.size());
    return t.round_s + t.keys_s * (context / t.context - 1);
  }

  // An iteration of `dt` seconds, `decodes` of the requests decoding in it and `prompt_dt` of it
  // the prompts' share.
  void advance(double dt, int decodes, double prompt_dt) {
    now += dt;
    busy += dt;
    prompt_busy += prompt_dt;
    if (decodes > 0) {
      batch_sum += decodes;
      ++rounds;
    }
  }
  // A request's first output token, now (the last when it wants only one).
  void first_token(std::size_t i, std::vector<std::size_t>& active) {
    Request& r = req[i];
    r.first = r.last = now;
    if (r.left > 0) {
      active.push_back(i);
      return;
    }
    r.done = now;
    ++done;
  }
  // Every active request's next token, now; the finished ones leave.
  void decode(std::vector<std::size_t>& active) {
    const auto finished = [&](std::size_t i) {
      Request& r = req[i];
      const double gap = now - r.last;
      r.last = now;
      if (last_gap == gaps.end() || last_gap->first != gap) last_gap = gaps.try_emplace(gap, 0).first;
      ++last_gap->second;
      if (--r.left > 0) return false;
      r.done = now;
      ++done;
      return true;
    };
    active.erase(std::remove_if(active.begin(), active.end(), finished), active.end());
  }
};

// Nearest-rank percentile of counted values.
double percentile(const std::map<double, long long>& counted, double p) {
  long long total = 0;
  for (const auto& [v, n] : counted) total += n;
  if (total == 0) return 0;
  const auto rank =
      std::max<long long>(1, static_cast<long long>(std::ceil(p / 100.0 * static_cast<double>(total))));
  long long seen = 0;
  for (const auto& [v, n] : counted)
    if ((seen += n) >= rank) return v;
  return counted.rbegin()->first;
}

// Whole prompts (InferOptions::prefill_chunk 0): when requests wait and slots are free, the
// waiting ones are prefilled together (their TTFT at that batch), then every active request gets
// a token per decode round.
void serve_whole(Run& run, const InferOptions& o, const TimesAt& at, int& max_queue) {
  auto& req = run.req;
  const int cap = o.batch;
  std::vector<std::size_t> active;
  active.reserve(static_cast<std::size_t>(cap));
  std::size_t next = 0, arrived = 0;  // requests admitted, arrived by `now`
  while (run.done < req.size()) {
    // Waiting requests fill the free slots and are prefilled together. (`now` only grows, so the
    // arrivals are counted once each.)
    while (arrived < req.size() && req[arrived].arrival <= run.now) ++arrived;
    const std::size_t waiting = arrived - next;
    max_queue = std::max(max_queue, static_cast<int>(waiting));
    const auto k =
        static_cast<int>(std::min<std::size_t>(waiting, static_cast<std::size_t>(cap) - active.size()));
    if (k > 0) {
      // infer()'s prefill of k requests of --prompt tokens, less what these prompts' tokens take
      // less (their number and their attention's keys) at one request's stage time per token.
      double prefill_s = at(k).prefill_s;
      for (std::size_t i = next; i < next + static_cast<std::size_t>(k); ++i)
        prefill_s +=
            req[i].prompt * Run::token_time(at(1), req[i].prompt, o.prompt) - o.prompt * at(1).token_s;
      run.advance(prefill_s, 0, prefill_s);
      for (int i = 0; i < k; ++i) run.first_token(next++, active);
      continue;
    }
    if (active.empty()) {  // idle until the next arrival
      run.now = std::max(run.now, req[next].arrival);
      continue;
    }
    const int b = static_cast<int>(active.size());
    run.advance(run.round(at(b), active), b, 0);
    run.decode(active);
  }
}

// Chunked prefill (InferOptions::prefill_chunk): each iteration takes every decoding request's
// next token, then up to the rest of the token budget from the admitted requests' prompts, first
// come first served. An iteration with b decodes and c prompt tokens takes the longer of b's
// decode round and the prompt's first-token trip, plus c times the prefill's per-token time (the
// slowest stage's: the chunk's tokens follow through the layers). Both come from infer() at one
// request: the trip is its TTFT less the prompt's tokens at the stage time.
void serve_chunked(Run& run, const InferOptions& o, const TimesAt& at, int& max_queue) {
  // A whole prompt alone takes the first token's trip plus a stage time per further token.
  const double token_s = at(1).token_s;
  const double fill_s = std::max(0.0, at(1).prefill_s - o.prompt * token_s);
  auto& req = run.req;
  const auto cap = static_cast<std::size_t>(o.batch);
  std::vector<std::size_t> active, prefilling;  // decoding; admitted, prompt not yet through
  active.reserve(cap);
  prefilling.reserve(cap);
  std::size_t next = 0, arrived = 0;
  while (run.done < req.size()) {
    while (arrived < req.size() && req[arrived].arrival <= run.now) ++arrived;
    max_queue = std::max(max_queue, static_cast<int>(arrived - next));
    while (next < arrived && active.size() + prefilling.size() < cap) {
      req[next].prompt_left = req[next].prompt;
      prefilling.push_back(next++);
    }
    const int b = static_cast<int>(active.size());
    // The prompts' tokens this iteration, first come first served, each at its own stage time.
    int c = 0;
    double chunk_s = 0;
    for (const std::size_t i : prefilling) {
      const int take = std::min(o.prefill_chunk - b - c, req[i].prompt_left);
      if (take <= 0) break;
      c += take;
      chunk_s += take * Run::token_time(at(1), req[i].prompt, o.prompt);
    }
    if (b == 0 && c == 0) {  // idle until the next arrival
      run.now = std::max(run.now, req[next].arrival);
      continue;
    }
    // The decodes' round and the chunk's first token travel the layers together: the longer trip,
    // then the chunk's other tokens at the stage time.
    const double round_s = b > 0 ? run.round(at(b), active) : 0.0;
    const double trip_s = std::max(round_s, c > 0 ? fill_s : 0.0);
    const double dt = trip_s + chunk_s;
    run.advance(dt, b, dt - round_s);
    run.decode(active);
    // The prompts' chunks, in the order they were taken: a prompt through emits its first token.
    std::size_t kept = 0;
    for (const std::size_t i : prefilling) {
      const int take = std::min(c, req[i].prompt_left);
      c -= take;
      if ((req[i].prompt_left -= take) > 0)
        prefilling[kept++] = i;
      else
        run.first_token(i, active);
    }
    prefilling.resize(kept);
  }
}

}  // namespace

ServingStats simulate(const SystemSpec& spec, const ModelSpec& model, const InferOptions& o,
                      std::vector<std::string>& notes) {
  ServingStats sv;
  sv.simulated = true;
  sv.arrival_rate = o.arrival_rate;
  sv.requests = o.requests > 0 ? o.requests : o.trace ? static_cast<int>(o.trace->requests.size()) : 200;
  sv.seed = o.seed;
  sv.prefill_chunk = o.prefill_chunk;
  // A round's and a prefill's time at each batch, from infer() itself (lazily: only the batches
  // the run reaches). --batch requests at once fit (infer() placed them before calling this), so
  // every smaller batch does too.
  const int cap = o.batch;
  std::vector<Times> at_batch(static_cast<std::size_t>(cap) + 1);
  std::vector<bool> known(at_batch.size(), false);
  const TimesAt at = [&](int b) -> const Times& {
    const auto i = static_cast<std::size_t>(b);
    if (!known[i]) {
      InferOptions one = o;
      one.batch = b;
      one.micro_batches = 0;
      one.arrival_rate = 0;
      one.requests = 0;
      one.prefill_chunk = 0;
      one.prompt_min = one.generate_min = 0;
      one.trace = nullptr;
      one.trace_rounds = 0;
      one.fidelity = Fidelity::approx;
      const InferStats st = infer(spec, model, one);
      at_batch[i] = {st.tpot_s,        st.ttft_s,        st.prefill_token_s, st.prefill_attention_token_s,
                     st.decode_keys_s, st.decode_context};
      known[i] = true;
    }
    return at_batch[i];
  };
  sv.max_batch = cap;

  Run run;
  auto& req = run.req;
  req.resize(static_cast<std::size_t>(sv.requests));
  SplitMix64 rng{o.seed};
  SplitMix64 lengths{o.seed ^ 0x6a09e667f3bcc909ULL};  // a stream of its own: the arrivals stay as they were
  sv.prompt_min = o.prompt_min > 0 ? o.prompt_min : o.prompt;
  sv.prompt_max = o.prompt;
  sv.generate_min = o.generate_min > 0 ? o.generate_min : o.generate;
  sv.generate_max = o.generate;
  const auto draw = [&](int low, int high) {
    if (low >= high) return high;
    return std::min(high, low + static_cast<int>(lengths.uniform() * (high - low + 1)));
  };
  double t = 0, output_tokens = 0;
  if (o.trace) {
    // The trace's arrivals, scaled to a mean of --arrival-rate per second when given.
    const double trace_rate = o.trace->mean_rate();
    const double scale = o.arrival_rate > 0 && trace_rate > 0 ? trace_rate / o.arrival_rate : 1.0;
    sv.trace = o.trace->file;
    sv.time_scale = scale;
    sv.prompt_min = sv.generate_min = 1 << 30;
    for (std::size_t i = 0; i < req.size(); ++i) {
      const TraceRequest& x = o.trace->requests[i];
      req[i].arrival = x.arrival_s * scale;
      req[i].prompt = x.prompt;
      req[i].generate = x.generate;
      sv.prompt_min = std::min(sv.prompt_min, x.prompt);
      sv.generate_min = std::min(sv.generate_min, x.generate);
    }
    const double span = req.back().arrival - req.front().arrival;
    sv.arrival_rate = span > 0 ? static_cast<double>(req.size() - 1) / span : 0;
  } else {
    for (auto& r : req) {
      t += -std::log(rng.uniform()) / o.arrival_rate;
      r.arrival = t;
      r.prompt = draw(sv.prompt_min, sv.prompt_max);
      r.generate = draw(sv.generate_min, sv.generate_max);
    }
  }
  for (auto& r : req) {
    r.left = r.generate - 1;
    output_tokens += r.generate;
  }
  if (o.prefill_chunk > 0)
    serve_chunked(run, o, at, sv.max_queue);
  else
    serve_whole(run, o, at, sv.max_queue);
  std::vector<double> ttft, tpot, latency;
  double ttft_sum = 0, last = 0;
  for (const auto& r : req) {
    ttft.push_back(r.first - r.arrival);
    ttft_sum += r.first - r.arrival;
    latency.push_back(r.done - r.arrival);
    if (r.generate > 1) tpot.push_back((r.done - r.first) / (r.generate - 1));
    last = std::max(last, r.done);
  }
  for (auto* v : {&ttft, &tpot, &latency}) std::sort(v->begin(), v->end());
  sv.duration_s = last - req.front().arrival;
  sv.tokens_per_s = sv.duration_s > 0 ? output_tokens / sv.duration_s : 0;
  sv.requests_per_s = sv.duration_s > 0 ? sv.requests / sv.duration_s : 0;
  sv.mean_batch = run.rounds > 0 ? run.batch_sum / static_cast<double>(run.rounds) : 0;
  sv.busy_fraction = sv.duration_s > 0 ? std::min(1.0, run.busy / sv.duration_s) : 0;
  sv.prefill_fraction = run.busy > 0 ? run.prompt_busy / run.busy : 0;
  sv.ttft_mean_s = ttft_sum / static_cast<double>(sv.requests);
  sv.ttft_p50_s = percentile(ttft, 50);
  sv.ttft_p90_s = percentile(ttft, 90);
  sv.ttft_p99_s = percentile(ttft, 99);
  sv.tpot_p50_s = percentile(tpot, 50);
  sv.tpot_p99_s = percentile(tpot, 99);
  sv.latency_p50_s = percentile(latency, 50);
  sv.tbt_p50_s = percentile(run.gaps, 50);
  sv.tbt_p99_s = percentile(run.gaps, 99);
  sv.tbt_max_s = run.gaps.empty() ? 0 : run.gaps.rbegin()->first;
  sv.latency_p99_s = percentile(latency, 99);
  if (sv.requests_per_s < 0.9 * sv.arrival_rate)
    notes.push_back(
        fmt::format("serving: {:.3g} requests/s offered, {:.3g} completed: the server is saturated (the "
                    "queue grew to {}); more --batch, more systems, or a lower rate",
                    sv.arrival_rate, sv.requests_per_s, sv.max_queue));
  return sv;
}

}  // namespace wafersim::infer_serve
