#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS: scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
# TARGET is a file name of tests/fuzz/ without .cpp (e.g. fuzz_system_spec; `list` lists them).
# Configures and builds build-fuzz/ (clang, ASan + UBSan, -DWAFERSIM_FUZZ=ON) when needed.
# The seeds are tests/fuzz/corpus/TARGET/; new inputs go to build-fuzz/corpus/TARGET/. Fork
# mode with ignore_crashes keeps fuzzing after a crash; every crashing input is copied to
# tests/fuzz/corpus/TARGET/ (commit it once the bug is fixed: it becomes a regression seed).
# Prints the executions run and the crashes found; exit 1 when there were crashes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WAFERSIM_FUZZ_DIR:-$root/build-fuzz}"
if [ "${1:-}" = list ] || [ $# -lt 2 ]; then
  [ "${1:-}" = list ] || echo "usage: $0 TARGET SECONDS [libFuzzer options...]   targets:" >&2
  for f in "$root"/tests/fuzz/fuzz_*.cpp; do basename "$f" .cpp; done
  [ "${1:-}" = list ]; exit $?
fi
target="$1"
seconds="$2"
shift 2
[ -f "$root/tests/fuzz/$target.cpp" ] || { echo "fuzz: no target $target (try: $0 list)" >&2; exit 2; }
command -v clang++ >/dev/null || "$root/scripts/setup.sh"
command -v clang++ >/dev/null || { echo "fuzz: clang++ not installed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }

gen=()
if command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_CXX_COMPILER=clang++ -DWAFERSIM_FUZZ=ON \
    -DWAFERSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
    >/dev/null
fi
cmake --build "$build" -j "${WAFERSIM_JOBS:-$(nproc)}" --target "$target"

seeds="$root/tests/fuzz/corpus/$target"
work="$build/corpus/$target"
artifacts="$build/artifacts/$target"
mkdir -p "$seeds" "$work" "$artifacts"
before=$(find "$artifacts" -type f | wc -l)
log="$build/fuzz-$target.log"
# detect_leaks stays on: a leak on a parse path is a finding too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
dict=()
if [ -f "$root/tests/fuzz/$target.dict" ]; then dict=(-dict="$root/tests/fuzz/$target.dict"); fi
status=0
(cd "$build" && "$build/tests/fuzz/$target" "$work" "$seeds" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "${dict[@]}" "$@") >"$log" 2>&1 || status=$?
# Fork mode's status lines: "#RUNS: cov: C ft: F corp: N exec/s E oom/timeout/crash: O/T/X time: ..."
last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
runs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
otc=$(sed -E 's#.*oom/timeout/crash: ([0-9]+/[0-9]+/[0-9]+).*#\1#' <<<"$last")
if [ -z "$runs" ]; then
  tail -5 "$log" >&2
  echo "fuzz: $target did not run (log: $log)" >&2
  exit 2
fi
found=$(($(find "$artifacts" -type f | wc -l) - before))
for f in "$artifacts"/*; do
  [ -f "$f" ] || continue
  cp -n "$f" "$seeds/$(basename "$f")"
done
echo "fuzz: $target ran ${runs:-?} executions in ${seconds} s; oom/timeout/crash ${otc:-?}; new crashing inputs: $found (log: $log)"
if [ "$found" -gt 0 ] || [ "$status" -ne 0 ]; then
  grep -E 'ERROR: |FUZZ FINDING|runtime error' "$log" | sort | uniq -c | head -20 || true
  echo "fuzz: crashing inputs copied to tests/fuzz/corpus/$target/ (reproduce: $build/tests/fuzz/$target FILE)"
  exit 1
fi
