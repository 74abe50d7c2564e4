#!/usr/bin/env bash
# System tests of the model front-ends: every shipped Model Zoo / HuggingFace config and the
# ONNX fixture run end to end; malformed files exit 2 naming the file.
# Usage: frontend_test.sh path/to/wafersim path/to/source-root
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

sys=(--system "$root/configs/cs2.yaml")

# --- every shipped config: run (small batch/seq keeps it fast) and graph --format json
for f in "$root"/models/modelzoo/*.yaml "$root"/models/hf/*.json "$root"/tests/fixtures/onnx/tiny_cnn.onnx; do
  name="$(basename "$f")"
  case "$name" in *.onnx) seq=() ;; *) seq=(--seq 256) ;; esac
  expect 0 "samples/s" run "${sys[@]}" --model "$f" --batch 16 "${seq[@]}"
  expect 0 '"training_flops_per_sample"' graph --model "$f" --format json
done
expect 0 "conv" graph --model "$root/tests/fixtures/onnx/tiny_cnn.onnx" --format text
expect 0 "samples/s" run "${sys[@]}" --model "$root/tests/fixtures/onnx/tiny_cnn.onnx" --batch 256

# --- detection from content: a renamed ONNX file, and --model-format overrides
cp "$root/tests/fixtures/onnx/tiny_cnn.onnx" "$tmp/cnn.dat"
expect 0 "tiny_cnn" graph --model "$tmp/cnn.dat"
expect 2 "cnn.dat" run "${sys[@]}" --model "$tmp/cnn.dat" --model-format huggingface
expect 2 "--model-format" run "${sys[@]}" --model "$tmp/cnn.dat" --model-format tflite
expect 0 "tiny_cnn" graph --model "$tmp/cnn.dat" --model-format onnx
expect 2 "cnn.dat" graph --model "$tmp/cnn.dat" --model-format huggingface

# --- malformed files: exit 2 naming the file
head -c 300 "$root/tests/fixtures/onnx/tiny_cnn.onnx" >"$tmp/truncated.onnx"
expect 2 "truncated.onnx" run "${sys[@]}" --model "$tmp/truncated.onnx"
printf 'foo:\n  bar: 1\n' >"$tmp/notzoo.yaml"
expect 2 "notzoo.yaml" run "${sys[@]}" --model "$tmp/notzoo.yaml"
expect 2 "not a Cerebras Model Zoo" run "${sys[@]}" --model "$tmp/notzoo.yaml" --model-format modelzoo
printf 'train_input:\n  batch_size: 8\n  max_sequence_length: 128\nmodel:\n  hidden_size: 256\n' >"$tmp/zoo.yaml"
expect 2 "zoo.yaml:4" run "${sys[@]}" --model "$tmp/zoo.yaml"
printf '{\n  "model_type": "gpt2",\n  "n_layer": 2\n}\n' >"$tmp/missing.json"
expect 2 "missing.json" run "${sys[@]}" --model "$tmp/missing.json"
expect 2 "n_embd" run "${sys[@]}" --model "$tmp/missing.json"
printf '{"model_type": "t5"}\n' >"$tmp/t5.json"
expect 2 "supported: gpt2" run "${sys[@]}" --model "$tmp/t5.json"
printf '{\n  "model_type": "gpt2",,\n}\n' >"$tmp/syntax.json"
expect 2 "syntax.json:2" run "${sys[@]}" --model "$tmp/syntax.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
