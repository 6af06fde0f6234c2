//! Constraints and the open flow through the CLI: check-constraints, the
//! QoR gate against the checked-in baseline, and their failures.

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

/// A scratch project root: the real constraints and scripts, editable.
fn scratch_root() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for sub in ["constraints", "scripts"] {
        std::fs::create_dir_all(d.path().join(sub)).unwrap();
        for f in std::fs::read_dir(root().join(sub)).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), d.path().join(sub).join(f.file_name())).unwrap();
        }
    }
    d
}

/// The PDK as this checkout finds it (what `kaizen flow` would use).
fn pdk_dir() -> PathBuf {
    kaizen_flow::pdk::locate(&root(), None)
        .unwrap_or_else(|e| panic!("{e}"))
        .dir
}

#[test]
fn constraints_of_every_block_check() {
    let o = kaizen(&["check-constraints", "--all"], &[]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn removing_a_constraint_or_naming_a_missing_port_fails() {
    let d = scratch_root();
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
}

#[test]
fn qor_gate_fails_when_area_grows_past_the_baseline() {
    let d = scratch_root();
    let path = d.path().join("constraints/qor-baseline.json");
    let mut b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let area = b["blocks"]["crc32"]["area_um2"].as_f64().unwrap();
    b["blocks"]["crc32"]["area_um2"] = serde_json::json!(area * 0.9);
    std::fs::write(&path, serde_json::to_string(&b).unwrap()).unwrap();
    let o = kaizen(
        &["flow", "gate"],
        &[("KAIZEN_ROOT", d.path()), ("KAIZEN_PDK_DIR", &pdk_dir())],
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
    let d = scratch_root();
    let sdc = d.path().join("constraints/crc32.sdc");
    let s = std::fs::read_to_string(&sdc)
        .unwrap()
        .replace("-period 500", "-period 250");
    std::fs::write(&sdc, s).unwrap();
    let o = kaizen(
        &["flow", "gate"],
        &[("KAIZEN_ROOT", d.path()), ("KAIZEN_PDK_DIR", &pdk_dir())],
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
fn pnr_without_openroad_writes_a_ready_to_run_kit() {
    let d = scratch_root();
    // A PATH with yosys but no openroad: link the tools the step needs.
    let bin = d.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["yosys", "yosys-abc", "berkeley-abc"] {
        if let Ok(p) = which(tool) {
            std::os::unix::fs::symlink(p, bin.join(tool)).unwrap();
        }
    }
    let o = Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(["flow", "pnr", "arbiter"])
        .env("KAIZEN_ROOT", d.path())
        .env("KAIZEN_PDK_DIR", pdk_dir())
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("OpenROAD is not installed"),
        "{}",
        text(&o)
    );
    let kit = d.path().join("build/flow/arbiter/lvt/pnr");
    let run = std::fs::read_to_string(kit.join("run.sh")).unwrap();
    assert!(
        run.contains("openroad -exit") && run.contains("KAIZEN_NETLIST="),
        "{run}"
    );
    assert!(std::fs::read_to_string(kit.join("pins.tcl"))
        .unwrap()
        .contains("-region left:*"));
}

fn which(tool: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(tool))
                .find(|p| p.is_file())
        })
        .ok_or(())
}
