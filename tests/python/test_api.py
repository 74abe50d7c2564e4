"""The Python API gives the CLI's results, byte for byte, and runs any number of times per process."""

import json

import pytest
from conftest import assert_ctrl_c_reaches_python, cli_ok, src

# (description, CLI arguments, Python call)
CASES = [
    ("built-in defaults", [], lambda ws: ws.run()),
    (
        "GPT-J 2 systems, I/O override",
        ["--system", src("configs/cs2.yaml"), "--model", src("models/gptj-6b.yaml"), "--systems", "2",
         "--batch", "120", "--set", "io.port_bandwidth=200 Gb/s"],
        lambda ws: ws.run(
            ws.System.load(src("configs/cs2.yaml")).with_overrides({"io.port_bandwidth": "200 Gb/s"}),
            ws.Model.load(src("models/gptj-6b.yaml")), systems=2, batch=120),
    ),
    (
        "BERT-large pipelined",
        ["--model", src("models/bert-large.yaml"), "--mode", "pipelined"],
        lambda ws: ws.run(None, src("models/bert-large.yaml"), mode="pipelined"),
    ),
    (
        "CS-3 LLaMA seq override, 4 steps",
        ["--system", src("configs/cs3.yaml"), "--model", src("models/llama-7b.yaml"), "--seq", "1024",
         "--steps", "4"],
        lambda ws: ws.run(src("configs/cs3.yaml"), src("models/llama-7b.yaml"), seq=1024, steps=4),
    ),
    (
        "Model Zoo YAML",
        ["--model", src("models/modelzoo/params_bert_large.yaml"), "--mode", "auto"],
        lambda ws: ws.run(None, ws.Model.load(src("models/modelzoo/params_bert_large.yaml")), mode="auto"),
    ),
    (
        "HuggingFace config.json",
        ["--model", src("models/hf/mistral-7b.json"), "--batch", "64"],
        lambda ws: ws.run(model=ws.Model.load(src("models/hf/mistral-7b.json")).with_batch(64)),
    ),
    (
        "Model Zoo micro_batch_size, overridden",
        ["--system", src("configs/cs3.yaml"), "--model",
         src("tests/fixtures/modelzoo/Release_2.10.0/params_llama3p1_8b_msl_8k.yaml"), "--batch", "48",
         "--micro-batch", "8"],
        lambda ws: ws.run(src("configs/cs3.yaml"),
                          src("tests/fixtures/modelzoo/Release_2.10.0/params_llama3p1_8b_msl_8k.yaml"),
                          batch=48, micro_batch=8),
    ),
    (
        "checkpoints off the wafer",
        ["--system", src("configs/cs2.yaml"), "--model", src("models/gptj-6b.yaml"), "--batch", "60",
         "--set", "sim.checkpoint_store=offload"],
        lambda ws: ws.run(ws.System.load(src("configs/cs2.yaml")).with_overrides({"sim.checkpoint_store": "offload"}),
                          src("models/gptj-6b.yaml"), batch=60),
    ),
    (
        "ONNX graph on the small wafer",
        ["--system", src("configs/small-wafer.yaml"), "--model", src("tests/fixtures/onnx/tiny_cnn.onnx"),
         "--batch", "64"],
        lambda ws: ws.run(src("configs/small-wafer.yaml"), src("tests/fixtures/onnx/tiny_cnn.onnx"), batch=64),
    ),
    (
        "mixture of experts (Mixtral's config.json) on a CS-3",
        ["--system", src("configs/cs3.yaml"), "--model", src("tests/fixtures/hf/mixtral-8x7b-v0.1.json"),
         "--batch", "64", "--seq", "2048"],
        lambda ws: ws.run(src("configs/cs3.yaml"), src("tests/fixtures/hf/mixtral-8x7b-v0.1.json"), batch=64,
                          seq=2048),
    ),
    (
        "encoder-decoder (Model Zoo T5 11B)",
        ["--model", src("tests/fixtures/modelzoo/Release_2.10.0/t5_11B.yaml")],
        lambda ws: ws.run(None, src("tests/fixtures/modelzoo/Release_2.10.0/t5_11B.yaml")),
    ),
    (
        "encoder-decoder pipelined (Model Zoo Transformer)",
        ["--model", src("tests/fixtures/modelzoo/Release_2.10.0/transformer_base.yaml"), "--mode", "pipelined"],
        lambda ws: ws.run(None, src("tests/fixtures/modelzoo/Release_2.10.0/transformer_base.yaml"),
                          mode="pipelined"),
    ),
]


