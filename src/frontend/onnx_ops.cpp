// The table of modelled ONNX ops. Element-op counts are rough per-element costs of each op on
// the PE's SIMD units (a GELU is an erf plus a few multiplies, a softmax a max, exp, sum and
// divide); they only matter for the elementwise kernels, which are rarely the bottleneck.
#include "onnx_ops.hpp"

#include <map>

namespace wafersim::frontend::onnx_fe {
namespace {

const std::map<std::string, OpRule>& table() {
  static const std::map<std::string, OpRule> t = {
      {"Constant", {Cat::constant, 0}},
      {"Shape", {Cat::constant, 0}},
      {"Size", {Cat::constant, 0}},
      {"ConstantOfShape", {Cat::constant, 0}},
      {"Reshape", {Cat::view, 0}},
      {"Flatten", {Cat::view, 0}},
      {"Squeeze", {Cat::view, 0}},
      {"Unsqueeze", {Cat::view, 0}},
      {"Identity", {Cat::view, 0}},
      {"Dropout", {Cat::view, 0}},
      {"Cast", {Cat::view, 0}},
      {"Conv", {Cat::conv, 1}},
      {"Gemm", {Cat::gemm, 1}},
      {"MatMul", {Cat::gemm, 0}},
      {"MaxPool", {Cat::pool, 1}},
      {"AveragePool", {Cat::pool, 1}},
      {"GlobalAveragePool", {Cat::global_pool, 1}},
      {"GlobalMaxPool", {Cat::global_pool, 1}},
      {"BatchNormalization", {Cat::norm, 4}},
      {"LayerNormalization", {Cat::norm, 5}},
      {"InstanceNormalization", {Cat::norm, 5}},
      {"Softmax", {Cat::softmax, 4}},
      {"LogSoftmax", {Cat::softmax, 5}},
      {"Relu", {Cat::activation, 1}},
      {"LeakyRelu", {Cat::activation, 2}},
      {"Clip", {Cat::activation, 2}},
      {"Sigmoid", {Cat::activation, 4}},
      {"HardSigmoid", {Cat::activation, 3}},
      {"HardSwish", {Cat::activation, 4}},
      {"Tanh", {Cat::activation, 4}},
      {"Gelu", {Cat::activation, 8}},
      {"Erf", {Cat::activation, 6}},
      {"Softplus", {Cat::activation, 4}},
      {"Elu", {Cat::activation, 4}},
      {"Selu", {Cat::activation, 5}},
      {"Add", {Cat::binary, 1}},
      {"Sub", {Cat::binary, 1}},
      {"Mul", {Cat::binary, 1}},
      {"Div", {Cat::binary, 1}},
      {"Pow", {Cat::binary, 2}},
      {"Max", {Cat::binary, 1}},
      {"Min", {Cat::binary, 1}},
      {"Sum", {Cat::binary, 1}},
      {"Where", {Cat::binary, 1}},
      {"Equal", {Cat::binary, 1}},
      {"Less", {Cat::binary, 1}},
      {"Greater", {Cat::binary, 1}},
      {"Not", {Cat::binary, 1}},
      {"Sqrt", {Cat::binary, 2}},
      {"Reciprocal", {Cat::binary, 2}},
      {"Neg", {Cat::binary, 1}},
      {"Exp", {Cat::binary, 3}},
      {"Log", {Cat::binary, 3}},
      {"Abs", {Cat::binary, 1}},
      {"ReduceMean", {Cat::reduce, 1}},
      {"ReduceSum", {Cat::reduce, 1}},
      {"ReduceMax", {Cat::reduce, 1}},
      {"ReduceMin", {Cat::reduce, 1}},
      {"Transpose", {Cat::movement, 0}},
      {"Concat", {Cat::movement, 0}},
      {"Gather", {Cat::movement, 0}},
      {"Slice", {Cat::movement, 0}},
      {"Split", {Cat::movement, 0}},
      {"Expand", {Cat::movement, 0}},
      {"Tile", {Cat::movement, 0}},
      {"Pad", {Cat::movement, 0}},
  };
  return t;
}

}  // namespace

const OpRule* find_op_rule(const std::string& op_type) {
  auto it = table().find(op_type);
  return it == table().end() ? nullptr : &it->second;
}

std::string supported_op_list() {
  std::string out;
  for (const auto& [name, rule] : table()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace wafersim::frontend::onnx_fe
