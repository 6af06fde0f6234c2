"""Lets PyPI's openroad wheel (built for glibc 2.38) load on glibc 2.36
(Debian 12). Run by scripts/setup.sh only when the C library is older than
2.38; docs/flow.md says what and why.

    openroad_compat.py SITE_PACKAGES SHIM.so

For each extension module: the symbols bound to GLIBC_2.38 lose their
version (patchelf), so fmod binds to the older fmod and the __isoc23_*
names to the shim library, which is added as a needed library; the
remaining GLIBC_2.38 entries of the version-needs table are marked weak
(VER_FLG_WEAK), which glibc's loader reports but does not refuse.
"""

import os
import shutil
import struct
import subprocess
import sys

MODULES = ["_openroadpy.so", "src/odb/_odb.so", "src/utl/_utl.so"]
VERSION = "GLIBC_2.38"
SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def versioned_symbols(path):
    out = subprocess.run(["objdump", "-T", path], check=True, capture_output=True, text=True)
    names = set()
    for line in out.stdout.splitlines():
        if f"({VERSION})" in line or f" {VERSION} " in line:
            names.add(line.split()[-1])
    return sorted(names)


def weaken(path):
    """Marks the VERSION entries of the ELF64 version-needs table weak."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a little-endian ELF64 file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    marked = 0
    for _name, kind, _fl, _addr, offset, _size, link, count, _al, _es in sections:
        if kind != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]

        def string(o):
            start = strtab + o
            return data[start:data.index(0, start)].decode()

        need = offset
        for _ in range(count):
            _ver, aux_count, _file, aux, next_need = struct.unpack_from("<HHIII", data, need)
            entry = need + aux
            for _ in range(aux_count):
                _hash, flags, _other, name, next_aux = struct.unpack_from("<IHHII", data, entry)
                if string(name) == VERSION:
                    struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                    marked += 1
                entry += next_aux
            need += next_need
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    shutil.copymode(path, tmp)
    os.replace(tmp, path)
    return marked


def main(site, shim):
    shutil.copy(shim, os.path.join(site, os.path.basename(shim)))
    for rel in MODULES:
        path = os.path.join(site, rel)
        symbols = versioned_symbols(path)
        for s in symbols:
            subprocess.run(["patchelf", "--clear-symbol-version", s, path], check=True)
        weaken(path)
        needed = subprocess.run(["patchelf", "--print-needed", path], check=True, capture_output=True, text=True)
        if os.path.basename(shim) not in needed.stdout.split():
            subprocess.run(["patchelf", "--add-needed", os.path.basename(shim), path], check=True)
        # The shim sits at the top of site-packages.
        up = os.path.relpath(site, os.path.dirname(path))
        subprocess.run(["patchelf", "--set-rpath", f"$ORIGIN/{up}", path], check=True)
        print(f"openroad_compat: {rel}: {len(symbols)} symbols unversioned")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: openroad_compat.py SITE_PACKAGES SHIM.so")
    main(sys.argv[1], sys.argv[2])
