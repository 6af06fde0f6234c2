#!/usr/bin/env python3
"""Writes the example request traces in sim/traces/ (made here, not taken
from any workload): a STREAM-copy loop in DRAMsim3's format and a
pointer chase with write-backs in Ramulator's CPU-trace format.

    python3 scripts/make_traces.py
"""
import os

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sim", "traces")


def stream_copy(path, elements=1024, line=64):
    # b[i] = a[i] over 64-byte lines: a read of a's line, a write of b's,
    # one line every 4 controller cycles.
    a, b = 0x0010_0000, 0x0090_0000
    with open(path, "w") as f:
        f.write("# STREAM copy, b[i] = a[i], 64-byte lines (scripts/make_traces.py)\n")
        f.write("# DRAMsim3 format: <hex address> <READ|WRITE> <cycle>\n")
        for i in range(elements):
            f.write(f"0x{a + i * line:08x} READ {4 * i}\n")
            f.write(f"0x{b + i * line:08x} WRITE {4 * i + 2}\n")


def pointer_chase(path, loads=1024):
    # A linked list scattered over 256 MiB by a fixed LCG; every eighth
    # load evicts a dirty line (its write-back address), and 2..40
    # non-memory instructions between loads.
    x = 12345
    with open(path, "w") as f:
        f.write("# pointer chase over 256 MiB with write-backs (scripts/make_traces.py)\n")
        f.write("# Ramulator CPU trace: <bubbles> <read address> [<writeback address>]\n")
        for i in range(loads):
            x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
            addr = (x >> 20) % (256 << 20) // 64 * 64
            bubbles = 2 + (x >> 8) % 39
            if i % 8 == 7:
                victim = (x >> 36) % (256 << 20) // 64 * 64
                f.write(f"{bubbles} {addr} {victim}\n")
            else:
                f.write(f"{bubbles} {addr}\n")


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    stream_copy(os.path.join(HERE, "stream_copy.dramsim3.trace"))
    pointer_chase(os.path.join(HERE, "pointer_chase.ramulator-cpu.trace"))
