#!/usr/bin/python3
"""Mixture-of-experts sparsity in weight streaming against Cerebras' own account of it
(docs/architecture.md "Mixture of experts", docs/validation.md "MoE sparsity").

Cerebras' training docs (Model Zoo, release 2.9, "Batch Tiling on Attention") state that, without
batch tiling on attention, MoE models lose throughput as sparsity grows: "128 experts: up to 53%
slower (2x slowdown)", "low top_k (high sparsity): up to 86% slower (7x slowdown)", against dense
models; the SC25 workshop paper behind it used "Qwen3-like models" (3B active parameters, 128
experts, top-8 in Cerebras' blog of 2025-09-03). This script runs the same experiment in the
model: Qwen3-30B-A3B's shapes (tests/fixtures/hf/qwen3-30b-a3b.json: 48 layers, hidden 2048, 32
query and 4 KV heads of 128, experts of 768, vocabulary 151,936) with the number of experts and
top-k varied, each against the dense model of the same active FFN width (k x 768), on one CS-3,
and prints the slowdown of each. wafersim runs every op at one micro-batch (no batch tiling on
attention), as the docs' "without BTA" runs did.

    /usr/bin/python3 bench/moe_sparsity.py [build/wafersim] [--seq 1024,4096] [--batch 256]
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPERT_FFN = 768
# (experts, top-k): the expert sweep at top-8, then the top-k sweep at 128 experts.
POINTS = [(8, 8), (32, 8), (64, 8), (128, 8), (128, 4), (128, 2), (128, 1)]

MODEL = """model:
  name: {name}
  arch: decoder
  layers: 48
  hidden: 2048
  heads: 32
  kv_heads: 4
  head_dim: 128
  ffn: {ffn}
  vocab: 151936
  max_seq: 40960
  position: rotary
  norm: rmsnorm
  activation: swiglu
  tied_embeddings: false
  bias: false
{moe}training:
  batch: 256
  seq: 4096
  precision: mixed_bf16
  optimizer: adamw
  activation_checkpointing: auto
"""


def write_model(folder, experts, k):
    name = f"qwen3-like-e{experts}-k{k}" if experts else f"qwen3-like-dense-{k * EXPERT_FFN}"
    moe = f"  experts: {experts}\n  experts_per_token: {k}\n" if experts else ""
    path = os.path.join(folder, name + ".yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(MODEL.format(name=name, ffn=EXPERT_FFN if experts else k * EXPERT_FFN, moe=moe))
    return path


def run(binary, model, seq, batch):
    args = [binary, "run", "--system", "configs/cs3.yaml", "--model", model, "--mode", "weight-streaming", "--seq",
            str(seq), "--batch", str(batch), "-q", "--json", "-"]
    return json.loads(subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout)


def main():
    argv = sys.argv[1:]
    seqs, batch = [1024, 4096], 256
    if "--seq" in argv:
        i = argv.index("--seq")
        seqs = [int(s) for s in argv[i + 1].split(",")]
        del argv[i:i + 2]
    if "--batch" in argv:
        i = argv.index("--batch")
        batch = int(argv[i + 1])
        del argv[i:i + 2]
    binary = argv[0] if argv else os.path.join(ROOT, "build", "wafersim")
    print(f"{'model':<26} {'seq':>5} {'samples/s':>10} {'dense':>9} {'slowdown':>9} {'loss':>6} "
          f"{'micro-batches':>14}  bottleneck")
    with tempfile.TemporaryDirectory(prefix="wafersim-moe-") as tmp:
        for seq in seqs:
            dense = {}
            for experts, k in POINTS:
                if k not in dense:
                    dense[k] = run(binary, write_model(tmp, 0, k), seq, batch)["samples_per_s"]
                j = run(binary, write_model(tmp, experts, k), seq, batch)
                rate = j["samples_per_s"]
                mb = f"{j['micro_batches']} x {j['micro_batch']}"
                print(f"{f'{experts} experts, top-{k}':<26} {seq:>5} {rate:>10.2f} {dense[k]:>9.2f} "
                      f"{dense[k] / rate:>8.2f}x {1 - rate / dense[k]:>6.0%} {mb:>14}  {j['bottleneck']}")
    print("published (Cerebras Model Zoo docs, rel-2.9.0, Batch Tiling on Attention): 128 experts up to 53% "
          "slower (2x); low top_k up to 86% slower (7x)")


if __name__ == "__main__":
    main()
