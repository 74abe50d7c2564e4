// load_model: the format is detected from the content.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/frontend/model_loader.hpp"

using namespace wafersim;

namespace {
ConfigError load_error(const std::string& name, const std::string& text) {
  const test::TempDir dir;
  const auto p = dir.write(name, text);
  try {
    load_model(p.string());
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError for " << name);
  throw;  // unreachable
}
}  // namespace

TEST_CASE("native YAML is detected from content, whatever the file name", "[frontend]") {
  const std::string path = std::string(WAFERSIM_SOURCE_DIR) + "/models/bert-large.yaml";
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const test::TempDir dir;
  const auto renamed = dir.write("bert.txt", text);
  const ModelSpec m = load_model(renamed.string());
  CHECK(m.arch.name == "bert-large");
  CHECK(load_model(path).arch.layers == 24);
}

TEST_CASE("unknown formats are named as such, listing the supported ones", "[frontend]") {
  const char* samples[][2] = {
      {"notes.txt", "just some text\nover two lines {\n"},
      {"other.yaml", "foo:\n  bar: 1\n"},
  };
  for (const auto& s : samples) {
    INFO(s[0]);
    const ConfigError e = load_error(s[0], s[1]);
    CHECK(e.detail().find("not recognised") != std::string::npos);
    CHECK(e.detail().find("native wafersim YAML") != std::string::npos);
    CHECK(e.detail().find("Model Zoo") != std::string::npos);
    CHECK(e.detail().find("ONNX") != std::string::npos);
  }
}

TEST_CASE("a broken native file gets its syntax error, not a format complaint", "[frontend]") {
  const ConfigError e = load_error("broken.yaml", "model:\n  layers: [12\n  hidden: 768\n");
  INFO(e.what());
  CHECK(e.detail().find("YAML syntax error") != std::string::npos);
  CHECK(e.loc().line > 0);
}

TEST_CASE("load_model reports missing files", "[frontend]") {
  CHECK_THROWS_AS(load_model("/nonexistent/wafersim/model.yaml"), ConfigError);
}
