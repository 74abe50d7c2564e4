// Inference: placement of weights and KV cache, prefill and decode timing (infer.hpp).
//
// Placement. The layer groups (embedding, blocks, head) are split over the systems in order,
// balanced by bytes (weights + KV cache), and sit on each wafer in bands of strips
// (infer_layout.hpp). Weights that do not fit stream from MemoryX to every system instead,
// each system then serving a share of the requests.
//
// Kernels come from the same cost model training uses (compile/kernel_cost.hpp), on the
// group's strip: prefill runs each op for the prompt's tokens weight-stationary (the pipelined
// mode's mapping); decode runs each op for one token per request -- a weight GEMM of M = 1 is
// a GEMV: the activation broadcast over the strip, each PE's (K/R x N/C) block, partial sums
// down a reduction chain -- and attention over the KV cache at the step's context length.
//
// Pipelining. A decode step of one micro-batch runs through the groups in order (a token needs
// the previous layer's output), then to the next system over its I/O link; the sampled token
// returns to the first system for the next step. With m micro-batches in flight each system
// works on one at a time, so a round (one token for every request) takes
// max(one micro-batch's trip, m x the busiest system's share). Prefill streams the prompt's
// tokens through the layers: the first token's trip plus the rest at the slowest layer's rate.
#include "wafersim/sim/infer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "infer_capacity.hpp"
#include "infer_check.hpp"
#include "infer_cost.hpp"
#include "infer_energy.hpp"
#include "infer_layout.hpp"
#include "infer_notes.hpp"
#include "infer_options.hpp"
#include "infer_serve.hpp"
#include "infer_trace.hpp"
#include "wafersim/compile/kernel_cost.hpp"
#include "wafersim/compile/lower.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/units.hpp"
#include "wafersim/energy/energy_model.hpp"
#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/tile/tile_array.hpp"

