#pragma once
// Model fixtures built in code, for unit tests of parts below the frontend (which cannot load
// model files without an upward dependency). Each mirrors a shipped file exactly;
// tests/unit/frontend/fixture_models_test.cpp loads the file and compares, so the two cannot
// drift apart.
#include <string>

#include "wafersim/graph/model_spec.hpp"

namespace wafersim::test {

// A GPT-2-style decoder (learned positions, LayerNorm, GELU, tied head, biases), mixed fp16
// with AdamW: the shape both fixtures below share.
inline ModelSpec gpt_style(const char* name, int layers, int hidden, int heads, int vocab, int max_seq,
                           int batch, int seq) {
  ModelSpec m;
  m.source = std::string("tests/support/test_models.hpp (models/") + name + ".yaml)";
  auto& a = m.arch;
  a.name = name;
  a.arch = Arch::decoder;
  a.layers = layers;
  a.hidden = hidden;
  a.heads = heads;
  a.kv_heads = heads;
  a.ffn = 4 * hidden;
  a.vocab = vocab;
  a.max_seq = max_seq;
  a.position = PositionEmbedding::learned;
  a.norm = NormKind::layernorm;
  a.activation = ActivationKind::gelu;
  a.tied_embeddings = true;
  a.bias = true;
  a.parallel_block = false;
  m.training.batch = batch;
  m.training.seq = seq;
  m.training.compute = DType::fp16;
  m.training.master = DType::fp32;
  m.training.optimizer = "adamw";
  return m;
}

// A Llama-style decoder on gpt_style's base, for the inference tests (not a shipped file): GQA
// with `kv_heads`, RMSNorm, SwiGLU FFNs of `ffn`, rotary positions, untied head, no biases, bf16,
// a 32,000-token vocabulary.
inline ModelSpec llama_style(const char* name, int layers, int hidden, int heads, int kv_heads, int ffn,
                             int max_seq = 8192) {
  ModelSpec m = gpt_style(name, layers, hidden, heads, 32000, max_seq, 1, 1024);
  m.arch.kv_heads = kv_heads;
  m.arch.ffn = ffn;
  m.arch.norm = NormKind::rmsnorm;
  m.arch.activation = ActivationKind::swiglu;
  m.arch.position = PositionEmbedding::rotary;
  m.arch.tied_embeddings = false;
  m.arch.bias = false;
  m.training.compute = DType::bf16;
  return m;
}

// models/tiny-gpt.yaml: a 2-layer GPT-style decoder for small wafers (recomputes, as its file says).
inline ModelSpec tiny_gpt() {
  ModelSpec m = gpt_style("tiny-gpt", 2, 256, 4, 1024, 256, 8, 128);
  m.training.activation_checkpointing = true;
  m.training.activation_checkpointing_auto = false;
  return m;
}

// models/gpt2-small.yaml (GPT-2 small, 124M), with the batch and sequence length given.
inline ModelSpec gpt2_small(int batch = 8, int seq = 1024) {
  ModelSpec m = gpt_style("gpt2-small", 12, 768, 12, 50257, 1024, batch, seq);
  m.training.activation_checkpointing_auto = true;
  return m;
}

}  // namespace wafersim::test
