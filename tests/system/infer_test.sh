#!/usr/bin/env bash
# System tests of `wafersim infer`: the real binary on the shipped configs and models.
# Usage: infer_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

cs3="$root/configs/cs3.yaml"
expect 0 "Time to first token" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3"
expect 0 "tokens/s" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" --prompt 512 --generate 64
expect 0 "resident in SRAM" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4
expect 0 "streamed from MemoryX" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3"
expect 0 "--systems 4 keeps them resident" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3"
expect 0 "block79" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --breakdown
expect 0 "tokens/s" infer --model "$root/models/hf/mistral-7b.json" --system "$cs3" --batch 8
# Qwen3-235B's 470 GB fill 12 wafers by bytes; its layers in order lay out on 14, and the note says why
expect 0 "whole layers share wafers: 14 keep them resident" infer --model "$root/models/hf/qwen3-235b-a22b.json" --system "$cs3" --systems 14
# the issue's command: Llama 3.1 70B as an HF config.json on 4 CS-3s, the same figures as the native YAML
hf="$("$bin" infer --model "$root/models/hf/llama-3.1-70b.json" --system "$cs3" --systems 4 --batch 1 --json - |
  grep -E '"(tokens_per_s_per_user|ttft_s|tpot_s)"')"
native="$("$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --batch 1 --json - |
  grep -E '"(tokens_per_s_per_user|ttft_s|tpot_s)"')"
if [ -n "$hf" ] && [ "$hf" = "$native" ]; then ok; else bad "HF llama-3.1-70b.json differs from the YAML: '$hf' vs '$native'"; fi
for s in 8b 405b; do expect 0 "parameters" graph --model "$root/models/hf/llama-3.1-$s.json"; done
expect 0 "tokens/s" infer --model "$root/models/llama-7b.yaml" --batch 4 --prompt 1024 --generate 512
expect 0 "tokens/s" infer   # built-in defaults: GPT-2 small on the built-in CS-2

# --- JSON: schema, byte-identical repeats, only JSON on stdout
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --batch 8 --json "$tmp/a.json" -q
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --batch 8 --json "$tmp/b.json" -q
if cmp -s "$tmp/a.json" "$tmp/b.json"; then ok; else bad "infer JSON differs between identical runs"; fi
for key in schema_version '"command": "infer"' ttft_s tpot_s tokens_per_s_per_user decode_bottleneck per_system \
  layers kv_bytes max_context placement; do
  if grep -q "$key" "$tmp/a.json"; then ok; else bad "infer JSON lacks $key"; fi
done
out="$("$bin" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" --json - 2>/dev/null)"
if [ "${out:0:1}" = "{" ]; then ok; else bad "infer --json - does not print JSON first"; fi

# --- --fidelity cycle: a block's and the head's decode kernels on the cycle-level engine
out="$("$bin" infer --model "$root/models/tiny-gpt.yaml" --system "$root/configs/small-wafer.yaml" \
  --prompt 64 --generate 32 --fidelity cycle --json "$tmp/cyc.json" 2>&1)"
if grep -q "Decode kernel cross-check" <<<"$out" && ! grep -q DISAGREES <<<"$out"; then ok; else
  bad "infer --fidelity cycle: $out"; fi
if grep -q '"fidelity": "cycle"' "$tmp/cyc.json" && grep -q '"kernel_checks"' "$tmp/cyc.json"; then ok; else
  bad "infer --fidelity cycle JSON lacks kernel_checks"; fi
expect 2 "stream from MemoryX" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --fidelity cycle
expect 2 "--fidelity" infer --fidelity exact
expect 0 "speculative decoding: llama3.2-1b drafts 3 tokens" infer --model "$root/models/llama3.1-8b.yaml" \
  --system "$cs3" --draft-model "$root/models/llama3.2-1b.yaml" --speculate 3 --acceptance 0.7
expect 2 "need a --draft-model" infer --speculate 3
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --trace "$tmp/trace.json" -q
if /usr/bin/python3 -c 'import json, sys; ev = json.load(open(sys.argv[1]))["traceEvents"]; sys.exit(0 if any(e.get("cat") == "decode" for e in ev) and any(e.get("cat") == "prefill" for e in ev) else 1)' "$tmp/trace.json"; then ok; else
  bad "infer --trace: no prefill/decode slices"; fi
