// libFuzzer target: the spec-to-simulation path without SystemC (SystemC elaborates once per
// process, so simulate()/run_cluster() cannot run per input). The fuzz bytes pick a small system
// (applied as `--set` overrides on the built-in cs2.yaml, so the spec passes the real validation)
// and a small transformer; then the LayerGraph, the weight-streaming plan, the pipelined plan
// and the pipeline discrete-event simulation run, configured as src/sim/pipelined.cpp does, and
// for a decoder `infer` (analytical, no SystemC) with fuzzed systems, batch, micro-batches,
// lengths, synchronous wafer I/O and a draft model for speculative decoding.
// Invariants: times > 0 and finite, regions disjoint and inside the usable grid, per-tile SRAM
// within capacity, the batch covered by the micro-batches; for inference also the layers in
// order over the systems, each system's bytes within its SRAM, aggregate = batch x per user.
#include <fmt/format.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "fuzz_common.hpp"
#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/map/pipeline_plan.hpp"
#include "wafersim/map/placement.hpp"
#include "wafersim/map/ws_plan.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/sim/pipeline_des.hpp"
#include "wafersim/spec/system_spec.hpp"

using namespace wafersim;

namespace {

std::vector<Override> small_system(FuzzedDataProvider& in) {
  std::vector<Override> o;
  const auto set = [&](const char* path, std::string value) {
    o.push_back({path, std::move(value), "fuzz"});
  };
  const int w = in.ConsumeIntegralInRange(4, 64);
  const int h = in.ConsumeIntegralInRange(4, 64);
  const int ux = in.ConsumeIntegralInRange(0, 2);
  const int uy = in.ConsumeIntegralInRange(0, 2);
  set("wafer.width", std::to_string(w));
  set("wafer.height", std::to_string(h));
  set("wafer.usable.x", std::to_string(ux));
  set("wafer.usable.y", std::to_string(uy));
  set("wafer.usable.width", std::to_string(w - ux));
  set("wafer.usable.height", std::to_string(h - uy));
  set("wafer.dies_x", "1");
  set("wafer.dies_y", "1");
  set("pe.sram", fmt::format("{} B", in.ConsumeIntegralInRange(4 << 10, 64 << 10)));
  set("pe.sram_reserved", fmt::format("{} B", in.ConsumeIntegralInRange(0, 4 << 10)));
  set("map.tile_reserve", fmt::format("{} B", in.ConsumeIntegralInRange(0, 1 << 10)));
  set("pe.clock", fmt::format("{} MHz", in.ConsumeIntegralInRange(100, 3000)));
  set("pe.fmac_issue_efficiency", fmt::format("{}", in.ConsumeIntegralInRange(5, 100) / 100.0));
  set("pe.op_setup_cycles", std::to_string(in.ConsumeIntegralInRange(0, 64)));
  set("pe.sparsity", fmt::format("{}", in.ConsumeIntegralInRange(0, 90) / 100.0));
  set("router.hop_latency", std::to_string(in.ConsumeIntegralInRange(1, 8)));
  set("router.wavelets_per_cycle", fmt::format("{}", in.ConsumeIntegralInRange(1, 8) / 4.0));
  set("io.ports", std::to_string(in.ConsumeIntegralInRange(1, 16)));
  set("io.port_bandwidth", fmt::format("{} Gb/s", in.ConsumeIntegralInRange(1, 400)));
  set("memoryx.bandwidth", fmt::format("{} Gb/s", in.ConsumeIntegralInRange(1, 4000)));
  set("memoryx.capacity", fmt::format("{} MB", in.ConsumeIntegralInRange(1, 1 << 20)));
  set("swarmx.fanout", std::to_string(in.ConsumeIntegralInRange(2, 16)));
  set("input.workers", std::to_string(in.ConsumeIntegralInRange(1, 16)));
  set("input.worker_bandwidth", fmt::format("{} Gb/s", in.ConsumeIntegralInRange(1, 400)));
  set("calibration.compute_efficiency", fmt::format("{}", in.ConsumeIntegralInRange(10, 100) / 100.0));
  set("sim.weight_buffers", std::to_string(in.ConsumeIntegralInRange(1, 4)));
  static const char* const strategies[] = {"auto", "strips", "bisection"};
  set("map.strategy", strategies[in.ConsumeIntegralInRange(0, 2)]);
  return o;
}

ModelSpec small_transformer(FuzzedDataProvider& in) {
  ModelSpec m;
  TransformerSpec& a = m.arch;
  a.name = "fuzz";
  a.arch = in.ConsumeBool() ? Arch::decoder : Arch::encoder;
  a.layers = in.ConsumeIntegralInRange(1, 4);
  a.heads = in.ConsumeIntegralInRange(1, 8);
  const int head_dim = in.ConsumeIntegralInRange(1, 32);
  a.hidden = a.heads * head_dim;
  // kv_heads divides heads (GQA); 0 = same as heads.
  const int kv_div = in.ConsumeIntegralInRange(0, a.heads);
  a.kv_heads = kv_div == 0 || a.heads % kv_div != 0 ? 0 : a.heads / kv_div;
  a.ffn = in.ConsumeIntegralInRange(1, 4 * a.hidden);
  a.vocab = in.ConsumeIntegralInRange(2, 4096);
  m.training.seq = in.ConsumeIntegralInRange(8, 128);
  a.max_seq = m.training.seq + in.ConsumeIntegralInRange(0, 128);
  a.position = in.ConsumeBool() ? PositionEmbedding::learned : PositionEmbedding::rotary;
  a.rotary_dim = a.position == PositionEmbedding::rotary ? in.ConsumeIntegralInRange(0, head_dim) : 0;
  a.norm = in.ConsumeBool() ? NormKind::layernorm : NormKind::rmsnorm;
  static const ActivationKind acts[] = {ActivationKind::gelu, ActivationKind::relu, ActivationKind::swiglu};
  a.activation = acts[in.ConsumeIntegralInRange(0, 2)];
  a.tied_embeddings = in.ConsumeBool();
  a.bias = in.ConsumeBool();
  a.parallel_block = a.arch == Arch::decoder && in.ConsumeBool();
  a.type_vocab = a.arch == Arch::encoder ? in.ConsumeIntegralInRange(0, 2) : 0;
  m.training.batch = in.ConsumeIntegralInRange(1, 64);
  static const DType dtypes[] = {DType::fp16, DType::bf16, DType::fp32};
  m.training.compute = dtypes[in.ConsumeIntegralInRange(0, 2)];
  static const char* const optimizers[] = {"adamw", "adam", "sgd"};
  m.training.optimizer = optimizers[in.ConsumeIntegralInRange(0, 2)];
  m.training.activation_checkpointing = in.ConsumeBool();
  // The attention's width apart from hidden (Mistral NeMo, Gemma), Qwen2's QKV biases and Gemma
  // 2's block layout: windows on some blocks with sinks, sandwich norms, soft-capping.
  if (in.ConsumeBool()) a.head_dim = in.ConsumeIntegralInRange(1, 32);
  if (a.rotary_dim > head_dim_of(a)) a.rotary_dim = head_dim_of(a);
  a.qkv_bias = in.ConsumeBool();
  if (a.arch == Arch::decoder && in.ConsumeBool()) {
    a.sliding_window = in.ConsumeIntegralInRange(1, 64);
    a.sliding_window_period = in.ConsumeIntegralInRange(1, 3);
    a.attention_sinks = in.ConsumeIntegralInRange(0, 8);
  }
  a.sandwich_norm = a.arch == Arch::decoder && !a.parallel_block && in.ConsumeBool();
  a.logit_softcap = in.ConsumeBool();
  a.qk_norm = in.ConsumeBool();  // Qwen3
  // A mixture of experts: E routed experts of their own width, k per token, a shared one
  // (gated as Qwen2-MoE's or not).
  if (in.ConsumeBool()) {
    a.experts = in.ConsumeIntegralInRange(2, 16);
    a.experts_per_token = in.ConsumeIntegralInRange(1, a.experts);
    if (in.ConsumeBool()) a.expert_ffn = in.ConsumeIntegralInRange(1, 2 * a.hidden);
    if (in.ConsumeBool()) a.shared_expert_ffn = in.ConsumeIntegralInRange(1, 2 * a.hidden);
    a.shared_expert_gate = a.shared_expert_ffn > 0 && in.ConsumeBool();
    a.first_dense_layers = in.ConsumeIntegralInRange(0, a.layers);  // dense blocks first (GLM-4.5)
    a.moe_layer_step = in.ConsumeIntegralInRange(1, 3);             // experts on every step-th block
  }
  // An encoder-decoder (T5, the Transformer): pre-norm blocks, cross-attention from a target of
  // its own length (and vocabulary) to the source, relative or fixed positions, dense FFNs.
  if (a.experts == 0 && in.ConsumeBool()) {
    a.arch = Arch::encoder_decoder;
    a.decoder_layers = in.ConsumeIntegralInRange(1, 4);
    a.decoder_seq = in.ConsumeIntegralInRange(0, 128);
    a.tgt_vocab = in.ConsumeBool() ? in.ConsumeIntegralInRange(2, 4096) : 0;
    a.position = in.ConsumeBool() ? PositionEmbedding::relative : PositionEmbedding::fixed;
    a.relative_buckets = in.ConsumeIntegralInRange(1, 64);
    a.rotary_dim = 0;
    a.parallel_block = a.sandwich_norm = false;
    a.sliding_window = a.attention_sinks = a.type_vocab = 0;
    a.sliding_window_period = 1;
  }
  // gpt-oss: a sink logit per head, a biased router, no bias on the vocabulary projection (read
  // last, so an input that ends earlier keeps the defaults).
  a.sink_logits = in.ConsumeBool();
  a.router_bias = a.experts > 0 && in.ConsumeBool();
  a.head_bias = !in.ConsumeBool();
  // DeepSeek's latent attention in decoder blocks: its own widths, Q through a latent or not.
  if (a.arch == Arch::decoder && !a.parallel_block && in.ConsumeBool()) {
    a.kv_lora_rank = in.ConsumeIntegralInRange(1, 64);
    a.q_lora_rank = in.ConsumeIntegralInRange(0, 64);
    a.qk_nope_dim = in.ConsumeIntegralInRange(1, 32);
    a.qk_rope_dim = in.ConsumeIntegralInRange(1, 16);
    a.v_head_dim = in.ConsumeIntegralInRange(1, 32);
  }
  // Gemma 3: every Nth block global, the others windowed.
  if (a.sliding_window > 0 && in.ConsumeBool()) a.global_attention_every = in.ConsumeIntegralInRange(2, 6);
  return m;
}

void check_cost(const KernelCost& c, const char* what) {
  fuzz::require(std::isfinite(c.cycles) && c.cycles >= 0, what);
}

void weight_streaming(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph, int systems) {
  TileArray tiles = TileArray::from_spec(spec);
  const WsPlan p = plan_weight_streaming(spec, model, graph, systems, tiles);
  fuzz::require(p.micro_batch >= 1 && p.micro_batch <= p.max_micro_batch, "ws: 1 <= micro_batch <= max");
  fuzz::require(static_cast<long long>(p.micro_batch) * p.micro_batches >= p.batch_per_system,
                "ws: micro-batches cover the batch");
  fuzz::require(p.sram.max <= tiles.capacity(), "ws: per-tile SRAM within capacity");
  fuzz::require(tiles.summary(spec.wafer.usable).max <= tiles.capacity(), "ws: no tile over capacity");
  fuzz::require(p.layers.size() == graph.groups().size(), "ws: one compiled layer per group");
  for (const auto& l : p.layers) {
    fuzz::require_time(l.fwd_total.cycles, "ws: layer forward cycles > 0 and finite");
    fuzz::require_time(l.bwd_total.cycles, "ws: layer backward cycles > 0 and finite");
    for (const auto& k : l.forward) check_cost(k.cost, "ws: forward kernel cycles finite, >= 0");
    for (const auto& k : l.backward) check_cost(k.cost, "ws: backward kernel cycles finite, >= 0");
  }
}

void pipelined(const SystemSpec& spec, const ModelSpec& model, const LayerGraph& graph, int batches) {
  TileArray tiles = TileArray::from_spec(spec);
  const PipelinePlan plan = plan_pipelined(spec, model, graph, tiles);
  fuzz::require(!plan.stages.empty(), "pipe: stages");
  std::vector<Rect> regions;
  for (const auto& st : plan.stages) {
    regions.push_back(st.region);
    fuzz::require(st.region.area() > 0, "pipe: non-empty region");
    fuzz::require(rect_inside(st.region, spec.wafer.usable), "pipe: region inside the usable grid");
    fuzz::require(st.sram.max <= tiles.capacity(), "pipe: stage SRAM within capacity");
    fuzz::require_time(st.fwd_cycles, "pipe: forward cycles > 0 and finite");
    fuzz::require_time(st.bwd_cycles, "pipe: backward cycles > 0 and finite");
    fuzz::require(std::isfinite(st.update_cycles) && st.update_cycles >= 0, "pipe: update cycles finite");
    fuzz::require(std::isfinite(st.xfer_cycles) && st.xfer_cycles >= 0, "pipe: transfer cycles finite");
    fuzz::require(st.demand.in_flight >= 1, "pipe: in flight >= 1");
  }
  fuzz::require(rects_disjoint(regions), "pipe: regions disjoint");
  fuzz::require(tiles.summary(spec.wafer.usable).max <= tiles.capacity(), "pipe: no tile over capacity");

  // As the simulator configures the pipeline.
  const PipeConfig pc = pipe_config(spec, model, plan, batches);
  const PipeResult r = run_pipeline(pc);
  const double window = r.window_end_s - r.window_start_s;
  fuzz::require_time(window, "pipe DES: step window > 0 and finite");
  fuzz::require(r.batch_end_s.size() == static_cast<std::size_t>(batches), "pipe DES: every batch ends");
  fuzz::require(std::is_sorted(r.batch_end_s.begin(), r.batch_end_s.end()), "pipe DES: batches end in order");
  const double slack = 1 + 1e-9;
  for (const auto& s : r.stages) {
    const double busy = s.busy_fwd_s + s.busy_bwd_s + s.busy_update_s;
    fuzz::require(std::isfinite(busy) && busy >= 0 && busy <= window * slack,
                  "pipe DES: stage busy within window");
  }
  for (double b : r.link_busy_s)
    fuzz::require(std::isfinite(b) && b >= 0 && b <= window * slack, "pipe DES: link busy within window");
  fuzz::require(r.input_busy_s >= 0 && r.input_busy_s <= window * slack,
                "pipe DES: input busy within window");
}

void inference(const SystemSpec& spec, const ModelSpec& model, FuzzedDataProvider& in) {
  InferOptions o;
  o.systems = in.ConsumeIntegralInRange(1, 6);
  o.batch = in.ConsumeIntegralInRange(1, 16);
  o.micro_batches = in.ConsumeIntegralInRange(0, o.batch);  // 0: the default
  o.prompt = in.ConsumeIntegralInRange(1, 96);
  o.generate = in.ConsumeIntegralInRange(1, 64);
  o.wafer_io = in.ConsumeBool() ? WaferIo::sync : WaferIo::async;
  o.trace_rounds = in.ConsumeIntegralInRange(0, 2);
  o.layout = in.ConsumeBool() ? InferLayout::fill : InferLayout::compact;
  // Stored widths: 0 (the model's), or 1..16 bits in quarters (MXFP4 is 4.25).
  o.weight_bits = in.ConsumeBool() ? 0.0 : in.ConsumeIntegralInRange(4, 64) / 4.0;
  o.kv_bits = in.ConsumeBool() ? 0.0 : in.ConsumeIntegralInRange(4, 64) / 4.0;
  if (in.ConsumeBool()) {  // serving: a few Poisson requests
    o.arrival_rate = in.ConsumeIntegralInRange(1, 100000) / 100.0;
    o.requests = in.ConsumeIntegralInRange(1, 40);
    o.seed = in.ConsumeIntegral<std::uint64_t>();
    o.request_log = in.ConsumeBool();
    if (in.ConsumeBool()) o.prefill_chunk = o.batch + in.ConsumeIntegralInRange(1, 128);  // chunked prefill
    if (in.ConsumeBool()) {  // lengths drawn per request
      o.prompt_min = in.ConsumeIntegralInRange(1, o.prompt);
      o.generate_min = in.ConsumeIntegralInRange(1, o.generate);
    }
    if (in.ConsumeBool()) {  // replicas sharing the requests
      o.replicas = in.ConsumeIntegralInRange(2, 6);
      const Routing routings[] = {Routing::round_robin, Routing::least_outstanding, Routing::shared_queue};
      o.routing = routings[in.ConsumeIntegralInRange(0, 2)];
      if (in.ConsumeBool())  // replicas of different sizes
        for (int r = 0; r < o.replicas; ++r) o.replica_systems.push_back(in.ConsumeIntegralInRange(1, 4));
    }
    if (in.ConsumeIntegralInRange(0, 7) == 0) {  // a capacity search (a few dozen serving runs)
      o.slo_ttft_p99_s = in.ConsumeIntegralInRange(0, 1000) / 1000.0;
      o.slo_tbt_p99_s = in.ConsumeIntegralInRange(o.slo_ttft_p99_s > 0 ? 0 : 1, 1000) / 10000.0;
      if (in.ConsumeBool()) o.slo_tpot_p99_s = in.ConsumeIntegralInRange(1, 1000) / 10000.0;
    }
    if (in.ConsumeBool()) {  // disaggregated: prefill replicas apart (their prompts chunked too)
      o.prefill_replicas = in.ConsumeIntegralInRange(1, 4);
      o.prefill_systems = in.ConsumeIntegralInRange(0, 4);
      o.prefill_batch = in.ConsumeIntegralInRange(0, o.batch);  // the prefill pool's own (0: --batch)
      if (in.ConsumeBool())
        o.prefill_spec = std::make_shared<const SystemSpec>(default_system_spec());  // mixed pools
    }
  }
  if (in.ConsumeBool()) {  // speculative decoding with a smaller draft of the same family
    ModelSpec draft = model;
    draft.arch.name = "fuzz-draft";
    draft.arch.layers = 1;
    draft.arch.ffn = std::max(1, model.arch.ffn / in.ConsumeIntegralInRange(1, 4));
    draft.arch.vocab = in.ConsumeBool() ? model.arch.vocab : in.ConsumeIntegralInRange(2, 4096);
    o.draft = draft;
    o.speculate = in.ConsumeIntegralInRange(0, 6);
    o.acceptance = in.ConsumeIntegralInRange(-1, 100) / 100.0;
  }
  const InferStats st = infer(spec, model, o);
  fuzz::require_time(st.ttft_s, "infer: TTFT > 0 and finite");
  fuzz::require_time(st.tpot_s, "infer: time per output token > 0 and finite");
  fuzz::require(std::abs(st.tokens_per_s - o.batch * st.tokens_per_s_per_user) <= 1e-9 * st.tokens_per_s,
                "infer: aggregate = batch x per user");
  fuzz::require(st.request_s >= st.ttft_s, "infer: request >= TTFT");
  fuzz::require(st.placement == "sram" || st.placement == "memoryx", "infer: placement");
  fuzz::require(st.layout == (o.layout == InferLayout::fill ? "fill" : "compact"), "infer: layout reported");
  if (o.searches_capacity()) {
    const CapacityStats& c = st.capacity;
    fuzz::require(c.searched && c.runs > 0 && (!c.feasible || c.rate > 0), "capacity: searched");
    if (c.feasible)
      fuzz::require((o.slo_ttft_p99_s == 0 || st.serving.ttft_p99_s <= o.slo_ttft_p99_s) &&
                        (o.slo_tbt_p99_s == 0 || st.serving.tbt_p99_s <= o.slo_tbt_p99_s) &&
                        (o.slo_tpot_p99_s == 0 || st.serving.tpot_p99_s <= o.slo_tpot_p99_s) &&
                        (c.upper_rate == 0 || c.upper_rate > c.rate),
                    "capacity: the run at the rate found meets the objectives");
  }
  if (o.serving()) {
    const ServingStats& v = st.serving;
    fuzz::require(v.simulated && v.requests == o.requests && v.max_batch == o.batch, "serving: as asked");
    fuzz::require(v.ttft_p50_s > 0 && v.ttft_p50_s <= v.ttft_p90_s && v.ttft_p90_s <= v.ttft_p99_s &&
                      std::isfinite(v.ttft_p99_s),
                  "serving: TTFT percentiles ordered and finite");
    fuzz::require(v.latency_p50_s >= v.ttft_p50_s && v.latency_p99_s >= v.latency_p50_s, "serving: latency");
    fuzz::require(v.mean_batch >= 0 && v.mean_batch <= o.batch + 1e-9, "serving: batch within --batch");
    fuzz::require(v.busy_fraction >= 0 && v.busy_fraction <= 1, "serving: busy fraction");
    fuzz::require(v.prefill_fraction >= 0 && v.prefill_fraction <= 1 + 1e-9, "serving: the prompts' share");
    fuzz::require(v.prefill_chunk == o.prefill_chunk, "serving: chunk as asked");
    int dealt = 0;
    for (const int n : v.replica_requests) dealt += n;
    fuzz::require(v.replicas == o.replicas && v.routing == to_string(o.routing) &&
                      v.replica_requests.size() == static_cast<std::size_t>(o.replicas) &&
                      v.replica_busy.size() == v.replica_requests.size() &&
                      (dealt == o.requests || (o.prefill_replicas > 0 && dealt <= o.requests)),
                  "serving: every request dealt to one of the replicas");
    fuzz::require(v.replica_systems.size() == static_cast<std::size_t>(o.replicas) &&
                      (o.replica_systems.empty() || v.replica_systems == o.replica_systems),
                  "serving: each replica's systems as asked");
    for (const double b : v.replica_busy) fuzz::require(b >= 0 && b <= 1, "serving: a replica's busy share");
    int prefilled = 0;
    for (const int n : v.prefill_replica_requests) prefilled += n;
    fuzz::require(v.prefill_replicas == o.prefill_replicas &&
                      v.prefill_replica_requests.size() == static_cast<std::size_t>(o.prefill_replicas) &&
                      (o.prefill_replicas == 0 || prefilled == o.requests) && v.kv_transfer_mean_s >= 0 &&
                      v.kv_transfer_mean_s <= v.kv_transfer_max_s && std::isfinite(v.kv_transfer_max_s),
                  "serving: disaggregated prefill as asked, every request prefilled once");
    fuzz::require(v.prompt_max == st.prompt && v.generate_max == st.generate &&
                      v.prompt_min == (o.prompt_min > 0 ? o.prompt_min : st.prompt) &&
                      v.generate_min == (o.generate_min > 0 ? o.generate_min : st.generate),
                  "serving: the lengths' ranges as asked");
    fuzz::require(v.tbt_p50_s >= 0 && v.tbt_p50_s <= v.tbt_p99_s && v.tbt_p99_s <= v.tbt_max_s &&
                      std::isfinite(v.tbt_max_s) && (o.generate == 1 || v.tbt_p50_s > 0),
                  "serving: time between tokens ordered and finite");
    fuzz::require(v.request_log.size() == (o.request_log ? static_cast<std::size_t>(o.requests) : 0),
                  "serving: the request log has every request when asked");
    for (const RequestRecord& r : v.request_log)
      fuzz::require(
          r.arrival_s <= r.first_token_s && r.first_token_s <= r.done_s &&
              (r.kv_arrival_s < 0 || (r.first_token_s < r.kv_arrival_s && r.kv_arrival_s <= r.done_s)),
          "serving: a request's times in order");
  }
  fuzz::require(
      st.weight_bits >= 1 && st.weight_bits <= 32 && (o.weight_bits == 0 || st.weight_bits <= o.weight_bits),
      "infer: weight bits within 1..the asked");
  fuzz::require(!st.per_system.empty() && st.per_system.size() <= static_cast<std::size_t>(o.systems),
                "infer: 1..systems systems listed");
  const double slack = 1 + 1e-9;
  if (st.placement == "sram") {
    int next = 0;
    std::vector<Rect> regions;
    for (const auto& s : st.per_system) {
      fuzz::require(s.first_layer == next, "infer: layers in order over the systems");
      fuzz::require(s.weight_bytes + s.kv_bytes <= s.capacity_bytes * slack,
                    "infer: system bytes within SRAM");
      next = s.last_layer + 1;
    }
    fuzz::require(next == static_cast<int>(st.layers.size()), "infer: every layer placed");
    for (std::size_t s = 0; s < st.per_system.size(); ++s) {
      regions.clear();
      for (const auto& l : st.layers)
        if (l.system == static_cast<int>(s)) {
          const Rect r{l.x, l.y, l.w, l.h};
          fuzz::require(rect_inside(r, spec.wafer.usable), "infer: region inside the usable grid");
          // A mixture of experts' dense part (compact layout) lies within its region.
          fuzz::require(l.dense_w == 0 || (l.dense_w <= l.w && l.dense_h <= l.h && l.dense_h > 0 &&
                                           o.layout == InferLayout::compact),
                        "infer: dense part within its region, compact layout only");
          regions.push_back(r);
        }
      fuzz::require(rects_disjoint(regions), "infer: a system's regions disjoint");
    }
  } else {
    for (const auto& s : st.per_system)
      fuzz::require(s.kv_bytes <= s.capacity_bytes * slack, "infer: a serving system's KV cache within SRAM");
  }
  for (const auto& l : st.layers) {
    fuzz::require(std::isfinite(l.decode_s) && l.decode_s > 0, "infer: layer decode time > 0 and finite");
    fuzz::require(std::isfinite(l.prefill_s) && l.prefill_s >= 0, "infer: layer prefill time finite");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::vector<Override> overrides = small_system(in);
  const ModelSpec model = small_transformer(in);
  const int systems = in.ConsumeIntegralInRange(1, 4);
  const int batches = in.ConsumeIntegralInRange(2, 4);
  fuzz::guarded([&] {
    const SystemSpec spec = default_system_spec(overrides);
    const LayerGraph graph = build_transformer_graph(model.arch, model.training.seq);
    fuzz::require(graph.total_params() == transformer_params(model.arch), "graph params == closed form");
    // Each mode on its own: a model that does not fit one mode may still run in the other.
    fuzz::guarded([&] { weight_streaming(spec, model, graph, systems); });
    fuzz::guarded([&] { pipelined(spec, model, graph, batches); });
    if (model.arch.arch == Arch::decoder) fuzz::guarded([&] { inference(spec, model, in); });
  });
  return 0;
}
