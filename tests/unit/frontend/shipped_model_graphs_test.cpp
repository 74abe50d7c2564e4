// The transformer graphs of the shipped models against closed forms and published numbers.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

namespace {
struct Shipped {
  const char* file;
  double published_params;  // public parameter count
};

// Published counts: GPT-2 small 124,439,808 (HF gpt2); Cerebras-GPT 1.3B "1.3B" (model card);
// GPT-J 6,053,381,344 (HF, with its vocab padded to 50400; the shipped file uses 50257);
// BERT-Large 340M (Devlin et al.); LLaMA-7B 6,738,415,616 (HF).
const Shipped kShipped[] = {
    {"gpt2-small", 124'439'808.0}, {"gpt3-1.3b", 1.3e9},          {"gptj-6b", 6'053'381'344.0},
    {"bert-large", 340e6},         {"llama-7b", 6'738'415'616.0},
};

ModelSpec load_shipped(const std::string& name) {
  return load_native_model(std::string(WAFERSIM_SOURCE_DIR) + "/models/" + name + ".yaml");
}

// Parameters outside the transformer blocks and the vocabulary projection: the embedding
// tables (and BERT's embedding norm), written out from the architecture.
double embedding_params(const TransformerSpec& a) {
  double p = double(a.vocab) * a.hidden + double(a.type_vocab) * a.hidden;
  if (a.position == PositionEmbedding::learned) p += double(a.max_seq) * a.hidden;
  if (a.arch == Arch::encoder) p += 2.0 * a.hidden;  // LayerNorm after the embedding sum
  return p;
}

// Closed-form training FLOPs per sample (one sequence of s tokens):
//   6 N s        every weight does one multiply-add per token forward (2 FLOPs) and two in
//                backward (dX and dW), with N = non-embedding parameters including the
//                vocabulary projection (counted even when tied: the GEMM is still done);
//   12 L s^2 h   attention: Q K^T and P V are each s^2 h multiply-adds per layer forward
//                (4 s^2 h FLOPs, i.e. 4 L s h per token as in Narayanan et al. 2021),
//                times 3 for forward + backward (gradients w.r.t. both operands).
// Elementwise ops (norms, softmax, GELU, loss) are left out; they must stay below 1%.
double closed_form_training_flops(const TransformerSpec& a, int seq) {
  const double n = double(transformer_params(a)) - embedding_params(a) +
                   (a.tied_embeddings ? double(a.vocab) * a.hidden : 0.0);
  const double s = seq;
  return 6.0 * n * s + 12.0 * a.layers * s * s * a.hidden;
}
}  // namespace

TEST_CASE("shipped models: graph is a DAG with a valid topological order", "[graph]") {
  for (const auto& m : kShipped) {
    INFO(m.file);
    const ModelSpec spec = load_shipped(m.file);
    const LayerGraph g = build_transformer_graph(spec.arch, spec.training.seq);
    const auto order = g.topo_order();
    REQUIRE(order.size() == g.num_ops());
    std::vector<std::size_t> pos(g.num_ops());
    for (std::size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
    for (auto [e, end] = boost::edges(g.graph()); e != end; ++e) {
      CHECK(pos[boost::source(*e, g.graph())] < pos[boost::target(*e, g.graph())]);
      CHECK(g.graph()[*e].elems > 0);
    }
    // Every op but the loss feeds something; only the embedding has no producer.
    for (OpId id = 0; id < g.num_ops(); ++id) {
      INFO(g.op(id).name);
      CHECK((boost::out_degree(id, g.graph()) > 0) == (g.op(id).kind != OpKind::loss));
      CHECK((boost::in_degree(id, g.graph()) == 0) == (g.op(id).kind == OpKind::embedding));
    }
  }
}

TEST_CASE("shipped models: parameters match the closed form and the published counts", "[graph]") {
  for (const auto& m : kShipped) {
    INFO(m.file);
    const ModelSpec spec = load_shipped(m.file);
    const LayerGraph g = build_transformer_graph(spec.arch, spec.training.seq);
    CHECK(g.total_params() == transformer_params(spec.arch));
    CHECK(double(g.total_params()) == Approx(m.published_params).epsilon(0.02));
  }
  // LLaMA-7B has no vocabulary padding or bias question: exact.
  CHECK(transformer_params(load_shipped("llama-7b").arch) == 6'738'415'616ULL);
  CHECK(transformer_params(load_shipped("gpt2-small").arch) == 124'439'808ULL);
}

TEST_CASE("shipped models: training FLOPs match 6 N s + 12 L s^2 h within 1%", "[graph]") {
  for (const auto& m : kShipped) {
    INFO(m.file);
    ModelSpec spec = load_shipped(m.file);
    // The closed form scores every position; a BERT head on its masked positions only is
    // checked against it below.
    const int predictions = spec.arch.mlm_predictions;
    spec.arch.mlm_predictions = 0;
    const LayerGraph g = build_transformer_graph(spec.arch, spec.training.seq);
    CHECK(g.training_flops_per_sample() ==
          Approx(closed_form_training_flops(spec.arch, spec.training.seq)).epsilon(0.01));
    if (predictions > 0) {
      // Head GEMMs (transform h x h, vocabulary h x V) run on `predictions` rows instead of s.
      spec.arch.mlm_predictions = predictions;
      const LayerGraph masked = build_transformer_graph(spec.arch, spec.training.seq);
      const double h = spec.arch.hidden;
      const double head_fmacs_per_row = h * h + h * spec.arch.vocab;
      const double saved = 3.0 * 2.0 * head_fmacs_per_row * (spec.training.seq - predictions);
      CHECK(masked.training_flops_per_sample() ==
            Approx(g.training_flops_per_sample() - saved).epsilon(0.001));
    }
    // Backward FMACs are exactly twice forward in this model (dX + dW, both GEMM operands).
    CHECK(g.bwd_fmacs_per_sample() == Approx(2 * g.fwd_fmacs_per_sample()));
  }
}

TEST_CASE("shipped models: layer groups", "[graph]") {
  for (const auto& m : kShipped) {
    INFO(m.file);
    const ModelSpec spec = load_shipped(m.file);
    const auto& a = spec.arch;
    const double s = spec.training.seq;
    const LayerGraph g = build_transformer_graph(a, spec.training.seq);
    const auto groups = g.groups();
    REQUIRE(groups.size() == std::size_t(a.layers) + 2);
    CHECK(groups.front().name == "embedding");
    CHECK(groups.back().name == "head");
    CHECK(groups[1].name == "block0");
    std::uint64_t params = 0;
    double fwd = 0;
    for (const auto& grp : groups) {
      params += grp.params;
      fwd += grp.fwd_fmacs;
    }
    CHECK(params == g.total_params());
    CHECK(fwd == Approx(g.fwd_fmacs_per_sample()));
    CHECK(groups[0].fwd_fmacs == 0);
    CHECK(groups[0].input_elems == Approx(s * (a.type_vocab > 0 ? 2 : 1)));  // token (+type) ids
    CHECK(groups[3].input_elems == Approx(s * a.hidden));                    // a block's input
    const double head_rows = a.mlm_predictions > 0 ? std::min<double>(s, a.mlm_predictions) : s;
    CHECK(groups.back().input_elems == Approx(head_rows * a.hidden));  // BERT: the masked rows
    // All blocks are alike.
    CHECK(groups[1].params == groups[a.layers].params);
    CHECK(groups[1].fwd_fmacs == Approx(groups[a.layers].fwd_fmacs));
    CHECK(g.critical_path_fmacs() <= g.fwd_fmacs_per_sample());
  }
}

TEST_CASE("a tiny decoder has the hand-computed shapes", "[graph]") {
  TransformerSpec a;
  a.name = "tiny";
  a.layers = 1;
  a.hidden = 4;
  a.heads = 2;
  a.ffn = 8;
  a.vocab = 10;
  a.max_seq = 3;
  const LayerGraph g = build_transformer_graph(a, 3);
  std::map<std::string, const Op*> by_name;
  for (OpId id = 0; id < g.num_ops(); ++id) by_name[g.op(id).name] = &g.op(id);
  REQUIRE(by_name.count("block0.attn.qkv"));
  const Op& qkv = *by_name["block0.attn.qkv"];
  CHECK(qkv.gemm.m == 3);
  CHECK(qkv.gemm.k == 4);
  CHECK(qkv.gemm.n == 12);
  CHECK(qkv.params == 4 * 12 + 12);
  const Op& scores = *by_name["block0.attn.scores"];
  CHECK(scores.gemm.count == 2);
  CHECK(scores.fwd_fmacs == Approx(2 * 3 * 2 * 3));
  CHECK(by_name["block0.attn.softmax"]->saved_elems == Approx(2 * 3 * 3));
  // qkv 144 + scores 36 + context 36 + out 48 + fc1 96 + fc2 96 + lm_head 120
  CHECK(g.fwd_fmacs_per_sample() == Approx(576));
  // Untied: embedding 10*4 + 3*4; block 2*8 + 60 + 20 + 40 + 36; head 8 + 40 + 10.
  CHECK(g.total_params() == 52 + 172 + 58);
  CHECK(transformer_params(a) == g.total_params());
  // Sequential: the critical path is every GEMM.
  CHECK(g.critical_path_fmacs() == Approx(576));
}

TEST_CASE("GPT-J style blocks share one norm and run attention beside the FFN", "[graph]") {
  const ModelSpec spec = load_shipped("gptj-6b");
  const LayerGraph g = build_transformer_graph(spec.arch, spec.training.seq);
  int norms_in_block0 = 0;
  for (OpId id = 0; id < g.num_ops(); ++id) {
    if (g.op(id).layer == 1 && g.op(id).kind == OpKind::norm) ++norms_in_block0;
  }
  CHECK(norms_in_block0 == 1);
  // Parallel branches: the critical path skips the lighter (attention) branch of every block.
  CHECK(g.critical_path_fmacs() < 0.9 * g.fwd_fmacs_per_sample());
  const ModelSpec gpt2 = load_shipped("gpt2-small");
  const LayerGraph g2 = build_transformer_graph(gpt2.arch, gpt2.training.seq);
  CHECK(g2.critical_path_fmacs() == Approx(g2.fwd_fmacs_per_sample()));
}

TEST_CASE("grouped-query attention shrinks K and V", "[graph]") {
  TransformerSpec a = load_shipped("llama-7b").arch;
  const std::uint64_t mha = transformer_params(a);
  a.kv_heads = 8;
  const LayerGraph g = build_transformer_graph(a, 128);
  CHECK(g.total_params() == transformer_params(a));
  // K and V lose 3/4 of their 2 h^2 weights in each of the 32 layers.
  CHECK(mha - g.total_params() == 32ULL * 2 * 4096 * 4096 * 3 / 4);
}
