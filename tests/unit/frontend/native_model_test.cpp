// Native model YAML: the shipped files load, and every kind of bad input is a ConfigError that
// names the key and the line (and nothing else ever escapes).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"

using namespace wafersim;

namespace {
std::string model_path(const std::string& name) {
  return std::string(WAFERSIM_SOURCE_DIR) + "/models/" + name + ".yaml";
}

// A valid file; tests break one line of it at a time. Line numbers are 1-based.
const std::string kGood =
    "model:\n"             // 1
    "  name: tiny\n"       // 2
    "  layers: 2\n"        // 3
    "  hidden: 64\n"       // 4
    "  heads: 4\n"         // 5
    "  ffn: 256\n"         // 6
    "  vocab: 100\n"       // 7
    "  max_seq: 32\n"      // 8
    "  norm: layernorm\n"  // 9
    "training:\n"          // 10
    "  batch: 8\n"         // 11
    "  seq: 32\n";         // 12

std::string replace_line(const std::string& text, int line, const std::string& with) {
  std::string out;
  int n = 1;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string cur = text.substr(start, end - start);
    out += (n == line ? with : cur) + "\n";
    start = end + 1;
    ++n;
  }
  return out;
}

// Loads `text` and returns the ConfigError it must raise.
ConfigError error_of(const std::string& text) {
  try {
    load_native_model_text(text, "test.yaml");
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError for:\n" << text);
  throw;  // unreachable
}

void expect_error(const std::string& text, const std::string& key, int line, const std::string& detail_part) {
  const ConfigError e = error_of(text);
  INFO(e.what());
  CHECK(e.key() == key);
  CHECK(e.loc().line == line);
  CHECK(e.loc().file == "test.yaml");
  CHECK(e.detail().find(detail_part) != std::string::npos);
}

}  // namespace

TEST_CASE("the good base text loads with defaults filled in", "[frontend]") {
  const ModelSpec m = load_native_model_text(kGood, "test.yaml");
  CHECK(m.arch.name == "tiny");
  CHECK(m.arch.kv_heads == 4);
  CHECK(m.arch.arch == Arch::decoder);
  CHECK(m.arch.position == PositionEmbedding::learned);
  CHECK(m.arch.bias);
  CHECK_FALSE(m.arch.tied_embeddings);
  CHECK(m.training.compute == DType::fp16);
  CHECK(m.training.master == DType::fp32);
  CHECK(m.training.optimizer == "adamw");
  CHECK(m.source == "test.yaml");
}

TEST_CASE("every shipped model file loads", "[frontend]") {
  const ModelSpec gptj = load_native_model(model_path("gptj-6b"));
  CHECK(gptj.arch.layers == 28);
  CHECK(gptj.arch.hidden == 4096);
  CHECK(gptj.arch.vocab == 50257);
  CHECK(gptj.arch.rotary_dim == 64);
  CHECK(gptj.arch.parallel_block);
  CHECK(gptj.training.batch == 120);
  CHECK(gptj.training.seq == 2048);
  CHECK(gptj.source == model_path("gptj-6b"));

  const ModelSpec bert = load_native_model(model_path("bert-large"));
  CHECK(bert.arch.arch == Arch::encoder);
  CHECK(bert.arch.type_vocab == 2);
  CHECK(bert.training.batch == 1024);
  CHECK(bert.training.seq == 128);

  const ModelSpec llama = load_native_model(model_path("llama-7b"));
  CHECK(llama.arch.norm == NormKind::rmsnorm);
  CHECK(llama.arch.activation == ActivationKind::swiglu);
  CHECK_FALSE(llama.arch.bias);
  CHECK(llama.training.compute == DType::bf16);

  CHECK(load_native_model(model_path("gpt3-1.3b")).arch.hidden == 2048);
  CHECK(load_native_model(model_path("gpt2-small")).arch.tied_embeddings);
}

TEST_CASE("the built-in default is models/gpt2-small.yaml", "[frontend]") {
  const ModelSpec d = default_model();
  const ModelSpec f = load_native_model(model_path("gpt2-small"));
  CHECK(d.source == "<built-in models/gpt2-small.yaml>");
  CHECK(d.arch.name == f.arch.name);
  CHECK(d.arch.layers == 12);
  CHECK(d.arch.hidden == 768);
  CHECK(d.training.batch == f.training.batch);
}

