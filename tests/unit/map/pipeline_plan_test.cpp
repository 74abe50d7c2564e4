#include "wafersim/map/pipeline_plan.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "test_specs.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/map/placement.hpp"

using namespace wafersim;

namespace {
ModelSpec bert_like(int layers, int hidden) {
  ModelSpec m;
  auto& a = m.arch;
  a.name = "bert-like";
  a.arch = Arch::encoder;
  a.layers = layers;
  a.hidden = hidden;
  a.heads = 8;
  a.kv_heads = 8;
  a.ffn = 4 * hidden;
  a.vocab = 8192;
  a.max_seq = 512;
  a.type_vocab = 2;
  a.tied_embeddings = true;
  m.training.batch = 64;
  m.training.seq = 128;
  return m;
}
}  // namespace

TEST_CASE("pipelined plan: disjoint regions inside the grid, per-tile SRAM within capacity",
          "[map][pipelined]") {
  auto spec = test::small_spec(256, 256);
  const auto model = bert_like(6, 512);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  for (const char* strategy : {"auto", "strips", "bisection"}) {
    spec.map.strategy = strategy;
    TileArray tiles = TileArray::from_spec(spec);
    const PipelinePlan p = plan_pipelined(spec, model, graph, tiles);
    INFO("strategy " << strategy << " -> " << p.strategy);
    REQUIRE(p.stages.size() == 8);  // embedding, 6 blocks, head
    std::vector<Rect> regions;
    double allocated = 0;
    for (const auto& s : p.stages) {
      regions.push_back(s.region);
      CHECK(rect_inside(s.region, spec.wafer.usable));
      CHECK(s.sram.max <= tiles.capacity());
      CHECK(s.fwd_cycles > 0);
      CHECK(s.bwd_cycles > s.fwd_cycles);
      allocated += static_cast<double>(s.sram.total);
    }
    CHECK(rects_disjoint(regions));
    // Everything the model needs is on the tiles (up to the 2-byte granules per tile).
    CHECK(allocated >= p.total_bytes);
    CHECK(allocated <= p.total_bytes + 2.0 * static_cast<double>(spec.wafer.usable.area()));
    CHECK(tiles.summary(spec.wafer.usable).max <= tiles.capacity());
    if (std::string(strategy) == "auto") CHECK(p.tried.size() == placement_strategy_names().size());
  }
}

TEST_CASE("pipelined placement is deterministic", "[map][pipelined]") {
  const auto spec = test::small_spec(200, 180);
  const auto model = bert_like(4, 384);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray t1 = TileArray::from_spec(spec);
  TileArray t2 = TileArray::from_spec(spec);
  const auto a = plan_pipelined(spec, model, graph, t1);
  const auto b = plan_pipelined(spec, model, graph, t2);
  REQUIRE(a.stages.size() == b.stages.size());
  for (std::size_t i = 0; i < a.stages.size(); ++i) CHECK(a.stages[i].region == b.stages[i].region);
  CHECK(std::equal(t1.allocation().begin(), t1.allocation().end(), t2.allocation().begin(),
                   t2.allocation().end()));
}

TEST_CASE("balancing: the slowest stage is not much slower than the mean block", "[map][pipelined]") {
  const auto spec = test::small_spec(256, 256);
  const auto model = bert_like(8, 512);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  const auto p = plan_pipelined(spec, model, graph, tiles);
  double sum = 0;
  int blocks = 0;
  for (const auto& s : p.stages)
    if (s.demand.name.rfind("block", 0) == 0) {
      sum += s.fwd_cycles + s.bwd_cycles;
      ++blocks;
    }
  CHECK(p.max_stage_cycles < 1.3 * sum / blocks);
}

TEST_CASE("a model too big for the wafer is a FitError naming the largest layer", "[map][pipelined]") {
  const auto spec = test::small_spec(32, 32);
  const auto model = bert_like(12, 1024);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  try {
    plan_pipelined(spec, model, graph, tiles);
    FAIL("expected a FitError");
  } catch (const FitError& e) {
    const std::string m = e.what();
    CHECK(m.find("largest layer") != std::string::npos);
    CHECK(m.find("weight-streaming") != std::string::npos);
  }
}

TEST_CASE("an unknown map.strategy is a usage error", "[map][pipelined]") {
  auto spec = test::small_spec(64, 64);
  spec.map.strategy = "zigzag";
  const auto model = bert_like(1, 128);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  CHECK_THROWS_AS(plan_pipelined(spec, model, graph, tiles), UsageError);
}
