#!/usr/bin/env bash
# Fresh Debian machine -> installs what is missing, builds everything, runs every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "${WAFERSIM_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j "${WAFERSIM_JOBS:-$(nproc)}" --timeout 600
