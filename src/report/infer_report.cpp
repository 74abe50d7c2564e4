// Printers of an inference run (infer_report.hpp).
#include "wafersim/report/infer_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "wafersim/core/text.hpp"
#include "wafersim/report/json_report.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim {

nlohmann::ordered_json infer_json(const InferStats& s) {
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["command"] = "infer";
  j["system"] = s.system_name;
  j["model"] = s.model_name;
  j["systems"] = s.systems;
  j["batch"] = s.batch;
  j["micro_batches"] = s.micro_batches;
  j["prompt"] = s.prompt;
  j["generate"] = s.generate;
  j["context"] = s.context;
  j["placement"] = s.placement;
  j["wafer_io"] = s.wafer_io;
  j["layout"] = s.layout;
  j["weight_bits"] = s.weight_bits;
  j["kv_bits"] = s.kv_bits;
  if (s.expert_bits > 0) j["expert_bits"] = s.expert_bits;
  j["ttft_s"] = s.ttft_s;
  j["tpot_s"] = s.tpot_s;
  j["tokens_per_s_per_user"] = s.tokens_per_s_per_user;
  j["tokens_per_s"] = s.tokens_per_s;
  j["request_s"] = s.request_s;
  j["prefill_bottleneck"] = s.prefill_bottleneck;
  j["decode_bottleneck"] = s.decode_bottleneck;
  j["decode_reason"] = s.decode_reason;
  j["decode"] = {{"kernels_s", s.decode_compute_s},
                 {"latency_s", s.decode_fill_s},
                 {"links_s", s.decode_link_s},
                 {"memoryx_s", s.decode_memoryx_s},
                 {"pipeline_wait_s", s.decode_wait_s},
                 {"wafer_io_s", s.decode_wafer_io_s},
                 // of the time per output token: attending to the cached tokens, at this context
                 {"context_s", s.decode_keys_s},
                 {"context_tokens", s.decode_context}};
  j["utilization"] = {{"decode_compute", s.decode_compute_utilization},
                      {"decode_sram_bandwidth", s.decode_sram_bandwidth_utilization},
                      {"links", s.link_utilization}};
  j["memory"] = {{"weight_bytes", s.weight_bytes},
                 {"kv_bytes", s.kv_bytes},
                 {"kv_bytes_per_token", s.kv_bytes_per_token},
                 {"sram_capacity_bytes", s.sram_capacity_bytes},
                 {"min_systems", s.min_systems},
                 {"max_context", s.max_context}};
  if (s.speculate > 0)
    j["speculative"] = {{"draft_model", s.draft_model},
                        {"speculate", s.speculate},
                        {"acceptance", s.acceptance},
                        {"tokens_per_round", s.tokens_per_round},
                        {"draft_s_per_round", s.draft_s_per_round},
                        {"verify_s_per_round", s.verify_s_per_round}};
  auto& sys = j["per_system"] = nlohmann::ordered_json::array();
  for (const auto& p : s.per_system)
    sys.push_back({{"system", p.index},
                   {"layers", {p.first_layer, p.last_layer}},
                   {"weight_bytes", p.weight_bytes},
                   {"kv_bytes", p.kv_bytes},
                   {"capacity_bytes", p.capacity_bytes},
                   {"tiles", p.tiles},
                   {"decode_s", p.decode_s},
                   {"prefill_s", p.prefill_s}});
  auto& layers = j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : s.layers) {
    nlohmann::ordered_json L = {
        {"name", l.name}, {"system", l.system}, {"region", {{"x", l.x}, {"y", l.y}, {"w", l.w}, {"h", l.h}}}};
    // A mixture of experts laid out split: where its ops other than the routed experts run.
    if (l.dense_w > 0) L["dense_region"] = {{"w", l.dense_w}, {"h", l.dense_h}};
    L.update({{"params", l.params},
              {"weight_bytes", l.weight_bytes},
              {"kv_bytes", l.kv_bytes},
              {"sram_per_tile", l.sram_per_tile},
              {"prefill_s", l.prefill_s},
              {"decode_s", l.decode_s},
              {"decode_latency_s", l.decode_fill_s},
              {"decode_bound", l.decode_bound}});
    layers.push_back(std::move(L));
  }
  if (!s.kernel_checks.empty()) {
    j["fidelity"] = s.fidelity;
    j["kernel_checks"] = kernel_checks_json(s.kernel_checks);
  }
  if (s.energy.modelled)
    j["energy"] = {{"decode", energy_json(s.energy)}, {"prefill", energy_json(s.prefill_energy)}};
  if (s.serving.simulated) {
    const ServingStats& v = s.serving;
    j["serving"] = {
        {"arrival_rate", v.arrival_rate},
        {"requests", v.requests},
        {"seed", v.seed},
        {"max_batch", v.max_batch},
        {"duration_s", v.duration_s},
        {"tokens_per_s", v.tokens_per_s},
        {"requests_per_s", v.requests_per_s},
        {"mean_batch", v.mean_batch},
        {"busy_fraction", v.busy_fraction},
        {"prefill_fraction", v.prefill_fraction},
        {"max_queue", v.max_queue},
        {"replicas", v.replicas},
        {"routing", v.routing},
        {"replica_requests", v.replica_requests},
        {"replica_systems", v.replica_systems},
        {"replica_busy", v.replica_busy},
        {"prefill_replicas", v.prefill_replicas},
        {"prefill_systems", v.prefill_systems},
        {"prefill_system", v.prefill_system},
        {"prefill_batch", v.prefill_batch},
        {"prefill_replica_requests", v.prefill_replica_requests},
        {"prefill_replica_busy", v.prefill_replica_busy},
        {"kv_transfer_s", {{"mean", v.kv_transfer_mean_s}, {"max", v.kv_transfer_max_s}}},
        {"kv_transfer_bytes", v.kv_transfer_bytes},
        {"prefill_chunk", v.prefill_chunk},
        {"trace", v.trace},
        {"time_scale", v.time_scale},
        {"prompt_range", {v.prompt_min, v.prompt_max}},
        {"generate_range", {v.generate_min, v.generate_max}},
        {"ttft_s",
         {{"mean", v.ttft_mean_s}, {"p50", v.ttft_p50_s}, {"p90", v.ttft_p90_s}, {"p99", v.ttft_p99_s}}},
        {"tpot_s", {{"p50", v.tpot_p50_s}, {"p99", v.tpot_p99_s}}},
        {"tbt_s", {{"p50", v.tbt_p50_s}, {"p99", v.tbt_p99_s}, {"max", v.tbt_max_s}}},
        {"latency_s", {{"p50", v.latency_p50_s}, {"p99", v.latency_p99_s}}}};
  }
  if (s.serving.simulated && s.serving.energy_modelled) {
    const ServingStats& v = s.serving;
    j["serving"]["energy"] = {
        {"joules", v.energy_j},
        {"per_output_token_j", v.energy_per_output_token_j},
        {"output_tokens_per_kj", v.energy_per_output_token_j > 0 ? 1e3 / v.energy_per_output_token_j : 0.0},
        {"mean_power_w", v.mean_power_w},
        {"idle_share", v.energy_idle_share},
        {"kv_transfer_j", v.energy_kv_transfer_j}};
  }
  if (s.capacity.searched) {
    const CapacityStats& c = s.capacity;
    j["capacity"] = {{"slo",
                      {{"ttft_p99_s", c.slo_ttft_p99_s},
                       {"tbt_p99_s", c.slo_tbt_p99_s},
                       {"tpot_p99_s", c.slo_tpot_p99_s}}},
                     {"feasible", c.feasible},
                     {"rate", c.rate},
                     {"upper_rate", c.upper_rate},
                     {"tokens_per_s", c.tokens_per_s},
                     {"requests_per_s", c.requests_per_s},
                     {"bound", c.bound},
                     {"runs", c.runs}};
  }
  j["notes"] = s.notes;
  return j;
}

