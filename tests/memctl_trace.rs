//! Request traces from files (DRAMsim3, Ramulator, Ramulator CPU traces):
//! each format read into the requests its lines say, bad lines named by
//! file and line, and the shipped traces run through the RTL controller
//! against the HBM device model.

use kaizen_hdl::memctl::mapping::capacity;
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::models::trace_file::{parse, TraceFormat};
use std::process::Command;

const BURST: usize = 32;

fn cap() -> u64 {
    capacity(&MemParams::preset("hbm3-6400").unwrap().geometry)
}

/// (burst address, write, arrival) of each request.
fn shape(text: &str, format: Option<TraceFormat>) -> Vec<(u64, bool, u64)> {
    let t = parse("t.trace", text, format, BURST, cap(), 1).unwrap();
    t.requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            assert_eq!(r.id as usize, i);
            assert_eq!(r.data.len(), BURST);
            (r.addr, r.write, r.arrival)
        })
        .collect()
}

#[test]
fn dramsim3_lines_become_requests_at_their_cycles() {
    let text = "# comment\n0x40 READ 0\n\n0x1000 WRITE 7\n0x1020 READ 7\n";
    let t = parse("t.trace", text, None, BURST, cap(), 1).unwrap();
    assert_eq!(t.format, TraceFormat::Dramsim3);
    assert_eq!(
        shape(text, None),
        [
            (0x40 / 32, false, 0),
            (0x1000 / 32, true, 7),
            (0x1020 / 32, false, 7)
        ]
    );
}

#[test]
fn ramulator_memory_trace_offers_requests_back_to_back() {
    let text = "0x12345680 R\n0x4cbd56c0 W\n";
    assert_eq!(
        shape(text, Some(TraceFormat::Ramulator)),
        // Both beyond this 256 MiB pseudo-channel: folded into it.
        [
            (0x12345680 / 32 % cap(), false, 0),
            (0x4cbd56c0 / 32 % cap(), true, 0)
        ]
    );
}

#[test]
fn ramulator_cpu_trace_spends_a_cycle_per_bubble_and_writes_back_after_the_read() {
    // 3 bubbles, a read at cycle 3; 1 bubble after it (cycle 4 is the
    // read's own), a read and its write-back at cycle 5.
    let text = "3 20734016\n1 20846400 20734016\n";
    assert_eq!(
        shape(text, None),
        [
            (20734016 / 32, false, 3),
            (20846400 / 32, false, 5),
            (20734016 / 32, true, 5)
        ]
    );
}

#[test]
fn addresses_beyond_the_device_fold_into_it_and_are_counted() {
    let beyond = cap() * BURST as u64 + 64;
    let t = parse(
        "t",
        &format!("0x{beyond:x} R\n0x40 R\n"),
        None,
        BURST,
        cap(),
        1,
    )
    .unwrap();
    assert_eq!(t.folded, 1);
    assert_eq!(t.requests[0].addr, 2);
}

#[test]
fn bad_lines_are_named_by_file_and_line() {
    let cases = [
        (
            "0x40 READ 5\n0x80 READ 4\n",
            "t.trace:2: cycle 4 is earlier",
        ),
        (
            "0x40 READ 5\n0x80 FETCH 6\n",
            "t.trace:2: expected `<hex address> <READ|WRITE> <cycle>`",
        ),
        (
            "0x40 R\nzz W\n",
            "t.trace:2: expected `<hex address> <R|W>`",
        ),
        ("3 100\nx 200\n", "t.trace:2: expected `<bubbles>"),
        ("hello\n", "t.trace:1: not a trace line of a known format"),
        ("# only a comment\n", "t.trace: no requests"),
    ];
    for (text, want) in cases {
        let e = parse("t.trace", text, None, BURST, cap(), 1)
            .err()
            .unwrap_or_else(|| panic!("accepted: {text:?}"));
        assert!(e.contains(want), "{text:?}: {e}");
    }
    assert!(TraceFormat::parse("gem5").is_err());
}

fn requests_in(path: &str) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_whitespace().count() {
            3 if !l.contains("READ") && !l.contains("WRITE") => 2, // read + write-back
            _ => 1,
        })
        .sum()
}

/// The shipped traces through the RTL controller: the device model checks
/// every command, every request is answered with its data.
#[test]
fn shipped_traces_run_clean_through_the_rtl() {
    for (file, format) in [
        ("sim/traces/stream_copy.dramsim3.trace", "Dramsim3"),
        (
            "sim/traces/pointer_chase.ramulator-cpu.trace",
            "RamulatorCpu",
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_kaizen"))
            .args(["sim", "memctl", "--trace", file])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{file}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let want = format!("({format}, {} requests)", requests_in(file));
        assert!(out.contains(&want), "{want} in {out}");
        assert!(
            out.contains("timing violations                          0"),
            "{out}"
        );
    }
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.trace");
    std::fs::write(&bad, "0x40 READ 1\n0x80 READ\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(["sim", "memctl", "--trace", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("bad.trace:2: expected"), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "{e}");
}
