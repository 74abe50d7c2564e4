#pragma once
// The request-level serving simulation of `wafersim infer --arrival-rate` (infer.hpp). Internal
// to the sim part.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "wafersim/results/timeline.hpp"
#include "wafersim/sim/infer.hpp"

namespace wafersim::infer_serve {

struct Times;
using TimesAt = std::function<const Times&(int batch)>;
// Step times by system (its address) and number of systems (infer_serve.cpp, times_on()).
struct StepCache {
  std::map<std::pair<const SystemSpec*, int>, TimesAt> at;
};

// Poisson arrivals (InferOptions::arrival_rate, requests, seed) served with iteration-level
// batching of at most `o.batch` requests at once, as vLLM-style servers do: when requests wait
// and slots are free, the waiting ones (up to the free slots) are prefilled together, then every
// active request gets one token per decode round; a finished request frees its slot. A round of
// b requests takes infer()'s time per output token at batch b, a prefill of k requests infer()'s
// TTFT at batch k (each computed once). With InferOptions::prefill_chunk the prompts run in
// chunks beside the decodes instead (infer_serve.cpp, serve_chunked).
// With InferOptions::trace_rounds (infer --trace) `timeline` gains the serving run: a track per
// replica with its iterations and, disaggregated, a track per decode replica with the KV caches
// coming in (the first kServingTraceSlices of them; a note says when there were more).
// `cache` (optional) keeps the step times infer() gives at each batch, by system and size, for
// the next run whose options differ only in the arrival rate (a capacity search's runs).
ServingStats simulate(const SystemSpec& spec, const ModelSpec& model, const InferOptions& o,
                      std::vector<std::string>& notes, Timeline& timeline, StepCache* cache = nullptr);
inline constexpr std::size_t kServingTraceSlices = 200000;

// Whether a run saw more requests arrive than it served: a queue for a slot longer than a tenth of
// the requests and than --batch (a request arriving during an iteration waits for its end, so a
// short queue is not yet saturation). Completed requests per second are no test: over a finite
// run they trail the offered rate by the last requests' latency even when nothing queues.
bool saturated(const ServingStats& v, int batch);

}  // namespace wafersim::infer_serve
