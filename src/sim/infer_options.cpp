// The inference options: those spelled as text (infer.hpp), and their checks and defaults
// (infer_options.hpp).
#include "infer_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "wafersim/core/error.hpp"
#include "wafersim/sim/infer.hpp"

namespace wafersim {

WaferIo parse_wafer_io(const std::string& text, const std::string& option) {
  if (text == "async") return WaferIo::async;
  if (text == "sync") return WaferIo::sync;
  throw UsageError(
      fmt::format("{} {}: expected async (I/O beside compute) or sync (each system's decode "
                  "step waits for its I/O)",
                  option, text));
}

const char* to_string(WaferIo io) { return io == WaferIo::sync ? "sync" : "async"; }

InferLayout parse_infer_layout(const std::string& text, const std::string& option) {
  if (text == "compact") return InferLayout::compact;
  if (text == "fill") return InferLayout::fill;
  throw UsageError(
      fmt::format("{} {}: expected compact (regions as small as decodes fastest) or fill (the layers "
                  "fill each wafer)",
                  option, text));
}

const char* to_string(InferLayout layout) { return layout == InferLayout::fill ? "fill" : "compact"; }

Routing parse_routing(const std::string& text, const std::string& option) {
  if (text == "round-robin") return Routing::round_robin;
  if (text == "least-outstanding") return Routing::least_outstanding;
  if (text == "shared-queue") return Routing::shared_queue;
  throw UsageError(
      fmt::format("{} {}: expected round-robin (each replica in turn), least-outstanding (the replica "
                  "with the fewest requests in flight) or shared-queue (one queue: the first replica with a "
                  "free slot)",
                  option, text));
}

const char* to_string(Routing r) {
  switch (r) {
    case Routing::least_outstanding:
      return "least-outstanding";
    case Routing::shared_queue:
      return "shared-queue";
    case Routing::round_robin:
      break;
  }
  return "round-robin";
}

InferOptions infer_options::resolved(const SystemSpec& spec, const ModelSpec& model,
                                     const InferOptions& given, std::vector<std::string>& defaults) {
  InferOptions o = given;
  const int max_seq = model.arch.max_seq > 0 ? model.arch.max_seq : 1 << 30;
  if (o.trace) {  // the lengths default to the trace's longest, and every request must fit them
    const auto& reqs = o.trace->requests;
    if (o.requests > static_cast<int>(reqs.size()))
      throw UsageError(
          fmt::format("--requests {}: {} has {} requests", o.requests, o.trace->file, reqs.size()));
    if (o.prompt_min > 0 || o.generate_min > 0)
      throw UsageError("--prompt-min and --generate-min draw lengths; --request-trace gives them");
    const std::size_t n = o.requests > 0 ? static_cast<std::size_t>(o.requests) : reqs.size();
    int longest_prompt = 0, longest_output = 0;
    for (std::size_t i = 0; i < n; ++i) {
      longest_prompt = std::max(longest_prompt, reqs[i].prompt);
      longest_output = std::max(longest_output, reqs[i].generate);
    }
    if (o.prompt == 0) o.prompt = longest_prompt;
    if (o.generate == 0) o.generate = longest_output;
    for (std::size_t i = 0; i < n; ++i)
      if (reqs[i].prompt > o.prompt || reqs[i].generate > o.generate)
        throw UsageError(
            fmt::format("{}:{}: a request of {} prompt and {} output tokens is longer than --prompt {} / "
                        "--generate {} (the "
                        "placement's; unset, they are the trace's longest)",
                        o.trace->file, reqs[i].line, reqs[i].prompt, reqs[i].generate, o.prompt, o.generate));
  }
  if (o.generate == 0) {
    o.generate = std::max(1, std::min(256, max_seq / 4));
    defaults.push_back(fmt::format("--generate {}", o.generate));
  }
  if (o.prompt == 0) {
    o.prompt = std::max(1, std::min(1024, max_seq - o.generate));
    defaults.push_back(fmt::format("--prompt {}", o.prompt));
  }
  if (model.kind != ModelKind::transformer || model.arch.arch != Arch::decoder)
    throw UsageError(
        fmt::format("infer: {} is not a decoder transformer; inference models generate tokens "
                    "with a decoder (GPT, LLaMA, Mistral)",
                    model.arch.name));
  if (o.systems < 1 || o.systems > spec.swarmx.max_systems)
    throw UsageError(fmt::format("--systems {}: expected 1..{}", o.systems, spec.swarmx.max_systems));
  if (o.batch < 1)
    throw UsageError(fmt::format("--batch {}: expected a positive number of requests", o.batch));
  if (o.prompt < 1)
    throw UsageError(fmt::format("--prompt {}: expected a positive number of tokens", o.prompt));
  if (o.generate < 1)
    throw UsageError(fmt::format("--generate {}: expected a positive number of tokens", o.generate));
  const long long context = static_cast<long long>(o.prompt) + o.generate;
  if (model.arch.max_seq > 0 && context > model.arch.max_seq)
    throw UsageError(fmt::format(
        "--prompt {} + --generate {} = {} tokens exceeds the model's context (max_seq {}){}", o.prompt,
        o.generate, context, model.arch.max_seq,
        o.trace && (given.prompt == 0 || given.generate == 0)
            ? fmt::format(" (the longest prompt and output of {}; --requests serves fewer of them)",
                          o.trace->file)
            : std::string()));
  if (o.micro_batches < 0 || o.micro_batches > o.batch)
    throw UsageError(fmt::format("--micro-batches {}: expected 1..--batch ({}), or 0 for automatic",
                                 o.micro_batches, o.batch));

  const bool speculative = o.draft.has_value();
  if (!speculative && (o.speculate != 0 || o.acceptance >= 0))
    throw UsageError("--speculate and --acceptance need a --draft-model (speculative decoding)");
  if (speculative) {
    if (o.speculate == 0) o.speculate = 4;
    if (o.acceptance < 0) o.acceptance = 0.8;
    if (o.speculate < 1 || o.speculate > 64)
      throw UsageError(fmt::format("--speculate {}: expected 1..64 draft tokens per round", o.speculate));
    if (!(o.acceptance <= 1))
      throw UsageError(fmt::format("--acceptance {}: expected a probability from 0 to 1", o.acceptance));
    if (o.draft->kind != ModelKind::transformer || o.draft->arch.arch != Arch::decoder)
      throw UsageError(
          fmt::format("--draft-model: {} is not a decoder transformer (speculative decoding drafts tokens)",
                      o.draft->arch.name));
    if (o.draft->arch.max_seq > 0 && context > o.draft->arch.max_seq)
      throw UsageError(fmt::format("--draft-model: {} tokens exceed the draft's context (max_seq {})",
                                   context, o.draft->arch.max_seq));
  }
  if (!(o.arrival_rate >= 0) || !std::isfinite(o.arrival_rate))
    throw UsageError(fmt::format(
        "--arrival-rate {}: expected requests per second, > 0 (0: no serving simulation)", o.arrival_rate));
  if (o.requests < 0 || o.requests > 1000000)
    throw UsageError(fmt::format("--requests {}: expected 1..1000000 (0: 200)", o.requests));
  if (o.requests > 0 && !o.serving())
    throw UsageError("--requests needs --arrival-rate or --request-trace (the serving simulation)");
  for (const auto& [name, low, high] : {std::tuple{"--prompt-min", o.prompt_min, o.prompt},
                                        std::tuple{"--generate-min", o.generate_min, o.generate}}) {
    if (low < 0 || low > high)
      throw UsageError(fmt::format("{} {}: expected 1..{} tokens (the longest; 0: every request as long)",
                                   name, low, high));
    if (low > 0 && !o.serving())
      throw UsageError(fmt::format("{} needs --arrival-rate (the serving simulation)", name));
  }
  if (o.replicas < 1 || o.replicas > kMaxReplicas)
    throw UsageError(
        fmt::format("--replicas {}: expected 1..{} copies of the deployment", o.replicas, kMaxReplicas));
  if (o.replicas > 1 && !o.serving())
    throw UsageError(
        "--replicas needs --arrival-rate or --request-trace (the serving simulation; without it every "
        "replica "
        "serves the same batch)");
  if (!o.replica_systems.empty()) {
    if (!o.serving())
      throw UsageError("--replica-systems needs --arrival-rate or --request-trace (the serving simulation)");
    if (static_cast<int>(o.replica_systems.size()) != o.replicas)
      throw UsageError(fmt::format("--replica-systems lists {} replica(s), --replicas says {}",
                                   o.replica_systems.size(), o.replicas));
    for (const int n : o.replica_systems)
      if (n < 1 || n > 100000)
        throw UsageError(fmt::format("--replica-systems {}: expected 1..100000 systems per replica", n));
  }
  if (o.prefill_replicas < 0 || o.prefill_replicas > kMaxReplicas)
    throw UsageError(
        fmt::format("--prefill-replicas {}: expected 0..{} (0: each replica prefills its own requests)",
                    o.prefill_replicas, kMaxReplicas));
  if (o.prefill_replicas > 0 && !o.serving())
    throw UsageError("--prefill-replicas needs --arrival-rate or --request-trace (the serving simulation)");
  if (o.prefill_systems < 0 || o.prefill_systems > 100000)
    throw UsageError(
        fmt::format("--prefill-systems {}: expected 1..100000 systems per prefill replica (0: --systems)",
                    o.prefill_systems));
  if (o.prefill_systems > 0 && o.prefill_replicas == 0)
    throw UsageError("--prefill-systems needs --prefill-replicas (disaggregated serving)");
  if (o.prefill_batch < 0)
    throw UsageError(fmt::format(
        "--prefill-batch {}: expected a positive number of prompts per prefill replica (0: --batch)",
        o.prefill_batch));
  if (o.prefill_batch > 0 && o.prefill_replicas == 0)
    throw UsageError("--prefill-batch needs --prefill-replicas (disaggregated serving)");
  if (o.request_log && !o.serving())
    throw UsageError("--request-log needs --arrival-rate or --request-trace (the serving simulation)");
  if (o.prefill_spec && o.prefill_replicas == 0)
    throw UsageError("--prefill-system needs --prefill-replicas (disaggregated serving)");
  if (o.prefill_chunk < 0 || o.prefill_chunk > 1000000)
    throw UsageError(
        fmt::format("--prefill-chunk {}: expected 1..1000000 tokens (0: whole prompts)", o.prefill_chunk));
  if (o.prefill_chunk > 0 && !o.serving())
    throw UsageError("--prefill-chunk needs --arrival-rate or --request-trace (the serving simulation)");
  if (o.prefill_chunk > 0 && o.prefill_chunk <= o.batch)
    throw UsageError(fmt::format(
        "--prefill-chunk {}: expected more tokens than --batch {} (an iteration's budget holds every "
        "decoding request's token, and the prompts' chunks the rest)",
        o.prefill_chunk, o.batch));
  // A serving run takes a decode round per output token of the busiest batch: bound the work.
  const int n_requests = o.requests > 0 ? o.requests
                         : o.trace      ? static_cast<int>(o.trace->requests.size())
                                        : 200;
  if (o.serving() && static_cast<double>(n_requests) * o.generate > 2e8)
    throw UsageError(
        fmt::format("--requests {} x --generate {}: at most 200,000,000 output tokens in a serving "
                    "simulation (fewer requests give the same percentiles within sampling noise)",
                    n_requests, o.generate));
  // With chunked prefill, every prompt also takes ceil(prompt / (chunk - batch)) iterations at
  // worst (a full batch of decodes beside each chunk).
  if (o.serving() && o.prefill_chunk > o.batch) {
    const double per_prompt = std::ceil(static_cast<double>(o.prompt) / (o.prefill_chunk - o.batch));
    if (static_cast<double>(n_requests) * per_prompt > 2e8)
      throw UsageError(fmt::format(
          "--prefill-chunk {} with --batch {}: {} requests x {} iterations per {}-token prompt exceed the "
          "200,000,000 iterations of a serving simulation (a larger chunk or fewer requests)",
          o.prefill_chunk, o.batch, n_requests, per_prompt, o.prompt));
  }
  const double width = 8 * dtype_bytes(model.training.compute);  // the operands' bits
  for (const auto& [name, bits] :
       {std::pair{"--weight-bits", o.weight_bits}, std::pair{"--kv-bits", o.kv_bits},
        std::pair{"--expert-bits", o.expert_bits}})
    if (bits != 0 && !(bits >= 1 && bits <= width))
      throw UsageError(
          fmt::format("{} {}: expected 1..{} bits per stored value (0: the model's {}-bit operands; MXFP4 "
                      "with its scales is "
                      "4.25)",
                      name, bits, width, width));
  const auto narrow = [&](double b) { return b > 0 && b < width; };
  if (o.fidelity == Fidelity::cycle && (narrow(o.weight_bits) || narrow(o.kv_bits) || narrow(o.expert_bits)))
    throw UsageError(
        "--fidelity cycle cross-checks the 16-bit decode kernels; --weight-bits and --kv-bits narrower than "
        "the "
        "operands are timed by the approx model only");
  return o;
}

}  // namespace wafersim
