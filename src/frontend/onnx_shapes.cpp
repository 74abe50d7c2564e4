// Shapes of an ONNX graph's tensors (see onnx_shapes.hpp for why there are two sources).
#include "onnx_shapes.hpp"

#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cstring>

namespace wafersim::frontend::onnx_fe {
namespace {

int elem_bytes_of(int data_type) {
  switch (data_type) {
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::BOOL:
      return 1;
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      return 2;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::DOUBLE:
      return 8;
    default:
      return 4;
  }
}

bool is_float_type(int t) {
  return t == onnx::TensorProto::FLOAT || t == onnx::TensorProto::FLOAT16 || t == onnx::TensorProto::DOUBLE ||
         t == onnx::TensorProto::BFLOAT16;
}

void add_value_info(const onnx::ValueInfoProto& v, ShapeTable& t) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
  const auto& tt = v.type().tensor_type();
  TensorInfo info;
  // Symbolic dims are the batch (or a sequence the user sets): per sample they count as 1.
  for (const auto& d : tt.shape().dim()) info.dims.push_back(d.has_dim_value() ? d.dim_value() : 1);
  info.elem_bytes = elem_bytes_of(tt.elem_type());
  info.is_float = is_float_type(tt.elem_type());
  t.tensors[v.name()] = std::move(info);
}

// Small integer tensors feed Reshape/Squeeze/Unsqueeze; their values give output shapes.
void add_int_value(const onnx::TensorProto& c, const std::string& name, ShapeTable& t) {
  if (c.data_type() != onnx::TensorProto::INT64 && c.data_type() != onnx::TensorProto::INT32) return;
  Dims v;
  if (c.int64_data_size() > 0) {
    v.assign(c.int64_data().begin(), c.int64_data().end());
  } else if (c.int32_data_size() > 0) {
    v.assign(c.int32_data().begin(), c.int32_data().end());
  } else if (!c.raw_data().empty()) {
    const std::string& raw = c.raw_data();
    const std::size_t width = c.data_type() == onnx::TensorProto::INT64 ? 8 : 4;
    for (std::size_t i = 0; i + width <= raw.size() && v.size() < 64; i += width) {
      if (width == 8) {
        std::int64_t x = 0;
        std::memcpy(&x, raw.data() + i, 8);
        v.push_back(x);
      } else {
        std::int32_t x = 0;
        std::memcpy(&x, raw.data() + i, 4);
        v.push_back(x);
      }
    }
  }
  if (!v.empty() && v.size() <= 64) t.int_values[name] = std::move(v);
}

TensorInfo tensor_info(const onnx::TensorProto& c) {
  TensorInfo info;
  info.dims.assign(c.dims().begin(), c.dims().end());
  info.elem_bytes = elem_bytes_of(c.data_type());
  info.is_float = is_float_type(c.data_type());
  return info;
}

const Dims* dims_of(const ShapeTable& t, const onnx::NodeProto& n, int i) {
  if (i >= n.input_size() || n.input(i).empty()) return nullptr;
  const TensorInfo* info = t.find(n.input(i));
  return info ? &info->dims : nullptr;
}

std::int64_t norm_axis(std::int64_t axis, std::size_t rank) {
  return axis < 0 ? axis + static_cast<std::int64_t>(rank) : axis;
}

Dims broadcast(const Dims& a, const Dims& b) {
  Dims out(std::max(a.size(), b.size()), 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const std::int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    out[i] = std::max(x, y);
  }
  return out;
}

// Conv and pooling output: floor or ceil of (in + pads - dilated kernel) / stride + 1.
bool window_shape(const onnx::NodeProto& n, const Dims& x, const Dims* w, Dims& out) {
  const std::size_t spatial = x.size() >= 2 ? x.size() - 2 : 0;
  Dims kernel = attr_ints(n, "kernel_shape");
  if (kernel.empty() && w && w->size() == x.size()) kernel.assign(w->begin() + 2, w->end());
  if (kernel.size() != spatial || spatial == 0) return false;
  Dims strides = attr_ints(n, "strides");
  Dims dil = attr_ints(n, "dilations");
  Dims pads = attr_ints(n, "pads");
  strides.resize(spatial, 1);
  dil.resize(spatial, 1);
  pads.resize(2 * spatial, 0);
  std::string auto_pad;
  for (const auto& a : n.attribute())
    if (a.name() == "auto_pad") auto_pad = a.s();
  const bool ceil_mode = attr_int(n, "ceil_mode", 0) != 0;
  out = {x[0], w ? (*w)[0] : x[1]};
  for (std::size_t i = 0; i < spatial; ++i) {
    const std::int64_t in = x[i + 2];
    const std::int64_t s = std::max<std::int64_t>(strides[i], 1);
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      out.push_back((in + s - 1) / s);
      continue;
    }
    const std::int64_t span = in + pads[i] + pads[i + spatial] - dil[i] * (kernel[i] - 1) - 1;
    out.push_back((ceil_mode ? (span + s - 1) / s : span / s) + 1);
  }
  return true;
}

