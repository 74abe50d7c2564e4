#!/usr/bin/env python3
"""Runs every LLM/BERT params file of every release tag of a Cerebras Model Zoo checkout.

    /usr/bin/python3 scripts/survey_modelzoo.py PATH-TO-MODELZOO-GIT [--system configs/cs2.yaml]
                                               [--wafersim build/wafersim] [--tags Release_2.10.0 ...]

PATH is a clone (or bare mirror) of github.com/Cerebras/modelzoo; each file is read with
`git show TAG:PATH`, written to a temporary directory under its own name and run as a user
would (`wafersim run --system SYSTEM --model FILE -q --json FILE.json`). Prints per release the
files that ran, were refused (exit 2, grouped by the reason) or failed otherwise (exit 1 or a
signal: a wafersim bug), and the totals; exit 1 when any failed. The 2026-12-04 and 2026-12-07
surveys in docs/models.md are its output.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

# Configs of language models (transformers/nlp folders), not of vision or data tooling.
CONFIG = re.compile(r"(transformers/(pytorch|tf)|models/nlp)/[^/]+/configs/.*\.yaml$")


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=True).stdout


def reason(stderr):
    """The error without the file and line, shortened to its kind."""
    line = stderr.strip().splitlines()[-1] if stderr.strip() else "(no message)"
    line = re.sub(r"^wafersim: error: [^ ]*:\d+(:\d+)?: ", "", line)
    line = re.sub(r"\b\d[\d.,]*\b", "N", line)
    return line[:110]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("repo")
    ap.add_argument("--system", default=os.path.join(root, "configs/cs2.yaml"))
    ap.add_argument("--wafersim", default=os.path.join(root, "build/wafersim"))
    ap.add_argument("--tags", nargs="*")
    args = ap.parse_args()
    tags = args.tags or [t for t in git(args.repo, "tag").decode().split() if t.startswith(("R_", "Release_"))]
    totals = collections.Counter()
    failures = []
    with tempfile.TemporaryDirectory(prefix="wafersim-survey-") as tmp:
        for tag in tags:
            paths = [p for p in git(args.repo, "ls-tree", "-r", "--name-only", tag).decode().splitlines()
                     if CONFIG.search(p)]
            counts = collections.Counter()
            refused = collections.Counter()
            for i, path in enumerate(paths):
                model = os.path.join(tmp, "%s-%d-%s" % (tag, i, os.path.basename(path)))
                with open(model, "wb") as f:
                    f.write(git(args.repo, "show", "%s:%s" % (tag, path)))
                r = subprocess.run([args.wafersim, "run", "--system", args.system, "--model", model, "-q",
                                    "--json", model + ".json"], capture_output=True, text=True, timeout=600)
                if r.returncode == 0:
                    counts["ran"] += 1
                elif r.returncode == 2:
                    counts["refused"] += 1
                    refused[reason(r.stderr)] += 1
                else:
                    counts["failed"] += 1
                    failures.append("%s:%s exit %d: %s" % (tag, path, r.returncode, reason(r.stderr)))
            totals.update(counts)
            print("%-15s %3d files: %3d ran, %3d refused, %d failed" % (
                tag, len(paths), counts["ran"], counts["refused"], counts["failed"]))
            for why, n in refused.most_common():
                print("    %3d x %s" % (n, why))
    print("all %d tags: %d files, %d ran, %d refused (exit 2), %d failed" % (
        len(tags), sum(totals.values()), totals["ran"], totals["refused"], totals["failed"]))
    for f in failures:
        print("FAILED " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