namespace wafersim {
namespace {

using infer_cost::bound_name;
using infer_cost::decode_cost;

constexpr double kWaveletBytes = 4;  // one 32-bit wavelet per link per cycle

// The kernel cost models of a model: its operands' width (elementwise ops, attention's
// activations), and the GEMVs that read the stored weights and the stored KV cache, narrower
// when InferOptions::weight_bits / kv_bits say so (KernelCostModel::set_stationary_bits).
struct Costs {
  KernelCostModel base, weights, experts, kv;
  Costs(const SystemSpec& spec, DType dt, const InferOptions& o)
      : base(spec, dt), weights(spec, dt), experts(spec, dt), kv(spec, dt) {
    if (o.weight_bits > 0) weights.set_stationary_bits(o.weight_bits);
    if (o.expert_bits > 0 || o.weight_bits > 0)
      experts.set_stationary_bits(o.expert_bits > 0 ? o.expert_bits : o.weight_bits);
    if (o.kv_bits > 0) kv.set_stationary_bits(o.kv_bits);
  }
};

// A model the groups belong to: the target, or the draft of speculative decoding.
struct Net {
  const ModelSpec* model = nullptr;
  const LayerGraph* graph = nullptr;
  const Costs* costs = nullptr;
  double act_bytes = 0;  // one token's activation between layers
};

struct Group {
  LayerGroup g;
  const Net* net = nullptr;
  bool draft = false;
  double weight_bytes = 0;
  double kv_bytes = 0;
  double expert_bytes = 0;  // of weight_bytes: the routed experts'
  double keys = 0;          // cached tokens its decode step attends to, on average
  bool head = false;        // the vocabulary projection (and loss): logits of each prompt's last token only
  double bytes() const { return weight_bytes + kv_bytes; }
};

std::string gb(double bytes) { return fmt::format("{:.1f} GB", bytes / 1e9); }

infer_cost::DecodeModels models_of(const Net& net) {
  return {net.costs->base, net.costs->weights, net.costs->experts, net.costs->kv};
}

}  // namespace

InferStats infer_capacity::infer_one(const SystemSpec& spec, const ModelSpec& model_in,
                                     const InferOptions& given, infer_serve::StepCache* steps) {
  std::vector<std::string> defaults;  // the lengths the options left to their defaults
  const InferOptions o = infer_options::resolved(spec, model_in, given, defaults);
  const long long context = static_cast<long long>(o.prompt) + o.generate;
  const bool speculative = o.draft.has_value();
  const int k_spec = speculative ? o.speculate : 0;
  const double verify_tokens = 1.0 + k_spec;  // tokens per request in one target step

  const auto prepared = [&](const ModelSpec& in) {
    ModelSpec m = in;
    m.training.seq = o.prompt;
    m.training.batch = o.batch;
    m.training.activation_checkpointing = false;
    m.training.activation_checkpointing_auto = false;
    return m;
  };
  const ModelSpec model = prepared(model_in);
  const LayerGraph graph = build_model_graph(model);
  const Costs target_costs(spec, model.training.compute, o);
  const KernelCostModel& cost = target_costs.base;
  const double value_bytes = dtype_bytes(model.training.compute);
  const auto& a = model.arch;
  const Net target{&model, &graph, &target_costs, a.hidden * value_bytes};
  std::optional<ModelSpec> draft_model;
  std::optional<LayerGraph> draft_graph;
  std::optional<Costs> draft_costs;
  Net draft;
  if (speculative) {
    draft_model = prepared(*o.draft);
    draft_graph.emplace(build_model_graph(*draft_model));
    draft_costs.emplace(spec, draft_model->training.compute, o);
    draft = {&*draft_model, &*draft_graph, &*draft_costs,
             static_cast<double>(draft_model->arch.hidden * dtype_bytes(draft_model->training.compute))};
  }

  InferStats st;
  st.system_name = spec.name;
  st.model_name = a.name;
  st.systems = o.systems;
  st.batch = o.batch;
  st.prompt = o.prompt;
  st.generate = o.generate;
  st.context = static_cast<int>(context);
  st.micro_batches = o.micro_batches > 0 ? o.micro_batches : std::min(o.batch, o.systems);
  const int mb = st.micro_batches;
  const double b = static_cast<double>(o.batch) / mb;  // requests per micro-batch (mean)

  // The target's layer groups, then the draft's (resident beside them, after them in the pipeline).
  std::vector<Group> groups;
  const auto add_groups = [&](const Net& net, bool is_draft) {
    const auto& ar = net.model->arch;
    // Bytes per stored weight and KV value: the operands' width, or narrower (--weight-bits, --kv-bits).
    const double wb = net.costs->weights.stationary_bytes(), eb = net.costs->experts.stationary_bytes();
    const double kv_layer = kv_cache_values(ar) * net.costs->kv.stationary_bytes();  // per token and block
    for (const LayerGroup& g : net.graph->groups()) {
      Group x;
      x.g = g;
      x.net = &net;
      x.draft = is_draft;
      if (is_draft) x.g.name = "draft." + x.g.name;
      bool attention = false;
      for (OpId id : g.ops) {
        const Op& op = net.graph->op(id);
        x.weight_bytes += static_cast<double>(op.params) * (op.experts > 0 ? eb : wb);
        if (op.experts > 0) x.expert_bytes += static_cast<double>(op.params) * eb;
        attention = attention || op.kind == OpKind::attn_scores;
        x.head = x.head || op.kind == OpKind::loss;
        // A tied LM head owns no parameters but multiplies by a resident copy of the embedding.
        if (op.kind == OpKind::matmul && op.params == 0)
          x.weight_bytes += op.gemm.count * op.gemm.k * op.gemm.n * wb;
      }
      if (attention) {  // a block's own window (Gemma 2: every other block's)
        const double cached = keys_at(ar, g.index - 1, static_cast<double>(context));
        x.keys = std::min(cached, o.prompt + 0.5 * o.generate);  // on average over the generation
        x.kv_bytes = o.batch * cached * kv_layer;
        st.kv_bytes_per_token += kv_layer;
      }
      st.weight_bytes += x.weight_bytes;
      st.kv_bytes += x.kv_bytes;
      groups.push_back(std::move(x));
    }
  };
  add_groups(target, false);
  if (speculative) add_groups(draft, true);
  std::vector<double> group_bytes;
  for (const auto& g : groups) group_bytes.push_back(g.bytes());
  // One decode step of a group: the target checks k + 1 tokens per request, the draft makes one.
  const auto group_decode = [&](const Group& g, const GroupRegion& r, double keys = -1) {
    return decode_cost(*g.net->graph, g.g, models_of(*g.net), g.draft ? b : b * verify_tokens, o.prompt,
                       keys >= 0 ? keys : g.keys, r);
  };

  const TileArray tiles = TileArray::from_spec(spec);
  const Rect usable = spec.wafer.usable;
  const double tile_cap = tiles.capacity();
  // Where a group's ops run on its region q: a mixture of experts' other ops may take a part of
  // it (infer_layout::dense_part; the compact layout only).
  const auto region_of = [&](const Group& g, const Rect& q) {
    if (o.layout != InferLayout::compact) return GroupRegion{q.h, q.w};
    return infer_layout::dense_part(q, g.bytes() - g.expert_bytes, g.expert_bytes, tile_cap,
                                    [&](const GroupRegion& r) { return group_decode(g, r).cycles; });
  };
  const double wafer_cap = tile_cap * static_cast<double>(usable.area());
  st.sram_capacity_bytes = wafer_cap * o.systems;
  // The fewest systems that keep the weights resident (bytes and regions); `by_bytes` tells a
  // model no wafer count lays out from one too large for any.
  const int by_bytes = infer_layout::min_systems(group_bytes, wafer_cap);
  st.min_systems = infer_layout::resident_systems(group_bytes, usable, tile_cap, wafer_cap);
  // Resident when the bytes fit the systems and every system's share fits its wafer as regions
  // (bands of strips of whole columns); otherwise the weights stream from MemoryX.
  std::vector<std::size_t> starts;  // each system's first group (resident), or {0}
  bool resident = by_bytes > 0 && by_bytes <= o.systems;
  int unlaid = -1;  // a system whose share fits its SRAM by bytes but not as regions
  if (resident) {
    starts = infer_layout::split_groups(group_bytes, o.systems);
    unlaid = infer_layout::first_unlaid(group_bytes, starts, usable, tile_cap);
    resident = unlaid < 0;
  }
  st.placement = resident ? "sram" : "memoryx";
  // Weights streamed from MemoryX: every system runs every layer in turn, the weights broadcast
  // to all of them at once (SwarmX, as in weight-streaming training), and the micro-batches of
  // requests are shared out (data parallel): `serving` systems, each with `mb_per_system` of
  // them and their KV cache.
  const int serving = resident ? 1 : std::min(o.systems, mb);
  const int mb_per_system = resident ? mb : (mb + serving - 1) / serving;
  const double kv_share = resident ? 1.0 : static_cast<double>(mb_per_system) / mb;  // per system
  if (o.fidelity == Fidelity::cycle && !resident)
    throw UsageError(
        "--fidelity cycle cross-checks the decode kernels of resident weights; here they stream from MemoryX "
        "(more --systems keep them resident)");
  {
    // Resident weights take their bytes; streamed ones one group's buffer at a time.
    double weights_in_sram = 0;
    for (const auto& g : groups) weights_in_sram = std::max(weights_in_sram, g.weight_bytes);
    if (resident) weights_in_sram = st.weight_bytes;
    const double room = resident ? st.sram_capacity_bytes - weights_in_sram : wafer_cap - weights_in_sram;
    const double per_token = o.batch * kv_share * st.kv_bytes_per_token;
    st.max_context = room <= 0 ? 0 : static_cast<int>(std::min(room / per_token, 1e9));
  }

  const double hz = spec.pe.clock.value;
  const double hop = spec.router.hop_latency;
  const double link_bps = spec.io.total().value / 8;  // bytes/s between consecutive systems
  const double link_latency = spec.io.latency.value;
  const double act_bytes = target.act_bytes;
  // Synchronous wafer I/O: every decode step of every system (and each micro-batch's prompt)
  // waits this long for its I/O before the next can start.
  const double sync_s = o.wafer_io == WaferIo::sync ? spec.calibration.sync_wafer_io.value : 0.0;
  st.wafer_io = to_string(o.wafer_io);
  st.layout = to_string(o.layout);
  st.weight_bits = 8 * target_costs.weights.stationary_bytes();
  st.kv_bits = 8 * target_costs.kv.stationary_bytes();
  st.expert_bits = a.experts > 0 ? 8 * target_costs.experts.stationary_bytes() : 0;
  double wafer_io_s = 0, draft_wafer_io_s = 0;  // per round: the target's step, one draft step

  // Regions: strips per system (resident), or the whole wafer per group (streamed weights).
  if (speculative && !resident)
    throw UsageError(infer_notes::speculative_not_resident(unlaid, st.min_systems));
  if (!resident) {
    starts.assign(1, 0);  // one wafer runs every layer in turn, weights streamed in
    double buffer = 0;    // the largest group's weights, streamed in
    for (const auto& g : groups) buffer = std::max(buffer, g.weight_bytes);
    if (st.kv_bytes * kv_share + buffer > wafer_cap)
      throw FitError(fmt::format(
          "infer: the KV cache of the requests one system serves ({} for {} of {} requests x {} tokens) and "
          "the largest layer's streamed weights ({}) exceed its SRAM ({}); fewer requests, a shorter context "
          "or more systems",
          gb(st.kv_bytes * kv_share), static_cast<int>(std::ceil(o.batch * kv_share)), o.batch, context,
          gb(buffer), gb(wafer_cap)));
  }
  const int used_systems = static_cast<int>(starts.size());
  double prefill_first_token_s = 0, prefill_slowest_token_s = 0;
  double prefill_slowest_attention_s = 0;          // of the slowest layer's per-token time, its attention
  double decode_kernels_s = 0, decode_fill_s = 0;  // the target's step (k + 1 tokens when speculating)
  double decode_keys_s = 0;  // of the target's step, what attending to its cached tokens adds
  double draft_kernels_s = 0, draft_fill_s = 0;  // one draft step
  int target_last_system = 0, draft_first_system = -1, draft_last_system = 0;
  double fmacs_per_step = 0;
  double read_bytes_per_round = 0;
  std::vector<infer_trace::Step> trace_steps;  // what the trace replays, in pipeline order
  double stage_max_s = 0;
  KernelCost decode_all;
  infer_energy::Input energy;  // one micro-batch's events (docs/energy.md)
  for (int s = 0; s < used_systems; ++s) {
    InferSystem sys;
    sys.index = s;
    const std::size_t first = starts[static_cast<std::size_t>(s)];
    const std::size_t last = s + 1 < used_systems ? starts[static_cast<std::size_t>(s) + 1] : groups.size();
    sys.first_layer = static_cast<int>(first);
    sys.last_layer = static_cast<int>(last) - 1;
    sys.capacity_bytes = wafer_cap;
    // Regions: the layout (bands of strips, on the wafer or, compact, on a corner of it) with
    // the shortest decode trip, or the whole wafer for every group when the weights stream in.
    std::vector<Rect> regions;
    if (resident) {
      double bytes = 0;
      for (std::size_t i = first; i < last; ++i) bytes += group_bytes[i];
      const auto trip = [&](const std::vector<Rect>& r) {
        double cycles = 0;
        for (std::size_t i = first; i < last; ++i) {
          const Rect& q = r[i - first];
          // Per round: the target's step once, the draft's k times.
          cycles += (groups[i].draft ? k_spec : 1) * group_decode(groups[i], region_of(groups[i], q)).cycles;
          if (i + 1 < last) cycles += infer_layout::hops_between(q, r[i + 1 - first]) * hop;
        }
        return cycles;
      };
      regions = infer_layout::best_layout(
          group_bytes, first, last,
          infer_layout::layout_areas(usable, bytes, tile_cap, o.layout == InferLayout::compact), tile_cap,
          trip);
      if (regions.empty())
        throw SimError(fmt::format("infer: no layout of system {}'s layers fits its wafer", s));
    } else {
      regions.assign(last - first, usable);
    }
    double stage_s = 0;
    bool holds_target = false, holds_draft = false;
    for (std::size_t i = first; i < last; ++i) {
      const Group& g = groups[i];
      const Rect& q = regions[i - first];
      const int w = q.w;
      InferLayer L;
      L.name = g.g.name;
      L.system = s;
      L.x = q.x;
      L.y = q.y;
      L.w = q.w;
      L.h = q.h;
      L.params = g.g.params;
      L.weight_bytes = g.weight_bytes;
      L.kv_bytes = g.kv_bytes * kv_share;
      L.sram_per_tile = resident ? g.bytes() / static_cast<double>(q.area())
                                 : L.kv_bytes / static_cast<double>(usable.area());
      // Prefill: the micro-batch's prompts through this layer, weight-stationary. The draft's
      // runs beside the target's on its own regions (TTFT is the target's).
      // The head scores only each prompt's last token (the first output's logits): one step of
      // its decode kernels over the micro-batch, once, after the prompt has passed the blocks.
      const Net& net = *g.net;
      const GroupRegion where = resident ? region_of(g, q) : GroupRegion{q.h, w};
      L.dense_w = where.split() ? where.dense_cols : 0;
      L.dense_h = where.split() ? where.dense_rows : 0;
      KernelCost pre_cost, pre_attention;  // the latter: the attention kernels' part
      if (g.head) {
        pre_cost = decode_cost(*net.graph, g.g, models_of(net), b, o.prompt, g.keys, where);
      } else {
        const CompiledLayer lowered = lower_layer(*net.graph, g.g, net.costs->weights, net.model->training, b,
                                                  where, ExecMode::pipelined, &net.costs->experts);
        pre_cost = lowered.fwd_total;
        for (const Kernel& k : lowered.forward)
          if (k.kind == OpKind::attn_scores || k.kind == OpKind::attn_context || k.kind == OpKind::softmax)
            pre_attention += k.cost;
      }
      L.prefill_s = cost.cycles_to_seconds(pre_cost.cycles);
      const double per_token_s = g.head ? 0.0 : L.prefill_s / o.prompt;
      // The first token waits for each kernel's first fill (a long prompt's later chunks and
      // attention waves fill again, which is in the per-token time).
      const double pre_fill_s = g.head ? L.prefill_s : cost.cycles_to_seconds(pre_cost.first_fill_cycles());
      if (!g.draft) {
        prefill_first_token_s += per_token_s + pre_fill_s;
        if (per_token_s > prefill_slowest_token_s) {
          prefill_slowest_token_s = per_token_s;
          prefill_slowest_attention_s = cost.cycles_to_seconds(pre_attention.cycles) / o.prompt;
        }
      }
      // Decode: one step of the micro-batch (the target's over k + 1 tokens per request when
      // speculating, the draft's over one), at the mean context.
      const KernelCost dec = group_decode(g, where);
      L.decode_s = cost.cycles_to_seconds(dec.cycles);
      L.decode_fill_s = cost.cycles_to_seconds(dec.fill_cycles);
      if (!g.draft && g.keys > 1)  // the same step attending to one cached token
        decode_keys_s += L.decode_s - cost.cycles_to_seconds(group_decode(g, where, 1).cycles);
      L.decode_bound = bound_name(dec);
      const double per_round = g.draft ? k_spec : 1;  // steps of this group per round
      decode_all += dec;
      add_kernel_events(energy.decode, dec, per_round);
      add_kernel_events(energy.prefill, pre_cost);
      fmacs_per_step += per_round * dec.fmacs;
      read_bytes_per_round += per_round * g.bytes();
      (g.draft ? draft_kernels_s : decode_kernels_s) += L.decode_s - L.decode_fill_s;
      (g.draft ? draft_fill_s : decode_fill_s) += L.decode_fill_s;
      if (g.draft) {
        if (draft_first_system < 0) draft_first_system = s;
        draft_last_system = s;
        holds_draft = true;
      } else {
        target_last_system = s;
        holds_target = true;
      }
      // The activation to the next strip of the same model: the distance between strip
      // centres, one hop each.
      double xfer_s = 0;
      if (resident && i + 1 < last && groups[i + 1].draft == g.draft) {
        const Rect& next = regions[i + 1 - first];
        const double lanes = std::min(q.h, next.h);
        const double tokens = g.draft ? b : b * verify_tokens;
        const double wavelets = std::ceil(net.act_bytes * tokens / kWaveletBytes);
        xfer_s = (infer_layout::hops_between(q, next) * hop + std::ceil(wavelets / lanes)) / hz;
        energy.decode.link_wavelets += per_round * infer_layout::hops_between(q, next) * wavelets;
        (g.draft ? draft_fill_s : decode_fill_s) += xfer_s;
      }
      stage_s += per_round * (L.decode_s + xfer_s);
      sys.weight_bytes += g.weight_bytes;
      sys.kv_bytes += g.kv_bytes * kv_share;
      if (resident || i == first) sys.tiles += q.area();  // streamed: one wafer, every layer in turn
      sys.decode_s += per_round * (L.decode_s + xfer_s);
      sys.prefill_s += L.prefill_s;
      trace_steps.push_back({s, g.draft, L.name, L.decode_s, xfer_s, per_token_s, pre_fill_s});
      st.layers.push_back(std::move(L));
    }
    // Synchronous wafer I/O: once per step of each model on this system (k draft steps a round).
    wafer_io_s += holds_target ? sync_s : 0.0;
    draft_wafer_io_s += holds_draft ? sync_s : 0.0;
    stage_s += (holds_target ? sync_s : 0.0) + (holds_draft ? k_spec * sync_s : 0.0);
    stage_max_s = std::max(stage_max_s, stage_s);
    st.per_system.push_back(sys);
  }
  for (int s = 1; s < serving; ++s) {  // streamed: the other systems serving their share
    st.per_system.push_back(st.per_system.front());
    st.per_system.back().index = s;
  }

  // Between systems: one activation per request of the micro-batch (k + 1 when the target
  // checks a draft), and the sampled token back to the first system.
  const double cross = link_latency + act_bytes * b * verify_tokens / link_bps;
  double links_s = 0, draft_trip_s = 0;
  if (!speculative) {
    links_s = used_systems > 1 ? (used_systems - 1) * cross + link_latency : 0;
  } else {
    // The draft's k steps (its own boundaries, its token back to its first system), the target's
    // boundaries, the verified token to the draft and the draft's tokens to the first system.
    const int draft_cross = draft_last_system - draft_first_system;
    const double draft_links_s =
        draft_cross * (link_latency + draft.act_bytes * b / link_bps) + (draft_cross > 0 ? link_latency : 0);
    draft_trip_s = draft_kernels_s + draft_fill_s + draft_links_s + draft_wafer_io_s;
    links_s = target_last_system * cross + (draft_first_system != target_last_system ? link_latency : 0) +
              (draft_last_system != 0 ? link_latency : 0) + k_spec * draft_links_s;
  }
  const double verify_s = decode_kernels_s + decode_fill_s;
  const double io_s = wafer_io_s + k_spec * draft_wafer_io_s;  // synchronous wafer I/O per round
  const double trip_s = verify_s + k_spec * (draft_kernels_s + draft_fill_s) + links_s + io_s;
  double round_s = std::max(trip_s, mb_per_system * stage_max_s);
  double mx_s = 0;
  if (!resident) {
    // Every round streams every weight from MemoryX once (shared by the batch's requests).
    mx_s = st.weight_bytes / (spec.memoryx.bandwidth.value / 8);
    round_s = std::max(round_s, mx_s);
  }
  // Tokens per round: the accepted run of the draft's k plus the target's own next token.
  const double alpha = speculative ? o.acceptance : 0;
  const double per_round = !speculative ? 1.0
                           : alpha >= 1 ? verify_tokens
                                        : (1 - std::pow(alpha, verify_tokens)) / (1 - alpha);
  st.tpot_s = round_s / per_round;
  // The part of a round that grows with the context, at the mean one (serving scales it).
  st.decode_context = o.prompt + 0.5 * o.generate;
  st.decode_keys_s = std::min(decode_keys_s, round_s) / per_round;
  st.tokens_per_s_per_user = per_round / round_s;
  st.tokens_per_s = o.batch * per_round / round_s;
  st.decode_compute_s = (decode_kernels_s + k_spec * draft_kernels_s) / per_round;
  st.decode_fill_s = (decode_fill_s + k_spec * draft_fill_s) / per_round;
  st.decode_link_s = links_s / per_round;
  st.decode_wafer_io_s = io_s / per_round;
  st.decode_memoryx_s = std::max(0.0, mx_s - trip_s);
  const double busy_s = std::max(trip_s, mx_s);
  st.decode_wait_s = (round_s > busy_s * (1 + 1e-9) ? round_s - busy_s : 0.0) / per_round;
  if (speculative) {
    st.draft_model = draft_model->arch.name;
    st.speculate = k_spec;
    st.acceptance = alpha;
    st.tokens_per_round = per_round;
    st.draft_s_per_round = k_spec * draft_trip_s;
    st.verify_s_per_round = verify_s + target_last_system * cross + wafer_io_s;
  }

  // Prefill: the first token's trip, then the rest at the slowest layer's per-token rate; the
  // link between systems streams each token's activation.
  const double link_token_s = target_last_system > 0 ? act_bytes * b / link_bps : 0;
  st.prefill_token_s = std::max(prefill_slowest_token_s, link_token_s);  // the slowest stage's
  st.prefill_attention_token_s = prefill_slowest_token_s >= link_token_s
                                     ? std::min(prefill_slowest_attention_s, st.prefill_token_s)
                                     : 0.0;
  const double one_mb_s = prefill_first_token_s + target_last_system * link_latency + wafer_io_s +
                          (o.prompt - 1) * st.prefill_token_s;
  const double slowest_prefill_stage_s = o.prompt * st.prefill_token_s + sync_s;
  st.ttft_s = one_mb_s + (mb - 1) * slowest_prefill_stage_s;  // the last micro-batch's requests
  if (!resident) st.ttft_s = std::max(st.ttft_s, st.weight_bytes / (spec.memoryx.bandwidth.value / 8));
  st.request_s = st.ttft_s + (o.generate - 1) * st.tpot_s;
  st.prefill_bottleneck = prefill_slowest_token_s >= link_token_s ? "compute" : "links";
  if (!resident) st.prefill_bottleneck = "memoryx";

  // What bounds decode: the largest share of a round.
  struct Part {
    const char* name;
    double s;
    std::string why;
  };
  const std::string kernel_bound = bound_name(decode_all);
  const Part parts[] = {
      {"memoryx", st.decode_memoryx_s + (resident ? 0 : std::min(mx_s, trip_s)),
       infer_notes::memoryx_bound(gb(st.weight_bytes), spec.memoryx.bandwidth.value / 8e9, st.min_systems)},
      {"pipeline", st.decode_wait_s, fmt::format("{} micro-batches queue for the busiest system", mb)},
      {"wafer-io", st.decode_wafer_io_s,
       fmt::format("synchronous wafer I/O: each system's decode step waits {:.0f} us for its I/O "
                   "(--wafer-io sync, calibration.sync_wafer_io)",
                   sync_s * 1e6)},
      {"links", st.decode_link_s,
       fmt::format("{} activations cross {} system boundaries per token", gb(act_bytes * b * verify_tokens),
                   used_systems - 1)},
      {"latency", st.decode_fill_s,
       "broadcasts and reduction chains across each layer's region (GEMV latency), layer after layer"},
      {kernel_bound.c_str(), st.decode_compute_s,
       fmt::format("the decode kernels are {}-bound (weights read from SRAM once per token)", kernel_bound)},
  };
  const Part* top = &parts[0];
  for (const auto& p : parts)
    if (p.s > top->s) top = &p;
  st.decode_bottleneck = top->name;
  st.decode_reason = top->why;

  const double peak_flops =
      cost.peak_flops_per_pe_cycle() * hz * static_cast<double>(usable.area()) * o.systems;
  st.decode_compute_utilization = 2 * fmacs_per_step * mb / round_s / peak_flops;
  const double read_bps = spec.pe.sram_read_ports * spec.pe.sram_port_bits / 8.0 * hz;
  st.decode_sram_bandwidth_utilization = read_bytes_per_round * (resident ? mb : serving) / round_s /
                                         (read_bps * static_cast<double>(usable.area()) * o.systems);
  st.link_utilization = used_systems > 1 ? act_bytes * o.batch * verify_tokens / round_s / link_bps : 0;
  energy.fp32 = model.training.compute == DType::fp32;
  energy.micro_batches = mb;
  energy.systems = std::max(used_systems, serving);
  energy.memoryx = !resident;
  energy.weight_bytes = st.weight_bytes;
  energy.cross_bytes =
      target_last_system * act_bytes * b * verify_tokens +
      (speculative ? k_spec * (draft_last_system - draft_first_system) * draft.act_bytes * b : 0.0);
  energy.prefill_cross_bytes = target_last_system * act_bytes * b * o.prompt;
  energy.round_s = round_s;
  energy.tokens_per_round = per_round;
  energy.batch = o.batch;
  energy.prompt = o.prompt;
  energy.ttft_s = st.ttft_s;
  infer_energy::fill(spec, energy, st);

  if (o.trace_rounds > 0) {
    infer_trace::Input t;
    t.steps = std::move(trace_steps);
    t.systems = used_systems;
    t.rounds = std::min(o.trace_rounds, o.generate);
    t.prompt = o.prompt;
    t.ttft_s = st.ttft_s;
    t.round_s = round_s;
    t.prefill_rest_s = (o.prompt - 1) * st.prefill_token_s;
    t.link_latency_s = link_latency;
    t.sync_s = sync_s;
    t.link_bytes_per_s = link_bps;
    t.requests = b;
    t.act_bytes = act_bytes;
    t.draft_act_bytes = draft.act_bytes;
    t.speculative = speculative;
    t.speculate = k_spec;
    t.verify_tokens = verify_tokens;
    t.draft_first_system = draft_first_system;
    t.draft_last_system = draft_last_system;
    infer_trace::record(t, st.timeline);
  }
  for (const auto& n : model.notes) st.notes.push_back("model: " + n);
  if (st.weight_bits < 8 * value_bytes || st.kv_bits < 8 * value_bytes ||
      (st.expert_bits > 0 && st.expert_bits < 8 * value_bytes))
    st.notes.push_back(
        infer_notes::narrow_values(st.weight_bits, st.expert_bits, st.kv_bits, 8 * value_bytes));
  if (o.wafer_io == WaferIo::sync) st.notes.push_back(infer_notes::sync_io(sync_s, st.decode_wafer_io_s));
  if (!defaults.empty())
    st.notes.push_back(fmt::format("lengths not given: {} (defaults, within the model's context of {})",
                                   fmt::join(defaults, ", "), model.arch.max_seq));
  if (!resident)
    st.notes.push_back(infer_notes::streamed(gb(st.weight_bytes), gb(st.kv_bytes), o.systems,
                                             gb(st.sram_capacity_bytes), st.min_systems, unlaid, serving,
                                             mb_per_system));
  if (std::max(used_systems, serving) < o.systems)
    st.notes.push_back(fmt::format("{} of {} systems {}", std::max(used_systems, serving), o.systems,
                                   resident ? "hold layers (fewer layer groups than systems)"
                                            : "serve requests (fewer micro-batches than systems)"));
  if (speculative)
    st.notes.push_back(
        infer_notes::speculative({draft_model->arch.name, k_spec, alpha, per_round, st.draft_s_per_round,
                                  st.verify_s_per_round, draft_model->arch.vocab, a.vocab}));
  if (a.sliding_window > 0 && a.sliding_window < context)
    st.notes.push_back(infer_notes::sliding_window(a.sliding_window, a.attention_sinks,
                                                   a.sliding_window_period, a.global_attention_every));
  if (resident) infer_notes::add_layout_notes(st, usable.area());
  const auto big = std::max_element(groups.begin(), groups.end(),
                                    [](const Group& x, const Group& y) { return x.bytes() < y.bytes(); });
  infer_notes::add_capacity_notes(st, by_bytes, big->g.name, big->bytes(), wafer_cap, model.arch.max_seq);
  if (o.serving()) st.serving = infer_serve::simulate(spec, model_in, o, st.notes, st.timeline, steps);
  if (o.fidelity == Fidelity::cycle) {
    std::vector<infer_check::GroupRef> refs;
    for (const auto& g : groups) refs.push_back({&g.g, g.kv_bytes > 0, g.draft, g.keys});
    infer_check::run(spec, model.training.compute, graph, refs, b * verify_tokens, o.prompt, st);
  }
  return st;
}

}  // namespace wafersim
