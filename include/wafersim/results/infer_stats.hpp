#pragma once
// The results of one inference run (`wafersim infer`) as plain values: what the printers read.
#include <cstdint>
#include <string>
#include <vector>

#include "wafersim/results/energy.hpp"
#include "wafersim/results/stats.hpp"
#include "wafersim/results/timeline.hpp"

namespace wafersim {

// One layer group (embedding, a transformer block, the head) where it lives and what it costs.
struct InferLayer {
  std::string name;
  int system = 0;                  // which system of the pipeline
  int x = 0, y = 0, w = 0, h = 0;  // its region on that wafer
  // A mixture of experts laid out split (compact layout): its ops other than the routed experts
  // (attention, norms, router, shared experts) on a dense_w x dense_h part at the region's
  // centre; 0: every op over the whole region.
  int dense_w = 0, dense_h = 0;
  std::uint64_t params = 0;
  double weight_bytes = 0;
  double kv_bytes = 0;       // KV cache of the whole batch at the longest context
  double sram_per_tile = 0;  // bytes per tile of its region (weights + KV)
  double prefill_s = 0;      // the whole prompt of one micro-batch through this layer
  double decode_s = 0;       // one decode step of one micro-batch (the last context)
  double decode_fill_s = 0;  // of which latency: broadcast, reduction chains, fill
  std::string decode_bound;  // compute | sram | fabric | setup
};

struct InferSystem {
  int index = 0;
  int first_layer = 0, last_layer = 0;  // layer groups it holds (inclusive)
  double weight_bytes = 0;
  double kv_bytes = 0;
  double capacity_bytes = 0;  // usable SRAM of the wafer
  long long tiles = 0;        // PEs its regions use
  double decode_s = 0;        // one decode step of one micro-batch through its layers
  double prefill_s = 0;       // one micro-batch's prompt through its layers (streamed)
};

// One served request (InferOptions::request_log), in arrival order: when it arrived, had its
// first token, had its KV cache at its decode replica (disaggregated; -1 otherwise) and finished,
// seconds from the start; its lengths; where it ran.
struct RequestRecord {
  double arrival_s = 0, first_token_s = 0, kv_arrival_s = -1, done_s = 0;
  int prompt = 0, generate = 0;
  int prefill_replica = -1;  // disaggregated: the prefill replica that gave its first token; -1 colocated
  int replica = -1;          // the replica that decoded it (colocated: served it); -1: none (one token)
};

// The request-level simulation (InferOptions::arrival_rate > 0): Poisson arrivals served by
// iteration-level batching, each round and prefill timed by infer() at its batch.
struct ServingStats {
  bool simulated = false;
  double arrival_rate = 0;  // requests per second offered
  int requests = 0;
  std::uint64_t seed = 1;
  int max_batch = 0;                  // requests decoded at once, at most (--batch, or the most that fit)
  double duration_s = 0;              // first arrival to last output token
  double tokens_per_s = 0;            // output tokens over the duration
  double requests_per_s = 0;          // completed over the duration
  double mean_batch = 0;              // requests per decode round
  double busy_fraction = 0;           // of the duration spent in prefill or decode (mean over the replicas)
  double prefill_fraction = 0;        // of the busy time, the prompts' (whole prefills, or the chunks' share)
  int max_queue = 0;                  // requests waiting for a slot, at most (of any replica)
  int replicas = 1;                   // copies of the deployment serving the requests (--replicas)
  std::string routing;                // how arrivals were dispatched to them (round-robin, least-outstanding)
  std::vector<int> replica_requests;  // requests each replica served
  std::vector<int> replica_systems;   // each replica's systems (--systems, or --replica-systems)
  std::vector<double> replica_busy;   // of the duration, each replica's busy share
  // Disaggregated serving (--prefill-replicas > 0): the prefill replicas (their systems each, what
  // each served and its busy share; the replicas above then only decode) and the KV caches'
  // transfers from prefill to decode replicas (first token to arrival at the decode replica).
  int prefill_replicas = 0, prefill_systems = 0, prefill_batch = 0;
  std::string prefill_system;  // the prefill replicas' machine (its name; --prefill-system, else --system's)
  std::vector<int> prefill_replica_requests;
  std::vector<double> prefill_replica_busy;
  double kv_transfer_mean_s = 0, kv_transfer_max_s = 0;
  double kv_transfer_bytes = 0;  // every KV cache moved, in total
  // Energy over the run (the system file's energy: section): every replica's idle power for the
  // whole duration plus its iterations' events (decode rounds, prompt tokens) as infer() prices them.
  bool energy_modelled = false;
  double energy_j = 0, energy_per_output_token_j = 0, mean_power_w = 0;
  double energy_idle_share = 0;     // of energy_j, the idle power's
  double energy_kv_transfer_j = 0;  // of energy_j, the KV caches' bits through the I/O ports (disaggregated)
  int prefill_chunk = 0;            // tokens per iteration with chunked prefill (0: whole prompts)
  std::string trace;                // the request trace served (--request-trace); "" when drawn
  double time_scale = 1;  // the trace's arrival times multiplied by this (--arrival-rate with a trace)
  int prompt_min = 0, prompt_max = 0;      // the requests' prompt lengths drawn from (min = max: fixed)
  int generate_min = 0, generate_max = 0;  // and their output lengths
  std::vector<RequestRecord> request_log;  // every request, when InferOptions::request_log
  double ttft_p50_s = 0, ttft_p90_s = 0, ttft_p99_s = 0, ttft_mean_s = 0;  // arrival to first token
  double tpot_p50_s = 0, tpot_p99_s = 0;        // per request: (last - first token) / (generate - 1)
  double latency_p50_s = 0, latency_p99_s = 0;  // arrival to last token
  // Time between tokens: between a request's consecutive output tokens, over every such pair (a
  // whole-prompt prefill stalls the decodes for its time; chunked prefill spreads it).
  double tbt_p50_s = 0, tbt_p99_s = 0, tbt_max_s = 0;
};

// The capacity search (InferOptions::slo_*): the highest arrival rate
// found whose serving run meets the objectives; InferStats::serving is that run.
struct CapacityStats {
  bool searched = false;
  bool feasible = false;                                             // some rate met them
  double slo_ttft_p99_s = 0, slo_tbt_p99_s = 0, slo_tpot_p99_s = 0;  // the objectives (0: none)
  double rate = 0;                              // requests per second offered at capacity
  double upper_rate = 0;                        // the lowest rate found to miss them (0: none)
  double tokens_per_s = 0, requests_per_s = 0;  // served at capacity
  std::string bound;  // what the upper rate missed: ttft_p99, tbt_p99, tpot_p99, saturation
  int runs = 0;       // serving runs the search took
};

struct InferStats {
  std::string system_name;
  std::string model_name;
  int systems = 1;
  int batch = 1;          // concurrent requests (sequences)
  int micro_batches = 1;  // the batch split into micro-batches that fill the pipeline
  int prompt = 0;         // prompt tokens per request
  int generate = 0;       // output tokens per request
  int context = 0;        // prompt + generate: the KV cache's length
  std::string placement;  // "sram" (weights resident) | "memoryx" (weights streamed)
  double weight_bytes = 0;
  double kv_bytes = 0;
  double kv_bytes_per_token = 0;         // every layer, one sequence
  double sram_capacity_bytes = 0;        // all systems
  int max_context = 0;                   // longest context beside the weights in SRAM (0: none)
  int min_systems = 0;                   // systems the weights and KV cache need at this batch
  double ttft_s = 0;                     // time to first token
  double prefill_token_s = 0;            // what each further prompt token adds: the slowest stage's time
  double prefill_attention_token_s = 0;  // of it, the attention over the prompt (grows with its length)
  double tpot_s = 0;                     // time per output token (mean over the generation)
  double tokens_per_s_per_user = 0;
  double tokens_per_s = 0;  // aggregate at the batch
  double request_s = 0;     // one request, first prompt token to last output token
  // Where a decode step's time goes (seconds per output token of one user).
  double decode_compute_s = 0;   // kernels' issue/SRAM/fabric time
  double decode_fill_s = 0;      // kernel latency: broadcasts, reduction chains, fills
  double decode_link_s = 0;      // activations between systems
  double decode_memoryx_s = 0;   // weights streamed from MemoryX (fallback only)
  double decode_wait_s = 0;      // a micro-batch waiting for the pipeline (batch > systems)
  double decode_wafer_io_s = 0;  // synchronous wafer I/O (wafer_io "sync"): systems x steps x its cost
  // Of tpot_s, what attending to the cached tokens adds at `decode_context` tokens (prompt + half
  // the output): the part that grows with the context (the serving simulation scales it).
  double decode_keys_s = 0;
  double decode_context = 0;
  std::string wafer_io = "async";
  std::string layout = "compact";         // InferLayout: compact | fill
  double weight_bits = 16, kv_bits = 16;  // bits per stored weight / KV-cache value
  double expert_bits = 0;                 // the routed experts' weights (0: no experts)
  std::string prefill_bottleneck;
  std::string decode_bottleneck;
  std::string decode_reason;
  double decode_compute_utilization = 0;  // model FLOPs / peak during decode
  double decode_sram_bandwidth_utilization = 0;
  double link_utilization = 0;  // inter-system links during decode
  // Speculative decoding (speculate > 0): the draft model, draft tokens per round, the
  // acceptance probability, expected tokens per round, and a round's draft and target times.
  std::string draft_model;
  int speculate = 0;
  double acceptance = 0;
  double tokens_per_round = 1;
  double draft_s_per_round = 0;
  double verify_s_per_round = 0;
  std::vector<InferSystem> per_system;
  std::vector<InferLayer> layers;
  std::string fidelity = "approx";              // "cycle": kernel_checks below
  std::vector<KernelCheckStats> kernel_checks;  // --fidelity cycle: decode kernels on the engine
  // Energy (the system file's energy: section): a decode round (per output token) and the
  // batch's prefill (per prompt token, over the time to first token).
  EnergyStats energy;
  EnergyStats prefill_energy;
  CapacityStats capacity;
  ServingStats serving;  // InferOptions::arrival_rate > 0
  std::vector<std::string> notes;
  Timeline timeline;  // InferOptions::trace_rounds > 0 (report/trace.hpp writes it)
};

}  // namespace wafersim
