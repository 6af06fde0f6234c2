//! FIFO against a `VecDeque` model: random push/pop streams, including
//! the full and empty edges and simultaneous push and pop.

mod common;

use common::*;
use kaizen_hdl::catalog::{self, FifoTop, FIFO_ALMOST_FULL};
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::models::fifo::FifoModel;
use proptest::prelude::*;

const CAPACITY: usize = FifoTop::CAPACITY;

#[derive(Clone, Debug)]
struct Op {
    push: Option<u32>,
    pop: bool,
}

/// Streams that dwell near full and near empty: each phase biases toward
/// pushing or popping.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        (
            0u8..4,
            prop::collection::vec((any::<bool>(), any::<u32>(), any::<bool>()), 1..40),
        ),
        1..8,
    )
    .prop_map(|phases| {
        phases
            .into_iter()
            .flat_map(|(bias, steps)| {
                steps.into_iter().map(move |(coin, data, coin2)| {
                    let (p_push, p_pop) = match bias {
                        0 => (true, coin && coin2), // fill
                        1 => (coin && coin2, true), // drain
                        2 => (coin, coin2),         // random
                        _ => (true, true),          // both every cycle
                    };
                    Op {
                        push: p_push.then_some(data),
                        pop: p_pop,
                    }
                })
            })
            .collect()
    })
}

fn run<S: Simulator>(bench: &mut Bench<S>, ops: &[Op]) -> Result<(), String> {
    let mut model = FifoModel::new(CAPACITY, FIFO_ALMOST_FULL as usize);
    sim(bench.reset(2))?;
    for (cycle, op) in ops.iter().enumerate() {
        sim(bench.set("push", u64::from(op.push.is_some())))?;
        sim(bench.set("data_in", u64::from(op.push.unwrap_or(0))))?;
        sim(bench.set("pop", u64::from(op.pop)))?;
        sim(bench.eval())?;
        let want = model.view();
        let got_empty = sim(bench.get("empty"))? == 1;
        let got = (
            got_empty,
            sim(bench.get("full"))? == 1,
            sim(bench.get("almost_full"))? == 1,
            sim(bench.get("count"))? as usize,
        );
        if got != (want.empty, want.full, want.almost_full, want.count) {
            return Err(format!(
                "cycle {cycle}: (empty, full, almost_full, count) = {got:?}, model says {:?}",
                (want.empty, want.full, want.almost_full, want.count)
            ));
        }
        if let Some(head) = want.head {
            let data_out = sim(bench.get("data_out"))?;
            if data_out != head {
                return Err(format!(
                    "cycle {cycle}: data_out = {data_out:#x}, model head = {head:#x}"
                ));
            }
        }
        model.clock(op.push.map(u64::from), op.pop);
        sim(bench.tick())?;
    }
    Ok(())
}

#[test]
fn fifo_matches_vecdeque_model_on_verilator() {
    property(
        "fifo_matches_vecdeque_model_on_verilator",
        200,
        ops(),
        |ops| with_vcd_on_failure("fifo", "fifo", |b| run(b, &ops)),
    );
}

#[test]
fn fifo_fills_exactly_to_capacity() {
    // Directed: push until full; the (capacity + 1)-th push must be refused.
    let mut b = verilator("fifo");
    b.reset(1).unwrap();
    b.set("push", 1).unwrap();
    for i in 0..CAPACITY as u64 {
        b.set("data_in", i + 100).unwrap();
        b.eval().unwrap();
        assert_eq!(b.get("full").unwrap(), 0, "full after {i} pushes");
        b.tick().unwrap();
    }
    assert_eq!(b.get("full").unwrap(), 1);
    assert_eq!(b.get("count").unwrap(), CAPACITY as u64);
    b.set("data_in", 999).unwrap();
    b.tick().unwrap();
    b.set("push", 0).unwrap();
    b.set("pop", 1).unwrap();
    for i in 0..CAPACITY as u64 {
        b.eval().unwrap();
        assert_eq!(b.get("data_out").unwrap(), i + 100);
        b.tick().unwrap();
    }
    assert_eq!(b.get("empty").unwrap(), 1);
}

#[test]
fn fifo_differential_rust_hdl_vs_verilator() {
    property("fifo_differential", 20, ops(), |ops| {
        let mut b = differential("fifo", catalog::fifo());
        run(&mut b, &ops)
    });
}
