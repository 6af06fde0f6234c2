//! Constraints and the open flow through the CLI: check-constraints, the
//! QoR gate against the checked-in baseline, and their failures.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kaizen(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kaizen"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run kaizen")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn constraints_of_every_block_check() {
    let o = kaizen(&["check-constraints", "--all"], &[]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn removing_a_constraint_or_naming_a_missing_port_fails() {
    let d = common::scratch_root();
    let sdc = d.path().join("constraints/fifo.sdc");
    let original = std::fs::read_to_string(&sdc).unwrap();
    std::fs::write(
        &sdc,
        original.replace("set_false_path -from [get_ports reset]\n", ""),
    )
    .unwrap();
    let o = kaizen(&["check-constraints", "fifo"], &[("KAIZEN_ROOT", d.path())]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("input port `reset` is not constrained"),
        "{}",
        text(&o)
    );

    std::fs::write(
        &sdc,
        original.replace(
            "{push pop data_in}]\nset_output",
            "{push pop data_in pusj}]\nset_output",
        ),
    )
    .unwrap();
    let o = kaizen(&["check-constraints", "fifo"], &[("KAIZEN_ROOT", d.path())]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("fifo.sdc:9: `set_input_delay` names port `pusj`"),
        "{}",
        text(&o)
    );

    std::fs::write(&sdc, original.replace("create_clock", "create_clock {")).unwrap();
    let o = kaizen(&["check-constraints", "fifo"], &[("KAIZEN_ROOT", d.path())]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("fifo.sdc:9:44: expected a closing `}`"),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains("panicked"));
}

#[test]
fn qor_gate_passes_on_the_baseline() {
    let o = kaizen(&["flow", "gate"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("predictive research PDK") && out.contains("not silicon results"),
        "{out}"
    );
    let q: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("build/qor/fifo.json")).unwrap())
            .unwrap();
    assert!(q["area_um2"].as_f64().unwrap() > 0.0 && q["cells_total"].as_u64().unwrap() > 0);
    assert_eq!(q["clocks"][0]["name"], "core");
    // The SRAM block is one macro, apart from the (no) standard cells.
    let q: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("build/qor/sram.json")).unwrap())
            .unwrap();
    assert_eq!(q["macros"][0]["name"], "kaizen_sram_1r1w_64x32", "{q}");
    assert_eq!(q["macros"][0]["count"], 1);
    assert!(q["macro_area_um2"].as_f64().unwrap() > 0.0);
    assert_eq!(q["cells_total"], 0, "the array is not in flops: {q}");
}

#[test]
fn qor_gate_fails_when_area_grows_past_the_baseline() {
    let d = common::scratch_root();
    let path = d.path().join("constraints/qor-baseline.json");
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let area = b["blocks"]["crc32"]["area_um2"].as_f64().unwrap();
    b["blocks"]["crc32"]["area_um2"] = serde_json::json!(area * 0.9);
    std::fs::write(&path, serde_json::to_string(&b).unwrap()).unwrap();
    let o = kaizen(
        &["flow", "gate"],
        &[
            ("KAIZEN_ROOT", d.path()),
            ("KAIZEN_PDK_DIR", &common::pdk_dir()),
        ],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("crc32: area") && text(&o).contains("over the baseline"),
        "{}",
        text(&o)
    );
}

#[test]
fn qor_gate_fails_when_a_clock_target_is_missed() {
    let d = common::scratch_root();
    let sdc = d.path().join("constraints/crc32.sdc");
    let s = std::fs::read_to_string(&sdc)
        .unwrap()
        .replace("-period 500", "-period 250");
    std::fs::write(&sdc, s).unwrap();
    let o = kaizen(
        &["flow", "gate"],
        &[
            ("KAIZEN_ROOT", d.path()),
            ("KAIZEN_PDK_DIR", &common::pdk_dir()),
        ],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("crc32: clock core misses its 4000 MHz target"),
        "{}",
        text(&o)
    );
}

#[test]
fn missing_pdk_is_a_clear_error() {
    let o = kaizen(
        &["flow", "synth", "fifo"],
        &[("KAIZEN_PDK_DIR", Path::new("/nonexistent/pdk"))],
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("GT2N not found") && t.contains("scripts/setup.sh"),
        "{t}"
    );
    assert!(!t.contains("panicked"));
}

#[test]
fn pnr_without_openroad_is_a_one_line_error_naming_the_set_up() {
    let d = common::scratch_root();
    let o = Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(["flow", "pnr", "arbiter"])
        .env("KAIZEN_ROOT", d.path())
        .env("KAIZEN_PDK_DIR", common::pdk_dir())
        .env("KAIZEN_PYTHON", "/nonexistent/python3")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("OpenROAD is not installed") && t.contains("scripts/setup.sh"),
        "{t}"
    );
    assert_eq!(t.trim().lines().count(), 1, "{t}");
    assert!(!t.contains("panicked") && !t.contains("Traceback"), "{t}");
    // It stops before synthesis: nothing written.
    assert!(!d.path().join("build").exists());
}

