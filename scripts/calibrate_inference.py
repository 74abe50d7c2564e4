#!/usr/bin/env python3
"""Re-derive wafersim's inference calibration parameter from Cerebras' published decode speeds,
and say how well it predicts a case it was not fitted on.

  calibration.sync_wafer_io   seconds each system's decode step waits for its I/O when the
                              serving software's wafer I/O is synchronous (`infer --wafer-io
                              sync`): Cerebras' launch software of August 2024. Its October 2024
                              release "streamlined [wafer IO] to run asynchronously from compute"
                              (docs/inference.md); later figures run `--wafer-io async`, where
                              this parameter does not apply.

It is fitted to the cases of bench/validation-inference.yaml marked `calibration: true` (the
launch figures, run with `--wafer-io sync`) by least squares on log(simulated / published): a
golden-section search over 0 .. 5 ms, each point one `wafersim validate ... --set
calibration.sync_wafer_io=X` (0.3 s). It prints the in-sample errors and the **leave-one-out**
errors (each case predicted by the value fitted on the others), and the held-out cases at the
fitted value.

    scripts/calibrate_inference.py            # fit and print; nothing is written
    scripts/calibrate_inference.py --write    # also write the value into the configs the
                                              # fitted cases use

Standard library only; deterministic (a fixed search, the value rounded to 1 us).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from calibrate import summary  # noqa: E402  (the same error summary as the training fit)
CASES = os.path.join(ROOT, "bench", "validation-inference.yaml")
KEY = "sync_wafer_io"
LOW, HIGH = 0.0, 5e-3  # seconds: the search interval
TOLERANCE = 1e-7       # seconds: the search stops when the bracket is narrower

_memo = {}


def validate(wafersim, value):
    """{case name: log(simulated / published)} at calibration.sync_wafer_io = value, and the report."""
    key = round(value, 9)
    if key not in _memo:
        out = subprocess.run(
            [wafersim, "validate", CASES, "--json", "-", "--set", "calibration.%s=%.9f" % (KEY, key)],
            check=False, capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit("wafersim validate failed (exit %d): %s" % (out.returncode, out.stderr.strip()))
        report = json.loads(out.stdout)
        errs = {c["name"]: math.log(c["simulated"] / c["published"]) for c in report["cases"] if c["ran"]}
        _memo[key] = (errs, report)
    return _memo[key]


def cost(wafersim, value, names):
    errs = validate(wafersim, value)[0]
    return sum(errs[n] ** 2 for n in names) / len(names)


def fit(wafersim, names):
    """The value in [LOW, HIGH] with the least mean squared log error over `names` (golden
    section: the error of a rate 1 / (t + n x value) is unimodal in the value), to 1 us."""
    g = (math.sqrt(5) - 1) / 2
    a, b = LOW, HIGH
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = cost(wafersim, c, names), cost(wafersim, d, names)
    while b - a > TOLERANCE:
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = cost(wafersim, c, names)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = cost(wafersim, d, names)
    return round(0.5 * (a + b), 6)


def case_systems(names):
    """The --system files of the named cases, read from the case file without a YAML library."""
    paths, name = set(), None
    for line in open(CASES):
        m = re.match(r"\s*- name:\s*(.+?)\s*$", line)
        if m:
            name = m.group(1)
        m = re.match(r"\s*args:\s*\[(.*)\]\s*$", line)
        if m and name in names:
            args = [x.strip().strip('"') for x in m.group(1).split(",")]
            if "--system" in args:
                paths.add(os.path.join(ROOT, args[args.index("--system") + 1]))
    return sorted(paths)


def write_value(path, value):
    text = open(path).read()
    new, count = re.subn(r"(\n\s*%s:\s*)[^\s#]+( us)?" % KEY, r"\g<1>%d us" % round(value * 1e6), text)
    if count != 1:
        sys.exit("could not find calibration.%s in %s" % (KEY, path))
    open(path, "w").write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wafersim", default=os.path.join(ROOT, "build", "wafersim"))
    ap.add_argument("--write", action="store_true", help="write the fitted value into the configs")
    args = ap.parse_args()

    neutral_errs, neutral = validate(args.wafersim, 0.0)
    names = [c["name"] for c in neutral["cases"] if c["ran"] and c["calibration"]]
    if len(names) < 2:
        sys.exit("a fit with leave-one-out needs at least two cases marked 'calibration: true' in %s; %d found"
                 % (CASES, len(names)))

    value = fit(args.wafersim, names)
    at = validate(args.wafersim, value)[0]
    print("fitted on %d case(s): calibration.%s = %.0f us" % (len(names), KEY, value * 1e6))
    print()
    print("%-58s %9s %9s %9s   %s" % ("case", "at 0 s", "in-sample", "left out", "fit without it"))
    loo = []
    for n in names:
        v = fit(args.wafersim, [m for m in names if m != n])
        e = validate(args.wafersim, v)[0][n]
        loo.append(e)
        print("%-58s %+8.1f%% %+8.1f%% %+8.1f%%   %.0f us" % (
            n[:58], 100 * (math.exp(neutral_errs[n]) - 1), 100 * (math.exp(at[n]) - 1),
            100 * (math.exp(e) - 1), v * 1e6))
    print()
    print("at 0 s:        " + summary([neutral_errs[n] for n in names]))
    print("in-sample:     " + summary([at[n] for n in names]))
    print("leave-one-out: " + summary(loo))
    held = [c["name"] for c in neutral["cases"] if c["ran"] and c["name"] not in names]
    if held:
        print()
        print("held out of the fit (calibration: false; asynchronous I/O, so the value does not move them):")
        for n in held:
            print("%-58s %+8.1f%%" % (n[:58], 100 * (math.exp(at[n]) - 1)))
        print("held out:      " + summary([at[n] for n in held]))
    if args.write:
        for path in case_systems(names):
            write_value(path, value)
            print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