std::string format_infer_json(const InferStats& s) { return json_text(infer_json(s), 2) + "\n"; }

namespace {
// " (8-bit)", " (16-bit, experts 4.25-bit)" or nothing for 16-bit weights.
std::string weights_width(const InferStats& s) {
  const bool experts = s.expert_bits > 0 && s.expert_bits != s.weight_bits;
  if (s.weight_bits >= 16 && !experts) return {};
  return experts ? fmt::format(" ({:g}-bit, experts {:g}-bit)", s.weight_bits, s.expert_bits)
                 : fmt::format(" ({:g}-bit)", s.weight_bits);
}
}  // namespace

std::string format_infer_text(const InferStats& s) {
  std::string o;
  auto out = std::back_inserter(o);
  fmt::format_to(out,
                 "Inference: {} on {} x {}, {} request(s) in {} micro-batch(es), prompt {} + {} generated\n",
                 s.model_name, s.systems, s.system_name, s.batch, s.micro_batches, s.prompt, s.generate);
  fmt::format_to(out, "Placement: {}\n",
                 s.placement == "sram" ? "weights and KV cache resident in SRAM"
                                       : "KV cache in SRAM, weights streamed from MemoryX every step");
  fmt::format_to(
      out,
      "  weights {:.2f} GB{}, KV cache {:.2f} GB{} ({:.0f} KiB per token), SRAM {:.2f} GB; {}; longest "
      "context at this batch {}\n",
      s.weight_bytes / 1e9, weights_width(s), s.kv_bytes / 1e9,
      s.kv_bits < 16 ? fmt::format(" ({:g}-bit)", s.kv_bits) : std::string(), s.kv_bytes_per_token / 1024,
      s.sram_capacity_bytes / 1e9,
      s.min_systems > 0 ? fmt::format("needs {} system(s) to stay resident", s.min_systems)
                        : std::string("no number of systems holds it resident"),
      s.max_context);
  for (const auto& p : s.per_system)
    fmt::format_to(
        out, "  system {}: layers {}..{} ({} .. {}), {:.2f} GB weights{} + {:.2f} GB KV on {} PEs\n", p.index,
        p.first_layer, p.last_layer, s.layers[static_cast<std::size_t>(p.first_layer)].name,
        s.layers[static_cast<std::size_t>(p.last_layer)].name, p.weight_bytes / 1e9,
        s.placement == "sram" ? "" : " streamed in turn", p.kv_bytes / 1e9, p.tiles);
  fmt::format_to(out, "Time to first token:   {:10.3f} ms (prefill bound by {})\n", s.ttft_s * 1e3,
                 s.prefill_bottleneck);
  fmt::format_to(out, "Time per output token: {:10.3f} ms\n", s.tpot_s * 1e3);
  fmt::format_to(out, "Output tokens/s:       {:10.1f} per user, {:.1f} aggregate\n", s.tokens_per_s_per_user,
                 s.tokens_per_s);
  fmt::format_to(out, "Request:               {:10.3f} s (first prompt token to last output token)\n",
                 s.request_s);
  fmt::format_to(out,
                 "Decode step: kernels {:.1f} us, latency {:.1f} us, links {:.1f} us, MemoryX {:.1f} us, "
                 "pipeline wait {:.1f} us{}\n",
                 s.decode_compute_s * 1e6, s.decode_fill_s * 1e6, s.decode_link_s * 1e6,
                 s.decode_memoryx_s * 1e6, s.decode_wait_s * 1e6,
                 s.wafer_io == "sync" ? fmt::format(", wafer I/O (sync) {:.1f} us", s.decode_wafer_io_s * 1e6)
                                      : std::string());
  fmt::format_to(out, "Utilization (decode): compute {:.1f}%, SRAM bandwidth {:.1f}%, links {:.1f}%\n",
                 100 * s.decode_compute_utilization, 100 * s.decode_sram_bandwidth_utilization,
                 100 * s.link_utilization);
  fmt::format_to(out, "Decode bottleneck: {} ({})\n", s.decode_bottleneck, s.decode_reason);
  if (s.serving.simulated) {
    const ServingStats& v = s.serving;
    fmt::format_to(
        out,
        "Serving: {} requests at {:g}/s ({}), up to {} at once: {:.1f} requests/s, {:.1f} output tokens/s, "
        "{:.1f} requests per decode round, busy {:.0f}% (prompts {:.0f}% of it), queue up to {}\n",
        v.requests, v.arrival_rate, v.trace.empty() ? fmt::format("Poisson, seed {}", v.seed) : "a trace",
        v.max_batch, v.requests_per_s, v.tokens_per_s, v.mean_batch, 100 * v.busy_fraction,
        100 * v.prefill_fraction, v.max_queue);
    if (!v.trace.empty())
      fmt::format_to(out,
                     "  requests from {} (arrival times x {:.4g}): prompts {}..{}, outputs {}..{} tokens\n",
                     v.trace, v.time_scale, v.prompt_min, v.prompt_max, v.generate_min, v.generate_max);
    else if (v.prompt_min < v.prompt_max || v.generate_min < v.generate_max)
      fmt::format_to(out, "  lengths drawn per request: prompt {}..{}, output {}..{} tokens (uniform)\n",
                     v.prompt_min, v.prompt_max, v.generate_min, v.generate_max);
    std::string sizes = fmt::format("{}", s.systems);  // "8+4+4" when they differ
    if (std::any_of(v.replica_systems.begin(), v.replica_systems.end(),
                    [&](int n) { return n != s.systems; })) {
      sizes.clear();
      for (const int n : v.replica_systems) {
        if (!sizes.empty()) sizes += '+';
        sizes += fmt::format("{}", n);
      }
    }
    if (v.replicas > 1) {
      const auto [lo, hi] = std::minmax_element(v.replica_busy.begin(), v.replica_busy.end());
      const auto [rlo, rhi] = std::minmax_element(v.replica_requests.begin(), v.replica_requests.end());
      fmt::format_to(out, "  {} replicas of {} system(s), {}: {}..{} requests each, busy {:.0f}%..{:.0f}%\n",
                     v.replicas, sizes, v.routing, *rlo, *rhi, 100 * *lo, 100 * *hi);
    }
    if (v.prefill_replicas > 0) {
      const auto [lo, hi] = std::minmax_element(v.prefill_replica_busy.begin(), v.prefill_replica_busy.end());
      fmt::format_to(
          out,
          "  disaggregated: {} prefill replica(s) of {} system(s){}{}, busy {:.0f}%..{:.0f}%, then each KV "
          "cache to a decode replica ({} of {} system(s){}) in {:.3f} ms on average, {:.3f} ms at most\n",
          v.prefill_replicas, v.prefill_systems,
          v.prefill_system != s.system_name ? fmt::format(" ({})", v.prefill_system) : "",
          v.prefill_batch != s.batch ? fmt::format(" ({} prompts at once)", v.prefill_batch) : "", 100 * *lo,
          100 * *hi, v.replicas, sizes,
          v.prefill_system != s.system_name ? fmt::format(", {}", s.system_name) : "",
          1e3 * v.kv_transfer_mean_s, 1e3 * v.kv_transfer_max_s);
    }
    if (v.prefill_chunk > 0)
      fmt::format_to(
          out, "  chunked prefill: {} tokens per iteration, the decodes' first, prompt chunks the rest\n",
          v.prefill_chunk);
    fmt::format_to(
        out,
        "  TTFT p50 {:.3f} ms, p90 {:.3f} ms, p99 {:.3f} ms; TPOT p50 {:.3f} ms, p99 {:.3f} ms; latency p50 "
        "{:.3f} s, p99 {:.3f} s\n",
        v.ttft_p50_s * 1e3, v.ttft_p90_s * 1e3, v.ttft_p99_s * 1e3, v.tpot_p50_s * 1e3, v.tpot_p99_s * 1e3,
        v.latency_p50_s, v.latency_p99_s);
    fmt::format_to(out, "  time between tokens p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms\n",
                   v.tbt_p50_s * 1e3, v.tbt_p99_s * 1e3, v.tbt_max_s * 1e3);
    if (v.energy_modelled)
      fmt::format_to(
          out, "  energy: {:.3g} J per output token, mean power {:.1f} kW, idle power {:.0f}% of it{}\n",
          v.energy_per_output_token_j, v.mean_power_w / 1e3, 100 * v.energy_idle_share,
          v.energy_kv_transfer_j > 0
              ? fmt::format(", the KV transfers {:.2g}%", 100 * v.energy_kv_transfer_j / v.energy_j)
              : "");
  }
  if (s.capacity.searched && s.capacity.feasible) {
    const CapacityStats& c = s.capacity;
    std::string slo;
    if (c.slo_ttft_p99_s > 0) slo += fmt::format("TTFT p99 <= {:.4g} ms", 1e3 * c.slo_ttft_p99_s);
    if (c.slo_tbt_p99_s > 0)
      slo += fmt::format("{}time between tokens p99 <= {:.4g} ms", slo.empty() ? "" : ", ",
                         1e3 * c.slo_tbt_p99_s);
    if (c.slo_tpot_p99_s > 0)
      slo += fmt::format("{}time per output token p99 <= {:.4g} ms", slo.empty() ? "" : ", ",
                         1e3 * c.slo_tpot_p99_s);
    fmt::format_to(
        out, "Capacity ({}): {:.4g} requests/s, {:.1f} output tokens/s (the serving run above){}\n", slo,
        c.rate, c.tokens_per_s,
        c.upper_rate > 0 ? fmt::format("; at {:.4g}/s the {} is missed", c.upper_rate, c.bound) : "");
  }
  for (const auto& n : s.notes) fmt::format_to(out, "Note: {}\n", n);
  if (!s.kernel_checks.empty())
    o += format_kernel_checks(s.kernel_checks,
                              "Decode kernel cross-check: cycle-level fabric engine vs approx cost model");
  return o;
}

