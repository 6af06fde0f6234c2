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
  [python3]=python3       # OpenROAD runs as a Python module (.venv)
  [patchelf]=patchelf     # OpenROAD's compatibility step on glibc < 2.38
  [binutils]=objdump
  [slurmctld]=slurmctld   # a one-node Slurm cluster for sharded regressions
  [slurmd]=slurmd         #   (scripts/slurm_cluster.sh starts it)
  [slurm-client]=sbatch
  [munge]=munged          # Slurm's authentication
  [chromium]=chromium     # `kaizen report` checks its page in headless Chromium
)
# Daemons live in /usr/sbin, which a user's PATH may lack.
export PATH=$PATH:/usr/sbin

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
# Debian's python3 makes environments only with python3-venv.
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  echo "setup: installing python3-venv"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv
fi

command -v cargo >/dev/null 2>&1 || { echo "setup: cargo not found; install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
# The test runner of the README's test command (all tests of all binaries in
# one pool: the two cores stay busy); built from crates.io where missing.
# 0.9.91 or newer: .config/nextest.toml sets test priorities.
nextest_version=$(cargo nextest --version 2>/dev/null | awk 'NR == 1 {print $2}')
if [ -z "$nextest_version" ] || [ "$(printf '%s\n0.9.91\n' "$nextest_version" | sort -V | head -1)" != "0.9.91" ]; then
  echo "setup: installing cargo-nextest >= 0.9.91 (cargo install --locked; found: ${nextest_version:-none})"
  cargo install --locked cargo-nextest
fi

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

# OpenROAD: PyPI's `openroad` (the engine as a Python extension module),
# pinned, in the project's environment .venv (docs/flow.md). The wheel is
# built for glibc 2.38; on an older C library (Debian 12 has 2.36) pip
# refuses it, so it is fetched for its platform tag and patched
# (scripts/openroad_compat.py, scripts/isoc23_shim.c).
OPENROAD_VERSION=0.0.1
venv="$root/.venv"
mkdir -p "$root/build"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c 'import openroad' >/dev/null 2>&1; then
  glibc=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
  echo "setup: installing openroad $OPENROAD_VERSION from PyPI into $venv (glibc $glibc)"
  if [ "$(printf '%s\n2.38\n' "$glibc" | sort -V | head -1)" = "2.38" ]; then
    "$venv/bin/pip" install -q "openroad==$OPENROAD_VERSION"
  else
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    "$venv/bin/pip" install -q --upgrade --no-deps --only-binary=:all: \
      --platform manylinux_2_38_x86_64 --target "$site" "openroad==$OPENROAD_VERSION"
    gcc -shared -fPIC -O2 -o "$root/build/libkaizen_isoc23.so" "$root/scripts/isoc23_shim.c"
    "$venv/bin/python" "$root/scripts/openroad_compat.py" "$site" "$root/build/libkaizen_isoc23.so"
  fi
fi
# KLayout (PyPI) renders the routed layouts to PNG (scripts/layout_png.py).
KLAYOUT_VERSION=0.30.12
if ! "$venv/bin/python" -c 'import klayout.lay' >/dev/null 2>&1; then
  echo "setup: installing klayout $KLAYOUT_VERSION from PyPI into $venv"
  "$venv/bin/pip" install -q "klayout==$KLAYOUT_VERSION"
fi
tech_lef="$pdk_dir/$(value tech_lef)"
cell_lef="$pdk_dir/$(value cell_lef | sed "s/{vt}/$(value default_vt)/")"
inverter="gt2_6t_inv_x1_w31_$(value default_vt)"
if ! "$venv/bin/python" "$root/scripts/openroad_check.py" "$tech_lef" "$cell_lef" \
    "$pdk_dir/$lib_rel" "$inverter" "$root/build/openroad-check" >"$root/build/openroad-check.log" 2>&1; then
  echo "setup: OpenROAD does not run (log: $root/build/openroad-check.log):" >&2
  tail -5 "$root/build/openroad-check.log" >&2
  exit 1
fi

echo "setup: ok ($(verilator --version | cut -d' ' -f1-2), $(yosys -V | cut -d' ' -f1-2), OpenSTA $(sta -version), OpenROAD $OPENROAD_VERSION (PyPI), PDK in $pdk_dir)"
