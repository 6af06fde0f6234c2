//! Reset synchronizer: asserts with the asynchronous input, without a clock
//! edge; de-asserts on the second rising edge after the input falls.

mod common;

use common::*;
use kaizen_hdl::catalog;
use kaizen_sim::bench::{Bench, Simulator};

fn check<S: Simulator>(b: &mut Bench<S>) {
    b.set("async_reset", 1).unwrap();
    b.eval().unwrap();
    assert_eq!(
        b.get("sync_reset").unwrap(),
        1,
        "assert must not wait for a clock"
    );
    b.tick().unwrap();
    b.set("async_reset", 0).unwrap();
    b.eval().unwrap();
    assert_eq!(
        b.get("sync_reset").unwrap(),
        1,
        "no release without a clock edge"
    );
    b.tick().unwrap();
    assert_eq!(
        b.get("sync_reset").unwrap(),
        1,
        "released after one edge: a synchronizer stage is missing"
    );
    b.tick().unwrap();
    assert_eq!(
        b.get("sync_reset").unwrap(),
        0,
        "not released after two edges"
    );
    // Mid-cycle assert again.
    b.set("async_reset", 1).unwrap();
    b.eval().unwrap();
    assert_eq!(b.get("sync_reset").unwrap(), 1);
}

#[test]
fn reset_sync_on_verilator() {
    check(&mut verilator("reset_sync"));
}

#[test]
fn reset_sync_differential() {
    check(&mut differential("reset_sync", catalog::reset_sync()));
}
