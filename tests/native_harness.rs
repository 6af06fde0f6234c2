//! The side-by-side speed measurement (`kaizen bench sim`) is only worth its
//! figures if both replays do the bench's work: a stimulus recorded from a
//! FIFO bench, replayed from Rust and by the generated native C++ harness,
//! reads back exactly what the bench read; replayed on a different design it
//! does not.

mod common;

use kaizen_hdl::emit::emit;
use kaizen_hdl::primitives::SyncFifo;
use kaizen_sim::bench::Bench;
use kaizen_sim::verilator::native::{replay, run_native, Recorder, Stimulus};
use kaizen_sim::verilator::VerilatorModel;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;

/// Random push/pop for `cycles`, every output read after every cycle.
fn record(e: &kaizen_hdl::emit::Emitted, cycles: u64, seed: u64) -> Stimulus {
    eprintln!("native_harness: seed {seed}");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut b = Bench::new(Recorder::new(VerilatorModel::new(e).unwrap())).unwrap();
    b.reset(2).unwrap();
    for _ in 0..cycles {
        b.set("push", u64::from(rng.gen_bool(0.6))).unwrap();
        b.set("data_in", u64::from(rng.gen::<u32>())).unwrap();
        b.set("pop", u64::from(rng.gen_bool(0.4))).unwrap();
        b.eval().unwrap();
        for out in ["data_out", "full", "empty", "almost_full", "count"] {
            b.get(out).unwrap();
        }
        b.tick().unwrap();
    }
    b.into_simulator().stimulus()
}

#[test]
fn replays_read_what_the_bench_read_and_another_design_does_not() {
    let fifo = common::emitted("fifo");
    let stimulus = record(&fifo, 3000, 11);
    // Bench::new settles once; reset(2): set; the first tick only its
    // rising edge (nothing changed since), the second also the falling
    // edge before it; release. Then per cycle the bench's eval (new inputs
    // and the last falling edge) and the tick's rising edge: an evaluation
    // with nothing changed is skipped.
    assert_eq!(
        stimulus.evals(),
        1 + 1 + (1 + 2) + 1 + 3000 * 2,
        "evaluations recorded"
    );
    let (_, rust) = replay(&mut VerilatorModel::new(&fifo).unwrap(), &stimulus).unwrap();
    let (_, native) = run_native(&fifo, &stimulus).unwrap();
    assert_eq!(rust, stimulus.checksum, "Rust replay");
    assert_eq!(native, stimulus.checksum, "native replay");

    // The same ports, almost-full at 4 entries instead of 12.
    let mut other = SyncFifo::<Bits<32>, 4, 5>::new(4);
    other.connect_all();
    let other = emit("fifo_almost_full_4", &other, Default::default()).unwrap();
    let (_, native_other) = run_native(&other, &stimulus).unwrap();
    assert_ne!(
        native_other, stimulus.checksum,
        "a different design must read differently"
    );
}
