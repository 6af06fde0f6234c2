//! `kaizen regress d2d`: the die-to-die PHY over many random channels (the
//! CI property test's generator, longer), one channel a case, the package
//! alternating; with `--teeth` the mutants the suite must catch.

use crate::cli::regress::{Regression, Teeth};
use anyhow::bail;
use kaizen_hdl::d2d::params::Package;
use kaizen_hdl::d2d::protocol::{training_bound, Mutation};
use kaizen_sim::d2d;
use kaizen_sim::d2d::bench::{run_mutant, verilator_phy};
use kaizen_sim::d2d::regress::{random_channel, teeth_channels};
use kaizen_sim::regression::{case_seed, CaseResult};
use std::collections::BTreeMap;
use std::time::Instant;

pub struct D2dRegression {
    flits: u64,
    channel_flits: u64,
    seed: u64,
}

impl D2dRegression {
    pub fn new(flits: u64, channel_flits: u64, seed: u64) -> anyhow::Result<Self> {
        if flits == 0 || channel_flits == 0 {
            bail!("--flits and --channel-flits must be at least 1");
        }
        Ok(Self {
            flits,
            channel_flits,
            seed,
        })
    }
}

impl Regression for D2dRegression {
    fn name(&self) -> &'static str {
        "d2d"
    }

    fn command(&self) -> Vec<String> {
        [
            "regress",
            "d2d",
            "--flits",
            &self.flits.to_string(),
            "--channel-flits",
            &self.channel_flits.to_string(),
            "--seed",
            &self.seed.to_string(),
        ]
        .map(String::from)
        .to_vec()
    }

    fn cases(&self) -> u64 {
        self.flits.div_ceil(self.channel_flits)
    }

    fn prepare(&mut self) -> anyhow::Result<()> {
        // Both packages' models, built once before shards start.
        for package in [Package::Standard, Package::Advanced] {
            verilator_phy(package, Mutation::None).map_err(anyhow::Error::msg)?;
        }
        Ok(())
    }

    fn run_case(&mut self, index: u64) -> CaseResult {
        let n = self
            .channel_flits
            .min(self.flits - index * self.channel_flits);
        let package = if index.is_multiple_of(2) {
            Package::Standard
        } else {
            Package::Advanced
        };
        let seed = case_seed(self.seed, index);
        let cfg = random_channel(package, seed, n);
        let t = Instant::now();
        let result = d2d::bench::run(&cfg).and_then(|r| {
            let bound = training_bound(cfg.package, cfg.sideband_delay);
            if r.training_clocks > bound {
                Err(format!(
                    "training took {} clocks, bound {bound}",
                    r.training_clocks
                ))
            } else {
                Ok(r)
            }
        });
        let mut metrics = BTreeMap::from([
            ("ber".to_string(), cfg.ber),
            ("broken".to_string(), cfg.broken.len() as f64),
            ("dying".to_string(), cfg.deaths.len() as f64),
        ]);
        let failure = match result {
            Ok(r) => {
                for (k, v) in [
                    ("flits", r.delivered as f64),
                    ("reverse_flits", r.reverse_delivered as f64),
                    ("clocks", r.clocks as f64),
                    ("training_clocks", r.training_clocks as f64),
                    ("replays", r.replays as f64),
                    ("crc_errors", r.crc_errors as f64),
                    ("corrupted_on_wire", r.corrupted_on_wire as f64),
                    ("retrains", r.retrains as f64),
                    ("efficiency", r.efficiency),
                ] {
                    metrics.insert(k.into(), v);
                }
                None
            }
            Err(e) => Some(format!("{e}\nchannel: {cfg:?}")),
        };
        CaseResult::new(
            index,
            format!("{} channel", format!("{package:?}").to_lowercase()),
            seed,
            metrics,
            failure,
            t.elapsed().as_secs_f64(),
        )
    }

    fn describe_pass(&self, c: &CaseResult) -> String {
        let m = |k: &str| c.metrics.get(k).copied().unwrap_or(0.0);
        format!(
                "{:<16} (seed {:>20}) BER {:<7e} {} broken, {} dying, {} flits + {} back, {} replays, {} CRC errors ({} on the wire), {} retrains, efficiency {:.1} %",
                c.name,
                c.seed,
                m("ber"),
                m("broken"),
                m("dying"),
                m("flits"),
                m("reverse_flits"),
                m("replays"),
                m("crc_errors"),
                m("corrupted_on_wire"),
                m("retrains"),
                100.0 * m("efficiency")
        )
    }
}

pub fn run_teeth(seed: u64) -> anyhow::Result<()> {
    let mut teeth = Teeth::default();
    for m in Mutation::ALL {
        let channels = teeth_channels(m.package(), seed);
        let caught = channels
            .iter()
            .find_map(|(name, cfg)| run_mutant(cfg, m).err().map(|e| (*name, e)));
        teeth.record(m.name(), caught.as_ref().map(|(c, e)| (*c, e.as_str())));
    }
    teeth.finish()
}
