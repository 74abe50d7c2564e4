#!/usr/bin/env python3
"""Summarizes and plots wafersim request logs (wafersim infer ... --request-log requests.csv).

  plot_requests.py a.csv [b.csv ...] [--metric ttft_s] [--label A --label B] [--out cdf.png]
  plot_requests.py a.csv --metric latency_s --no-plot      # the table only

Prints, per log, the count and the nearest-rank p50, p90, p99 and max of the metric (any numeric
column of the log: ttft_s, tpot_s, latency_s, kv_arrival_s, ...; empty fields, such as tpot_s of
one-token requests, are left out), the same percentiles `wafersim infer` reports. With --out (or
by default cdf.png) it draws each log's empirical CDF of the metric, the p50 and p99 marked, to
compare deployments (colocated vs disaggregated, CS-2 vs CS-3 prefill, routings). Uses
matplotlib from Debian's python3-matplotlib for the plot: run it with /usr/bin/python3 if the
`python3` on your PATH is another interpreter. Bad input (a missing file, a file that is not a
request log, an unknown metric) exits 2 with one message naming it.
"""
import argparse
import csv
import math
import os
import sys

HEADER = ("request,arrival_s,prompt,generate,prefill_replica,replica,first_token_s,kv_arrival_s,done_s,"
          "ttft_s,tpot_s,latency_s").split(",")


def fail(message):
    print("plot_requests.py: error: " + message, file=sys.stderr)
    sys.exit(2)


def load(path, metric):
    """The metric's values of one request log (sorted), failing with a message on bad input."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        fail("{}: cannot read: {}".format(path, e.strerror or e))
    if not rows or rows[0] != HEADER:
        fail("{}:1: not a request log of `wafersim infer --request-log` (expected the header {})".format(
            path, ",".join(HEADER)))
    if metric not in HEADER:
        fail("--metric {}: not a column of a request log ({})".format(metric, ", ".join(HEADER)))
    col = HEADER.index(metric)
    values = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(HEADER):
            fail("{}:{}: expected {} fields, got {}".format(path, n, len(HEADER), len(row)))
        if row[col] == "":
            continue
        try:
            values.append(float(row[col]))
        except ValueError:
            fail("{}:{}: {}: expected a number, got {!r}".format(path, n, metric, row[col]))
    return sorted(values)


def percentile(values, p):
    """Nearest rank, as wafersim's serving report."""
    if not values:
        return float("nan")
    rank = max(1, math.ceil(p / 100.0 * len(values)))
    return values[min(len(values), rank) - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", nargs="+", help="request logs (CSV) of `wafersim infer --request-log`")
    ap.add_argument("--metric", default="ttft_s", help="column to summarize and plot (default ttft_s)")
    ap.add_argument("--label", action="append", help="a legend label per log, in order (default: file names)")
    ap.add_argument("--logx", action="store_true", help="log scale for the metric")
    ap.add_argument("--out", default="cdf.png", help="image file (png, svg, pdf); default cdf.png")
    ap.add_argument("--no-plot", action="store_true", help="print the table only")
    a = ap.parse_args()
    if a.label and len(a.label) != len(a.logs):
        fail("--label: {} label(s) for {} log(s)".format(len(a.label), len(a.logs)))
    labels = a.label or [os.path.basename(p) for p in a.logs]
    series = [(label, load(path, a.metric)) for label, path in zip(labels, a.logs)]
    width = max(len(label) for label, _ in series)
    print("{:<{w}} {:>7} {:>12} {:>12} {:>12} {:>12}".format("log", "n", "p50", "p90", "p99", "max", w=width))
    for label, v in series:
        print("{:<{w}} {:>7} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g}".format(
            label, len(v), percentile(v, 50), percentile(v, 90), percentile(v, 99), v[-1] if v else float("nan"),
            w=width))
    if a.no_plot:
        return
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is missing; install python3-matplotlib (Debian) and run this script with "
             "/usr/bin/python3 (or give --no-plot)")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, (label, v) in enumerate(series):
        if not v:
            continue
        ys = [(k + 1) / len(v) for k in range(len(v))]
        ax.step(v, ys, where="post", label="{} (n = {})".format(label, len(v)), color="C{}".format(i))
        for p, marker in ((50, "o"), (99, "^")):
            ax.plot([percentile(v, p)], [p / 100.0], marker, color="C{}".format(i))
    ax.set_xlabel(a.metric + " (o: p50, ^: p99)")
    ax.set_ylabel("fraction of requests")
    if a.logx:
        ax.set_xscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)
    print("plot_requests.py: wrote {}".format(a.out))


if __name__ == "__main__":
    main()
