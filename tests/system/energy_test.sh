#!/usr/bin/env bash
# System tests of the energy model (docs/energy.md): run/infer --energy, the JSON energy section,
# the published power envelope at busy training points, sweeps with energy objectives, bad input.
# Usage: energy_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

cs2="$root/configs/cs2.yaml"
cs3="$root/configs/cs3.yaml"
gptj="$root/models/gptj-6b.yaml"
expect 0 "Energy per step" run --model "$gptj" --batch 120 --systems 2 --energy
expect 0 "samples per kJ" run --model "$root/models/bert-large.yaml" --mode pipelined --batch 1024 --seq 128 --energy
expect 0 "J per token" infer --model "$root/models/llama3.1-8b.yaml" --system "$cs3" --energy
expect 0 "Energy per prefill" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --energy
expect 0 "samples per kJ" run --model "$gptj" --batch 120 --energy --uncertainty --samples 16

# --- busy training points: the modelled system power inside the published envelope (50-100%
# of the system's published power), the parts adding up, and CS-3 twice as efficient as CS-2
# (Cerebras: twice the performance at the same power).
"$bin" run --system "$cs2" --model "$gptj" --batch 120 --systems 2 --json "$tmp/gptj-cs2.json" -q
"$bin" run --system "$cs3" --model "$gptj" --batch 120 --systems 2 --json "$tmp/gptj-cs3.json" -q
"$bin" run --system "$cs2" --model "$root/models/llama-7b.yaml" --batch 99 --seq 2048 --json "$tmp/llama.json" -q
"$bin" run --system "$cs2" --model "$root/models/bert-large.yaml" --mode pipelined --batch 1024 --seq 128 \
  --json "$tmp/bert.json" -q
if out="$(/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
fails = []
def load(name):
    return json.load(open(f"{tmp}/{name}.json"))
for name in ("gptj-cs2", "gptj-cs3", "llama", "bert"):
    e = load(name)["energy"]
    share = e["system_power_w"] / e["system_power_max_w"]
    if not 0.5 <= share <= 1.0:
        fails.append(f"{name}: system power {e['system_power_w']:.0f} W is {share:.0%} of the published")
    total = sum(e["parts_j"].values())
    if abs(total - e["joules"]) > 1e-9 * e["joules"]:
        fails.append(f"{name}: parts add up to {total}, not {e['joules']}")
    if abs(e["joules_per_unit"] * e["units"] - e["joules"]) > 1e-9 * e["joules"]:
        fails.append(f"{name}: joules per sample x samples != joules")
ratio = load("gptj-cs3")["energy"]["units_per_kj"] / load("gptj-cs2")["energy"]["units_per_kj"]
if not 1.5 <= ratio <= 2.5:
    fails.append(f"CS-3 / CS-2 samples per kJ = {ratio:.2f}, expected about 2")
print("\n".join(fails))
sys.exit(1 if fails else 0)
PY
)"; then ok; else bad "energy envelope: $out"; fi

# --- determinism: byte-identical JSON with the energy section
"$bin" run --system "$cs2" --model "$gptj" --batch 120 --systems 2 --json "$tmp/again.json" -q
if cmp -s "$tmp/gptj-cs2.json" "$tmp/again.json"; then ok; else bad "energy JSON differs between runs"; fi
"$bin" infer --model "$root/models/llama3.1-70b.yaml" --system "$cs3" --systems 4 --json "$tmp/inf.json" -q
if grep -q '"decode"' "$tmp/inf.json" && grep -q '"prefill"' "$tmp/inf.json"; then ok; else
  bad "infer JSON lacks energy.decode/prefill"; fi

# --- a system file without an energy: section still runs; --energy says what is missing
sed '/^energy:/,/^$/d' "$cs2" >"$tmp/no-energy.yaml"
expect 0 "samples/s" run --system "$tmp/no-energy.yaml" --model "$gptj" --batch 120
expect 2 "has no energy: section" run --system "$tmp/no-energy.yaml" --energy
expect 2 "has no energy: section" infer --system "$tmp/no-energy.yaml" --energy
"$bin" run --system "$tmp/no-energy.yaml" --json "$tmp/ne.json" -q
if grep -q '"energy"' "$tmp/ne.json"; then bad "JSON has an energy section without an energy model"; else ok; fi
expect 2 "energy.fp32_fmac" run --system "$tmp/no-energy.yaml" --set "energy.fmac=0.3 pJ"
expect 2 "energy.pe_cycle" run --set "energy.pe_cycle=4 pW"
expect 2 "energy.psu_efficiency" run --set energy.psu_efficiency=1.5

# --- sweeps: energy columns, the file's own Pareto objectives, their errors
out="$("$bin" sweep "$root/configs/sweeps/energy.yaml" --db "$tmp/e.sqlite" 2>&1)"
if grep -q "Pareto front" <<<"$out" && grep -q "samples_per_kj" <<<"$out"; then ok; else bad "energy sweep: $out"; fi
n="$(/usr/bin/python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from points where samples_per_kj > 0 and system_power_w > 0").fetchone()[0])' "$tmp/e.sqlite")"
if [ "$n" = 36 ]; then ok; else bad "energy sweep: $n of 36 rows have samples_per_kj"; fi
sed 's/^pareto: .*/pareto: samples_per_s:max,joules:min/' "$root/configs/sweeps/energy.yaml" >"$tmp/bad-pareto.yaml"
sed -i "s#^system: .*#system: $cs2#; s#^model: .*#model: $gptj#" "$tmp/bad-pareto.yaml"
expect 2 "bad-pareto.yaml:13: key 'pareto'" sweep "$tmp/bad-pareto.yaml" --db "$tmp/b.sqlite"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
