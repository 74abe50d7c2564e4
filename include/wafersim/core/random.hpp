#pragma once
// splitmix64: tiny, portable and fully specified, so a seed means the same numbers on every
// machine (std:: distributions are implementation-defined). The sweep's random sampling and
// the serving simulation's arrivals use it.
#include <cstdint>

namespace wafersim {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), unbiased (rejection).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t r = 0;
    do r = next();
    while (r >= limit);
    return r % n;
  }
  // Uniform in (0, 1]: the top 53 bits, never 0 (a logarithm takes it).
  double uniform() { return (static_cast<double>(next() >> 11) + 1.0) / 9007199254740992.0; }
};

}  // namespace wafersim
