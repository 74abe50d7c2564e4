"""wafersim from Python: simulate Cerebras-style wafer-scale clusters in a notebook or an optimizer.

    import wafersim as ws
    sys = ws.System.load("configs/cs2.yaml").with_overrides({"io.port_bandwidth": "200 Gb/s"})
    m = ws.Model.load("models/gptj-6b.yaml")      # native YAML, Model Zoo YAML, HF config.json, ONNX
    r = ws.run(sys, m, systems=2, batch=120)
    r.samples_per_s, r.bottleneck, r.utilization["io"]
    r.layers                                      # pandas DataFrame (list of dicts without pandas)
    r.to_dict()                                   # the JSON report of `wafersim run --json`
    df = ws.sweep("configs/sweeps/io-weight-streaming.yaml", jobs=2)

The work is done by the same C++ functions the `wafersim` CLI calls, so results equal the CLI's
byte for byte (Result.to_json()). Runs are independent: any number per process, from any thread
(the GIL is released while simulating). Errors raise ConfigError (with file, line, column, key),
UsageError, FitError or SimError, all subclasses of wafersim.Error. Guide: docs/python.md.
"""

from __future__ import annotations

import json as _json
import os as _os
import shutil as _shutil
import tempfile as _tempfile
from typing import Any, Dict, List, Optional, Union

from . import _core
from ._core import (
    REPORT_SCHEMA_VERSION,
    ConfigError,
    Error,
    FitError,
    Model,
    SimError,
    System,
    UsageError,
    __version__,
)

__all__ = [
    "System",
    "Model",
    "Result",
    "run",
    "place",
    "graph",
    "fabric",
    "FabricResult",
    "infer",
    "InferResult",
    "sweep",
    "params",
    "dumps",
    "Error",
    "ConfigError",
    "UsageError",
    "FitError",
    "SimError",
    "REPORT_SCHEMA_VERSION",
    "__version__",
]

from ._infer import InferResult, infer
from ._util import ModelLike, SystemLike, _model, _system, _table


class Result:
    """One simulated design point: the figures of `wafersim run` and its JSON report.

    Scalars are read straight from the C++ result; to_dict(), layers and stages parse the JSON
    report (once per call). to_json() is exactly what `wafersim run --json` writes.
    """

    __slots__ = ("_r",)

    def __init__(self, core_result: "_core._Result") -> None:
        self._r = core_result

    @property
    def samples_per_s(self) -> float:
        """Training throughput of the whole cluster, in samples (sequences) per second."""
        return self._r.samples_per_s

    @property
    def tokens_per_s(self) -> float:
        """samples_per_s times the sequence length."""
        return self._r.tokens_per_s

    @property
    def step_time_s(self) -> float:
        """Steady-state time of one training step (one global batch), seconds."""
        return self._r.step_time_s

    @property
    def mfu(self) -> float:
        """Model FLOP/s over the cluster's peak FLOP/s."""
        return self._r.mfu

    @property
    def bottleneck(self) -> str:
        """What bounds the step: compute, fabric, io, memoryx, swarmx, input, sram, ..."""
        return self._r.bottleneck

    @property
    def bottleneck_reason(self) -> str:
        """One sentence saying why."""
        return self._r.bottleneck_reason

    @property
    def mode(self) -> str:
        return self._r.mode

    @property
    def systems(self) -> int:
        return self._r.systems

    @property
    def batch(self) -> int:
        return self._r.batch

    @property
    def seq(self) -> int:
        return self._r.seq

    @property
    def utilization(self) -> Dict[str, float]:
        """Fraction of the step each resource is busy: compute, fabric, io, memoryx, swarmx, input."""
        return self._r.utilization

    @property
    def step_boundary(self) -> Optional[Dict[str, float]]:
        """Weight streaming: the chain at a step boundary no overlap hides (reduce_s, update_s,
        broadcast_s, chain_s, overhead_s, exposed_s, swarmx_levels); None in pipelined mode."""
        return self._r.step_boundary

    @property
    def layers(self):
        """Per-layer figures of the report (DataFrame, or list of dicts without pandas)."""
        return _table(self.to_dict().get("layers", []))

    @property
    def stages(self):
        """Pipelined mode: per-stage regions, SRAM and times (DataFrame or list of dicts)."""
        return _table(self.to_dict().get("stages", []))

    def to_dict(self) -> Dict[str, Any]:
        """The JSON report as a dict (schema_version REPORT_SCHEMA_VERSION)."""
        return _json.loads(self._r.json)

    def to_json(self) -> str:
        """The JSON report's text, byte-identical to `wafersim run --json`."""
        return self._r.json

    def text(self) -> str:
        """The text report `wafersim run` prints."""
        return self._r.text()

    def breakdown(self) -> str:
        """Where the step time goes, per cause and per layer (`wafersim run --breakdown`)."""
        return self._r.breakdown_text()

    def energy(self) -> str:
        """Energy per step and sample, power per system and the parts (`wafersim run --energy`);
        "" when the system has no energy: section. The numbers are in to_dict()["energy"]."""
        return self._r.energy_text()

    def trace_json(self) -> str:
        """The timeline as Chrome-trace/Perfetto JSON (run with trace=True; else no events)."""
        return self._r.trace_json()

    def placement(self) -> str:
        """Pipelined mode: the placement summary `wafersim map` prints."""
        return self._r.placement_text()

    def tile_map(self, which: str = "sram"):
        """Per-tile map (run with tile_maps=True): 'sram' occupancy, 'busy' fraction or 'links'
        utilization, as a height x width numpy array (nested lists without numpy)."""
        width, height, values = self._r.tile_map(which)
        rows = [values[y * width : (y + 1) * width] for y in range(height)]
        try:
            import numpy
        except ImportError:
            return rows
        return numpy.array(rows, dtype=float).reshape(height, width)

    def __repr__(self) -> str:
        return "<wafersim.Result %s, %d system(s), batch %d: %.6g samples/s, bound by %s>" % (
            self.mode,
            self.systems,
            self.batch,
            self.samples_per_s,
            self.bottleneck,
        )


