//! `kaizen bench sim`: the same random FIFO stimulus on Verilator and on
//! rust-hdl's simulator, timed, as cycles per second; `kaizen bench memctl`:
//! the memory controller's full bench on both.

use super::results::write;
use anyhow::Context;
use clap::{Args, Subcommand};
use kaizen_hdl::catalog;
use kaizen_hdl::d2d::params::Package;
use kaizen_hdl::d2d::protocol::Mutation;
use kaizen_hdl::emit::Emitted;
use kaizen_hdl::memctl::config::ControllerConfig;
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::memctl;
use kaizen_sim::memctl::bench::BenchOptions;
use kaizen_sim::memctl::regress::stress;
use kaizen_sim::models::memctl_reference::Request;
use kaizen_sim::rust_hdl_sim::RustHdlSim;
use kaizen_sim::verilator::native::{replay, run_native, Recorder, Stimulus};
use kaizen_sim::verilator::VerilatorModel;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Simulator speed: the block's bench on Verilator (and, for the FIFO,
    /// rust-hdl), and the bench's recorded stimulus replayed from Rust and
    /// by a generated native C++ Verilator harness.
    Sim {
        /// `fifo` (random push/pop), `memctl` (the controller's bench: RTL +
        /// HBM device model + checks, stress traffic), `d2d_phy` or
        /// `d2d_phy_advanced` (two PHY models, die A and die B, over the
        /// channel model, with the wire monitor's checks).
        #[arg(default_value = "fifo")]
        block: String,
        /// FIFO: clock cycles per simulator.
        #[arg(long, default_value_t = 200_000)]
        cycles: u64,
        /// memctl: requests of stress traffic.
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// d2d_phy, d2d_phy_advanced: flits each way (error-free channel).
        #[arg(long, default_value_t = 2_000)]
        flits: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write the figures as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// The memory controller's bench (RTL + HBM device model + checks) on
    /// stress traffic: Verilator, and rust-hdl on a shorter run.
    Memctl {
        #[arg(long, default_value_t = 100_000)]
        requests: usize,
        /// Requests for the (much slower) rust-hdl run.
        #[arg(long, default_value_t = 300)]
        rust_hdl_requests: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write the figures as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// The die-to-die link: payload efficiency versus BER on the PHY RTL
    /// (16 lanes, two dies on Verilator) and the reference (16 and 64
    /// lanes), and the RTL bench's speed.
    D2d {
        /// Flits per run.
        #[arg(long, default_value_t = 20_000)]
        flits: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write the table as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

/// Drives `cycles` cycles of random push/pop; returns (seconds, checksum of
/// outputs, so both runs can be shown to have done the same work).
fn drive<S: Simulator>(bench: &mut Bench<S>, cycles: u64, seed: u64) -> anyhow::Result<(f64, u64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (push, data_in, pop, data_out) = (
        bench.port("push")?,
        bench.port("data_in")?,
        bench.port("pop")?,
        bench.port("data_out")?,
    );
    bench.reset(2)?;
    let start = Instant::now();
    let mut checksum = 0u64;
    for _ in 0..cycles {
        bench.set_id(push, u64::from(rng.gen_bool(0.5)));
        bench.set_id(data_in, u64::from(rng.gen::<u32>()));
        bench.set_id(pop, u64::from(rng.gen_bool(0.5)));
        bench.eval()?;
        checksum = checksum.rotate_left(1) ^ bench.get_id(data_out);
        bench.tick()?;
    }
    Ok((start.elapsed().as_secs_f64(), checksum))
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.what {
        BenchWhat::Sim {
            block,
            cycles,
            requests,
            flits,
            seed,
            json,
        } => match block.as_str() {
            "fifo" => fifo(cycles, seed, json.as_deref()),
            "memctl" => memctl_sim(requests, seed, json.as_deref()),
            "d2d_phy" => d2d_sim(Package::Standard, flits, seed, json.as_deref()),
            "d2d_phy_advanced" => d2d_sim(Package::Advanced, flits, seed, json.as_deref()),
            other => anyhow::bail!(
                "`kaizen bench sim` measures `fifo`, `memctl`, `d2d_phy` or `d2d_phy_advanced`, not `{other}`"
            ),
        },
        BenchWhat::D2d { flits, seed, json } => d2d(flits, seed, json.as_deref()),
        BenchWhat::Memctl {
            requests,
            rust_hdl_requests,
            seed,
            json,
        } => memctl(requests, rust_hdl_requests, seed, json.as_deref()),
    }
}

/// Cycles per second of a memory-controller bench run.
fn memctl_rate<S: Simulator>(
    bench: &mut Bench<S>,
    p: &MemParams,
    reqs: &[Request],
) -> anyhow::Result<(f64, u64)> {
    let cfg = ControllerConfig::default();
    let start = Instant::now();
    let hw = memctl::bench::run(bench, p, &cfg, reqs, &BenchOptions::default())
        .map_err(anyhow::Error::msg)?;
    Ok((
        hw.outcome.cycles as f64 / start.elapsed().as_secs_f64(),
        hw.outcome.cycles,
    ))
}

fn memctl(
    requests: usize,
    rust_hdl_requests: usize,
    seed: u64,
    json: Option<&Path>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        requests > 0 && rust_hdl_requests > 0,
        "request counts must be at least 1"
    );
    let p = MemParams::preset(catalog::MEMCTL_PRESET).map_err(anyhow::Error::msg)?;
    let cfg = ControllerConfig::default();
    let mut v = memctl::bench::verilator_bench(&p, &cfg)
        .map_err(anyhow::Error::msg)
        .context("Verilator model")?;
    let (rv, cv) = memctl_rate(&mut v, &p, &stress(&p, requests, seed))?;
    let block = catalog::memctl_with(&p, &cfg).map_err(anyhow::Error::msg)?;
    let mut r = Bench::new(RustHdlSim::new(block)?)?;
    let (rr, cr) = memctl_rate(&mut r, &p, &stress(&p, rust_hdl_requests, seed))?;
    println!(
        "memory controller bench (RTL + HBM device model + checks), stress traffic, seed {seed}"
    );
    println!("  verilator  {rv:>14.0} cycles/s  ({requests} requests, {cv} cycles)");
    println!("  rust-hdl   {rr:>14.0} cycles/s  ({rust_hdl_requests} requests, {cr} cycles)");
    println!("  ratio      {:>14.1} x (verilator / rust-hdl)", rv / rr);
    write(
        json,
        "bench memctl",
        serde_json::json!({
            "seed": seed,
            "verilator": {"requests": requests, "cycles": cv, "cycles_per_second": rv},
            "rust_hdl": {"requests": rust_hdl_requests, "cycles": cr, "cycles_per_second": rr},
        }),
    )
}

fn fifo(cycles: u64, seed: u64, json: Option<&Path>) -> anyhow::Result<()> {
    anyhow::ensure!(cycles > 0, "--cycles must be at least 1");
    let emitted =
        (catalog::find("fifo").map_err(anyhow::Error::msg)?.emit)().map_err(anyhow::Error::msg)?;
    let model = VerilatorModel::new(&emitted).context("Verilator model")?;
    let (tv, cv) = drive(&mut Bench::new(model)?, cycles, seed)?;
    let (tr, cr) = drive(
        &mut Bench::new(RustHdlSim::new(catalog::fifo())?)?,
        cycles,
        seed,
    )?;
    anyhow::ensure!(
        cv == cr,
        "the two simulators produced different outputs (checksums {cv:#x} and {cr:#x})"
    );
    // The same bench, recorded, then replayed from Rust and natively.
    let mut recorder = Bench::new(Recorder::new(VerilatorModel::new(&emitted)?))?;
    drive(&mut recorder, cycles, seed)?;
    let stimulus = recorder.into_simulator().stimulus();
    let side = side_by_side(&emitted, &stimulus)?;
    let (rv, rr) = (cycles as f64 / tv, cycles as f64 / tr);
    println!("FIFO 16 x 32, {cycles} cycles of random push/pop, seed {seed}");
    println!("  verilator, Rust bench   {rv:>14.0} cycles/s");
    side.print(cycles);
    println!("  rust-hdl                {rr:>14.0} cycles/s");
    println!(
        "  Rust bench / native     {:>13.0} %",
        100.0 * rv / side.native_rate(cycles)
    );
    println!("  verilator / rust-hdl    {:>13.1} x", rv / rr);
    write(
        json,
        "bench sim",
        serde_json::json!({
            "block": "fifo", "cycles": cycles, "seed": seed,
            "verilator_cycles_per_second": rv, "rust_hdl_cycles_per_second": rr,
            "rust_replay_cycles_per_second": side.rust_rate(cycles),
            "native_cycles_per_second": side.native_rate(cycles),
        }),
    )
}

/// The recorded stimulus replayed from Rust (through the [`Simulator`]
/// interface) and by the native harness, both checked against the recording.
struct SideBySide {
    rust_seconds: f64,
    native_seconds: f64,
    evals: u64,
}

impl SideBySide {
    fn rust_rate(&self, cycles: u64) -> f64 {
        cycles as f64 / self.rust_seconds
    }
    fn native_rate(&self, cycles: u64) -> f64 {
        cycles as f64 / self.native_seconds
    }
    fn print(&self, cycles: u64) {
        println!(
            "  verilator, Rust replay  {:>14.0} cycles/s  (the bench's stimulus through the simulator interface)",
            self.rust_rate(cycles)
        );
        println!(
            "  verilator, native C++   {:>14.0} cycles/s  (the same {} evaluations, a generated C++ harness)",
            self.native_rate(cycles),
            self.evals
        );
    }
}

fn side_by_side(e: &Emitted, stimulus: &Stimulus) -> anyhow::Result<SideBySide> {
    let (rust_seconds, rust) = replay(&mut VerilatorModel::new(e)?, stimulus)?;
    let (native_seconds, native) = run_native(e, stimulus)?;
    anyhow::ensure!(
        rust == stimulus.checksum && native == stimulus.checksum,
        "a replay read different values from the recorded bench (checksums: bench {:#x}, Rust replay {rust:#x}, native {native:#x})",
        stimulus.checksum
    );
    Ok(SideBySide {
        rust_seconds,
        native_seconds,
        evals: stimulus.evals(),
    })
}

/// The controller's bench (RTL + HBM device model + checks) against its
/// recorded stimulus replayed from Rust and natively.
fn memctl_sim(requests: usize, seed: u64, json: Option<&Path>) -> anyhow::Result<()> {
    anyhow::ensure!(requests > 0, "--requests must be at least 1");
    let p = MemParams::preset(catalog::MEMCTL_PRESET).map_err(anyhow::Error::msg)?;
    let cfg = ControllerConfig::default();
    let emitted = catalog::emit_memctl(&p, &cfg).map_err(anyhow::Error::msg)?;
    let reqs = stress(&p, requests, seed);
    let mut plain = memctl::bench::verilator_bench(&p, &cfg)
        .map_err(anyhow::Error::msg)
        .context("Verilator model")?;
    let (rv, cycles) = memctl_rate(&mut plain, &p, &reqs)?;
    let mut recorder = Bench::new(Recorder::new(VerilatorModel::new(&emitted)?))?;
    memctl_rate(&mut recorder, &p, &reqs)?;
    let stimulus = recorder.into_simulator().stimulus();
    let side = side_by_side(&emitted, &stimulus)?;
    println!(
        "memory controller, {requests} requests of stress traffic, seed {seed}, {cycles} cycles"
    );
    println!(
        "  verilator, Rust bench   {rv:>14.0} cycles/s  (with the HBM device model and checks)"
    );
    side.print(cycles);
    println!(
        "  Rust bench / native     {:>13.0} %",
        100.0 * rv / side.native_rate(cycles)
    );
    write(
        json,
        "bench sim",
        serde_json::json!({
            "block": "memctl", "requests": requests, "cycles": cycles, "seed": seed,
            "verilator_cycles_per_second": rv,
            "rust_replay_cycles_per_second": side.rust_rate(cycles),
            "native_cycles_per_second": side.native_rate(cycles),
        }),
    )
}

/// The link's bench (two PHY models, the channel model, the monitor's
/// checks) against each die's recorded stimulus replayed from Rust and
/// natively; a replay's time is both dies' together.
fn d2d_sim(package: Package, flits: u64, seed: u64, json: Option<&Path>) -> anyhow::Result<()> {
    use kaizen_sim::d2d::bench::{run, run_link, PhyConfig};
    anyhow::ensure!(flits > 0, "--flits must be at least 1");
    let cfg = PhyConfig {
        package,
        ..PhyConfig::new(flits, seed)
    };
    let plain = run(&cfg).map_err(anyhow::Error::msg)?;
    let emitted = match package {
        Package::Standard => catalog::emit_d2d_phy(Mutation::None),
        Package::Advanced => catalog::emit_d2d_phy_advanced(Mutation::None),
    }
    .map_err(anyhow::Error::msg)?;
    let recorder =
        || -> anyhow::Result<_> { Ok(Bench::new(Recorder::new(VerilatorModel::new(&emitted)?))?) };
    let (mut a, mut b) = (recorder()?, recorder()?);
    let recorded = run_link(&mut a, &mut b, &cfg).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        recorded.clocks == plain.clocks,
        "the recorded run took {} link clocks, the plain one {}",
        recorded.clocks,
        plain.clocks
    );
    let die_a = side_by_side(&emitted, &a.into_simulator().stimulus())?;
    let die_b = side_by_side(&emitted, &b.into_simulator().stimulus())?;
    let both = SideBySide {
        rust_seconds: die_a.rust_seconds + die_b.rust_seconds,
        native_seconds: die_a.native_seconds + die_b.native_seconds,
        evals: die_a.evals + die_b.evals,
    };
    let clocks = plain.clocks;
    let rv = plain.cycles_per_second;
    println!(
        "{}, {flits} flits each way, seed {seed}, {clocks} link clocks (training included)",
        emitted.block
    );
    println!(
        "  verilator, Rust bench   {rv:>14.0} link clocks/s  (two PHY models, channel model, monitor checks)"
    );
    both.print(clocks);
    println!(
        "  Rust bench / native     {:>13.0} %",
        100.0 * rv / both.native_rate(clocks)
    );
    write(
        json,
        "bench sim",
        serde_json::json!({
            "block": emitted.block, "flits": flits, "clocks": clocks, "seed": seed,
            "verilator_cycles_per_second": rv,
            "rust_replay_cycles_per_second": both.rust_rate(clocks),
            "native_cycles_per_second": both.native_rate(clocks),
        }),
    )
}

/// Efficiency versus BER: the table in README.md.
fn d2d(flits: u64, seed: u64, json: Option<&Path>) -> anyhow::Result<()> {
    use kaizen_hdl::d2d::params::LinkParams;
    use kaizen_sim::d2d;
    use kaizen_sim::d2d::bench::{payload, PhyConfig};
    use kaizen_sim::models::d2d_link::{run as reference, LinkConfig};
    if flits == 0 {
        anyhow::bail!("--flits must be at least 1");
    }
    let payloads: Vec<Vec<u8>> = (0..flits).map(|i| payload(seed, i).to_vec()).collect();
    println!("{flits} flits per run, seed {seed}; payload efficiency (theoretical 96.9 %)");
    println!(
        "{:>8} {:>14} {:>14} {:>14} {:>14} {:>10} {:>12}",
        "BER",
        "RTL 16 lanes",
        "ref 16 lanes",
        "RTL 64 lanes",
        "ref 64 lanes",
        "replays",
        "RTL clk/s"
    );
    let (mut clocks, mut secs) = (0u64, 0f64);
    let mut rows = vec![];
    let mut theoretical = 0.0;
    for ber in [0.0, 1e-9, 1e-6, 1e-4] {
        let rtl = |package: Package| {
            d2d::bench::run(&PhyConfig {
                ber,
                package,
                ..PhyConfig::new(flits, seed)
            })
            .map_err(anyhow::Error::msg)
        };
        let hw = rtl(Package::Standard)?;
        let hw64 = rtl(Package::Advanced)?;
        // The run's own speed (model build and training excluded).
        clocks += hw.clocks;
        secs += hw.clocks as f64 / hw.cycles_per_second;
        let sw = |params: LinkParams| {
            reference(
                &LinkConfig {
                    ber,
                    seed,
                    ..LinkConfig::new(params)
                },
                &payloads,
            )
            .map_err(anyhow::Error::msg)
        };
        let s16 = sw(LinkParams::standard())?;
        let s64 = sw(LinkParams::advanced())?;
        println!(
            "{:>8} {:>12.1} % {:>12.1} % {:>12.1} % {:>12.1} % {:>10} {:>12.0}",
            if ber == 0.0 {
                "0".to_string()
            } else {
                format!("{ber:e}")
            },
            100.0 * hw.efficiency,
            100.0 * s16.efficiency,
            100.0 * hw64.efficiency,
            100.0 * s64.efficiency,
            hw.replays,
            hw.cycles_per_second
        );
        theoretical = hw.theoretical;
        rows.push(serde_json::json!({
            "ber": ber,
            "rtl_16": hw.efficiency, "reference_16": s16.efficiency,
            "rtl_64": hw64.efficiency, "reference_64": s64.efficiency,
            "replays_16": hw.replays, "rtl_clocks_per_second_16": hw.cycles_per_second,
        }));
    }
    println!(
        "Verilator: {:.0} link clocks/s overall on 16 lanes (two PHY models + channel model + checks); replays and clk/s are the 16-lane runs'",
        clocks as f64 / secs
    );
    write(
        json,
        "bench d2d",
        serde_json::json!({
            "flits": flits, "seed": seed, "theoretical": theoretical,
            "rows": rows, "rtl_clocks_per_second": clocks as f64 / secs,
        }),
    )
}
