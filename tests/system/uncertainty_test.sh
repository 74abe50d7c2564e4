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
# The validation interval: calibration.model_error of the system file around the run's figure
# (a factor either way), in the text and the JSON; none when the file sets it to 0.
/usr/bin/python3 - "$tmp/a.json" <<'PY' && ok || bad "uncertainty JSON validation interval"
import json, sys
r = json.load(open(sys.argv[1]))
v = r["uncertainty"]["validation"]
e = v["model_error"]
assert v["level"] == 0.9 and 0 < e < 1
assert abs(v["low"] * (1 + e) - r["samples_per_s"]) < 1e-9 * r["samples_per_s"]
assert abs(v["high"] / (1 + e) - r["samples_per_s"]) < 1e-9 * r["samples_per_s"]
PY
expect 0 "validation interval" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16
expect 0 "within a factor 1.5 " run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16 \
  --set calibration.model_error=0.5
"$bin" run --system "$sys" --model "$model" --batch 120 --uncertainty --samples 16 --set calibration.model_error=0 \
  --json "$tmp/none.json" -q
if grep -q '"validation"' "$tmp/none.json"; then bad "model_error 0 still gives a validation interval"; else ok; fi
expect 2 "calibration.model_error" run --system "$sys" --model "$model" --set calibration.model_error=-1
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
if grep -q '"cases_inside_validation_interval": 1' "$tmp/v.json"; then ok; else bad "validate JSON lacks the validation interval"; fi
expect 0 "inside the validation interval (calibration.model_error) in 0 of 1" validate "$tmp/v.yaml" \
  --uncertainty --samples 16 --set calibration.model_error=0.01

# infer --uncertainty: a band of tokens/s per user, the same at any --jobs, the fitted
# synchronous-I/O wait ranked when it applies; validate gives bands only of the case's metric.
cs3="$root/configs/cs3.yaml"
expect 0 "tokens_per_s_per_user" infer --system "$cs3" --model "$root/models/llama3.1-8b.yaml" --uncertainty --samples 16
"$bin" infer --system "$cs3" --model "$root/models/llama3.1-70b.yaml" --systems 4 --wafer-io sync --uncertainty \
  --samples 16 --jobs 1 --json "$tmp/i1.json" -q
"$bin" infer --system "$cs3" --model "$root/models/llama3.1-70b.yaml" --systems 4 --wafer-io sync --uncertainty \
  --samples 16 --jobs 3 --json "$tmp/i3.json" -q
if cmp -s "$tmp/i1.json" "$tmp/i3.json"; then ok; else bad "infer --uncertainty JSON differs between --jobs 1 and 3"; fi
/usr/bin/python3 - "$tmp/i1.json" <<'PY' && ok || bad "infer uncertainty JSON section"
import json, sys
r = json.load(open(sys.argv[1]))
u = r["uncertainty"]
assert u["metric"] == "tokens_per_s_per_user" and u["nominal"] == r["tokens_per_s_per_user"]
assert u["samples_ran"] == 16 and u["sampled_min"] <= u["low"] <= u["median"] <= u["high"] <= u["sampled_max"]
sync = [p for p in u["parameters"] if p["path"] == "calibration.sync_wafer_io"][0]
assert sync["at_low"] > r["tokens_per_s_per_user"] > sync["at_high"]  # a longer wait is slower
assert not any(p["path"].startswith("energy.") for p in u["parameters"])
assert "validation" not in u  # fitted to training throughput only
PY
# a serving run's band is of its TTFT p99; a capacity search's of the capacity (requests/s), whose
# nominal lies within the sampled range
expect 0 "serving.ttft_p99_s" infer --system "$cs3" --model "$root/models/llama3.1-70b.yaml" --systems 4 --batch 16 \
  --arrival-rate 8 --requests 100 --uncertainty --samples 8
"$bin" infer --system "$cs3" --model "$root/models/llama3.1-70b.yaml" --systems 4 --batch 16 --prompt 1024 \
  --generate 128 --requests 100 --slo-ttft-p99 0.1 --uncertainty --samples 8 --jobs 2 --json "$tmp/cap.json"
/usr/bin/python3 - "$tmp/cap.json" <<'PY' && ok || bad "infer --slo-ttft-p99 --uncertainty: the band of the capacity"
import json, sys
d = json.load(open(sys.argv[1])); u = d["uncertainty"]
assert u["metric"] == "capacity.rate", u["metric"]
assert u["nominal"] == d["capacity"]["rate"] > 0, (u["nominal"], d["capacity"]["rate"])
assert u["samples_ran"] == 8 and u["sampled_min"] <= u["median"] <= u["sampled_max"] and u["low"] <= u["high"], u
PY
expect 2 "--samples 2: expected 8..100000" infer --system "$cs3" --model "$root/models/llama3.1-8b.yaml" --uncertainty --samples 2
cat >"$tmp/vi.yaml" <<YAML
root: $root
cases:
  - name: 8B launch
    source: test
    args: [infer, --system, configs/cs3.yaml, --model, models/llama3.1-8b.yaml, --wafer-io, sync]
    metric: tokens_per_s_per_user
    published: 1800
  - name: 8B TTFT
    source: test
    args: [infer, --system, configs/cs3.yaml, --model, models/llama3.1-8b.yaml]
    metric: ttft_s
    published: 0.2
YAML
expect 0 "inside its band in 1 of 1 case" validate "$tmp/vi.yaml" --uncertainty --samples 16

echo "uncertainty_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
