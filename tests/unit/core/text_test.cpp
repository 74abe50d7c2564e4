// The shared readers' helpers: whole-file reads with user-facing errors, did-you-mean.
#include "wafersim/core/text.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"

using namespace wafersim;

TEST_CASE("read_text_file reads a file whole and names what is wrong otherwise", "[core]") {
  const test::TempDir dir;
  const std::string path = (dir.path() / "a.yaml").string();
  std::string data = "a: 1\n";
  data += '\0';  // binary-safe (ONNX files are read the same way)
  data += "end";
  {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
  CHECK(read_text_file(path, "system file") == data);
  auto detail_of = [](const std::string& p) {
    try {
      read_text_file(p, "system file");
    } catch (const ConfigError& e) {
      CHECK(e.loc().file == p);
      return e.detail();
    }
    FAIL("expected a ConfigError for " << p);
    return std::string();
  };
  CHECK(detail_of((dir.path() / "missing.yaml").string()) == "cannot open system file: no such file");
  CHECK(detail_of("") == "cannot open system file: no such file");
  CHECK(detail_of(dir.path().string()) == "is a directory, expected a system file");
}

TEST_CASE("edit distance and did-you-mean suggestions", "[core]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(closest_match("hiden", {"hidden", "heads", "layers"}) == "hidden");
  CHECK(closest_match("batch_size", {"batch", "seq"}) == "batch");  // a known key with a suffix
  CHECK(closest_match("zzzzzz", {"hidden", "heads"}).empty());
}

TEST_CASE("valid_utf8 accepts UTF-8 and rejects what JSON cannot carry", "[core]") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("CS-3 plain ASCII"));
  CHECK(valid_utf8("\xC3\xA9t\xC3\xA9"));              // é
  CHECK(valid_utf8("\xE2\x80\x94 \xF0\x9F\x98\x80"));  // em dash, an emoji
  CHECK_FALSE(
      valid_utf8("ab\xFF"
                 "c"));                         // never a UTF-8 byte
  CHECK_FALSE(valid_utf8("\x80"));              // a continuation byte first
  CHECK_FALSE(valid_utf8("\xC3"));              // cut short
  CHECK_FALSE(valid_utf8("\xE2\x80"));          // cut short
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(valid_utf8("\xC3("));             // a lead byte without its continuation
}
