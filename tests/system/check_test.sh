#!/usr/bin/env bash
# System tests of `wafersim check` and `wafersim validate` on the real binary.
# Usage: check_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# A small baselines file of our own (fast cases), rooted at the source tree.
cat >"$tmp/base.yaml" <<YAML
root: $root
cases:
  - name: tiny-ws
    args: [run, --system, configs/small-wafer.yaml, --model, models/tiny-gpt.yaml]
    metrics:
      samples_per_s: {baseline: 1, rel: 0.001}
      bottleneck: {baseline: nothing}
  - name: tiny-pipe
    args: [run, --system, configs/small-wafer.yaml, --model, models/tiny-gpt.yaml, --mode, pipelined]
    variants: [[], [--steps, "3"]]
    metrics:
      step_time_s: {baseline: 1, rel: 0.5}   # this is a comment that --update keeps
YAML
expect 1 "CHANGED" check "$tmp/base.yaml"
"$bin" check "$tmp/base.yaml" --update >"$tmp/update.out" 2>&1
if grep -q "^+ " "$tmp/update.out" || grep -q "no baseline changed" "$tmp/update.out"; then ok; else bad "--update shows no diff"; fi
if grep -q "this is a comment that --update keeps" "$tmp/base.yaml"; then ok; else bad "--update lost a comment"; fi
expect 0 "0 failed" check "$tmp/base.yaml" --junit "$tmp/j.xml" --json "$tmp/c.json"
if grep -q '<testsuite name="wafersim check"' "$tmp/j.xml" && grep -q 'failures="0"' "$tmp/j.xml"; then ok; else bad "JUnit XML"; fi
if grep -q '"failed": 0' "$tmp/c.json"; then ok; else bad "check JSON"; fi
# A timing change is caught: shrink a baseline by 10%.
python3 - "$tmp/base.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"samples_per_s: \{baseline: ([0-9.e+-]+)", lambda m: "samples_per_s: {baseline: %g" % (float(m.group(1)) * 0.9), s, count=1)
open(p, "w").write(s)
PY
expect 1 "CHANGED" check "$tmp/base.yaml" --junit "$tmp/j2.xml"
if grep -q "<failure" "$tmp/j2.xml"; then ok; else bad "JUnit XML lacks the failure"; fi
expect 0 "tiny-pipe" check "$tmp/base.yaml" --case tiny-pipe
expect 2 "--case" check "$tmp/base.yaml" --case nosuch

# A nondeterministic case (different arguments per variant) is reported.
cat >"$tmp/nondet.yaml" <<YAML
root: $root
cases:
  - name: differs
    args: [run, --system, configs/small-wafer.yaml, --model, models/tiny-gpt.yaml]
    variants: [[--batch, "8"], [--batch, "16"]]
    metrics:
      seq: {baseline: 128, abs: 0}
YAML
expect 1 "NONDETERMINISTIC" check "$tmp/nondet.yaml"

# Bad baselines files: exit 2 naming the file, line and key.
printf 'cases:\n  - name: a\n    args: [run]\n    metrics:\n      samples_per_s: {baseline: 1}\n' >"$tmp/notol.yaml"
expect 2 "notol.yaml:5" check "$tmp/notol.yaml"
printf 'cases:\n  - name: a\n    argz: [run]\n' >"$tmp/unknown.yaml"
expect 2 "argz" check "$tmp/unknown.yaml"
printf 'cases: [\n' >"$tmp/syntax.yaml"
expect 2 "syntax.yaml" check "$tmp/syntax.yaml"
expect 2 "nosuch.yaml" check "$tmp/nosuch.yaml"
expect 2 "" check

# A case whose command fails is an error line, exit 1.
cat >"$tmp/failing.yaml" <<YAML
root: $root
cases:
  - name: broken
    args: [run, --model, models/nosuch.yaml]
    metrics:
      samples_per_s: {baseline: 1, rel: 0.1}
YAML
expect 1 "ERROR" check "$tmp/failing.yaml"

# validate: the shipped cases, published vs simulated.
expect 0 "mean absolute error" validate
expect 0 "GPT-J 6B" validate "$root/bench/validation.yaml"
"$bin" validate --json "$tmp/v.json" >/dev/null
if grep -q '"max_abs_error"' "$tmp/v.json"; then ok; else bad "validate JSON"; fi
expect 0 "| case |" validate --markdown

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
