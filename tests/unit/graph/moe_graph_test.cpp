// Mixture of experts in the graph (transformer_graph.cpp, moe_ffn): what it counts as weights
// (every expert), as work (the experts each token uses), and that the closed form agrees.
#include <catch2/catch.hpp>

#include "wafersim/core/error.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

namespace {
// Mixtral 8x7B's shapes (Jiang et al., "Mixtral of Experts", arXiv:2401.04088, Table 1).
TransformerSpec mixtral(int layers = 32) {
  TransformerSpec a;
  a.name = "mixtral-like";
  a.layers = layers;
  a.hidden = 4096;
  a.heads = 32;
  a.kv_heads = 8;
  a.ffn = 14336;
  a.vocab = 32000;
  a.max_seq = 32768;
  a.position = PositionEmbedding::rotary;
  a.norm = NormKind::rmsnorm;
  a.activation = ActivationKind::swiglu;
  a.bias = false;
  a.experts = 8;
  a.experts_per_token = 2;
  return a;
}

double ffn_fwd_fmacs(const LayerGraph& g) {
  double f = 0;
  for (OpId id = 0; id < g.num_ops(); ++id) {
    const Op& op = g.op(id);
    if (op.kind == OpKind::matmul &&
        (op.name.find(".moe.") != std::string::npos || op.name.find(".ffn.") != std::string::npos))
      f += op.fwd_fmacs;
  }
  return f;
}
}  // namespace

TEST_CASE("Mixtral 8x7B: 46.7B parameters, the graph and the closed form agree", "[graph][moe]") {
  const TransformerSpec a = mixtral();
  const LayerGraph g = build_transformer_graph(a, 4096);
  // Mistral AI's count: 46,702,792,704 (router 4096 x 8 per layer, no biases).
  CHECK(g.total_params() == 46'702'792'704ULL);
  CHECK(transformer_params(a) == 46'702'792'704ULL);
  // With a shared expert and biases the two still agree.
  TransformerSpec b = mixtral(2);
  b.bias = true;
  b.shared_expert_ffn = 5632;
  b.expert_ffn = 1408;
  CHECK(build_transformer_graph(b, 128).total_params() == transformer_params(b));
}

TEST_CASE("the experts' weights are all counted, the work is the top-k experts'", "[graph][moe]") {
  const int seq = 512;
  TransformerSpec moe = mixtral(2);
  TransformerSpec active = moe;  // a dense FFN as wide as the two experts a token uses
  active.experts = active.experts_per_token = 0;
  active.ffn = 2 * moe.ffn;
  TransformerSpec all = active;  // as wide as all eight
  all.ffn = 8 * moe.ffn;
  const LayerGraph gm = build_transformer_graph(moe, seq);
  const LayerGraph ga = build_transformer_graph(active, seq);
  const LayerGraph gall = build_transformer_graph(all, seq);
  // FFN work: the two experts' GEMMs, exactly; the router is 8 columns more per token.
  CHECK(ffn_fwd_fmacs(gm) == Approx(ffn_fwd_fmacs(ga) + 2.0 * seq * 4096 * 8));
  // FFN weights: all eight experts (plus the router's 4096 x 8 per block).
  CHECK(gm.total_params() == gall.total_params() + 2ULL * 4096 * 8);
  // Each expert GEMM carries its experts and routed tokens (m = seq x top-k).
  int expert_ops = 0;
  for (OpId id = 0; id < gm.num_ops(); ++id) {
    const Op& op = gm.op(id);
    if (op.experts == 0) continue;
    ++expert_ops;
    CHECK(op.experts == 8);
    CHECK(op.experts_per_token == 2);
    CHECK(op.gemm.m == 2.0 * seq);
    CHECK(double(op.params) == 8.0 * op.gemm.k * op.gemm.n);
  }
  CHECK(expert_ops == 2 * 2);  // fc1 and fc2 in each of the 2 blocks
  // The graph stays a DAG whose only source is the embedding and only sink the loss.
  const auto order = gm.topo_order();
  CHECK(order.size() == gm.num_ops());
  for (OpId id = 0; id < gm.num_ops(); ++id) {
    INFO(gm.op(id).name);
    CHECK((boost::out_degree(id, gm.graph()) > 0) == (gm.op(id).kind != OpKind::loss));
  }
}

TEST_CASE("top-k equal to the experts is a dense FFN of all of them in work", "[graph][moe]") {
  TransformerSpec moe = mixtral(1);
  moe.experts_per_token = moe.experts;
  TransformerSpec dense = moe;
  dense.experts = dense.experts_per_token = 0;
  dense.ffn = 8 * moe.ffn;
  CHECK(ffn_fwd_fmacs(build_transformer_graph(moe, 64)) ==
        Approx(ffn_fwd_fmacs(build_transformer_graph(dense, 64)) + 64.0 * 4096 * 8));
}

TEST_CASE("mixture-of-experts shapes the graph cannot build are errors", "[graph][moe]") {
  TransformerSpec a = mixtral(1);
  a.experts_per_token = 9;
  CHECK_THROWS_AS(build_transformer_graph(a, 64), SimError);
  a.experts_per_token = 0;
  CHECK_THROWS_AS(build_transformer_graph(a, 64), SimError);
  a = mixtral(1);
  a.experts = 0;  // top-k left without experts
  CHECK_THROWS_AS(build_transformer_graph(a, 64), SimError);
  a.experts_per_token = 0;
  a.shared_expert_ffn = 128;
  CHECK_THROWS_AS(build_transformer_graph(a, 64), SimError);
}
