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
    /// Each lane's symbol this clock, moved to the low bits.
    symbol: [Signal<Local, Bits<W>>; L],
    lane_good: [Signal<Local, Bit>; L],
    offset: [Signal<Local, Bits<5>>; L],
    anchor: Signal<Local, Bits<5>>,
    anchored: Signal<Local, Bit>,
    latest: Signal<Local, Bits<5>>,
    good_vec: Signal<Local, Bits<L>>,
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
        const { assert!(L > 0 && W.is_multiple_of(L) && W / L <= 8) };
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
            symbol: std::array::from_fn(|_| Default::default()),
            lane_good: std::array::from_fn(|_| Default::default()),
            offset: std::array::from_fn(|_| Default::default()),
            anchor: Default::default(),
            anchored: Default::default(),
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
        }

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
        self.good_vec.next = self.zero_lanes.val();
        self.anchor.next = self.zero5.val();
        self.anchored.next = false;
        for l in 0..L {
            self.lane_good[l].next = self.hits[l].q.val() >= self.min_hits.val();
            if self.lane_good[l].val() {
                self.good_vec.next = self.good_vec.val() | self.lane_bit[l].val();
                if !self.anchored.val() {
                    self.anchor.next = self.lane_phase[l].q.val();
                }
                self.anchored.next = true;
            }
        }
        self.latest.next = self.zero5.val();
        for l in 0..L {
            self.offset[l].next =
                self.lane_phase[l].q.val() - self.anchor.val() + self.half_period.val();
            if self.lane_good[l].val() & (self.offset[l].val() > self.latest.val()) {
                self.latest.next = self.offset[l].val();
            }
        }
        // latest - offset is 0..=15: its low four bits are the difference
        // of the low four bits.
        for l in 0..L {
            self.delays[l].next = self.zero4.val();
            if self.lane_good[l].val() {
                self.delays[l].next =
                    self.latest.val().get_bits::<4>(0) - self.offset[l].val().get_bits::<4>(0);
            }
        }
        self.done.next = self.finished.q.val();
        self.good.next = self.good_vec.val();
    }
}