bool same_as_input(const std::string& op) {
  static const std::unordered_set<std::string> ops = {"Relu",
                                                      "LeakyRelu",
                                                      "Sigmoid",
                                                      "Tanh",
                                                      "Gelu",
                                                      "Erf",
                                                      "HardSigmoid",
                                                      "HardSwish",
                                                      "Softplus",
                                                      "Elu",
                                                      "Selu",
                                                      "Clip",
                                                      "Sqrt",
                                                      "Reciprocal",
                                                      "Neg",
                                                      "Exp",
                                                      "Log",
                                                      "Abs",
                                                      "Softmax",
                                                      "LogSoftmax",
                                                      "BatchNormalization",
                                                      "LayerNormalization",
                                                      "InstanceNormalization",
                                                      "Identity",
                                                      "Dropout",
                                                      "Cast",
                                                      "Not",
                                                      "Floor",
                                                      "Ceil",
                                                      "Round",
                                                      "Sign"};
  return ops.count(op) > 0;
}

bool broadcasting(const std::string& op) {
  static const std::unordered_set<std::string> ops = {"Add",  "Sub",     "Mul", "Div",   "Pow",
                                                      "Max",  "Min",     "Sum", "Where", "Equal",
                                                      "Less", "Greater", "And", "Or",    "Mod"};
  return ops.count(op) > 0;
}

bool derive(const onnx::NodeProto& n, const ShapeTable& t, Dims& out) {
  const std::string& op = n.op_type();
  const Dims* a = dims_of(t, n, 0);
  if (!a) return false;
  if (same_as_input(op)) {
    out = *a;
    return true;
  }
  if (broadcasting(op)) {
    out = *a;
    for (int i = 1; i < n.input_size(); ++i) {
      const Dims* b = dims_of(t, n, i);
      if (!b) return false;
      out = broadcast(out, *b);
    }
    return true;
  }
  const Dims* b = dims_of(t, n, 1);
  if (op == "Conv") return b && a->size() >= 3 && window_shape(n, *a, b, out);
  if (op == "MaxPool" || op == "AveragePool") return a->size() >= 3 && window_shape(n, *a, nullptr, out);
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    out = *a;
    std::fill(out.begin() + std::min<std::ptrdiff_t>(2, static_cast<std::ptrdiff_t>(out.size())), out.end(),
              1);
    return true;
  }
  if (op == "Gemm") {
    if (!b || a->size() != 2 || b->size() != 2) return false;
    out = {attr_int(n, "transA", 0) ? (*a)[1] : (*a)[0], attr_int(n, "transB", 0) ? (*b)[0] : (*b)[1]};
    return true;
  }
  if (op == "MatMul") {
    if (!b || a->empty() || b->empty()) return false;
    const Dims& lead = a->size() >= b->size() ? *a : *b;
    out.assign(lead.begin(), lead.end() - std::min<std::size_t>(lead.size(), 2));
    if (a->size() >= 2) out.push_back((*a)[a->size() - 2]);
    if (b->size() >= 2) out.push_back(b->back());
    return true;
  }
  if (op == "Flatten") {
    const std::int64_t axis = norm_axis(attr_int(n, "axis", 1), a->size());
    if (axis < 0 || axis > static_cast<std::int64_t>(a->size())) return false;
    out = {static_cast<std::int64_t>(product(Dims(a->begin(), a->begin() + axis))),
           static_cast<std::int64_t>(product(Dims(a->begin() + axis, a->end())))};
    return true;
  }
  if (op == "Reshape") {
    auto it = n.input_size() > 1 ? t.int_values.find(n.input(1)) : t.int_values.end();
    if (it == t.int_values.end()) return false;
    out = it->second;
    std::int64_t known = 1;
    int infer = -1;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == 0 && i < a->size()) out[i] = (*a)[i];
      if (out[i] == -1)
        infer = static_cast<int>(i);
      else
        known *= std::max<std::int64_t>(out[i], 1);
    }
    if (infer >= 0) out[static_cast<std::size_t>(infer)] = static_cast<std::int64_t>(product(*a)) / known;
    return true;
  }
  if (op == "Transpose") {
    Dims perm = attr_ints(n, "perm");
    if (perm.empty())
      for (std::size_t i = a->size(); i-- > 0;) perm.push_back(static_cast<std::int64_t>(i));
    if (perm.size() != a->size()) return false;
    for (std::int64_t p : perm) {
      if (p < 0 || p >= static_cast<std::int64_t>(a->size())) return false;
      out.push_back((*a)[static_cast<std::size_t>(p)]);
    }
    return true;
  }
  if (op == "Concat") {
    const std::int64_t axis = norm_axis(attr_int(n, "axis", 0), a->size());
    if (axis < 0 || axis >= static_cast<std::int64_t>(a->size())) return false;
    out = *a;
    for (int i = 1; i < n.input_size(); ++i) {
      const Dims* d = dims_of(t, n, i);
      if (!d || d->size() != a->size()) return false;
      out[static_cast<std::size_t>(axis)] += (*d)[static_cast<std::size_t>(axis)];
    }
    return true;
  }
  return false;
}

}  // namespace

