#pragma once
// The ONNX op types wafersim models, and how each is costed. One table, so the loader, the
// "unsupported op" message and docs/models.md agree.
#include <string>

namespace wafersim::frontend::onnx_fe {

enum class Cat {
  constant,     // produces a constant (Constant, Shape, Size): not part of the compute graph
  view,         // reshapes without moving data (Reshape, Flatten, ...): aliases its input
  conv,         // implicit GEMM
  gemm,         // Gemm / MatMul: a weight matmul when one operand is an initializer
  pool,         // windowed pooling
  global_pool,  // pooling over all spatial positions
  norm,         // BatchNormalization / LayerNormalization / InstanceNormalization
  softmax,
  activation,  // unary nonlinearity
  binary,      // arithmetic elementwise
  reduce,      // reductions over an axis
  movement,    // data movement without arithmetic (Transpose, Concat, Gather, ...)
};

struct OpRule {
  Cat cat = Cat::binary;
  double ops_per_elem = 1;  // forward element ops per output element (norms: per input)
};

// nullptr when the op type is not modelled.
const OpRule* find_op_rule(const std::string& op_type);

// "Abs, Add, ..." sorted, for error messages and docs.
std::string supported_op_list();

}  // namespace wafersim::frontend::onnx_fe
