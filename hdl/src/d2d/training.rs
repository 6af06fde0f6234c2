//! Main-band training, receive side: while `measure` is high the partner
//! sends the training pattern (`protocol.rs`) on every physical lane. Each
//! lane's marker arrival phase is recorded; a lane is good when the marker
//! came at the same phase `TRAIN_MIN_HITS` periods running. After
//! `TRAIN_PERIODS` periods `done` rises with:
//! - `good`: one bit per physical lane;
//! - `delays[l]`: the clocks to hold lane `l` so that every good lane lines
//!   up with the latest one (the `Deskew` block's setting).
//!
//! What to make of `good` (degrade, or remap onto spares) is the package's
//! business (`phy.rs`, `phy_advanced.rs`).
//!
//! Phases are counted modulo the pattern period (32, a 5-bit wrap) relative
//! to the lowest good lane; skews up to `MAX_SKEW` (15) are told apart
//! unambiguously. `L` lanes of `W / L` bits each.
//!
//! The results are computed in a three-stage pipeline once the measurement
//! stops (its registers then hold still), and `done` waits for it: a
//! training result is only used after training, so the chain from the hit
//! counters to the delays need not fit one 2 GHz clock. The latest arrival
//! is found as the highest phase any good lane arrived at (a 32-bit
//! arrival vector and a priority encoder), not by a compare chain over the
//! lanes, so the stages stay short for 68 lanes too.