@pytest.mark.parametrize("name,args,call", CASES, ids=[c[0] for c in CASES])
def test_report_equals_cli_json(ws, name, args, call):
    expected = cli_ok("run", *args, "--json", "-")
    r = call(ws)
    assert r.to_json().encode() == expected
    # to_dict() serialized as the CLI does (ws.dumps) gives the same bytes; the values are the CLI's
    d = r.to_dict()
    assert ws.dumps(d).encode() == expected
    assert d == json.loads(expected)
    assert d["schema_version"] == ws.REPORT_SCHEMA_VERSION
    assert r.samples_per_s == d["samples_per_s"]
    assert r.bottleneck == d["bottleneck"]
    assert r.utilization == d["utilization"]
    assert r.step_boundary == d.get("step_boundary")  # None in pipelined mode


def test_a_b_a_in_one_process_equal_fresh_processes(ws, tmp_path):
    gptj = ["--model", src("models/gptj-6b.yaml"), "--systems", "2", "--batch", "120"]
    bert = ["--model", src("models/bert-large.yaml"), "--mode", "pipelined"]
    fresh_a = cli_ok("run", *gptj, "--json", "-")
    fresh_b = cli_ok("run", *bert, "--json", "-")
    trace_file = tmp_path / "a.json"
    cli_ok("run", *gptj, "--trace", str(trace_file), "-q")
    m = ws.Model.load(src("models/gptj-6b.yaml"))
    a1 = ws.run(None, m, systems=2, batch=120, trace=True)
    b = ws.run(None, src("models/bert-large.yaml"), mode="pipelined")
    a2 = ws.run(None, m, systems=2, batch=120, trace=True)
    assert a1.to_json().encode() == fresh_a
    assert a2.to_json().encode() == fresh_a
    assert b.to_json().encode() == fresh_b
    assert a1.trace_json() == a2.trace_json()
    assert a1.trace_json().encode() == trace_file.read_bytes()


def test_many_runs_in_one_process(ws):
    s = ws.System.builtin()
    m = ws.Model.builtin()
    first = ws.run(s, m).to_json()
    for bw in ("50 Gb/s", "100 Gb/s", "400 Gb/s"):
        ws.run(s.with_overrides({"io.port_bandwidth": bw}), m, systems=2)
    for _ in range(200):
        r = ws.run(s, m)
    assert r.to_json() == first


def test_text_breakdown_and_placement_match_cli(ws, tmp_path):
    args = ["--model", src("models/bert-large.yaml"), "--mode", "pipelined"]
    r = ws.run(None, src("models/bert-large.yaml"), mode="pipelined")
    text = cli_ok("run", *args).decode()
    assert text.endswith(r.text())
    assert cli_ok("run", *args, "--breakdown").decode().endswith(r.breakdown())
    p = ws.place(None, src("models/bert-large.yaml"))
    assert cli_ok("map", "--model", src("models/bert-large.yaml")).decode() == p.placement()
    assert len(p.stages) == len(r.to_dict()["stages"])