expect 2 "--trace-rounds" infer --trace "$tmp/t2.json" --trace-rounds 0
# --wafer-io sync: the launch software's synchronous I/O, calibration.sync_wafer_io per system per step
expect 0 "wafer I/O (sync) 282.0 us" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" --wafer-io sync
expect 0 "costs nothing here" infer --wafer-io sync   # the built-in CS-2 has no fitted value
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --wafer-io sync --json "$tmp/sync.json" -q
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --json "$tmp/async.json" -q
if /usr/bin/python3 -c '
import json, sys
s, a = (json.load(open(p)) for p in sys.argv[1:3])
ok = s["wafer_io"] == "sync" and a["wafer_io"] == "async" and a["decode"]["wafer_io_s"] == 0
ok = ok and abs(s["tpot_s"] - a["tpot_s"] - 4 * 282e-6) < 1e-9 and abs(s["decode"]["wafer_io_s"] - 4 * 282e-6) < 1e-9
sys.exit(0 if ok else 1)' "$tmp/sync.json" "$tmp/async.json"; then ok; else bad "--wafer-io sync: not 4 x 282 us per token"; fi
expect 2 "--wafer-io later" infer --wafer-io later
expect 2 "--acceptance 2" infer --draft-model "$root/models/tiny-gpt.yaml" --acceptance 2
expect 2 "not a decoder" infer --draft-model "$root/models/bert-large.yaml"

# --layout: compact (the default) puts 8B's two blocks per system on a corner of each of 24 CS-3s
# and says so; fill spreads them over every wafer: slower decode, faster prefill
expect 0 "decode fastest on part of their wafer" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" --systems 24
"$bin" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" --systems 24 --json "$tmp/compact.json" -q
"$bin" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" --systems 24 --layout fill --json "$tmp/fill.json" -q
if /usr/bin/python3 -c '
import json, sys
c, f = (json.load(open(p)) for p in sys.argv[1:3])
ok = (c["layout"], f["layout"]) == ("compact", "fill") and c["tokens_per_s_per_user"] > 1.5 * f["tokens_per_s_per_user"] \
    and c["ttft_s"] > f["ttft_s"] and not any("part of their wafer" in n for n in f["notes"])
sys.exit(0 if ok else 1)' "$tmp/compact.json" "$tmp/fill.json"; then ok; else bad "--layout compact vs fill"; fi
expect 2 "--layout spread: expected compact" infer --layout spread

# --weight-bits / --kv-bits: 8-bit weights put Llama 3.1 70B resident on 2 CS-3s (16-bit: streamed)
expect 0 "weights 70.55 GB (8-bit)" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 2 --weight-bits 8
expect 0 "weights stored in 8 bits, the KV cache in 4" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" \
  --systems 2 --weight-bits 8 --kv-bits 4
expect 0 "weights 65.19 GB (16-bit, experts 4.25-bit)" infer --model "$root/tests/fixtures/hf/gpt-oss-120b.json" \
  --system "$cs3" --systems 2 --expert-bits 4.25
expect 2 "--expert-bits 20: expected 1..16" infer --expert-bits 20
expect 2 "--weight-bits 0.5: expected 1..16" infer --weight-bits 0.5
expect 2 "--kv-bits 17: expected 1..16" infer --kv-bits 17
expect 2 "--fidelity cycle cross-checks the 16-bit" infer --weight-bits 8 --fidelity cycle

# --arrival-rate: requests served as they arrive (Poisson), up to --batch at once
expect 0 "Serving: 100 requests at 8/s" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 \
  --batch 16 --arrival-rate 8 --requests 100
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --batch 16 --arrival-rate 8 \
  --requests 100 --json "$tmp/serve.json" -q
if /usr/bin/python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))["serving"]
ok = v["requests"] == 100 and v["max_batch"] == 16 and 0 < v["ttft_s"]["p50"] <= v["ttft_s"]["p99"] and v["tokens_per_s"] > 0 \
    and v["energy"]["per_output_token_j"] > 0 and 0 < v["energy"]["idle_share"] < 1 and v["energy"]["mean_power_w"] > 0
sys.exit(0 if ok else 1)' "$tmp/serve.json"; then ok; else bad "infer --arrival-rate: JSON serving section"; fi
expect 2 "--requests needs --arrival-rate" infer --requests 10
expect 2 "--arrival-rate -2" infer --arrival-rate -2
# --prefill-chunk: prompts in chunks beside the decodes; the longest gap between tokens shrinks
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 8 --batch 16 --prompt 8192 \
  --arrival-rate 4 --requests 100 --json "$tmp/serve-whole.json" -q