TEST_CASE("unknown keys are named with a suggestion", "[frontend]") {
  expect_error(replace_line(kGood, 3, "  lyaers: 2"), "model.lyaers", 3, "did you mean 'layers'");
  expect_error(replace_line(kGood, 11, "  batch_size: 8"), "training.batch_size", 11, "did you mean 'batch'");
  expect_error(kGood + "optimiser: adam\n", "optimiser", 13, "unknown key");
}

TEST_CASE("missing required keys and sections", "[frontend]") {
  expect_error(replace_line(kGood, 4, "  # no hidden"), "model", 1, "'hidden'");
  expect_error(replace_line(kGood, 12, "  # no seq"), "training", 10, "'seq'");
  expect_error(kGood.substr(0, kGood.find("training:")), "", 1, "'training'");
}

TEST_CASE("duplicated keys are rejected at the second occurrence", "[frontend]") {
  expect_error(replace_line(kGood, 6, "  heads: 8"), "model.heads", 6, "first given on line 5");
  expect_error(kGood + "training:\n  batch: 4\n  seq: 16\n", "training", 13, "duplicated");
}

TEST_CASE("wrong types", "[frontend]") {
  expect_error(replace_line(kGood, 3, "  layers: twelve"), "model.layers", 3, "integer");
  expect_error(replace_line(kGood, 3, "  layers: 2.5"), "model.layers", 3, "integer");
  expect_error(replace_line(kGood, 3, "  layers: [1, 2]"), "model.layers", 3, "a list");
  expect_error(replace_line(kGood, 3, "  layers:"), "model.layers", 3, "nothing");
  expect_error(replace_line(kGood, 9, "  bias: perhaps"), "model.bias", 9, "true or false");
  expect_error(replace_line(kGood, 2, "  name: {a: 1}"), "model.name", 2, "string");
  expect_error(replace_line(kGood, 3, "  layers: 99999999999"), "model.layers", 3, "range");
  expect_error(kGood.substr(0, kGood.find("training:")) + "training: 5\n", "training", 10, "mapping");
}

TEST_CASE("non-positive numbers", "[frontend]") {
  expect_error(replace_line(kGood, 4, "  hidden: 0"), "model.hidden", 4, "positive");
  expect_error(replace_line(kGood, 11, "  batch: -8"), "training.batch", 11, "positive");
  expect_error(replace_line(kGood, 9, "  type_vocab: -1"), "model.type_vocab", 9, ">= 0");
}

TEST_CASE("enum values outside the allowed list say which are allowed", "[frontend]") {
  expect_error(replace_line(kGood, 9, "  norm: batchnorm"), "model.norm", 9,
               "expected one of layernorm, rmsnorm");
  expect_error(replace_line(kGood, 9, "  arch: seq2seq"), "model.arch", 9, "decoder, encoder");
  expect_error(kGood + "  precision: fp8\n", "training.precision", 13, "mixed_fp16, mixed_bf16, fp32");
  expect_error(kGood + "  optimizer: lamb\n", "training.optimizer", 13, "sgd");
}

TEST_CASE("shape rules across keys", "[frontend]") {
  expect_error(replace_line(kGood, 5, "  heads: 5"), "model.heads", 5, "must divide hidden");
  expect_error(replace_line(kGood, 9, "  kv_heads: 3"), "model.kv_heads", 9, "must divide heads");
  expect_error(replace_line(kGood, 12, "  seq: 64"), "training.seq", 12, "max_seq");
  expect_error(replace_line(kGood, 9, "  rotary_dim: 8"), "model.rotary_dim", 9, "rotary");
  // head dimension = 64 / 4 = 16
  expect_error(replace_line(kGood, 9, "  position: rotary\n  rotary_dim: 32"), "model.rotary_dim", 10,
               "head dimension");
  // head_dim sets the attention width (heads x head_dim) apart from hidden: heads 5 with
  // head_dim 16 is 80 wide on a 64-wide model, and rotary is bounded by it.
  const ModelSpec wide = load_native_model_text(
      replace_line(replace_line(kGood, 5, "  heads: 5"), 9, "  head_dim: 16"), "test.yaml");
  CHECK(wide.arch.head_dim == 16);
  expect_error(replace_line(kGood, 9, "  head_dim: 8\n  position: rotary\n  rotary_dim: 16"),
               "model.rotary_dim", 11, "head dimension (8)");
  expect_error(replace_line(kGood, 9, "  head_dim: 0"), "model.head_dim", 9, "");
  // Gemma 2's block layout: sandwich norms (pre-norm decoders only) and a window on every other
  // block; the window's period must be positive.
  const ModelSpec gemma = load_native_model_text(
      replace_line(kGood, 9,
                   "  sandwich_norm: true\n  logit_softcap: true\n  sliding_window: 16\n"
                   "  sliding_window_period: 2\n  attention_sinks: 4"),
      "test.yaml");
  CHECK(gemma.arch.sandwich_norm);
  CHECK(gemma.arch.sliding_window_period == 2);
  CHECK(gemma.arch.attention_sinks == 4);
  expect_error(replace_line(kGood, 9, "  sliding_window_period: 0"), "model.sliding_window_period", 9, "");
  expect_error(replace_line(kGood, 9, "  arch: encoder\n  sandwich_norm: true"), "model.sandwich_norm", 10,
               "pre-norm decoder");
}

