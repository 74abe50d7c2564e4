#pragma once
// Inference on the wafer (`wafersim infer`, ws.infer): a decoder transformer's weights and KV
// cache resident in the SRAM of N systems, its layers split across them in a pipeline (only
// activations cross between systems), prefill as weight-stationary GEMMs streaming the prompt
// through the layer regions, decode as GEMVs (MeshGEMV-style: the token's activation broadcast
// over a layer's region, partial sums reduced along its rows). When the weights do not fit,
// they stream from MemoryX every decode step (the report says what that costs). docs/inference.md.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wafersim/graph/model_spec.hpp"
#include "wafersim/results/infer_stats.hpp"
#include "wafersim/sim/request_trace.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

// How the serving software moves tokens and activations on and off each wafer. async: I/O runs
// beside compute (Cerebras' serving stack from its October 2024 release on); sync: every decode
// step of every system waits for its I/O, `calibration.sync_wafer_io` per system per step (the
// launch software of August 2024, which "utilized only a fraction of its peak ... IO capacity";
// docs/inference.md).
enum class WaferIo { async, sync };
WaferIo parse_wafer_io(const std::string& text, const std::string& option = "--wafer-io");  // UsageError
const char* to_string(WaferIo io);

// Where a system's layers go on its wafer. compact: the layout search may leave PEs idle when
// smaller regions decode faster (a layer spread over more PEs than its GEMVs use pays longer
// broadcasts and reduction chains: more systems than the weights need, or a small model);
// fill: the layers always fill the usable wafer (WaferLLM's P x P benchmark; the shortest prefill
// when the wafer is far from full). docs/inference.md, "Placement".
enum class InferLayout { compact, fill };
InferLayout parse_infer_layout(const std::string& text,
                               const std::string& option = "--layout");  // UsageError
const char* to_string(InferLayout layout);

// How a serving simulation with several replicas (InferOptions::replicas) sends each arriving
// request to one of them: round_robin, each in turn (Vidur's default global scheduler);
// least_outstanding, the replica with the fewest requests dispatched and not finished (Vidur's
// "lor"; ties: the lowest index); shared_queue, one queue for all of them: a request waits there
// until a replica has a free slot (of --batch), and goes to the one that starts it first (vLLM's
// and Splitwise's cluster-level scheduler; ties: the lowest index).
enum class Routing { round_robin, least_outstanding, shared_queue };
Routing parse_routing(const std::string& text, const std::string& option = "--routing");  // UsageError
const char* to_string(Routing r);
inline constexpr int kMaxReplicas = 1024;

