//! The die-to-die channel model against its own specification: delays and
//! skew exact, BER statistically right, faults where and when configured.

mod common;

use common::property;
use kaizen_sim::models::channel::{Bursts, Channel, ChannelConfig};
use proptest::prelude::*;

fn random_words(seed: u64, lanes: usize, clocks: usize, bits: usize) -> Vec<Vec<u64>> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    (0..clocks)
        .map(|_| (0..lanes).map(|_| rng.gen::<u64>() & mask).collect())
        .collect()
}

#[test]
fn error_free_channel_delays_each_lane_by_its_skew() {
    let strategy = (
        1usize..12,
        1usize..=64,
        0usize..4,
        prop::collection::vec(0usize..6, 12),
        any::<u64>(),
    );
    property(
        "channel_delay_and_skew",
        100,
        strategy,
        |(lanes, bits, base, skew, seed)| {
            let skew = skew[..lanes].to_vec();
            let cfg = ChannelConfig {
                base_delay: base,
                skew: skew.clone(),
                seed,
                ..ChannelConfig::ideal(lanes, bits)
            };
            let mut ch = Channel::new(cfg).map_err(|e| e.to_string())?;
            let sent = random_words(seed, lanes, 40, bits);
            let got: Vec<Vec<u64>> = sent.iter().map(|w| ch.clock(w)).collect();
            for (t, row) in got.iter().enumerate() {
                for lane in 0..lanes {
                    let d = base + skew[lane];
                    let want = if t >= d { sent[t - d][lane] } else { 0 };
                    if row[lane] != want {
                        return Err(format!(
                            "clock {t}, lane {lane} (delay {d}): got {:#x}, sent {want:#x}",
                            row[lane]
                        ));
                    }
                }
            }
            Ok(())
        },
    );
}

#[test]
fn bit_error_rate_matches_configuration() {
    for (ber, seed) in [(1e-2, 1u64), (1e-3, 2), (1e-4, 3)] {
        let cfg = ChannelConfig {
            ber,
            seed,
            ..ChannelConfig::ideal(16, 32)
        };
        let mut ch = Channel::new(cfg).unwrap();
        let zeros = vec![0u64; 16];
        let mut flipped = 0u64;
        let clocks = 40_000;
        for _ in 0..clocks {
            flipped += ch
                .clock(&zeros)
                .iter()
                .map(|w| u64::from(w.count_ones()))
                .sum::<u64>();
        }
        let bits = (clocks * 16 * 32) as f64;
        let mean = bits * ber;
        let sigma = (bits * ber * (1.0 - ber)).sqrt();
        assert_eq!(
            flipped,
            ch.stats().flipped,
            "the stats count what reached the receiver"
        );
        assert!(
            (flipped as f64 - mean).abs() < 5.0 * sigma,
            "BER {ber}: {flipped} errors in {bits} bits, expected {mean:.0} +- {:.0} (5 sigma)",
            5.0 * sigma
        );
    }
}

#[test]
fn stuck_and_dying_lanes() {
    let cfg = ChannelConfig {
        stuck: vec![(1, true), (2, false)],
        deaths: vec![(3, 10)],
        ..ChannelConfig::ideal(4, 8)
    };
    let mut ch = Channel::new(cfg).unwrap();
    for t in 0..20u64 {
        let rx = ch.clock(&[0x5A, 0x5A, 0x5A, 0x5A]);
        assert_eq!(rx[0], 0x5A);
        assert_eq!(rx[1], 0xFF, "stuck at 1");
        assert_eq!(rx[2], 0x00, "stuck at 0");
        assert_eq!(
            rx[3],
            if t < 10 { 0x5A } else { 0 },
            "lane 3 dies at clock 10 (clock {t})"
        );
    }
}

#[test]
fn bursts_corrupt_runs_of_bits_on_one_lane() {
    let cfg = ChannelConfig {
        bursts: Some(Bursts {
            rate: 0.01,
            length: 24,
        }),
        seed: 7,
        ..ChannelConfig::ideal(8, 16)
    };
    let mut ch = Channel::new(cfg).unwrap();
    let mut lanes_hit_per_clock = vec![];
    for _ in 0..20_000 {
        let rx = ch.clock(&[0; 8]);
        lanes_hit_per_clock.push(rx.iter().filter(|w| **w != 0).count());
    }
    let s = ch.stats();
    assert!(
        s.bursts > 0,
        "no burst started in 20000 clocks at rate 0.01 per lane"
    );
    // A burst lasts 24 bits = 2 clocks at 16 bits per clock; about half its bits flip.
    let per_burst = s.flipped as f64 / s.bursts as f64;
    assert!(
        (8.0..=16.0).contains(&per_burst),
        "{per_burst} flipped bits per 24-bit burst"
    );
}

#[test]
fn same_seed_same_errors() {
    let run = |seed| {
        let cfg = ChannelConfig {
            ber: 1e-3,
            bursts: Some(Bursts {
                rate: 1e-3,
                length: 8,
            }),
            seed,
            ..ChannelConfig::ideal(4, 32)
        };
        let mut ch = Channel::new(cfg).unwrap();
        (0..1000).map(|_| ch.clock(&[0; 4])).collect::<Vec<_>>()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
}

#[test]
fn bad_configurations_are_clear_errors() {
    let err = |cfg: ChannelConfig| Channel::new(cfg).err().expect("rejected").to_string();
    assert_eq!(
        err(ChannelConfig::ideal(0, 8)),
        "channel: a channel needs at least one lane"
    );
    assert_eq!(
        err(ChannelConfig::ideal(4, 65)),
        "channel: bits per lane per clock must be 1..=64, not 65"
    );
    assert_eq!(
        err(ChannelConfig {
            ber: 1.5,
            ..ChannelConfig::ideal(4, 8)
        }),
        "channel: BER must be within 0..=1, not 1.5"
    );
    assert_eq!(
        err(ChannelConfig {
            deaths: vec![(4, 0)],
            ..ChannelConfig::ideal(4, 8)
        }),
        "channel: dying lane 4 does not exist (lanes 0..4)"
    );
    assert_eq!(
        err(ChannelConfig {
            skew: vec![1, 2],
            ..ChannelConfig::ideal(4, 8)
        }),
        "channel: skew lists 2 lanes but the channel has 4"
    );
}
