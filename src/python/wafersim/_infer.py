"""wafersim.infer and its result (`wafersim infer`; docs/inference.md), re-exported by the package."""

from __future__ import annotations

import json as _json
import os as _os
from typing import Any, Dict, List, Optional

from . import _core
from ._util import ModelLike, SystemLike, _model, _system, _table


class InferResult:
    """One inference design point (`wafersim infer`): placement, TTFT, TPOT, tokens/s, bottleneck."""

    __slots__ = ("_r",)

    def __init__(self, core_result: "_core._InferResult") -> None:
        self._r = core_result

    @property
    def ttft_s(self) -> float:
        """Time to first token, seconds (the last micro-batch's requests)."""
        return self._r.ttft_s

    @property
    def tpot_s(self) -> float:
        """Time per output token, seconds."""
        return self._r.tpot_s

    @property
    def tokens_per_s_per_user(self) -> float:
        """Output tokens per second one request sees."""
        return self._r.tokens_per_s_per_user

    @property
    def tokens_per_s(self) -> float:
        """Output tokens per second of the whole batch."""
        return self._r.tokens_per_s

    @property
    def placement(self) -> str:
        """'sram' (weights resident) or 'memoryx' (weights streamed every step)."""
        return self._r.placement

    @property
    def decode_bottleneck(self) -> str:
        """What bounds a decode step: latency, setup/compute/sram/fabric kernels, links, pipeline, memoryx."""
        return self._r.decode_bottleneck

    @property
    def max_context(self) -> int:
        """The longest context whose KV cache fits beside the weights at this batch."""
        return self._r.max_context

    @property
    def min_systems(self) -> int:
        """Systems the weights and KV cache need to stay resident (0: a layer exceeds a wafer)."""
        return self._r.min_systems

    @property
    def layers(self):
        """Per layer group: system, region, SRAM per tile, prefill/decode times (DataFrame or list)."""
        return _table(self.to_dict()["layers"])

    def requests(self):
        """A serving run's requests (infer(..., request_log=True)), one row each in arrival order:
        the columns of `--request-log` (request, arrival_s, prompt, generate, prefill_replica,
        replica, first_token_s, kv_arrival_s, done_s, ttft_s, tpot_s, latency_s; None where a field
        does not apply). DataFrame or list of dicts; empty without request_log."""
        return _table(self._request_rows())

    def request_log_csv(self) -> str:
        """The same as CSV text, byte-identical to `wafersim infer --request-log FILE`."""
        return self._r.request_log_csv()

    def _request_rows(self) -> List[Dict[str, Any]]:
        lines = self._r.request_log_csv().splitlines()
        names = lines[0].split(",")
        ints = {"request", "prompt", "generate", "prefill_replica", "replica"}
        rows = []
        for line in lines[1:]:
            row = {}
            for name, field in zip(names, line.split(",")):
                row[name] = None if field == "" else int(field) if name in ints else float(field)
            rows.append(row)
        return rows

    def to_dict(self) -> Dict[str, Any]:
        """The JSON report as a dict."""
        return _json.loads(self._r.json)

    def to_json(self) -> str:
        """The JSON report's text, byte-identical to `wafersim infer --json`."""
        return self._r.json

    def text(self) -> str:
        """The text report `wafersim infer` prints."""
        return self._r.text()

    def breakdown(self) -> str:
        """Every layer's placement and times (`wafersim infer --breakdown`)."""
        return self._r.breakdown_text()

    def energy(self) -> str:
        """Energy per output token and per prompt token, power per system (`wafersim infer
        --energy`); "" without an energy: section. The numbers are in to_dict()["energy"]."""
        return self._r.energy_text()

    def trace_json(self) -> str:
        """The timeline as Chrome-trace/Perfetto JSON (infer with trace_rounds > 0; else no events)."""
        return self._r.trace_json()

    def __repr__(self) -> str:
        return "<wafersim.InferResult %.1f tokens/s per user, TTFT %.3g s, decode bound by %s>" % (
            self.tokens_per_s_per_user,
            self.ttft_s,
            self.decode_bottleneck,
        )


