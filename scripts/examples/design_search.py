#!/usr/bin/python3
"""A small design-space search from Python: the cheapest CS-2 variant that trains GPT-J 6B
(weight streaming, 2 systems, batch 120) at >= 95% of the throughput of the best variant.

Design knobs: I/O bandwidth per port, MemoryX bandwidth, PE clock. "Cost" is a made-up proxy
(relative to the shipped CS-2: I/O and MemoryX bandwidth cost linearly, clock quadratically),
only there to give the search something to trade. Two searches over the same space:
  - a plain random search (a fixed seed, N points);
  - scipy.optimize.differential_evolution on the penalised cost, when scipy is installed.
Then a matplotlib plot of every point evaluated: throughput vs cost, the chosen design marked.

    PYTHONPATH=build/python /usr/bin/python3 scripts/examples/design_search.py --points 300 --out search.png

Every evaluation is one ws.run() in this process (~3 ms); docs/python.md walks through it.
"""

import argparse
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "build", "python"))

import wafersim as ws  # noqa: E402

# knob: (low, high, unit, what it stands for)
KNOBS = {
    "io.port_bandwidth": (25.0, 400.0, "Gb/s", "per I/O port, 12 ports"),
    "memoryx.bandwidth": (40.0, 600.0, "GB/s", "MemoryX aggregate"),
    "pe.clock": (700.0, 1200.0, "MHz", "PE and fabric clock"),
}


def make_system(base, x):
    return base.with_overrides({k: "%.6g %s" % (v, KNOBS[k][2]) for k, v in x.items()})


def cost(x, nominal):
    # relative to the nominal design: bandwidths linear, clock quadratic (power ~ f * V^2 ~ f^2)
    io = x["io.port_bandwidth"] / nominal["io.port_bandwidth"]
    mx = x["memoryx.bandwidth"] / nominal["memoryx.bandwidth"]
    clk = (x["pe.clock"] / nominal["pe.clock"]) ** 2
    return (io + mx + 2 * clk) / 4


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=200, help="random-search points")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="", help="write the plot here (PNG); needs matplotlib")
    ap.add_argument("--no-scipy", action="store_true", help="skip the differential-evolution search")
    args = ap.parse_args()

    base = ws.System.load(os.path.join(SRC, "configs/cs2.yaml"))
    model = ws.Model.load(os.path.join(SRC, "models/gptj-6b.yaml")).with_batch(120)
    # The shipped design, in the knobs' units (System.value gives base units: bit/s, B/s, Hz).
    scale = {"Gb/s": 1e9, "GB/s": 8e9, "MHz": 1e6}
    nominal = {k: base.value(k) / scale[unit] for k, (_, _, unit, _) in KNOBS.items()}
    ref = ws.run(base, model, systems=2)
    target_frac = 0.95

    evaluated = []  # (x, samples_per_s, cost, bottleneck)

    def evaluate(x):
        r = ws.run(make_system(base, x), model, systems=2)
        c = cost(x, nominal)
        evaluated.append((dict(x), r.samples_per_s, c, r.bottleneck))
        return r.samples_per_s, c

    t0 = time.perf_counter()
    rng = random.Random(args.seed)
    for _ in range(args.points):
        evaluate({k: rng.uniform(lo, hi) for k, (lo, hi, _, _) in KNOBS.items()})
    best_sps = max(e[1] for e in evaluated)
    t_random = time.perf_counter() - t0

    def feasible_cheapest():
        ok = [e for e in evaluated if e[1] >= target_frac * best_sps]
        return min(ok, key=lambda e: e[2]) if ok else None

    chosen = feasible_cheapest()
    print("reference CS-2: %.2f samples/s, bound by %s" % (ref.samples_per_s, ref.bottleneck))
    print("random search: %d points in %.2f s (%.0f points/s)" % (args.points, t_random, args.points / t_random))
    print("best throughput seen: %.2f samples/s" % best_sps)
    if chosen:
        x, sps, c, b = chosen
        print("cheapest design within %.0f%% of it: cost %.3f, %.2f samples/s, bound by %s" % (
            100 * target_frac, c, sps, b))
        for k, v in x.items():
            print("  %-20s %8.1f %s" % (k, v, KNOBS[k][2]))

    found = None  # differential evolution's design
    if not args.no_scipy:
        try:
            from scipy.optimize import differential_evolution
        except ImportError:
            print("scipy not installed: differential evolution skipped")
        else:
            names = list(KNOBS)
            bounds = [(KNOBS[k][0], KNOBS[k][1]) for k in names]

            def objective(v):
                sps, c = evaluate(dict(zip(names, v)))
                shortfall = max(0.0, target_frac * best_sps - sps) / best_sps
                return c + 10 * shortfall  # penalty: throughput below the target

            t0 = time.perf_counter()
            n0 = len(evaluated)
            res = differential_evolution(objective, bounds, seed=args.seed, maxiter=15, popsize=8, tol=1e-6,
                                         polish=False)
            n = len(evaluated) - n0
            dt = time.perf_counter() - t0
            x = dict(zip(names, res.x))
            sps, c = evaluate(x)
            found = (c, sps)
            print("differential evolution: %d evaluations in %.2f s; cost %.3f, %.2f samples/s" % (n, dt, c, sps))
            for k, v in x.items():
                print("  %-20s %8.1f %s" % (k, v, KNOBS[k][2]))

    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4.5))
        kinds = sorted({e[3] for e in evaluated})
        for kind in kinds:
            pts = [e for e in evaluated if e[3] == kind]
            ax.scatter([e[2] for e in pts], [e[1] for e in pts], s=10, label="bound by " + kind)
        if chosen:
            ax.scatter([chosen[2]], [chosen[1]], s=120, facecolors="none", edgecolors="black",
                       label="random search's pick")
        if found:
            ax.scatter([found[0]], [found[1]], s=120, marker="s", facecolors="none", edgecolors="red",
                       label="differential evolution's pick")
        ax.axhline(target_frac * best_sps, color="grey", lw=0.8, ls="--")
        ax.set_xlabel("relative cost (proxy)")
        ax.set_ylabel("samples/s (GPT-J 6B, 2 systems, batch 120)")
        ax.set_title("wafersim design search: %d points" % len(evaluated))
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(args.out, dpi=110)
        print("plot written to %s" % args.out)


if __name__ == "__main__":
    main()