std::string format_request_log_csv(const ServingStats& v) {
  std::string o =
      "request,arrival_s,prompt,generate,prefill_replica,replica,first_token_s,kv_arrival_s,done_s,ttft_s,"
      "tpot_s,latency_s\n";
  auto out = std::back_inserter(o);
  const auto index = [](int i) { return i >= 0 ? fmt::format("{}", i) : std::string(); };
  for (std::size_t i = 0; i < v.request_log.size(); ++i) {
    const RequestRecord& r = v.request_log[i];
    fmt::format_to(out, "{},{:.9g},{},{},{},{},{:.9g},{},{:.9g},{:.9g},{},{:.9g}\n", i, r.arrival_s, r.prompt,
                   r.generate, index(r.prefill_replica), index(r.replica), r.first_token_s,
                   r.kv_arrival_s >= 0 ? fmt::format("{:.9g}", r.kv_arrival_s) : std::string(), r.done_s,
                   r.first_token_s - r.arrival_s,
                   r.generate > 1 ? fmt::format("{:.9g}", (r.done_s - r.first_token_s) / (r.generate - 1))
                                  : std::string(),
                   r.done_s - r.arrival_s);
  }
  return o;
}

std::string format_infer_breakdown(const InferStats& s) {
  std::string o;
  auto out = std::back_inserter(o);
  fmt::format_to(out, "{:<12} {:>3} {:>17} {:>12} {:>12} {:>11} {:>11} {:>11} {}\n", "layer", "sys", "region",
                 "weights MB", "KV MB", "SRAM/tile", "prefill ms", "decode us", "decode bound");
  for (const auto& l : s.layers)
    fmt::format_to(out, "{:<12} {:>3} {:>17} {:>12.1f} {:>12.1f} {:>11.0f} {:>11.3f} {:>11.2f} {}\n", l.name,
                   l.system, fmt::format("{}x{}@({},{}){}", l.w, l.h, l.x, l.y, l.dense_w > 0 ? "*" : ""),
                   l.weight_bytes / 1e6, l.kv_bytes / 1e6, l.sram_per_tile, l.prefill_s * 1e3,
                   l.decode_s * 1e6, l.decode_bound);
  return o;
}

}  // namespace wafersim
