//! Helpers shared by the integration tests: emitted blocks, benches on each
//! simulator, proptest seeds, and VCD traces of failing cases.
#![allow(dead_code)]

use kaizen_hdl::catalog;
use kaizen_hdl::emit::Emitted;
use kaizen_hdl::ports::PortAccess;
use kaizen_sim::bench::{Bench, ClockSpec, Differential};
use kaizen_sim::rust_hdl_sim::RustHdlSim;
use kaizen_sim::verilator::VerilatorModel;
use kaizen_sim::SimError;
use std::path::PathBuf;

pub fn emitted(block: &str) -> Emitted {
    let entry = catalog::find(block).expect("block in catalog");
    (entry.emit)().expect("block emits")
}

pub fn verilator(block: &str) -> Bench<VerilatorModel> {
    let model = VerilatorModel::new(&emitted(block)).unwrap_or_else(|e| panic!("{e}"));
    Bench::new(model).expect("bench")
}

/// A Verilator bench of `block` driven by an edge scheduler over `clocks`.
pub fn verilator_clocked(block: &str, clocks: &[ClockSpec]) -> Bench<VerilatorModel> {
    let model = VerilatorModel::new(&emitted(block)).unwrap_or_else(|e| panic!("{e}"));
    Bench::with_clocks(model, clocks).expect("bench")
}

/// Verilator and rust-hdl in lock-step under an edge scheduler.
pub fn differential_clocked<B: PortAccess>(
    name: &str,
    block: B,
    clocks: &[ClockSpec],
) -> Bench<Differential<VerilatorModel, RustHdlSim<B>>> {
    let v = VerilatorModel::new(&emitted(name)).unwrap_or_else(|e| panic!("{e}"));
    let r = RustHdlSim::new(block).expect("rust-hdl sim");
    Bench::with_clocks(Differential::new(v, r).expect("same ports"), clocks).expect("bench")
}

pub fn rust_hdl<B: PortAccess>(block: B) -> Bench<RustHdlSim<B>> {
    Bench::new(RustHdlSim::new(block).expect("rust-hdl sim")).expect("bench")
}

pub fn differential<B: PortAccess>(
    name: &str,
    block: B,
) -> Bench<Differential<VerilatorModel, RustHdlSim<B>>> {
    let v = VerilatorModel::new(&emitted(name)).unwrap_or_else(|e| panic!("{e}"));
    let r = RustHdlSim::new(block).expect("rust-hdl sim");
    Bench::new(Differential::new(v, r).expect("same ports")).expect("bench")
}

/// A property test with a printed, replayable seed (`PROPTEST_RNG_SEED`):
/// Kaizen's own tests use the helpers a user's crate gets.
#[allow(unused_imports)] // common is compiled into every test; not all run properties
pub use kaizen::testing::property;

/// Where a failing case's trace goes.
/// Runs the die-to-die link of `cfg`; on failure runs it again with VCD
/// traces of both dies and returns the failure with the traces' path.
pub fn run_d2d_traced(
    test: &str,
    cfg: &kaizen_sim::d2d::bench::PhyConfig,
) -> Result<kaizen_sim::d2d::bench::PhyReport, String> {
    use kaizen_sim::d2d::bench::{run, PhyConfig};
    run(cfg).map_err(|first| {
        let path = vcd_path(test);
        let traced = PhyConfig {
            vcd: Some(path.clone()),
            ..cfg.clone()
        };
        let _ = run(&traced);
        format!(
            "{first}\nchannel: {cfg:?}\nVCD of the failing case: {} (die B beside it)",
            path.display()
        )
    })
}

/// Payload efficiency of the software reference link on the channel a
/// `PhyConfig::new(flits, seed)` run at `ber` uses, with the same payloads.
pub fn reference_efficiency(
    params: kaizen_hdl::d2d::params::LinkParams,
    ber: f64,
    flits: u64,
    seed: u64,
) -> f64 {
    use kaizen_sim::d2d::bench::payload;
    use kaizen_sim::models::d2d_link::{run, LinkConfig};
    let payloads: Vec<Vec<u8>> = (0..flits).map(|i| payload(seed, i).to_vec()).collect();
    run(
        &LinkConfig {
            ber,
            seed,
            ..LinkConfig::new(params)
        },
        &payloads,
    )
    .expect("reference")
    .efficiency
}

