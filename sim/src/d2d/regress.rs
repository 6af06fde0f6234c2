//! Regression material for the die-to-die PHY, shared by the CI tests and
//! `kaizen regress d2d`: random channels within the fault model, and the
//! channels the teeth mutants must fail on.

use crate::d2d::bench::PhyConfig;
use crate::d2d::monitor::Geometry;
use crate::models::channel::Bursts;
use kaizen_hdl::d2d::advanced::SPARES;
use kaizen_hdl::d2d::params::Package;
use kaizen_hdl::d2d::protocol::{HALF_LANES, LANES, MAX_SKEW};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A random channel within the fault model of `package`'s PHY, carrying
/// `flits` flits: skew up to the maximum, BER from none to 1e-4, sometimes
/// bursts, broken lanes from power-up (standard: up to three of one half;
/// advanced: up to all four spares' worth, anywhere), sometimes a lane
/// dying in traffic (while the link can still repair it), reverse traffic,
/// idle gaps, a slow or fast sideband, and sometimes a flipped CRC bit.
pub fn random_channel(package: Package, seed: u64, flits: u64) -> PhyConfig {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lanes = Geometry::of(package).lanes;
    let ber = *[0.0, 1e-9, 1e-6, 1e-5, 1e-4]
        .choose(&mut rng)
        .expect("non-empty");
    let max_skew = rng.gen_range(0..=MAX_SKEW);
    let skew = (0..lanes).map(|_| rng.gen_range(0..=max_skew)).collect();
    let mut broken = vec![];
    let mut deaths = vec![];
    match package {
        Package::Standard => {
            if rng.gen_bool(0.3) {
                let half = if rng.gen() { 0 } else { HALF_LANES };
                let mut half_lanes: Vec<usize> = (half..half + HALF_LANES).collect();
                half_lanes.shuffle(&mut rng);
                broken = half_lanes[..rng.gen_range(1..=3)].to_vec();
            }
            if broken.is_empty() && rng.gen_bool(0.25) {
                // Mid-traffic: after training, within the first part of the run.
                deaths.push((rng.gen_range(0..LANES), rng.gen_range(400..400 + 8 * flits)));
            }
        }
        Package::Advanced => {
            let mut all: Vec<usize> = (0..lanes).collect();
            all.shuffle(&mut rng);
            if rng.gen_bool(0.5) {
                broken = all[..rng.gen_range(1..=SPARES)].to_vec();
            }
            if broken.len() < SPARES && rng.gen_bool(0.3) {
                // After training (which takes longer: a 74-bit sideband frame).
                let at = rng.gen_range(1200..1200 + 8 * flits);
                deaths.push((all[SPARES], at));
            }
        }
    }
    let bursts = rng.gen_bool(0.15).then(|| Bursts {
        rate: 1e-5,
        length: rng.gen_range(2..24),
    });
    PhyConfig {
        reverse_flits: if rng.gen_bool(0.5) {
            rng.gen_range(0..flits / 2 + 1)
        } else {
            0
        },
        ber,
        bursts,
        base_delay: rng.gen_range(1..=24),
        skew,
        broken,
        deaths,
        sideband_delay: rng.gen_range(1..=24),
        crc_flip_every: if rng.gen_bool(0.2) {
            rng.gen_range(3..20)
        } else {
            0
        },
        idle: if rng.gen_bool(0.3) { 0.3 } else { 0.0 },
        package,
        ..PhyConfig::new(flits, seed)
    }
}

/// Channels a mutant of `package`'s PHY must fail on at least one of:
/// errors that make replays (for the replay-pointer mutants), CRC-field
/// flips (a check that ignores a CRC bit), and bit errors landing on every
/// bit position (a CRC that skips a bit); on the advanced package, broken
/// lanes the remap must go around.
pub fn teeth_channels(package: Package, seed: u64) -> Vec<(&'static str, PhyConfig)> {
    match package {
        Package::Standard => vec![
            (
                "BER 1e-5, CRC bit 31 flipped in every 5th flit",
                PhyConfig {
                    ber: 1e-5,
                    crc_flip_every: 5,
                    ..PhyConfig::new(400, seed)
                },
            ),
            (
                "BER 1e-4, skew, reverse traffic",
                PhyConfig {
                    ber: 1e-4,
                    skew: (0..LANES).map(|l| (l * 5) % (MAX_SKEW + 1)).collect(),
                    reverse_flits: 200,
                    ..PhyConfig::new(2000, seed + 1)
                },
            ),
        ],
        Package::Advanced => vec![(
            "advanced package, lanes 0 and 30 broken, BER 1e-5",
            PhyConfig {
                package,
                ber: 1e-5,
                broken: vec![0, 30],
                stall_limit: 10_000,
                ..PhyConfig::new(400, seed)
            },
        )],
    }
}
