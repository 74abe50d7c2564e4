#pragma once
// Tensor shapes of an ONNX graph: what the file states, what ONNX's own shape inference
// derives, and a fallback propagation for the ops wafersim models (ONNX's inference stops at
// the first op it cannot type, and exporters often leave intermediate shapes out).
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace wafersim::frontend::onnx_fe {

// Dimensions with symbolic ones (the batch) as 1; -1 only while unknown.
using Dims = std::vector<std::int64_t>;

struct TensorInfo {
  Dims dims;
  int elem_bytes = 4;
  bool is_float = true;
};

struct ShapeTable {
  std::unordered_map<std::string, TensorInfo> tensors;  // every tensor with a known shape
  std::unordered_map<std::string, Dims> int_values;     // small int64 constants (Reshape shapes)
  std::unordered_set<std::string> weights;              // initializer names

  const TensorInfo* find(const std::string& name) const;
  bool known(const std::string& name) const { return find(name) != nullptr; }
};

double product(const Dims& d);

// Runs onnx::shape_inference (with data propagation) on `model` and collects the shapes.
ShapeTable collect_shapes(onnx::ModelProto& model);

// Fills the outputs of `node` from its inputs when the file and ONNX inference left them
// out. Returns false when it cannot (an op it does not know or an input still unknown).
bool propagate_shape(const onnx::NodeProto& node, ShapeTable& table);

// Shape arithmetic (Shape -> Gather -> Unsqueeze -> Concat -> Reshape): computes the integer
// values of a constant node's output from its inputs' values, per sample (batch 1).
void fold_int_values(const onnx::NodeProto& node, ShapeTable& table);

// Attribute helpers (absent -> fallback).
std::int64_t attr_int(const onnx::NodeProto& node, const char* name, std::int64_t fallback);
Dims attr_ints(const onnx::NodeProto& node, const char* name);

}  // namespace wafersim::frontend::onnx_fe
