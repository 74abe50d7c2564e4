// Encoder-decoder transformers in the graph (T5, the original Transformer): the encoder over the
// source, the decoder's self- and cross-attention over the target, the weights T5 has, and the
// groups weight streaming and the pipeline run.
#include <catch2/catch.hpp>
#include <string>

#include "wafersim/core/error.hpp"
#include "wafersim/graph/layer_graph.hpp"

using namespace wafersim;

namespace {
// T5's public shapes (Raffel et al., "Exploring the Limits of Transfer Learning with a Unified
// Text-to-Text Transformer", JMLR 2020, Table 14 and section 3.1.1; HuggingFace t5-small):
// d_model 512, d_ff 2048, 8 heads of 64, 6 + 6 blocks, ReLU, T5's scale-only norm, no biases,
// 32 relative-position buckets per stack, a 32,128-entry vocabulary shared by both stacks and the
// tied head.
TransformerSpec t5_small() {
  TransformerSpec a;
  a.name = "t5-small";
  a.arch = Arch::encoder_decoder;
  a.layers = 6;
  a.decoder_layers = 6;
  a.hidden = 512;
  a.heads = 8;
  a.ffn = 2048;
  a.vocab = 32128;
  a.max_seq = 512;
  a.position = PositionEmbedding::relative;
  a.norm = NormKind::rmsnorm;
  a.activation = ActivationKind::relu;
  a.tied_embeddings = true;
  a.bias = false;
  return a;
}

const Op* find(const LayerGraph& g, const std::string& name) {
  for (OpId id = 0; id < g.num_ops(); ++id)
    if (g.op(id).name == name) return &g.op(id);
  return nullptr;
}
}  // namespace

TEST_CASE("T5-small's weights: the graph and the closed form give HuggingFace's 60,506,624",
          "[graph][encdec]") {
  TransformerSpec a = t5_small();
  a.decoder_seq = 114;
  const LayerGraph g = build_transformer_graph(a, 512);
  CHECK(g.total_params() == 60'506'624ULL);
  CHECK(transformer_params(a) == g.total_params());
  // T5 11B's shapes (d_model 1024, 128 heads of 128, d_ff 65536, 24 + 24 blocks): 11,307,321,344.
  TransformerSpec xl = t5_small();
  xl.layers = xl.decoder_layers = 24;
  xl.hidden = 1024;
  xl.heads = 128;
  xl.head_dim = 128;
  xl.ffn = 65536;
  CHECK(build_transformer_graph(xl, 512).total_params() == 11'307'321'344ULL);
  CHECK(transformer_params(xl) == 11'307'321'344ULL);
}

TEST_CASE("encoder over the source, decoder over the target, cross-attention between them",
          "[graph][encdec]") {
  TransformerSpec a = t5_small();
  a.decoder_seq = 114;
  const LayerGraph g = build_transformer_graph(a, 512);

  const Op* enc = find(g, "block0.attn.scores");
  REQUIRE(enc);
  CHECK(enc->gemm.m == 512);
  CHECK(enc->gemm.n == 512);
  const Op* self = find(g, "decoder0.attn.scores");
  REQUIRE(self);
  CHECK(self->gemm.m == 114);
  CHECK(self->gemm.n == 114);
  // Queries from the 114 target tokens against keys of the 512 source tokens; K and V are
  // projected from the encoder's output in every decoder block.
  const Op* cross = find(g, "decoder3.cross.scores");
  REQUIRE(cross);
  CHECK(cross->gemm.count == 8);
  CHECK(cross->gemm.m == 114);
  CHECK(cross->gemm.k == 64);
  CHECK(cross->gemm.n == 512);
  CHECK(cross->attn_keys == 512);
  const Op* kv = find(g, "decoder3.cross.kv");
  REQUIRE(kv);
  CHECK(kv->gemm.m == 512);
  CHECK(kv->gemm.n == 2 * 512);
  const Op* q = find(g, "decoder3.cross.q");
  REQUIRE(q);
  CHECK(q->gemm.m == 114);
  // The head scores the target.
  const Op* lm = find(g, "head.lm_head");
  REQUIRE(lm);
  CHECK(lm->gemm.m == 114);
  CHECK(lm->params == 0);  // tied

  // Groups, in order: embedding, 6 encoder blocks, the encoder's norm, 6 decoder blocks, head.
  const auto groups = g.groups();
  REQUIRE(groups.size() == 1 + 6 + 1 + 6 + 1);
  CHECK(groups[7].name == "encoder");
  CHECK(groups[8].name == "decoder0");
  CHECK(groups.back().name == "head");
  // A decoder block's inputs: the previous block's output (target) and the encoder's (source).
  CHECK(groups[9].input_elems == Approx(114.0 * 512 + 512.0 * 512));
  // The encoder's output is kept once: decoder0 keeps it, the later blocks reuse it; the
  // embedding's source and target parts are two tensors' worth, neither reused.
  CHECK(groups[8].reused_input_elems == 0);
  CHECK(groups[9].reused_input_elems == Approx(512.0 * 512));
  CHECK(groups.back().reused_input_elems == 0);
  for (int i = 0; i <= 7; ++i) CHECK(groups[static_cast<std::size_t>(i)].reused_input_elems == 0);
  TransformerSpec dec = t5_small();
  dec.arch = Arch::decoder;
  dec.decoder_layers = 0;
  dec.position = PositionEmbedding::rotary;
  for (const auto& grp : build_transformer_graph(dec, 512).groups()) CHECK(grp.reused_input_elems == 0);
  // Relative-position bias: one add per score, encoder and decoder self-attention only.
  CHECK(find(g, "block0.attn.softmax")->fwd_elem_ops == Approx(6.0 * 8 * 512 * 512));
  CHECK(find(g, "decoder0.attn.softmax")->fwd_elem_ops == Approx(6.0 * 8 * 114 * 114));
  CHECK(find(g, "decoder0.cross.softmax")->fwd_elem_ops == Approx(5.0 * 8 * 114 * 512));
}

TEST_CASE("an encoder-decoder's own target vocabulary and untied head", "[graph][encdec]") {
  TransformerSpec a = t5_small();
  a.position = PositionEmbedding::fixed;  // the Transformer's sinusoids: no weights
  a.norm = NormKind::layernorm;
  a.bias = true;
  a.tied_embeddings = false;
  a.tgt_vocab = 30000;
  const LayerGraph g = build_transformer_graph(a, 256);
  CHECK(transformer_params(a) == g.total_params());
  CHECK(find(g, "head.lm_head")->params == 512ULL * 30000 + 30000);
  CHECK(find(g, "embedding.lookup")->params == (32128ULL + 30000) * 512);
  // decoder_seq 0: the target is as long as the source.
  CHECK(find(g, "decoder0.attn.scores")->gemm.m == 256);
}

TEST_CASE("encoder-decoder shapes the graph does not build are refused", "[graph][encdec]") {
  TransformerSpec a = t5_small();
  a.decoder_layers = 0;
  CHECK_THROWS_AS(build_transformer_graph(a, 128), SimError);
  a = t5_small();
  a.position = PositionEmbedding::learned;
  CHECK_THROWS_AS(build_transformer_graph(a, 128), SimError);
  a = t5_small();
  a.experts = 4;
  a.experts_per_token = 1;
  CHECK_THROWS_AS(build_transformer_graph(a, 128), SimError);
  TransformerSpec d = t5_small();
  d.arch = Arch::decoder;  // decoder_layers on a decoder-only model
  CHECK_THROWS_AS(build_transformer_graph(d, 128), SimError);
}
