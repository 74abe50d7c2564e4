"""The example design search (scripts/examples/design_search.py) runs and finds a design."""

import os
import subprocess
import sys

from conftest import SRC


def test_design_search_example(tmp_path):
    out = tmp_path / "search.png"
    args = [sys.executable, os.path.join(SRC, "scripts/examples/design_search.py"), "--points", "40"]
    try:
        import matplotlib  # noqa: F401

        args += ["--out", str(out)]
    except ImportError:
        out = None
    p = subprocess.run(args, capture_output=True, text=True, timeout=600, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    assert "random search: 40 points" in p.stdout
    assert "cheapest design within 95%" in p.stdout
    if out is not None:
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
