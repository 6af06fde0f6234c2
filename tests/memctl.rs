//! The RTL memory controller on Verilator, against the HBM device model
//! (timing rules, refresh obligation, data) and the software reference
//! scheduler (bandwidth). Random request streams shrink to a minimal
//! failing stream; the seed is printed; a failing case is re-run with a VCD.

mod common;

use common::*;
use kaizen_hdl::catalog;
use kaizen_hdl::memctl::config::{ControllerConfig, PagePolicy, RefreshMode};
use kaizen_hdl::memctl::mapping::{capacity, map, MapScheme};
use kaizen_hdl::memctl::params::MemParams;
use kaizen_hdl::memctl::queue::DEPTH;
use kaizen_sim::bench::{Bench, Differential, Simulator};
use kaizen_sim::memctl::bench::{run, verilator_bench, BenchOptions, HwRun};
use kaizen_sim::memctl::regress::{local_addr, stress};
use kaizen_sim::models::memctl_reference::{schedule, Request, SchedConfig};
use kaizen_sim::models::traffic::{trace, Pattern};
use kaizen_sim::rust_hdl_sim::RustHdlSim;
use kaizen_sim::verilator::VerilatorModel;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Mutex;

fn preset() -> MemParams {
    MemParams::preset("hbm3-6400").unwrap()
}

/// One Verilator model per configuration, built once per test binary.
fn model(cfg: &ControllerConfig) -> Bench<VerilatorModel> {
    verilator_bench(&preset(), cfg).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `reqs`; on failure re-runs with a VCD and names it.
fn run_traced(
    test: &str,
    bench: &mut Bench<VerilatorModel>,
    cfg: &ControllerConfig,
    reqs: &[Request],
    opt: &BenchOptions,
) -> Result<HwRun, String> {
    let p = preset();
    run(bench, &p, cfg, reqs, opt).map_err(|first| {
        let path = vcd_path(test);
        let mut traced = model(cfg);
        match traced.trace_to(&path) {
            Ok(()) => {
                let _ = run(&mut traced, &p, cfg, reqs, opt);
                traced.flush();
                format!("{first}\nVCD of the failing case: {}", path.display())
            }
            Err(e) => format!("{first}\n(no trace: {e})"),
        }
    })
}

#[derive(Clone, Debug)]
struct Spec {
    write: bool,
    /// Index into a small set of addresses (heavy reuse: same-address
    /// ordering, row hits and conflicts), or a random burst address.
    local: Option<u8>,
    addr: u64,
    gap: u16,
    data: u64,
    mask: u32,
}

fn specs() -> impl Strategy<Value = (Vec<Spec>, u8)> {
    let gap = prop_oneof![
        7 => Just(0u16),
        2 => 1u16..8,
        1 => 100u16..1500,
    ];
    let spec = (
        any::<bool>(),
        prop::option::weighted(0.6, 0u8..48),
        0u64..(1 << 23),
        gap,
        any::<u64>(),
        prop_oneof![3 => Just(u32::MAX), 1 => any::<u32>()],
    )
        .prop_map(|(write, local, addr, gap, data, mask)| Spec {
            write,
            local,
            addr,
            gap,
            data,
            mask,
        });
    (prop::collection::vec(spec, 1..160), 0u8..3)
}

fn requests(specs: &[Spec]) -> Vec<Request> {
    let mut t = 0u64;
    specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            t += u64::from(s.gap);
            let mut rng = ChaCha8Rng::seed_from_u64(s.data);
            Request {
                id: i as u32,
                arrival: t,
                write: s.write,
                addr: s.local.map_or(s.addr, local_addr),
                data: (0..32).map(|_| rng.gen()).collect(),
                mask: (0..32).map(|b| (s.mask >> b) & 1 == 1).collect(),
            }
        })
        .collect()
}

fn backpressure(level: u8) -> f64 {
    [0.0, 0.3, 0.8][level as usize]
}

/// The longest a request can take once it is the focused head: a write's
/// recovery before the PRE, the PRE, the ACT (after tFAW), a refresh that
/// falls due meanwhile, and the data-bus turnaround.
fn focused_service(p: &MemParams) -> u64 {
    let t = &p.timing;
    u64::from(
        t.wl + p.burst_cycles() + t.twr + t.trp + t.trcd_rd + t.tras + t.trfcab + t.tfaw + t.trtw,
    ) + 16
}

