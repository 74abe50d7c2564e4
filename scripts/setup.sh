#!/usr/bin/env bash
# Installs the Debian packages wafersim needs, only those missing. Idempotent and
# quiet when everything is already there.
set -euo pipefail

PKGS=(
  cmake g++ make pkg-config
  libsystemc-dev libboost-graph-dev libfmt-dev libspdlog-dev catch2
  libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libpng-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  libsqlite3-dev sqlite3 libopenmpi-dev openmpi-bin
  python3   # the system tests edit files with it; scripts/calibrate.py
  python3-dev pybind11-dev python3-pytest  # the Python module (src/python) and its tests
)
# Optional: ccache speeds up rebuilds; matplotlib draws sweep plots (scripts/plot_sweep.py);
# clang + its runtime build the libFuzzer targets (scripts/fuzz.sh).
# pandas: ws.sweep()/Result.layers return DataFrames (lists of dicts without it); scipy: the
# optimizer example (scripts/examples/).
OPTIONAL=(ccache python3-matplotlib clang libclang-rt-14-dev python3-pandas python3-scipy)

missing=()
for p in "${PKGS[@]}" "${OPTIONAL[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# Required packages must install; optional ones may fail without stopping the build.
req=()
for p in "${missing[@]}"; do
  case " ${OPTIONAL[*]} " in *" $p "*) ;; *) req+=("$p");; esac
done
if [ ${#req[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${req[@]}" >/dev/null
fi
for p in "${OPTIONAL[@]}"; do
  case " ${missing[*]} " in *" $p "*)
    $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 || echo "setup: optional $p not installed";;
  esac
done
echo "setup: done"
