#!/usr/bin/env python3
"""Re-derive wafersim's two calibration parameters from the published measurements, and say
how well they predict a case they were not fitted on.

The global calibration parameters (configs/cs2.yaml, configs/cs3.yaml, docs/configs.md):
  calibration.compute_efficiency  a factor in (0, 1] on every kernel's time: software overheads
                                  inside the kernels the cost model does not see; one value for
                                  every system config;
  calibration.step_overhead       host/runtime time per training step that does not scale with
                                  the batch (seconds, >= 0); one value per system config, fitted
                                  to that config's cases: it belongs to the installation (its
                                  appliance software and hosts), which differs between the CS-2
                                  and CS-3 clusters the cases ran on;
and, from the leave-one-out errors, the model's validation interval:
  calibration.model_error         a published throughput lay within simulated / (1 + e) ..
                                  simulated x (1 + e) in at least 90% of the leave-one-out
                                  predictions (split-conformal quantile: with n residuals, the
                                  ceil((n + 1) x 0.9)-th smallest |log(simulated / published)|).
This script fits them to the cases of bench/validation.yaml marked `calibration: true` (or to
every case with --cases all) by least squares on log(simulated / published): it simulates every
case once per point of a grid over (efficiency, overhead) (`wafersim validate --set ...`; 1.4 s
a point), then picks the efficiency and, at it, each system config's overhead that together
give the least squared error (a case's error depends only on its own system's overhead, so one
grid serves every combination). It reports the in-sample errors and the
**leave-one-out** errors: each case predicted by the parameters fitted on all the other cases.

    scripts/calibrate.py                      # fit the marked cases and print; nothing is written
    scripts/calibrate.py --cases all          # fit every case (to see what it would take)
    scripts/calibrate.py --write              # also write the fitted values into the configs
                                              # the fitted cases use
    scripts/calibrate.py --set sim.checkpoint_store=offload   # refit under another assumption
                                              # (any system parameter, repeatable; not with --write)

Standard library only; deterministic (a fixed grid, ties broken towards the neutral values).
"""
import argparse
import concurrent.futures
import json
import math
import os
import re
import subprocess
import sys

LEVEL = 0.9  # of the validation interval (calibration.model_error)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The grid: efficiency 0.50 .. 1.00 by 0.025; step overhead 0 .. 250 ms (finer near 0).
EFFICIENCIES = [round(1.0 - 0.025 * i, 3) for i in range(21)]
OVERHEADS = [0.0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12,
             0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.20, 0.22, 0.25]


EXTRA_SETS = []  # --set PATH=VALUE: held for every point of the grid