use super::protocol::*;
use crate::primitives::Reg;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct LaneTrainer<const L: usize, const W: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Measure while high; low clears the measurement.
    pub measure: Signal<In, Bit>,
    /// Physical lanes as they arrive (before deskew).
    pub lanes_in: Signal<In, Bits<W>>,
    pub done: Signal<Out, Bit>,
    pub good: Signal<Out, Bits<L>>,
    pub delays: [Signal<Out, Bits<4>>; L],
    phase: Reg<Bits<5>>,
    window: Reg<Bits<9>>,
    finished: Reg<Bit>,
    lane_phase: [Reg<Bits<5>>; L],
    hits: [Reg<Bits<3>>; L],
    /// Pipeline: good lanes and the anchor; each lane's offset; the latest
    /// offset; and how many stages have settled since the measurement
    /// stopped.
    good_r: Reg<Bits<L>>,
    anchor_r: Reg<Bits<5>>,
    offset_r: [Reg<Bits<5>>; L],
    latest_r: Reg<Bits<4>>,
    settled: Reg<Bits<2>>,
    /// Each lane's symbol this clock, moved to the low bits.
    symbol: [Signal<Local, Bits<W>>; L],
    lane_good: [Signal<Local, Bit>; L],
    /// Lane `l` is the lowest good lane: its phase, else zero.
    first_phase: [Signal<Local, Bits<5>>; L],
    anchor: Signal<Local, Bits<5>>,
    /// Bit l: some lane below l is good.
    good_below: Signal<Local, Bits<L>>,
    /// Shifts 1, 2, 4, .. 64.
    doubling: [Constant<Bits<8>>; 7],
    /// Bit p: some good lane arrived at offset p.
    arrivals: Signal<Local, Bits<32>>,
    /// The latest offset's low four bits (all the delays need).
    latest: Signal<Local, Bits<4>>,
    good_vec: Signal<Local, Bits<L>>,
    phase_value: [Constant<Bits<4>>; 32],
    one32: Constant<Bits<32>>,
    one2: Constant<Bits<2>>,
    settled_all: Constant<Bits<2>>,
    zero2: Constant<Bits<2>>,
    lane_bit: [Constant<Bits<L>>; L],
    lane_shift: [Constant<Bits<16>>; L],
    symbol_mask: Constant<Bits<W>>,
    mark: Constant<Bits<W>>,
    half_period: Constant<Bits<5>>,
    one5: Constant<Bits<5>>,
    zero5: Constant<Bits<5>>,
    zero4: Constant<Bits<4>>,
    one9: Constant<Bits<9>>,
    one3: Constant<Bits<3>>,
    zero3: Constant<Bits<3>>,
    zero9: Constant<Bits<9>>,
    zero_lanes: Constant<Bits<L>>,
    zero32: Constant<Bits<32>>,
    saturated: Constant<Bits<3>>,
    min_hits: Constant<Bits<3>>,
    window_end: Constant<Bits<9>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl<const L: usize, const W: usize> LaneTrainer<L, W> {
    /// `mark`: the symbol a lane carries at phase 0 of the pattern, which
    /// no other symbol of the pattern equals and a stuck lane never shows.
    pub fn new(mark: u8) -> Self {
        const { assert!(MAX_SKEW < TRAIN_PERIOD / 2 && TRAIN_PERIOD == 32) };
        const { assert!(TRAIN_PERIODS * TRAIN_PERIOD < 512) };
        const { assert!(L > 0 && L <= 128 && W.is_multiple_of(L) && W / L <= 8) };
        let b = W / L;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            measure: Default::default(),
            lanes_in: Default::default(),
            done: Default::default(),
            good: Default::default(),
            delays: std::array::from_fn(|_| Default::default()),
            phase: Reg::default(),
            window: Reg::default(),
            finished: Reg::default(),
            lane_phase: std::array::from_fn(|_| Reg::default()),
            hits: std::array::from_fn(|_| Reg::default()),
            good_r: Reg::default(),
            anchor_r: Reg::default(),
            offset_r: std::array::from_fn(|_| Reg::default()),
            latest_r: Reg::default(),
            settled: Reg::default(),
            first_phase: std::array::from_fn(|_| Default::default()),
            arrivals: Default::default(),
            phase_value: std::array::from_fn(|p| k(p as u64 & 15)),
            one32: k(1),
            one2: k(1),
            settled_all: k(3),
            zero2: k(0),
            symbol: std::array::from_fn(|_| Default::default()),
            lane_good: std::array::from_fn(|_| Default::default()),
            anchor: Default::default(),
            good_below: Default::default(),
            doubling: std::array::from_fn(|i| k(1 << i)),
            latest: Default::default(),
            good_vec: Default::default(),
            lane_bit: std::array::from_fn(|l| Constant::new(Bits::<L>::from(1u64) << l as u64)),
            lane_shift: std::array::from_fn(|l| k((b * l) as u64)),
            symbol_mask: Constant::new(Bits::<W>::from((1u64 << b) - 1)),
            mark: Constant::new(Bits::<W>::from(u64::from(mark))),
            half_period: k(TRAIN_PERIOD as u64 / 2),
            one5: k(1),
            zero5: k(0),
            zero4: k(0),
            one9: k(1),
            one3: k(1),
            zero3: k(0),
            zero9: k(0),
            zero_lanes: k(0),
            zero32: k(0),
            saturated: k(7),
            min_hits: k(TRAIN_MIN_HITS as u64),
            window_end: k((TRAIN_PERIODS * TRAIN_PERIOD) as u64),
        }
    }
}

