#!/usr/bin/env bash
# System tests of `wafersim sweep` and `wafersim merge`: expansion, failing points, resume,
# kill -9 in the middle, Ctrl-C, shards + merge, CSV/Pareto, and MPI vs --jobs 1.
# Usage: sweep_test.sh path/to/wafersim path/to/source-root
set -uo pipefail
bin="$(realpath "$1")"
root="$(realpath "$2")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
q() { sqlite3 "$1" "$2"; }
# Under ASan, the leak suppressions for OpenMPI (loaded by every wafersim, used by mpirun) only
# match whole allocation stacks (tests/sanitizers/env.sh).
if [ -n "${WAFERSIM_SANITIZED:-}" ]; then export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"; fi

# --- a small sweep on the 64x64 test wafer: grid x where, with a point that cannot fit
cat > "$tmp/tiny.yaml" <<YAML
name: tiny
system: $root/configs/small-wafer.yaml
model: $root/models/tiny-gpt.yaml
mode: pipelined
axes:
  pe.sram: [8 KiB, 48 KiB, 64 KiB]
  batch: [8, 16]
  mode: [pipelined, weight-streaming]
where: mode == 'pipelined' or pe.sram >= 48 * 1024
YAML
out="$("$bin" sweep "$tmp/tiny.yaml" --db "$tmp/t.sqlite" --jobs 2 --csv "$tmp/t.csv" \
  --pareto samples_per_s:max,pe.sram:min 2>&1)"
rc=$?
check '[ $rc -eq 0 ]' "tiny sweep exit $rc: $out"
check '[ "$(q "$tmp/t.sqlite" "select count(*) from points")" = 10 ]' "tiny sweep: expected 10 rows"
check '[ "$(q "$tmp/t.sqlite" "select count(*) from points where status = '"'ok'"'")" = 8 ]' "tiny sweep: expected 8 ok rows"
err="$(q "$tmp/t.sqlite" "select error from points where status = 'error' limit 1")"
check 'grep -q "does not fit" <<<"$err"' "failing point lacks its reason: $err"
check '[ "$(q "$tmp/t.sqlite" "select count(*) from points where status = '"'error'"' and \"pe.sram\" = 8192")" = 2 ]' \
  "the 8 KiB pipelined points should be the errors"
check 'grep -q "Pareto front" <<<"$out"' "no Pareto front printed"
check '[ "$(wc -l < "$tmp/t.csv")" = 11 ] && head -1 "$tmp/t.csv" | grep -q "samples_per_s.*pareto"' "CSV wrong"
check '[ "$(q "$tmp/t.sqlite" "pragma integrity_check")" = ok ]' "integrity_check"
# weight-streaming points carry the step boundary, pipelined ones leave it empty
check '[ "$(q "$tmp/t.sqlite" "select count(*) from points where run_mode = '"'weight-streaming'"' and step_boundary_chain_s > 0 and step_boundary_exposed_s >= 0")" = 4 ]' \
  "weight-streaming points lack step_boundary_chain_s"
check '[ "$(q "$tmp/t.sqlite" "select count(*) from points where run_mode = '"'pipelined'"' and step_boundary_chain_s is not null")" = 0 ]' \
  "pipelined points have a step_boundary_chain_s"
check '[ "$(q "$tmp/t.sqlite" "pragma journal_mode")" = wal ]' "journal mode not WAL"

# --- re-run: nothing recomputed
out="$("$bin" sweep "$tmp/tiny.yaml" --db "$tmp/t.sqlite" 2>&1)"
check 'grep -q "10 already in the database, 0 to run" <<<"$out"' "re-run recomputed points: $out"

# --- bad sweep files: exit 2 naming line and path, before any point runs
printf 'system: %s\nmodel: %s\naxes:\n  systems: [1]\n  pe.sramm: [32 KiB]\n' \
  "$root/configs/small-wafer.yaml" "$root/models/tiny-gpt.yaml" > "$tmp/bad.yaml"
