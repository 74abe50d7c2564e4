"""Shared fixtures of the Python API tests (run by ctest: tests/CMakeLists.txt sets
PYTHONPATH to build/python, WAFERSIM_BIN to the CLI and WAFERSIM_SOURCE_DIR)."""

import os
import subprocess

import pytest

SRC = os.environ.get("WAFERSIM_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("WAFERSIM_BIN", os.path.join(SRC, "build", "wafersim"))


def src(*parts):
    return os.path.join(SRC, *parts)


def cli(*args, cwd=None):
    """Runs the wafersim binary (a fresh process); returns (exit code, stdout bytes, stderr text)."""
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    p = subprocess.run([BIN, *args], capture_output=True, cwd=cwd, env=env, timeout=600)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def cli_ok(*args, cwd=None):
    code, out, err = cli(*args, cwd=cwd)
    assert code == 0, err
    return out


@pytest.fixture(scope="session")
def ws():
    import wafersim

    return wafersim


def assert_ctrl_c_reaches_python():
    """SIGINT raises KeyboardInterrupt: the C-level handler is Python's again (what
    signal.getsignal reports is only Python's record, not the process's handler)."""
    import signal
    import time

    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
    except KeyboardInterrupt:
        return
    raise AssertionError("SIGINT did not raise KeyboardInterrupt")
