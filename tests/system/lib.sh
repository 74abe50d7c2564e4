# Shared by the system test scripts (source it): arguments, a temporary directory, counters
# and `expect`. Usage in a script: source "$(dirname "$0")/lib.sh" "$@"
set -uo pipefail
bin="$1"
root="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE "fragment" args...: runs wafersim, checks the exit code and that stdout+stderr
# contain the fragment.
expect() {
  local code="$1" frag="$2"
  shift 2
  local out rc
  out="$("$bin" "$@" 2>&1)"
  rc=$?
  if [ "$rc" -ne "$code" ]; then bad "wafersim $* -> exit $rc, expected $code"; echo "$out" | tail -5; return; fi
  if ! grep -qF -- "$frag" <<<"$out"; then bad "wafersim $* -> output lacks '$frag'"; echo "$out" | tail -5; return; fi
  ok
}