out="$("$bin" sweep "$tmp/bad.yaml" --db "$tmp/bad.sqlite" 2>&1)"
rc=$?
check '[ $rc -eq 2 ] && grep -q "bad.yaml:5:.*pe.sramm" <<<"$out"' "bad axis: exit $rc, $out"
check '[ ! -e "$tmp/bad.sqlite" ]' "bad sweep created a database"
printf 'system: %s\naxes:\n  io.port_bandwidth: [100 Gb/s, 12 apples]\n' "$root/configs/cs2.yaml" > "$tmp/bad2.yaml"
out="$("$bin" sweep "$tmp/bad2.yaml" --db "$tmp/bad.sqlite" 2>&1)"
rc=$?
check '[ $rc -eq 2 ] && grep -q "bad2.yaml:3:.*io.port_bandwidth.*apples" <<<"$out"' "bad value: exit $rc, $out"
out="$("$bin" sweep "$tmp/tiny.yaml" --db "$tmp/x.sqlite" --pareto nosuch:max 2>&1)"
check '[ $? -eq 2 ] && grep -q "nosuch" <<<"$out"' "bad --pareto column accepted"

# --- timeout: every point killed and recorded, the sweep finishes. The points must outlast the
# timeout on any machine: GPT-J on 64 CS-2s for 1000 steps takes seconds (a tiny model's point
# takes under a millisecond, shorter than any timeout a test could rely on)
cat > "$tmp/slow.yaml" <<YAML
name: slow
system: $root/configs/cs2.yaml
model: $root/models/gptj-6b.yaml
systems: 64
steps: 1000
axes:
  io.port_bandwidth: [50 Gb/s, 100 Gb/s, 200 Gb/s, 400 Gb/s]
YAML
"$bin" sweep "$tmp/slow.yaml" --db "$tmp/to.sqlite" --timeout 0.05 --jobs 2 -q
check '[ "$(q "$tmp/to.sqlite" "select count(*) from points where status = '"'timeout'"'")" = 4 ]' \
  "timeouts not recorded: $(q "$tmp/to.sqlite" "select status, wall_s from points")"

# --- inference sweep (the shipped configs/sweeps/inference.yaml): every point's report equals
# `wafersim infer` for the same options, byte for byte; a KV cache that cannot fit is an error row
out="$("$bin" sweep "$root/configs/sweeps/inference.yaml" --db "$tmp/inf.sqlite" --jobs 2 \
  --pareto tokens_per_s_per_user:max,systems:min 2>&1)"
rc=$?
check '[ $rc -eq 0 ]' "inference sweep exit $rc: $out"
check '[ "$(q "$tmp/inf.sqlite" "select count(*), sum(status = '"'ok'"') from points where mode = '"'infer'"'")" = "96|93" ]' \
  "inference sweep rows: $(q "$tmp/inf.sqlite" "select count(*), sum(status = 'ok') from points")"
err="$(q "$tmp/inf.sqlite" "select error from points where status = 'error' limit 1")"
check 'grep -q "KV cache of the requests one system serves" <<<"$err"' "inference error row lacks its reason: $err"
check '[ "$(q "$tmp/inf.sqlite" "select distinct placement from points where systems = 2 and status = '"'ok'"'")" = memoryx ]' \
  "70B on 2 CS-3s should stream its weights"
check '[ "$(q "$tmp/inf.sqlite" "select count(*) from points where systems >= 4 and placement = '"'sram'"' and tokens_per_s_per_user > 0 and ttft_s > 0")" -ge 40 ]' \
  "inference columns missing"
check 'grep -q "Pareto front" <<<"$out"' "no Pareto front for the inference sweep"
q "$tmp/inf.sqlite" "select report from points where systems = 8 and batch = 16 and prompt = 2048 and \"pe.sram\" = 65536" > "$tmp/inf-sweep.json"
"$bin" infer --system "$root/configs/cs3.yaml" --set pe.sram=65536 --model "$root/models/llama3.1-70b.yaml" \
  --systems 8 --batch 16 --prompt 2048 --generate 256 --json "$tmp/inf-cli.json" -q
# (sqlite3 prints a newline after the stored report, which ends with its own)
check '{ cat "$tmp/inf-cli.json"; echo; } | cmp -s "$tmp/inf-sweep.json" -' "sweep report differs from wafersim infer's"

