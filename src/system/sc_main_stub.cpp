// Debian's libsystemc.so defines main() in terms of sc_main(). wafersim has its own main()
// and starts the kernel with sc_start() from library code, so sc_main is never called; it
// only has to exist for the shared library's reference to resolve.
#include <cstdio>

extern "C" int sc_main(int /*argc*/, char* /*argv*/[]) {
  std::fputs("wafersim: sc_main is not an entry point\n", stderr);
  return 1;
}
