//! Clock-domain-crossing primitives against their timed references
//! (`sim/src/models/cdc.rs`) under random clock ratios and phases: far
//! apart (up to 16x either way), near 1 (within 2 %), and equal with a
//! random phase (coincident edges included). Every output is compared
//! after every edge of either clock; words must arrive once, in order.

mod common;

use common::*;
use kaizen_hdl::catalog::{self, AsyncFifoTop};
use kaizen_hdl::primitives::SYNC_STAGES;
use kaizen_sim::bench::{Bench, ClockSpec, Simulator};
use kaizen_sim::models::cdc::{AsyncFifoModel, HandshakeModel, LevelSyncModel, PulseSyncModel};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const STAGES: usize = SYNC_STAGES as usize;

/// Two clocks: (period, phase) of the first and of the second, in ps.
#[derive(Clone, Debug)]
struct Clocks {
    a: (u64, u64),
    b: (u64, u64),
}

impl Clocks {
    fn specs(&self, a: &str, b: &str) -> Vec<ClockSpec> {
        vec![
            ClockSpec::new(a, self.a.0, self.a.1),
            ClockSpec::new(b, self.b.0, self.b.1),
        ]
    }
}

fn clock_pairs() -> impl Strategy<Value = Clocks> {
    let far = (100u64..1600, 100u64..1600);
    let near = (200u64..1000, -20i64..=20).prop_map(|(p, per_mille)| {
        let q = (p as i64 + p as i64 * per_mille / 1000).max(2) as u64;
        (p, q)
    });
    let equal = (200u64..1000).prop_map(|p| (p, p));
    (prop_oneof![far, near, equal], any::<u64>(), any::<u64>()).prop_map(|((p, q), x, y)| Clocks {
        a: (p, x % (p + 1)),
        b: (q, y % (q + 1)),
    })
}

/// Holds both domains' resets until each clock has risen twice.
fn reset_both<S: Simulator>(b: &mut Bench<S>, resets: [&str; 2]) -> Result<(), String> {
    for r in resets {
        sim(b.set(r, 1))?;
    }
    while b.rises(0) < 2 || b.rises(1) < 2 {
        sim(b.next_edge())?;
    }
    for r in resets {
        sim(b.set(r, 0))?;
    }
    sim(b.eval())
}

fn expect(what: &str, t: u64, got: u64, want: u64) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "at {t} ps: {what} = {got:#x}, the model says {want:#x}"
        ))
    }
}

// ------------------------------------------------------------- async FIFO

const WR: usize = 0;
const RD: usize = 1;

/// Rising edges the slower of the two clocks has had.
fn slow_rises<S: Simulator>(b: &Bench<S>) -> u64 {
    b.rises(0).min(b.rises(1))
}

/// Runs until the slower clock has risen `rises` more times. Push and pop
/// probabilities change every 150 edges: filling, draining, balanced, or
/// both sides flat out.
fn fifo_case<S: Simulator>(b: &mut Bench<S>, rises: u64, seed: u64) -> Result<usize, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut model = AsyncFifoModel::new(AsyncFifoTop::CAPACITY, STAGES);
    reset_both(b, ["wr_reset", "rd_reset"])?;
    let (mut push, mut pop) = (None::<u64>, false);
    let (mut p_push, mut p_pop) = (0.5, 0.5);
    let mut moved = 0;
    let end = slow_rises(b) + rises;
    for step in 0.. {
        if slow_rises(b) >= end {
            break;
        }
        if step % 150 == 0 {
            (p_push, p_pop) = [(0.9, 0.2), (0.2, 0.9), (0.5, 0.5), (1.0, 1.0)][rng.gen_range(0..4)];
        }
        let e = sim(b.next_edge())?;
        let t = b.time_ps();
        if e.rose(WR) {
            model.write_edge(t, push);
            push = rng.gen_bool(p_push).then(|| rng.gen::<u32>() as u64);
            sim(b.set("push", u64::from(push.is_some())))?;
            sim(b.set("data_in", push.unwrap_or(0)))?;
        }
        if e.rose(RD) {
            moved += usize::from(model.read_edge(t, pop).is_some());
            pop = rng.gen_bool(p_pop);
            sim(b.set("pop", u64::from(pop)))?;
        }
        expect("full", t, sim(b.get("full"))?, u64::from(model.full()))?;
        expect("empty", t, sim(b.get("empty"))?, u64::from(model.empty()))?;
        expect(
            "wr_level",
            t,
            sim(b.get("wr_level"))?,
            model.wr_level() as u64,
        )?;
        expect(
            "rd_level",
            t,
            sim(b.get("rd_level"))?,
            model.rd_level() as u64,
        )?;
        if let Some(head) = model.head() {
            expect("data_out", t, sim(b.get("data_out"))?, head)?;
        }
        if model.held() > AsyncFifoTop::CAPACITY {
            return Err(format!("at {t} ps: {} words held", model.held()));
        }
    }
    Ok(moved)
}

