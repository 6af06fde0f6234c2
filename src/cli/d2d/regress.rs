//! `kaizen regress d2d`: the die-to-die PHY over many random channels
//! (the CI property test's generator, longer), and with `--teeth` the
//! mutants the suite must catch.

use anyhow::{bail, Context};
use kaizen_hdl::d2d::params::Package;
use kaizen_hdl::d2d::protocol::{training_bound, Mutation};
use kaizen_sim::d2d;
use kaizen_sim::d2d::bench::run_mutant;
use kaizen_sim::d2d::regress::{random_channel, teeth_channels};
use std::time::Instant;

/// Flits per random channel.
const PER_CHANNEL: u64 = 5_000;

pub fn run(flits: u64, seed: u64, teeth: bool) -> anyhow::Result<()> {
    if teeth {
        return run_teeth(seed);
    }
    if flits == 0 {
        bail!("--flits must be at least 1");
    }
    let start = Instant::now();
    let (mut done, mut clocks, mut k) = (0u64, 0u64, 0u64);
    while done < flits {
        let n = PER_CHANNEL.min(flits - done);
        // Every other channel on the advanced package.
        let package = if k % 2 == 0 {
            Package::Standard
        } else {
            Package::Advanced
        };
        let cfg = random_channel(package, seed.wrapping_add(k), n);
        let r = d2d::bench::run(&cfg)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("channel {k} (seed {}): {cfg:?}", cfg.seed))?;
        let bound = training_bound(cfg.package, cfg.sideband_delay);
        if r.training_clocks > bound {
            bail!(
                "channel {k}: training took {} clocks, bound {bound}",
                r.training_clocks
            );
        }
        println!(
            "ok  channel {k:>3}: {:<8} BER {:<7e} {} broken, {} dying, {} flits + {} back, {} replays, {} CRC errors ({} on the wire), {} retrains, efficiency {:.1} %",
            format!("{:?}", cfg.package).to_lowercase(),
            cfg.ber,
            cfg.broken.len(),
            cfg.deaths.len(),
            r.delivered,
            r.reverse_delivered,
            r.replays,
            r.crc_errors,
            r.corrupted_on_wire,
            r.retrains,
            100.0 * r.efficiency
        );
        done += r.delivered;
        clocks += r.clocks;
        k += 1;
    }
    println!(
        "{done} flits over {k} channels, none lost, duplicated or corrupted; {clocks} clocks in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_teeth(seed: u64) -> anyhow::Result<()> {
    let mut survivors = vec![];
    for m in Mutation::ALL {
        let channels = teeth_channels(m.package(), seed);
        let caught = channels
            .iter()
            .find_map(|(name, cfg)| run_mutant(cfg, m).err().map(|e| (name, e)));
        match caught {
            Some((channel, e)) => println!(
                "caught   {:<34} on {channel}: {}",
                m.name(),
                e.lines().next().unwrap_or("")
            ),
            None => {
                println!("MISSED   {}", m.name());
                survivors.push(m.name());
            }
        }
    }
    crate::cli::regress::survivors_fail(&survivors)
}
