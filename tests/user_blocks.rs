//! Kaizen for a user's own blocks: `kaizen new` makes a crate outside the
//! tree that builds, passes its test, lints and synthesises; the `kaizen`
//! command run inside a user's project works on its blocks; the example and
//! the scaffold use only the public `kaizen` crate.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs this checkout's `kaizen` in `dir`, as a user would.
fn kaizen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .current_dir(dir)
        .args(args)
        .env_remove("KAIZEN_NO_DELEGATE")
        .env_remove("KAIZEN_ROOT")
        .env("KAIZEN_PDK_DIR", common::pdk_dir())
        // The user's crate builds into this workspace's target directory:
        // the dependencies it shares with Kaizen are built once.
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("run kaizen")
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/tmp is in the target directory")
        .to_path_buf()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output, what: &str) -> String {
    let t = text(&o);
    assert!(o.status.success(), "{what} failed:\n{t}");
    t
}

#[test]
fn a_new_block_crate_tests_lints_constrains_and_synthesises() {
    let outside = tempfile::tempdir().unwrap();
    // Cargo configuration above the crate, for this test only: Kaizen's
    // crates built without optimisation or debug info (15 s instead of
    // minutes in CI). The test checks that the scaffold builds and passes,
    // not how fast its bench runs; the crate itself is as `kaizen new`
    // wrote it.
    let config = outside.path().join(".cargo/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let fast: String = [
        "kaizen",
        "kaizen-hdl",
        "kaizen-sim",
        "kaizen-flow",
        "dma_engine",
    ]
    .iter()
    .map(|p| format!("[profile.dev.package.{p}]\nopt-level = 0\ndebug = false\n"))
    .collect();
    std::fs::write(&config, fast).unwrap();
    let made = ok(
        kaizen_in(outside.path(), &["new", "dma_engine"]),
        "kaizen new",
    );
    let dir = outside.path().join("dma_engine");
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "kaizen.toml",
        "README.md",
        "src/lib.rs",
        "src/model.rs",
        "src/main.rs",
        "tests/dma_engine.rs",
        "constraints/dma_engine.sdc",
        "constraints/dma_engine.floorplan.json",
        "lint/verilator.vlt",
    ] {
        assert!(
            dir.join(f).is_file(),
            "{f} missing; kaizen new said:\n{made}"
        );
    }
    // A second `new` of the same name refuses and leaves the crate alone.
    let again = kaizen_in(outside.path(), &["new", "dma_engine"]);
    assert!(!again.status.success() && text(&again).contains("already exists"));

    let cargo = std::env::var_os("CARGO").unwrap_or("cargo".into());
    let test = Command::new(cargo)
        .current_dir(&dir)
        .args(["test", "--quiet"])
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    let t = ok(test, "cargo test in the new crate");
    assert!(t.contains("test result: ok. 1 passed"), "{t}");

    let blocks = ok(kaizen_in(&dir, &["blocks"]), "kaizen blocks");
    let own = blocks
        .find("dma_engine")
        .expect("the project's block is listed");
    let builtin = blocks
        .find("memctl")
        .expect("Kaizen's blocks are listed too");
    assert!(own < builtin, "the project's blocks come first:\n{blocks}");

    let emit = ok(
        kaizen_in(&dir, &["emit", "--all", "--out", "build/verilog"]),
        "kaizen emit",
    );
    assert!(dir.join("build/verilog/dma_engine.v").is_file(), "{emit}");
    // `--all` in a project is the project's blocks only.
    assert!(
        !dir.join("build/verilog/kaizen_memctl.v").exists(),
        "{emit}"
    );
    let lint = ok(
        kaizen_in(&dir, &["lint", "--dir", "build/verilog"]),
        "kaizen lint",
    );
    assert!(lint.contains("clean  dma_engine"), "{lint}");
    ok(
        kaizen_in(&dir, &["check-constraints", "dma_engine"]),
        "kaizen check-constraints",
    );
    let synth = ok(
        kaizen_in(&dir, &["flow", "synth", "dma_engine"]),
        "kaizen flow synth",
    );
    assert!(synth.contains("dma_engine"), "{synth}");
    // Its QoR record is the project's, not Kaizen's.
    assert!(dir.join("build/qor/dma_engine.json").is_file(), "{synth}");

    // The project's lint waivers are read, and a waiver without a reason
    // is refused with the file and line.
    let vlt = dir.join("lint/verilator.vlt");
    let mut waivers = std::fs::read_to_string(&vlt).unwrap();
    waivers += "lint_off -rule WIDTH -file \"*dma_engine.v\"\n";
    std::fs::write(&vlt, waivers).unwrap();
    let refused = kaizen_in(&dir, &["lint", "--dir", "build/verilog"]);
    let t = text(&refused);
    assert!(!refused.status.success(), "{t}");
    assert!(
        t.contains("lint/verilator.vlt:") && t.contains("without a reason"),
        "{t}"
    );
}

#[test]
fn a_bad_project_file_is_named() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("kaizen.toml"), "bin = 3\n").unwrap();
    let o = kaizen_in(d.path(), &["blocks"]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("kaizen.toml") && t.contains("line 1"), "{t}");
}

#[test]
fn bad_block_names_are_refused_without_output() {
    let d = tempfile::tempdir().unwrap();
    for bad in ["DmaEngine", "dma-engine", "2dma", "module"] {
        let o = kaizen_in(d.path(), &["new", bad]);
        assert!(!o.status.success(), "{bad}: {}", text(&o));
        assert!(text(&o).contains(bad), "{}", text(&o));
    }
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
}

#[test]
fn the_example_block_lints_with_two_clock_domains_and_meets_its_constraints() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sensor_bridge");
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    ok(
        kaizen_in(&example, &["emit", "sensor_bridge", "--out", dir]),
        "kaizen emit",
    );
    let lint = ok(kaizen_in(&example, &["lint", "--dir", dir]), "kaizen lint");
    assert!(lint.contains("cdc: 2 clock domain(s)"), "{lint}");
    ok(
        kaizen_in(&example, &["check-constraints", "sensor_bridge"]),
        "kaizen check-constraints",
    );
}

/// Every Rust and TOML file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() && name != "target" && name != "build" {
            out.extend(sources(&p));
        } else if [".rs", ".toml", ".in"].iter().any(|x| name.ends_with(x)) {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_example_and_the_scaffold_use_only_the_public_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = sources(&root.join("examples"));
    files.extend(sources(&root.join("src/scaffold/template")));
    assert!(files.len() >= 10, "{files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for private in [
            "kaizen_hdl",
            "kaizen_sim",
            "kaizen_flow",
            "kaizen-hdl",
            "kaizen-sim",
            "kaizen-flow",
        ] {
            assert!(
                !text.contains(private),
                "{} reaches into `{private}`: use the `kaizen` crate's public API",
                f.display()
            );
        }
    }
}

#[test]
fn the_documentation_builds_without_warnings() {
    // Broken links and undocumented public items of the API fail here
    // (missing docs are denied in the modules a user reaches).
    let cargo = std::env::var_os("CARGO").unwrap_or("cargo".into());
    let o = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["doc", "--no-deps", "--workspace", "--quiet"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    ok(o, "cargo doc --no-deps --workspace");
}
