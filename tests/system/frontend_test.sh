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
  # DeepSeek-V3's and Llama 4 Maverick's expert blocks (23, 33 GB) fit a wafer once, not double-buffered.
  case "$name" in deepseek-v3.json | llama-4-maverick.json) seq+=(--set sim.weight_buffers=1) ;; esac
  expect 0 "samples/s" run "${sys[@]}" --model "$f" --batch 16 "${seq[@]}"
  expect 0 '"training_flops_per_sample"' graph --model "$f" --format json
done
expect 2 "sim.weight_buffers=1" run "${sys[@]}" --model "$root/models/hf/deepseek-v3.json" --batch 16 --seq 256
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
printf '{"model_type": "bart"}\n' >"$tmp/bart.json"
expect 2 "supported: gpt2" run "${sys[@]}" --model "$tmp/bart.json"
printf '{\n  "model_type": "gpt2",,\n}\n' >"$tmp/syntax.json"
expect 2 "syntax.json:2" run "${sys[@]}" --model "$tmp/syntax.json"

# --- weight streaming's micro-batch: the Model Zoo file's micro_batch_size, and --micro-batch
zoo="$root/tests/fixtures/modelzoo"
expect 0 '"micro_batch_setting": "20"' run --system "$root/configs/cs3.yaml" \
  --model "$zoo/Release_2.10.0/params_llama3p1_8b_msl_8k.yaml" --batch 40 --json -
# Cerebras' own size for GPT-3 6.7B (104) is more than wafersim's SRAM model fits: run, reduced, and said.
expect 0 "asks for 104 samples at once" run "${sys[@]}" --model "$zoo/Release_2.2.1/params_gpt3_6p7b.yaml" --batch 208
expect 0 '"micro_batch": 30,' run "${sys[@]}" --model "$zoo/Release_2.2.1/params_gpt3_6p7b.yaml" --batch 208 --json -
# --micro-batch overrides the file; on the command line a size that does not fit is an error.
expect 0 '"micro_batch_setting": "auto"' run "${sys[@]}" --model "$zoo/Release_2.2.1/params_gpt3_6p7b.yaml" \
  --batch 208 --micro-batch auto --json -
expect 2 "at most" run "${sys[@]}" --model "$root/models/gptj-6b.yaml" --micro-batch 100
small=(--system "$root/configs/small-wafer.yaml" --model "$root/models/tiny-gpt.yaml" --batch 64)
expect 0 '"micro_batches": 8,' run "${small[@]}" --micro-batch 8 --json -
expect 0 "sizes estimated" run "${small[@]}" --micro-batch explore
expect 0 '"micro_batches": 1,' run "${small[@]}" --micro-batch none --json -
expect 2 "applies to weight streaming" run "${small[@]}" --mode pipelined --micro-batch 4
# A file's setting in pipelined mode is noted, not an error.
{ cat "$root/models/tiny-gpt.yaml"; echo "  micro_batch: 4"; } >"$tmp/tiny-mb.yaml"
expect 0 "applies to weight streaming; not used here" run --system "$root/configs/small-wafer.yaml" \
  --mode pipelined --model "$tmp/tiny-mb.yaml"
expect 0 '"micro_batch_setting": "4"' run --system "$root/configs/small-wafer.yaml" --model "$tmp/tiny-mb.yaml" --json -

# --- checkpoints off the wafer: a 128k context whose layer inputs are more than a CS-2's SRAM
long="$zoo/Release_2.10.0/params_mistral_7B_msl128k.yaml"
expect 0 "layer inputs kept off the wafer (sim.checkpoint_store auto" run "${sys[@]}" --model "$long" --batch 2
expect 0 '"checkpoints": "offload"' run "${sys[@]}" --model "$long" --batch 2 --json -
expect 2 "with sim.checkpoint_store auto or offload only two layer inputs stay on the wafer" run "${sys[@]}" --model "$long" \
  --batch 2 --set sim.checkpoint_store=wafer
expect 0 '"checkpoints": "wafer"' run "${sys[@]}" --model "$root/models/gptj-6b.yaml" --json -
expect 0 '"checkpoints": "offload"' run "${sys[@]}" --model "$root/models/gptj-6b.yaml" --set sim.checkpoint_store=offload --json -

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
