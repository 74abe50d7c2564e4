#!/usr/bin/python3
"""Energy at busy points (issue 19, docs/energy.md): per case the throughput, joules per sample
(or output token), samples (tokens) per kJ, the power of one system at the wall against the
system's published power, the wafer's power and the share of it that events (not leakage) draw.

    /usr/bin/python3 bench/energy_envelope.py [build/wafersim]

Training cases are the validation set's busy points; the check is that a busy system's modelled
power lies inside the published envelope (50-100% of its published power)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "wafersim")
CASES = [
    ("GPT-J 6B, 2 x CS-2, WS, batch 120", ["run", "--system", "configs/cs2.yaml", "--model", "models/gptj-6b.yaml",
                                           "--systems", "2", "--batch", "120"]),
    ("GPT-J 6B, 2 x CS-3, WS, batch 120", ["run", "--system", "configs/cs3.yaml", "--model", "models/gptj-6b.yaml",
                                           "--systems", "2", "--batch", "120"]),
    ("LLaMA-7B, 1 x CS-2, WS, batch 99", ["run", "--system", "configs/cs2.yaml", "--model", "models/llama-7b.yaml",
                                          "--batch", "99", "--seq", "2048"]),
    ("GPT-3 1.3B, 16 x CS-2, WS, batch 1024", ["run", "--system", "configs/cs2.yaml", "--model",
                                               "models/gpt3-1.3b.yaml", "--systems", "16", "--batch", "1024"]),
    ("BERT-Large, 1 x CS-2, pipelined, batch 1024", ["run", "--system", "configs/cs2.yaml", "--model",
                                                     "models/bert-large.yaml", "--mode", "pipelined", "--batch",
                                                     "1024", "--seq", "128"]),
    ("BERT-Large, 1 x CS-1, pipelined, batch 1024", ["run", "--system", "configs/cs1.yaml", "--model",
                                                     "models/bert-large.yaml", "--mode", "pipelined", "--batch",
                                                     "1024", "--seq", "128"]),
    ("Llama 3.1 8B, 1 x CS-3, decode, batch 1", ["infer", "--system", "configs/cs3.yaml", "--model",
                                                 "models/llama3.1-8b.yaml"]),
    ("Llama 3.1 70B, 4 x CS-3, decode, batch 8", ["infer", "--system", "configs/cs3.yaml", "--model",
                                                  "models/llama3.1-70b.yaml", "--systems", "4", "--batch", "8",
                                                  "--prompt", "2048", "--generate", "128"]),
]


def main():
    print(f"{'case':<46} {'rate':>10} {'J/unit':>9} {'per kJ':>8} {'system':>9} {'of max':>7} "
          f"{'wafer':>8} {'events':>7}")
    for name, args in CASES:
        out = subprocess.run([BIN] + args + ["--json", "-"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout
        j = json.loads(out)
        e = j["energy"]
        infer = "decode" in e
        e = e["decode"] if infer else e
        rate = j["tokens_per_s_per_user"] if infer else j["samples_per_s"]
        unit = "tok/s/u" if infer else "sam/s"
        print(f"{name:<46} {rate:>8.4g} {unit[:3]} {e['joules_per_unit']:>8.4g} {e['units_per_kj']:>8.4g} "
              f"{e['system_power_w'] / 1e3:>6.2f} kW {e['system_power_w'] / e['system_power_max_w']:>6.0%} "
              f"{e['wafer_power_w'] / 1e3:>5.2f} kW {e['wafer_dynamic_fraction']:>6.0%}")


if __name__ == "__main__":
    main()
