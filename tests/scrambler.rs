//! Scrambler against a bit-serial software LFSR, and descramble(scramble(x))
//! = x through two hardware instances.

mod common;

use common::*;
use kaizen_hdl::catalog;
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::models::lfsr::Lfsr;
use proptest::prelude::*;

const WORD: usize = 32;

#[derive(Clone, Debug)]
enum Step {
    Word(u32),
    Idle,
    Reseed,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![8 => any::<u32>().prop_map(Step::Word), 2 => Just(Step::Idle), 1 => Just(Step::Reseed)],
        1..120,
    )
}

/// Drives `steps`; returns the scrambled output of every word.
fn scramble<S: Simulator>(bench: &mut Bench<S>, steps: &[Step]) -> Result<Vec<u32>, String> {
    sim(bench.reset(1))?;
    let mut out = vec![];
    for step in steps {
        let (enable, reseed, data) = match step {
            Step::Word(d) => (1, 0, *d),
            Step::Idle => (0, 0, 0),
            Step::Reseed => (0, 1, 0),
        };
        sim(bench.set("enable", enable))?;
        sim(bench.set("reseed", reseed))?;
        sim(bench.set("data_in", u64::from(data)))?;
        sim(bench.eval())?;
        if enable == 1 {
            out.push(sim(bench.get("data_out"))? as u32);
        }
        sim(bench.tick())?;
    }
    Ok(out)
}

/// PCIe 128b/130b lane 0, written out here from the specification rather
/// than taken from the design: G(x) = x^23 + x^21 + x^16 + x^8 + x^5 + x^2 + 1.
const LENGTH: u32 = 23;
const TAPS: [u32; 6] = [21, 16, 8, 5, 2, 0];
const SEED: u64 = 0x1D_BFBC;

fn reference(steps: &[Step]) -> Vec<u32> {
    let poly = TAPS.iter().fold(0u64, |acc, t| acc | 1 << t);
    let fresh = || Lfsr::new(LENGTH, poly, SEED);
    let mut lfsr = fresh();
    let mut out = vec![];
    for step in steps {
        match step {
            Step::Word(d) => out.push(d ^ lfsr.next_word(WORD) as u32),
            Step::Idle => {}
            Step::Reseed => lfsr = fresh(),
        }
    }
    out
}

#[test]
fn scrambler_matches_bitwise_lfsr() {
    property("scrambler_matches_bitwise_lfsr", 150, steps(), |steps| {
        let want = reference(&steps);
        with_vcd_on_failure("scrambler", "scrambler", |b| {
            let got = scramble(b, &steps)?;
            match got.iter().zip(&want).position(|(g, w)| g != w) {
                Some(i) => Err(format!(
                    "word {i}: hardware {:#010x}, software LFSR {:#010x}",
                    got[i], want[i]
                )),
                None if got.len() != want.len() => Err("word count differs".into()),
                None => Ok(()),
            }
        })
    });
}

#[test]
fn descramble_of_scramble_is_identity() {
    property(
        "descramble_of_scramble_is_identity",
        100,
        steps(),
        |steps| {
            let mut tx = verilator("scrambler");
            let mut rx = verilator("scrambler");
            let scrambled = scramble(&mut tx, &steps)?;
            // The receiver sees the scrambled words in the same positions.
            let mut it = scrambled.iter();
            let rx_steps: Vec<Step> = steps
                .iter()
                .map(|s| match s {
                    Step::Word(_) => Step::Word(*it.next().expect("one output per word")),
                    other => other.clone(),
                })
                .collect();
            let recovered = scramble(&mut rx, &rx_steps)?;
            let original: Vec<u32> = steps
                .iter()
                .filter_map(|s| {
                    if let Step::Word(d) = s {
                        Some(*d)
                    } else {
                        None
                    }
                })
                .collect();
            if recovered == original {
                Ok(())
            } else {
                Err(format!("descrambled {recovered:x?}, sent {original:x?}"))
            }
        },
    );
}

#[test]
fn scrambler_differential_rust_hdl_vs_verilator() {
    property("scrambler_differential", 10, steps(), |steps| {
        let mut b = differential("scrambler", catalog::scrambler());
        scramble(&mut b, &steps).map(|_| ())
    });
}

/// Ports wider than 64 bits travel as Verilator `VlWide` words through the
/// shim: a 128-bit-per-clock scrambler, Verilator against rust-hdl.
#[test]
fn wide_ports_agree_between_simulators() {
    use kaizen_hdl::emit::emit;
    use kaizen_hdl::primitives::{Scrambler, PCIE_GEN3_LANE0};
    use kaizen_sim::bench::Differential;
    use kaizen_sim::rust_hdl_sim::RustHdlSim;
    use kaizen_sim::verilator::VerilatorModel;
    use rust_hdl::prelude::Block;

    let mut block = Scrambler::<23, 128>::new(PCIE_GEN3_LANE0);
    block.connect_all();
    let emitted = emit("scrambler128", &block, Default::default()).expect("emits");
    let model = VerilatorModel::new(&emitted).expect("builds");
    let diff = Differential::new(
        model,
        RustHdlSim::new(Scrambler::<23, 128>::new(PCIE_GEN3_LANE0)).unwrap(),
    )
    .unwrap();
    let mut b = Bench::new(diff).unwrap();
    let (data_in, data_out) = (b.port("data_in").unwrap(), b.port("data_out").unwrap());
    b.reset(1).unwrap();
    b.set("enable", 1).unwrap();
    let mut lfsr = Lfsr::new(LENGTH, TAPS.iter().fold(0u64, |acc, t| acc | 1 << t), SEED);
    for i in 0..50u64 {
        let words = [i.wrapping_mul(0x9E37_79B9_7F4A_7C15), !i];
        b.set_wide(data_in, &words);
        b.eval().unwrap();
        let want = [words[0] ^ lfsr.next_word(64), words[1] ^ lfsr.next_word(64)];
        assert_eq!(b.get_wide(data_out), want, "word {i}");
        b.tick().unwrap();
    }
}
