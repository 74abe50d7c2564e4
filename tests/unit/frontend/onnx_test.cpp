// ONNX front-end: models written here with the ONNX protobuf classes (no PyTorch needed).
#include <onnx/onnx_pb.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "frontend/frontends.hpp"
#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

namespace {

// A fluent writer for small ONNX graphs: weights carry dims only (no data), like a model whose
// weights are external or stripped.
class OnnxWriter {
 public:
  OnnxWriter() {
    m_.set_ir_version(8);
    m_.set_producer_name("wafersim-test");
    m_.add_opset_import()->set_version(17);
    m_.mutable_graph()->set_name("torch_jit");
  }
  OnnxWriter& input(const std::string& name, const std::vector<std::int64_t>& dims,
                    bool symbolic_batch = true) {
    auto* v = m_.mutable_graph()->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (std::size_t i = 0; i < dims.size(); ++i) {
      auto* d = t->mutable_shape()->add_dim();
      if (i == 0 && symbolic_batch)
        d->set_dim_param("batch");
      else
        d->set_dim_value(dims[i]);
    }
    return *this;
  }
  OnnxWriter& weight(const std::string& name, const std::vector<std::int64_t>& dims) {
    auto* w = m_.mutable_graph()->add_initializer();
    w->set_name(name);
    w->set_data_type(onnx::TensorProto::FLOAT);
    for (auto d : dims) w->add_dims(d);
    return *this;
  }
  onnx::NodeProto& node(const std::string& type, const std::string& name, const std::vector<std::string>& ins,
                        const std::string& out) {
    auto* n = m_.mutable_graph()->add_node();
    n->set_op_type(type);
    n->set_name(name);
    for (const auto& i : ins) n->add_input(i);
    n->add_output(out);
    return *n;
  }
  static void ints(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }
  static void integer(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  OnnxWriter& output(const std::string& name) {
    m_.mutable_graph()->add_output()->set_name(name);
    return *this;
  }
  std::string bytes() const { return m_.SerializeAsString(); }

 private:
  onnx::ModelProto m_;
};

// A ResNet-like CNN: conv-bn-relu-pool, a residual conv block, global pool, flatten, linear.
OnnxWriter small_resnet() {
  OnnxWriter w;
  w.input("x", {1, 3, 32, 32}).weight("w1", {16, 3, 3, 3}).weight("w2", {16, 16, 3, 3});
  for (const char* bn : {"bn1", "bn2"})
    for (const char* p : {"_s", "_b", "_m", "_v"}) w.weight(std::string(bn) + p, {16});
  w.weight("fc_w", {10, 16}).weight("fc_b", {10});
  auto& c1 = w.node("Conv", "/conv1/Conv", {"x", "w1"}, "c1");
  OnnxWriter::ints(c1, "kernel_shape", {3, 3});
  OnnxWriter::ints(c1, "pads", {1, 1, 1, 1});
  w.node("BatchNormalization", "/bn1/BatchNormalization", {"c1", "bn1_s", "bn1_b", "bn1_m", "bn1_v"}, "b1");
  w.node("Relu", "/relu/Relu", {"b1"}, "r1");
  auto& mp = w.node("MaxPool", "/maxpool/MaxPool", {"r1"}, "p1");
  OnnxWriter::ints(mp, "kernel_shape", {2, 2});
  OnnxWriter::ints(mp, "strides", {2, 2});
  auto& c2 = w.node("Conv", "/layer1/layer1.0/conv1/Conv", {"p1", "w2"}, "c2");
  OnnxWriter::ints(c2, "kernel_shape", {3, 3});
  OnnxWriter::ints(c2, "pads", {1, 1, 1, 1});
  w.node("BatchNormalization", "/layer1/bn", {"c2", "bn2_s", "bn2_b", "bn2_m", "bn2_v"}, "b2");
  w.node("Add", "/layer1/Add", {"b2", "p1"}, "a2");
  w.node("Relu", "/layer1/Relu", {"a2"}, "r2");
  w.node("GlobalAveragePool", "/avgpool/GlobalAveragePool", {"r2"}, "g");
  w.node("Flatten", "/Flatten", {"g"}, "f");
  auto& fc = w.node("Gemm", "/fc/Gemm", {"f", "fc_w", "fc_b"}, "y");
  OnnxWriter::integer(fc, "transB", 1);
  w.output("y");
  return w;
}

ModelSpec load_bytes(const std::string& bytes, bool allow = false) {
  return frontend::load_onnx_bytes(bytes, "model.onnx", allow);
}

ConfigError onnx_error(const std::string& bytes) {
  try {
    load_bytes(bytes);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw;
}

const Op* find_op(const LayerGraph& g, const std::string& suffix) {
  for (OpId id : g.topo_order())
    if (g.op(id).name.ends_with(suffix)) return &g.op(id);
  return nullptr;
}

}  // namespace

TEST_CASE("an ONNX CNN becomes per-sample ops with convolutions as implicit GEMMs", "[frontend][onnx]") {
  const ModelSpec m = load_bytes(small_resnet().bytes());
  REQUIRE(m.kind == ModelKind::graph);
  CHECK(m.format == "onnx");
  CHECK(m.arch.name == "model");  // PyTorch's generic graph name gives way to the file stem
  CHECK(m.training.batch == frontend::onnx_default_batch);
  CHECK(m.training.seq == 1);
  CHECK(m.input_bytes_per_sample == 3 * 32 * 32 * 4);
  const LayerGraph g = build_model_graph(m);
  // Weights: two convs, BN scale+bias (running stats excluded), the linear layer.
  CHECK(g.total_params() == 16 * 27 + 32 + 16 * 144 + 32 + 170);
  const Op* c1 = find_op(g, ".conv1/Conv");
  REQUIRE(c1);
  CHECK(c1->kind == OpKind::conv);
  CHECK(c1->gemm.m == 32 * 32);
  CHECK(c1->gemm.k == 27);
  CHECK(c1->gemm.n == 16);
  const Op* c2 = find_op(g, "layer1_0/conv1/Conv");
  REQUIRE(c2);
  CHECK(c2->gemm.m == 16 * 16);  // after the 2x2 max pool: shapes came from shape inference
  CHECK(g.fwd_fmacs_per_sample() == Approx(1024.0 * 27 * 16 + 256.0 * 144 * 16 + 160));
  CHECK(find_op(g, "Add")->kind == OpKind::residual);
  CHECK(find_op(g, "GlobalAveragePool")->kind == OpKind::pool);
  CHECK(find_op(g, "Flatten") == nullptr);  // a view: no op, the Gemm reads the pool directly
}

TEST_CASE("each weighted op opens a layer group for weight streaming", "[frontend][onnx]") {
  const LayerGraph g = build_model_graph(load_bytes(small_resnet().bytes()));
  const auto groups = g.groups();
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].ops.size() == 4);  // conv, bn, relu, pool
  CHECK(groups[1].ops.size() == 5);  // conv, bn, add, relu, global pool
  CHECK(groups[2].params == 170);
  // The residual block reads the pool output of group 0 once.
  CHECK(groups[1].input_elems == 16 * 16 * 16);
}

