#!/usr/bin/env bash
# System tests of `wafersim fabric`: the two user commands (fewer cycles), JSON determinism
# across runs and shard counts, heatmaps, bad options.
# Usage: fabric_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# --- a 32 x 32 study mesh
expect 0 "accepted 0.05" fabric --width 32 --height 32 --pattern uniform --rate 0.05 --cycles 4000
expect 0 "\"schema_version\": 1" fabric --width 32 --height 32 --pattern uniform --rate 0.05 --cycles 4000 --json -
"$bin" fabric --width 32 --height 32 --pattern transpose --rate 0.05 --cycles 3000 --json "$tmp/a.json" -q
"$bin" fabric --width 32 --height 32 --pattern transpose --rate 0.05 --cycles 3000 --json "$tmp/b.json" -q
if cmp -s "$tmp/a.json" "$tmp/b.json"; then ok; else bad "JSON differs between identical runs"; fi
"$bin" fabric --width 32 --height 32 --pattern transpose --rate 0.05 --cycles 3000 --json "$tmp/c.json" -q \
  --shards 4 --quantum 1 --svg "$tmp/u.svg" --png "$tmp/u.png"
if cmp -s "$tmp/a.json" "$tmp/c.json"; then ok; else bad "JSON differs between 1 and 4 shards"; fi
if grep -q "<svg" "$tmp/u.svg"; then ok; else bad "no SVG heatmap"; fi
if [ "$(head -c 4 "$tmp/u.png" | tail -c 3)" = "PNG" ]; then ok; else bad "no PNG heatmap"; fi
for p in bit-complement hotspot nearest-neighbour column-reduce; do
  expect 0 "drained" fabric --width 16 --height 16 --pattern "$p" --rate 0.05 --cycles 1000 --message-wavelets 2
done

# --- heatmap colour scale: the run's own range by default (a light load is not all dark), 0..1 on request
"$bin" fabric --width 16 --height 16 --rate 0.02 --cycles 1000 -q --svg "$tmp/d.svg" --png "$tmp/d.png"
"$bin" fabric --width 16 --height 16 --rate 0.02 --cycles 1000 -q --svg "$tmp/one.svg" --scale unit
top() { grep -o '<text class="scale-max"[^>]*>[^<]*</text>' "$1" | sed 's/.*>\(.*\)<.*/\1/'; }
if [ "$(top "$tmp/one.svg")" = "1" ] && [ -n "$(top "$tmp/d.svg")" ] && [ "$(top "$tmp/d.svg")" != "1" ]; then ok
else bad "heatmap scale: default top $(top "$tmp/d.svg"), unit top $(top "$tmp/one.svg")"; fi
if grep -aq "colour bar left .. right = " "$tmp/d.png"; then ok; else bad "PNG title lacks the colour range"; fi
expect 2 "--scale" fabric --scale nope

# --- the whole CS-2 wafer (757 x 996), a short window
expect 0 "757 x 996" fabric --system "$root/configs/cs2.yaml" --pattern row-broadcast --cycles 300 --warmup 50 \
  --json "$tmp/w.json"
if grep -q '"accepted_wavelets_per_node_cycle"' "$tmp/w.json"; then ok; else bad "whole-wafer JSON"; fi

# --- bad options exit 2
expect 2 "--pattern" fabric --pattern nope
expect 2 "--rate" fabric --rate 0
expect 2 "--rate" fabric --rate 1.5
expect 2 "--quantum" fabric --quantum 3
expect 2 "--shards" fabric --shards 0 --width 8 --height 8
expect 2 "--colors" fabric --colors 25
expect 2 "--message-wavelets" fabric --message-wavelets 0
expect 2 "error" fabric --width 0
expect 2 "error" fabric --system "$root/configs/does-not-exist.yaml"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
