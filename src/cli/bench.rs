//! `kaizen bench sim`: the same random FIFO stimulus on Verilator and on
//! rust-hdl's simulator, timed, as cycles per second.

use anyhow::Context;
use clap::{Args, Subcommand};
use kaizen_hdl::catalog;
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::rust_hdl_sim::RustHdlSim;
use kaizen_sim::verilator::VerilatorModel;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Simulator speed on the FIFO.
    Sim {
        /// Clock cycles per simulator.
        #[arg(long, default_value_t = 200_000)]
        cycles: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
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
    let BenchWhat::Sim { cycles, seed } = args.what;
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
    let (rv, rr) = (cycles as f64 / tv, cycles as f64 / tr);
    println!("FIFO 16 x 32, {cycles} cycles of random push/pop, seed {seed}");
    println!("  verilator  {rv:>14.0} cycles/s");
    println!("  rust-hdl   {rr:>14.0} cycles/s");
    println!("  ratio      {:>14.1} x (verilator / rust-hdl)", rv / rr);
    Ok(())
}
