// release_systemc_scratch: SystemC's pre-zeroed scratch heap stops being resident, and what
// SystemC reads from it is unchanged (zeros).
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <systemc>
#include <vector>

#include "wafersim/sim/simulator.hpp"

namespace {
// Resident pages of [b, e), whole pages inside it only.
std::size_t resident_pages(const char* b, const char* e) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto lo = (reinterpret_cast<std::uintptr_t>(b) + page - 1) & ~(page - 1);
  const auto hi = reinterpret_cast<std::uintptr_t>(e) & ~(page - 1);
  if (hi <= lo) return 0;
  std::vector<unsigned char> v((hi - lo) / page);
  REQUIRE(::mincore(reinterpret_cast<void*>(lo), hi - lo, v.data()) == 0);
  std::size_t n = 0;
  for (unsigned char c : v) n += c & 1u;
  return n;
}
}  // namespace

TEST_CASE("SystemC's scratch heap is handed back and still reads as zero", "[sim]") {
  auto& heap = sc_core::sc_temp_heap;
  REQUIRE(heap.m_bgn_p != nullptr);
  REQUIRE(heap.m_next_p == heap.m_bgn_p);  // nothing in this process has used it
  const std::size_t before = resident_pages(heap.m_bgn_p, heap.m_end_p);
  CHECK(before > 500);  // SystemC zeroes 3 MiB of it at load: resident in every process
  wafersim::release_systemc_scratch();
  CHECK(resident_pages(heap.m_bgn_p, heap.m_end_p) == 0);
  bool zero = true;
  for (const char* p = heap.m_bgn_p; p != heap.m_end_p; ++p) zero = zero && *p == 0;
  CHECK(zero);
  CHECK(heap.m_next_p == heap.m_bgn_p);
  wafersim::release_systemc_scratch();  // again: harmless
  CHECK(heap.length() == 0x300000);
}
