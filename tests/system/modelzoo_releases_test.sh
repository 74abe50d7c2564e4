#!/usr/bin/env bash
# Real Cerebras Model Zoo files of several releases (tests/fixtures/modelzoo/<tag>/, copied
# unchanged) load as users have them: each supported one runs and its sequence length comes
# from where expect.tsv says; each unsupported architecture exits 2 naming it and listing the
# supported ones. Every fixture file must have a line in expect.tsv.
# Usage: modelzoo_releases_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

dir="$root/tests/fixtures/modelzoo"
while IFS=$'\t' read -r file system code seq frag; do
  case "$file" in '#'* | '') continue ;; esac
  sys=(--system "$root/configs/$system.yaml")
  if [ "$code" = 0 ]; then
    # The file's own batch and sequence length; one system; the JSON says where seq came from.
    expect 0 "\"seq\": $seq," run "${sys[@]}" --model "$dir/$file" --json -
    expect 0 "$frag" run "${sys[@]}" --model "$dir/$file" --json -
  else
    expect "$code" "$frag" run "${sys[@]}" --model "$dir/$file"
    # A refused architecture lists the supported ones.
    case "$frag" in *"is not supported"*) expect "$code" "supported: gpt2" run "${sys[@]}" --model "$dir/$file" ;; esac
  fi
done <"$dir/expect.tsv"

# --seq wins over every source in the file, and says so.
expect 0 '"seq_source": "--seq"' run --system "$root/configs/cs2.yaml" --model "$dir/Release_1.9.1/params_gptj_6B.yaml" --seq 1024 --json -

for f in "$dir"/*/*.yaml; do
  rel="${f#"$dir"/}"
  if grep -q "^$rel"$'\t' "$dir/expect.tsv"; then ok; else bad "$rel has no line in expect.tsv"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
