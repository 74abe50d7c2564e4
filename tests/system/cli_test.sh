#!/usr/bin/env bash
# System tests: the real wafersim binary on the real configs and models.
# Usage: cli_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# --- the default run
expect 0 "built-in default" run
expect 0 "samples/s" run
expect 0 "Bottleneck:" run
# a rate so small the run passes SystemC's 64-bit picosecond time: a failed run (exit 1) that
# says so, not a wrapped time (1 bit/s used to give a shorter step than 1 kbit/s)
expect 1 "beyond SystemC's range" run --set io.port_bandwidth="1 b/s"
expect 0 "--system" run --help
expect 0 "pe.sram" params

# --- GPT-J 6B on two CS-2s, JSON report, byte-identical repeats
expect 0 "samples/s" run --system "$root/configs/cs2.yaml" --model "$root/models/gptj-6b.yaml" \
  --systems 2 --batch 120 --json "$tmp/a.json"
"$bin" run --system "$root/configs/cs2.yaml" --model "$root/models/gptj-6b.yaml" --systems 2 --batch 120 \
  --json "$tmp/b.json" -q
if cmp -s "$tmp/a.json" "$tmp/b.json"; then ok; else bad "JSON differs between identical runs"; fi
for key in schema_version mode systems batch seq step_time_s samples_per_s tokens_per_s bottleneck \
  utilization layers compute fabric io memoryx swarmx input forward_s weight_stream_s; do
  if grep -q "\"$key\"" "$tmp/a.json"; then ok; else bad "JSON lacks key $key"; fi
done
if grep -q '"mode": "weight-streaming"' "$tmp/a.json" && grep -q '"systems": 2' "$tmp/a.json"; then ok
else bad "JSON mode/systems wrong"; fi
# the step boundary (weight streaming): text line and JSON section; with no host overhead the
# chain is what the wafer waits for, and 192 systems (4 SwarmX levels) make it longer than 1
expect 0 "Step boundary: last gradient into MemoryX" run --model "$root/models/gpt3-1.3b.yaml" --batch 85
for key in step_boundary reduce_s update_s broadcast_s chain_s exposed_s swarmx_levels; do
  if grep -q "\"$key\"" "$tmp/a.json"; then ok; else bad "JSON lacks key $key"; fi
done
chain() {
  "$bin" run --model "$root/models/gpt3-1.3b.yaml" --systems "$1" --batch "$2" \
    --set calibration.step_overhead=0 -q --json - | /usr/bin/python3 -c '
import json, sys
b = json.load(sys.stdin)["step_boundary"]
assert abs(b["exposed_s"] - b["chain_s"]) < 1e-6, b
print("%.9f %d" % (b["chain_s"], b["swarmx_levels"]))'
}
c1="$(chain 1 85)"; c192="$(chain 192 16320)"
if [ "${c1#* }" = 1 ] && [ "${c192#* }" = 4 ] && \
  /usr/bin/python3 -c "import sys; sys.exit(0 if float('${c192% *}') > float('${c1% *}') > 0 else 1)"; then ok
else bad "step boundary chain: 1 system '$c1', 192 systems '$c192'"; fi
if "$bin" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 64 --seq 128 --json - -q 2>/dev/null |
  grep -q '"step_boundary"'; then bad "pipelined JSON has a step_boundary"; else ok; fi
# JSON to stdout is only JSON
out="$("$bin" run --model "$root/models/gpt2-small.yaml" --json - 2>/dev/null)"
if [ "${out:0:1}" = "{" ]; then ok; else bad "--json - does not print JSON first"; fi

# --- every model ships and runs
for m in gpt2-small gpt3-1.3b gptj-6b bert-large llama-7b; do
  expect 0 "samples/s" run --model "$root/models/$m.yaml" --systems 2
done
expect 0 "4 systems" run --model "$root/models/gpt3-1.3b.yaml" --systems 4
expect 0 "samples/s" run --system "$root/configs/cs1.yaml"
expect 0 "samples/s" run --system "$root/configs/cs3.yaml"
expect 0 "samples/s" run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml"

