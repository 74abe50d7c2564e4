#!/usr/bin/env bash
# Tests run in parallel (ctest -j): a test that writes a fixed name into the temp dir collides
# with another one, or with itself run twice. Fails when any test source names the temp dir
# directly instead of using test::TempDir (tests/support/temp_dir.hpp) or `mktemp -d`.
# Usage: temp_names_test.sh ROOT
set -uo pipefail
root="$1"
cd "$root/tests" || exit 2
hits=$(grep -rnE 'temp_directory_path|"/tmp/|[^$]/tmp/[A-Za-z_]' --include='*.cpp' --include='*.hpp' \
         --include='*.sh' --include='*.py' . |
       grep -v '^./system/temp_names_test.sh:' |
       grep -v '^./fuzz/fuzz_common.hpp:.*getpid' || true)
# fuzz_common.hpp names its per-process file with the pid on the same statement's next line.
hits=$(echo "$hits" | grep -v '^./fuzz/fuzz_common.hpp:' | sed '/^$/d')
if [ -n "$hits" ]; then
  echo "FAIL: tests name the temp dir directly (use test::TempDir or mktemp -d):"
  echo "$hits"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "1 passed, 0 failed"