pub fn vcd_path(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vcd");
    std::fs::create_dir_all(&dir).expect("vcd dir");
    dir.join(format!("{test}.vcd"))
}

/// Runs `case` on a fresh Verilator bench; if it fails, runs it again with a
/// VCD trace and returns the failure with the trace's path.
pub fn with_vcd_on_failure<T>(
    test: &str,
    block: &str,
    case: impl Fn(&mut Bench<VerilatorModel>) -> Result<T, String>,
) -> Result<T, String> {
    traced_on_failure(test, || verilator(block), case)
}

/// The same for an edge-scheduled bench: the trace shows every clock.
pub fn with_vcd_on_failure_clocked<T>(
    test: &str,
    block: &str,
    clocks: &[ClockSpec],
    case: impl Fn(&mut Bench<VerilatorModel>) -> Result<T, String>,
) -> Result<T, String> {
    traced_on_failure(test, || verilator_clocked(block, clocks), case)
}

fn traced_on_failure<T>(
    test: &str,
    bench: impl Fn() -> Bench<VerilatorModel>,
    case: impl Fn(&mut Bench<VerilatorModel>) -> Result<T, String>,
) -> Result<T, String> {
    kaizen::testing::traced_on_failure(&vcd_path(test), bench, case)
}

pub fn sim<T>(r: Result<T, SimError>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

/// Runs the test chip end to end with `cfg`; on failure runs it again with a
/// VCD trace of the chip and says where it is.
pub fn run_chip_traced(
    test: &str,
    cfg: &kaizen_sim::testchip::bench::ChipConfig,
) -> Result<kaizen_sim::testchip::bench::ChipReport, String> {
    use kaizen_sim::testchip::bench::{run, ChipConfig};
    run(cfg).map_err(|first| {
        let path = vcd_path(test);
        let _ = run(&ChipConfig {
            vcd: Some(path.clone()),
            ..cfg.clone()
        });
        format!(
            "{first}\nconfig: {cfg:?}\nVCD of the failing case: {}",
            path.display()
        )
    })
}

/// Starts (or finds running) the one-node Slurm cluster of
/// `scripts/slurm_cluster.sh` and returns its `SLURM_CONF`.
pub fn slurm_conf() -> String {
    // Twice: a start must find a running cluster and return at once (a
    // daemon that kept the script's lock once made every later start hang).
    start_slurm_cluster();
    start_slurm_cluster()
}

fn start_slurm_cluster() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new(root.join("scripts/slurm_cluster.sh"))
        .arg("start")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run scripts/slurm_cluster.sh");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while child
        .try_wait()
        .expect("wait for slurm_cluster.sh")
        .is_none()
    {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("scripts/slurm_cluster.sh start took over 2 minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let start = child.wait_with_output().expect("slurm_cluster.sh output");
    let out = String::from_utf8_lossy(&start.stdout);
    assert!(
        start.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&start.stderr)
    );
    out.trim()
        .strip_prefix("export SLURM_CONF=")
        .unwrap_or_else(|| panic!("unexpected output: {out}"))
        .to_string()
}

/// A scratch project root (`KAIZEN_ROOT`): the real constraints and
/// scripts, editable; its `build/` is the test's own.
pub fn scratch_root() -> tempfile::TempDir {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = tempfile::tempdir().unwrap();
    for sub in ["constraints", "scripts"] {
        std::fs::create_dir_all(d.path().join(sub)).unwrap();
        for f in std::fs::read_dir(root.join(sub)).unwrap() {
            let f = f.unwrap();
            if f.file_type().unwrap().is_file() {
                std::fs::copy(f.path(), d.path().join(sub).join(f.file_name())).unwrap();
            }
        }
    }
    d
}

/// The PDK as this checkout finds it (what `kaizen flow` would use).
pub fn pdk_dir() -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    kaizen_flow::pdk::locate(root, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .dir
}