# --- a model axis (the shipped configs/sweeps/inference-models.yaml): four model files, native
# YAML and HuggingFace config.json, one sweep; each point's report is `wafersim infer`'s
out="$("$bin" sweep "$root/configs/sweeps/inference-models.yaml" --db "$tmp/models.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ]' "model sweep exit $rc: $out"
check '[ "$(q "$tmp/models.sqlite" "select count(distinct model), count(distinct model_file), count(*) from points where status = '"'ok'"'")" = "4|4|32" ]' \
  "model sweep rows: $(q "$tmp/models.sqlite" "select model, model_file, status from points")"
check '[ "$(q "$tmp/models.sqlite" "select placement from points where model_file = '"'../../models/hf/llama-3.1-70b.json'"' and systems = 4")" = sram ]' \
  "70B on 4 CS-3s should be resident"
q "$tmp/models.sqlite" "select report from points where model = 'gpt_oss' and systems = 6" > "$tmp/models-sweep.json"
"$bin" infer --system "$root/configs/cs3.yaml" --model "$root/tests/fixtures/hf/gpt-oss-120b.json" \
  --systems 6 --prompt 1024 --generate 256 --json "$tmp/models-cli.json" -q
check '{ cat "$tmp/models-cli.json"; echo; } | cmp -s "$tmp/models-sweep.json" -' "model-axis report differs from wafersim infer's"
out="$("$bin" sweep "$root/configs/sweeps/inference-models.yaml" --db "$tmp/models.sqlite" 2>&1)"
check 'grep -q "32 already in the database, 0 to run" <<<"$out"' "model sweep re-run recomputed points: $out"

# --- serving points (the shipped configs/sweeps/serving.yaml): batch x arrival rate, each a
# request-level simulation; its serving.* columns, and a point's report is `wafersim infer`'s
out="$("$bin" sweep "$root/configs/sweeps/serving.yaml" --db "$tmp/serving.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ] && grep -q "Pareto front" <<<"$out"' "serving sweep exit $rc: $out"
check '[ "$(q "$tmp/serving.sqlite" "select count(*) from points where status = '"'ok'"' and \"serving.ttft_p99_s\" > 0 and arrival_rate > 0")" = 42 ]' \
  "serving sweep rows: $(q "$tmp/serving.sqlite" "select status, count(*) from points group by status")"
check '[ "$(q "$tmp/serving.sqlite" "select count(*) from points where batch = 1 and arrival_rate = 16 and \"serving.ttft_p99_s\" > 10")" = 1 ]' \
  "one request at a time at 16/s should queue for seconds"
q "$tmp/serving.sqlite" "select report from points where batch = 16 and arrival_rate = 8" > "$tmp/serving-sweep.json"
"$bin" infer --system "$root/configs/cs3.yaml" --model "$root/models/llama3.1-70b.yaml" --systems 4 --prompt 1024 \
  --generate 256 --requests 200 --batch 16 --arrival-rate 8 --json "$tmp/serving-cli.json" -q
check '{ cat "$tmp/serving-cli.json"; echo; } | cmp -s "$tmp/serving-sweep.json" -' "serving point differs from wafersim infer's"
# --- a request trace (configs/sweeps/serving-trace.yaml): the Azure excerpt at rescaled rates; a
# point's report is `wafersim infer --request-trace`'s
out="$("$bin" sweep "$root/configs/sweeps/serving-trace.yaml" --db "$tmp/trace.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ] && [ "$(q "$tmp/trace.sqlite" "select count(*) from points where status = '"'ok'"' and \"serving.ttft_p99_s\" > 0")" = 12 ]' \
  "serving-trace sweep exit $rc: $out"
q "$tmp/trace.sqlite" "select report from points where batch = 32 and arrival_rate = 20" > "$tmp/trace-sweep.json"
"$bin" infer --system "$root/configs/cs3.yaml" --model "$root/models/llama3.1-70b.yaml" --systems 8 --batch 32 \
  --request-trace "$root/tests/fixtures/traces/azure-llm-conv-2023-head300.csv" --arrival-rate 20 \
  --json "$tmp/trace-cli.json" -q