# --- overrides
expect 0 "samples/s" run --set io.port_bandwidth="50 Gb/s"
expect 2 "nosuch" run --set pe.nosuch=3
expect 2 "--set" run --set novalue
expect 2 "pe.sram" run --set pe.sram="48 parsecs"

# --- usage errors
expect 2 "pipelined" run --mode pipelined --systems 2
expect 2 "--mode" run --mode sideways
expect 2 "--systems" run --systems 0
expect 2 "--systems" run --systems 193
expect 2 "--steps" run --steps 1
expect 2 "--batch" run --batch 1 --systems 2
expect 2 "nosuchfile.yaml" run --system "$tmp/nosuchfile.yaml"
expect 2 "nosuchmodel.yaml" run --model "$tmp/nosuchmodel.yaml"
expect 2 "" run --bogus-option
expect 2 "" frobnicate

# --- bad system configs: each names the key (and the line)
cs2="$root/configs/cs2.yaml"
mk() { sed "$1" "$cs2" >"$tmp/$2.yaml"; }
mk 's/^\(\s*\)sram_banks:/\1sram_bankz:/' unknown_key
expect 2 "sram_bankz" run --system "$tmp/unknown_key.yaml"
mk '/^\s*clock:/d' missing_key
expect 2 "pe.clock" run --system "$tmp/missing_key.yaml"
mk 's/^\(\s*\)width: 757/\1width: wide/' wrong_type
expect 2 "wafer.width" run --system "$tmp/wrong_type.yaml"
mk 's/^\(\s*\)sram: .*/\1sram: "48 KiBB"/' bad_unit
expect 2 "pe.sram" run --system "$tmp/bad_unit.yaml"
mk 's/^\(\s*\)ports: 12 /\1ports: 0 /' zero_ports
expect 2 "io.ports" run --system "$tmp/zero_ports.yaml"
mk 's/^\(\s*\)sram: .*/\1sram: "-48 KiB"/' negative
expect 2 "pe.sram" run --system "$tmp/negative.yaml"
printf 'name: x\nwafer: [1, 2\n' >"$tmp/syntax.yaml"
expect 2 "syntax.yaml:" run --system "$tmp/syntax.yaml"
: >"$tmp/empty.yaml"
expect 2 "empty.yaml" run --system "$tmp/empty.yaml"
expect 2 "$tmp" run --system "$tmp"
# line numbers: the unknown key's line is named
line=$(grep -n "sram_bankz" "$tmp/unknown_key.yaml" | cut -d: -f1)
expect 2 "unknown_key.yaml:$line" run --system "$tmp/unknown_key.yaml"

# --- bad model files
printf 'model:\n  name: x\n  layers: -3\n' >"$tmp/neg_layers.yaml"
expect 2 "layers" run --model "$tmp/neg_layers.yaml"
printf 'just: text\n' >"$tmp/not_a_model.yaml"
expect 2 "not_a_model.yaml" run --model "$tmp/not_a_model.yaml"

# --- pipelined mode
expect 0 "pipelined mode" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 256
expect 0 "Pipeline stages" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 256
expect 0 "placement: strips" run --model "$root/models/tiny-gpt.yaml" --mode pipelined --set map.strategy=strips
expect 0 "placement: bisection" run --model "$root/models/tiny-gpt.yaml" --mode pipelined --set map.strategy=bisection
expect 2 "map.strategy" run --model "$root/models/tiny-gpt.yaml" --mode pipelined --set map.strategy=zigzag
expect 2 "use --mode weight-streaming" run --model "$root/models/gptj-6b.yaml" --mode pipelined
expect 2 "largest layer" run --model "$root/models/gptj-6b.yaml" --mode pipelined
expect 0 "fell back to weight streaming" run --model "$root/models/gptj-6b.yaml" --mode auto
expect 0 "runs pipelined" run --model "$root/models/tiny-gpt.yaml" --mode auto
"$bin" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 256 --json "$tmp/p1.json" -q
"$bin" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 256 --json "$tmp/p2.json" -q
if cmp -s "$tmp/p1.json" "$tmp/p2.json"; then ok; else bad "pipelined JSON differs between identical runs"; fi
for key in '"mode": "pipelined"' '"stages"' '"placement_strategy"' '"max_link_utilization"' '"sram_per_tile_bytes"' '"bottleneck_stage"'; do
  if grep -q "$key" "$tmp/p1.json"; then ok; else bad "pipelined JSON lacks $key"; fi
