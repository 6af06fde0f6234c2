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

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

missing=()
for pkg in "${!PACKAGES[@]}"; do
  command -v "${PACKAGES[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [ -n "$SUDO" ] && ! command -v sudo >/dev/null 2>&1; then
    echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1
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

# The standard-cell kit (constraints/pdk.toml): KAIZEN_PDK_DIR, else the copy
# beside the project, else the pinned revision fetched into build/pdk/gt2n.
root=$(cd "$(dirname "$0")/.." && pwd)
conf="$root/constraints/pdk.toml"
value() { sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" "$conf"; }
lib_rel=$(value liberty | sed "s/{vt}/$(value default_vt)/")
if [ -n "${KAIZEN_PDK_DIR:-}" ]; then
  [ -f "$KAIZEN_PDK_DIR/$lib_rel" ] || { echo "setup: KAIZEN_PDK_DIR=$KAIZEN_PDK_DIR has no $lib_rel" >&2; exit 1; }
  pdk_dir=$KAIZEN_PDK_DIR
elif [ -f "$root/$(value dir)/$lib_rel" ]; then
  pdk_dir="$root/$(value dir)"
else
  pdk_dir="$root/$(value fetched_dir)"
  if [ ! -f "$pdk_dir/$lib_rel" ]; then
    command -v git >/dev/null 2>&1 || { $SUDO apt-get install -y -qq git; }
    rev=$(value revision)
    echo "setup: fetching $(value name) revision $rev into $pdk_dir"
    tmp=$(mktemp -d)
    git -C "$tmp" init -q
    git -C "$tmp" remote add origin "$(value repository)"
    git -C "$tmp" fetch -q --depth 1 origin "$rev"
    git -C "$tmp" checkout -q FETCH_HEAD
    # Same layout as the copy beside the project (see its SOURCE file).
    mkdir -p "$pdk_dir/lib" "$pdk_dir/lef"
    cp "$tmp"/LICENSE "$tmp"/README.md "$pdk_dir/"
    cp "$tmp"/lib/tt/gt2_6t_w31_*_tt_0p7v25c.lib "$pdk_dir/lib/"
    cp "$tmp"/lef/tt/gt2_6t_w31_*.lef "$pdk_dir/lef/"
    cp "$tmp"/techlib/gt2_tech.lef "$pdk_dir/lef/"
    echo "fetched from $(value repository) at $rev" > "$pdk_dir/SOURCE"
    rm -rf "$tmp"
  fi
fi
[ -f "$pdk_dir/$lib_rel" ] || { echo "setup: no $lib_rel in $pdk_dir" >&2; exit 1; }

echo "setup: ok ($(verilator --version | cut -d' ' -f1-2), $(yosys -V | cut -d' ' -f1-2), OpenSTA $(sta -version), PDK in $pdk_dir)"
