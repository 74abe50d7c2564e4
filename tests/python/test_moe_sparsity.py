"""The MoE sparsity trend of bench/moe_sparsity.py (docs/validation.md, "MoE sparsity against
Cerebras' account"): run as a user would, its table keeps the shape the published account has.
Cerebras' docs: without batch tiling on attention, 128 experts run up to 2x slower than the
dense model of the same active width, and fewer experts per token slow it further."""

import re
import subprocess
import sys

from conftest import BIN, src


def test_sparsity_slows_weight_streaming_as_published():
    out = subprocess.run([sys.executable, src("bench", "moe_sparsity.py"), BIN, "--seq", "1024"], check=True,
                         capture_output=True, text=True, timeout=600).stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"(\d+) experts, top-(\d+)\s+1024\s+\S+\s+\S+\s+([\d.]+)x", line)
        if m:
            rows[(int(m.group(1)), int(m.group(2)))] = float(m.group(3))
    assert set(rows) == {(8, 8), (32, 8), (64, 8), (128, 8), (128, 4), (128, 2), (128, 1)}, out
    # More experts at the same top-8: slower, and about the published 2x at 128.
    top8 = [rows[(e, 8)] for e in (8, 32, 64, 128)]
    assert top8 == sorted(top8), out
    assert rows[(8, 8)] < 1.1
    assert 1.7 <= rows[(128, 8)] <= 2.3, out
    # Fewer experts per token at 128 experts: a larger slowdown against the narrower dense model.
    topk = [rows[(128, k)] for k in (8, 4, 2, 1)]
    assert topk == sorted(topk), out
    assert rows[(128, 1)] > 3.0, out
