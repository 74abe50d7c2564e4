#pragma once
// The timeline of an inference run (infer --trace): what infer() computed, replayed as slices.
// Internal to the sim part (src/sim/infer.cpp fills the input).
#include <string>
#include <vector>

#include "wafersim/results/timeline.hpp"

namespace wafersim::infer_trace {

// One layer group in pipeline order: where it runs and what it costs.
struct Step {
  int system = 0;
  bool draft = false;
  std::string name;
  double decode_s = 0;  // one step of the first micro-batch
  double xfer_s = 0;    // its activation to the next group of the same model
  double prefill_token_s = 0, prefill_fill_s = 0;
};

struct Input {
  std::vector<Step> steps;
  int systems = 1;  // systems that hold groups
  int rounds = 0;   // decode rounds to replay
  int prompt = 0;   // tokens per request
  double ttft_s = 0, round_s = 0;
  double prefill_rest_s = 0;  // after each layer's first token: the rest of the prompt
  double link_latency_s = 0, link_bytes_per_s = 0;
  double sync_s = 0;    // synchronous wafer I/O: per system per step (0: asynchronous)
  double requests = 1;  // per micro-batch
  double act_bytes = 0, draft_act_bytes = 0;
  bool speculative = false;
  int speculate = 0;
  double verify_tokens = 1;
  int draft_first_system = 0, draft_last_system = 0;
};

// A process per system with prefill, decode (and draft) tracks; arrows for crossings. The walk
// adds up the same terms as infer()'s round.
void record(const Input& in, Timeline& tl);

}  // namespace wafersim::infer_trace
