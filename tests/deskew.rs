//! Lane deskew through the channel model: lanes skewed by the package come
//! out aligned once each lane's delay is set to (largest skew - its skew).
//! The reference is the transmitted stream itself.

mod common;

use common::*;
use kaizen_hdl::d2d::deskew::{DeskewBlock, DESKEW_LANES, DESKEW_MAX};
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::models::channel::{Channel, ChannelConfig};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const BASE_DELAY: usize = 2;

fn pack(bytes: &[u64]) -> [u64; 2] {
    let mut w = [0u64; 2];
    for (l, &b) in bytes.iter().enumerate() {
        w[l / 8] |= (b & 0xff) << (8 * (l % 8));
    }
    w
}

fn run<S: Simulator>(
    bench: &mut Bench<S>,
    skew: &[usize],
    cycles: usize,
    seed: u64,
) -> Result<(), String> {
    let mut ch = Channel::new(ChannelConfig {
        base_delay: BASE_DELAY,
        skew: skew.to_vec(),
        seed,
        ..ChannelConfig::ideal(DESKEW_LANES, 8)
    })
    .map_err(|e| e.to_string())?;
    let max = *skew.iter().max().unwrap_or(&0);
    let delays = skew
        .iter()
        .enumerate()
        .fold(0u64, |d, (l, &s)| d | (((max - s) as u64) << (4 * l)));
    let lanes_in = bench.port("lanes_in").map_err(|e| e.to_string())?;
    let lanes_out = bench.port("lanes_out").map_err(|e| e.to_string())?;
    sim(bench.reset(1))?;
    sim(bench.set("delays", delays))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sent: Vec<Vec<u64>> = vec![];
    for t in 0..cycles {
        let word: Vec<u64> = (0..DESKEW_LANES).map(|_| rng.gen::<u8>().into()).collect();
        let rx = ch.clock(&word);
        sent.push(word);
        bench.set_wide(lanes_in, &pack(&rx));
        sim(bench.eval())?;
        // Every lane has now been through base delay + the largest skew.
        let lag = BASE_DELAY + max;
        if t >= lag + DESKEW_MAX {
            let want = pack(&sent[t - lag]);
            let got = bench.get_wide(lanes_out);
            if got[..] != want[..] {
                return Err(format!(
                    "cycle {t}: lanes out {:032x}{:032x}, want {:032x}{:032x} (skews {skew:?})",
                    got[1], got[0], want[1], want[0]
                ));
            }
        }
        sim(bench.tick())?;
    }
    Ok(())
}

#[test]
fn skewed_lanes_come_out_aligned() {
    let strategy = (
        prop::collection::vec(0..=DESKEW_MAX, DESKEW_LANES),
        any::<u64>(),
    );
    property("deskew", 64, strategy, |(skew, seed)| {
        with_vcd_on_failure("deskew", "deskew", |b| run(b, &skew, 80, seed))
    });
}

#[test]
fn deskew_differential() {
    let skew: Vec<usize> = (0..DESKEW_LANES).map(|l| (l * 7) % 16).collect();
    let mut b = differential("deskew", DeskewBlock::default());
    run(&mut b, &skew, 60, 3).unwrap_or_else(|e| panic!("{e}"));
}
