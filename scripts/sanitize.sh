#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer build of everything in build-asan/, then ctest
# under the run-time options and suppressions of tests/sanitizers/env.sh (docs/reliability.md).
# Extra arguments go to ctest, e.g. `scripts/sanitize.sh -R '^sc\.'` for a subset.
# `--fast` (what .ci/run uses): only the unit tests of the parts without SystemC (parsers, graph,
# compiler, mapper, tiles), which build in a fraction of the time (docs/reliability.md).
# WAFERSIM_JOBS: parallel build/test jobs (default: all cores).
set -euo pipefail
fast_parts=(core spec graph frontend tile compile map)
targets=()
if [ "${1:-}" = --fast ]; then
  shift
  targets=(--target)
  for p in "${fast_parts[@]}"; do targets+=("unit_$p"); done
  set -- -R "^($(IFS='|'; echo "${fast_parts[*]}"))\\." "$@"
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WAFERSIM_ASAN_DIR:-$root/build-asan}"
jobs="${WAFERSIM_JOBS:-$(nproc)}"
"$root/scripts/setup.sh"
gen=()
if command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  # -O2 for test speed, -g1 (line tables) for readable reports at little build cost.
  cmake -S "$root" -B "$build" "${gen[@]}" -DWAFERSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
fi
start=$(date +%s)
cmake --build "$build" -j "$jobs" "${targets[@]}"
built=$(date +%s)
# shellcheck source=../tests/sanitizers/env.sh
source "$root/tests/sanitizers/env.sh"
cd "$build"
status=0
# Every test runs; system.sweep skips its out-of-memory point there (RLIMIT_AS cannot work under
# ASan; env.sh sets WAFERSIM_SANITIZED). docs/reliability.md says more.
ctest --output-on-failure -j "$jobs" --timeout 900 "$@" || status=$?
echo "sanitize: build $((built - start)) s, tests $(($(date +%s) - built)) s, ctest exit $status"
exit $status
