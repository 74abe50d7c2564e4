// Request-level serving on top of infer()'s step times (infer_serve.hpp).
#include "infer_serve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "infer_replica.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/random.hpp"

namespace wafersim::infer_serve {

namespace {

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

// Nearest-rank percentile of counted values, sorted by value.
double percentile(const std::vector<std::pair<double, long long>>& counted, double p) {
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

// A round's and a prefill's time (and energy) at each batch up to `max_batch`, from infer()
// itself (lazily: only the batches the run reaches), on `systems` systems of `spec` (a replica's;
// a prefill replica's when disaggregated). --batch requests at once fit (infer() placed them
// before calling simulate(); a prefill replica is placed at its batch before the run), so every
// smaller batch does too. The options are copied: the step times are `cache`'s entry for the
// system and size (kept for the next run with the same options but the arrival rate: a capacity
// search's), which outlives the reference returned.
const TimesAt& times_on(const SystemSpec& spec, const ModelSpec& model, const InferOptions& o, int systems,
                        int max_batch, StepCache& cache) {
  auto& kept = cache.at[{&spec, systems}];
  if (kept) return kept;
  InferOptions one = o;
  one.systems = systems;
  one.micro_batches = 0;
  one.arrival_rate = 0;
  one.requests = 0;
  one.prefill_chunk = 0;
  one.prompt_min = one.generate_min = 0;
  one.trace = nullptr;
  one.replicas = 1;
  one.prefill_replicas = one.prefill_systems = one.prefill_batch = 0;
  one.prefill_spec = nullptr;
  one.request_log = false;
  one.replica_systems.clear();
  one.slo_ttft_p99_s = one.slo_tbt_p99_s = one.slo_tpot_p99_s = 0;
  one.trace_rounds = 0;
  one.fidelity = Fidelity::approx;
  auto at_batch =
      std::make_shared<std::vector<std::optional<Times>>>(static_cast<std::size_t>(max_batch) + 1);
  kept = TimesAt([&spec, &model, one, at_batch](int b) -> const Times& {
    auto& slot = (*at_batch)[static_cast<std::size_t>(b)];
    if (!slot) {
      InferOptions at_b = one;
      at_b.batch = b;
      const InferStats st = infer(spec, model, at_b);
      slot = Times{st.tpot_s,        st.ttft_s,         st.prefill_token_s,    st.prefill_attention_token_s,
                   st.decode_keys_s, st.decode_context, st.kv_bytes_per_token, st.placement == "memoryx"};
      // A round's and a prompt token's energy less the idle power over their time: their events.
      const EnergyStats& d = st.energy;
      const EnergyStats& p = st.prefill_energy;
      if (d.modelled && d.units > 0 && p.units > 0) {
        slot->idle_w = d.idle_power_w;
        slot->round_j = std::max(0.0, d.joules - d.idle_power_w * d.interval_s) / d.units * b;
        slot->prompt_token_j = std::max(0.0, p.joules - p.idle_power_w * p.interval_s) / p.units;
      }
    }
    return *slot;
  });
  return kept;
}

// The requests: a trace's (scaled to --arrival-rate when given) or Poisson arrivals with lengths
// drawn per request (a stream of their own: the arrivals stay those of fixed lengths). Fills the
// lengths' ranges and, for a trace, the rate and scale in `sv`.
std::vector<Request> draw_requests(const InferOptions& o, ServingStats& sv) {
  std::vector<Request> req(static_cast<std::size_t>(sv.requests));
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
  double t = 0;
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
  for (auto& r : req) r.left = r.generate - 1;
  return req;
}

// The requests in arrival order, each dispatched (with a shared queue: when a slot frees) and at
// its replica when it arrives. Returns the most the shared queue held.
int serve_arrivals(std::vector<Replica>& reps, std::vector<Request>& req, const InferOptions& o,
                   const TimesAt& at) {
  std::vector<std::size_t> order(req.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  return serve(
      reps, req, order, [](const Request& r) { return r.arrival; },
      [&](std::size_t i, std::size_t, double) { req[i].here = req[i].arrival; }, o, at);
}

// Disaggregated (Splitwise, DistServe): the prefill replicas (of `pre_spec`, which may be another
// machine than the decode replicas' `spec`) give each request its first token, then its KV cache
// crosses to a decode replica, which decodes the rest (serve_split(): a cache leaves when its
// decode replica has a slot for it). A transfer takes the cache's bytes over the narrower side's
// I/O (each system sends or takes its layers' share in parallel: a side's I/O is its systems'
// ports together) plus the slower end's link latency.
std::vector<Transfer> serve_disaggregated(std::vector<Replica>& pre, std::vector<Replica>& reps,
                                          std::vector<Request>& req, const SystemSpec& spec,
                                          const SystemSpec& pre_spec, const InferOptions& o,
                                          const InferOptions& po, int pre_systems, const TimesAt& pre_at,
                                          const TimesAt& at, ServingStats& sv) {
  std::vector<double> link_bps;  // into each decode replica, of its own systems
  for (const int systems : sv.replica_systems)
    link_bps.push_back(std::min(pre_spec.io.total().value * pre_systems, spec.io.total().value * systems) /
                       8);
  const double link_latency = std::max(pre_spec.io.latency.value, spec.io.latency.value);
  const SplitStats st = serve_split(pre, reps, req, o, po, pre_at, at, link_bps, link_latency);
  sv.max_queue = st.max_queue;
  sv.kv_transfer_bytes = st.bytes;
  sv.kv_transfer_mean_s = st.mean_s;
  sv.kv_transfer_max_s = st.max_s;
  // Their energy: each bit once through the I/O ports (as activations between inference systems,
  // src/sim/infer.cpp's cross bytes), with what the power supplies lose converting it; between two
  // machines, half at each end's price.
  if (spec.energy.present && pre_spec.energy.present) {
    const auto per_bit = [](const SystemSpec& s) { return s.energy.io_bit.value / s.energy.psu_efficiency; };
    sv.energy_kv_transfer_j = sv.kv_transfer_bytes * 8 * (per_bit(pre_spec) + per_bit(spec)) / 2;
  }
  sv.prefill_system = pre_spec.name;
  sv.prefill_replicas = o.prefill_replicas;
  sv.prefill_systems = pre_systems;
  sv.prefill_batch = po.batch;
  return st.transfers;
}

// The serving run on the timeline: a process per pool, a track per replica with its iterations
// (prefill, decode, or a chunk beside decodes), and the KV caches' crossings into each decode
// replica.
void record_timeline(const std::vector<Replica>& pre, const std::vector<Replica>& reps,
                     const std::vector<Transfer>& transfers, Timeline& tl) {
  const auto pool = [&](const std::vector<Replica>& v, const char* name, const char* replica, int sort) {
    if (v.empty()) return;
    const int pid = tl.process(name, sort);
    for (std::size_t r = 0; r < v.size(); ++r) {
      const int tid = tl.thread(pid, fmt::format("{} {}", replica, r), static_cast<int>(r));
      for (const Iteration& it : v[r].iterations) {
        const char* what = it.prompts == 0   ? "decode"
                           : it.decodes == 0 ? "prefill"
                                             : "prefill chunk + decode";
        tl.slice(pid, tid, what, "serving", it.t0, it.t1,
                 {{"decodes", it.decodes}, {"prompts", it.prompts}, {"prompt_tokens", it.prompt_tokens}});
      }
    }
  };
  pool(pre, "prefill replicas", "prefill replica", 1000);
  pool(reps, pre.empty() ? "replicas" : "decode replicas", "replica", 1001);
  if (transfers.empty()) return;
  const int pid = tl.process("KV caches", 1002);
  std::vector<int> into;
  for (std::size_t q = 0; q < reps.size(); ++q)
    into.push_back(tl.thread(pid, fmt::format("into replica {}", q), static_cast<int>(q)));
  for (const Transfer& x : transfers)
    tl.slice(pid, into[x.to], fmt::format("request {}", x.request), "kv", x.t0, x.t1,
             {{"from_prefill_replica", static_cast<long long>(x.from)}});
}

// The run's figures from its requests and replicas: percentiles, throughput, busy shares and,
// with an energy: section, every replica's idle power over the duration plus its events
// (`idle_w` a replica's; with replicas of different sizes `reps_idle_w`, all of theirs, >= 0).
void summarize(const std::vector<Request>& req, const std::vector<Replica>& pre,
               const std::vector<Replica>& reps, GapCounts& gaps, double idle_w, double reps_idle_w,
               double pre_idle_w, const InferOptions& o, ServingStats& sv) {
  double output_tokens = 0;
  for (const auto& r : req) output_tokens += r.generate;
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
  double busy = 0, prompt_busy = 0, batch_sum = 0;
  long long rounds = 0;
  sv.replicas = o.replicas;
  sv.routing = to_string(o.routing);
  for (const auto& rep : pre) {
    busy += rep.busy;
    prompt_busy += rep.prompt_busy;
    sv.max_queue = std::max(sv.max_queue, rep.max_queue);
    sv.prefill_replica_requests.push_back(static_cast<int>(rep.queue.size()));
    sv.prefill_replica_busy.push_back(sv.duration_s > 0 ? std::min(1.0, rep.busy / sv.duration_s) : 0);
  }
  for (const auto& rep : reps) {
    busy += rep.busy;
    prompt_busy += rep.prompt_busy;
    batch_sum += rep.batch_sum;
    rounds += rep.rounds;
    sv.max_queue = std::max(sv.max_queue, rep.max_queue);
    sv.replica_requests.push_back(static_cast<int>(rep.queue.size()));
    sv.replica_busy.push_back(sv.duration_s > 0 ? std::min(1.0, rep.busy / sv.duration_s) : 0);
  }
  // Energy: every replica draws its idle power for the whole duration, and its iterations' events.
  if (idle_w > 0) {
    double events = 0, idle = 0;
    for (const auto& rep : reps) events += rep.event_j;
    for (const auto& rep : pre) events += rep.event_j;
    events += sv.energy_kv_transfer_j;
    idle += reps_idle_w >= 0 ? sv.duration_s * reps_idle_w
                             : sv.duration_s * static_cast<double>(reps.size()) * idle_w;
    if (!pre.empty()) idle += sv.duration_s * static_cast<double>(pre.size()) * pre_idle_w;
    sv.energy_modelled = true;
    sv.energy_j = events + idle;
    sv.energy_idle_share = sv.energy_j > 0 ? idle / sv.energy_j : 0;
    sv.energy_per_output_token_j = output_tokens > 0 ? sv.energy_j / output_tokens : 0;
    sv.mean_power_w = sv.duration_s > 0 ? sv.energy_j / sv.duration_s : 0;
  }
  sv.mean_batch = rounds > 0 ? batch_sum / static_cast<double>(rounds) : 0;
  sv.busy_fraction =
      sv.duration_s > 0
          ? std::min(1.0, busy / (sv.duration_s * static_cast<double>(reps.size() + pre.size())))
          : 0;
  sv.prefill_fraction = busy > 0 ? prompt_busy / busy : 0;
  sv.ttft_mean_s = ttft_sum / static_cast<double>(sv.requests);
  sv.ttft_p50_s = percentile(ttft, 50);
  sv.ttft_p90_s = percentile(ttft, 90);
  sv.ttft_p99_s = percentile(ttft, 99);
  sv.tpot_p50_s = percentile(tpot, 50);
  sv.tpot_p99_s = percentile(tpot, 99);
  sv.latency_p50_s = percentile(latency, 50);
  gaps.compact();
  sv.tbt_p50_s = percentile(gaps.v, 50);
  sv.tbt_p99_s = percentile(gaps.v, 99);
  sv.tbt_max_s = gaps.v.empty() ? 0 : gaps.v.back().first;
  sv.latency_p99_s = percentile(latency, 99);
}

}  // namespace

ServingStats simulate(const SystemSpec& spec, const ModelSpec& model, const InferOptions& o,
                      std::vector<std::string>& notes, Timeline& timeline, StepCache* cache) {
  const bool traced = o.trace_rounds > 0;
  StepCache local;
  StepCache& steps = cache ? *cache : local;
  const int max_batch = std::max(o.batch, o.prefill_batch);  // either pool's
  ServingStats sv;
  sv.simulated = true;
  sv.arrival_rate = o.arrival_rate;
  sv.requests = o.requests > 0 ? o.requests : o.trace ? static_cast<int>(o.trace->requests.size()) : 200;
  sv.seed = o.seed;
  sv.prefill_chunk = o.prefill_chunk;
  sv.max_batch = o.batch;
  const TimesAt& at = times_on(spec, model, o, o.systems, max_batch, steps);
  std::vector<Request> req = draw_requests(o, sv);
  GapCounts gaps;
  const auto replicas = [&](int n, Replica::Role role) {
    std::vector<Replica> v(static_cast<std::size_t>(n));
    for (auto& rep : v) {
      rep.role = role;
      rep.req = &req;
      rep.gaps = &gaps;
    }
    return v;
  };
  const bool split = o.prefill_replicas > 0;
  std::vector<Replica> reps = replicas(o.replicas, split ? Replica::Role::decode : Replica::Role::both);
  std::vector<Replica> pre = replicas(o.prefill_replicas, Replica::Role::prefill);
  // Replicas of different sizes: each replica its own step times (each size placed once: `steps`).
  double reps_idle_w = -1;  // < 0: every replica is --systems'
  sv.replica_systems.assign(reps.size(), o.systems);
  if (!o.replica_systems.empty()) {
    reps_idle_w = 0;
    std::set<int> checked;
    for (std::size_t r = 0; r < reps.size(); ++r) {
      const int n = sv.replica_systems[r] = o.replica_systems[r];
      const TimesAt& times = times_on(spec, model, o, n, max_batch, steps);
      if (checked.insert(n).second) {
        try {  // the replica holds --batch requests, or the run stops here
          if (times(o.batch).streamed)
            notes.push_back(
                fmt::format("serving: a replica of {} system(s) cannot hold the weights resident: "
                            "they stream from MemoryX every step (--replica-systems)",
                            n));
        } catch (const FitError& e) {
          throw FitError(
              fmt::format("replica {} ({} x {}, --replica-systems): {}", r, n, spec.name, e.what()));
        }
      }
      reps[r].times = &times;
      reps_idle_w += times(1).idle_w;
    }
  }
  TraceBudget budget{kServingTraceSlices};
  if (traced)
    for (auto* pool : {&reps, &pre})
      for (auto& rep : *pool) rep.trace = &budget;
  std::vector<Transfer> transfers;
  double pre_idle_w = 0;
  if (!split) {
    sv.max_queue = serve_arrivals(reps, req, o, at);
  } else {
    InferOptions po = o;  // the prefill pool's: its replicas' prompts at once
    if (o.prefill_batch > 0) po.batch = o.prefill_batch;
    const int pre_systems = o.prefill_systems > 0 ? o.prefill_systems : o.systems;
    const SystemSpec& pre_spec = o.prefill_spec ? *o.prefill_spec : spec;
    const TimesAt& pre_at = times_on(pre_spec, model, po, pre_systems, max_batch, steps);
    try {  // the prefill replicas hold that many prompts, or the run stops here
      if (pre_at(po.batch).streamed)
        notes.push_back(fmt::format(
            "serving: a prefill replica's {} system(s) cannot hold the weights resident: they stream from "
            "MemoryX for every prefill (--prefill-systems)",
            pre_systems));
    } catch (const FitError& e) {
      throw FitError(fmt::format("a prefill replica ({} x {}, {} prompts at once): {}", pre_systems,
                                 pre_spec.name, po.batch, e.what()));
    }
    pre_idle_w = pre_at(1).idle_w;
    if (at(1).idle_w > 0 && pre_idle_w <= 0)
      notes.push_back(fmt::format(
          "serving: energy not modelled: the prefill replicas' system ({}) has no energy: section",
          pre_spec.name));
    transfers = serve_disaggregated(pre, reps, req, spec, pre_spec, o, po, pre_systems, pre_at, at, sv);
  }
  // Energy needs both pools' prices (summarize() models it when the decode pool's idle power is known).
  summarize(req, pre, reps, gaps, split && pre_idle_w <= 0 ? 0.0 : at(1).idle_w,
            split && pre_idle_w <= 0 ? -1.0 : reps_idle_w, pre_idle_w, o, sv);
  if (traced) {
    record_timeline(pre, reps, transfers, timeline);
    if (budget.truncated)
      notes.push_back(
          fmt::format("trace: the serving timeline holds the run's first {} iterations and KV transfers",
                      kServingTraceSlices));
  }
  if (o.request_log) {
    sv.request_log.reserve(req.size());
    for (const Request& r : req) {
      RequestRecord x;
      x.arrival_s = r.arrival;
      x.first_token_s = r.first;
      x.done_s = r.done;
      x.prompt = r.prompt;
      x.generate = r.generate;
      const bool decoded_apart = split && r.generate > 1;  // its cache crossed to a decode replica
      x.replica = !split || decoded_apart ? static_cast<int>(r.served_by) : -1;
      x.prefill_replica = split ? static_cast<int>(r.prefill_by) : -1;
      x.kv_arrival_s = decoded_apart ? r.here : -1;
      sv.request_log.push_back(x);
    }
  }
  if (saturated(sv, o.batch))
    notes.push_back(fmt::format(
        "serving: the server is saturated: the queue for a slot grew to {} of the {} requests at {:.3g} "
        "requests/s offered ({:.3g} completed); more --batch, more systems or --replicas, or a lower rate",
        sv.max_queue, sv.requests, sv.arrival_rate, sv.requests_per_s));
  return sv;
}

bool saturated(const ServingStats& v, int batch) {
  return v.max_queue > std::max(0.1 * v.requests, static_cast<double>(batch));
}

}  // namespace wafersim::infer_serve