def test_energy_matches_cli(ws):
    args = ["--model", src("models/gptj-6b.yaml"), "--systems", "2", "--batch", "120"]
    r = ws.run(None, src("models/gptj-6b.yaml"), systems=2, batch=120)
    assert cli_ok("run", *args, "--energy").decode().endswith(r.energy())
    e = r.to_dict()["energy"]
    assert e["units_per_kj"] > 0 and e["system_power_w"] < e["system_power_max_w"]
    i = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-8b.yaml"))
    iargs = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-8b.yaml")]
    assert cli_ok("infer", *iargs, "--energy").decode().endswith(i.energy())
    assert set(i.to_dict()["energy"]) == {"decode", "prefill"}


def test_graph_matches_cli(ws):
    expected = cli_ok("graph", "--model", src("models/gpt2-small.yaml"), "--format", "json")
    g = ws.graph(src("models/gpt2-small.yaml"))
    assert json.loads(expected) == g
    assert ws.Model.load(src("models/gpt2-small.yaml")).graph_json().encode() == expected
    assert g["params"] > 100_000_000


def test_uncertainty_equals_cli(ws):
    expected = cli_ok("run", "--uncertainty", "--samples", "8", "--jobs", "2", "--json", "-")
    r = ws.run(uncertainty=True, samples=8, jobs=2)
    assert r.to_json().encode() == expected
    band = r.to_dict()["uncertainty"]
    assert band["low"] <= band["nominal"] <= band["high"]
    assert band["nominal"] == r.samples_per_s
    v = band["validation"]  # the built-in CS-2's calibration.model_error
    assert v["low"] < r.samples_per_s < v["high"] and v["level"] == 0.9
    assert_ctrl_c_reaches_python()  # the band's forked runs put Python's handler back


def test_tile_maps(ws):
    r = ws.run(src("configs/small-wafer.yaml"), src("models/tiny-gpt.yaml"), mode="pipelined", tile_maps=True)
    sram = r.tile_map("sram")
    assert len(sram) > 0 and len(sram[0]) > 0
    assert max(max(row) for row in sram) <= 1.0
    assert max(max(row) for row in sram) > 0


def test_objects_are_immutable_values(ws):
    s = ws.System.builtin()
    s2 = s.with_overrides({"io.port_bandwidth": "50 Gb/s", "pe.clock": 850e6})
    assert s.overrides == {}
    assert s2.overrides == {"io.port_bandwidth": "50 Gb/s", "pe.clock": "850000000.0"}
    m = ws.Model.builtin()
    m2 = m.with_batch(32).with_seq(512)
    assert (m2.batch, m2.seq) == (32, 512)
    assert m.batch != 32
    assert "gpt2" in repr(m).lower()
    assert any(p["path"] == "io.port_bandwidth" for p in ws.params())
    assert s.value("io.port_bandwidth") == 100e9
    assert s2.value("io.port_bandwidth") == 50e9
    assert s2.value("pe.clock") == 850e6
    with pytest.raises(ws.UsageError):
        s.value("pe.nonexistent")


