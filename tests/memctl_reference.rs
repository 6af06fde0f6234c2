//! The reference scheduler against the independent HBM device model: its
//! command streams break no timing rule, keep data, serve every request once,
//! and reach the bandwidth the issue asks of the controller.

mod common;

use common::property;
use kaizen_hdl::memctl::mapping::{capacity, MapScheme};
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::memctl::check::replay;
use kaizen_sim::models::memctl_reference::{
    schedule, PagePolicy, RefreshMode, Request, SchedConfig,
};
use kaizen_sim::models::traffic::{trace, Pattern};
use proptest::prelude::*;

fn params() -> MemParams {
    MemParams::preset("hbm3-6400").unwrap()
}

fn verify(p: &MemParams, cfg: &SchedConfig, reqs: &[Request]) -> Result<f64, String> {
    let out = schedule(p, cfg, reqs)?;
    let r = replay(p, cfg.map, reqs, &out)?;
    Ok(r.efficiency)
}

#[derive(Clone, Debug)]
struct Op {
    write: bool,
    addr: u64,
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    // Local addresses (a few rows) so hits, conflicts and same-address
    // hazards all happen.
    prop::collection::vec((any::<bool>(), 0u64..4, 0u64..512), 1..250).prop_map(|v| {
        v.into_iter()
            .map(|(write, hi, lo)| Op {
                write,
                addr: hi * 100_000 + lo,
            })
            .collect()
    })
}

#[test]
fn reference_schedules_are_legal_and_keep_data() {
    let p = params();
    property(
        "reference_schedules_are_legal_and_keep_data",
        60,
        (ops(), any::<bool>(), any::<bool>(), any::<bool>()),
        |(ops, closed, interleaved, per_bank)| {
            let n = p.burst_bytes() as usize;
            let reqs: Vec<Request> = ops
                .iter()
                .enumerate()
                .map(|(i, o)| Request {
                    id: i as u32,
                    arrival: (i / 3) as u64,
                    write: o.write,
                    addr: o.addr,
                    data: vec![(i % 251) as u8; n],
                    mask: vec![true; n],
                })
                .collect();
            let cfg = SchedConfig {
                page: if closed {
                    PagePolicy::Closed
                } else {
                    PagePolicy::Open
                },
                map: if interleaved {
                    MapScheme::BankGroupInterleaved
                } else {
                    MapScheme::RowBankGroupColumn
                },
                refresh: if per_bank {
                    RefreshMode::PerBank
                } else {
                    RefreshMode::AllBank
                },
                ..SchedConfig::default()
            };
            verify(&p, &cfg, &reqs).map(|_| ())
        },
    );
}

#[test]
fn long_mixed_trace_with_refresh() {
    // Long enough for many refresh intervals.
    let p = params();
    let cap = capacity(&p.geometry);
    let reqs = trace(
        Pattern::Mixed,
        20_000,
        11,
        p.burst_bytes() as usize,
        cap,
        u64::from(p.geometry.columns),
    );
    verify(&p, &SchedConfig::default(), &reqs).unwrap();
}

#[test]
fn sequential_read_efficiency_reaches_ninety_percent() {
    let p = params();
    let cap = capacity(&p.geometry);
    let reqs = trace(
        Pattern::SeqRead,
        40_000,
        1,
        p.burst_bytes() as usize,
        cap,
        u64::from(p.geometry.columns),
    );
    for refresh in [RefreshMode::AllBank, RefreshMode::PerBank] {
        let e = verify(
            &p,
            &SchedConfig {
                refresh,
                ..SchedConfig::default()
            },
            &reqs,
        )
        .unwrap();
        assert!(
            e >= 0.90,
            "{refresh:?}: sequential read efficiency {:.1} % (refresh included)",
            100.0 * e
        );
    }
}

#[test]
fn long_mixed_trace_with_per_bank_refresh() {
    let p = params();
    let cap = capacity(&p.geometry);
    let reqs = trace(
        Pattern::Mixed,
        20_000,
        12,
        p.burst_bytes() as usize,
        cap,
        u64::from(p.geometry.columns),
    );
    verify(
        &p,
        &SchedConfig {
            refresh: RefreshMode::PerBank,
            ..SchedConfig::default()
        },
        &reqs,
    )
    .unwrap();
}

#[test]
fn address_maps_are_bijective_and_interleave_bank_groups() {
    use kaizen_hdl::memctl::mapping::map;
    let mut g = params().geometry;
    g.rows = 8; // small enough to enumerate the whole space
    let cap = capacity(&g);
    for scheme in [
        MapScheme::RowBankGroupColumn,
        MapScheme::BankGroupInterleaved,
    ] {
        let mut seen = std::collections::HashSet::new();
        for a in 0..cap {
            let l = map(scheme, &g, a);
            assert!(
                l.group < g.bank_groups
                    && l.bank < g.banks_per_group
                    && l.row < g.rows
                    && l.col < g.columns
            );
            assert!(seen.insert(l), "{scheme:?}: two addresses map to {l:?}");
        }
    }
    let groups: Vec<u32> = (0..8)
        .map(|a| map(MapScheme::BankGroupInterleaved, &g, a).group)
        .collect();
    assert_eq!(groups, [0, 1, 2, 3, 0, 1, 2, 3]);
}
