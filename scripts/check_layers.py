#!/usr/bin/env python3
"""Checks that wafersim's parts depend on each other one way, as CMakeLists.txt declares.

Every part is a CMake library declared with `wafersim_part(NAME DEPS ...)`; its `ws_*` DEPS
are the parts it may include directly. This script reads those declarations and every
`#include "wafersim/<part>/..."` of src/<part>/, include/wafersim/<part>/ and the unit tests
tests/unit/<part>/ (plus the extra parts tests/CMakeLists.txt lets a part's tests use, its
`WAFERSIM_TEST_EXTRAS`), and fails when

  - a part includes a part that is not below it (not in the closure of its DEPS): an upward
    or sideways include;
  - a part declares a ws_* DEP it never includes (a link the code does not use);
  - the declared graph has a cycle.

It runs at every build (a custom command the parts depend on: an upward include is a build
error) and as the ctest `lint.layers`. Standard library only.

    scripts/check_layers.py [--quiet] [SOURCE_ROOT]   # prints the layers, exit 1 on a violation
"""
import os
import re
import sys

ARGS = [a for a in sys.argv[1:] if a != "--quiet"]
QUIET = "--quiet" in sys.argv[1:]
ROOT = os.path.abspath(ARGS[0]) if ARGS else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"wafersim/([a-z_]+)/')


def declared_parts():
    """{part: [direct ws_ deps]} from the wafersim_part(...) calls of CMakeLists.txt."""
    text = open(os.path.join(ROOT, "CMakeLists.txt")).read()
    text = re.sub(r"#[^\n]*", "", text)
    parts = {}
    for m in re.finditer(r"wafersim_part\(\s*([a-z_]+)(.*?)\)", text, re.S):
        args = m.group(2).split()
        deps, in_deps = [], False
        for a in args:
            if a in ("DEPS", "EXTRA"):
                in_deps = a == "DEPS"
                continue
            if in_deps and a.startswith("ws_"):
                deps.append(a[3:])
        parts[m.group(1)] = deps
    return parts


def test_extras():
    """{part: [parts its unit tests may use beyond its own closure]} from tests/CMakeLists.txt."""
    path = os.path.join(ROOT, "tests", "CMakeLists.txt")
    out = {}
    for m in re.finditer(r'set\(WAFERSIM_TEST_EXTRAS_([a-z_]+)\s+([^)]*)\)', open(path).read()):
        out[m.group(1)] = [d[3:] for d in m.group(2).split() if d.startswith("ws_")]
    return out


SUPPORT = re.compile(r'^\s*#\s*include\s+"([a-z_]+\.hpp)"')


def file_includes(path, seen=None):
    """[(file, line number, included part)] of one file, following the test support headers
    (tests/support/*.hpp) it includes."""
    seen = set() if seen is None else seen
    out = []
    with open(path, errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            m = INCLUDE.match(line)
            if m:
                out.append((os.path.relpath(path, ROOT), n, m.group(1)))
                continue
            m = SUPPORT.match(line)
            support = os.path.join(ROOT, "tests", "support", m.group(1)) if m else None
            if support and os.path.isfile(support) and support not in seen:
                seen.add(support)
                out += file_includes(support, seen)
    return out


def includes_of(folder):
    """[(file, line number, included part)] for every wafersim include under `folder`."""
    out = []
    if not os.path.isdir(folder):
        return out
    for dirpath, _, files in sorted(os.walk(folder)):
        for f in sorted(files):
            if f.endswith((".cpp", ".hpp", ".h")):
                out += file_includes(os.path.join(dirpath, f))
    return out


def closure(parts, part, seen=None):
    seen = set() if seen is None else seen
    for d in parts.get(part, []):
        if d not in seen:
            seen.add(d)
            closure(parts, d, seen)
    return seen


def main():
    parts = declared_parts()
    errors = []
    # Cycles: a part in its own closure.
    for p in sorted(parts):
        if p in closure(parts, p):
            errors.append("CMakeLists.txt: part '%s' depends on itself through its DEPS" % p)
    extras = test_extras()
    for p in sorted(parts):
        below = closure(parts, p)
        used = set()
        for folder in (os.path.join(ROOT, "src", p), os.path.join(ROOT, "include", "wafersim", p)):
            for path, n, q in includes_of(folder):
                if q == p:
                    continue
                used.add(q)
                if q not in below:
                    errors.append("%s:%d: part '%s' includes wafersim/%s/, which is not below it "
                                  "(ws_%s's DEPS in CMakeLists.txt reach: %s)"
                                  % (path, n, p, q, p, ", ".join(sorted(below)) or "nothing"))
        for d in parts[p]:
            if d not in used:
                errors.append("CMakeLists.txt: ws_%s declares ws_%s but no file of '%s' includes "
                              "wafersim/%s/ (a link the code does not use)" % (p, d, p, d))
        allowed = below | set(extras.get(p, []))
        for e in extras.get(p, []):
            allowed |= closure(parts, e)
        for path, n, q in includes_of(os.path.join(ROOT, "tests", "unit", p)):
            if q != p and q not in allowed:
                errors.append("%s:%d: unit tests of '%s' include wafersim/%s/, which is neither below "
                              "'%s' nor in WAFERSIM_TEST_EXTRAS_%s (tests/CMakeLists.txt)" % (path, n, p, q, p, p))
    if errors:
        print("\n".join(errors))
        print("check_layers: %d violation(s); docs/architecture.md says how the parts stack" % len(errors))
        return 1
    if QUIET:
        return 0
    # The layers, bottom up (a part's level is one more than its highest dependency's).
    level = {}

    def lvl(p):
        if p not in level:
            level[p] = 1 + max((lvl(d) for d in parts[p]), default=-1)
        return level[p]

    for p in parts:
        lvl(p)
    rows = {}
    for p, l in level.items():
        rows.setdefault(l, []).append(p)
    print("check_layers: %d parts, one way:" % len(parts))
    for l in sorted(rows):
        print("  %d: %s" % (l, ", ".join(sorted(rows[l]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
