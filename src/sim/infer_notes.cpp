#include "infer_notes.hpp"

#include <fmt/format.h>

namespace wafersim::infer_notes {

std::string sync_io(double sync_s, double per_token_s) {
  if (sync_s <= 0)
    return "--wafer-io sync: calibration.sync_wafer_io is 0 s in this system file, so synchronous I/O costs "
           "nothing here (scripts/calibrate_inference.py fits it; configs/cs3.yaml has the fitted value)";
  return fmt::format(
      "wafer I/O synchronous (--wafer-io sync, the launch serving software of August 2024): {:.0f} us per "
      "system per decode step (calibration.sync_wafer_io), {:.1f} us per output token",
      sync_s * 1e6, per_token_s * 1e6);
}

std::string speculative(const Speculative& s) {
  return fmt::format(
      "speculative decoding: {} drafts {} tokens per round beside the target (acceptance {}): {:.2f} tokens "
      "per round; the draft's {} steps take {:.1f} us, the target's check of {} tokens per request {:.1f} "
      "us{}",
      s.draft, s.k, s.acceptance, s.tokens_per_round, s.k, s.draft_s * 1e6, s.k + 1, s.verify_s * 1e6,
      s.draft_vocab != s.vocab ? fmt::format("; the draft's vocabulary ({}) differs from the target's ({})",
                                             s.draft_vocab, s.vocab)
                               : std::string());
}

std::string speculative_not_resident(int unlaid, int min_systems) {
  const std::string need =
      unlaid >= 0 ? fmt::format("system {}'s layers do not fit its wafer as regions{}", unlaid,
                                min_systems > 0 ? fmt::format(" (--systems {} lays them out)", min_systems)
                                                : std::string())
      : min_systems > 0
          ? fmt::format("the target and the draft need {} systems (--systems {})", min_systems, min_systems)
          : std::string("a layer of the target or the draft is larger than one wafer's SRAM");
  return "--draft-model: speculative decoding is modelled with resident weights; " + need;
}

std::string streamed(const std::string& weights, const std::string& kv, int systems, const std::string& sram,
                     int min_systems, int unlaid, int serving, int micro_batches_per_system) {
  const std::string why =
      unlaid >= 0
          ? fmt::format(
                "weights ({}) + KV cache ({}) fit the SRAM of {} system(s) ({}) by bytes, but system {}'s "
                "layers do not fit its wafer as regions (each layer's strip rounds up to whole columns): {}",
                weights, kv, systems, sram, unlaid,
                min_systems > 0 ? fmt::format("--systems {} keeps them resident", min_systems)
                                : std::string("no number of systems lays them out; a larger wafer would"))
          : fmt::format("weights ({}) + KV cache ({}) do not fit the SRAM of {} system(s) ({}): {}", weights,
                        kv, systems, sram,
                        min_systems > 0 ? fmt::format("--systems {} keeps them resident", min_systems)
                                        : std::string("no number of systems keeps them resident (a layer is "
                                                      "larger than one wafer's SRAM or its regions)"));
  return fmt::format("{}; weights stream from MemoryX every decode step{}", why,
                     serving > 1
                         ? fmt::format(", broadcast to {} systems (SwarmX) that each run every layer for {} "
                                       "of the micro-batches and hold their KV cache",
                                       serving, micro_batches_per_system)
                         : std::string());
}

std::string layout_needs_more(int by_bytes, int resident, const std::string& name, double bytes,
                              double wafer) {
  return fmt::format(
      "the weights' bytes fit {} systems' SRAM, but whole layers share wafers: {} keep them resident (the "
      "largest layer, {}, is {:.1f} GB of a wafer's {:.1f} GB)",
      by_bytes, resident, name, bytes / 1e9, wafer / 1e9);
}

std::string memoryx_bound(const std::string& weights, double gb_per_s, int min_systems) {
  return fmt::format(
      "weights ({}) stream from MemoryX every step at {:.0f} GB/s: {}", weights, gb_per_s,
      min_systems > 0 ? fmt::format("{} systems keep them resident (--systems {})", min_systems, min_systems)
                      : std::string("no number of systems keeps them resident"));
}

std::string sliding_window(int window, int sinks, int period, int global_every) {
  return fmt::format("sliding window {}: the KV cache keeps the last {} tokens{}", window, window + sinks,
                     global_every > 1 ? fmt::format(" on {} blocks in {}", global_every - 1, global_every)
                     : period > 1     ? fmt::format(" on one block in {}", period)
                                      : "");
}

void add_capacity_notes(InferStats& st, int by_bytes, const std::string& largest, double largest_bytes,
                        double wafer_bytes, int max_seq) {
  if (st.min_systems > by_bytes && by_bytes > 0)
    st.notes.push_back(layout_needs_more(by_bytes, st.min_systems, largest, largest_bytes, wafer_bytes));
  if (max_seq > 0 && st.max_context > max_seq)
    st.notes.push_back(fmt::format("the SRAM would hold a {}-token context at this batch; the model's is {}",
                                   st.max_context, max_seq));
}

void add_layout_notes(InferStats& st, long long wafer_pes) {
  int partial = 0;  // systems whose layers decode fastest on part of their wafer
  long long used = 0;
  for (const auto& p : st.per_system) {
    used += p.tiles;
    partial += p.tiles < wafer_pes ? 1 : 0;
  }
  const auto systems = static_cast<int>(st.per_system.size());
  if (partial > 0)
    st.notes.push_back(
        compact(partial, systems, static_cast<double>(used) / (static_cast<double>(wafer_pes) * systems)));
  int split = 0;
  const InferLayer* example = nullptr;
  for (const auto& L : st.layers)
    if (L.dense_w > 0) {
      ++split;
      if (example == nullptr) example = &L;
    }
  if (example != nullptr)
    st.notes.push_back(dense_part(split, example->dense_w, example->dense_h, example->w, example->h));
}

std::string compact(int partial, int systems, double share) {
  return fmt::format(
      "the layers of {} of {} system(s) decode fastest on part of their wafer ({:.0f}% of the systems' PEs "
      "hold "
      "layers): spread wider, each layer's broadcasts and reduction chains would be longer than what its "
      "extra PEs save (--layout fill spreads them over every PE: prefill faster, decode slower)",
      partial, systems, 100 * share);
}

std::string dense_part(int blocks, int w, int h, int region_w, int region_h) {
  return fmt::format(
      "{} mixture-of-experts block(s) (* in the breakdown) run their attention, norms, router and shared "
      "experts on a part at the centre of their region (e.g. {}x{} of {}x{}), the routed experts spread over "
      "all of it: a region sized by the experts' bytes would lengthen every broadcast and chain of the small "
      "ops (--layout fill runs every op over the whole region)",
      blocks, w, h, region_w, region_h);
}

std::string narrow_values(double weight_bits, double expert_bits, double kv_bits, double width) {
  const std::string experts = expert_bits > 0 && expert_bits != weight_bits
                                  ? fmt::format(" (the routed experts in {:g})", expert_bits)
                                  : std::string();
  return fmt::format(
      "weights stored in {:g} bits{}, the KV cache in {:g}: each value narrower than {:g} bits is widened "
      "before "
      "its FMAC (the SDK lists no narrower FMAC; an assumption, docs/inference.md): one more op, and the "
      "widened value written and read back, per value read",
      weight_bits, experts, kv_bits, width);
}

}  // namespace wafersim::infer_notes