check '{ cat "$tmp/trace-cli.json"; echo; } | /usr/bin/python3 -c "
import json, sys
a = json.loads(open(sys.argv[1]).read()); b = json.loads(sys.stdin.read())
a[\"serving\"][\"trace\"] = b[\"serving\"][\"trace\"] = None  # the path as each was given
sys.exit(0 if a == b else 1)" "$tmp/trace-sweep.json"' "serving-trace point differs from wafersim infer's"
# --- chunked prefill (configs/sweeps/chunked-prefill.yaml): prefill_chunk 0 (whole prompts) to
# 4096 x arrival rate; the longest gap between tokens falls with the chunk
out="$("$bin" sweep "$root/configs/sweeps/chunked-prefill.yaml" --db "$tmp/chunked.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ] && [ "$(q "$tmp/chunked.sqlite" "select count(*) from points where status = '"'ok'"' and \"serving.tbt_max_s\" > 0")" = 24 ]' \
  "chunked-prefill sweep exit $rc: $out"
check '[ "$(q "$tmp/chunked.sqlite" "select count(*) from points a join points b on a.arrival_rate = b.arrival_rate where a.prefill_chunk = 0 and b.prefill_chunk = 512 and b.\"serving.tbt_max_s\" * 10 < a.\"serving.tbt_max_s\"")" = 4 ]' \
  "chunks of 512 should cut the longest gap between tokens tenfold at every rate"

# --- replicas (configs/sweeps/serving-replicas.yaml): 16 CS-3s as 1 x 16, 2 x 8 or 4 x 4 systems;
# at 32 requests/s the single pipeline saturates, four replicas keep the first token within 0.1 s
out="$("$bin" sweep "$root/configs/sweeps/serving-replicas.yaml" --db "$tmp/replicas.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ] && [ "$(q "$tmp/replicas.sqlite" "select count(*) from points where status = '"'ok'"' and systems * replicas = 16")" = 28 ]' \
  "serving-replicas sweep exit $rc: $out"
check '[ "$(q "$tmp/replicas.sqlite" "select count(*) from points a join points b on a.arrival_rate = b.arrival_rate where a.arrival_rate = 32 and a.replicas = 1 and b.replicas = 4 and b.\"serving.ttft_p99_s\" < 0.1 and b.\"serving.ttft_p99_s\" * 100 < a.\"serving.ttft_p99_s\"")" = 3 ]' \
  "four replicas should serve 32 requests/s that saturate one 16-system pipeline"

# --- mixed pools (configs/sweeps/disaggregated-mixed.yaml): CS-2s or CS-3s prefill for eight CS-3s
# (a `prefill_system` axis of files); every point names its prefill machine and file, twelve
# systems per prefill replica give the first token sooner than eight, a CS-3 sooner than a CS-2
out="$("$bin" sweep "$root/configs/sweeps/disaggregated-mixed.yaml" --db "$tmp/mixed.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ] && [ "$(q "$tmp/mixed.sqlite" "select count(*) from points where status = '"'ok'"' and (prefill_system, prefill_system_file) in (values ('"'CS-2'"', '"'../cs2.yaml'"'), ('"'CS-3'"', '"'../cs3.yaml'"'))")" = 24 ]' \
  "disaggregated-mixed sweep exit $rc: $out"
check '[ "$(q "$tmp/mixed.sqlite" "select count(*) from points a join points b on a.arrival_rate = b.arrival_rate and a.prefill_replicas = b.prefill_replicas and a.prefill_system = b.prefill_system where a.prefill_systems = 8 and b.prefill_systems = 12 and b.\"serving.ttft_p50_s\" < a.\"serving.ttft_p50_s\"")" = 12 ]' \
  "twelve systems per prefill replica should give the first token sooner than eight"
check '[ "$(q "$tmp/mixed.sqlite" "select count(*) from points a join points b on a.arrival_rate = b.arrival_rate and a.prefill_replicas = b.prefill_replicas and a.prefill_systems = b.prefill_systems where a.prefill_system = '"'CS-2'"' and b.prefill_system = '"'CS-3'"' and b.\"serving.ttft_p50_s\" < a.\"serving.ttft_p50_s\"")" = 12 ]' \
  "a CS-3 prefill replica should give the first token sooner than a CS-2 one of as many systems"

