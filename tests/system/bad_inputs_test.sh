#!/usr/bin/env bash
# Runs the real wafersim binary on every malformed input of tests/bad_inputs/cases.tsv and
# requires: exit code 2, the expected message fragment, and no output file left behind
# (neither the result nor a half-written temporary).
# Usage: bad_inputs_test.sh path/to/wafersim path/to/source-root
set -uo pipefail
bin="$1"
root="$2"
dir="$root/tests/bad_inputs"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/a_directory"
ln -s "$tmp/no/such/target" "$tmp/dangling.yaml"
pass=0
fail=0
while IFS=$'\t' read -r file kind frag; do
  [ -z "$file" ] && continue
  case "$file" in \#*) continue ;; esac
  case "$file" in
    --*) input="" ;;
    @dir) input="$tmp/a_directory" ;;
    @dangling) input="$tmp/dangling.yaml" ;;
    *) input="$dir/$file" ;;
  esac
  out="$tmp/out"
  rm -rf "$out"
  mkdir "$out"
  case "$kind" in
    system) args=(run --system "$input" --json "$out/report.json") ;;
    model) args=(run --system "$root/configs/small-wafer.yaml" --model "$input" --json "$out/report.json") ;;
    sweep) args=(sweep "$input" --db "$out/results.sqlite" --jobs 1) ;;
    baselines) args=(check "$input" --json "$out/check.json") ;;
    validation) args=(validate "$input" --json "$out/validate.json") ;;
    trace) args=(infer --system "$root/configs/cs3.yaml" --model "$root/models/llama3.1-8b.yaml" --request-trace "$input"
      --json "$out/report.json") ;;
    # The first column is a bad option of `run` (split into words), the rest a good run.
    option)
      read -ra opt <<<"$file"
      args=(run --system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" "${opt[@]}"
        --json "$out/report.json") ;;
    *) echo "FAIL: unknown kind $kind for $file"; fail=$((fail + 1)); continue ;;
  esac
  msg="$(timeout 120 "$bin" "${args[@]}" 2>&1 </dev/null)"
  rc=$?
  if [ "$rc" -ne 2 ]; then
    echo "FAIL: $file ($kind): exit $rc, expected 2"; echo "$msg" | tail -3 | sed 's/^/    /'
    fail=$((fail + 1)); continue
  fi
  if ! grep -qiF -- "$frag" <<<"$msg"; then
    echo "FAIL: $file ($kind): message lacks '$frag'"; echo "$msg" | tail -3 | sed 's/^/    /'
    fail=$((fail + 1)); continue
  fi
  if [ -n "$(ls -A "$out")" ]; then
    echo "FAIL: $file ($kind): left output behind: $(ls -A "$out" | tr '\n' ' ')"
    fail=$((fail + 1)); continue
  fi
  if grep -qE "terminate called|Aborted|Segmentation|internal error" <<<"$msg"; then
    echo "FAIL: $file ($kind): crashed or internal error: $msg"
    fail=$((fail + 1)); continue
  fi
  pass=$((pass + 1))
done <"$dir/cases.tsv"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 40 ]
