#!/usr/bin/python3
"""wafersim's SRAM model against the micro-batch sizes Cerebras ships (docs/validation.md, "The SRAM
model against Cerebras' micro-batch sizes"). Every real Model Zoo file under tests/fixtures/modelzoo
that sets micro_batch_size to a number is a statement by Cerebras that so many samples run at once
on one system. Per file and system this prints the most wafersim fits, the per-sample bytes wafersim
holds (measured from two runs one sample apart), the per-sample bytes Cerebras' size implies at
most (the SRAM left after the weight buffers, divided by it), and one fp16 copy of every layer's
input per sample (what per-layer activation checkpoints on the wafer cannot go below).

    /usr/bin/python3 bench/micro_batch_fit.py [build/wafersim]
"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(binary, system, model, batch, micro_batch):
    out = subprocess.run([binary, "run", "--system", f"configs/{system}.yaml", "--model", model, "--batch",
                          str(batch), "--micro-batch", str(micro_batch), "--json", "-", "-q"],
                         cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 else None


def arch(path):
    """layers, hidden from the file (the keys every Model Zoo release uses)."""
    text = open(path).read()
    get = lambda k: int(re.search(rf"^\s*{k}:\s*(\d+)", text, re.M).group(1))
    return get("num_hidden_layers"), get("hidden_size")


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "wafersim"))
    files = []
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/modelzoo/*/*.yaml"))):
        m = re.search(r"micro_batch_size:\s*(\d+)", open(f).read())
        if m:
            files.append((f, int(m.group(1))))
    print(f"{'file':46s} {'sys':3s} {'seq':>6s} {'Cerebras':>8s} {'wafersim':>8s} {'ws GB/sample':>12s} "
          f"{'implied <=':>10s} {'inputs GB':>9s}")
    for f, asked in files:
        rel = os.path.relpath(f, os.path.join(ROOT, "tests/fixtures/modelzoo"))
        for system in ("cs2", "cs3"):
            auto = run(binary, system, f, 4096, "auto")
            if auto is None:
                print(f"{rel:46s} {system:3s} {'':>6s} {asked:8d} {'no fit':>8s}  (not one sample, or not modelled)")
                continue
            m = auto["max_micro_batch"]
            seq = auto["seq"]
            layers, hidden = arch(f)
            inputs = layers * seq * hidden * 2 / 1e9
            if m < 2:
                print(f"{rel:46s} {system:3s} {seq:6d} {asked:8d} {m:8d}  {'':>12s} {'':>10s} {inputs:9.3f}")
                continue
            hi, lo = run(binary, system, f, m, m), run(binary, system, f, m - 1, m - 1)
            tiles = hi["tiles"]
            per = (hi["sram_per_tile_bytes"]["mean"] - lo["sram_per_tile_bytes"]["mean"]) * tiles / 1e9
            buffers = hi["sram_per_tile_bytes"]["mean"] * tiles / 1e9 - m * per
            avail = hi["sram_per_tile_bytes"]["capacity"] * tiles / 1e9 - buffers
            print(f"{rel:46s} {system:3s} {seq:6d} {asked:8d} {m:8d} {per:12.3f} {avail / asked:10.3f} {inputs:9.3f}")


if __name__ == "__main__":
    main()
