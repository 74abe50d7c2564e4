#pragma once
// The energy of inference (docs/energy.md): a decode round's and the prefill's events, priced
// by the system's energy: section. Private to the sim part (sim/infer.cpp fills the input).
#include "wafersim/results/energy.hpp"
#include "wafersim/results/infer_stats.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::infer_energy {

struct Input {
  bool fp32 = false;
  EnergyEvents decode;   // one micro-batch's round on the wafers (every group, the draft's k steps)
  EnergyEvents prefill;  // one micro-batch's prompts on the wafers
  int micro_batches = 1;
  int systems = 1;                 // systems that hold layers (streamed weights: that serve requests)
  bool memoryx = false;            // weights streamed from MemoryX every round
  double weight_bytes = 0;         // streamed per round when `memoryx`
  double cross_bytes = 0;          // one micro-batch's activations over the links between systems per round
  double prefill_cross_bytes = 0;  // one micro-batch's prompt activations over those links
  double round_s = 0;
  double tokens_per_round = 1;  // per request
  int batch = 1;
  int prompt = 1;
  double ttft_s = 0;
};

// st.energy (per decode round: J per output token) and st.prefill_energy (the batch's prefill
// over the time to first token: J per prompt token); both unmodelled without an energy: section.
void fill(const SystemSpec& spec, const Input& in, InferStats& st);

}  // namespace wafersim::infer_energy