done

# --- cycle fidelity: the kernels on the cycle-level engine next to the approx model
expect 0 "Kernel cross-check" run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" --fidelity cycle
expect 0 "1 of 16 waves" run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" --fidelity cycle --seq 256 --set map.attention_block=64
expect 2 "small wafer" run --model "$root/models/tiny-gpt.yaml" --fidelity cycle
expect 2 "--fidelity" run --fidelity exact
expect 2 "--fidelity cycle" run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" --fidelity cycle --mode pipelined

# --- observability: trace, breakdown, heatmaps
expect 0 "upgrade first" run --model "$root/models/gptj-6b.yaml" --systems 2 --batch 120 --breakdown --trace "$tmp/trace.json"
if head -c 40 "$tmp/trace.json" | grep -q traceEvents; then ok; else bad "trace file"; fi
"$bin" run --model "$root/models/gptj-6b.yaml" --systems 2 --batch 120 --trace "$tmp/trace2.json" -q
if cmp -s "$tmp/trace.json" "$tmp/trace2.json"; then ok; else bad "trace differs between identical runs"; fi
expect 0 '"breakdown"' run --model "$root/models/gpt2-small.yaml" --json -
expect 0 "idle / bubble" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 256 --breakdown
for h in sram busy links; do
  expect 0 "samples/s" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 256 --heatmap "$h" --png "$tmp/$h.png" --svg "$tmp/$h.svg"
  if [ -s "$tmp/$h.png" ] && grep -q "<svg" "$tmp/$h.svg"; then ok; else bad "heatmap $h not written"; fi
done
expect 0 "samples/s" run --model "$root/models/gptj-6b.yaml" --heatmap sram --png "$tmp/ws_sram.png"
expect 2 "--heatmap" run --heatmap temperature --png "$tmp/x.png"
expect 2 "--heatmap" run --heatmap sram
expect 2 "--heatmap" run --png "$tmp/y.png"
expect 2 "--trace-steps" run --trace "$tmp/t.json" --trace-steps 0
expect 2 "--trace" run --trace "$tmp/no/dir/t.json"

# --- slow input workers starve the pipeline, and the report says so
expect 0 "input workers starve the pipeline" run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" --mode pipelined --set input.worker_bandwidth="10 Mb/s"
expect 0 "Bottleneck: input" run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" --mode pipelined --set input.worker_bandwidth="10 Mb/s"
expect 0 "upgrade first: input workers" run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" --mode pipelined --set input.worker_bandwidth="10 Mb/s" --breakdown
expect 0 "upgrade first: system I/O" run --model "$root/models/gptj-6b.yaml" --systems 4 --batch 32 --set io.port_bandwidth="10 Gb/s" --breakdown

# --- map: text summary and pictures
expect 0 "placement" map --model "$root/models/bert-large.yaml" --svg "$tmp/place.svg" --png "$tmp/place.png"
if grep -q "<svg" "$tmp/place.svg" && grep -q "block23" "$tmp/place.svg"; then ok; else bad "placement SVG lacks the regions"; fi
if [ "$(head -c 8 "$tmp/place.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then ok; else bad "placement PNG is not a PNG"; fi
expect 0 "block0" map --model "$root/models/bert-large.yaml"
expect 2 "does not fit" map --model "$root/models/gptj-6b.yaml" --png "$tmp/nofit.png"
if [ ! -e "$tmp/nofit.png" ]; then ok; else bad "map wrote a PNG for a model that does not fit"; fi
expect 2 "--png" map --model "$root/models/tiny-gpt.yaml" --png "$tmp/no/dir/x.png"

# --- a model that does not fit
expect 2 "does not fit" run --system "$root/configs/small-wafer.yaml" --model "$root/models/gptj-6b.yaml" --batch 1

# --- output that cannot be written: exit 2, nothing left behind
expect 2 "--json" run --json "$tmp/no/such/dir/r.json"
if [ -z "$(ls "$tmp" | grep '\.tmp\.')" ]; then ok; else bad "temporary JSON left behind"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
