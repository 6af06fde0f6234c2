//! The die-to-die PHY RTL on Verilator: two dies (A and B) through the
//! channel model. Every run checks, inside the bench, that each flit is
//! delivered once, in order and unchanged, that every flit the channel
//! corrupted failed B's CRC check (and no intact one did), and that what A
//! puts on its lanes is the documented flit format under an independent
//! CRC and scrambler model (`kaizen_sim::d2d::bench`).

mod common;

use common::*;
use kaizen_hdl::d2d::flit::{FLIT_BYTES, PAYLOAD_BYTES};
use kaizen_hdl::d2d::params::{LinkParams, Package};
use kaizen_hdl::d2d::phy::D2dPhy;
use kaizen_hdl::d2d::protocol::{training_bound, LANES};
use kaizen_sim::d2d::bench::{run, run_link, PhyConfig, PhyReport};
use kaizen_sim::d2d::regress::random_channel;
use proptest::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

const THEORETICAL: f64 = PAYLOAD_BYTES as f64 / FLIT_BYTES as f64;

fn check_training(cfg: &PhyConfig, r: &PhyReport) -> Result<(), String> {
    let bound = training_bound(cfg.package, cfg.sideband_delay);
    if r.training_clocks > bound {
        return Err(format!(
            "training took {} clocks, beyond the stated bound of {bound}",
            r.training_clocks
        ));
    }
    Ok(())
}

#[test]
fn random_channels_deliver_every_flit_once_in_order_unchanged() {
    // 30 channels on the standard package and 12 on the (slower to
    // simulate) advanced one, 2400..3000 flits each: over 10^5 flits per run.
    let delivered = AtomicU64::new(0);
    for (name, package, channels) in [
        (
            "d2d random channels, standard package",
            Package::Standard,
            30,
        ),
        (
            "d2d random channels, advanced package",
            Package::Advanced,
            12,
        ),
    ] {
        let strategy = (any::<u64>(), 2400u64..3000);
        property(name, channels, strategy, |(seed, flits)| {
            let cfg = random_channel(package, seed, flits);
            let r = run_d2d_traced("d2d_random_channels", &cfg)?;
            check_training(&cfg, &r)?;
            if r.delivered != cfg.flits || r.reverse_delivered != cfg.reverse_flits {
                return Err(format!("{} of {} flits delivered", r.delivered, cfg.flits));
            }
            delivered.fetch_add(r.delivered + r.reverse_delivered, Ordering::Relaxed);
            Ok(())
        });
    }
    let total = delivered.load(Ordering::Relaxed);
    assert!(total >= 100_000, "only {total} flits this run");
    eprintln!("{total} flits delivered across random channels");
}

#[test]
fn ber_zero_goodput_is_the_theoretical_payload_rate() {
    for (name, broken) in [("full width", vec![]), ("degraded to 8 lanes", vec![2])] {
        let cfg = PhyConfig {
            broken,
            skew: (0..LANES).map(|l| (l * 7) % 16).collect(),
            ..PhyConfig::new(3000, 11)
        };
        let r = run_d2d_traced("d2d_ber_zero", &cfg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.replays, 0, "{name}");
        assert_eq!(r.crc_errors, 0, "{name}");
        assert!(
            (r.efficiency - THEORETICAL).abs() < 1e-12,
            "{name}: efficiency {} at BER 0, theoretical {THEORETICAL}",
            r.efficiency
        );
    }
}

#[test]
fn efficiency_at_ber_1e6_on_16_lanes_is_at_least_90_percent() {
    let flits = 20_000;
    let cfg = PhyConfig {
        ber: 1e-6,
        ..PhyConfig::new(flits, 5)
    };
    let r = run_d2d_traced("d2d_ber_1e6", &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.crc_errors > 0,
        "BER 1e-6 over {flits} flits should corrupt some"
    );
    assert!(
        r.efficiency >= 0.90,
        "efficiency {} at BER 1e-6",
        r.efficiency
    );
    let reference = reference_efficiency(LinkParams::standard(), 1e-6, flits, 5);
    assert!(
        (r.efficiency - reference).abs() < 0.02,
        "RTL {} vs reference {}",
        r.efficiency,
        reference
    );
}

#[test]
fn a_lane_dying_in_traffic_retrains_degrades_and_loses_nothing() {
    for lane in [5, 12] {
        let cfg = PhyConfig {
            ber: 1e-6,
            deaths: vec![(lane, 8_000)],
            reverse_flits: 300,
            ..PhyConfig::new(2000, 3)
        };
        let r = run_d2d_traced("d2d_lane_dies", &cfg).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.retrains >= 1, "lane {lane}: no retrain");
        assert_eq!(r.lanes_used, 8, "lane {lane}: not degraded");
        assert!(r.broken.contains(&lane), "lane {lane} still counted good");
    }
}

#[test]
fn lanes_broken_in_both_halves_end_in_trainerror() {
    let cfg = PhyConfig {
        broken: vec![3, 12],
        stall_limit: 5_000,
        ..PhyConfig::new(10, 1)
    };
    let err = run(&cfg).expect_err("the link cannot come up");
    assert!(err.contains("link training failed"), "{err}");
    assert!(err.contains("TRAINERROR"), "{err}");
}

#[test]
fn training_time_stays_within_its_bound() {
    for sb in [1, 8, 24] {
        for skew in [0, 15] {
            let cfg = PhyConfig {
                sideband_delay: sb,
                base_delay: 24,
                skew: (0..LANES)
                    .map(|l| if l % 3 == 0 { skew } else { 0 })
                    .collect(),
                ..PhyConfig::new(20, 2)
            };
            let r = run(&cfg).unwrap_or_else(|e| panic!("{e}"));
            check_training(&cfg, &r)
                .unwrap_or_else(|e| panic!("sideband delay {sb}, skew {skew}: {e}"));
        }
    }
}

#[test]
fn d2d_phy_differential_against_rust_hdl() {
    let mut a = differential("d2d_phy", D2dPhy::default());
    let mut b = differential("d2d_phy", D2dPhy::default());
    let cfg = PhyConfig {
        ber: 1e-4,
        reverse_flits: 4,
        ..PhyConfig::new(12, 9)
    };
    let r = run_link(&mut a, &mut b, &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.delivered, 12);
}
