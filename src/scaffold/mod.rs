//! `kaizen new <name>`: a block crate outside Kaizen's tree, and the
//! `kaizen.toml` that makes the `kaizen` command run inside it use its
//! blocks ([`delegate`]).

use anyhow::{bail, Context};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct NewArgs {
    /// The block's name, also the crate's: lower-case letters, digits, `_`.
    name: String,
    /// Where the crate's directory is made.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
}

/// The project file `kaizen` looks for from the working directory up.
pub const PROJECT_FILE: &str = "kaizen.toml";

/// Each template and where it goes in the new crate (`{{name}}` in a path
/// is the block's name).
const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("template/Cargo.toml.in")),
    (PROJECT_FILE, include_str!("template/kaizen.toml.in")),
    (".gitignore", include_str!("template/gitignore.in")),
    ("README.md", include_str!("template/README.md.in")),
    ("src/lib.rs", include_str!("template/lib.rs.in")),
    ("src/model.rs", include_str!("template/model.rs.in")),
    ("src/main.rs", include_str!("template/main.rs.in")),
    ("tests/{{name}}.rs", include_str!("template/test.rs.in")),
    (
        "lint/verilator.vlt",
        include_str!("template/verilator.vlt.in"),
    ),
    ("constraints/{{name}}.sdc", include_str!("template/sdc.in")),
    (
        "constraints/{{name}}.floorplan.json",
        include_str!("template/floorplan.json.in"),
    ),
];

/// `dma_engine` -> `DmaEngine`
fn type_name(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The new crate's files, by path relative to its directory.
pub fn render(name: &str, kaizen: &Path) -> Vec<(String, String)> {
    let fill = |t: &str| {
        t.replace("{{name}}", name)
            .replace("{{Type}}", &type_name(name))
            .replace("{{kaizen}}", &kaizen.display().to_string())
    };
    TEMPLATES
        .iter()
        .map(|(path, text)| (fill(path), fill(text)))
        .collect()
}

pub fn run(args: &NewArgs) -> anyhow::Result<()> {
    crate::catalog::check_block_name(&args.name).map_err(anyhow::Error::msg)?;
    let target = args.dir.join(&args.name);
    if target.exists() {
        bail!("{} already exists", target.display());
    }
    let kaizen = kaizen_flow::kaizen_root();
    // Everything into a scratch directory beside the target, then one
    // rename: an error leaves no half-made crate.
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix(&format!(".{}.", args.name))
        .tempdir_in(&args.dir)
        .with_context(|| format!("cannot write in {}", args.dir.display()))?;
    let files = render(&args.name, &kaizen);
    for (path, text) in &files {
        let file = scratch.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
    }
    // Kaizen's lock file: the new crate starts on the dependency versions
    // Kaizen was tested with (cargo adds the crate and drops what it does
    // not use).
    let lock = kaizen.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, scratch.path().join("Cargo.lock"))
            .with_context(|| format!("cannot copy {}", lock.display()))?;
    }
    let scratch = scratch.keep();
    if let Err(e) = std::fs::rename(&scratch, &target) {
        let _ = std::fs::remove_dir_all(&scratch);
        return Err(e).with_context(|| format!("cannot create {}", target.display()));
    }
    println!(
        "created {} (Kaizen at {})",
        target.display(),
        kaizen.display()
    );
    for (path, _) in &files {
        println!("  {path}");
    }
    println!(
        "next: cd {} && cargo test && kaizen emit {} --out build/verilog",
        target.display(),
        args.name
    );
    Ok(())
}

/// What `kaizen.toml` says.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    /// The crate's binary that calls `kaizen::main` with its catalogue.
    bin: String,
}

/// The nearest `kaizen.toml` from the working directory up.
fn find_project() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|d| d.join(PROJECT_FILE))
        .find(|f| f.is_file())
}

/// Inside a user's project, runs its binary (`cargo run`, so it is built
/// when its sources changed) with this process's arguments.
pub fn delegate() -> Option<ExitCode> {
    // The project's own binary, or a run that asked not to (tests of
    // Kaizen's binary inside a project), does not delegate again.
    if std::env::var_os("KAIZEN_NO_DELEGATE").is_some() {
        return None;
    }
    let file = find_project()?;
    let dir = file.parent()?.to_path_buf();
    if dir == kaizen_flow::kaizen_root() {
        return None;
    }
    let fail = |msg: String| {
        eprintln!("kaizen: error: {msg}");
        Some(ExitCode::FAILURE)
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {}: {e}", file.display())),
    };
    let project: ProjectFile = match toml::from_str(&text) {
        Ok(p) => p,
        Err(e) => return fail(format!("{}: {e}", file.display())),
    };
    // The first build of a project takes minutes: let cargo show it. Later
    // runs only rebuild what changed, quietly.
    // (Its target directory: CARGO_TARGET_DIR, or `target/` beside the crate
    // or beside a workspace above it.)
    let built = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain(dir.ancestors().map(|d| d.join("target")))
        .any(|t| t.join("debug").join(&project.bin).exists());
    let mut cargo = std::process::Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
    cargo.arg("run");
    if built {
        cargo.arg("--quiet");
    }
    let status = cargo
        .args(["--bin", &project.bin, "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--")
        .args(std::env::args_os().skip(1))
        .env("KAIZEN_NO_DELEGATE", "1")
        .status();
    match status {
        Ok(s) => Some(ExitCode::from(s.code().map_or(1, |c| c as u8))),
        Err(e) => fail(format!(
            "{}: cannot run cargo to build the project's `{}`: {e}",
            file.display(),
            project.bin
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_types_and_bad_names_are_refused() {
        assert_eq!(type_name("dma_engine"), "DmaEngine");
        assert_eq!(type_name("x2"), "X2");
        for bad in [
            "",
            "Dma",
            "2dma",
            "dma-engine",
            "dma__x",
            "dma_",
            "module",
            "kaizen",
        ] {
            assert!(crate::catalog::check_block_name(bad).is_err(), "{bad}");
        }
        assert!(crate::catalog::check_block_name("dma_engine").is_ok());
    }

    #[test]
    fn every_placeholder_is_filled() {
        for (path, text) in render("dma_engine", Path::new("/k")) {
            assert!(!path.contains("{{") && !text.contains("{{"), "{path}");
        }
    }
}