/// Longest wait a request may see: the age cap, then every older request
/// in both queues served first as focused heads.
fn wait_bound(p: &MemParams, cfg: &ControllerConfig) -> u64 {
    u64::from(cfg.age_cap) + 2 * DEPTH as u64 * focused_service(p)
}

fn check_waits(p: &MemParams, cfg: &ControllerConfig, hw: &HwRun) -> Result<(), String> {
    let bound = wait_bound(p, cfg);
    match hw
        .outcome
        .served
        .iter()
        .find(|s| s.issued - s.accepted > bound)
    {
        Some(s) => Err(format!(
            "request {} waited {} cycles (accepted at {}, served at {}), over the bound {bound}",
            s.id,
            s.issued - s.accepted,
            s.accepted,
            s.issued
        )),
        None => Ok(()),
    }
}

/// The age cap's ordering guarantee: from the cycle a request is both the
/// oldest of its queue and past the cap, no younger request of its queue to
/// its bank is served before it.
fn check_age_cap(
    p: &MemParams,
    cfg: &ControllerConfig,
    reqs: &[Request],
    hw: &HwRun,
) -> Result<(), String> {
    use std::collections::HashMap;
    let cap = u64::from(cfg.age_cap);
    let bank = |r: &Request| {
        let l = map(cfg.map, &p.geometry, r.addr);
        (l.group, l.bank)
    };
    let issued: HashMap<u32, u64> = hw.outcome.served.iter().map(|s| (s.id, s.issued)).collect();
    let accepted = &hw.accepted;
    // Requests of one queue in acceptance order (= request order).
    for write in [false, true] {
        let queue: Vec<&Request> = reqs.iter().filter(|r| r.write == write).collect();
        let mut older_done = 0u64;
        for (k, f) in queue.iter().enumerate() {
            let (fa, fi) = (accepted[f.id as usize], issued[&f.id]);
            // Commands show on the DFI a cycle after they are chosen.
            let head_and_overdue = (fa + cap + 1).max(older_done) + 1;
            older_done = older_done.max(fi);
            if fi <= head_and_overdue {
                continue;
            }
            // Only requests accepted before `f` was served can pass it.
            if let Some(y) = queue[k + 1..]
                .iter()
                .take_while(|y| accepted[y.id as usize] < fi)
                .find(|y| {
                    bank(y) == bank(f) && issued[&y.id] > head_and_overdue && issued[&y.id] < fi
                })
            {
                return Err(format!(
                    "request {} (accepted {fa}, overdue at the head from {head_and_overdue}, served {fi}) was passed by the younger request {} to its bank, served {}",
                    f.id, y.id, issued[&y.id]
                ));
            }
        }
    }
    Ok(())
}

fn random_streams(test: &str, cfg: ControllerConfig, cases: u32) {
    let p = preset();
    let bench = Mutex::new(model(&cfg));
    property(test, cases, specs(), |(specs, bp)| {
        let reqs = requests(&specs);
        let opt = BenchOptions {
            backpressure: backpressure(bp),
            seed: specs.len() as u64,
            ..BenchOptions::default()
        };
        let mut b = bench.lock().unwrap();
        let hw = run_traced(test, &mut b, &cfg, &reqs, &opt)?;
        check_waits(&p, &cfg, &hw)?;
        check_age_cap(&p, &cfg, &reqs, &hw)
    });
}

#[test]
fn random_streams_default_policy() {
    random_streams("memctl_random_default", ControllerConfig::default(), 40);
}

/// The other map, closed page, per-bank refresh: one more build covers the
/// policy options.
#[test]
fn random_streams_other_policy() {
    let cfg = ControllerConfig {
        map: MapScheme::RowBankGroupColumn,
        page: PagePolicy::Closed,
        refresh: RefreshMode::PerBank,
        ..ControllerConfig::default()
    };
    random_streams("memctl_random_other", cfg, 25);
}

