#!/usr/bin/env bash
# Configures and builds wafersim (Release) in build/. Used by run.sh and test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WAFERSIM_BUILD_DIR:-$root/build}"
jobs="${WAFERSIM_JOBS:-$(nproc)}"
gen=()
if command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
fi
cmake --build "$build" -j "$jobs" ${WAFERSIM_TARGET:+--target "$WAFERSIM_TARGET"}
