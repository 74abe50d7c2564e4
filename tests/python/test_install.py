"""`cmake --install` puts a package Debian's python3 imports without the build tree."""

import os
import subprocess
import sys

import pytest


def test_cmake_install_gives_an_importable_package(tmp_path):
    build = os.environ.get("WAFERSIM_BUILD_DIR")
    if not build:
        pytest.skip("WAFERSIM_BUILD_DIR not set (ctest sets it)")
    prefix = tmp_path / "prefix"
    p = subprocess.run(["cmake", "--install", build, "--prefix", str(prefix)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    minor = sys.version_info.minor
    site = prefix / "lib" / ("python3.%d" % minor) / "dist-packages"
    assert (site / "wafersim" / "__init__.pyi").exists()
    assert (prefix / "bin" / "wafersim").exists()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    code = "import wafersim as ws; print(ws.__file__); print(ws.run().samples_per_s > 0)"
    q = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(tmp_path), env=env,
                       timeout=300)
    assert q.returncode == 0, q.stderr
    lines = q.stdout.split()
    assert lines[0].startswith(str(site))
    assert lines[1] == "True"
