# Sanitizer run-time options for the ASan/UBSan build (scripts/sanitize.sh sources this;
# source it yourself to run a test or the binary of build-asan/ by hand). One place for every
# option and suppression; each one says why it is there.
_san_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# SystemC's coroutine switches are annotated for ASan (its main-coroutine bug is worked around
#   by systemc_asan_fibers.cpp, linked into the GCC sanitizer build).
# handle_segv=0: tests that crash a sweep point on purpose must see the real SIGSEGV (ASan would
#   turn it into exit code 1 and the point would be "failed", not "crashed"); a real segfault
#   still fails its test.
# OpenMPI's leaks (lsan.supp) only match with whole allocation stacks through its libraries,
#   built without frame pointers: add fast_unwind_on_malloc=0 when running mpirun under ASan
#   (it makes every test ~2.5x slower, so it is not the default; system.sweep adds it for
#   itself).
# detect_leaks=1 with lsan.supp; halt_on_error=1: a report fails the test (non-zero exit).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:handle_segv=0:strict_string_checks=1:check_initialization_order=1:detect_container_overflow=1:suppressions=${_san_dir}/asan.supp"
export LSAN_OPTIONS="suppressions=${_san_dir}/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=${_san_dir}/ubsan.supp"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# Tests that cannot work under ASan (RLIMIT_AS) skip just that check when they see this.
export WAFERSIM_SANITIZED=1
unset _san_dir
