#pragma once
// Shared by the libFuzzer targets (docs/reliability.md): the exceptions a bad input may raise,
// everything else is a finding (abort, so libFuzzer saves the input), and invariant checks.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>

#include "wafersim/core/error.hpp"

namespace wafersim::fuzz {

[[noreturn]] inline void finding(std::string_view what) {
  std::fprintf(stderr, "FUZZ FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

// Fails the run unless `ok`; `what` says which invariant.
inline void require(bool ok, std::string_view what) {
  if (!ok) finding(what);
}
inline void require_time(double t, std::string_view what) { require(std::isfinite(t) && t > 0, what); }

// Runs `f`; the documented user-facing errors are fine, anything else is a finding.
template <class F>
void guarded(F&& f) {
  try {
    f();
  } catch (const ConfigError&) {
  } catch (const UsageError&) {
  } catch (const FitError&) {
  } catch (const std::exception& e) {
    finding(std::string("undocumented exception: ") + e.what());
  } catch (...) {
    finding("non-std exception");
  }
}

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// One temp file per process, rewritten for every input (loaders that take a path).
inline const std::string& temp_path(const char* suffix) {
  static const std::string path = [&] {
    const char* dir = std::getenv("TMPDIR");
    std::string p = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/wafersim-fuzz-" +
                    std::to_string(::getpid()) + suffix;
    std::atexit([] { std::remove(temp_path("").c_str()); });
    return p;
  }();
  return path;
}
inline const std::string& write_temp(const std::uint8_t* data, std::size_t size, const char* suffix) {
  const std::string& p = temp_path(suffix);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) finding("cannot write the fuzz temp file " + p);
  return p;
}

}  // namespace wafersim::fuzz
