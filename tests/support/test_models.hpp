#pragma once
// Model fixtures built in code, for unit tests of parts below the frontend (which cannot load
// model files without an upward dependency). Each mirrors a shipped file exactly;
// tests/unit/frontend/fixture_models_test.cpp loads the file and compares, so the two cannot
// drift apart.
#include "wafersim/graph/model_spec.hpp"

namespace wafersim::test {

// models/tiny-gpt.yaml: a 2-layer GPT-style decoder for small wafers.
inline ModelSpec tiny_gpt() {
  ModelSpec m;
  m.source = "tests/support/test_models.hpp (models/tiny-gpt.yaml)";
  auto& a = m.arch;
  a.name = "tiny-gpt";
  a.arch = Arch::decoder;
  a.layers = 2;
  a.hidden = 256;
  a.heads = 4;
  a.kv_heads = 4;
  a.ffn = 1024;
  a.vocab = 1024;
  a.max_seq = 256;
  a.position = PositionEmbedding::learned;
  a.norm = NormKind::layernorm;
  a.activation = ActivationKind::gelu;
  a.tied_embeddings = true;
  a.bias = true;
  a.parallel_block = false;
  m.training.batch = 8;
  m.training.seq = 128;
  m.training.compute = DType::fp16;
  m.training.master = DType::fp32;
  m.training.optimizer = "adamw";
  m.training.activation_checkpointing = true;
  m.training.activation_checkpointing_auto = false;
  return m;
}

// models/gpt2-small.yaml (GPT-2 small, 124M), with the batch and sequence length given.
inline ModelSpec gpt2_small(int batch = 8, int seq = 1024) {
  ModelSpec m;
  m.source = "tests/support/test_models.hpp (models/gpt2-small.yaml)";
  auto& a = m.arch;
  a.name = "gpt2-small";
  a.arch = Arch::decoder;
  a.layers = 12;
  a.hidden = 768;
  a.heads = 12;
  a.kv_heads = 12;
  a.ffn = 3072;
  a.vocab = 50257;
  a.max_seq = 1024;
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
  m.training.activation_checkpointing_auto = true;
  return m;
}

}  // namespace wafersim::test