#[test]
fn async_fifo_matches_timed_model_under_random_clocks() {
    property(
        "async_fifo_matches_timed_model_under_random_clocks",
        300,
        (clock_pairs(), any::<u64>()),
        |(clocks, seed)| {
            let specs = clocks.specs("wr_clock", "rd_clock");
            let moved = with_vcd_on_failure_clocked("async_fifo", "async_fifo", &specs, |b| {
                fifo_case(b, 500, seed)
            })
            .map_err(|e| format!("{e}\nclocks {clocks:?}, seed {seed}"))?;
            // Not a vacuous run: words crossed (each one checked above).
            if moved < 100 {
                return Err(format!("only {moved} words crossed; clocks {clocks:?}"));
            }
            Ok(())
        },
    );
}

#[test]
fn async_fifo_differential_rust_hdl_vs_verilator() {
    property(
        "async_fifo_differential",
        12,
        (clock_pairs(), any::<u64>()),
        |(clocks, seed)| {
            let specs = clocks.specs("wr_clock", "rd_clock");
            let mut b = differential_clocked("async_fifo", catalog::async_fifo(), &specs);
            fifo_case(&mut b, 100, seed).map(|_| ())
        },
    );
}

#[test]
fn async_fifo_fills_to_capacity_and_drains_in_order() {
    // Directed: a slow reader; the writer fills all 16 entries, the 17th
    // push is refused; then every word comes out in order.
    let specs = [
        ClockSpec::new("wr_clock", 200, 0),
        ClockSpec::new("rd_clock", 1300, 50),
    ];
    let mut b = verilator_clocked("async_fifo", &specs);
    reset_both(&mut b, ["wr_reset", "rd_reset"]).unwrap();
    let mut written = 0u64;
    b.set("push", 1).unwrap();
    b.set("data_in", 1000).unwrap();
    while b.rises(WR) < 60 {
        let e = b.next_edge().unwrap();
        if e.rose(WR) && written < AsyncFifoTop::CAPACITY as u64 {
            written += 1;
            b.set("data_in", 1000 + written).unwrap();
        }
    }
    assert_eq!(b.get("full").unwrap(), 1, "16 words written and none read");
    b.set("push", 0).unwrap();
    b.set("pop", 1).unwrap();
    let mut read = vec![];
    while read.len() < AsyncFifoTop::CAPACITY {
        b.eval().unwrap();
        let head = (b.get("empty").unwrap() == 0).then(|| b.get("data_out").unwrap());
        if b.next_edge().unwrap().rose(RD) {
            read.extend(head);
        }
    }
    let want: Vec<u64> = (1000..1000 + AsyncFifoTop::CAPACITY as u64).collect();
    assert_eq!(read, want);
}

// ------------------------------------------------------------- pulse sync

const SRC: usize = 0;
const DST: usize = 1;

/// `spaced`: pulses at least three destination clocks apart (the rule), so
/// every pulse must come out; otherwise pulses at random, where merged
/// pulses must still match the model exactly.
fn pulse_case<S: Simulator>(
    b: &mut Bench<S>,
    clocks: &Clocks,
    spaced: bool,
    seed: u64,
) -> Result<(usize, usize), String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut model = PulseSyncModel::new(STAGES);
    reset_both(b, ["src_reset", "dst_reset"])?;
    let gap = 3 * clocks.b.0 + clocks.a.0;
    let (mut pulse, mut last_pulse) = (false, None::<u64>);
    let (mut sent, mut seen) = (0, 0);
    let end = slow_rises(b) + 400;
    while slow_rises(b) < end {
        let e = sim(b.next_edge())?;
        let t = b.time_ps();
        if e.rose(SRC) {
            model.src_edge(t, pulse);
            sent += usize::from(pulse);
            let allowed = !spaced || last_pulse.is_none_or(|l| t >= l + gap);
            pulse = allowed && rng.gen_bool(0.3);
            if pulse {
                last_pulse = Some(t);
            }
            sim(b.set("pulse_in", u64::from(pulse)))?;
        }
        if e.rose(DST) {
            model.dst_edge(t);
            let out = sim(b.get("pulse_out"))?;
            expect("pulse_out", t, out, u64::from(model.pulse_out()))?;
            seen += out as usize;
        }
    }
    Ok((sent, seen))
}

