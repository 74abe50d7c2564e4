"""ws.sweep runs a sweep file as `wafersim sweep` does and returns its rows."""

import csv

from conftest import cli_ok


def write_sweep(tmp_path, src_dir):
    p = tmp_path / "small.yaml"
    p.write_text(
        "name: small\n"
        "system: %s/configs/cs2.yaml\n"
        "model: %s/models/gpt2-small.yaml\n"
        "mode: weight-streaming\n"
        "axes:\n"
        "  io.port_bandwidth: [50 Gb/s, 100 Gb/s, 200 Gb/s]\n"
        "  systems: [1, 2]\n" % (src_dir, src_dir)
    )
    return p


def test_sweep_rows_equal_cli_sweep_and_run(ws, tmp_path):
    from conftest import SRC

    sweep = write_sweep(tmp_path, SRC)
    rows = ws.sweep(str(sweep), jobs=2)
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else rows
    assert len(records) == 6
    assert all(r["status"] == "ok" for r in records)
    # the CLI sweep's CSV has the same points and figures
    cli_ok("sweep", str(sweep), "--db", str(tmp_path / "cli.sqlite"), "--csv", str(tmp_path / "cli.csv"), "-q")
    with open(tmp_path / "cli.csv", newline="") as f:
        cli_rows = list(csv.DictReader(f))
    assert len(cli_rows) == 6
    by_key = {r["key"]: r for r in cli_rows}
    for r in records:
        assert abs(float(by_key[r["key"]]["samples_per_s"]) - r["samples_per_s"]) <= 1e-9 * r["samples_per_s"]
    # and each point equals ws.run with the same overrides
    s = ws.System.load(SRC + "/configs/cs2.yaml")
    m = ws.Model.load(SRC + "/models/gpt2-small.yaml")
    for r in records:
        one = ws.run(s.with_overrides({"io.port_bandwidth": r["io.port_bandwidth"]}), m, systems=int(r["systems"]))
        assert one.samples_per_s == r["samples_per_s"]


def test_sweep_resumes_from_db(ws, tmp_path):
    from conftest import SRC

    sweep = write_sweep(tmp_path, SRC)
    db = tmp_path / "r.sqlite"
    first = ws.sweep(sweep, jobs=2, db=db)
    again = ws.sweep(sweep, jobs=2, db=db)
    n = len(first)
    assert n == len(again) == 6
    assert db.exists()
    out = cli_ok("sweep", str(sweep), "--db", str(db), "--dry-run")
    assert b"6 points" in out


def test_sweep_keeps_python_signal_handlers(ws, tmp_path):
    from conftest import SRC, assert_ctrl_c_reaches_python

    ws.sweep(write_sweep(tmp_path, SRC), jobs=1)
    assert_ctrl_c_reaches_python()


def test_sweep_points_per_process_gives_the_same_rows(ws, tmp_path):
    from conftest import SRC

    import pytest

    sweep = write_sweep(tmp_path, SRC)
    pooled = ws.sweep(sweep, jobs=1, points_per_process=64)
    fresh = ws.sweep(sweep, jobs=2, points_per_process=1)
    a = pooled.to_dict("records") if hasattr(pooled, "to_dict") else pooled
    b = fresh.to_dict("records") if hasattr(fresh, "to_dict") else fresh
    key = lambda r: r["key"]  # noqa: E731
    strip = lambda r: {k: v for k, v in r.items() if k not in ("wall_s", "idx")}  # noqa: E731
    assert [strip(r) for r in sorted(a, key=key)] == [strip(r) for r in sorted(b, key=key)]
    with pytest.raises(ws.UsageError, match="points_per_process=0"):
        ws.sweep(sweep, points_per_process=0)


def test_sweep_model_axis_rows_equal_ws_infer(ws, tmp_path):
    """A `model` axis: each row is ws.infer of its own model file."""
    from conftest import SRC

    p = tmp_path / "models.yaml"
    p.write_text(
        "command: infer\n"
        "system: %s/configs/cs3.yaml\n"
        "axes:\n"
        "  model: [%s/models/llama3.1-8b.yaml, %s/tests/fixtures/hf/gpt-oss-20b.json]\n"
        "  systems: [1, 2]\n" % (SRC, SRC, SRC)
    )
    rows = ws.sweep(str(p), jobs=2)
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else rows
    assert len(records) == 4
    assert {r["model_file"].rsplit("/", 1)[1] for r in records} == {"llama3.1-8b.yaml", "gpt-oss-20b.json"}
    s = ws.System.load(SRC + "/configs/cs3.yaml")
    for r in records:
        assert r["status"] == "ok", r
        one = ws.infer(s, ws.Model.load(r["model_file"]), systems=int(r["systems"]))
        assert one.tokens_per_s_per_user == r["tokens_per_s_per_user"]
