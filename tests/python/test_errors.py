"""Bad input raises the right exception, with what the CLI's message says; never a crash."""

import pytest
from conftest import cli, src


def test_config_error_names_file_line_and_key(ws):
    path = src("tests/bad_inputs/sys_unknown_key.yaml")
    with pytest.raises(ws.ConfigError) as e:
        ws.System.load(path)
    err = e.value
    assert err.file == path
    assert err.line > 0 and err.column > 0
    assert err.key == "pe.sram_bankz"
    assert "did you mean 'pe.sram_banks'" in err.detail
    code, _, stderr = cli("run", "--system", path)
    assert code == 2
    assert str(err) in stderr
    assert isinstance(err, ws.Error) and isinstance(err, ValueError)


@pytest.mark.parametrize(
    "name",
    ["model_unknown_key.yaml", "model_wrong_type.yaml", "model_duplicate_key.yaml", "hf_missing_key.json",
     "modelzoo_wrong_type.yaml", "model_binary_garbage.yaml"],
)
def test_bad_model_files_raise_config_error(ws, name):
    with pytest.raises(ws.ConfigError) as e:
        ws.Model.load(src("tests/bad_inputs", name))
    assert e.value.file.endswith(name)


@pytest.mark.parametrize("name", ["onnx_garbage.onnx", "onnx_truncated.onnx"])
def test_bad_onnx_raises(ws, name):
    with pytest.raises(ws.Error):
        ws.Model.load(src("tests/bad_inputs", name))


def test_missing_files(ws, tmp_path):
    with pytest.raises(ws.Error) as e:
        ws.System.load(str(tmp_path / "absent.yaml"))
    assert "absent.yaml" in str(e.value)
    with pytest.raises(ws.Error):
        ws.Model.load(str(tmp_path / "absent.yaml"))


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        ({"mode": "sideways"}, "mode sideways"),
        ({"fidelity": "exact"}, "fidelity exact"),
        ({"systems": 0}, "systems=0"),
        ({"batch": -1}, "batch=-1"),
        ({"seq": 0}, "seq=0"),
        ({"steps": 1}, "steps=1"),
        ({"systems": 500}, "500"),
        ({"micro_batch": 0}, "with_micro_batch(0)"),
        ({"micro_batch": "some"}, "auto, explore, none or a positive whole number"),
        ({"micro_batch": True}, "with_micro_batch(True)"),
        ({"micro_batch": 4, "mode": "pipelined"}, "applies to weight streaming"),
    ],
)
def test_bad_arguments_raise_usage_error(ws, kwargs, fragment):
    with pytest.raises(ws.UsageError) as e:
        ws.run(**kwargs)
    assert fragment in str(e.value)


def test_bad_overrides(ws):
    s = ws.System.builtin()
    with pytest.raises(ws.Error) as e:
        s.with_overrides({"io.port_bandwith": "1 Gb/s"})
    assert "io.port_bandwith" in str(e.value)
    with pytest.raises(ws.Error) as e:
        s.with_overrides({"io.port_bandwidth": "fast"})
    assert "io.port_bandwidth" in str(e.value)
    with pytest.raises(ws.UsageError):
        s.with_overrides({"io.port_bandwidth": [1, 2]})
    with pytest.raises(ws.UsageError):
        s.with_overrides({1: "x"})


def test_model_that_does_not_fit_raises_fit_error(ws):
    with pytest.raises(ws.FitError) as e:
        ws.run(src("configs/small-wafer.yaml"), src("models/gptj-6b.yaml"), mode="pipelined")
    assert "gptj" in str(e.value).lower() or "fit" in str(e.value).lower()
    code, _, stderr = cli("run", "--system", src("configs/small-wafer.yaml"), "--model", src("models/gptj-6b.yaml"),
                          "--mode", "pipelined")
    assert code == 2 and str(e.value) in stderr


def test_wrong_types_raise_type_error(ws):
    with pytest.raises(TypeError):
        ws.run(system=42)
    with pytest.raises(TypeError):
        ws.run(model=3.5)


def test_bad_sweep_file(ws, tmp_path):
    with pytest.raises(ws.Error) as e:
        ws.sweep(src("tests/bad_inputs/sweep_bad_value.yaml"))
    assert "sweep_bad_value.yaml" in str(e.value)


def test_errors_leave_the_process_usable(ws):
    for _ in range(3):
        with pytest.raises(ws.FitError):
            ws.run(src("configs/small-wafer.yaml"), src("models/gptj-6b.yaml"), mode="pipelined")
    assert ws.run().samples_per_s > 0
