#include "wafersim/tile/zeroed_buffer.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace wafersim::detail {

namespace {
constexpr std::size_t kPage = 4096;
constexpr std::size_t kHuge = 2u << 20;
}  // namespace

void* map_zeroed(std::size_t bytes, std::size_t& mapped) {
  if (bytes < kHuge) {
    mapped = (bytes + kPage - 1) / kPage * kPage;
    void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  // Map one huge page more than needed, then trim both ends so the buffer starts on a 2 MiB
  // boundary (the kernel only backs aligned 2 MiB ranges with huge pages).
  mapped = (bytes + kHuge - 1) / kHuge * kHuge;
  const std::size_t over = mapped + kHuge;
  void* raw = ::mmap(nullptr, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto base = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (base + kHuge - 1) / kHuge * kHuge;
  if (aligned > base) ::munmap(raw, aligned - base);
  if (const std::uintptr_t tail = base + over - (aligned + mapped); tail > 0)
    ::munmap(reinterpret_cast<void*>(aligned + mapped), tail);
  void* p = reinterpret_cast<void*>(aligned);
  ::madvise(p, mapped, MADV_HUGEPAGE);  // a hint: without THP the pages are simply 4 KiB
  return p;
}

void unmap(void* p, std::size_t mapped) noexcept { ::munmap(p, mapped); }

}  // namespace wafersim::detail