def infer(
    system: SystemLike = None,
    model: ModelLike = None,
    *,
    systems: int = 1,
    batch: int = 1,
    prompt: Optional[int] = None,
    generate: Optional[int] = None,
    micro_batches: int = 0,
    draft_model: ModelLike = None,
    speculate: int = 0,
    acceptance: Optional[float] = None,
    fidelity: str = "approx",
    trace_rounds: int = 0,
    wafer_io: str = "async",
    layout: str = "compact",
    weight_bits: Optional[float] = None,
    kv_bits: Optional[float] = None,
    expert_bits: Optional[float] = None,
    arrival_rate: float = 0.0,
    requests: int = 0,
    arrival_seed: int = 1,
    prefill_chunk: int = 0,
    prompt_min: int = 0,
    generate_min: int = 0,
    request_trace: Optional[str] = None,
    replicas: int = 1,
    routing: str = "round-robin",
    replica_systems: Optional[List[int]] = None,
    prefill_replicas: int = 0,
    prefill_systems: int = 0,
    prefill_batch: int = 0,
    prefill_system: SystemLike = None,
    slo_ttft_p99: float = 0.0,
    slo_tbt_p99: float = 0.0,
    slo_tpot_p99: float = 0.0,
    request_log: bool = False,
    uncertainty: bool = False,
    samples: int = 64,
    seed: int = 1,
    jobs: Optional[int] = None,
) -> InferResult:
    """Inference of a decoder model on `systems` systems (`wafersim infer`; docs/inference.md).

    Weights and KV cache resident in SRAM, layers split across the systems in a pipeline (weights
    streamed from MemoryX when they do not fit: the report says so). batch: concurrent requests;
    prompt/generate: tokens per request (None: 1024 and 256 shortened to the model's context, as
    the CLI's defaults, and the report's notes say so); micro_batches: 0 = min(batch, systems).
    draft_model: speculative decoding with this draft (a Model or a path), resident beside the
    target; speculate: draft tokens per round (0: 4); acceptance: probability that the target
    keeps each draft token (None: 0.8). fidelity: "cycle" also runs a block's and the head's
    decode kernels on the cycle-level fabric engine (the report's kernel_checks). trace_rounds > 0:
    the result's trace_json() has the prefill and that many decode rounds (`--trace`).
    wafer_io: "async" (I/O beside compute), or "sync": each system's decode step waits
    calibration.sync_wafer_io for its I/O (Cerebras' launch serving software; `--wafer-io`).
    layout: "compact" (each system's layers on the regions that decode fastest, part of the
    wafer when smaller ones do) or "fill" (the layers fill each wafer; `--layout`).
    weight_bits, kv_bits: bits per stored weight / KV-cache value (None: the model's 16; MXFP4
    with its scales 4.25): less SRAM, each value widened to 16 bits before its FMAC (`--weight-bits`);
    expert_bits: the routed experts' weights alone (None: as weight_bits; `--expert-bits`).
    arrival_rate > 0: also serve `requests` requests (0: 200) arriving as a Poisson stream of that
    many per second (seed `arrival_seed`) with up to `batch` decoded at once; to_dict()["serving"]
    has TTFT/TPOT/latency percentiles and throughput (`--arrival-rate`); prefill_chunk > 0: each
    iteration carries the decodes and up to that many tokens in all of prompt chunks (chunked
    prefill; 0: whole prompts between decode rounds; `--prefill-chunk`); prompt_min, generate_min > 0:
    each request's lengths drawn uniformly up to prompt and generate (`--prompt-min`, `--generate-min`);
    request_trace: a CSV of arrivals and lengths (the Azure LLM inference traces' format) served
    instead, its times scaled to arrival_rate when that is > 0 (`--request-trace`); replicas > 1:
    that many copies of the deployment share the requests, each arrival sent to one by routing,
    "round-robin", "least-outstanding" or "shared-queue" (`--replicas`, `--routing`); replica_systems:
    replicas of different sizes, systems per replica (`--replica-systems`); prefill_replicas > 0:
    disaggregated serving, that many prefill replicas of prefill_systems systems (0: systems), up to
    prefill_batch prompts at once (0: batch), on the machine prefill_system (a System or a path;
    None: system's), give each request its first token and send its KV cache to one of the
    replicas, which only decode (`--prefill-replicas`, `--prefill-systems`, `--prefill-batch`,
    `--prefill-system`). slo_ttft_p99, slo_tbt_p99, slo_tpot_p99 > 0 (seconds): search
    for the highest arrival rate whose serving run meets them and does not saturate; to_dict()
    ["capacity"] has it and ["serving"] is the run at that rate (`--slo-ttft-p99`, `--slo-tbt-p99`).
    request_log: keep every served request for the result's requests() and request_log_csv()
    (`--request-log`).
    uncertainty: also the band of tokens/s per user over the config's `range LO .. HI` parameters
    (as run(); `infer --uncertainty`), in to_dict()["uncertainty"].
    Raises UsageError for bad arguments or a non-decoder model, FitError when even the KV cache
    does not fit.
    """
    a = _core._InferArgs()
    a.systems = systems
    a.batch = batch
    a.prompt = prompt if prompt is not None else 0  # 0: the default, as the CLI's
    a.generate = generate if generate is not None else 0
    a.micro_batches = micro_batches
    a.speculate = speculate
    if acceptance is not None:
        a.acceptance = acceptance
    a.set_fidelity(fidelity)
    a.set_wafer_io(wafer_io)
    a.set_layout(layout)
    a.weight_bits = weight_bits if weight_bits is not None else 0.0
    a.kv_bits = kv_bits if kv_bits is not None else 0.0
    a.expert_bits = expert_bits if expert_bits is not None else 0.0
    a.arrival_rate = arrival_rate
    a.requests = requests
    a.arrival_seed = arrival_seed
    a.prefill_chunk = prefill_chunk
    a.prompt_min = prompt_min
    a.generate_min = generate_min
    a.replicas = replicas
    a.set_routing(routing)
    if replica_systems is not None:
        a.replica_systems = list(replica_systems)
        if replicas == 1:  # as the CLI: one replica per size when replicas is not given
            a.replicas = len(replica_systems)
    a.prefill_replicas = prefill_replicas
    a.prefill_systems = prefill_systems
    a.prefill_batch = prefill_batch
    if prefill_system is not None:
        a.set_prefill_system(_system(prefill_system))
    a.slo_ttft_p99 = slo_ttft_p99
    a.slo_tbt_p99 = slo_tbt_p99
    a.slo_tpot_p99 = slo_tpot_p99
    a.request_log = request_log
    if request_trace is not None:
        a.set_request_trace(_os.fspath(request_trace))
    a.trace_rounds = trace_rounds
    if draft_model is not None:
        a.set_draft(_model(draft_model))
    u = _core._UncertaintyArgs()
    u.enabled = uncertainty
    u.samples = samples
    u.seed = seed
    u.jobs = jobs if jobs is not None else (_os.cpu_count() or 1)
    return InferResult(_core._infer(_system(system), _model(model), a, u))