def test_every_public_function_is_documented(ws):
    for name in ws.__all__:
        obj = getattr(ws, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
    for cls in (ws.System, ws.Model, ws.Result):
        for attr in dir(cls):
            if attr.startswith("_"):
                continue
            member = getattr(cls, attr)
            if callable(member) and attr not in ("name", "path"):
                assert member.__doc__, "%s.%s" % (cls.__name__, attr)


def test_lists_without_pandas(ws, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    r = ws.run()
    layers = r.layers
    assert isinstance(layers, list) and layers and layers[0]["name"]
    assert layers == r.to_dict()["layers"]


def test_fabric_matches_cli(ws):
    args = ["--width", "16", "--height", "12", "--pattern", "transpose", "--rate", "0.1", "--cycles", "3000"]
    expected = cli_ok("fabric", *args, "--json", "-")
    f = ws.fabric(width=16, height=12, pattern="transpose", rate=0.1, cycles=3000)
    assert f.to_json().encode() == expected
    assert f.to_dict()["accepted_wavelets_per_node_cycle"] == f.accepted
    sharded = ws.fabric(width=16, height=12, pattern="transpose", rate=0.1, cycles=3000, shards=3)
    assert sharded.to_json() == f.to_json()  # SystemC shard threads, in-process, same bytes
    heat = f.link_heat()
    assert len(heat) == 12 and len(heat[0]) == 16
    small = ws.System.load(src("configs/small-wafer.yaml"))
    whole = ws.fabric(small, cycles=500)
    assert whole.to_dict()["grid"]["width"] == small.value("wafer.width")
    with pytest.raises(ws.UsageError):
        ws.fabric(pattern="sideways")
    with pytest.raises(ws.UsageError):
        ws.fabric(cycles=0)


def test_infer_matches_cli(ws):
    args = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-70b.yaml"), "--systems", "4",
            "--batch", "8", "--prompt", "2048", "--generate", "128"]
    expected = cli_ok("infer", *args, "--json", "-")
    r = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=8, prompt=2048,
                 generate=128)
    assert r.to_json().encode() == expected
    d = r.to_dict()
    assert d["command"] == "infer" and d["schema_version"] == ws.REPORT_SCHEMA_VERSION
    assert r.tokens_per_s == pytest.approx(8 * r.tokens_per_s_per_user)
    assert r.placement == "sram" and r.min_systems == 4
    assert len(r.layers) == 82
    assert cli_ok("infer", *args, "--breakdown").decode().endswith(r.breakdown())
    streamed = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"))
    assert streamed.placement == "memoryx" and streamed.decode_bottleneck == "memoryx"
    with pytest.raises(ws.UsageError):
        ws.infer(model=src("models/bert-large.yaml"))
    with pytest.raises(ws.FitError):
        ws.infer(src("configs/cs3.yaml"), src("models/llama-7b.yaml"), batch=4096, prompt=1024, generate=1024)


@pytest.mark.parametrize("model,systems", [("tests/fixtures/hf/gpt-oss-120b.json", 6),
                                           ("models/hf/deepseek-v3.json", 58)])
def test_infer_moe_models_match_cli(ws, model, systems):
    # gpt-oss (sink logits, biased router; the front-end's quantization note) and DeepSeek-V3
    # (latent attention: the latent KV cache): the API's bytes are the CLI's, lengths not given
    # on either side (the defaults and their note)
    args = ["--system", src("configs/cs3.yaml"), "--model", src(model), "--systems", str(systems)]
    expected = cli_ok("infer", *args, "--json", "-")
    r = ws.infer(src("configs/cs3.yaml"), src(model), systems=systems)
    assert r.to_json().encode() == expected
    assert r.placement == "sram" and r.min_systems == systems


def test_infer_speculative_and_cycle_match_cli(ws):
    args = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-8b.yaml"), "--draft-model",
            src("models/llama3.2-1b.yaml"), "--speculate", "3", "--acceptance", "0.7", "--prompt", "1024",
            "--generate", "256"]
    expected = cli_ok("infer", *args, "--json", "-")
    r = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-8b.yaml"), draft_model=src("models/llama3.2-1b.yaml"),
                 speculate=3, acceptance=0.7, prompt=1024, generate=256)
    assert r.to_json().encode() == expected
    s = r.to_dict()["speculative"]
    assert s["speculate"] == 3 and s["draft_model"] == "llama3.2-1b"
    assert s["tokens_per_round"] == pytest.approx((1 - 0.7 ** 4) / 0.3)
    tiny = ["--system", src("configs/small-wafer.yaml"), "--model", src("models/tiny-gpt.yaml"), "--prompt", "64",
            "--generate", "32", "--fidelity", "cycle"]
    c = ws.infer(src("configs/small-wafer.yaml"), src("models/tiny-gpt.yaml"), prompt=64, generate=32,
                 fidelity="cycle")
    assert c.to_json().encode() == cli_ok("infer", *tiny, "--json", "-")
    assert all(k["agrees"] for k in c.to_dict()["kernel_checks"])
    with pytest.raises(ws.UsageError):
        ws.infer(speculate=2)
    with pytest.raises(ws.UsageError):
        ws.infer(fidelity="exact")
    traced = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, prompt=1024, generate=256,
                      trace_rounds=2)
    cli_trace = cli_ok("infer", "--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-70b.yaml"),
                       "--systems", "4", "--prompt", "1024", "--generate", "256", "--trace", "-", "-q")
    assert traced.trace_json().encode() == cli_trace


