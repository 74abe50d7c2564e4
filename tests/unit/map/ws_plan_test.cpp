#include "wafersim/map/ws_plan.hpp"

#include <catch2/catch.hpp>

#include "test_models.hpp"
#include "test_specs.hpp"
#include "wafersim/core/error.hpp"

using namespace wafersim;

namespace {
ModelSpec gpt2_small(int batch, int seq) { return test::gpt2_small(batch, seq); }
}  // namespace

TEST_CASE("weight-streaming plan splits the batch into micro-batches that fit", "[map]") {
  const auto spec = test::small_spec(256, 256);
  const auto model = gpt2_small(256, 1024);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  const WsPlan p = plan_weight_streaming(spec, model, graph, 2, tiles);
  CHECK(p.batch_per_system == 128);
  CHECK(p.micro_batch >= 1);
  CHECK(p.micro_batch <= p.max_micro_batch);
  CHECK(p.micro_batch * p.micro_batches >= p.batch_per_system);
  CHECK(p.micro_batches > 1);    // 128 GPT-2 sequences cannot live on 65,536 tiles at once
  CHECK(p.layers.size() == 14);  // embedding, 12 blocks, head
  // The per-tile check: no tile over capacity, and the allocation is what the plan says.
  CHECK(p.sram.max <= tiles.capacity());
  const double expected = p.weight_buffer_bytes + p.checkpoint_bytes + p.working_bytes;
  CHECK(static_cast<double>(p.sram.total) == Approx(expected).epsilon(0.001));
}

TEST_CASE("one more sample than the plan's maximum does not fit", "[map]") {
  const auto spec = test::small_spec(256, 256);
  auto model = gpt2_small(1, 1024);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  model.training.batch = 1000;
  const WsPlan p = plan_weight_streaming(spec, model, graph, 1, tiles);
  const double per_tile_per_sample = (p.checkpoint_bytes + p.working_bytes) / p.micro_batch / p.region.area();
  CHECK(p.sram.max + 2 * per_tile_per_sample > tiles.capacity() - 64);
}

TEST_CASE("a model that cannot fit one sample is a FitError", "[map]") {
  const auto spec = test::small_spec(8, 8);
  const auto model = gpt2_small(4, 1024);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  CHECK_THROWS_AS(plan_weight_streaming(spec, model, graph, 1, tiles), FitError);
}