# --- replicas of different sizes (configs/sweeps/serving-uneven.yaml): twelve CS-3s as 12, 6+6,
# 4+4+4 or 8+4 (a `replica_systems` axis); at 20/s three replicas of 4 keep the first token
# sooner than 8 + 4 whichever way requests are balanced
out="$("$bin" sweep "$root/configs/sweeps/serving-uneven.yaml" --db "$tmp/uneven.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ] && [ "$(q "$tmp/uneven.sqlite" "select count(*) from points where status = '"'ok'"' and replica_systems in ('"'12'"', '"'6+6'"', '"'4+4+4'"', '"'8+4'"')")" = 16 ]' \
  "serving-uneven sweep exit $rc: $out"
check '[ "$(q "$tmp/uneven.sqlite" "select count(*) from points a join points b on a.arrival_rate = b.arrival_rate and a.routing = b.routing where a.arrival_rate = 20 and a.replica_systems = '"'8+4'"' and b.replica_systems = '"'4+4+4'"' and b.\"serving.ttft_p99_s\" < a.\"serving.ttft_p99_s\" and a.replicas = 2 and b.replicas = 3")" = 2 ]' \
  "three replicas of 4 should keep TTFT p99 below 8 + 4 at 20 requests/s"

# --- capacity (configs/sweeps/capacity.yaml): each point searches for the requests/s it serves
# within TTFT p99 <= 200 ms and time between tokens p99 <= 10 ms; chunked prefill serves more in
# every deployment, and each point's serving run meets the objectives
out="$("$bin" sweep "$root/configs/sweeps/capacity.yaml" --db "$tmp/capacity.sqlite" --jobs 2 2>&1)"
rc=$?
check '[ $rc -eq 0 ] && [ "$(q "$tmp/capacity.sqlite" "select count(*) from points where status = '"'ok'"' and \"capacity.rate\" > 1 and \"serving.ttft_p99_s\" <= 0.2 and \"serving.tbt_p99_s\" <= 0.01")" = 6 ]' \
  "capacity sweep exit $rc: $out"
check '[ "$(q "$tmp/capacity.sqlite" "select count(*) from points a join points b on a.systems = b.systems where a.prefill_chunk = 0 and b.prefill_chunk = 512 and b.\"capacity.rate\" > a.\"capacity.rate\"")" = 3 ]' \
  "chunked prefill should raise the capacity of every deployment under a time-between-tokens objective"

# --- GPT-J weight streaming: 60 points for the comparisons below, and 600 (a few seconds,
# whatever the machine) to kill -9 mid-way and resume, and to interrupt
cat > "$tmp/gptj.yaml" <<YAML
name: gptj-io
system: $root/configs/cs2.yaml
model: $root/models/gptj-6b.yaml
batch: 120
axes:
  io.port_bandwidth: {log: {from: 10 Gb/s, to: 800 Gb/s, points: 30}}
  systems: [1, 2]
YAML
sed -e 's/points: 30/points: 300/' -e 's/name: gptj-io/name: gptj-io-long/' "$tmp/gptj.yaml" > "$tmp/long.yaml"
total=600
"$bin" sweep "$tmp/long.yaml" --db "$tmp/k.sqlite" --jobs 2 -q &
pid=$!
for _ in $(seq 400); do
  n="$(q "$tmp/k.sqlite" "select count(*) from points" 2>/dev/null || echo 0)"
  [ "${n:-0}" -ge 8 ] && break
  sleep 0.02
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
sleep 0.2
killed="$(q "$tmp/k.sqlite" "select count(*) from points")"
check '[ "$killed" -ge 1 ] && [ "$killed" -lt $total ]' "kill -9 came too late or too early ($killed rows)"
check '[ "$(q "$tmp/k.sqlite" "pragma integrity_check")" = ok ]' "integrity after kill -9"
check '! pgrep -f "$tmp/k.sqlite" >/dev/null' "children survived kill -9 of the sweep"
out="$("$bin" sweep "$tmp/long.yaml" --db "$tmp/k.sqlite" --jobs 2 2>&1)"
check 'grep -q "$killed already in the database" <<<"$out"' "resume did not skip the $killed finished points: $out"
check '[ "$(q "$tmp/k.sqlite" "select count(*), count(distinct key), sum(status = '"'ok'"') from points")" = "$total|$total|$total" ]' \
  "after resume: $(q "$tmp/k.sqlite" "select count(*), count(distinct key), sum(status = 'ok') from points")"