expect 0 "chunked prefill: 512 tokens per iteration" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" \
  --systems 8 --batch 16 --prompt 8192 --arrival-rate 4 --requests 100 --prefill-chunk 512 --json "$tmp/serve-chunked.json"
if /usr/bin/python3 -c '
import json, sys
w, c = (json.load(open(f))["serving"] for f in sys.argv[1:3])
ok = (w["prefill_chunk"], c["prefill_chunk"]) == (0, 512) and c["tbt_s"]["max"] < w["tbt_s"]["max"] / 10 \
    and c["ttft_s"]["p50"] > w["ttft_s"]["p50"] and abs(c["tokens_per_s"] / w["tokens_per_s"] - 1) < 0.02
sys.exit(0 if ok else 1)' "$tmp/serve-whole.json" "$tmp/serve-chunked.json"; then ok; else bad "infer --prefill-chunk: JSON"; fi
expect 2 "--prefill-chunk needs --arrival-rate" infer --prefill-chunk 512
# --replicas: copies of the deployment share the requests; a rate that saturates one is served by three
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --batch 16 --prompt 2048 \
  --generate 512 --arrival-rate 12 --requests 150 --json "$tmp/serve-one.json" -q
expect 0 "3 replicas of 4 system(s), least-outstanding" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" \
  --systems 4 --batch 16 --prompt 2048 --generate 512 --arrival-rate 12 --requests 150 --replicas 3 \
  --routing least-outstanding --json "$tmp/serve-three.json"
if /usr/bin/python3 -c '
import json, sys
one, three = (json.load(open(f))["serving"] for f in sys.argv[1:3])
ok = (one["replicas"], three["replicas"], three["routing"]) == (1, 3, "least-outstanding") \
    and sum(three["replica_requests"]) == 150 and len(three["replica_busy"]) == 3 \
    and three["ttft_s"]["p99"] < one["ttft_s"]["p99"] / 10 and three["requests_per_s"] > 0.9 * 12 > one["requests_per_s"]
sys.exit(0 if ok else 1)' "$tmp/serve-one.json" "$tmp/serve-three.json"; then ok; else bad "infer --replicas 3: JSON"; fi
expect 2 "--replicas needs --arrival-rate" infer --replicas 2
# --replica-systems: twelve CS-3s as 8 + 4, each replica its own step times
expect 0 "2 replicas of 8+4 system(s), least-outstanding" infer --model "$root/models/llama3.1-70b.yaml" \
  --system "$cs3" --systems 4 --batch 8 --prompt 2048 --generate 256 --arrival-rate 12 --requests 100 \
  --replica-systems 8,4 --routing least-outstanding
expect 2 "--replica-systems lists 2 replica(s), --replicas says 3" infer --arrival-rate 1 --replicas 3 \
  --replica-systems 8,4
# --prefill-replicas: disaggregated serving; the decodes no longer wait for 8k-token prefills
expect 0 "disaggregated: 1 prefill replica(s) of 8 system(s)" infer --model "$root/models/llama3.1-70b.yaml" \
  --system "$cs3" --systems 8 --batch 16 --prompt 8192 --arrival-rate 4 --requests 100 --prefill-replicas 1 \
  --json "$tmp/serve-split.json"
if /usr/bin/python3 -c '
import json, sys
w, d = (json.load(open(f))["serving"] for f in sys.argv[1:3])
ok = (w["prefill_replicas"], d["prefill_replicas"], d["prefill_systems"]) == (0, 1, 8) \
    and d["prefill_replica_requests"] == [100] and d["replica_requests"] == [100] \
    and d["tbt_s"]["max"] < w["tbt_s"]["max"] / 5 and 0 < d["kv_transfer_s"]["mean"] <= d["kv_transfer_s"]["max"]
sys.exit(0 if ok else 1)' "$tmp/serve-whole.json" "$tmp/serve-split.json"; then ok; else bad "infer --prefill-replicas: JSON"; fi
# Prefill replicas may run their prompts in chunks (each iteration a chunk's trip through the layers)
expect 0 "chunked prefill: 512 tokens per iteration" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" \
  --systems 8 --batch 16 --prompt 2048 --generate 64 --arrival-rate 4 --requests 50 --prefill-replicas 1 --prefill-chunk 512