def test_infer_wafer_io_matches_cli(ws):
    args = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-70b.yaml"), "--systems", "4",
            "--prompt", "1024", "--generate", "256"]
    expected = cli_ok("infer", *args, "--wafer-io", "sync", "--json", "-")
    sync = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, wafer_io="sync", prompt=1024,
                    generate=256)
    assert sync.to_json().encode() == expected
    plain = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, prompt=1024, generate=256)
    assert plain.to_dict()["wafer_io"] == "async" and sync.to_dict()["wafer_io"] == "sync"
    # Four systems, each waiting the fitted calibration.sync_wafer_io once per token.
    wait = ws.System.load(src("configs/cs3.yaml")).value("calibration.sync_wafer_io")
    assert sync.tpot_s - plain.tpot_s == pytest.approx(4 * wait, rel=1e-9)
    with pytest.raises(ws.UsageError, match="wafer_io"):
        ws.infer(wafer_io="sometimes")


def test_infer_layout_matches_cli(ws):
    args = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-8b.yaml"), "--systems", "24",
            "--prompt", "1024", "--generate", "256"]
    for layout in ("compact", "fill"):
        r = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-8b.yaml"), systems=24, layout=layout,
                     prompt=1024, generate=256)
        assert r.to_json().encode() == cli_ok("infer", *args, "--layout", layout, "--json", "-")
        assert r.to_dict()["layout"] == layout
    default = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-8b.yaml"), systems=24)
    assert default.to_dict()["layout"] == "compact"
    with pytest.raises(ws.UsageError, match="layout"):
        ws.infer(layout="spread")


def test_infer_weight_and_kv_bits_match_cli(ws):
    args = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-70b.yaml"), "--systems", "2",
            "--prompt", "1024", "--generate", "256"]
    r = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=2, weight_bits=8, kv_bits=8,
                 prompt=1024, generate=256)
    assert r.to_json().encode() == cli_ok("infer", *args, "--weight-bits", "8", "--kv-bits", "8", "--json", "-")
    d = r.to_dict()
    assert (d["weight_bits"], d["kv_bits"], r.placement) == (8, 8, "sram")
    with pytest.raises(ws.UsageError, match="--weight-bits"):
        ws.infer(weight_bits=40)
    oss = ws.infer(src("configs/cs3.yaml"), src("tests/fixtures/hf/gpt-oss-120b.json"), systems=2, expert_bits=4.25)
    assert oss.to_json().encode() == cli_ok("infer", "--system", src("configs/cs3.yaml"), "--model",
                                            src("tests/fixtures/hf/gpt-oss-120b.json"), "--systems", "2",
                                            "--expert-bits", "4.25", "--json", "-")
    assert (oss.to_dict()["expert_bits"], oss.to_dict()["weight_bits"], oss.placement) == (4.25, 16, "sram")