/// `kaizen flow <args>` in a scratch root, with this checkout's kit and
/// OpenROAD (a root of its own: `flow gate` synthesises the same blocks in
/// this checkout's build/ at the same time).
fn routed(d: &tempfile::TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(args)
        .env("KAIZEN_ROOT", d.path())
        .env("KAIZEN_PDK_DIR", common::pdk_dir())
        .env("KAIZEN_PYTHON", root().join(".venv/bin/python"))
        .output()
        .unwrap()
}

/// Routes every block of constraints/pnr-baseline.json (the arbiter among
/// them) with OpenROAD and checks the post-route QoR record.
#[test]
fn routed_gate_passes_and_the_arbiter_routes_clean() {
    let d = common::scratch_root();
    let o = routed(&d, &["flow", "gate", "--routed"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("not silicon results"), "{}", text(&o));
    let q: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join("build/qor/arbiter.json")).unwrap(),
    )
    .unwrap();
    let p = &q["post_route"];
    assert_eq!(p["stage"], "detailed route", "{q}");
    assert_eq!(p["drc_violations"], 0, "{p}");
    // Sane wirelength: at least the cells' spread (every one of the 19
    // pins reaches the core from the die edge) and at most every net
    // running the die's half perimeter twice.
    let [die, core] = [
        p["die_area_um2"].as_f64().unwrap(),
        p["core_area_um2"].as_f64().unwrap(),
    ];
    let wire = p["wirelength_um"].as_f64().unwrap();
    let margin = (die.sqrt() - core.sqrt()) / 2.0;
    assert!(wire > 19.0 * margin, "{wire} um");
    assert!(
        wire < 2.0 * 2.0 * die.sqrt() * p["instances"].as_f64().unwrap(),
        "{wire} um"
    );
    assert!(p["vias"].as_u64().unwrap() > 0);
    let util = p["utilization"].as_f64().unwrap();
    assert!((0.3..0.7).contains(&util), "{util}");
    assert!(
        p["clocks"][0]["worst_slack_ps"].as_f64().unwrap() >= 0.0,
        "{p}"
    );
    // Power from the simulated workload's activity.
    assert!(
        p["power"]["activity"]
            .as_str()
            .unwrap()
            .contains("random inputs"),
        "{p}"
    );
    assert!(p["power"]["switching_w"].as_f64().unwrap() > 0.0, "{p}");
    assert!(p["power"]["leakage_w"].as_f64().unwrap() > 0.0, "{p}");
    let dir = d.path().join("build/flow/arbiter/lvt/pnr");
    for f in [
        "kaizen_arbiter.def",
        "kaizen_arbiter.odb",
        "kaizen_arbiter.png",
        "sta.txt",
        "power.txt",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    // Timing the same netlist again keeps the routed record with it.
    let o = routed(&d, &["flow", "sta", "arbiter"]);
    assert!(o.status.success(), "{}", text(&o));
    let again: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.path().join("build/qor/arbiter.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(again["post_route"], q["post_route"]);
}

#[test]
fn routed_gate_fails_when_wirelength_grows_past_the_baseline() {
    let d = common::scratch_root();
    let path = d.path().join("constraints/pnr-baseline.json");
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let blocks = b["blocks"].as_object_mut().unwrap();
    // The smallest routed block: the gate, not the router, is under test.
    blocks.retain(|k, _| k == "reset_sync");
    let wire = blocks["reset_sync"]["wirelength_um"].as_f64().unwrap();
    blocks.get_mut("reset_sync").unwrap()["wirelength_um"] = serde_json::json!(wire / 2.0);
    std::fs::write(&path, serde_json::to_string_pretty(&b).unwrap()).unwrap();
    let o = routed(&d, &["flow", "gate", "--routed"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("reset_sync: wirelength") && text(&o).contains("over the baseline"),
        "{}",
        text(&o)
    );
}

/// `kaizen macro` into a scratch directory.
fn macros(shapes: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let mut args = vec!["macro"];
    args.extend(shapes);
    args.extend(["--out", d.path().to_str().unwrap()]);
    let o = kaizen(&args, &[]);
    assert!(o.status.success(), "{}", text(&o));
    d
}

#[test]
fn macro_liberty_reads_without_warnings_in_opensta_and_yosys() {
    let d = macros(&["256x128", "32x288"]);
    for name in ["kaizen_sram_1r1w_256x128", "kaizen_sram_1r1w_32x288"] {
        let lib = d.path().join(format!("{name}.lib"));
        let tcl = d.path().join("read.tcl");
        std::fs::write(
            &tcl,
            format!("read_liberty {}\nreport_lib_cell {name}\n", lib.display()),
        )
        .unwrap();
        let sta = Command::new("sta")
            .args(["-no_splash", "-exit", tcl.to_str().unwrap()])
            .output()
            .expect("sta (scripts/setup.sh installs it)");
        let out = text(&sta);
        assert!(sta.status.success(), "{out}");
        assert!(!out.contains("Warning") && !out.contains("Error"), "{out}");
        assert!(
            out.contains("read_data[") && out.contains("output"),
            "{out}"
        );
        // Yosys: the Liberty as a black box, instantiated by the model's
        // name with the model skipped, as the flow's script does.
        let model = d.path().join(format!("{name}.v"));
        let script = format!(
            "read_liberty -lib {}; read_verilog -DKAIZEN_MACRO_{name} {}; hierarchy -check",
            lib.display(),
            model.display()
        );
        let y = Command::new("yosys")
            .args(["-p", &script])
            .output()
            .expect("yosys");
        let out = text(&y);
        assert!(y.status.success(), "{out}");
        assert!(!out.contains("Warning") && !out.contains("ERROR"), "{out}");
    }
}

#[test]
fn macro_lef_pins_lie_on_the_outline_and_the_array_is_obstructed() {
    let d = macros(&["256x128"]);
    let lef = std::fs::read_to_string(d.path().join("kaizen_sram_1r1w_256x128.lef")).unwrap();
    let size: Vec<f64> = lef
        .lines()
        .find_map(|l| l.trim().strip_prefix("SIZE "))
        .expect("SIZE")
        .trim_end_matches(" ;")
        .split(" BY ")
        .map(|v| v.parse().unwrap())
        .collect();
    let (w, h) = (size[0], size[1]);
    // On the site grid (0.042 x 0.144 um).
    for (v, grid) in [(w, 0.042), (h, 0.144)] {
        assert!(
            ((v / grid) - (v / grid).round()).abs() < 1e-6,
            "{v} off the {grid} grid"
        );
    }
    let pins = lef.matches("\n  PIN ").count();
    assert_eq!(
        pins,
        3 + 2 * 8 + 2 * 128,
        "clock, enables, two addresses, data"
    );
    let mut in_obs = false;
    let mut obstructed = vec![];
    for line in lef.lines() {
        in_obs |= line.trim() == "OBS";
        if let Some(r) = line.trim().strip_prefix("RECT ") {
            let v: Vec<f64> = r
                .trim_end_matches(" ;")
                .split(' ')
                .map(|x| x.parse().unwrap())
                .collect();
            assert!(
                v[0] >= 0.0 && v[1] >= 0.0 && v[2] <= w && v[3] <= h,
                "{line} outside {w} x {h}"
            );
            if in_obs {
                obstructed.push((v[2] - v[0]) * (v[3] - v[1]));
            } else {
                // A pin touches the left or the bottom edge.
                assert!(v[0] == 0.0 || v[1] == 0.0, "{line}");
            }
        }
    }
    assert!(
        !obstructed.is_empty() && obstructed.iter().all(|a| *a > 0.9 * w * h),
        "{obstructed:?}"
    );
}

#[test]
fn macro_refuses_a_shape_it_cannot_build() {
    let d = tempfile::tempdir().unwrap();
    for (shape, says) in [
        ("100x8", "power-of-two depth"),
        ("64x0", "1 to 1024 bits"),
        ("64by8", "expected <words>x<bits>"),
    ] {
        let o = kaizen(&["macro", shape, "--out", d.path().to_str().unwrap()], &[]);
        assert!(!o.status.success(), "{shape}: {}", text(&o));
        assert!(text(&o).contains(says), "{shape}: {}", text(&o));
    }
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

/// The flow's per-block jobs as one Slurm job array: each task synthesises
/// one block and writes its QoR record, which the table is read from.
#[test]
fn flow_synth_runs_each_block_as_a_slurm_task() {
    let conf = common::slurm_conf();
    let d = common::scratch_root();
    let o = kaizen(
        &[
            "flow",
            "synth",
            "reset_sync",
            "arbiter",
            "--engine",
            "slurm",
        ],
        &[
            ("KAIZEN_ROOT", d.path()),
            ("KAIZEN_PDK_DIR", &common::pdk_dir()),
            ("SLURM_CONF", Path::new(&conf)),
        ],
    );
    let all = text(&o);
    assert!(o.status.success(), "{all}");
    assert!(all.contains("slurm job"), "{all}");
    for block in ["reset_sync", "arbiter"] {
        let q: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(d.path().join(format!("build/qor/{block}.json"))).unwrap(),
        )
        .unwrap();
        let cells = q["cells_total"].as_u64().unwrap();
        assert!(cells > 0, "{q}");
        // The table printed here is the tasks' records.
        assert!(
            all.lines()
                .any(|l| l.starts_with(block)
                    && l.split_whitespace().nth(1) == Some(&cells.to_string())),
            "{all}"
        );
    }
    let log = d.path().join("build/flow/jobs/synth/block-0.log");
    assert!(log.exists(), "each task's output is kept");
}
