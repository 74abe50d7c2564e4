#pragma once
// Conventions shared by the graph builder and the closed-form parameter count, kept in one
// place so the two cannot drift apart on the details public models disagree about.
#include "wafersim/graph/model_spec.hpp"

namespace wafersim::rules {

// LayerNorm learns a scale and a shift per feature, RMSNorm only a scale.
inline int norm_params_per_feature(NormKind n) { return n == NormKind::layernorm ? 2 : 1; }

// Elementwise ops per element, forward. LayerNorm: mean, centre, square, variance, rsqrt,
// normalise, scale, shift (~8); RMSNorm drops the mean and the shift (~5).
inline double norm_ops_per_elem(NormKind n) { return n == NormKind::layernorm ? 8.0 : 5.0; }

// GELU (tanh form: cube, mul-add, tanh, add, two muls ~ 8); ReLU one compare; SwiGLU is
// SiLU on the gate (~4) times the up projection (1), counted per output element.
inline double activation_ops_per_elem(ActivationKind a) {
  switch (a) {
    case ActivationKind::gelu:
      return 8.0;
    case ActivationKind::relu:
      return 1.0;
    case ActivationKind::swiglu:
      return 5.0;
    case ActivationKind::geglu:  // GELU on the gate (~8) times the up projection (1)
      return 9.0;
  }
  return 8.0;
}

// Softmax per score: scale + mask, max, exp, sum, divide.
inline constexpr double softmax_ops_per_elem = 5.0;
// ALiBi adds a fixed per-head linear bias to every score before the softmax (one add); it has
// no weights and no position table.
inline constexpr double alibi_ops_per_score = 1.0;
// Gemma 2's soft-capping per score or logit: cap * tanh(x / cap), a divide, a tanh (~3) and a
// multiply.
inline constexpr double softcap_ops_per_elem = 5.0;
// Sigmoid per element: a negate, an exp, an add and a divide (Qwen2-MoE's shared-expert gate).
inline constexpr double sigmoid_ops_per_elem = 4.0;
// Rotary per rotated element: two multiplies and an add.
inline constexpr double rotary_ops_per_elem = 3.0;
// Cross-entropy per logit: max, subtract, exp, sum (the log and the pick are per token).
inline constexpr double loss_ops_per_elem = 4.0;
// Backward of an elementwise op costs about twice its forward (recompute the local
// derivative, multiply by the incoming gradient).
inline constexpr double elem_bwd_factor = 2.0;

// The vocabulary projection has a bias when the model uses biases, except in tied decoders:
// GPT-2 / Cerebras-GPT tie lm_head to wte without a bias, while BERT's tied MLM decoder keeps
// its own output bias and untied GPT-J has one; gpt-oss (biases elsewhere) has none.
inline bool lm_head_bias(const TransformerSpec& a) {
  return a.bias && a.head_bias && (a.arch == Arch::encoder || !a.tied_embeddings);
}

}  // namespace wafersim::rules