check '[ "$(q "$tmp/k.sqlite" "pragma integrity_check")" = ok ]' "integrity after resume"

# --- SIGINT stops cleanly (exit 130), what finished is kept, a re-run completes
"$bin" sweep "$tmp/long.yaml" --db "$tmp/i.sqlite" --jobs 1 -q &
pid=$!
# Interrupt once points are being stored (the handler is installed by then; a background job
# of a script starts with SIGINT ignored, so an early signal would be lost).
for _ in $(seq 1000); do
  n="$(q "$tmp/i.sqlite" "select count(*) from points" 2>/dev/null || echo 0)"
  [ "${n:-0}" -ge 1 ] && break
  sleep 0.02
done
kill -INT "$pid"
wait "$pid"
rc=$?
n="$(q "$tmp/i.sqlite" "select count(*) from points")"
check '[ $rc -eq 130 ] && [ "$n" -lt $total ]' "SIGINT: exit $rc with $n rows"
"$bin" sweep "$tmp/long.yaml" --db "$tmp/i.sqlite" -q
check '[ "$(q "$tmp/i.sqlite" "select count(*) from points")" = $total ]' "re-run after SIGINT incomplete"
total=60
"$bin" sweep "$tmp/gptj.yaml" --db "$tmp/one.sqlite" --jobs 2 -q

# Rows without wall time, for comparing databases.
rows() { q "$1" "select key, sweep, idx, status, error, version, point, report from points order by key"; }

# --- shards + merge give the same rows as one run
for i in 0 1 2; do "$bin" sweep "$tmp/gptj.yaml" --shard "$i/3" --db "$tmp/s$i.sqlite" -q; done
"$bin" merge "$tmp/s0.sqlite" "$tmp/s1.sqlite" "$tmp/s2.sqlite" --db "$tmp/merged.sqlite" >/dev/null
check '[ "$(rows "$tmp/merged.sqlite" | md5sum)" = "$(rows "$tmp/one.sqlite" | md5sum)" ]' "shards + merge differ from one run"

# --- MPI: rank 0 hands out points; same rows as --jobs 1
if ! command -v mpirun >/dev/null; then
  echo "SKIP: MPI comparison (mpirun not installed)"
elif ! ldd "$bin" | grep -q libmpi; then
  echo "SKIP: MPI comparison (wafersim built without MPI)"
else
  "$bin" sweep "$tmp/gptj.yaml" --db "$tmp/j1.sqlite" --jobs 1 -q
  mpirun --allow-run-as-root --oversubscribe -n 3 "$bin" sweep "$tmp/gptj.yaml" --db "$tmp/mpi.sqlite" -q
  rc=$?
  check '[ $rc -eq 0 ]' "mpirun sweep exit $rc"
  check '[ "$(rows "$tmp/mpi.sqlite" | md5sum)" = "$(rows "$tmp/j1.sqlite" | md5sum)" ]' "MPI rows differ from --jobs 1"
  check '[ "$(q "$tmp/mpi.sqlite" "select count(*) from points")" = $total ]' "MPI row count"
fi

# --- micro-batch settings as an axis (weight streaming), with a where over the text values
cat >"$tmp/mb.yaml" <<YAML
name: micro-batch
system: $root/configs/small-wafer.yaml
model: $root/models/tiny-gpt.yaml
batch: 64
axes:
  micro_batch: [auto, 8, Explore, none]
  systems: [1, 2]
where: micro_batch != 'none' or systems == 1
YAML
"$bin" sweep "$tmp/mb.yaml" --db "$tmp/mb.sqlite" --jobs 2 -q
rc=$?
check '[ $rc -eq 0 ]' "micro-batch sweep exit $rc"
check '[ "$(q "$tmp/mb.sqlite" "select count(*) from points where status = '"'"'ok'"'"'")" = 7 ]' "micro-batch sweep: 7 ok points"
check '[ "$(q "$tmp/mb.sqlite" "select micro_batches from points where systems = 1 and micro_batch_setting = '"'"'8'"'"'")" = 8 ]' \
  "micro_batch 8 on 64 samples: 8 micro-batches"
check '[ "$(q "$tmp/mb.sqlite" "select count(*) from points where micro_batch_setting = '"'"'explore'"'"'")" = 2 ]' \
  "Explore is stored as explore"
