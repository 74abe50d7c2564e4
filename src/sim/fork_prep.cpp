// Process memory a forking parent does not need resident (see simulator.hpp).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <systemc>

#include "wafersim/sim/simulator.hpp"

namespace wafersim {

void release_systemc_scratch() {
  // SystemC's static initialisers allocate sc_temp_heap (3 MiB, the scratch heap of sc_dt
  // concatenations) and memset it to zero, so every process starts with it resident. Zero
  // pages dropped with MADV_DONTNEED read as zero again on demand, so SystemC sees the same
  // contents; what changes is that fork() no longer copies 768 page-table entries for it.
  auto& heap = sc_core::sc_temp_heap;
  if (heap.m_bgn_p == nullptr || heap.m_end_p <= heap.m_bgn_p) return;
  if (heap.m_next_p != heap.m_bgn_p) return;  // used: its contents are no longer all zero
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto bgn = (reinterpret_cast<std::uintptr_t>(heap.m_bgn_p) + page - 1) & ~(page - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(heap.m_end_p) & ~(page - 1);
  if (end > bgn) ::madvise(reinterpret_cast<void*>(bgn), end - bgn, MADV_DONTNEED);
}

}  // namespace wafersim
