// The micro-batch setting (weight streaming's gradient accumulation) as the files users have
// spell it: Model Zoo `micro_batch_size` in its three places (R1-style train_input, R2 callbacks,
// the R2 data loader), native `training.micro_batch`, and the command-line spellings.
#include <catch2/catch.hpp>
#include <string>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"

using namespace wafersim;

namespace {
std::string fixture(const std::string& rel) {
  return std::string(WAFERSIM_SOURCE_DIR) + "/tests/fixtures/modelzoo/" + rel;
}

ModelSpec load_text(const std::string& text, const char* format = "modelzoo") {
  const test::TempDir dir;
  const auto p = dir.write("micro_batch_test.yaml", text);
  return load_model(p.string(), LoadOptions{format, false});
}

ConfigError load_error(const std::string& text, const char* format = "modelzoo") {
  try {
    load_text(text, format);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  throw;
}

// An R2.x file with `callbacks` and a micro_batch_size value spliced in.
std::string r2_with(const std::string& callbacks, const std::string& loader_extra = "") {
  return "trainer:\n"
         "  init:\n"
         "    model:\n"
         "      name: gpt3\n"
         "      hidden_size: 256\n"
         "      num_hidden_layers: 2\n"
         "      num_heads: 4\n"
         "      filter_size: 1024\n"
         "      vocab_size: 1000\n"
         "      max_position_embeddings: 128\n" +
         callbacks +
         "  fit:\n"
         "    train_dataloader:\n"
         "      batch_size: 64\n" +
         loader_extra;
}
}  // namespace

TEST_CASE("real Model Zoo files: micro_batch_size in each place it is written", "[frontend][micro_batch]") {
  // R2.x callbacks (ScopedTrainFlags), Release 2.10.0.
  const ModelSpec llama = load_model(fixture("Release_2.10.0/params_llama3p1_8b_msl_8k.yaml"));
  CHECK(llama.training.micro_batch.mode == MicroBatchMode::fixed);
  CHECK(llama.training.micro_batch.size == 20);
  CHECK(llama.training.micro_batch.source ==
        "trainer.init.callbacks[1].ScopedTrainFlags.csx.performance.micro_batch_size");
  CHECK(llama.training.micro_batch.from_file());
  // `auto` spelled out.
  const ModelSpec jais = load_model(fixture("Release_2.10.0/params_jais_13b.yaml"));
  CHECK(jais.training.micro_batch.mode == MicroBatchMode::automatic);
  CHECK_FALSE(jais.training.micro_batch.source.empty());
  // R1-style layout of the 2.x releases: train_input.micro_batch_size (Release 2.2.1).
  const ModelSpec gpt3 = load_model(fixture("Release_2.2.1/params_gpt3_6p7b.yaml"));
  CHECK(gpt3.training.micro_batch.mode == MicroBatchMode::fixed);
  CHECK(gpt3.training.micro_batch.size == 104);
  CHECK(gpt3.training.micro_batch.source == "train_input.micro_batch_size");
  // A file without the key: the planner chooses.
  const ModelSpec gptj = load_model(fixture("Release_1.9.1/params_gptj_6B.yaml"));
  CHECK(gptj.training.micro_batch.mode == MicroBatchMode::automatic);
  CHECK(gptj.training.micro_batch.source.empty());
}

TEST_CASE("micro_batch_size spellings: null, explore bounds, and the training flag wins",
          "[frontend][micro_batch]") {
  const ModelSpec none = load_text(r2_with("", "      micro_batch_size: null\n"));
  CHECK(none.training.micro_batch.mode == MicroBatchMode::none);
  CHECK(none.training.micro_batch.source == "trainer.fit.train_dataloader.micro_batch_size");

  const ModelSpec bounded =
      load_text(r2_with("    callbacks:\n"
                        "    - ScopedTrainFlags:\n"
                        "        csx.performance.micro_batch_size:\n"
                        "          explore: {min: 4, max: 16}\n"));
  CHECK(bounded.training.micro_batch.mode == MicroBatchMode::explore);
  CHECK(bounded.training.micro_batch.explore_min == 4);
  CHECK(bounded.training.micro_batch.explore_max == 16);
  CHECK(to_string(bounded.training.micro_batch) == "explore 4..16");

  // GlobalFlags applies to everything; ScopedTrainFlags to training, so it wins, in either order.
  const ModelSpec both =
      load_text(r2_with("    callbacks:\n"
                        "    - ScopedTrainFlags:\n"
                        "        csx.performance.micro_batch_size: 8\n"
                        "    - GlobalFlags:\n"
                        "        csx.performance.micro_batch_size: 32\n"
                        "    - ScopedValidateFlags:\n"
                        "        csx.performance.micro_batch_size: 2\n"));
  CHECK(both.training.micro_batch.size == 8);
  CHECK(both.training.micro_batch.source ==
        "trainer.init.callbacks[0].ScopedTrainFlags.csx.performance.micro_batch_size");
}

TEST_CASE("bad micro_batch_size values name the file, line and key", "[frontend][micro_batch]") {
  const auto bad = GENERATE(as<std::string>{}, "0", "-3", "lots", "2.5", "[1, 2]", "{explore: {min: 0}}",
                            "{explore: {low: 2}}", "{explore: {min: 9, max: 3}}", "{pick: 3}");
  INFO(bad);
  const ConfigError e =
      load_error(r2_with("    callbacks:\n"
                         "    - ScopedTrainFlags:\n"
                         "        csx.performance.micro_batch_size: " +
                         bad + "\n"));
  CHECK(e.loc().line == 13);
  CHECK(e.key().find("csx.performance.micro_batch_size") != std::string::npos);
}

TEST_CASE("native training.micro_batch", "[frontend][micro_batch]") {
  const std::string head =
      "model:\n  name: t\n  arch: decoder\n  layers: 2\n  hidden: 256\n  heads: 4\n  ffn: 1024\n"
      "  vocab: 1000\n  max_seq: 128\ntraining:\n  batch: 64\n  seq: 128\n";
  const ModelSpec m = load_text(head + "  micro_batch: 16\n", "native");
  CHECK(m.training.micro_batch.size == 16);
  CHECK(m.training.micro_batch.source == "training.micro_batch");
  CHECK(load_text(head + "  micro_batch: explore\n", "native").training.micro_batch.mode ==
        MicroBatchMode::explore);
  const ConfigError e = load_error(head + "  micro_batch: some\n", "native");
  CHECK(e.loc().line == 13);
  CHECK(e.key() == "training.micro_batch");
  CHECK(e.detail().find("auto, explore, none or a positive whole number") != std::string::npos);
}

TEST_CASE("command-line spellings of the micro-batch setting", "[frontend][micro_batch]") {
  MicroBatchSetting m;
  CHECK(parse_micro_batch("AUTO", m));
  CHECK(m.mode == MicroBatchMode::automatic);
  CHECK(parse_micro_batch("None", m));
  CHECK(m.mode == MicroBatchMode::none);
  CHECK(parse_micro_batch("explore", m));
  CHECK(m.mode == MicroBatchMode::explore);
  CHECK(parse_micro_batch("12", m));
  CHECK(m.mode == MicroBatchMode::fixed);
  CHECK(m.size == 12);
  CHECK(to_string(m) == "12");
  for (const char* bad : {"", "0", "-1", "1e3", "12x", "9999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_micro_batch(bad, m));
  }
}
