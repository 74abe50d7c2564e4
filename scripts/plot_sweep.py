#!/usr/bin/env python3
"""Plots a wafersim sweep database (wafersim sweep ... --db results.sqlite).

  plot_sweep.py results.sqlite --x pe.sram --y samples_per_s [--color systems] [--out sweep.png]
  plot_sweep.py results.sqlite --pareto samples_per_s:max,tiles:min --out front.png

Lines per --color value when x is numeric (scatter with --scatter); with --pareto, a scatter
of the two objectives with the non-dominated points joined. Only rows with status 'ok' are
plotted. Uses matplotlib from Debian's python3-matplotlib: run it with /usr/bin/python3 if the
`python3` on your PATH is another interpreter.
"""
import argparse
import sqlite3
import sys

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("plot_sweep.py: matplotlib is missing; install python3-matplotlib (Debian) and run "
             "this script with /usr/bin/python3")


def columns(db):
    return [r[1] for r in db.execute("PRAGMA table_info(points)")]


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def load(db, cols, sweep):
    where = "status = 'ok'" + (" AND sweep = ?" if sweep else "")
    sql = "SELECT {} FROM points WHERE {}".format(", ".join(quote(c) for c in cols), where)
    return db.execute(sql, (sweep,) if sweep else ()).fetchall()


def pareto(rows, maximize):
    """Indices of non-dominated rows; values signed so that bigger is better."""
    signed = [[v if m else -v for v, m in zip(r, maximize)] for r in rows]
    front = []
    for i, a in enumerate(signed):
        if not any(all(b[k] >= a[k] for k in range(len(a))) and any(b[k] > a[k] for k in range(len(a)))
                   for b in signed):
            front.append(i)
    return front


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db")
    ap.add_argument("--x", help="column on the x axis (an axis such as pe.sram, or systems)")
    ap.add_argument("--y", default="samples_per_s", help="metric on the y axis")
    ap.add_argument("--color", help="one line (or colour) per value of this column")
    ap.add_argument("--sweep", help="only rows of this sweep name (a database may hold several)")
    ap.add_argument("--pareto", help="two objectives, e.g. samples_per_s:max,tiles:min")
    ap.add_argument("--scatter", action="store_true", help="points, not lines")
    ap.add_argument("--logx", action="store_true")
    ap.add_argument("--logy", action="store_true")
    ap.add_argument("--out", default="sweep.png", help="image file (png, svg, pdf)")
    a = ap.parse_args()

    db = sqlite3.connect(a.db)
    have = columns(db)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if a.pareto:
        objs = [o.rsplit(":", 1) for o in a.pareto.split(",")]
        if len(objs) != 2 or any(len(o) != 2 or o[1] not in ("max", "min") for o in objs):
            sys.exit("plot_sweep.py: --pareto takes two objectives, e.g. samples_per_s:max,tiles:min")
        cols = [o[0] for o in objs]
        for c in cols:
            if c not in have:
                sys.exit("plot_sweep.py: no column {!r}; columns: {}".format(c, ", ".join(have)))
        rows = [r for r in load(db, cols, a.sweep) if None not in r]
        front = sorted((rows[i] for i in pareto(rows, [o[1] == "max" for o in objs])))
        ax.scatter([r[0] for r in rows], [r[1] for r in rows], s=12, alpha=0.5, label="design points")
        ax.plot([r[0] for r in front], [r[1] for r in front], "o-", color="C3", label="Pareto front")
        ax.set_xlabel(cols[0])
        ax.set_ylabel(cols[1])
        ax.legend()
    else:
        if not a.x:
            sys.exit("plot_sweep.py: give --x COLUMN (or --pareto)")
        cols = [a.x, a.y] + ([a.color] if a.color else [])
        for c in cols:
            if c not in have:
                sys.exit("plot_sweep.py: no column {!r}; columns: {}".format(c, ", ".join(have)))
        rows = load(db, cols, a.sweep)
        groups = {}
        for r in rows:
            groups.setdefault(r[2] if a.color else None, []).append((r[0], r[1]))
        for key in sorted(groups, key=lambda k: (k is None, k)):
            pts = sorted(groups[key])
            label = "{} = {}".format(a.color, key) if a.color else None
            if a.scatter:
                ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=14, label=label)
            else:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=label)
        ax.set_xlabel(a.x)
        ax.set_ylabel(a.y)
        if a.color:
            ax.legend(fontsize="small")
    if a.logx:
        ax.set_xscale("log")
    if a.logy:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.set_title("{}: {} rows".format(a.db, len(rows)))
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)
    print("plot_sweep.py: wrote {} ({} points)".format(a.out, len(rows)))


if __name__ == "__main__":
    main()