def run(
    system: SystemLike = None,
    model: ModelLike = None,
    *,
    systems: int = 1,
    batch: Optional[int] = None,
    seq: Optional[int] = None,
    micro_batch: Optional[Union[int, str]] = None,
    mode: str = "weight-streaming",
    fidelity: str = "approx",
    steps: Optional[int] = None,
    trace: bool = False,
    trace_steps: int = 2,
    tile_maps: bool = False,
    uncertainty: bool = False,
    samples: int = 64,
    seed: int = 1,
    jobs: Optional[int] = None,
) -> Result:
    """Simulates training `model` on `systems` copies of `system`; `wafersim run` from Python.

    system: a System, a config path, or None for the built-in CS-2 (configs/cs2.yaml).
    model: a Model, a model file path, or None for the built-in GPT-2 small.
    systems: CS-2s in data parallel (1..192). batch, seq: override the model file's.
    micro_batch: weight streaming's samples per micro-batch, "auto" | "none" | "explore" | int, as
    `run --micro-batch` (None: the model file's micro_batch_size, else auto).
    mode: "weight-streaming" | "pipelined" | "auto". fidelity: "approx" | "cycle" (also runs every
    GEMM kernel on the cycle-level fabric engine; small wafers).
    steps: training steps simulated (2..1000; default 3, the first is warm-up).
    trace: keep the timeline (Result.trace_json()) for the first trace_steps steps.
    tile_maps: keep the per-tile maps (Result.tile_map()).
    uncertainty: also sample the config's `range LO .. HI` parameters (Latin hypercube,
    `samples` runs, `seed`, `jobs` processes at once; default: the number of cores); the band is
    in to_dict()["uncertainty"].

    Raises ConfigError / UsageError for bad input, FitError when the model does not fit, SimError
    when the simulation fails. Thread-safe; releases the GIL while simulating.
    """
    a = _core._RunArgs()
    a.systems = systems
    a.batch = batch
    a.seq = seq
    a.mode = mode
    a.fidelity = fidelity
    a.steps = steps
    a.trace = trace
    a.trace_steps = trace_steps
    a.tile_maps = tile_maps
    u = _core._UncertaintyArgs()
    u.enabled = uncertainty
    u.samples = samples
    u.seed = seed
    u.jobs = jobs if jobs is not None else (_os.cpu_count() or 1)
    m = _model(model)
    if micro_batch is not None:
        m = m.with_micro_batch(micro_batch)
    return Result(_core._run(_system(system), m, a, u))


def place(system: SystemLike = None, model: ModelLike = None) -> Result:
    """The pipelined placement only, without simulating (`wafersim map`): stages, regions, SRAM,
    stage times and the slowest stage (Result.stages, Result.placement())."""
    return Result(_core._place(_system(system), _model(model)))


def graph(model: ModelLike = None) -> Dict[str, Any]:
    """The layer graph a model produces (`wafersim graph --format json`): model, params,
    training_flops_per_sample, ops (name, kind, layer, params, fwd/bwd FMACs, out_elems), edges."""
    return _json.loads(_model(model).graph_json())