TEST_CASE("grouped convolutions and a fixed batch dimension", "[frontend][onnx]") {
  OnnxWriter w;
  w.input("x", {4, 8, 10, 10}, false).weight("w", {8, 4, 3, 3});
  auto& c = w.node("Conv", "grouped", {"x", "w"}, "y");
  OnnxWriter::integer(c, "group", 2);
  w.output("y");
  const LayerGraph g = build_model_graph(load_bytes(w.bytes()));
  const Op& op = *find_op(g, "grouped");
  CHECK(op.gemm.count == 2);
  CHECK(op.gemm.m == 64);  // 8x8 outputs, no padding
  CHECK(op.gemm.k == 36);
  CHECK(op.gemm.n == 4);
  CHECK(op.in_elems == 8 * 10 * 10);  // per sample: the fixed batch of 4 divided out
}

TEST_CASE("transformer-style MatMuls: weight matmuls and activation GEMMs", "[frontend][onnx]") {
  OnnxWriter w;
  w.input("x", {1, 8, 16}).weight("wq", {16, 16}).weight("wk", {16, 16});
  w.node("MatMul", "q", {"x", "wq"}, "q");
  w.node("MatMul", "k", {"x", "wk"}, "k");
  auto& t = w.node("Transpose", "kt", {"k"}, "kt");
  OnnxWriter::ints(t, "perm", {0, 2, 1});
  w.node("MatMul", "scores", {"q", "kt"}, "s");
  w.node("Softmax", "softmax", {"s"}, "p");
  w.output("p");
  const LayerGraph g = build_model_graph(load_bytes(w.bytes()));
  CHECK(find_op(g, ".q")->kind == OpKind::matmul);
  CHECK(find_op(g, ".q")->gemm.m == 8);
  CHECK(find_op(g, ".q")->params == 256);
  const Op& s = *find_op(g, "scores");
  CHECK(s.kind == OpKind::batch_matmul);
  CHECK(s.params == 0);
  CHECK(s.gemm.fmacs() == 8 * 16 * 8);
  CHECK(find_op(g, "softmax")->kind == OpKind::softmax);
}