impl<const L: usize, const W: usize> Logic for LaneTrainer<L, W> {
    #[hdl_gen]
    fn update(&mut self) {
        self.phase.clock.next = self.clock.val();
        self.phase.reset.next = self.reset.val();
        self.window.clock.next = self.clock.val();
        self.window.reset.next = self.reset.val();
        self.finished.clock.next = self.clock.val();
        self.finished.reset.next = self.reset.val();
        for l in 0..L {
            self.lane_phase[l].clock.next = self.clock.val();
            self.lane_phase[l].reset.next = self.reset.val();
            self.hits[l].clock.next = self.clock.val();
            self.hits[l].reset.next = self.reset.val();
            self.offset_r[l].clock.next = self.clock.val();
            self.offset_r[l].reset.next = self.reset.val();
        }
        self.good_r.clock.next = self.clock.val();
        self.good_r.reset.next = self.reset.val();
        self.anchor_r.clock.next = self.clock.val();
        self.anchor_r.reset.next = self.reset.val();
        self.latest_r.clock.next = self.clock.val();
        self.latest_r.reset.next = self.reset.val();
        self.settled.clock.next = self.clock.val();
        self.settled.reset.next = self.reset.val();

        // Measurement.
        self.phase.d.next = self.phase.q.val() + self.one5.val();
        self.window.d.next = self.window.q.val();
        self.finished.d.next = self.finished.q.val();
        for l in 0..L {
            self.lane_phase[l].d.next = self.lane_phase[l].q.val();
            self.hits[l].d.next = self.hits[l].q.val();
            self.symbol[l].next =
                (self.lanes_in.val() >> self.lane_shift[l].val()) & self.symbol_mask.val();
        }
        if !self.measure.val() {
            self.window.d.next = self.zero9.val();
            self.finished.d.next = false;
            for l in 0..L {
                self.hits[l].d.next = self.zero3.val();
            }
        } else if !self.finished.q.val() {
            self.window.d.next = self.window.q.val() + self.one9.val();
            if self.window.q.val() == self.window_end.val() {
                self.finished.d.next = true;
            }
            for l in 0..L {
                if self.symbol[l].val() == self.mark.val() {
                    if (self.hits[l].q.val() != self.zero3.val())
                        & (self.lane_phase[l].q.val() == self.phase.q.val())
                    {
                        if self.hits[l].q.val() != self.saturated.val() {
                            self.hits[l].d.next = self.hits[l].q.val() + self.one3.val();
                        }
                    } else {
                        self.hits[l].d.next = self.one3.val();
                        self.lane_phase[l].d.next = self.phase.q.val();
                    }
                }
            }
        }

        // Results: good lanes, phases relative to the lowest good lane
        // (biased by half a period so they compare as unsigned), the latest
        // arrival, and each lane's delay to it.
        // Stage 1: good lanes and the lowest good lane's phase: lanes with
        // a good lane below them by a log-depth prefix OR (shift and OR,
        // doubling), then a one-hot select (an OR tree).
        self.good_vec.next = self.zero_lanes.val();
        for l in 0..L {
            self.lane_good[l].next = self.hits[l].q.val() >= self.min_hits.val();
            if self.lane_good[l].val() {
                self.good_vec.next = self.good_vec.val() | self.lane_bit[l].val();
            }
        }
        self.good_below.next = self.good_vec.val() << self.doubling[0].val();
        for k in 0..7 {
            self.good_below.next =
                self.good_below.val() | (self.good_below.val() << self.doubling[k].val());
        }
        self.anchor.next = self.zero5.val();
        for l in 0..L {
            self.first_phase[l].next = self.zero5.val();
            if self.good_vec.val().get_bit(l) & !self.good_below.val().get_bit(l) {
                self.first_phase[l].next = self.lane_phase[l].q.val();
            }
            self.anchor.next = self.anchor.val() | self.first_phase[l].val();
        }
        self.good_r.d.next = self.good_vec.val();
        self.anchor_r.d.next = self.anchor.val();
        // Stage 2: each lane's offset.
        for l in 0..L {
            self.offset_r[l].d.next =
                self.lane_phase[l].q.val() - self.anchor_r.q.val() + self.half_period.val();
        }
        // Stage 3: the latest offset of a good lane.
        self.arrivals.next = self.zero32.val();
        for l in 0..L {
            if self.good_r.q.val().get_bit(l) {
                self.arrivals.next =
                    self.arrivals.val() | (self.one32.val() << self.offset_r[l].q.val());
            }
        }
        self.latest.next = self.zero4.val();
        for p in 0..32 {
            if self.arrivals.val().get_bit(p) {
                self.latest.next = self.phase_value[p].val();
            }
        }
        self.latest_r.d.next = self.latest.val();
        // latest - offset is 0..=15: its low four bits are the difference
        // of the low four bits.
        for l in 0..L {
            self.delays[l].next = self.zero4.val();
            if self.good_r.q.val().get_bit(l) {
                self.delays[l].next =
                    self.latest_r.q.val() - self.offset_r[l].q.val().get_bits::<4>(0);
            }
        }
        // Done once every stage holds the stopped measurement's result.
        self.settled.d.next = self.zero2.val();
        if self.finished.q.val() & self.measure.val() {
            self.settled.d.next = self.settled.q.val();
            if self.settled.q.val() != self.settled_all.val() {
                self.settled.d.next = self.settled.q.val() + self.one2.val();
            }
        }
        self.done.next = self.finished.q.val() & (self.settled.q.val() == self.settled_all.val());
        self.good.next = self.good_r.q.val();
    }
}