expect 2 "--prefill-systems needs --prefill-replicas" infer --arrival-rate 1 --prefill-systems 2
# --prefill-system: the prefill replicas on another machine (CS-2s prefill, CS-3s decode): slower first tokens
expect 0 "prefill replica(s) of 8 system(s) (CS-2)" infer --model "$root/models/llama3.1-70b.yaml" \
  --system "$cs3" --systems 8 --batch 16 --prompt 8192 --arrival-rate 4 --requests 100 --prefill-replicas 1 \
  --prefill-system "$root/configs/cs2.yaml" --json "$tmp/serve-hetero.json"
if /usr/bin/python3 -c '
import json, sys
d, h = (json.load(open(f))["serving"] for f in sys.argv[1:3])
ok = (d["prefill_system"], h["prefill_system"]) == ("CS-3", "CS-2") and h["ttft_s"]["p50"] > d["ttft_s"]["p50"] \
    and h["replica_requests"] == [100]
sys.exit(0 if ok else 1)' "$tmp/serve-split.json" "$tmp/serve-hetero.json"; then ok; else bad "infer --prefill-system: JSON"; fi
# --request-log: every request as CSV (Vidur's request metrics), the same bytes twice; its TTFT p99 the JSON's
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 8 --batch 16 --prompt 2048 \
  --prompt-min 128 --generate 128 --arrival-rate 8 --requests 150 --prefill-replicas 1 \
  --request-log "$tmp/requests-a.csv" --json "$tmp/requests.json" -q
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 8 --batch 16 --prompt 2048 \
  --prompt-min 128 --generate 128 --arrival-rate 8 --requests 150 --prefill-replicas 1 --request-log - \
  > "$tmp/requests-b.csv"
if cmp -s "$tmp/requests-a.csv" "$tmp/requests-b.csv"; then ok; else bad "infer --request-log differs between a file and stdout"; fi
if /usr/bin/python3 -c '
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
v = json.load(open(sys.argv[2]))["serving"]
ttft = sorted(float(r["ttft_s"]) for r in rows)
ok = len(rows) == 150 and [int(r["request"]) for r in rows] == list(range(150)) \
    and math.isclose(ttft[math.ceil(0.99 * 150) - 1], v["ttft_s"]["p99"], rel_tol=1e-8) \
    and all(r["prefill_replica"] == "0" and r["replica"] == "0" for r in rows) \
    and all(float(r["first_token_s"]) < float(r["kv_arrival_s"]) < float(r["done_s"]) for r in rows)
sys.exit(0 if ok else 1)' "$tmp/requests-a.csv" "$tmp/requests.json"; then ok; else bad "infer --request-log: CSV"; fi
# --trace of a serving run: every replica's iterations and the KV caches' crossings beside the batch's rounds
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 8 --batch 4 --prompt 2048 \
  --generate 64 --arrival-rate 16 --requests 60 --prefill-replicas 1 --trace "$tmp/serving-trace.json" -q
if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); ev = d["traceEvents"] if isinstance(d, dict) else d
names = {e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "process_name"}
ok = {"prefill replicas", "decode replicas", "KV caches"} <= names \
    and sum(1 for e in ev if e.get("cat") == "kv") == 60 \
    and sum(e["args"]["decodes"] for e in ev if e.get("cat") == "serving") == 60 * 63
sys.exit(0 if ok else 1)' "$tmp/serving-trace.json"; then ok; else bad "infer --trace of a serving run"; fi
expect 2 "--request-log needs --arrival-rate" infer --request-log "$tmp/never.csv"
expect 2 "--request-log -: stdout is taken" infer --arrival-rate 1 --request-log - --json -
expect 2 "--prefill-system needs --prefill-replicas" infer --arrival-rate 1 --prefill-system "$root/configs/cs2.yaml"
printf 'name: broken\npe: [1\n' > "$tmp/broken-system.yaml"
expect 2 "broken-system.yaml:3" infer --arrival-rate 1 --prefill-replicas 1 --prefill-system "$tmp/broken-system.yaml" \
  --json "$tmp/never.json"
if [ ! -e "$tmp/never.json" ]; then ok; else bad "infer with a broken --prefill-system wrote its JSON"; fi
# --slo-ttft-p99: the highest arrival rate that keeps TTFT p99 within 100 ms, and the run there
expect 0 "Capacity (TTFT p99 <= 100 ms):" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 \
  --batch 16 --prompt 2048 --generate 512 --slo-ttft-p99 0.1 --json "$tmp/capacity.json"
