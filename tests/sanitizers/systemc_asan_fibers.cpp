// Linked into every SystemC executable of a GCC sanitizer build only (CMakeLists.txt,
// WAFERSIM_SANITIZE). Works around SystemC 2.3.4's AddressSanitizer fiber annotations: when a
// coroutine switches back to the main one, SystemC passes the main coroutine's stack as empty
// (bottom 0, size 0), so ASan forgets the main thread's stack bounds. After the simulation,
// ASan then cannot unpoison the frames an exception unwinds ("ASan is ignoring requested
// __asan_handle_no_return: stack type: default top: 0x000000000000", google/sanitizers#189)
// and reports false stack-buffer-overflows on the error paths of the CLI. This definition, in
// the executable, comes before libasan.so in symbol lookup: it substitutes the real bounds of
// the main thread's stack and calls ASan's own function.
#include <dlfcn.h>
#include <pthread.h>

#include <cstddef>

namespace {
struct StackBounds {
  const void* bottom = nullptr;
  std::size_t size = 0;
};
StackBounds main_stack() {
  StackBounds b;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return b;
  void* addr = nullptr;
  if (pthread_attr_getstack(&attr, &addr, &b.size) == 0) b.bottom = addr;
  pthread_attr_destroy(&attr);
  return b;
}
}  // namespace

extern "C" void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size) {
  using Fn = void (*)(void**, const void*, std::size_t);
  static const Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "__sanitizer_start_switch_fiber"));
  static const StackBounds main_bounds = main_stack();  // SystemC runs its kernel on the main thread
  if (bottom == nullptr && size == 0) {
    bottom = main_bounds.bottom;
    size = main_bounds.size;
  }
  if (real != nullptr) real(fake_stack_save, bottom, size);
}