def test_infer_serving_matches_cli(ws):
    args = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-70b.yaml"), "--systems", "4",
            "--batch", "16", "--prompt", "1024", "--generate", "256", "--arrival-rate", "8", "--requests", "100",
            "--arrival-seed", "3"]
    r = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                 generate=256, arrival_rate=8, requests=100, arrival_seed=3)
    assert r.to_json().encode() == cli_ok("infer", *args, "--json", "-")
    assert r.to_dict()["serving"]["requests"] == 100
    chunked = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                       generate=256, arrival_rate=8, requests=100, arrival_seed=3, prefill_chunk=256)
    assert chunked.to_json().encode() == cli_ok("infer", *args, "--prefill-chunk", "256", "--json", "-")
    assert chunked.to_dict()["serving"]["prefill_chunk"] == 256
    assert chunked.to_dict()["serving"]["tbt_s"]["max"] < r.to_dict()["serving"]["tbt_s"]["max"]
    varied = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                      generate=256, arrival_rate=8, requests=100, arrival_seed=3, prompt_min=64, generate_min=8)
    assert varied.to_json().encode() == cli_ok("infer", *args, "--prompt-min", "64", "--generate-min", "8",
                                               "--json", "-")
    assert varied.to_dict()["serving"]["prompt_range"] == [64, 1024]
    azure = src("tests/fixtures/traces/azure-llm-conv-2023-head300.csv")
    traced = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=8, batch=16,
                      request_trace=azure, arrival_rate=20)
    assert traced.to_json().encode() == cli_ok("infer", "--system", src("configs/cs3.yaml"), "--model",
                                               src("models/llama3.1-70b.yaml"), "--systems", "8", "--batch", "16",
                                               "--request-trace", azure, "--arrival-rate", "20", "--json", "-")
    assert traced.to_dict()["serving"]["requests"] == 300
    replicated = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16,
                          prompt=1024, generate=256, arrival_rate=24, requests=100, arrival_seed=3, replicas=3,
                          routing="least-outstanding")
    assert replicated.to_json().encode() == cli_ok("infer", *args[:-6], "--arrival-rate", "24", "--requests", "100",
                                                   "--arrival-seed", "3", "--replicas", "3", "--routing",
                                                   "least-outstanding", "--json", "-")
    assert sum(replicated.to_dict()["serving"]["replica_requests"]) == 100
    shared = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                      generate=256, arrival_rate=24, requests=100, arrival_seed=3, replicas=3, routing="shared-queue")
    assert shared.to_dict()["serving"]["routing"] == "shared-queue"
    assert sum(shared.to_dict()["serving"]["replica_requests"]) == 100
    split = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                     generate=256, arrival_rate=8, requests=100, arrival_seed=3, prefill_replicas=1, prefill_systems=8)
    assert split.to_json().encode() == cli_ok("infer", *args, "--prefill-replicas", "1", "--prefill-systems", "8",
                                              "--json", "-")
    assert split.to_dict()["serving"]["prefill_replica_requests"] == [100]
    pooled = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                      generate=256, arrival_rate=8, requests=100, arrival_seed=3, prefill_replicas=1, prefill_batch=4)
    assert pooled.to_json().encode() == cli_ok("infer", *args, "--prefill-replicas", "1", "--prefill-batch", "4",
                                               "--json", "-")
    assert pooled.to_dict()["serving"]["prefill_batch"] == 4
    hetero = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                      generate=256, arrival_rate=8, requests=100, arrival_seed=3, prefill_replicas=1, prefill_systems=8,
                      prefill_system=src("configs/cs2.yaml"))
    assert hetero.to_json().encode() == cli_ok("infer", *args, "--prefill-replicas", "1", "--prefill-systems", "8",
                                               "--prefill-system", src("configs/cs2.yaml"), "--json", "-")
    assert hetero.to_dict()["serving"]["prefill_system"] == "CS-2"
    logged = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                      generate=256, arrival_rate=8, requests=100, arrival_seed=3, prefill_replicas=1, request_log=True)
    assert logged.request_log_csv().encode() == cli_ok("infer", *args, "--prefill-replicas", "1", "--request-log", "-")
    rows = logged.requests()
    rows = rows.to_dict("records") if hasattr(rows, "to_dict") else rows
    assert len(rows) == 100 and rows[0]["request"] == 0 and rows[0]["prefill_replica"] == 0
    assert max(r["ttft_s"] for r in rows) >= logged.to_dict()["serving"]["ttft_s"]["p99"]
    assert len(split.requests()) == 0  # not kept without request_log
    uneven = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                      generate=256, arrival_rate=8, requests=100, arrival_seed=3, replica_systems=[8, 4],
                      routing="least-outstanding")
    assert uneven.to_json().encode() == cli_ok("infer", *args, "--replica-systems", "8,4", "--routing",
                                               "least-outstanding", "--json", "-")
    assert uneven.to_dict()["serving"]["replica_systems"] == [8, 4]
    assert ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                    generate=256, arrival_rate=8, requests=100, arrival_seed=3, prefill_replicas=1, prefill_systems=8,
                    prefill_system=ws.System.load(src("configs/cs2.yaml"))).to_json() == hetero.to_json()
    cap = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-70b.yaml"), systems=4, batch=16, prompt=1024,
                   generate=256, requests=100, arrival_seed=3, slo_ttft_p99=0.05)
    assert cap.to_json().encode() == cli_ok("infer", *args[:-6], "--requests", "100", "--arrival-seed", "3",
                                            "--slo-ttft-p99", "0.05", "--json", "-")
    assert cap.to_dict()["capacity"]["feasible"] and cap.to_dict()["serving"]["ttft_s"]["p99"] <= 0.05
    with pytest.raises(ws.UsageError, match="--slo-ttft-p99 -1"):
        ws.infer(slo_ttft_p99=-1)
    with pytest.raises(ws.UsageError, match="--prefill-systems needs"):
        ws.infer(arrival_rate=1, prefill_systems=2)
    with pytest.raises(ws.UsageError, match="--prefill-system needs"):
        ws.infer(arrival_rate=1, prefill_system=src("configs/cs2.yaml"))
    with pytest.raises(ws.UsageError, match="--replicas needs"):
        ws.infer(replicas=2)
    with pytest.raises(ws.UsageError, match="routing nearest"):
        ws.infer(arrival_rate=1, replicas=2, routing="nearest")
    with pytest.raises(ws.ConfigError, match="nosuch.csv"):
        ws.infer(request_trace=src("nosuch.csv"))
    with pytest.raises(ws.UsageError, match="--prefill-chunk 4"):
        ws.infer(batch=16, arrival_rate=1, prefill_chunk=4)
    assert "serving" not in ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-8b.yaml")).to_dict()


