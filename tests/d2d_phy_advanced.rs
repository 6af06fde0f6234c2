//! The advanced-package PHY RTL (64 data lanes + 4 spares, 2 bits per lane
//! per clock) on Verilator, two dies through the channel model. The bench's
//! own checks hold here too (each flit once, in order, unchanged; every
//! corrupted flit fails B's CRC check; the wire monitor decodes A's lanes
//! through the repair rule of `params.rs`, not the RTL's remap). The random
//! channels of both packages run in `d2d_phy.rs`.

mod common;

use common::*;
use kaizen_hdl::d2d::advanced::{DATA_LANES, PHYS_LANES, SPARES};
use kaizen_hdl::d2d::flit::{FLIT_BYTES, PAYLOAD_BYTES};
use kaizen_hdl::d2d::params::{LinkParams, Package};
use kaizen_hdl::d2d::protocol::{training_bound, MAX_SKEW};
use kaizen_sim::d2d::bench::{run, PhyConfig};

const THEORETICAL: f64 = PAYLOAD_BYTES as f64 / FLIT_BYTES as f64;

fn advanced(flits: u64, seed: u64) -> PhyConfig {
    PhyConfig {
        package: Package::Advanced,
        ..PhyConfig::new(flits, seed)
    }
}

#[test]
fn broken_lanes_up_to_the_spares_keep_full_width_and_the_payload_rate() {
    // Lanes spread over the module, including the first, a spare and the last.
    for broken in [vec![], vec![0], vec![5, 6], vec![0, 31, 64, 67]] {
        let cfg = PhyConfig {
            broken: broken.clone(),
            skew: (0..PHYS_LANES).map(|l| (l * 7) % (MAX_SKEW + 1)).collect(),
            reverse_flits: 200,
            ..advanced(2000, 11)
        };
        let r = run_d2d_traced("d2d_adv_spares", &cfg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.lanes_used, DATA_LANES, "broken {broken:?}");
        assert_eq!(r.broken, broken, "lanes B found broken");
        assert_eq!(r.replays, 0, "broken {broken:?}");
        assert_eq!(r.crc_errors, 0, "broken {broken:?}");
        assert!(r.monitored >= 2000, "broken {broken:?}: wire monitor idle");
        assert!(
            (r.efficiency - THEORETICAL).abs() < 1e-12,
            "broken {broken:?}: efficiency {} at BER 0, theoretical {THEORETICAL}",
            r.efficiency
        );
    }
}

#[test]
fn more_broken_lanes_than_spares_end_in_trainerror() {
    let cfg = PhyConfig {
        broken: (0..=SPARES).map(|k| 3 + 13 * k).collect(),
        stall_limit: 5_000,
        ..advanced(10, 1)
    };
    let err = run(&cfg).expect_err("the link cannot come up");
    assert!(err.contains("TRAINERROR"), "{err}");
}

#[test]
fn a_lane_dying_in_traffic_is_spared_and_nothing_is_lost() {
    for (lane, broken) in [(9, vec![]), (66, vec![2, 40, 41])] {
        let cfg = PhyConfig {
            ber: 1e-6,
            broken: broken.clone(),
            deaths: vec![(lane, 6_000)],
            reverse_flits: 300,
            ..advanced(2000, 3)
        };
        let r = run_d2d_traced("d2d_adv_lane_dies", &cfg).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.retrains >= 1, "lane {lane}: no retrain");
        assert_eq!(r.lanes_used, DATA_LANES, "lane {lane}: lost width");
        assert!(r.broken.contains(&lane), "lane {lane} still counted good");
        assert_eq!(
            r.broken.len(),
            broken.len() + 1,
            "lane {lane}: {:?}",
            r.broken
        );
    }
}

#[test]
fn efficiency_at_ber_1e6_matches_the_reference() {
    let flits = 10_000;
    let cfg = PhyConfig {
        ber: 1e-6,
        ..advanced(flits, 5)
    };
    let r = run_d2d_traced("d2d_adv_ber_1e6", &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.crc_errors > 0,
        "BER 1e-6 over {flits} flits should corrupt some"
    );
    assert!(
        r.efficiency >= 0.90,
        "efficiency {} at BER 1e-6",
        r.efficiency
    );
    let reference = reference_efficiency(LinkParams::advanced(), 1e-6, flits, 5);
    assert!(
        (r.efficiency - reference).abs() < 0.02,
        "RTL {} vs reference {}",
        r.efficiency,
        reference
    );
}

#[test]
fn training_time_stays_within_its_bound() {
    for sb in [1, 24] {
        for skew in [0, MAX_SKEW] {
            let cfg = PhyConfig {
                sideband_delay: sb,
                base_delay: 24,
                skew: (0..PHYS_LANES)
                    .map(|l| if l % 3 == 0 { skew } else { 0 })
                    .collect(),
                broken: vec![17],
                ..advanced(20, 2)
            };
            let r = run(&cfg).unwrap_or_else(|e| panic!("{e}"));
            let bound = training_bound(Package::Advanced, sb);
            assert!(
                r.training_clocks <= bound,
                "sideband delay {sb}, skew {skew}: training took {} clocks, bound {bound}",
                r.training_clocks
            );
        }
    }
}