class FabricResult:
    """A synthetic-traffic run of the cycle-level fabric (`wafersim fabric`)."""

    __slots__ = ("_f",)

    def __init__(self, core_result: "_core._FabricResult") -> None:
        self._f = core_result

    @property
    def accepted(self) -> float:
        """Wavelets delivered per node per cycle in the measurement window."""
        return self._f.accepted

    @property
    def offered(self) -> float:
        """Wavelets injected per node per cycle."""
        return self._f.offered

    @property
    def latency_avg(self) -> float:
        """Mean message latency, cycles."""
        return self._f.latency_avg

    @property
    def drained(self) -> bool:
        """Every generated message was delivered (False: saturated)."""
        return self._f.drained

    @property
    def host_s(self) -> float:
        """Wall time of the run (not in the JSON report, which is deterministic)."""
        return self._f.host_s

    def to_dict(self) -> Dict[str, Any]:
        """The JSON report as a dict."""
        return _json.loads(self._f.json)

    def to_json(self) -> str:
        """The JSON report's text, byte-identical to `wafersim fabric --json`."""
        return self._f.json

    def text(self) -> str:
        """The text report `wafersim fabric` prints."""
        return self._f.text()

    def link_heat(self):
        """Busiest output link's utilization per router, height x width (numpy array or lists)."""
        width, height, values = self._f.link_heat()
        rows = [values[y * width : (y + 1) * width] for y in range(height)]
        try:
            import numpy
        except ImportError:
            return rows
        return numpy.array(rows, dtype=float).reshape(height, width)

    def __repr__(self) -> str:
        return "<wafersim.FabricResult accepted %.4g, latency %.4g cycles%s>" % (
            self.accepted,
            self.latency_avg,
            "" if self.drained else ", saturated",
        )


def fabric(
    system: Union[System, str, "os.PathLike[str]", None] = None,
    *,
    width: Optional[int] = None,
    height: Optional[int] = None,
    pattern: str = "uniform",
    rate: float = 0.05,
    cycles: int = 10000,
    warmup: Optional[int] = None,
    seed: int = 1,
    message_wavelets: int = 1,
    colors: int = 4,
    shards: int = 1,
    quantum: int = 0,
) -> FabricResult:
    """Synthetic traffic on the cycle-level fabric engine (`wafersim fabric`).

    system: None for a 32 x 32 mesh of the built-in CS-2's routers; a System or path for its
    whole wafer (unless width/height say otherwise). pattern: uniform | transpose |
    bit-complement | hotspot | nearest-neighbour | row-broadcast | column-reduce. rate: offered
    wavelets per source per cycle. cycles: measurement window (warmup default min(1000,
    cycles/10)). shards > 1 steps bands of rows in SystemC threads (results do not change).
    """
    a = _core._FabricArgs()
    a.width = -1 if width is None else width
    a.height = -1 if height is None else height
    a.pattern = pattern
    a.rate = rate
    a.cycles = cycles
    a.warmup = -1 if warmup is None else warmup
    a.seed = seed
    a.message_wavelets = message_wavelets
    a.colors = colors
    a.shards = shards
    a.quantum = quantum
    return FabricResult(_core._fabric(None if system is None else _system(system), a))


def sweep(
    path: Union[str, "os.PathLike[str]"],
    *,
    jobs: Optional[int] = None,
    db: Union[str, "os.PathLike[str]", None] = None,
    timeout: float = 0,
    retry_failed: bool = False,
    progress: bool = False,
    memory_limit: str = "",
    points_per_process: int = 64,
):
    """Runs a sweep file (configs/sweeps/*.yaml) as `wafersim sweep` does and returns its points.

    Each point runs in a forked worker process, one at a time (crash isolation, `timeout` seconds,
    `memory_limit`; a worker runs up to `points_per_process` points, 1 = a process per point),
    `jobs` at once (default: the number of cores). db: the SQLite results database to record in
    and resume from (finished points are not run again); without one a temporary database is used
    and removed. Returns a pandas DataFrame of this sweep's rows (list of dicts without pandas),
    one per point: its axes, status, and the report's metrics (samples_per_s, utilization.*, ...).
    Ctrl-C stops the sweep (KeyboardInterrupt); finished points stay in `db`.
    """
    tmp = None
    if db is None:
        tmp = _tempfile.mkdtemp(prefix="wafersim-sweep-")
        db = _os.path.join(tmp, "sweep.sqlite")
    try:
        columns, rows = _core._sweep(
            _os.fspath(path),
            _os.fspath(db),
            0 if jobs is None else jobs,
            float(timeout),
            retry_failed,
            progress,
            memory_limit,
            points_per_process,
        )
    finally:
        if tmp is not None:
            _shutil.rmtree(tmp, ignore_errors=True)
    return _table([dict(zip(columns, r)) for r in rows])


def dumps(obj: Any) -> str:
    """Serializes a report dict (Result.to_dict(), possibly edited) exactly as the CLI writes JSON:
    through the same C++ writer, two-space indent, a trailing newline. For an unedited report,
    dumps(r.to_dict()) == r.to_json(), byte for byte (json.dumps prints some floats differently:
    the C++ writer uses fixed notation only below 1e15, and its digits are not always the
    shortest; both round-trip to the same double)."""
    return _core._dump_json(_json.dumps(obj, allow_nan=False))


def params() -> List[Dict[str, Any]]:
    """Every system parameter with_overrides() accepts: path, type, default, required, description."""
    return _core._params()
