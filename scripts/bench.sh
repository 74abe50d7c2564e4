#!/usr/bin/env bash
# Simulator speed figures in one table (medians of several runs), from the benchmarks in
# bench/. Builds them first. Usage: scripts/bench.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WAFERSIM_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" >/dev/null
reps=9
[ "${1:-}" = "--quick" ] && reps=3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

row() { printf '| %-58s | %-26s | %-16s |\n' "$1" "$2" "$3"; }
echo "wafersim $("$build/wafersim" --version | awk '{print $2}') on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%Y-%m-%d)"
echo
row "figure" "value" "target"
row "----------------------------------------------------------" "--------------------------" "----------------"

"$build/bench/bench_ws_gptj" "$reps" >"$tmp/ws" 2>&1
row "weight streaming: GPT-J 6B, 2 x CS-2 (plan + SystemC run)" "$(grep 'median simulation' "$tmp/ws" | awk '{print $6, $7}')" "< 50 ms"

"$build/bench/bench_pipelined_bert" "$(( reps < 5 ? reps : 5 ))" >"$tmp/pp" 2>&1
row "pipelined: BERT-Large, full grid (mapping + simulation)" "$(grep 'median mapping' "$tmp/pp" | awk '{print $5, $6}')" "< 1 s"

if [ -x "$build/bench/bench_sweep" ]; then
  "$build/bench/bench_sweep" >"$tmp/sw" 2>&1 || true
  while IFS= read -r line; do
    line="$(echo "$line" | sed 's/^ *//')"
    case "$line" in
      --jobs*points/s) row "sweep (GPT-J weight streaming): ${line%%:*}" "$(echo "${line#*:}" | sed 's/^ *//')" ">= 100 points/s per core" ;;
      --jobs*CPU*) row "sweep: CPU per point, ${line%%:*}" "$(echo "$line" | sed -E 's/.*CPU per point ([0-9.]+) ms.*, ([0-9.]+) ms in the sweep.*/\1 ms point, \2 ms sweep/')" "" ;;
      speed-up*) row "sweep: speed-up 1 -> 2 jobs" "$(echo "$line" | awk '{print $6}')" ">= 1.8x" ;;
      peer*) row "sweep peer, points that only compute: speed-up" "$(echo "$line" | sed -E 's/.*speed-up ([0-9.]+x).*/\1/')" "(what this machine allows)" ;;
    esac
  done < <(grep -E '^ *(--jobs|speed-up|peer)' "$tmp/sw" || true)
fi

if [ -x "$build/bench/bench_fabric" ]; then
  "$build/bench/bench_fabric" 20000 2000 5 >"$tmp/fab" 2>&1 || true
  while IFS= read -r line; do
    name="$(echo "$line" | awk '{print $1, $2, $3}')"
    rate="$(echo "$line" | grep -o '[0-9.]* M router-cycles/s')"
    target=""
    case "$name" in *"0.02"*) target=">= 50 M (light load)" ;; esac
    row "cycle fabric: $name" "$rate" "$target"
  done < <(grep 'router-cycles/s' "$tmp/fab" || true)
  row "cycle fabric: peak memory, whole 757 x 996 grid" "$(grep -o 'peak RSS.*' "$tmp/fab" | sed 's/peak RSS //')" "< 2 GB"
fi

if [ -x "$build/bench/bench_infer" ]; then
  "$build/bench/bench_infer" 20 >"$tmp/inf" 2>&1 || true
  row "inference: one design point, Llama 3.1 70B on 4 x CS-3" "$(grep 'llama3.1-70b' "$tmp/inf" | awk '{print $5, $6}')" "< 20 ms"
  row "inference: design points/s, one core" "$(grep -o 'three shapes: [0-9.]*' "$tmp/inf" | awk '{print $3}')" ">= 100"
  # The shipped inference sweep end to end (a fork per point, one SQLite commit per point).
  "$build/wafersim" sweep "$root/configs/sweeps/inference.yaml" --jobs 1 --db "$tmp/inf.sqlite" >"$tmp/infsw" 2>&1 || true
  row "inference sweep (configs/sweeps/inference.yaml), --jobs 1" "$(grep -o '([0-9.]* points/s)' "$tmp/infsw" | tr -d '()')" ">= 100 points/s/core"
fi

if [ -x "$build/bench/bench_serving" ]; then
  "$build/bench/bench_serving" 3 >"$tmp/srv" 2>&1 || true
  row "serving: 20,000 requests, 1 replica (simulated requests/s)" "$(grep '1 replica of 4' "$tmp/srv" | grep -o '[0-9]* requests/s simulated' | awk '{print $1}')" ""
  row "serving: 20,000 requests, disaggregated (simulated requests/s)" "$(grep 'prefill 1 x 8 + decode' "$tmp/srv" | grep -o '[0-9]* requests/s simulated' | awk '{print $1}')" ""
fi

if [ -f "$build/python/wafersim/__init__.py" ]; then
  WAFERSIM_BIN="$build/wafersim" PYTHONPATH="$build/python" /usr/bin/python3 "$root/bench/bench_python.py" 96 "$(( reps < 5 ? reps : 5 ))" >"$tmp/py" 2>&1 || true
  row "Python: ws.run loop, GPT-J points (in-process)" "$(grep '^ws.run loop:' "$tmp/py" | awk '{print $3, $4}')" ""
  row "Python: ws.run loop / CLI sweep --jobs 1, per core" "$(grep '^ratio' "$tmp/py" | grep -o '[0-9.]*x' | head -1)" ">= 0.80x"
fi

# Peak memory (max RSS) of an approx-fidelity run on the whole grid, from the kernel's
# accounting of the finished process (a run can end before any polling would see it).
peak_rss() {
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, "MB")' "$@"
}
row "approx: peak memory, BERT-Large pipelined on the whole grid" "$(peak_rss "$build/wafersim" run --model "$root/models/bert-large.yaml" --mode pipelined -q)" ""
row "approx: peak memory, GPT-J weight streaming, 2 x CS-2" "$(peak_rss "$build/wafersim" run --model "$root/models/gptj-6b.yaml" --systems 2 -q)" ""