if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); c = d["capacity"]; v = d["serving"]
ok = c["feasible"] and c["slo"]["ttft_p99_s"] == 0.1 and c["rate"] == v["arrival_rate"] > 1 \
    and c["rate"] < c["upper_rate"] <= 1.01 * c["rate"] and v["ttft_s"]["p99"] <= 0.1 and c["bound"] in ("ttft_p99", "saturation")
sys.exit(0 if ok else 1)' "$tmp/capacity.json"; then ok; else bad "infer --slo-ttft-p99: JSON capacity"; fi
expect 0 "no arrival rate meets the objectives" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" \
  --systems 4 --prompt 2048 --slo-ttft-p99 0.001
expect 2 "--slo-tbt-p99 -1: expected seconds" infer --slo-tbt-p99 -1
expect 0 "time per output token p99 <= 2.5 ms" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" \
  --systems 4 --batch 16 --prompt 2048 --generate 512 --slo-ttft-p99 0.1 --slo-tpot-p99 0.0025
expect 2 "--routing nearest: expected round-robin" infer --arrival-rate 1 --replicas 2 --routing nearest
# --request-trace: the Azure LLM inference trace (an excerpt of the published file), as timed and
# rescaled to 20 requests per second
trace="$root/tests/fixtures/traces/azure-llm-conv-2023-head300.csv"
expect 0 "requests from $trace (arrival times x 1): prompts 2..4107, outputs 12..649" infer \
  --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 8 --batch 16 --request-trace "$trace"
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 8 --batch 16 --request-trace "$trace" \
  --arrival-rate 20 --json "$tmp/trace.json" -q
if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); v = d["serving"]
ok = v["requests"] == 300 and abs(v["arrival_rate"] - 20) < 1e-6 and v["time_scale"] < 1 and d["prompt"] == 4107 \
    and v["prompt_range"] == [2, 4107] and v["generate_range"] == [12, 649]
sys.exit(0 if ok else 1)' "$tmp/trace.json"; then ok; else bad "infer --request-trace --arrival-rate 20: JSON"; fi
expect 2 "azure-llm-conv-2023-head300.csv:25: a request of 4085 prompt" infer --model "$root/models/llama3.1-70b.yaml" \
  --system "$cs3" --systems 8 --batch 16 --request-trace "$trace" --prompt 4000

# --prompt-min / --generate-min: lengths drawn per request
expect 0 "lengths drawn per request: prompt 128..2048, output 16..512" infer --model "$root/models/llama3.1-70b.yaml" \
  --system "$cs3" --systems 4 --batch 16 --prompt 2048 --generate 512 --prompt-min 128 --generate-min 16 \
  --arrival-rate 8 --requests 100
expect 2 "--prompt-min 4096: expected 1..1024" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" \
  --prompt 1024 --prompt-min 4096 --arrival-rate 1
expect 2 "--prefill-chunk 8: expected more tokens than --batch 16" infer --batch 16 --arrival-rate 1 --prefill-chunk 8

# bench/waferllm_layer.py: one layer on P x P regions, every grid of WaferLLM's configs runs
out="$(/usr/bin/python3 "$root/bench/waferllm_layer.py" --wafersim "$bin" 2>&1)"
if grep -q "Llama3-8B: fastest in the model at P = " <<<"$out" && grep -q "Qwen2-72B: fastest" <<<"$out" &&
  [ "$(grep -cE '^ +(240|360|720) +[0-9]' <<<"$out")" = 3 ]; then ok; else bad "bench/waferllm_layer.py: $out"; fi

# --- bad input: exit 2 naming the option or the problem
expect 2 "--systems 0" infer --systems 0
expect 2 "--batch 0" infer --batch 0
expect 2 "--prompt -5" infer --prompt -5
expect 2 "max_seq" infer --model "$root/models/gpt2-small.yaml" --prompt 1000 --generate 100
expect 2 "not a decoder" infer --model "$root/models/bert-large.yaml"
expect 2 "KV cache of the requests one system serves" infer --model "$root/models/llama-7b.yaml" --system "$cs3" --batch 4096 --prompt 1024 --generate 1024
expect 2 "expected a number" infer --generate many
expect 2 "nosuch.yaml" infer --model "$tmp/nosuch.yaml"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
