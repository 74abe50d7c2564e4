#!/usr/bin/env python3
"""wafersim's decode kernels against WaferLLM's measurements, on WaferLLM's own mapping.

WaferLLM (He et al., OSDI 2025; arXiv:2502.04563v2 abstract: 2,700 tokens/s per request for
Llama3-8B, 840 for Qwen2-72B, 16-bit, on a Cerebras WSE-2) times ONE decoder layer whose weights
sit on a P x P grid of PEs and multiplies by the number of layers (MeshInfra/WaferLLM @2cd13b5,
Decode/WSE-2: decode.csl runs one layer's decode_struct 100 times; launch_wse2.py converts the
cycles at 1.1 GHz). The measured time per layer is therefore 1 / (2700 x 32) s and
1 / (840 x 80) s. P is not in the abstract; the repository's configs run P = 240..720 (8B) and
360..720 (72B).

This script runs wafersim's model of that layer (bench/waferllm/*.yaml: one decoder layer, a
vocabulary of 8 so the embedding and head take one column each) on a P x P region of the CS-2
(configs/cs2.yaml at 1.1 GHz, as WaferLLM converts), context 4096 (WaferLLM's "4k" configs), for
every P of those configs, and prints the per-layer decode time beside the measured one, the error
at each P, each model's fastest P in the model, and the 72B / 8B ratio (which does not depend
on a common scale, so it says which P both measurements fit).

    /usr/bin/python3 bench/waferllm_layer.py [--wafersim build/wafersim]

Standard library only; about 2 s.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRIDS = [240, 256, 300, 360, 420, 480, 512, 540, 600, 660, 720]  # Decode/WSE-2/model_config
MODELS = [  # name, file, measured seconds per layer, smallest P in WaferLLM's configs
    ("Llama3-8B", "bench/waferllm/llama3-8b-layer.yaml", 1 / (2700 * 32), 240),
    ("Qwen2-72B", "bench/waferllm/qwen2-72b-layer.yaml", 1 / (840 * 80), 360),
]


def layer_seconds(wafersim, model, p):
    out = subprocess.run(
        [wafersim, "infer", "--system", os.path.join(ROOT, "configs", "cs2.yaml"), "--model",
         os.path.join(ROOT, model), "--prompt", "4000", "--generate", "96",
         "--set", "wafer.usable.width=%d" % (p + 2), "--set", "wafer.usable.height=%d" % p, "--layout", "fill", "--json", "-"],
        check=False, capture_output=True, text=True)
    if out.returncode != 0:
        return None
    layers = json.loads(out.stdout)["layers"]
    block = [l for l in layers if l["name"] == "block0"][0]
    assert block["region"]["w"] == p and block["region"]["h"] == p, block["region"]
    return block["decode_s"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wafersim", default=os.path.join(ROOT, "build", "wafersim"))
    args = ap.parse_args()
    table = {}
    for name, model, measured, smallest in MODELS:
        table[name] = {p: layer_seconds(args.wafersim, model, p) for p in GRIDS if p >= smallest}
    print("per-layer decode time, us (measured: Llama3-8B %.2f, Qwen2-72B %.2f)" %
          tuple(m[2] * 1e6 for m in MODELS))
    print("%5s %12s %8s %12s %8s %13s" % ("P", "Llama3-8B", "error", "Qwen2-72B", "error", "72B/8B ratio"))
    measured_ratio = MODELS[1][2] / MODELS[0][2]
    for p in GRIDS:
        row = ["%5d" % p]
        for name, _, measured, _ in MODELS:
            s = table[name].get(p)
            row.append("%12.2f %+7.1f%%" % (s * 1e6, 100 * (s / measured - 1)) if s else "%12s %8s" % ("-", "-"))
        a, b = table["Llama3-8B"].get(p), table["Qwen2-72B"].get(p)
        row.append("%13.3f" % (b / a) if a and b else "%13s" % "-")
        print(" ".join(row))
    print("measured 72B/8B ratio: %.3f" % measured_ratio)
    for name, _, measured, _ in MODELS:
        p, s = min(((p, s) for p, s in table[name].items() if s), key=lambda x: x[1])
        print("%s: fastest in the model at P = %d, %.2f us per layer (%+.1f%% vs measured)" %
              (name, p, s * 1e6, 100 * (s / measured - 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
