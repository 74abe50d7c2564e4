#pragma once
// The texts of `wafersim infer`'s notes that take more than a line to say (src/sim/infer.cpp).
#include <string>

#include "wafersim/results/infer_stats.hpp"

namespace wafersim::infer_notes {

// --wafer-io sync: the wait per system per decode step and per output token (0 s: says so).
std::string sync_io(double sync_s, double per_token_s);

struct Speculative {
  std::string draft;  // the draft model's name
  int k = 0;          // draft tokens per round
  double acceptance = 0, tokens_per_round = 0;
  double draft_s = 0, verify_s = 0;  // per round
  int draft_vocab = 0, vocab = 0;
};
std::string speculative(const Speculative& s);
// --draft-model with weights that stream: what resident weights need.
std::string speculative_not_resident(int unlaid, int min_systems);

// Weights streamed from MemoryX: why, and how the systems share the requests.
// `unlaid` >= 0: the bytes fit, but that system's layers do not fit its wafer as regions.
std::string streamed(const std::string& weights, const std::string& kv, int systems, const std::string& sram,
                     int min_systems, int unlaid, int serving, int micro_batches_per_system);

// More systems than the bytes need (`by_bytes`) keep the weights resident (`resident`): whole
// layers share wafers, and the largest (`name`, `bytes`) leaves room for few others.
std::string layout_needs_more(int by_bytes, int resident, const std::string& name, double bytes,
                              double wafer);

// The compact layout's notes: systems whose layers use part of their wafer (of `wafer_pes`
// usable PEs each), and mixture-of-experts blocks whose other ops run on a part of their region.
// When whole layers need more systems than their bytes (`by_bytes`), naming the largest group;
// when the SRAM would hold a longer context than the model's `max_seq`.
void add_capacity_notes(InferStats& st, int by_bytes, const std::string& largest, double largest_bytes,
                        double wafer_bytes, int max_seq);
void add_layout_notes(InferStats& st, long long wafer_pes);
// --layout compact left PEs idle: `partial` of `systems` use a corner of their wafer, `share` of
// all their PEs hold layers.
std::string compact(int partial, int systems, double share);
// Mixture-of-experts blocks whose ops other than the routed experts run on a part of their region.
std::string dense_part(int blocks, int w, int h, int region_w, int region_h);

// --weight-bits / --kv-bits narrower than the operands (`width` bits): what it buys and costs.
// `expert_bits` 0: no routed experts.
std::string narrow_values(double weight_bits, double expert_bits, double kv_bits, double width);

// The reason given when MemoryX bounds decode: the weights' stream, and what keeps them resident.
std::string memoryx_bound(const std::string& weights, double gb_per_s, int min_systems);

// The KV cache of a sliding window (on one block in `period` when period > 1; on all but every
// `global_every`-th block when that is set).
std::string sliding_window(int window, int sinks, int period, int global_every);

}  // namespace wafersim::infer_notes