def test_micro_batch_setting(ws):
    zoo = ws.Model.load(src("tests/fixtures/modelzoo/Release_2.10.0/params_llama3p1_8b_msl_8k.yaml"))
    assert zoo.micro_batch == "20"
    assert zoo.with_micro_batch("explore").micro_batch == "explore"
    assert zoo.with_micro_batch(12).micro_batch == "12"
    assert zoo.micro_batch == "20"  # a new value; the loaded model is unchanged
    tiny = ws.Model.load(src("models/tiny-gpt.yaml")).with_batch(64)
    r = ws.run(src("configs/small-wafer.yaml"), tiny, micro_batch="none")
    assert r.to_dict()["micro_batches"] == 1


def test_infer_uncertainty_equals_cli(ws):
    args = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-8b.yaml"), "--wafer-io", "sync",
            "--prompt", "1024", "--generate", "256"]
    expected = cli_ok("infer", *args, "--uncertainty", "--samples", "8", "--jobs", "2", "--json", "-")
    r = ws.infer(src("configs/cs3.yaml"), src("models/llama3.1-8b.yaml"), wafer_io="sync", uncertainty=True,
                 samples=8, jobs=2, prompt=1024, generate=256)
    assert r.to_json().encode() == expected
    band = r.to_dict()["uncertainty"]
    assert band["metric"] == "tokens_per_s_per_user" and band["samples_ran"] == 8
    with pytest.raises(ws.UsageError, match="samples=4"):
        ws.infer(uncertainty=True, samples=4)
