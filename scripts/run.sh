#!/usr/bin/env bash
# Fresh Debian machine -> installs what is missing, builds, runs the default simulation.
# Extra arguments go to `wafersim run` (e.g. ./scripts/run.sh --model models/gptj-6b.yaml).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
WAFERSIM_TARGET=wafersim "$root/scripts/build.sh"
exec "${WAFERSIM_BUILD_DIR:-$root/build}/wafersim" run "$@"
