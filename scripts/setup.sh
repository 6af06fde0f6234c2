#!/usr/bin/env bash
# Installs every system tool Kaizen needs, with apt. Safe to run again:
# it installs only what is missing. Fails loudly on any error.
set -euo pipefail

# Debian package -> command it provides.
declare -A PACKAGES=(
  [verilator]=verilator   # cycle simulation and lint
  [yosys]=yosys           # structural lint (and synthesis)
  [opensta]=sta           # static timing
  [g++]=g++               # compiles Verilator models
  [make]=make
)

missing=()
for pkg in "${!PACKAGES[@]}"; do
  command -v "${PACKAGES[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

for pkg in "${!PACKAGES[@]}"; do
  command -v "${PACKAGES[$pkg]}" >/dev/null 2>&1 || { echo "setup: ${PACKAGES[$pkg]} still missing after installing $pkg" >&2; exit 1; }
done

command -v cargo >/dev/null 2>&1 || { echo "setup: cargo not found; install Rust with rustup (https://rustup.rs)" >&2; exit 1; }

verilator_major=$(verilator --version | awk '{print $2}' | cut -d. -f1)
if [ "${verilator_major:-0}" -lt 5 ]; then
  echo "setup: Verilator 5 or newer is needed, found $(verilator --version)" >&2
  exit 1
fi

echo "setup: ok ($(verilator --version | cut -d' ' -f1-2), $(yosys -V | cut -d' ' -f1-2), $(g++ --version | head -1))"