check '[ "$(q "$tmp/mb.sqlite" "select count(*) from points where checkpoints = '"'"'wafer'"'"'")" = 7 ]' \
  "the checkpoints column says where layer inputs waited"
printf 'model: %s\naxes:\n  micro_batch: [4, lots]\n' "$root/models/tiny-gpt.yaml" >"$tmp/mb-bad.yaml"
out="$("$bin" sweep "$tmp/mb-bad.yaml" --db "$tmp/mb-bad.sqlite" 2>&1)"
rc=$?
check '[ $rc -eq 2 ] && grep -q "mb-bad.yaml:3:.*axes.micro_batch.*lots" <<<"$out"' "bad micro_batch value: exit $rc: $out"
printf 'command: infer\nmicro_batch: 4\naxes:\n  batch: [1, 2]\n' >"$tmp/mb-infer.yaml"
out="$("$bin" sweep "$tmp/mb-infer.yaml" --db "$tmp/mb-infer.sqlite" 2>&1)"
rc=$?
check '[ $rc -eq 2 ] && grep -q "micro_batch is an option of training runs" <<<"$out"' "infer + micro_batch: exit $rc: $out"
# wafer_io (inference): an axis and a column; async points keep the key they had before it existed
cat >"$tmp/wio.yaml" <<YAML
command: infer
system: $root/configs/cs3.yaml
model: $root/models/llama3.1-8b.yaml
axes:
  wafer_io: [async, sync]
YAML
"$bin" sweep "$tmp/wio.yaml" --db "$tmp/wio.sqlite" -q
check '[ "$(q "$tmp/wio.sqlite" "select group_concat(wafer_io) from (select wafer_io from points order by wafer_io)")" = "async,sync" ]' \
  "wafer_io column: $(q "$tmp/wio.sqlite" "select wafer_io from points")"
check '[ "$(q "$tmp/wio.sqlite" "select round(1e6 * (s.tpot_s - a.tpot_s)) from points s, points a where s.wafer_io = '"'sync'"' and a.wafer_io = '"'async'"'")" = 282.0 ]' \
  "a sync point is 282 us per token slower on one CS-3"
printf 'command: infer\naxes:\n  wafer_io: [async, later]\n' >"$tmp/wio-bad.yaml"
out="$("$bin" sweep "$tmp/wio-bad.yaml" --db "$tmp/wio-bad.sqlite" 2>&1)"
rc=$?
check '[ $rc -eq 2 ] && grep -q "wio-bad.yaml:3:.*axes.wafer_io.*later" <<<"$out"' "bad wafer_io value: exit $rc: $out"
printf 'wafer_io: sync\naxes:\n  batch: [1, 2]\n' >"$tmp/wio-run.yaml"
out="$("$bin" sweep "$tmp/wio-run.yaml" --db "$tmp/wio-run.sqlite" 2>&1)"
rc=$?
check '[ $rc -eq 2 ] && grep -q "wafer_io is an option of inference" <<<"$out"' "run + wafer_io: exit $rc: $out"

# --- a point that runs out of memory is recorded as failed, and the sweep goes on
# (RLIMIT_AS: not under AddressSanitizer, which reserves terabytes of address space and makes
# the sweep drop the limit)
cat >"$tmp/oom.yaml" <<YAML
name: oom
system: $root/configs/small-wafer.yaml
model: $root/models/tiny-gpt.yaml
axes:
  wafer.width: [64, 20000]
  wafer.height: [20000]
YAML
if [ -n "${WAFERSIM_SANITIZED:-}" ]; then
  echo "SKIP: out-of-memory point (sanitizer build)"
else
  "$bin" sweep "$tmp/oom.yaml" --db "$tmp/oom.sqlite" --jobs 1 --memory-limit "1 GiB" -q
  rc=$?
  check '[ $rc -eq 0 ]' "out-of-memory sweep exit $rc"
  check '[ "$(q "$tmp/oom.sqlite" "select count(*) from points where status = '"'"'ok'"'"'")" = 1 ]' "the small point ran"
  check 'q "$tmp/oom.sqlite" "select error from points where status = '"'"'failed'"'"'" | grep -q "out of memory"' "OOM point not recorded as failed: out of memory"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