struct InferOptions {
  int systems = 1;        // systems in the layer pipeline
  int batch = 1;          // concurrent requests
  int prompt = 0;         // prompt tokens per request; 0: 1024, less if the model's context is shorter
  int generate = 0;       // output tokens per request; 0: 256, at most a quarter of the context
  int micro_batches = 0;  // 0: min(batch, systems), the fewest that fill the pipeline
  // cycle: one decode step's kernels of a transformer block and of the head, on their regions,
  // also run on the cycle-level fabric engine (InferStats::kernel_checks).
  Fidelity fidelity = Fidelity::approx;
  int trace_rounds = 0;  // > 0: InferStats::timeline holds the prefill and this many decode rounds
  // Speculative decoding: the draft model, resident beside the target (its layers follow the
  // target's in the pipeline), proposes `speculate` tokens one after another; the target checks
  // them in one step of speculate + 1 tokens per request and keeps each with probability
  // `acceptance` (independently; the expected tokens per round are (1 - a^(k+1)) / (1 - a)).
  std::optional<ModelSpec> draft;
  int speculate = 0;       // 0: 4 with a draft
  double acceptance = -1;  // < 0: 0.8 with a draft
  WaferIo wafer_io = WaferIo::async;
  InferLayout layout = InferLayout::compact;
  // Bits per stored weight and per stored KV-cache value; 0: the model's operand width (16).
  // Narrower values take less SRAM and are widened to 16 bits before each FMAC (the SDK lists
  // no narrower FMAC): one more op per value read (KernelCostModel::set_stationary_bits). The
  // target's and the draft's alike. Any value from 1 to 16 (MXFP4 with its scales: 4.25).
  double weight_bits = 0;
  double kv_bits = 0;
  double expert_bits = 0;  // the routed experts' weights alone (0: as weight_bits); gpt-oss's MXFP4 is 4.25
  // Serving (> 0): `requests` requests (0: 200) of --prompt and --generate tokens arrive as a
  // Poisson stream of `arrival_rate` per second (seeded: the same seed, the same arrivals) and
  // are served with iteration-level batching of at most --batch at once: each decode round's and
  // each prefill's time is infer()'s at that batch. InferStats::serving has TTFT, TPOT and
  // latency percentiles, throughput and the queue. docs/inference.md, "Serving".
  double arrival_rate = 0;
  int requests = 0;
  std::uint64_t seed = 1;
  // Chunked prefill (> 0; Sarathi-Serve's stall-free batching): every iteration carries each
  // decoding request's next token and, up to this many tokens in all, the next prompt tokens of
  // the admitted requests (first come, first served), so a long prompt no longer stalls the
  // decodes. 0: whole prompts are prefilled between decode rounds.
  int prefill_chunk = 0;
  // Lengths that vary from request to request (> 0): each request's prompt drawn uniformly from
  // prompt_min..--prompt tokens and its output from generate_min..--generate (seeded with the
  // arrivals' seed, a stream of its own). The placement, the KV cache and the per-batch step
  // times are those of the longest (--prompt, --generate). 0: every request as long as those.
  int prompt_min = 0;
  int generate_min = 0;
  // Serving from a request trace (--request-trace): its first `requests` requests (0: all) arrive
  // when the trace says (scaled to a mean of `arrival_rate` per second when that is > 0) with the
  // trace's lengths; --prompt and --generate default to its longest (the placement's).
  std::shared_ptr<const RequestTrace> trace;
  // Replicas (> 1): that many copies of the deployment (each --systems systems, the same
  // placement and step times) serve the requests, each arrival dispatched by `routing` and
  // queued there; every replica batches its own requests as above. Serving only.
  int replicas = 1;
  Routing routing = Routing::round_robin;
  // Replicas of different sizes (non-empty: one entry per replica, `replicas` of them): replica
  // r has replica_systems[r] systems, its own placement and step times; empty: each --systems.
  // The figures outside `serving` stay --systems' deployment's.
  std::vector<int> replica_systems;
  // Disaggregated serving (> 0; Splitwise, DistServe): that many prefill replicas of
  // `prefill_systems` systems each (0: --systems) run the prompts (whole or in chunks, up to
  // `prefill_batch` at once, 0: --batch) and give each request its first token; its KV cache then
  // crosses the I/O links to one of the `replicas` replicas, which only decode (up to --batch at
  // once). Both pools dispatch by `routing`. Serving only. `prefill_spec` (null: the decode
  // replicas' system) is the prefill replicas' machine (Splitwise's heterogeneous pools: prompts
  // on one generation, decodes on another): their step times, idle power and I/O are its.
  int prefill_replicas = 0;
  int prefill_systems = 0;
  int prefill_batch = 0;
  std::shared_ptr<const SystemSpec> prefill_spec;
  // Capacity under service-level objectives (> 0, seconds): infer() searches for the highest
  // arrival rate (Poisson, or the trace rescaled) whose serving run has TTFT p99, time between
  // tokens p99 and time per output token p99 within these and does not saturate (its queue for a slot stays
  // under a tenth of the requests); InferStats::capacity, and InferStats::serving is the run at that rate.
  // --arrival-rate, when given, is where the search starts.
  double slo_ttft_p99_s = 0;
  double slo_tbt_p99_s = 0;
  double slo_tpot_p99_s = 0;  // and the requests' time per output token p99 (DistServe's, Splitwise's)
  // Keep every request's record (ServingStats::request_log; `--request-log FILE` writes it as CSV,
  // as Vidur's request metrics). Serving only; of a capacity search, the run at the capacity.
  bool request_log = false;
  bool searches_capacity() const { return slo_ttft_p99_s > 0 || slo_tbt_p99_s > 0 || slo_tpot_p99_s > 0; }
  // Whether this is a serving simulation (an arrival rate or a trace).
  bool serving() const { return arrival_rate > 0 || trace != nullptr || searches_capacity(); }
};

// Validates (UsageError naming the option), places (FitError when even the KV cache does not
// fit), and times prefill and decode (and serves, and searches for the capacity, when the options
// say so). No SystemC; thread-safe.
InferStats infer(const SystemSpec& spec, const ModelSpec& model, const InferOptions& options);

}  // namespace wafersim
