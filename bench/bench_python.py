#!/usr/bin/python3
"""Design points per second through the Python API against the CLI sweep, on the same points.

The points: GPT-J 6B weight streaming, batch 120, io.port_bandwidth (log 10..800 Gb/s) x
systems {1, 2} -- the points bench_sweep measures. Three ways, rounds interleaved so a slow
minute of the machine hits all alike, medians reported:
  - cli sweep:    `wafersim sweep FILE --jobs 1 --db NEW -q` (a forked process per point, one
                  SQLite commit per point), wall time of the whole command;
  - ws.run loop:  one Python thread, System/Model loaded once, with_overrides + ws.run per point
                  (the optimizer-loop shape; reads samples_per_s and bottleneck);
  - ws.run + to_dict: the same, also parsing every report into a dict.
The figure the issue asks for is the ratio ws.run loop / cli sweep, per core (both use one).
Every Python result is checked against the sweep's row for the same point.

Usage: PYTHONPATH=build/python bench/bench_python.py [points=96] [rounds=5]
"""

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
BIN = os.environ.get("WAFERSIM_BIN", os.path.join(SRC, "build", "wafersim"))
sys.path.insert(0, os.path.join(SRC, "build", "python"))

import wafersim as ws  # noqa: E402


def sweep_file(tmp, per_system):
    path = os.path.join(tmp, "bench.yaml")
    with open(path, "w") as f:
        f.write(
            "name: bench-python\n"
            "system: %s/configs/cs2.yaml\n"
            "model: %s/models/gptj-6b.yaml\n"
            "mode: weight-streaming\n"
            "batch: 120\n"
            "axes:\n"
            "  io.port_bandwidth: {log: {from: 10 Gb/s, to: 800 Gb/s, points: %d}}\n"
            "  systems: [1, 2]\n" % (SRC, SRC, per_system)
        )
    return path


def main():
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 96
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    per_system = max(1, points // 2)
    tmp = tempfile.mkdtemp(prefix="wafersim-bench-python-")
    path = sweep_file(tmp, per_system)

    # The points as the sweep expands them (values exactly as it stores them).
    db0 = os.path.join(tmp, "ref.sqlite")
    subprocess.run([BIN, "sweep", path, "--jobs", "1", "--db", db0, "-q"], check=True)
    with sqlite3.connect(db0) as c:
        rows = c.execute('SELECT "io.port_bandwidth", systems, samples_per_s FROM points ORDER BY idx').fetchall()
    n = len(rows)

    system = ws.System.load(os.path.join(SRC, "configs/cs2.yaml"))
    model = ws.Model.load(os.path.join(SRC, "models/gptj-6b.yaml")).with_batch(120)

    def py_loop(parse):
        got = []
        for bw, systems, _ in rows:
            r = ws.run(system.with_overrides({"io.port_bandwidth": bw}), model, systems=systems)
            if parse:
                r.to_dict()
            got.append((r.samples_per_s, r.bottleneck))
        return got

    cli_rates, py_rates, py_dict_rates = [], [], []
    for k in range(rounds):
        db = os.path.join(tmp, "r%d.sqlite" % k)
        t = time.perf_counter()
        subprocess.run([BIN, "sweep", path, "--jobs", "1", "--db", db, "-q"], check=True)
        cli_rates.append(n / (time.perf_counter() - t))
        os.remove(db)
        t = time.perf_counter()
        got = py_loop(False)
        py_rates.append(n / (time.perf_counter() - t))
        t = time.perf_counter()
        py_loop(True)
        py_dict_rates.append(n / (time.perf_counter() - t))
    for (bw, systems, expected), (sps, _) in zip(rows, got):
        if abs(sps - expected) > 1e-9 * expected:
            sys.exit("mismatch at io.port_bandwidth=%s systems=%d: %r vs %r" % (bw, systems, sps, expected))

    cli = statistics.median(cli_rates)
    py = statistics.median(py_rates)
    pyd = statistics.median(py_dict_rates)
    print("points: %d (GPT-J 6B weight streaming, io.port_bandwidth x systems), %d rounds, medians" % (n, rounds))
    print("cli sweep --jobs 1:      %8.1f points/s  (range %.1f..%.1f)" % (cli, min(cli_rates), max(cli_rates)))
    print("ws.run loop:             %8.1f points/s  (range %.1f..%.1f)" % (py, min(py_rates), max(py_rates)))
    print("ws.run loop + to_dict(): %8.1f points/s" % pyd)
    print("ratio ws.run / cli sweep, per core: %.2fx (goal >= 0.80)" % (py / cli))
    print("every Python result equals the sweep's row for its point")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
