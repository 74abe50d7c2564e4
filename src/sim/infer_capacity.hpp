#pragma once
// The capacity search of `wafersim infer --slo-ttft-p99 / --slo-tbt-p99` (infer.hpp): the highest
// arrival rate whose serving run meets the service-level objectives. Internal to the sim part.
#include "infer_serve.hpp"
#include "wafersim/sim/infer.hpp"

namespace wafersim::infer_capacity {

// One inference run (src/sim/infer.cpp): placement, prefill and decode, and the serving
// simulation when the options ask for one. infer() is this, or the search below when an SLO is set.
// `steps` (optional) keeps the serving simulation's step times for the next run (search()).
InferStats infer_one(const SystemSpec& spec, const ModelSpec& model, const InferOptions& options,
                     infer_serve::StepCache* steps = nullptr);

// Serving runs at arrival rates found by doubling or halving from --arrival-rate (1/s when unset)
// and then bisecting (in log space, to within 1%): the run at the highest rate that meets every
// SLO, with InferStats::capacity saying what the search found.
InferStats search(const SystemSpec& spec, const ModelSpec& model, const InferOptions& options);

}  // namespace wafersim::infer_capacity