TEST_CASE("weights that alone overflow the SRAM say so, and single buffering may fit them", "[map]") {
  // GPT-2 small at twice the width: its largest layer, the token table (50,257 x 1,536 at 2 bytes,
  // 154 MB), fits the 64 x 64 tiles' ~180 MB once but not twice; at 8x the width (617 MB) not once.
  auto spec = test::small_spec(64, 64);
  auto wide = gpt2_small(4, 128);
  wide.arch.hidden *= 2;
  wide.arch.ffn *= 2;
  auto graph = build_transformer_graph(wide.arch, wide.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  spec.sim.weight_buffers = 2;
  try {
    plan_weight_streaming(spec, wide, graph, 1, tiles);
    FAIL("expected a FitError");
  } catch (const FitError& e) {
    const std::string what = e.what();
    CHECK(what.find("largest layer's weights") != std::string::npos);
    CHECK(what.find("sim.weight_buffers=1") != std::string::npos);
  }
  spec.sim.weight_buffers = 1;
  TileArray tiles1 = TileArray::from_spec(spec);
  CHECK_NOTHROW(plan_weight_streaming(spec, wide, graph, 1, tiles1));
  wide.arch.hidden *= 4;
  wide.arch.ffn *= 4;
  graph = build_transformer_graph(wide.arch, wide.training.seq);
  TileArray tiles2 = TileArray::from_spec(spec);
  try {
    plan_weight_streaming(spec, wide, graph, 1, tiles2);
    FAIL("expected a FitError");
  } catch (const FitError& e) {
    CHECK(std::string(e.what()).find("more SRAM per tile") != std::string::npos);
  }
}

TEST_CASE("batch smaller than the number of systems is a usage error", "[map]") {
  const auto spec = test::small_spec(64, 64);
  const auto model = gpt2_small(2, 128);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  CHECK_THROWS_AS(plan_weight_streaming(spec, model, graph, 4, tiles), UsageError);
}

TEST_CASE("activation_checkpointing auto keeps the faster of recomputing and keeping", "[map]") {
  const auto spec = test::small_spec(256, 256);
  auto model = gpt2_small(64, 256);
  const auto graph = build_transformer_graph(model.arch, model.training.seq);
  TileArray tiles = TileArray::from_spec(spec);
  model.training.activation_checkpointing_auto = false;
  model.training.activation_checkpointing = true;
  const WsPlan on = plan_weight_streaming(spec, model, graph, 1, tiles);
  model.training.activation_checkpointing = false;
  const WsPlan off = plan_weight_streaming(spec, model, graph, 1, tiles);
  CHECK(on.recompute);
  CHECK_FALSE(off.recompute);
  CHECK_FALSE(on.recompute_chosen);
  // Recomputing keeps only the layer inputs: larger micro-batches fit.
  CHECK(on.max_micro_batch > off.max_micro_batch);
  model.training.activation_checkpointing_auto = true;
  for (const bool start : {true, false}) {
    model.training.activation_checkpointing = start;
    const WsPlan a = plan_weight_streaming(spec, model, graph, 1, tiles);
    CHECK(a.recompute_chosen);
    CHECK(a.est_step_s == Approx(std::min(on.est_step_s, off.est_step_s)));
    CHECK(a.recompute_alternative_s == Approx(std::max(on.est_step_s, off.est_step_s)));
    CHECK(a.recompute == (on.est_step_s < off.est_step_s));
  }
}

namespace {
MicroBatchSetting asked(MicroBatchMode mode, int size, const char* source) {
  MicroBatchSetting m;
  m.mode = mode;
  m.size = size;
  m.source = source;
  return m;
}

// GPT-2 small on a 256 x 256 test wafer, planned again after each change to `model`.
struct Bench {
  SystemSpec spec = test::small_spec(256, 256);
  ModelSpec model;
  LayerGraph graph;
  TileArray tiles = TileArray::from_spec(spec);
  Bench(int batch, int seq)
      : model(gpt2_small(batch, seq)), graph(build_transformer_graph(model.arch, model.training.seq)) {}
  WsPlan plan(int systems) { return plan_weight_streaming(spec, model, graph, systems, tiles); }
};
}  // namespace

TEST_CASE("a micro-batch size is evened over the share, as the Cerebras compiler does",
          "[map][micro_batch]") {
  Bench b(256, 1024);
  auto& model = b.model;
  const WsPlan automatic = b.plan(2);
  REQUIRE(automatic.max_micro_batch >= 3);
  // Asking for fewer than fit: ceil(128 / size) micro-batches, then the size evened out.
  const int size = automatic.max_micro_batch - 1;
  model.training.micro_batch = asked(MicroBatchMode::fixed, size, "--micro-batch");
  const WsPlan p = b.plan(2);
  CHECK(p.micro_batches == (128 + size - 1) / size);
  CHECK(p.micro_batch == (128 + p.micro_batches - 1) / p.micro_batches);
  CHECK(p.micro_batch <= size);
  CHECK(p.max_micro_batch == automatic.max_micro_batch);
  CHECK(p.micro_batch_note.empty());
  // A size above the share is the share.
  model.training.micro_batch = asked(MicroBatchMode::fixed, 1000, "--micro-batch");
  model.training.batch = 4;
  const WsPlan whole = b.plan(2);
  CHECK(whole.micro_batches == 1);
  CHECK(whole.micro_batch == 2);
}

TEST_CASE("a micro-batch size that does not fit: an error on the command line, reduced from a file",
          "[map][micro_batch]") {
  Bench b(256, 1024);
  auto& model = b.model;
  const int max = b.plan(1).max_micro_batch;
  REQUIRE(max < 256);
  model.training.micro_batch = asked(MicroBatchMode::fixed, max + 1, "--micro-batch");
  CHECK_THROWS_WITH(b.plan(1), Catch::Contains("at most " + std::to_string(max) + " fit"));
  model.training.micro_batch = asked(MicroBatchMode::none, 0, "--micro-batch");
  CHECK_THROWS_AS(b.plan(1), FitError);
  // The same from a Model Zoo file: the real compiler fitted it, so it runs the most that fit
  // and says so.
  model.training.micro_batch = asked(MicroBatchMode::fixed, max + 1, "train_input.micro_batch_size");
  const WsPlan p = b.plan(1);
  CHECK(p.micro_batch <= max);
  CHECK(p.micro_batch_note.find("fits at most " + std::to_string(max)) != std::string::npos);
  CHECK(p.micro_batch_note.find("train_input.micro_batch_size") != std::string::npos);
}

TEST_CASE("micro-batch none runs the whole share at once when it fits", "[map][micro_batch]") {
  Bench b(4, 256);
  b.model.training.micro_batch = asked(MicroBatchMode::none, 0, "--micro-batch");
  const WsPlan p = b.plan(1);
  CHECK(p.micro_batches == 1);
  CHECK(p.micro_batch == 4);
}

TEST_CASE("micro-batch explore keeps the size with the shortest estimated step", "[map][micro_batch]") {
  Bench b(96, 1024);
  auto& model = b.model;
  model.training.activation_checkpointing_auto = false;
  model.training.micro_batch = asked(MicroBatchMode::explore, 0, "--micro-batch");
  const WsPlan best = b.plan(1);
  CHECK(best.explored > 1);
  CHECK(best.micro_batch_note.find("sizes estimated") != std::string::npos);
  // No fixed size that fits estimates a shorter step.
  for (int size = 1; size <= best.max_micro_batch; ++size) {
    model.training.micro_batch = asked(MicroBatchMode::fixed, size, "--micro-batch");
    INFO(size);
    CHECK(b.plan(1).est_step_s >= best.est_step_s * (1 - 1e-9));
  }
  // Bounds narrow the search.
  model.training.micro_batch = asked(MicroBatchMode::explore, 0, "--micro-batch");
  model.training.micro_batch.explore_max = 2;
  const WsPlan small = b.plan(1);
  CHECK(small.micro_batch <= 2);
  // Bounds that hold no evened size (96 samples: 13 is neither ceil(96/7) = 14 nor ceil(96/8) =
  // 12) estimate nothing and run the lower bound, evened.
  int gap = 0;
  for (int v = 2; v <= best.max_micro_batch && gap == 0; ++v) {
    bool evened = false;
    for (int count = 1; count <= 96; ++count) evened = evened || (96 + count - 1) / count == v;
    if (!evened) gap = v;
  }
  REQUIRE(gap > 0);
  model.training.micro_batch.explore_min = gap;
  model.training.micro_batch.explore_max = gap;
  const WsPlan between = b.plan(1);
  CHECK(between.explored == 0);
  CHECK(between.micro_batches == (96 + gap - 1) / gap);
}

TEST_CASE("checkpoints go off the wafer only when one sample's do not fit (sim.checkpoint_store auto)",
          "[map][checkpoints]") {
  // GPT-2 small with rotary positions at a long context on the 256 x 256 test wafer: 14 layer
  // inputs of seq x 768 x 2 B per sample are more than its SRAM, one layer's working set is not.
  Bench b(2, 1024);
  b.model.arch.position = PositionEmbedding::rotary;
  b.model.arch.max_seq = 1 << 20;
  const WsPlan short_seq = b.plan(1);
  CHECK_FALSE(short_seq.checkpoints_offloaded);
  CHECK(short_seq.offloaded_bytes == 0);

  int seq = 1024;
  for (; seq <= (1 << 18); seq *= 2) {
    b.model.training.seq = seq;
    b.graph = build_transformer_graph(b.model.arch, seq);
    b.spec.sim.checkpoint_store = "wafer";
    try {
      b.plan(1);
    } catch (const FitError& e) {
      CHECK_THAT(e.what(),
                 Catch::Contains("with sim.checkpoint_store auto or offload only two layer inputs stay"));
      break;
    }
  }
  REQUIRE(seq <= (1 << 18));
  b.spec.sim.checkpoint_store = "auto";
  const WsPlan p = b.plan(1);
  CHECK(p.checkpoints_offloaded);
  CHECK(p.recompute);
  // What stays: two layer inputs per sample; what goes: every layer's, per micro-batch.
  double largest = 0, all = 0;
  for (const auto& l : p.layers) {
    largest = std::max(largest, l.checkpoint_bytes_per_sample);
    all += l.checkpoint_bytes_per_sample;
  }
  CHECK(p.checkpoint_bytes == Approx(kCheckpointBuffers * largest * p.micro_batch));
  CHECK(p.offloaded_bytes == Approx(all * p.micro_batch));
  CHECK(p.sram.max <= b.tiles.capacity());

  // `offload` offloads what would fit too, and fits more samples at once.
  b.model.training.seq = 1024;
  b.graph = build_transformer_graph(b.model.arch, 1024);
  b.model.training.batch = 256;
  b.model.training.activation_checkpointing_auto = false;
  const WsPlan on_wafer = b.plan(1);
  b.spec.sim.checkpoint_store = "offload";
  const WsPlan off = b.plan(1);
  CHECK_FALSE(on_wafer.checkpoints_offloaded);
  CHECK(off.checkpoints_offloaded);
  CHECK(off.max_micro_batch > on_wafer.max_micro_batch);
}
