//! Die-to-die link parameters (lane repair) and the software reference of
//! the link layer over the channel model: every flit delivered exactly
//! once, in order, unchanged, whatever the channel does within the fault
//! model; goodput at BER 0 equal to what the flit format allows.

mod common;

use common::*;
use kaizen_hdl::d2d::flit::PAYLOAD_BYTES;
use kaizen_hdl::d2d::params::{LinkParams, Package};
use kaizen_sim::models::channel::Bursts;
use kaizen_sim::models::d2d_link::{run, LinkConfig};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn payloads(n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| (0..PAYLOAD_BYTES).map(|_| rng.gen()).collect())
        .collect()
}

#[test]
fn advanced_package_repairs_onto_spares() {
    let p = LinkParams::advanced();
    let m = p.repair(&[3, 7, 40]).unwrap();
    assert_eq!(m.lanes.len(), 64);
    assert!(!m.degraded);
    assert!(m.lanes.iter().all(|l| ![3, 7, 40].contains(l)));
    assert_eq!(*m.lanes.last().unwrap(), 66, "three spares in use");
    let e = p.repair(&[1, 2, 3, 4, 5]).unwrap_err().to_string();
    assert!(
        e.contains("5 broken lanes") && e.contains("only 4 spares"),
        "{e}"
    );
    let e = p.repair(&[68]).unwrap_err().to_string();
    assert!(e.contains("lane 68 does not exist"), "{e}");
}

#[test]
fn standard_package_degrades_to_the_healthy_half() {
    let p = LinkParams::standard();
    assert_eq!(p.repair(&[]).unwrap().lanes, (0..16).collect::<Vec<_>>());
    let m = p.repair(&[3, 7]).unwrap();
    assert!(m.degraded);
    assert_eq!(m.lanes, (8..16).collect::<Vec<_>>());
    let m = p.repair(&[12]).unwrap();
    assert_eq!(m.lanes, (0..8).collect::<Vec<_>>());
    let e = p.repair(&[3, 12]).unwrap_err().to_string();
    assert!(e.contains("neither half"), "{e}");
}

#[test]
fn bad_link_parameters_are_refused() {
    let e = LinkParams::for_lanes(0).unwrap_err().to_string();
    assert!(e.contains("at least one lane"), "{e}");
    let e = LinkParams::for_lanes(12).unwrap_err().to_string();
    assert!(e.contains("not a UCIe module width"), "{e}");
    let mut p = LinkParams::standard();
    p.spares = 2;
    assert!(p.check().unwrap_err().to_string().contains("no spare"));
    let mut p = LinkParams::advanced();
    p.flit_bytes = 100;
    assert!(p.check().unwrap_err().to_string().contains("whole clocks"));
    assert_eq!(LinkParams::advanced().package, Package::Advanced);
}

/// At BER 0 the steady-state goodput is exactly the flit format's payload
/// share, on both packages and with skew.
#[test]
fn clean_link_reaches_the_theoretical_payload_rate() {
    for (p, skew) in [
        (
            LinkParams::standard(),
            vec![0, 3, 1, 7, 0, 2, 5, 1, 0, 0, 4, 6, 2, 1, 3, 0],
        ),
        (LinkParams::advanced(), (0..68).map(|l| l % 5).collect()),
    ] {
        let cfg = LinkConfig {
            skew,
            ..LinkConfig::new(p.clone())
        };
        let r = run(&cfg, &payloads(400, 1)).unwrap();
        assert_eq!(r.delivered, 400);
        assert_eq!(r.replays, 0);
        assert!(
            (r.efficiency - r.theoretical).abs() < 1e-12,
            "{} lanes: {} vs {}",
            p.lanes,
            r.efficiency,
            r.theoretical
        );
    }
}

#[test]
fn ninety_percent_at_ber_1e6_on_16_lanes() {
    let cfg = LinkConfig {
        ber: 1e-6,
        seed: 11,
        ..LinkConfig::new(LinkParams::standard())
    };
    let r = run(&cfg, &payloads(20_000, 2)).unwrap();
    assert_eq!(r.delivered, 20_000);
    assert!(r.crc_errors > 0, "a run this long sees errors at 1e-6");
    assert!(r.efficiency >= 0.90, "efficiency {}", r.efficiency);
}

/// Any traffic, any channel within the fault model: skew up to 8 clocks,
/// broken lanes within what repair allows, any BER, bursts.
#[test]
fn every_flit_once_in_order_unchanged() {
    let strategy = (
        any::<bool>(),
        prop::collection::vec(0usize..68, 0..5),
        prop_oneof![Just(0.0), Just(1e-6), Just(1e-5), Just(1e-4)],
        prop::option::of((1e-6f64..3e-4, 2usize..40)),
        prop::collection::vec(0usize..=8, 68),
        1usize..300,
        any::<u64>(),
    );
    property(
        "d2d_link_reference",
        48,
        strategy,
        |(advanced, broken, ber, bursts, skew, n, seed)| {
            let params = if advanced {
                LinkParams::advanced()
            } else {
                LinkParams::standard()
            };
            let physical = params.physical_lanes();
            let broken: Vec<usize> = broken.into_iter().filter(|&l| l < physical).collect();
            if params.repair(&broken).is_err() {
                return Ok(()); // outside the fault model; refusal is tested above
            }
            let cfg = LinkConfig {
                broken,
                ber,
                bursts: bursts.map(|(rate, length)| Bursts { rate, length }),
                skew: skew[..physical].to_vec(),
                seed,
                ..LinkConfig::new(params)
            };
            let r = run(&cfg, &payloads(n, seed))?;
            if r.delivered != n as u64 {
                return Err(format!("{} of {n} flits delivered", r.delivered));
            }
            Ok(())
        },
    );
}
