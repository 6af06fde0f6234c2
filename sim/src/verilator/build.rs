//! Turning emitted Verilog into a loadable shared library: Verilator to C++,
//! g++ to a `.so`. Built models are cached by content (Verilog, shim,
//! Verilator version, flags), so a second test run loads them at once.
//!
//! Verilator's runtime (`verilated*.cpp`) is compiled once per Verilator
//! version and shared by every model.

use super::shim::shim_source;
use super::SimError;
use kaizen_hdl::emit::Emitted;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// Bumped when the build recipe or the shim changes shape.
pub(crate) const RECIPE: &str = "kaizen-verilator-v3";
/// Verilator's `__Slow` sources hold code that runs once (construction,
/// initial settling): compiled without optimisation, as Verilator's own
/// makefiles do, because g++ -O2 on their one huge function took 14 of the
/// advanced-package test chip's 20 build minutes.
const SLOW_FLAGS: &[&str] = &["-O0"];
pub(crate) const CXXFLAGS: &[&str] = &[
    "-O2",
    "-fPIC",
    "-std=gnu++17",
    "-DVM_COVERAGE=0",
    "-DVM_SC=0",
    "-DVM_TRACE=1",
    "-DVM_TRACE_FST=0",
    "-DVM_TRACE_VCD=1",
    "-faligned-new",
    "-fcf-protection=none",
    "-Wno-bool-operation",
    "-Wno-sign-compare",
    "-Wno-uninitialized",
    "-Wno-unused-but-set-variable",
    "-Wno-unused-parameter",
    "-Wno-unused-variable",
    "-Wno-shadow",
];
const RUNTIME_SOURCES: &[&str] = &[
    "verilated.cpp",
    "verilated_vcd_c.cpp",
    "verilated_threads.cpp",
];

pub struct Toolchain {
    pub verilator_version: String,
    pub root: PathBuf,
}

