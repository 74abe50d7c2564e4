#!/usr/bin/python3
"""Multi-system scaling in weight streaming (issue 16, docs/validation.md "Scaling"): per case the
throughput on 1..192 systems, the efficiency against N x one system, and the step-boundary chain
(the last gradient reduced through the SwarmX tree into MemoryX, its update, the next step's first
weights broadcast back) with the part of it the host overhead does not hide.

    /usr/bin/python3 bench/scaling.py [build/wafersim] [--overhead SECONDS]

Weak scaling keeps the batch per system (what data-parallel users grow), strong scaling keeps the
global batch. --overhead sets calibration.step_overhead for every run (0 shows the chain bare)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEMS = [1, 2, 4, 16, 64, 192]
# (name, model, batch per system (weak) or global batch (strong), weak?)
CASES = [
    ("GPT-3 1.3B, weak, 85 per system", "models/gpt3-1.3b.yaml", 85, True),
    ("GPT-J 6B, weak, 60 per system", "models/gptj-6b.yaml", 60, True),
    ("BERT-Large MSL 128, weak, 512 per system", "models/bert-large.yaml", 512, True),
    ("GPT-J 6B, strong, batch 960", "models/gptj-6b.yaml", 960, False),
]


def run(binary, model, systems, batch, overhead):
    args = [binary, "run", "--system", "configs/cs2.yaml", "--model", model, "--systems", str(systems), "--batch",
            str(batch), "-q", "--json", "-"]
    if model.endswith("bert-large.yaml"):
        args += ["--seq", "128"]
    if overhead is not None:
        args += ["--set", f"calibration.step_overhead={overhead}"]
    return json.loads(subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout)


def main():
    argv = sys.argv[1:]
    overhead = None
    if "--overhead" in argv:
        i = argv.index("--overhead")
        overhead = argv[i + 1]
        del argv[i:i + 2]
    binary = argv[0] if argv else os.path.join(ROOT, "build", "wafersim")
    print(f"{'case':<42} {'N':>4} {'batch':>6} {'samples/s':>11} {'per system':>10} {'eff.':>7} "
          f"{'chain':>8} {'exposed':>8} {'levels':>6}  bottleneck")
    for name, model, batch, weak in CASES:
        base = None
        for n in SYSTEMS:
            b = batch * n if weak else batch
            if b < n:
                continue
            j = run(binary, model, n, b, overhead)
            rate = j["samples_per_s"]
            base = base or rate
            sb = j.get("step_boundary", {})
            print(f"{name:<42} {n:>4} {b:>6} {rate:>11.2f} {rate / n:>10.2f} {rate / (n * base):>7.2%} "
                  f"{sb.get('chain_s', 0) * 1e3:>6.2f}ms {sb.get('exposed_s', 0) * 1e3:>6.2f}ms "
                  f"{sb.get('swarmx_levels', 0):>6}  {j['bottleneck']}")


if __name__ == "__main__":
    main()
