"""scripts/plot_requests.py on real request logs of `wafersim infer --request-log`: its table's
percentiles are the serving report's, it draws the CDF, and bad input exits 2 with a message."""

import json
import subprocess
import sys

import pytest

from conftest import cli_ok, src

ARGS = ["--system", src("configs/cs3.yaml"), "--model", src("models/llama3.1-70b.yaml"), "--systems", "8",
        "--batch", "16", "--prompt", "2048", "--prompt-min", "128", "--generate", "128", "--arrival-rate", "8",
        "--requests", "120"]


def run(*args):
    return subprocess.run([sys.executable, src("scripts", "plot_requests.py"), *args], capture_output=True,
                          text=True, timeout=300)


def test_table_matches_the_report_and_the_plot_is_written(tmp_path):
    logs = []
    reports = []
    for name, extra in (("colocated", []), ("split", ["--prefill-replicas", "1"])):
        log = tmp_path / (name + ".csv")
        report = json.loads(cli_ok("infer", *ARGS, *extra, "--request-log", str(log), "--json", "-"))
        logs.append(str(log))
        reports.append(report["serving"])
    out = tmp_path / "cdf.png"
    p = run(*logs, "--label", "colocated", "--label", "split", "--out", str(out))
    assert p.returncode == 0, p.stderr
    rows = {line.split()[0]: line.split() for line in p.stdout.splitlines()[1:3]}
    for label, serving in zip(("colocated", "split"), reports):
        n, p50, p90, p99 = rows[label][1:5]
        assert int(n) == 120
        assert float(p50) == pytest.approx(serving["ttft_s"]["p50"], rel=1e-5)
        assert float(p90) == pytest.approx(serving["ttft_s"]["p90"], rel=1e-5)
        assert float(p99) == pytest.approx(serving["ttft_s"]["p99"], rel=1e-5)
    assert out.exists() and out.stat().st_size > 1000
    # Another metric, table only.
    p = run(logs[1], "--metric", "latency_s", "--no-plot")
    assert p.returncode == 0, p.stderr
    assert float(p.stdout.splitlines()[1].split()[4]) == pytest.approx(reports[1]["latency_s"]["p99"], rel=1e-5)


def test_bad_input_exits_2_naming_it(tmp_path):
    p = run(str(tmp_path / "none.csv"), "--no-plot")
    assert p.returncode == 2 and "none.csv: cannot read" in p.stderr
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    p = run(str(other), "--no-plot")
    assert p.returncode == 2 and "other.csv:1: not a request log" in p.stderr
    log = tmp_path / "log.csv"
    cli_ok("infer", *ARGS, "--request-log", str(log), "-q")
    p = run(str(log), "--metric", "speed", "--no-plot")
    assert p.returncode == 2 and "--metric speed: not a column" in p.stderr
    broken = tmp_path / "broken.csv"
    lines = log.read_text().splitlines()
    broken.write_text("\n".join(lines[:2] + ["1,2,3"] + lines[3:]) + "\n")
    p = run(str(broken), "--no-plot")
    assert p.returncode == 2 and "broken.csv:3: expected 12 fields, got 3" in p.stderr
    fields = lines[2].split(",")
    fields[9] = "soon"
    broken.write_text("\n".join(lines[:2] + [",".join(fields)] + lines[3:]) + "\n")
    p = run(str(broken), "--no-plot")
    assert p.returncode == 2 and "broken.csv:3: ttft_s: expected a number, got 'soon'" in p.stderr
