// The code-built model fixtures of tests/support/test_models.hpp are the shipped files: the
// unit tests below the frontend use them instead of loading files.
#include <catch2/catch.hpp>

#include "test_models.hpp"
#include "wafersim/frontend/model_loader.hpp"

using namespace wafersim;

namespace {

void check_same(const ModelSpec& built, const ModelSpec& loaded) {
  const auto& a = built.arch;
  const auto& b = loaded.arch;
  CHECK(a.name == b.name);
  CHECK(a.arch == b.arch);
  CHECK(a.layers == b.layers);
  CHECK(a.hidden == b.hidden);
  CHECK(a.heads == b.heads);
  CHECK(a.kv_heads == b.kv_heads);
  CHECK(a.ffn == b.ffn);
  CHECK(a.vocab == b.vocab);
  CHECK(a.max_seq == b.max_seq);
  CHECK(a.position == b.position);
  CHECK(a.rotary_dim == b.rotary_dim);
  CHECK(a.norm == b.norm);
  CHECK(a.activation == b.activation);
  CHECK(a.tied_embeddings == b.tied_embeddings);
  CHECK(a.bias == b.bias);
  CHECK(a.parallel_block == b.parallel_block);
  CHECK(a.type_vocab == b.type_vocab);
  CHECK(a.sliding_window == b.sliding_window);
  CHECK(a.mlm_predictions == b.mlm_predictions);
  const auto& s = built.training;
  const auto& t = loaded.training;
  CHECK(s.batch == t.batch);
  CHECK(s.seq == t.seq);
  CHECK(s.compute == t.compute);
  CHECK(s.master == t.master);
  CHECK(s.optimizer == t.optimizer);
  CHECK(s.activation_checkpointing_auto == t.activation_checkpointing_auto);
  if (!s.activation_checkpointing_auto) CHECK(s.activation_checkpointing == t.activation_checkpointing);
}

}  // namespace

TEST_CASE("test::tiny_gpt() is models/tiny-gpt.yaml", "[frontend]") {
  check_same(test::tiny_gpt(), load_model(WAFERSIM_SOURCE_DIR "/models/tiny-gpt.yaml"));
}

TEST_CASE("test::gpt2_small() is models/gpt2-small.yaml", "[frontend]") {
  check_same(test::gpt2_small(), load_model(WAFERSIM_SOURCE_DIR "/models/gpt2-small.yaml"));
}
