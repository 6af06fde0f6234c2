//! The `kaizen` command as a user meets it: outputs, and clear one-line
//! errors with a non-zero exit on bad input.

use std::path::Path;
use std::process::{Command, Output};

fn kaizen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(args)
        .output()
        .expect("run kaizen")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read_dir_sorted(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn emit_all_twice_is_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [&a, &b] {
        let o = kaizen(&["emit", "--all", "--out", d.path().to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (fa, fb) = (read_dir_sorted(a.path()), read_dir_sorted(b.path()));
    assert!(fa.iter().any(|(n, _)| n == "manifest.json"));
    assert!(fa.iter().any(|(n, _)| n == "kaizen_fifo.v"));
    assert_eq!(fa, fb);
}

#[test]
fn manifest_lists_ports_and_hash() {
    let d = tempfile::tempdir().unwrap();
    assert!(
        kaizen(&["emit", "fifo", "--out", d.path().to_str().unwrap()])
            .status
            .success()
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("manifest.json")).unwrap())
            .unwrap();
    let fifo = &m["blocks"][0];
    assert_eq!(fifo["top_module"], "kaizen_fifo");
    let data_in = fifo["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "data_in")
        .unwrap();
    assert_eq!(
        (data_in["direction"].as_str(), data_in["width"].as_u64()),
        (Some("input"), Some(32))
    );
    let verilog = std::fs::read(d.path().join("kaizen_fifo.v")).unwrap();
    use sha2::Digest;
    assert_eq!(
        fifo["sha256"].as_str().unwrap(),
        format!("{:x}", sha2::Sha256::digest(&verilog))
    );
    // Emitting another block keeps the first in the manifest.
    assert!(
        kaizen(&["emit", "crc16", "--out", d.path().to_str().unwrap()])
            .status
            .success()
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("manifest.json")).unwrap())
            .unwrap();
    let names: Vec<_> = m["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["block"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["crc16", "fifo"]);
}

#[test]
fn unknown_block_lists_known_ones() {
    let d = tempfile::tempdir().unwrap();
    let o = kaizen(&["emit", "fifoo", "--out", d.path().to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("unknown block `fifoo`") && e.contains("fifo") && e.contains("crc32"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "one-line error: {e}");
    assert!(!e.contains("panicked"));
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn unwritable_output_dir_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let o = kaizen(&["emit", "--all", "--out", file.join("sub").to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("cannot create output directory"), "{e}");
    assert!(!e.contains("panicked"));
}

#[test]
fn missing_verilator_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    assert!(
        kaizen(&["emit", "--all", "--out", d.path().to_str().unwrap()])
            .status
            .success()
    );
    let o = Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(["lint", "--dir", d.path().to_str().unwrap()])
        .env("PATH", d.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("`verilator` is not installed") && e.contains("scripts/setup.sh"),
        "{e}"
    );
    assert!(!e.contains("panicked"));
}

#[test]
fn lint_is_clean_on_every_block() {
    let d = tempfile::tempdir().unwrap();
    assert!(
        kaizen(&["emit", "--all", "--out", d.path().to_str().unwrap()])
            .status
            .success()
    );
    let o = kaizen(&["lint", "--dir", d.path().to_str().unwrap()]);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
}

/// Emits `block`, replaces `from` with `to` in its Verilog, and returns
/// what a failing `kaizen lint` printed.
fn lint_broken(block: &str, from: &str, to: &str) -> String {
    let d = tempfile::tempdir().unwrap();
    assert!(
        kaizen(&["emit", block, "--out", d.path().to_str().unwrap()])
            .status
            .success()
    );
    let path = d.path().join(format!("kaizen_{block}.v"));
    let v = std::fs::read_to_string(&path).unwrap();
    let broken = v.replacen(from, to, 1);
    assert_ne!(v, broken);
    std::fs::write(&path, broken).unwrap();
    let o = kaizen(&["lint", "--dir", d.path().to_str().unwrap()]);
    assert!(!o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn lint_catches_a_warning_and_an_initial_block() {
    // An unused wire (Verilator UNUSEDSIGNAL) and an initial block.
    let out = lint_broken(
        "fifo",
        "    // Local signals",
        "    wire spare;\n    initial begin end\n    // Local signals",
    );
    assert!(
        out.contains("UNUSED") && out.contains("`initial` block"),
        "{out}"
    );
}

#[test]
fn lint_catches_a_combinational_loop() {
    // The pop decision feeds itself through two wires: only a full
    // verilation (Verilator's ordering, as in a model build) names it
    // UNOPTFLAT; `--lint-only` never did.
    let out = lint_broken(
        "fifo",
        "assign do_pop = pop & (level != zero);",
        "assign do_pop = pop & (level != zero) & ~loop_b;\n    wire loop_a = do_pop ^ push;\n    wire loop_b = loop_a;",
    );
    assert!(out.contains("UNOPTFLAT") && out.contains("do_pop"), "{out}");
}

#[test]
fn lint_catches_an_unsynchronised_clock_crossing() {
    // The read side compares against the raw write pointer, skipping its
    // synchroniser (Verilator only notices the synchroniser is now unused).
    let out = lint_broken(
        "async_fifo",
        "is_empty = rd_gray$q == wr_gray_in_rd$q;",
        "is_empty = rd_gray$q == wr_gray$q;",
    );
    assert!(
        out.contains(
            "cdc: `rd_binary` (clock rd_clock) samples clock wr_clock without a synchroniser"
        ) && out.contains("wr_gray"),
        "{out}"
    );
}

#[test]
fn lint_without_emitted_files_says_what_to_run() {
    let d = tempfile::tempdir().unwrap();
    let o = kaizen(&["lint", "--dir", d.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("kaizen emit --all"), "{}", stderr(&o));
}

#[test]
fn sim_memctl_rejects_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = include_str!("../hdl/presets/hbm3_6400.toml");
    let inconsistent = dir.path().join("bad_trc.toml");
    std::fs::write(&inconsistent, shipped.replace("trc = 78", "trc = 70")).unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--pattern", "zigzag"], "unknown pattern"),
        (vec!["--requests", "0"], "--requests"),
        (vec!["--backpressure", "1.5"], "--backpressure"),
        (vec!["--page", "half"], "unknown page policy"),
        (vec!["--refresh", "never"], "unknown refresh mode"),
        (vec!["--map", "diagonal"], "unknown address map"),
        (vec!["--preset", "ddr9"], "unknown preset"),
        (vec!["--preset", "/nonexistent/p.toml"], "cannot read"),
        (
            vec!["--preset", inconsistent.to_str().unwrap()],
            "tRC (70) < tRAS + tRP",
        ),
    ];
    for (args, want) in cases {
        assert_refused(&["sim", "memctl"], &args, want);
    }
}

#[test]
fn sim_testchip_runs_end_to_end_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vcd = dir.path().join("chip.vcd");
    let o = kaizen(&[
        "sim",
        "testchip",
        "--pattern",
        "mixed",
        "--requests",
        "300",
        "--ber",
        "1e-6",
        "--dead-lanes",
        "3",
        "--clock-ratio",
        "1.5",
        "--vcd",
        vcd.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("requests answered                300 of 300 (lost 0"),
        "{out}"
    );
    let o = kaizen(&[
        "sim",
        "testchip",
        "--requests",
        "20",
        "--self-test",
        "near-end=300,mem-write-read-seq=200",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let selftest = String::from_utf8_lossy(&o.stdout);
    assert!(
        selftest.contains("link self-test NearEnd, 300 clocks")
            && selftest.contains("400 requests answered, 0 data errors"),
        "self-tests reported: {selftest}"
    );
    assert!(
        out.contains("lanes good 0xfff7"),
        "lane 3 reported broken: {out}"
    );
    let trace = std::fs::read_to_string(&vcd).expect("VCD written");
    assert!(
        trace.contains("link_clock") && trace.contains("mc_clock"),
        "both clocks traced"
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--pattern", "zigzag"], "unknown pattern"),
        (vec!["--requests", "0"], "--requests"),
        (vec!["--ber", "2"], "--ber"),
        (vec!["--clock-ratio", "0"], "--clock-ratio"),
        (vec!["--skew", "99"], "--skew 99"),
        (vec!["--dead-lanes", "99"], "99"),
        (vec!["--lane-dies", "5@x"], "LANE@CLOCK"),
        (vec!["--self-test", "prbs=many"], "`many` is not a count"),
        (
            vec!["--self-test", "mem-erase-seq"],
            "unknown self-test `mem-erase-seq`",
        ),
        (
            vec!["--self-test", "mem-read-stride0"],
            "the stride must be",
        ),
    ];
    for (args, want) in cases {
        assert_refused(&["sim", "testchip"], &args, want);
    }
}

#[test]
fn sim_memctl_on_a_geometry_the_rtl_lacks_needs_reference_only() {
    let dir = tempfile::tempdir().unwrap();
    let preset = dir.path().join("big.toml");
    let shipped = include_str!("../hdl/presets/hbm3_6400.toml");
    std::fs::write(&preset, shipped.replace("rows = 16384", "rows = 32768")).unwrap();
    let p = preset.to_str().unwrap();
    let o = kaizen(&["sim", "memctl", "--preset", p, "--requests", "100"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--reference-only"), "{}", stderr(&o));
    let o = kaizen(&[
        "sim",
        "memctl",
        "--preset",
        p,
        "--requests",
        "100",
        "--reference-only",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn sim_memctl_runs_the_rtl_beside_the_reference() {
    let o = kaizen(&[
        "sim",
        "memctl",
        "--pattern",
        "mixed",
        "--requests",
        "300",
        "--backpressure",
        "0.3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("RTL (Verilator)"), "{out}");
    let violations = out
        .lines()
        .find(|l| l.starts_with("timing violations"))
        .expect("a violations line");
    assert!(
        violations.split_whitespace().skip(2).all(|v| v == "0"),
        "{out}"
    );
}

#[test]
fn sim_d2d_reports_and_refuses_bad_links() {
    // The advanced package on the RTL: two broken lanes remapped onto spares.
    let o = kaizen(&[
        "sim",
        "d2d",
        "--lanes",
        "64",
        "--ber",
        "1e-6",
        "--flits",
        "500",
        "--skew",
        "3",
        "--dead-lanes",
        "3,7",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(row(&out, "flits lost"), ["0", "0"], "{out}");
    assert_eq!(
        row(&out, "lanes in use"),
        ["64", "(2", "spared)", "64"],
        "{out}"
    );
    // The standard package on the RTL, degraded by a broken lane, traced.
    let dir = tempfile::tempdir().expect("tempdir");
    let vcd = dir.path().join("link.vcd");
    let o = kaizen(&[
        "sim",
        "d2d",
        "--flits",
        "300",
        "--ber",
        "1e-5",
        "--skew",
        "6",
        "--dead-lanes",
        "2",
        "--vcd",
        vcd.to_str().expect("utf-8 path"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(row(&out, "flits lost"), ["0", "0"], "{out}");
    assert_eq!(row(&out, "corrupted deliveries"), ["0", "0"], "{out}");
    assert_eq!(row(&out, "lanes in use"), ["8", "(degr.)", "8"], "{out}");
    assert!(
        row(&out, "training time")[0].parse::<u64>().is_ok(),
        "{out}"
    );
    assert!(vcd.exists() && dir.path().join("link.b.vcd").exists());
    for (args, want) in [
        (vec!["--lanes", "0"], "at least one lane"),
        (
            vec![
                "--lanes",
                "64",
                "--dead-lanes",
                "1,2,3,4,5",
                "--reference-only",
            ],
            "only 4 spares",
        ),
        (
            vec!["--lanes", "64", "--dead-lanes", "1,2,3,4,5"],
            "only 4 spares",
        ),
        (vec!["--lanes", "32"], "not a UCIe module width"),
        (
            vec!["--lanes", "64", "--lane-dies", "68@100"],
            "does not exist",
        ),
        (
            vec!["--lanes", "16", "--dead-lanes", "3,12"],
            "neither half",
        ),
        (
            vec!["--lanes", "16", "--dead-lanes", "40"],
            "does not exist",
        ),
        (vec!["--skew", "16"], "beyond"),
        (vec!["--lane-dies", "5"], "LANE@CLOCK"),
        (vec!["--lane-dies", "16@100"], "does not exist"),
        (vec!["--ber", "2"], "--ber"),
        (vec!["--flits", "0"], "--flits"),
    ] {
        assert_refused(&["sim", "d2d"], &args, want);
    }
}

/// The values of a `kaizen sim d2d` table row, after its name.
fn row<'a>(out: &'a str, name: &str) -> Vec<&'a str> {
    out.lines()
        .find_map(|l| l.trim_start().strip_prefix(name))
        .map(|rest| rest.split_whitespace().collect())
        .unwrap_or_default()
}

/// `kaizen <command> <args>` fails, says `want`, and does not panic.
fn assert_refused(command: &[&str], args: &[&str], want: &str) {
    let full: Vec<&str> = command.iter().chain(args).copied().collect();
    let o = kaizen(&full);
    let err = stderr(&o);
    assert!(!o.status.success(), "{args:?} succeeded");
    assert!(
        err.contains(want),
        "{args:?}: `{err}` does not say `{want}`"
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
}

#[test]
fn bench_sim_measures_the_bench_beside_a_native_harness() {
    let o = kaizen(&["--quiet", "bench", "sim", "--cycles", "3000"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{out}{}", stderr(&o));
    // Each line carries a rate; the command itself fails when a replay
    // reads other values than the bench did.
    for line in [
        "verilator, Rust bench",
        "verilator, Rust replay",
        "verilator, native C++",
        "rust-hdl",
        "Rust bench / native",
    ] {
        let rate = out
            .lines()
            .find(|l| l.trim_start().starts_with(line))
            .and_then(|l| l[line.len() + 2..].split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok());
        assert!(rate.is_some_and(|r| r > 0.0), "{line}: {out}");
    }
    // The link: two PHY models, each die's stimulus replayed (and checked)
    // on its own.
    let o = kaizen(&["bench", "sim", "d2d_phy", "--flits", "40"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("link clocks/s") && out.contains("native C++"),
        "{out}"
    );
    let refused = kaizen(&["bench", "sim", "testchip"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("`d2d_phy_advanced`, not `testchip`"),
        "{}",
        stderr(&refused)
    );
}