TEST_CASE("an unmodelled op names the node, its type and the supported ops", "[frontend][onnx]") {
  OnnxWriter w = small_resnet();
  w.node("NonMaxSuppression", "/nms", {"y"}, "boxes");
  const ConfigError e = onnx_error(w.bytes());
  CHECK(e.key().find("/nms") != std::string::npos);
  CHECK(e.detail().find("NonMaxSuppression") != std::string::npos);
  CHECK(e.detail().find("Conv, ") != std::string::npos);
  CHECK(std::string(e.what()).find("model.onnx") != std::string::npos);
  // --allow-unmodelled: the op runs at zero cost.
  const LayerGraph g = build_model_graph(load_bytes(w.bytes(), true));
  const Op* nms = find_op(g, "nms");
  REQUIRE(nms);
  CHECK(nms->fwd_fmacs == 0);
  CHECK(nms->fwd_elem_ops == 0);
}

TEST_CASE("truncated or garbage protobuf is a ConfigError naming the file", "[frontend][onnx]") {
  const std::string good = small_resnet().bytes();
  for (std::size_t cut : {good.size() / 2, std::size_t{7}, good.size() - 3}) {
    INFO(cut);
    const ConfigError e = onnx_error(good.substr(0, cut));
    CHECK(std::string(e.what()).find("model.onnx") != std::string::npos);
  }
  CHECK(onnx_error("").detail().find("ONNX") != std::string::npos);
  CHECK(onnx_error(std::string("\x08\x07\x12\x00\x01", 5)).loc().file == "model.onnx");
  // Every prefix: never anything but a ConfigError (or a model).
  for (std::size_t cut = 0; cut < good.size(); cut += 13) {
    try {
      load_bytes(good.substr(0, cut));
    } catch (const ConfigError&) {
    }
  }
}

TEST_CASE("ONNX is detected from the bytes, not the file name", "[frontend][onnx]") {
  const test::TempDir dir;
  const auto p = dir.write("wafersim_onnx_test_resnet.bin", small_resnet().bytes());
  const ModelSpec m = load_model(p.string());
  CHECK(m.format == "onnx");
  CHECK(m.arch.name == "wafersim_onnx_test_resnet");
  CHECK_THROWS_AS(load_model(p.string(), LoadOptions{"huggingface", false}), ConfigError);
  CHECK_THROWS_AS(load_model(p.string(), LoadOptions{"tflite", false}), UsageError);
}