def validate(wafersim, efficiency, overhead):
    extra = [a for s in EXTRA_SETS for a in ("--set", s)]
    out = subprocess.run(
        [wafersim, "validate", os.path.join(ROOT, "bench", "validation.yaml"), "--json", "-",
         "--set", "calibration.compute_efficiency=%.6f" % efficiency,
         "--set", "calibration.step_overhead=%.6f" % overhead] + extra,
        check=False, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit("wafersim validate failed (exit %d): %s" % (out.returncode, out.stderr.strip()))
    return json.loads(out.stdout)


def log_errors(report):
    """{case name: log(simulated / published)} for the cases that ran."""
    return {c["name"]: math.log(c["simulated"] / c["published"]) for c in report["cases"] if c["ran"]}


def fit(grid, names, system_of):
    """The efficiency and per-system overheads with the least mean squared log error over
    `names`: {"eff": e, "overhead": {system: o}}. A system none of `names` uses gets the overhead
    that fits all of `names` best at that efficiency (its cases are predicted, not fitted). Ties:
    the neutral values first (grid order: efficiency 1.0 first, overhead 0 first)."""
    at = dict(grid)
    systems = sorted(set(system_of.values()))
    best, best_cost = None, None
    for eff in EFFICIENCIES:
        errs = {o: at[(eff, o)] for o in OVERHEADS}
        if any(n not in errs[o] for o in OVERHEADS for n in names):
            continue

        def best_overhead(group):
            choice, cost = None, None
            for o in OVERHEADS:
                c = sum(errs[o][n] ** 2 for n in group)
                if cost is None or c < cost - 1e-12:
                    choice, cost = o, c
            return choice, cost

        pooled, _ = best_overhead(names)
        overhead, total = {}, 0.0
        for system in systems:
            group = [n for n in names if system_of[n] == system]
            if group:
                overhead[system], cost = best_overhead(group)
                total += cost
            else:
                overhead[system] = pooled
        total /= len(names)
        if best_cost is None or total < best_cost - 1e-12:
            best, best_cost = {"eff": eff, "overhead": overhead}, total
    return best


def error_at(at, params, system_of, name):
    """A case's log error at fitted parameters (its own system's overhead)."""
    return at[(params["eff"], params["overhead"][system_of[name]])][name]


def summary(errors):
    rel = [math.exp(e) - 1 for e in errors]
    a = sorted(abs(r) for r in rel)
    n = len(a)
    median = a[n // 2] if n % 2 else 0.5 * (a[n // 2 - 1] + a[n // 2])
    return "mean %.1f%%, median %.1f%%, max %.1f%%, bias %+.1f%%" % (
        100 * sum(a) / n, 100 * median, 100 * a[-1], 100 * sum(rel) / n)


def conformal(scores, level=LEVEL):
    """The split-conformal quantile of |log error| scores: the ceil((n + 1) level)-th smallest,
    or None when n is too small for the level (the interval would be unbounded)."""
    n = len(scores)
    k = math.ceil((n + 1) * level - 1e-9)
    if k > n:
        return None
    return sorted(abs(x) for x in scores)[k - 1]


def system_of_cases(cases_args):
    """Case name -> the system config it runs (its --system argument)."""
    out = {}
    for name, args in cases_args.items():
        out[name] = os.path.join(ROOT, args[args.index("--system") + 1]) if "--system" in args else "(default)"
    return out


def write_value(path, key, value):
    text = open(path).read()
    new, count = re.subn(r"(\n\s*%s:\s*)[^\s#]+( s)?" % key, r"\g<1>%s" % value, text)
    if count != 1:
        sys.exit("could not find calibration.%s in %s" % (key, path))
    open(path, "w").write(new)


def case_args():
    """Case name -> args, read from bench/validation.yaml without a YAML library (names and
    args lines as the file writes them)."""
    out, name = {}, None
    for line in open(os.path.join(ROOT, "bench", "validation.yaml")):
        m = re.match(r"\s*- name:\s*(.+?)\s*$", line)
        if m:
            name = m.group(1)
        m = re.match(r"\s*args:\s*\[(.*)\]\s*$", line)
        if m and name:
            out[name] = [a.strip().strip('"') for a in m.group(1).split(",")]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wafersim", default=os.path.join(ROOT, "build", "wafersim"))
    ap.add_argument("--cases", choices=["calibration", "all"], default="calibration")
    ap.add_argument("--write", action="store_true", help="write the fitted values into the configs")
    ap.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                    help="hold a system parameter at VALUE for every fit point (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="grid points simulated at once (default: cores)")
    args = ap.parse_args()
    if args.jobs < 1:
        sys.exit("--jobs %d: expected at least 1" % args.jobs)
    if args.set and args.write:
        sys.exit("--set refits under another assumption; it cannot be combined with --write")
    EXTRA_SETS.extend(args.set)

    neutral = validate(args.wafersim, 1.0, 0.0)
    names = [c["name"] for c in neutral["cases"] if c["ran"] and (args.cases == "all" or c["calibration"])]
    if not names:
        print("no case in bench/validation.yaml is marked 'calibration: true': nothing to fit.")
        print("(run with --cases all to see what a fit to every case would give)")
        return 0
    if len(names) < 2:
        sys.exit("a fit with leave-one-out needs at least two cases; %d selected" % len(names))

    # The grid's points run --jobs at a time (each `validate` runs its cases one after another);
    # the results are kept in grid order, so the fit is the same at any --jobs.
    points = [(e, o) for e in EFFICIENCIES for o in OVERHEADS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        reports = list(pool.map(lambda p: validate(args.wafersim, p[0], p[1]), points))
    grid = [(p, log_errors(r)) for p, r in zip(points, reports)]
    at = dict(grid)

    system_of = system_of_cases(case_args())
    ran = [c["name"] for c in neutral["cases"] if c["ran"]]
    missing = [n for n in ran if n not in system_of]
    if missing:
        sys.exit("bench/validation.yaml: could not read the args of case %r" % missing[0])
    system_of = {n: system_of[n] for n in ran}
    fitted = fit(grid, names, system_of)
    print("fitted on %d case(s): calibration.compute_efficiency = %.3f" % (len(names), fitted["eff"]))
    for path, over in sorted(fitted["overhead"].items()):
        count = sum(1 for n in names if system_of[n] == path)
        print("  %s: calibration.step_overhead = %.3f s (%s)" % (
            os.path.relpath(path, ROOT), over,
            "%d fitted case(s)" % count if count else "no fitted case: the best over all of them"))
    print("(grid: efficiency %.2f..%.2f by 0.025, step overhead %s s)" % (
        EFFICIENCIES[-1], EFFICIENCIES[0], ", ".join("%g" % o for o in OVERHEADS)))
    print()
    held = [c["name"] for c in neutral["cases"] if c["ran"] and c["name"] not in names]
    width = max(len(n) for n in names + held + ["case"])  # every name whole, the columns aligned
    print("%-*s %9s %9s %9s   %s" % (width, "case", "neutral", "in-sample", "left out", "fit without it"))
    neutral_errs = log_errors(neutral)
    loo = []
    for n in names:
        p = fit(grid, [m for m in names if m != n], system_of)
        loo.append(error_at(at, p, system_of, n))
        print("%-*s %+8.1f%% %+8.1f%% %+8.1f%%   eff %.3f, overhead %.3f s" % (
            width, n, 100 * (math.exp(neutral_errs[n]) - 1),
            100 * (math.exp(error_at(at, fitted, system_of, n)) - 1),
            100 * (math.exp(loo[-1]) - 1), p["eff"], p["overhead"][system_of[n]]))
    print()
    print("neutral (1.0, 0 s): " + summary([neutral_errs[n] for n in names]))
    print("in-sample:          " + summary([error_at(at, fitted, system_of, n) for n in names]))
    print("leave-one-out:      " + summary(loo))
    if held:
        print()
        print("held out of the fit (calibration: false), predicted at the fitted values:")
        for n in held:
            print("%-*s %+8.1f%% %+8.1f%%" % (width, n, 100 * (math.exp(neutral_errs[n]) - 1),
                                              100 * (math.exp(error_at(at, fitted, system_of, n)) - 1)))
        print("held out:           " + summary([error_at(at, fitted, system_of, n) for n in held]))

    # The validation interval: how far a published figure lay from a prediction that did not
    # see it. Its own coverage is checked the same way: each fitted case against the quantile
    # of the other cases' leave-one-out errors, each held-out case against the full quantile.
    q = conformal(loo)
    print()
    if q is None:
        model_error = None
        print("validation interval: %d leave-one-out errors are too few for a %d%% interval "
              "(needs %d)" % (len(loo), round(100 * LEVEL), math.ceil(LEVEL / (1 - LEVEL))))
    else:
        model_error = math.exp(q) - 1
        inside = 0
        for i, r in enumerate(loo):
            q_others = conformal(loo[:i] + loo[i + 1:])
            inside += q_others is not None and abs(r) <= q_others + 1e-12
        print("validation interval (%d%%, split conformal over %d leave-one-out errors): "
              "calibration.model_error = %.3f, published within simulated / %.3f .. x %.3f" % (
                  round(100 * LEVEL), len(loo), model_error, 1 + model_error, 1 + model_error))
        print("  leave-one-out coverage: %d of %d fitted cases inside the interval of the others"
              % (inside, len(loo)))
        if held:
            h_in = sum(1 for n in held if abs(error_at(at, fitted, system_of, n)) <= q + 1e-12)
            print("  held out: %d of %d inside" % (h_in, len(held)))

    if args.write:
        for path in sorted(set(system_of[n] for n in names)):
            write_value(path, "compute_efficiency", "%.3f" % fitted["eff"])
            write_value(path, "step_overhead", "%g s" % fitted["overhead"][path])
            if model_error is not None:
                write_value(path, "model_error", "%.3f" % model_error)
            print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
