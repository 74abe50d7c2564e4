// `wafersim infer`: inference of a decoder model on 1..N systems (src/sim/infer.cpp,
// docs/inference.md).
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "model_options.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/energy/energy_model.hpp"
#include "wafersim/report/infer_report.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/report/trace.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/sweep/uncertainty.hpp"

namespace wafersim::cli {

namespace {
struct InferArgs {
  SystemArgs sys;
  ModelArgs mdl;
  InferOptions opt;
  std::string json;
  bool quiet = false;
  bool breakdown = false;
  bool energy = false;
  std::string fidelity = "approx";
  std::string draft;  // --draft-model
  std::string wafer_io = "async";
  std::string layout = "compact";
  std::string routing = "round-robin";
  std::string trace;
  std::string request_trace;   // --request-trace
  std::string prefill_system;  // --prefill-system
  std::string request_log;     // --request-log
  int trace_rounds = 2;
  bool uncertainty = false;
  sweep::UncertaintyOptions unc;
};
}  // namespace

Runner add_infer_command(CLI::App& app) {
  auto a = std::make_shared<InferArgs>();
  add_system_options(app, a->sys);
  add_model_options(app, a->mdl, /*with_batch=*/false, /*with_seq=*/false);
  app.add_option("--systems", a->opt.systems, "Systems the layers are split over (a pipeline)")
      ->capture_default_str();
  app.add_option("--batch", a->opt.batch, "Concurrent requests (sequences)")->capture_default_str();
  app.add_option("--prompt", a->opt.prompt,
                 "Prompt tokens per request (default 1024, within the model's context)");
  app.add_option("--generate", a->opt.generate,
                 "Output tokens per request (default 256, within the model's context)");
  app.add_option("--micro-batches", a->opt.micro_batches,
                 "Micro-batches the requests are split into (default: min(batch, systems))");
  app.add_option("--draft-model", a->draft,
                 "Speculative decoding: the draft model (a file as for --model), resident beside the target");
  app.add_option("--speculate", a->opt.speculate, "Draft tokens per round (default 4 with --draft-model)");
  app.add_option("--acceptance", a->opt.acceptance,
                 "Probability that the target accepts each draft token (default 0.8 with --draft-model)");
  app.add_option(
         "--wafer-io", a->wafer_io,
         "async: wafer I/O beside compute (Cerebras' serving software from October 2024 on); sync: each "
         "system's decode step waits for its I/O (the launch software; calibration.sync_wafer_io)")
      ->capture_default_str();
  app.add_option("--layout", a->layout,
                 "compact: each system's layers on the regions that decode fastest, part of the wafer if "
                 "smaller ones do; fill: the layers always fill each wafer (faster prefill)")
      ->capture_default_str();
  app.add_option(
      "--weight-bits", a->opt.weight_bits,
      "Bits per stored weight, 1..16 (default: the model's 16; MXFP4 with its scales 4.25): less SRAM, "
      "each weight widened to 16 bits before its FMAC");
  app.add_option(
      "--expert-bits", a->opt.expert_bits,
      "Bits per stored weight of the routed experts alone, 1..16 (default: --weight-bits; gpt-oss's MXFP4 "
      "checkpoint: 4.25)");
  app.add_option("--kv-bits", a->opt.kv_bits,
                 "Bits per stored KV-cache value, 1..16 (default 16), as --weight-bits");
  app.add_option(
      "--arrival-rate", a->opt.arrival_rate,
      "Serving: requests per second arriving (Poisson); simulates iteration-level batching of up to "
      "--batch requests and reports TTFT/TPOT percentiles");
  app.add_option("--requests", a->opt.requests, "Serving: requests to simulate (default 200)");
  app.add_option("--arrival-seed", a->opt.seed, "Serving: the arrivals' seed (default 1)");
  app.add_option(
      "--request-trace", a->request_trace,
      "Serving: requests as a CSV trace gives them (TIMESTAMP or arrival_s, ContextTokens or prompt, "
      "GeneratedTokens or generate; the Azure LLM inference traces); --arrival-rate rescales its times");
  app.add_option(
      "--prompt-min", a->opt.prompt_min,
      "Serving: prompts drawn uniformly from this many to --prompt tokens (default: all --prompt)");
  app.add_option(
      "--generate-min", a->opt.generate_min,
      "Serving: outputs drawn uniformly from this many to --generate tokens (default: all --generate)");
  app.add_option("--prefill-chunk", a->opt.prefill_chunk,
                 "Serving: tokens per iteration, decodes first, the rest prompt chunks (chunked prefill, as "
                 "Sarathi-Serve; default 0: whole prompts between decode rounds)");
  app.add_option("--replicas", a->opt.replicas,
                 "Serving: copies of the deployment (each --systems systems) sharing the requests "
                 "(default 1)");
  app.add_option(
         "--replica-systems", a->opt.replica_systems,
         "Serving: replicas of different sizes, systems per replica as a list (8,4,4: three replicas; "
         "--replicas defaults to its length)")
      ->delimiter(',');
  app.add_option("--routing", a->routing,
                 "Serving with --replicas: round-robin (each replica in turn), least-outstanding (the one "
                 "with the fewest requests in flight) or shared-queue (one queue: the first replica with a "
                 "free slot)")
      ->capture_default_str();
  app.add_option("--prefill-replicas", a->opt.prefill_replicas,
                 "Serving disaggregated (Splitwise): this many prefill replicas give each request its first "
                 "token, its KV cache then crosses to a decode replica (--replicas of them; default 0: each "
                 "replica prefills its own)");
  app.add_option("--prefill-systems", a->opt.prefill_systems,
                 "Systems per prefill replica (default: --systems)");
  app.add_option("--prefill-batch", a->opt.prefill_batch,
                 "Prompts a prefill replica runs at once (default: --batch)");
  app.add_option("--prefill-system", a->prefill_system,
                 "The prefill replicas' machine, a system file (default: --system's; --set changes only "
                 "--system)");
  app.add_option("--request-log", a->request_log,
                 "Serving: write every request (arrival, first token, KV cache's arrival, end, replicas, "
                 "TTFT, TPOT, latency) as CSV to FILE ('-' for stdout)");
  app.add_option(
      "--slo-ttft-p99", a->opt.slo_ttft_p99_s,
      "Serving capacity: the highest arrival rate whose TTFT p99 stays within this many seconds (and "
      "which does not saturate); --arrival-rate, when given, starts the search");
  app.add_option("--slo-tpot-p99", a->opt.slo_tpot_p99_s,
                 "Serving capacity: ... and whose requests' time per output token p99 stays within this many "
                 "seconds");
  app.add_option("--slo-tbt-p99", a->opt.slo_tbt_p99_s,
                 "Serving capacity: ... and whose time between tokens p99 stays within this many seconds");
  app.add_option("--fidelity", a->fidelity,
                 "approx, or cycle: also run a block's and the head's decode kernels on the cycle-level "
                 "fabric engine and compare")
      ->capture_default_str();
  app.add_option(
      "--trace", a->trace,
      "Write a timeline (Chrome trace / Perfetto JSON) of the prefill and the first decode rounds (serving: "
      "also every replica's iterations and the KV caches' transfers)");
  app.add_option("--trace-rounds", a->trace_rounds, "Decode rounds to trace (default 2)")
      ->capture_default_str();
  add_uncertainty_options(app, a->uncertainty, a->unc,
                          "Also give the band of output tokens/s per user (serving: TTFT p99; with an SLO: "
                          "the capacity) that the "
                          "system file's ranges imply (one "
                          "at a time and Latin-hypercube sampled, as for run; docs/inference.md)");
  app.add_option("--json", a->json, "Write the JSON report to FILE ('-' for stdout)");
  app.add_flag("-q,--quiet", a->quiet, "Print no text report");
  app.add_flag("--breakdown", a->breakdown, "Print every layer: system, region, SRAM per tile, times, bound");
  app.add_flag("--energy", a->energy,
               "Print energy per output token (a decode round) and per prompt token (the prefill), power "
               "per system (the system's energy: section; docs/energy.md)");
  return [a]() {
    a->opt.fidelity = parse_fidelity(a->fidelity);
    a->opt.wafer_io = parse_wafer_io(a->wafer_io);
    a->opt.layout = parse_infer_layout(a->layout);
    a->opt.routing = parse_routing(a->routing);
    if (!a->opt.replica_systems.empty() && a->opt.replicas == 1)  // --replicas not given: one per size
      a->opt.replicas = static_cast<int>(a->opt.replica_systems.size());
    if (a->trace_rounds < 1) throw UsageError("--trace-rounds: expected a positive number of rounds");
    if (!a->trace.empty()) a->opt.trace_rounds = a->trace_rounds;
    const std::vector<Override> overrides = a->sys.overrides();
    const ParsedSystemSpec parsed = a->sys.parsed();
    const SystemSpec spec = parsed.with(overrides);
    if (a->energy && !spec.energy.present) throw UsageError(no_energy_message(spec));
    const ModelSpec model = a->mdl.spec();
    if (!a->draft.empty()) {
      LoadOptions lo;
      lo.allow_unmodelled = a->mdl.load.allow_unmodelled;
      a->opt.draft = load_model(a->draft, lo);
    }
    if (!a->request_trace.empty())
      a->opt.trace = std::make_shared<const RequestTrace>(load_request_trace(a->request_trace));
    if (!a->prefill_system.empty())
      a->opt.prefill_spec =
          std::make_shared<const SystemSpec>(ParsedSystemSpec::from_file(a->prefill_system).with());
    if (a->unc.jobs < 1) throw UsageError(fmt::format("--jobs {}: expected at least 1", a->unc.jobs));
    if (a->request_log == "-" && (a->json == "-" || a->trace == "-"))
      throw UsageError("--request-log -: stdout is taken (--json - or --trace -); give one of them a file");
    a->opt.request_log = !a->request_log.empty();
    const InferStats st = infer(spec, model, a->opt);  // bad options fail here, before any band run
    std::optional<sweep::UncertaintyResult> band;
    if (a->uncertainty) band = sweep::estimate_infer_uncertainty(parsed, overrides, model, a->opt, a->unc);
    const bool to_stdout = a->json == "-" || a->request_log == "-";
    if (!to_stdout && !a->quiet) fmt::print("{}", format_infer_text(st));
    if (band && !to_stdout && !a->quiet)
      fmt::print("{}", sweep::format_uncertainty(*band, sweep::infer_band_value(st, a->opt)));
    if (a->breakdown && !to_stdout) fmt::print("{}", format_infer_breakdown(st));
    if (a->energy && !to_stdout && !a->quiet)
      fmt::print("{}{}", format_energy_report(st.energy), format_energy_report(st.prefill_energy));
    if (!a->json.empty()) {
      if (!band) {
        write_output("--json", a->json, format_infer_json(st));
      } else {
        write_output(
            "--json", a->json,
            sweep::report_with_uncertainty(infer_json(st), *band, sweep::infer_band_value(st, a->opt)));
      }
    }
    if (!a->trace.empty()) write_output("--trace", a->trace, trace_json(st.timeline));
    if (!a->request_log.empty())
      write_output("--request-log", a->request_log, format_request_log_csv(st.serving));
    return 0;
  };
}

}  // namespace wafersim::cli
