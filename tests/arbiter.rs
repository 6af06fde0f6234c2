//! Round-robin arbiter: grants only requesters, one at a time, never
//! starves a requester beyond N - 1 grants to others, and picks exactly the
//! winner of a pointer-based software round robin.

mod common;

use common::*;
use kaizen_hdl::catalog;
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::models::arbiter::RoundRobinModel;
use proptest::prelude::*;

const N: usize = 8;

fn run<S: Simulator>(bench: &mut Bench<S>, cycles: &[(u8, bool)]) -> Result<(), String> {
    sim(bench.reset(1))?;
    let mut model = RoundRobinModel::new(N);
    // Grants to others since requester i was last granted, while it waited.
    let mut waited = [0usize; N];
    for (cycle, &(request, accept)) in cycles.iter().enumerate() {
        sim(bench.set("request", u64::from(request)))?;
        sim(bench.set("accept", u64::from(accept)))?;
        sim(bench.eval())?;
        let grant = sim(bench.get("grant"))?;
        if grant & !u64::from(request) != 0 {
            return Err(format!(
                "cycle {cycle}: grant {grant:#010b} to a non-requester (requests {request:#010b})"
            ));
        }
        if grant.count_ones() > 1 || (request != 0 && grant == 0) {
            return Err(format!(
                "cycle {cycle}: grant {grant:#010b} for requests {request:#010b} is not one-hot"
            ));
        }
        let want = model.grant(u64::from(request)).map_or(0, |i| 1 << i);
        if grant != want {
            return Err(format!("cycle {cycle}: grant {grant:#010b}, round robin says {want:#010b} (requests {request:#010b})"));
        }
        if accept && grant != 0 {
            let winner = grant.trailing_zeros() as usize;
            model.accept(winner);
            for (i, w) in waited.iter_mut().enumerate() {
                if i == winner {
                    *w = 0;
                } else if request >> i & 1 == 1 {
                    *w += 1;
                    if *w > N - 1 {
                        return Err(format!(
                            "cycle {cycle}: requester {i} starved for {w} grants"
                        ));
                    }
                } else {
                    *w = 0;
                }
            }
        }
        sim(bench.tick())?;
    }
    Ok(())
}

fn cycles() -> impl Strategy<Value = Vec<(u8, bool)>> {
    prop::collection::vec((any::<u8>(), prop::bool::weighted(0.8)), 1..200)
}

#[test]
fn arbiter_is_fair_and_matches_round_robin() {
    property("arbiter_is_fair", 200, cycles(), |c| {
        with_vcd_on_failure("arbiter", "arbiter", |b| run(b, &c))
    });
}

#[test]
fn arbiter_differential_rust_hdl_vs_verilator() {
    property("arbiter_differential", 10, cycles(), |c| {
        let mut b = differential("arbiter", catalog::arbiter());
        run(&mut b, &c)
    });
}