TEST_CASE("YAML syntax errors carry the parser's line", "[frontend]") {
  const ConfigError e = error_of(replace_line(kGood, 7, "  vocab: [100"));
  INFO(e.what());
  CHECK(e.detail().find("YAML syntax error") != std::string::npos);
  CHECK(e.loc().line >= 7);
  expect_error(replace_line(kGood, 5, "\theads: 4"), "", 5, "YAML syntax error");
}

TEST_CASE("empty, missing, unreadable and directory paths", "[frontend]") {
  expect_error("", "model", 1, "empty");
  expect_error("# only a comment\n", "model", 1, "empty");
  expect_error("- a\n- b\n", "", 1, "mapping");

  const test::TempDir dir;
  const auto empty = dir.write("empty.yaml", "");
  CHECK_THROWS_AS(load_native_model(empty.string()), ConfigError);

  try {
    load_native_model("/nonexistent/wafersim/model.yaml");
    FAIL("no error for a missing file");
  } catch (const ConfigError& e) {
    CHECK(e.loc().file == "/nonexistent/wafersim/model.yaml");
    CHECK(e.detail().find("no such file") != std::string::npos);
  }
  try {
    load_native_model(std::string(WAFERSIM_SOURCE_DIR) + "/models");
    FAIL("no error for a directory");
  } catch (const ConfigError& e) {
    CHECK(e.detail().find("directory") != std::string::npos);
  }
}

TEST_CASE("odd inputs never raise anything but ConfigError", "[frontend]") {
  const std::string odd[] = {
      std::string("model:\n  name: \0x\n", 17),
      "model: &a\n  <<: *a\n",
      "model: *undefined\n",
      "model:\n  name: [\n",
      "{{{{",
      "model:\n  ? [complex, key]\n  : 1\n",
      "model:\n  name: x\n  layers: 0x10\n",
      "%YAML 9.9\n---\nmodel: 1\n",
      "\xff\xfe\x00\x01",
  };
  for (const auto& text : odd) {
    INFO(text);
    try {
      load_native_model_text(text, "odd.yaml");
    } catch (const ConfigError&) {
      SUCCEED();
    } catch (const std::exception& e) {
      FAIL("escaped: " << e.what());
    }
  }
}

TEST_CASE("activation_checkpointing is auto, true or false", "[frontend]") {
  const ModelSpec dflt = load_native_model_text(kGood, "test.yaml");
  CHECK(dflt.training.activation_checkpointing_auto);
  const ModelSpec a = load_native_model_text(kGood + "  activation_checkpointing: auto\n", "test.yaml");
  CHECK(a.training.activation_checkpointing_auto);
  const ModelSpec on = load_native_model_text(kGood + "  activation_checkpointing: true\n", "test.yaml");
  CHECK_FALSE(on.training.activation_checkpointing_auto);
  CHECK(on.training.activation_checkpointing);
  const ModelSpec off = load_native_model_text(kGood + "  activation_checkpointing: false\n", "test.yaml");
  CHECK_FALSE(off.training.activation_checkpointing_auto);
  CHECK_FALSE(off.training.activation_checkpointing);
  expect_error(kGood + "  activation_checkpointing: sometimes\n", "training.activation_checkpointing", 13,
               "auto, true, false");
}
