#!/usr/bin/env bash
# System tests of `wafersim run --uncertainty` and `validate --uncertainty` on the real binary.
# Usage: uncertainty_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

sys="$root/configs/cs3.yaml"
model="$root/models/gptj-6b.yaml"
expect 0 "one at a time, largest effect first" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16
expect 0 "pe.clock" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16
# Byte-identical JSON whatever the number of concurrent runs.
"$bin" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16 --jobs 1 --json "$tmp/a.json" -q
"$bin" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16 --jobs 3 --json "$tmp/b.json" -q
if cmp -s "$tmp/a.json" "$tmp/b.json"; then ok; else bad "--uncertainty JSON differs between --jobs 1 and 3"; fi
# The band holds the samples, the parameters are ranked, a --set parameter is held.
/usr/bin/python3 - "$tmp/a.json" <<'PY' && ok || bad "uncertainty JSON section"
import json, sys
u = json.load(open(sys.argv[1]))["uncertainty"]
assert u["samples_ran"] == 16 and u["sampled_min"] <= u["low"] <= u["median"] <= u["high"] <= u["sampled_max"]
swing = [abs(p["at_high"] - p["at_low"]) for p in u["parameters"]]
assert swing == sorted(swing, reverse=True) and swing[0] > 0
PY
expect 0 "held at its --set value: pe.clock" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16 --set pe.clock=1GHz
# A different seed samples different points.
"$bin" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16 --seed 7 --json "$tmp/c.json" -q
if cmp -s "$tmp/a.json" "$tmp/c.json"; then bad "--seed changes nothing"; else ok; fi
# Bad input.
expect 2 "--samples 3: expected 8..100000" run --system "$sys" --model "$model" --uncertainty --samples 3
sed 's/range 850 MHz .. 1.1 GHz:/range 850 MHz to 1.1 GHz;/' "$sys" >"$tmp/bad.yaml"
expect 2 "bad.yaml:26" run --system "$tmp/bad.yaml" --model "$model"
sed 's/range 850 MHz .. 1.1 GHz:/range 1.05 GHz .. 1.1 GHz:/' "$sys" >"$tmp/bad2.yaml"
expect 2 "does not contain the value" run --system "$tmp/bad2.yaml" --model "$model"
# validate: a band column and the count of published figures inside their band.
cat >"$tmp/v.yaml" <<YAML
root: $root
cases:
  - name: GPT-J 6B CS-2 b66
    source: test
    args: [run, --system, configs/cs2.yaml, --model, models/gptj-6b.yaml, --batch, "66", --seq, "2048"]
    published: 19.80
YAML
expect 0 "inside its band in" validate "$tmp/v.yaml" --uncertainty --samples 16
"$bin" validate "$tmp/v.yaml" --uncertainty --samples 16 --json "$tmp/v.json" >/dev/null
if grep -q '"inside_band"' "$tmp/v.json"; then ok; else bad "validate JSON lacks inside_band"; fi

echo "uncertainty_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
