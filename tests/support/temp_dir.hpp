#pragma once
// A unique temporary directory per test, removed (with everything in it) when it goes out of
// scope. Tests run in parallel (ctest -j): never write a fixed name into the temp dir itself.
#include <stdio.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace wafersim::test {

class TempDir {
 public:
  TempDir() {
    // Under $TMPDIR when set (as mktemp -d), else the C library's temp dir (P_tmpdir).
    const char* env = std::getenv("TMPDIR");
    const std::filesystem::path base = env && *env ? env : P_tmpdir;
    std::string tmpl = (base / "wafersim_test_XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // A path inside the directory (the file is not created).
  std::filesystem::path file(const std::string& name) const { return path_ / name; }
  // Writes `text` to `name` inside the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = file(name);
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace wafersim::test