#[test]
fn pulse_sync_matches_timed_model_under_random_clocks() {
    property(
        "pulse_sync_matches_timed_model",
        200,
        (clock_pairs(), any::<bool>(), any::<u64>()),
        |(clocks, spaced, seed)| {
            let specs = clocks.specs("src_clock", "dst_clock");
            let (sent, seen) =
                with_vcd_on_failure_clocked("pulse_sync", "pulse_sync", &specs, |b| {
                    pulse_case(b, &clocks, spaced, seed)
                })
                .map_err(|e| format!("{e}\nclocks {clocks:?}, spaced {spaced}, seed {seed}"))?;
            // Pulses still in flight at the end: at most one.
            if spaced && !(sent.saturating_sub(1)..=sent).contains(&seen) {
                return Err(format!("{sent} pulses sent {seen} received; {clocks:?}"));
            }
            Ok(())
        },
    );
}

// ------------------------------------------------------------- handshake

fn handshake_case<S: Simulator>(b: &mut Bench<S>, seed: u64) -> Result<usize, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut model = HandshakeModel::new(STAGES);
    reset_both(b, ["src_reset", "dst_reset"])?;
    let mut send = None::<u64>;
    let (mut sent, mut received) = (vec![], vec![]);
    let end = slow_rises(b) + 400;
    while slow_rises(b) < end {
        let e = sim(b.next_edge())?;
        let t = b.time_ps();
        if e.rose(SRC) {
            if model.src_edge(t, send) {
                sent.extend(send);
            }
            // Sometimes asks while not ready: the word must be ignored.
            send = rng.gen_bool(0.6).then(|| rng.gen::<u32>() as u64);
            sim(b.set("send", u64::from(send.is_some())))?;
            sim(b.set("data_in", send.unwrap_or(0)))?;
        }
        if e.rose(DST) {
            model.dst_edge(t);
        }
        expect("ready", t, sim(b.get("ready"))?, u64::from(model.ready()))?;
        expect("valid", t, sim(b.get("valid"))?, u64::from(model.valid()))?;
        expect("data_out", t, sim(b.get("data_out"))?, model.data_out())?;
        if e.rose(DST) && model.valid() {
            received.push(sim(b.get("data_out"))?);
        }
    }
    if received[..] != sent[..model.delivered()] || model.delivered() + 1 < model.sent() {
        return Err(format!(
            "{} words sent, {} received, not the same words in order",
            sent.len(),
            received.len()
        ));
    }
    Ok(received.len())
}

#[test]
fn handshake_sync_matches_timed_model_under_random_clocks() {
    property(
        "handshake_sync_matches_timed_model",
        200,
        (clock_pairs(), any::<u64>()),
        |(clocks, seed)| {
            let specs = clocks.specs("src_clock", "dst_clock");
            let words =
                with_vcd_on_failure_clocked("handshake_sync", "handshake_sync", &specs, |b| {
                    handshake_case(b, seed)
                })
                .map_err(|e| format!("{e}\nclocks {clocks:?}, seed {seed}"))?;
            if words < 50 {
                return Err(format!("only {words} words crossed; {clocks:?}"));
            }
            Ok(())
        },
    );
}

#[test]
fn synchronisers_differential_rust_hdl_vs_verilator() {
    property(
        "synchronisers_differential",
        8,
        (clock_pairs(), any::<u64>()),
        |(clocks, seed)| {
            let specs = clocks.specs("src_clock", "dst_clock");
            let mut b = differential_clocked("handshake_sync", catalog::handshake_sync(), &specs);
            handshake_case(&mut b, seed)?;
            let mut b = differential_clocked("pulse_sync", catalog::pulse_sync(), &specs);
            pulse_case(&mut b, &clocks, false, seed).map(|_| ())
        },
    );
}

// ------------------------------------------------------------- level sync

#[test]
fn bit_sync_shows_its_input_two_edges_later() {
    property(
        "bit_sync_shows_its_input_two_edges_later",
        20,
        (100u64..2000, any::<u64>()),
        |(period, seed)| {
            let specs = [ClockSpec::new("clock", period, period / 3)];
            with_vcd_on_failure_clocked("bit_sync", "bit_sync", &specs, |b| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let mut model = LevelSyncModel::new(STAGES);
                sim(b.set("reset", 1))?;
                for _ in 0..4 {
                    sim(b.next_edge())?;
                }
                sim(b.set("reset", 0))?;
                let mut input = 0;
                for _ in 0..2000 {
                    // The input changes at any edge, rising or falling: it
                    // comes from another domain.
                    if rng.gen_bool(0.3) {
                        input ^= 1;
                        sim(b.set("d", input))?;
                    }
                    let e = sim(b.next_edge())?;
                    if e.rose(0) {
                        model.dst_edge(input);
                    }
                    expect("q", b.time_ps(), sim(b.get("q"))?, model.q())?;
                }
                Ok(())
            })
        },
    );
}