/// Finds Verilator once per process.
pub fn toolchain() -> Result<&'static Toolchain, SimError> {
    static TOOLCHAIN: OnceLock<Result<Toolchain, SimError>> = OnceLock::new();
    TOOLCHAIN
        .get_or_init(|| {
            let missing = |_| SimError::ToolMissing {
                tool: "verilator",
                hint: "run scripts/setup.sh (it installs Verilator with apt)",
            };
            let version = Command::new("verilator")
                .arg("--version")
                .output()
                .map_err(missing)?;
            let root = Command::new("verilator")
                .args(["--getenv", "VERILATOR_ROOT"])
                .output()
                .map_err(missing)?;
            Ok(Toolchain {
                verilator_version: String::from_utf8_lossy(&version.stdout).trim().to_string(),
                root: PathBuf::from(String::from_utf8_lossy(&root.stdout).trim()),
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Where compiled models live: `$KAIZEN_SIM_CACHE`, else the workspace's
/// `target/kaizen-verilator`.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("KAIZEN_SIM_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("kaizen-verilator");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/kaizen-verilator")
}

pub(crate) fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    format!("{:x}", h.finalize())[..20].to_string()
}

pub(crate) fn run(cmd: &mut Command, what: &str) -> Result<(), SimError> {
    let out = cmd
        .output()
        .map_err(|e| SimError::Build(format!("{what}: cannot start: {e}")))?;
    if !out.status.success() {
        return Err(SimError::Build(format!(
            "{what} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// Builds `work` with `f` unless `done` exists, publishing it with a rename
/// so concurrent builders (parallel tests) never see half a build.
pub(crate) fn build_once(
    done: &Path,
    f: impl FnOnce(&Path) -> Result<(), SimError>,
) -> Result<(), SimError> {
    if done.exists() {
        return Ok(());
    }
    let parent = done.parent().expect("cache path has a parent");
    std::fs::create_dir_all(parent)
        .map_err(|e| SimError::Build(format!("cannot create {}: {e}", parent.display())))?;
    // One builder per model across processes (parallel test processes,
    // regression shards, Slurm tasks): the others wait for it here, then
    // find it built, instead of compiling it again side by side.
    let lock_path = parent.join(format!(
        ".{}.lock",
        done.file_name()
            .map_or("model".into(), |n| n.to_string_lossy())
    ));
    let lock = std::fs::File::create(&lock_path)
        .map_err(|e| SimError::Build(format!("cannot create {}: {e}", lock_path.display())))?;
    lock.lock()
        .map_err(|e| SimError::Build(format!("cannot lock {}: {e}", lock_path.display())))?;
    if done.exists() {
        return Ok(());
    }
    let tmp = tempfile::Builder::new()
        .prefix(".build-")
        .tempdir_in(parent)
        .map_err(|e| {
            SimError::Build(format!(
                "cannot create a build directory in {}: {e}",
                parent.display()
            ))
        })?;
    f(tmp.path())?;
    let built = tmp.keep();
    if std::fs::rename(&built, done).is_err() {
        // Someone else finished first; theirs is identical.
        let _ = std::fs::remove_dir_all(&built);
        if !done.exists() {
            return Err(SimError::Build(format!(
                "cannot publish {}",
                done.display()
            )));
        }
    }
    Ok(())
}

/// g++ with the flags every model object is compiled with and Verilator's
/// include directories.
pub(crate) fn gxx(tc: &Toolchain) -> Command {
    let mut c = Command::new("g++");
    c.args(CXXFLAGS)
        .arg(format!("-I{}/include", tc.root.display()))
        .arg(format!("-I{}/include/vltstd", tc.root.display()));
    c
}

pub(crate) fn runtime_objects(tc: &Toolchain) -> Result<Vec<PathBuf>, SimError> {
    let dir = cache_root().join(format!(
        "runtime-{}",
        digest(&[RECIPE, &tc.verilator_version, &CXXFLAGS.join(" ")])
    ));
    build_once(&dir, |work| {
        for src in RUNTIME_SOURCES {
            let obj = work.join(src.replace(".cpp", ".o"));
            run(
                gxx(tc)
                    .arg("-c")
                    .arg(tc.root.join("include").join(src))
                    .arg("-o")
                    .arg(obj),
                &format!("g++ (Verilator runtime {src})"),
            )?;
        }
        Ok(())
    })?;
    Ok(RUNTIME_SOURCES
        .iter()
        .map(|s| dir.join(s.replace(".cpp", ".o")))
        .collect())
}

/// Path of the compiled model for `e`, building it if needed.
pub fn build_model(e: &Emitted) -> Result<PathBuf, SimError> {
    // One build at a time per process: parallel tests wanting the same model
    // wait for it instead of compiling it again side by side.
    static BUILDING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = BUILDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let tc = toolchain()?;
    let runtime = runtime_objects(tc)?;
    let shim = shim_source(e);
    let dir = cache_root().join(format!(
        "{}-{}",
        e.top_module,
        digest(&[
            RECIPE,
            &tc.verilator_version,
            &CXXFLAGS.join(" "),
            kaizen_hdl::VERILATOR_CONFIG,
            &e.verilog,
            &shim
        ])
    ));
    build_once(&dir, |work| {
        let v = work.join(e.file_name());
        std::fs::write(&v, &e.verilog)
            .map_err(|err| SimError::Build(format!("cannot write {}: {err}", v.display())))?;
        // Kaizen's Verilator configuration (its lint waivers).
        let config = work.join("kaizen.vlt");
        std::fs::write(&config, kaizen_hdl::VERILATOR_CONFIG)
            .map_err(|err| SimError::Build(format!("cannot write {}: {err}", config.display())))?;
        std::fs::write(work.join("obj_shim.cpp"), &shim)
            .map_err(|err| SimError::Build(format!("cannot write shim: {err}")))?;
        let obj = work.join("obj");
        run(
            Command::new("verilator")
                .args([
                    "--cc",
                    "--trace",
                    "-O3",
                    "--x-assign",
                    "0",
                    "--x-initial",
                    "0",
                    "-Wno-fatal",
                    "-Wno-lint",
                    "-Wno-style",
                ])
                .arg("--top-module")
                .arg(&e.top_module)
                .arg(&config)
                .arg("-Mdir")
                .arg(&obj)
                .arg(&v),
            "verilator",
        )?;
        let mut sources: Vec<PathBuf> = std::fs::read_dir(&obj)
            .map_err(|err| SimError::Build(format!("cannot read {}: {err}", obj.display())))?
            .filter_map(|d| d.ok().map(|d| d.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "cpp"))
            .collect();
        sources.sort();
        // Large models split into many sources: compile them in parallel.
        let objects = compile_parallel(tc, &e.top_module, &obj, &sources)?;
        run(
            Command::new("g++")
                .args(CXXFLAGS)
                .arg("-shared")
                .args(&objects)
                .args(&runtime)
                .args(["-pthread", "-latomic", "-o"])
                .arg(work.join("model.so")),
            "g++ (link model)",
        )
    })?;
    Ok(dir.join("model.so"))
}

/// Compiles the model's sources (and the shim, which verilating leaves
/// beside them) on every core; returns the objects.
fn compile_parallel(
    tc: &Toolchain,
    model: &str,
    obj: &Path,
    sources: &[PathBuf],
) -> Result<Vec<PathBuf>, SimError> {
    let mut all = sources.to_vec();
    all.push(obj.parent().expect("obj has a parent").join("obj_shim.cpp"));
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let compiled = std::sync::atomic::AtomicUsize::new(0);
    let task = format!("building the Verilator model of {model} (C++ sources compiled)");
    crate::progress::report(&task, 0, all.len() as u64);
    let compile = |src: &PathBuf| {
        let out = src.with_extension("o");
        let slow = src
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains("__Slow"));
        run(
            gxx(tc)
                .args(if slow { SLOW_FLAGS } else { &[] })
                .arg("-I")
                .arg(obj)
                .arg("-c")
                .arg(src)
                .arg("-o")
                .arg(&out),
            &format!("g++ ({})", src.display()),
        )
        .map(|()| out)
    };
    let results: Vec<Result<PathBuf, SimError>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                s.spawn(|| {
                    let mut done = vec![];
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(src) = all.get(i) else { break };
                        done.push((i, compile(src)));
                        let n = compiled.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        crate::progress::report(&task, n as u64, all.len() as u64);
                    }
                    done
                })
            })
            .collect();
        let mut all_done: Vec<(usize, Result<PathBuf, SimError>)> = workers
            .into_iter()
            .flat_map(|w| w.join().expect("compile worker"))
            .collect();
        all_done.sort_by_key(|(i, _)| *i);
        all_done.into_iter().map(|(_, r)| r).collect()
    });
    results.into_iter().collect()
}