/// At least 10^5 random requests per CI run: a long mixed stream (random
/// and local addresses, bursts and gaps, partial masks, back-pressure) with
/// a printed seed. `kaizen regress memctl` runs 10^6 per policy.
#[test]
fn hundred_thousand_requests() {
    let seed = std::env::var("KAIZEN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("hundred_thousand_requests: seed {seed} (replay with KAIZEN_SEED={seed})");
    let cfg = ControllerConfig::default();
    let reqs = stress(&preset(), 100_000, seed);
    let opt = BenchOptions {
        backpressure: 0.2,
        seed,
        ..BenchOptions::default()
    };
    let hw = run_traced("memctl_1e5", &mut model(&cfg), &cfg, &reqs, &opt)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert_eq!(hw.outcome.served.len(), 100_000);
    check_waits(&preset(), &cfg, &hw).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    check_age_cap(&preset(), &cfg, &reqs, &hw).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert!(
        hw.outcome.refreshes > 0,
        "a run this long must refresh (seed {seed})"
    );
}

/// Bandwidth: the hardware within 5 % of the reference scheduler on every
/// pattern of the efficiency table (docs/memctl.md), and sequential reads at >= 90 % of peak
/// with refresh paid.
#[test]
fn efficiency_tracks_the_reference() {
    let p = preset();
    let cfg = ControllerConfig::default();
    let mut b = model(&cfg);
    for (pattern, n) in [
        (Pattern::SeqRead, 10_000),
        (Pattern::SeqWrite, 10_000),
        (Pattern::Random, 3_000),
        (Pattern::Mixed, 3_000),
    ] {
        let reqs = trace(pattern, n, 7, 32, capacity(&p.geometry), 32);
        let hw = run(&mut b, &p, &cfg, &reqs, &BenchOptions::default())
            .unwrap_or_else(|e| panic!("{pattern:?}: {e}"));
        let reference = schedule(&p, &SchedConfig::for_hardware(&cfg), &reqs).unwrap();
        let (h, r) = (hw.outcome.efficiency(0), reference.efficiency(0));
        eprintln!("{pattern:?}: hardware {h:.4}, reference {r:.4}");
        assert!(
            (h - r).abs() <= 0.05 * r,
            "{pattern:?}: hardware efficiency {h:.4} is not within 5 % of the reference's {r:.4}"
        );
        if pattern == Pattern::SeqRead {
            assert!(hw.outcome.refreshes > 0, "the run must span a refresh");
            assert!(h >= 0.90, "sequential reads reach only {h:.4} of peak");
        }
    }
}

/// The counters agree with what the device model saw.
#[test]
fn counters_match_the_device() {
    let p = preset();
    let cfg = ControllerConfig::default();
    // Streams (row hits) then random traffic (misses and conflicts).
    let mut reqs = trace(Pattern::SeqRead, 800, 3, 32, capacity(&p.geometry), 32);
    reqs.extend(trace(Pattern::Mixed, 700, 3, 32, capacity(&p.geometry), 32));
    for (i, r) in reqs.iter_mut().enumerate() {
        r.id = i as u32;
    }
    let hw = run(&mut model(&cfg), &p, &cfg, &reqs, &BenchOptions::default()).unwrap();
    let count = |f: fn(&kaizen_sim::models::hbm::Cmd) -> bool| {
        hw.outcome.commands.iter().filter(|(_, c)| f(c)).count() as u64
    };
    use kaizen_sim::models::hbm::Cmd;
    let c = &hw.counters;
    assert_eq!(c.reads, count(|c| matches!(c, Cmd::Rd { .. })));
    assert_eq!(c.writes, count(|c| matches!(c, Cmd::Wr { .. })));
    assert_eq!(c.activates, count(|c| matches!(c, Cmd::Act { .. })));
    assert_eq!(c.precharges, count(|c| matches!(c, Cmd::Pre { .. })));
    assert_eq!(
        c.refreshes,
        count(|c| matches!(c, Cmd::RefAll | Cmd::RefBank { .. }))
    );
    assert_eq!(c.data_busy_cycles, hw.outcome.data_busy_cycles);
    assert_eq!(
        c.row_hits + c.row_misses + c.row_conflicts,
        c.reads + c.writes
    );
    // A miss was first served by an ACT, a conflict by a PRE; a row
    // command is charged to at most one request.
    assert!(c.row_misses <= c.activates, "{c:?}");
    assert!(c.row_conflicts <= c.precharges, "{c:?}");
    assert!(
        c.row_misses > 0 && c.row_conflicts > 0 && c.row_hits > 0,
        "{c:?}"
    );
}

/// The age cap: a request to a closed row behind a long stream of row hits
/// to its bank is served once past the cap, not after the stream.
#[test]
fn age_cap_stops_row_hits_starving_a_request() {
    let p = preset();
    let cfg = ControllerConfig::default();
    // Bank group 0, bank 0: row 0 columns (bg-interleaved map: the column
    // sits in bits 2..6), then one read of row 1, then a long row-0 stream.
    let row0 = |c: u64| (c % 32) << 2;
    let mut reqs: Vec<Request> = vec![];
    let mut push = |addr: u64| {
        reqs.push(Request {
            id: reqs.len() as u32,
            arrival: 0,
            write: false,
            addr,
            data: vec![0; 32],
            mask: vec![true; 32],
        })
    };
    for c in 0..4 {
        push(row0(c));
    }
    push(1 << 9);
    for c in 4..3000 {
        push(row0(c));
    }
    let hw = run(&mut model(&cfg), &p, &cfg, &reqs, &BenchOptions::default()).unwrap();
    check_age_cap(&p, &cfg, &reqs, &hw).unwrap();
    let victim = hw.outcome.served.iter().find(|s| s.id == 4).unwrap();
    let wait = victim.issued - victim.accepted;
    let stream_end = hw.outcome.served.iter().map(|s| s.issued).max().unwrap();
    let bound = u64::from(cfg.age_cap) + focused_service(&p);
    eprintln!("victim waited {wait} cycles (bound {bound}); stream ran to cycle {stream_end}");
    assert!(
        wait <= bound,
        "the row-1 read waited {wait} cycles, over the age cap {} plus one service ({bound})",
        cfg.age_cap
    );
    assert!(stream_end > 3 * bound, "the stream must outlast the bound");
}

/// Verilator against rust-hdl's own simulator of the same block, output by
/// output, on a short mixed run.
#[test]
fn verilator_and_rust_hdl_agree() {
    let p = preset();
    let cfg = ControllerConfig::default();
    let v = VerilatorModel::new(&catalog::emit_memctl(&p, &cfg).unwrap()).unwrap();
    let r = RustHdlSim::new(catalog::memctl_with(&p, &cfg).unwrap()).unwrap();
    let mut b = Bench::new(Differential::new(v, r).unwrap()).unwrap();
    let reqs = trace(Pattern::Mixed, 40, 5, 32, capacity(&p.geometry), 32);
    let hw =
        run(&mut b, &p, &cfg, &reqs, &BenchOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hw.outcome.served.len(), reqs.len());
    assert!(b.simulator().name() == "differential");
}

#[test]
fn configurations_the_rtl_cannot_build_are_refused() {
    let p = preset();
    let bad = ControllerConfig {
        write_low: 12,
        write_high: 12,
        ..ControllerConfig::default()
    };
    let e = bad.check(&p).unwrap_err();
    assert!(e.contains("watermarks"), "{e}");
    let mut other = p.clone();
    other.geometry.rows = 32768;
    let e = ControllerConfig::default().check(&other).unwrap_err();
    assert!(e.contains("rows"), "{e}");
    let mut slow = p.clone();
    slow.timing.trfcab = 900;
    let e = ControllerConfig::default().check(&slow).unwrap_err();
    assert!(e.contains("tRFCab"), "{e}");
    assert!(catalog::memctl_with(&slow, &ControllerConfig::default()).is_err());
}

/// The second preset (Ramulator 2.1's HBM3 timing: tRCD_RD 31 against
/// tRCD_WR 15, tWR 33, tFAW 24, ...) built into the RTL and run against the
/// device model holding the same preset: zero violations and every request
/// answered, under per-bank refresh (the mode with the most rules).
#[test]
fn ramulator_preset_runs_clean() {
    let p = MemParams::preset("hbm3-6400-r21").unwrap();
    let cfg = ControllerConfig {
        refresh: kaizen_hdl::memctl::config::RefreshMode::PerBank,
        ..ControllerConfig::default()
    };
    cfg.check(&p).unwrap();
    let seed = 11;
    let reqs = stress(&p, 20_000, seed);
    let mut b = verilator_bench(&p, &cfg).unwrap_or_else(|e| panic!("{e}"));
    let opt = BenchOptions {
        backpressure: 0.2,
        seed,
        ..BenchOptions::default()
    };
    let hw = run(&mut b, &p, &cfg, &reqs, &opt).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(hw.outcome.served.len(), reqs.len());
    assert!(hw.outcome.refreshes > 0);
}