const TensorInfo* ShapeTable::find(const std::string& name) const {
  auto it = tensors.find(name);
  return it == tensors.end() ? nullptr : &it->second;
}

double product(const Dims& d) {
  double p = 1;
  for (std::int64_t x : d) p *= static_cast<double>(std::max<std::int64_t>(x, 0));
  return p;
}

std::int64_t attr_int(const onnx::NodeProto& node, const char* name, std::int64_t fallback) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return a.i();
  return fallback;
}

Dims attr_ints(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return Dims(a.ints().begin(), a.ints().end());
  return {};
}

ShapeTable collect_shapes(onnx::ModelProto& model) {
  try {
    // Data propagation lets Reshape shapes computed by Shape/Gather/Concat chains resolve.
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(false, 0, true));
  } catch (const std::exception&) {
    // Partial results stay in value_info; the fallback propagation covers the rest.
  }
  ShapeTable t;
  const auto& g = model.graph();
  for (const auto& v : g.input()) add_value_info(v, t);
  for (const auto& v : g.value_info()) add_value_info(v, t);
  for (const auto& v : g.output()) add_value_info(v, t);
  for (const auto& c : g.initializer()) {
    t.tensors[c.name()] = tensor_info(c);
    t.weights.insert(c.name());
    add_int_value(c, c.name(), t);
  }
  for (const auto& n : g.node()) {
    if (n.op_type() != "Constant" || n.output_size() < 1) continue;
    for (const auto& a : n.attribute()) {
      if (a.name() != "value" || !a.has_t()) continue;
      t.tensors[n.output(0)] = tensor_info(a.t());
      add_int_value(a.t(), n.output(0), t);
    }
  }
  return t;
}

void fold_int_values(const onnx::NodeProto& n, ShapeTable& t) {
  if (n.output_size() == 0 || t.int_values.count(n.output(0))) return;
  const std::string& op = n.op_type();
  auto value = [&](int i) -> const Dims* {
    if (i >= n.input_size()) return nullptr;
    auto it = t.int_values.find(n.input(i));
    return it == t.int_values.end() ? nullptr : &it->second;
  };
  Dims out;
  if (op == "Shape") {
    const TensorInfo* in = n.input_size() > 0 ? t.find(n.input(0)) : nullptr;
    if (!in) return;
    const auto rank = static_cast<std::int64_t>(in->dims.size());
    const std::int64_t start =
        std::clamp(norm_axis(attr_int(n, "start", 0), in->dims.size()), std::int64_t{0}, rank);
    const std::int64_t end = std::clamp(norm_axis(attr_int(n, "end", rank), in->dims.size()), start, rank);
    out.assign(in->dims.begin() + start, in->dims.begin() + end);
  } else if (op == "Gather") {
    const Dims* data = value(0);
    const Dims* idx = value(1);
    if (!data || !idx) return;
    for (std::int64_t i : *idx) {
      const std::int64_t j = norm_axis(i, data->size());
      if (j < 0 || j >= static_cast<std::int64_t>(data->size())) return;
      out.push_back((*data)[static_cast<std::size_t>(j)]);
    }
  } else if (op == "Unsqueeze" || op == "Squeeze" || op == "Cast" || op == "Identity") {
    if (!value(0)) return;
    out = *value(0);
  } else if (op == "Concat") {
    for (int i = 0; i < n.input_size(); ++i) {
      if (!value(i)) return;
      out.insert(out.end(), value(i)->begin(), value(i)->end());
    }
  } else if (op == "Mul" || op == "Add" || op == "Sub" || op == "Div") {
    const Dims* a = value(0);
    const Dims* b = value(1);
    if (!a || !b || (a->size() != b->size() && a->size() != 1 && b->size() != 1)) return;
    const std::size_t size = std::max(a->size(), b->size());
    for (std::size_t i = 0; i < size; ++i) {
      const std::int64_t x = (*a)[a->size() == 1 ? 0 : i];
      const std::int64_t y = (*b)[b->size() == 1 ? 0 : i];
      if (op == "Div" && y == 0) return;
      out.push_back(op == "Mul" ? x * y : op == "Add" ? x + y : op == "Sub" ? x - y : x / y);
    }
  } else {
    return;
  }
  if (!out.empty() && out.size() <= 64) t.int_values[n.output(0)] = std::move(out);
}

bool propagate_shape(const onnx::NodeProto& node, ShapeTable& table) {
  if (node.output_size() == 0 || table.known(node.output(0))) return true;
  Dims out;
  if (!derive(node, table, out)) return false;
  TensorInfo info;
  info.dims = std::move(out);
  if (const TensorInfo* in = node.input_size() > 0 ? table.find(node.input(0)) : nullptr) {
    info.elem_bytes = in->elem_bytes;
    info.is_float = in->is_float;
  }
  table.tensors[node.output(0)] = std::move(info);
  return true;
}

}  // namespace wafersim::frontend::onnx_fe
