//! Main-band training, receive side: while `measure` is high the partner
//! sends the training pattern (`protocol.rs`) on every physical lane. Each
//! lane's marker arrival phase is recorded; a lane is good when the marker
//! came at the same phase `TRAIN_MIN_HITS` periods running. After
//! `TRAIN_PERIODS` periods `done` rises with:
//! - `good`: one bit per physical lane;
//! - `delays`: per lane, the clocks to hold it so that every good lane lines
//!   up with the latest one (4 bits per lane, the `Deskew` block's format);
//! - `mode`: full width, one healthy half, or fail (`protocol::mode`).
//!
//! Phases are taken modulo the pattern period (32) relative to the lowest
//! good lane; skews up to `MAX_SKEW` (15) are told apart unambiguously.
//! Arithmetic is done in 64-bit vectors with masks: rust-hdl kernels cannot
//! widen a 5-bit value into the packed 64-bit delay vector without WIDTH
//! warnings, and synthesis drops the constant-zero upper bits.

use super::protocol::*;
use crate::primitives::Reg;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct LaneTrainer {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Measure while high; low clears the measurement.
    pub measure: Signal<In, Bit>,
    /// Physical lanes as they arrive (before deskew).
    pub lanes_in: Signal<In, Bits<WORD_BITS>>,
    pub done: Signal<Out, Bit>,
    pub good: Signal<Out, Bits<LANES>>,
    pub delays: Signal<Out, Bits<64>>,
    pub mode: Signal<Out, Bits<2>>,
    phase: Reg<Bits<64>>,
    window: Reg<Bits<9>>,
    finished: Reg<Bit>,
    lane_phase: [Reg<Bits<64>>; LANES],
    hits: [Reg<Bits<3>>; LANES],
    lane_good: [Signal<Local, Bit>; LANES],
    offset: [Signal<Local, Bits<64>>; LANES],
    anchor: Signal<Local, Bits<64>>,
    latest: Signal<Local, Bits<64>>,
    good_vec: Signal<Local, Bits<LANES>>,
    delay_vec: Signal<Local, Bits<64>>,
    lane_bit: [Constant<Bits<LANES>>; LANES],
    lane_shift: [Constant<Bits<64>>; LANES],
    mark: Constant<Bits<8>>,
    period_mask: Constant<Bits<64>>,
    delay_mask: Constant<Bits<64>>,
    half_period: Constant<Bits<64>>,
    one64: Constant<Bits<64>>,
    one9: Constant<Bits<9>>,
    one3: Constant<Bits<3>>,
    zero3: Constant<Bits<3>>,
    zero9: Constant<Bits<9>>,
    zero16: Constant<Bits<LANES>>,
    zero64: Constant<Bits<64>>,
    saturated: Constant<Bits<3>>,
    min_hits: Constant<Bits<3>>,
    window_end: Constant<Bits<9>>,
    all: Constant<Bits<LANES>>,
    lower: Constant<Bits<LANES>>,
    upper: Constant<Bits<LANES>>,
    mode_full: Constant<Bits<2>>,
    mode_lower: Constant<Bits<2>>,
    mode_upper: Constant<Bits<2>>,
    mode_fail: Constant<Bits<2>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for LaneTrainer {
    fn default() -> Self {
        const { assert!(MAX_SKEW < TRAIN_PERIOD / 2 && TRAIN_PERIOD == 32 && LANES == 16) };
        let window = TRAIN_PERIODS * TRAIN_PERIOD;
        const { assert!(TRAIN_PERIODS * TRAIN_PERIOD < 512) };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            measure: Default::default(),
            lanes_in: Default::default(),
            done: Default::default(),
            good: Default::default(),
            delays: Default::default(),
            mode: Default::default(),
            phase: Reg::default(),
            window: Reg::default(),
            finished: Reg::default(),
            lane_phase: std::array::from_fn(|_| Reg::default()),
            hits: std::array::from_fn(|_| Reg::default()),
            lane_good: Default::default(),
            offset: Default::default(),
            anchor: Default::default(),
            latest: Default::default(),
            good_vec: Default::default(),
            delay_vec: Default::default(),
            lane_bit: std::array::from_fn(|l| k(1 << l)),
            lane_shift: std::array::from_fn(|l| k(4 * l as u64)),
            mark: k(TRAIN_MARK.into()),
            period_mask: k(TRAIN_PERIOD as u64 - 1),
            delay_mask: k(0xf),
            half_period: k(TRAIN_PERIOD as u64 / 2),
            one64: k(1),
            one9: k(1),
            one3: k(1),
            zero3: k(0),
            zero9: k(0),
            zero16: k(0),
            zero64: k(0),
            saturated: k(7),
            min_hits: k(TRAIN_MIN_HITS as u64),
            window_end: k(window as u64),
            all: k(0xffff),
            lower: k(0x00ff),
            upper: k(0xff00),
            mode_full: k(mode::FULL),
            mode_lower: k(mode::LOWER),
            mode_upper: k(mode::UPPER),
            mode_fail: k(mode::FAIL),
        }
    }
}

impl Logic for LaneTrainer {
    #[hdl_gen]
    fn update(&mut self) {
        self.phase.clock.next = self.clock.val();
        self.phase.reset.next = self.reset.val();
        self.window.clock.next = self.clock.val();
        self.window.reset.next = self.reset.val();
        self.finished.clock.next = self.clock.val();
        self.finished.reset.next = self.reset.val();
        for l in 0..LANES {
            self.lane_phase[l].clock.next = self.clock.val();
            self.lane_phase[l].reset.next = self.reset.val();
            self.hits[l].clock.next = self.clock.val();
            self.hits[l].reset.next = self.reset.val();
        }

        // Measurement.
        self.phase.d.next = (self.phase.q.val() + self.one64.val()) & self.period_mask.val();
        self.window.d.next = self.window.q.val();
        self.finished.d.next = self.finished.q.val();
        for l in 0..LANES {
            self.lane_phase[l].d.next = self.lane_phase[l].q.val();
            self.hits[l].d.next = self.hits[l].q.val();
        }
        if !self.measure.val() {
            self.window.d.next = self.zero9.val();
            self.finished.d.next = false;
            for l in 0..LANES {
                self.hits[l].d.next = self.zero3.val();
            }
        } else if !self.finished.q.val() {
            self.window.d.next = self.window.q.val() + self.one9.val();
            if self.window.q.val() == self.window_end.val() {
                self.finished.d.next = true;
            }
            for l in 0..LANES {
                if self.lanes_in.val().get_bits::<8>(8 * l) == self.mark.val() {
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
        self.good_vec.next = self.zero16.val();
        for l in 0..LANES {
            self.lane_good[l].next = self.hits[l].q.val() >= self.min_hits.val();
            if self.lane_good[l].val() {
                self.good_vec.next = self.good_vec.val() | self.lane_bit[l].val();
            }
        }
        self.anchor.next = self.zero64.val();
        for i in 0..LANES {
            if self.lane_good[15 - i].val() {
                self.anchor.next = self.lane_phase[15 - i].q.val();
            }
        }
        self.latest.next = self.zero64.val();
        for l in 0..LANES {
            self.offset[l].next = (self.lane_phase[l].q.val() - self.anchor.val()
                + self.half_period.val())
                & self.period_mask.val();
            if self.lane_good[l].val() & (self.offset[l].val() > self.latest.val()) {
                self.latest.next = self.offset[l].val();
            }
        }
        self.delay_vec.next = self.zero64.val();
        for l in 0..LANES {
            if self.lane_good[l].val() {
                self.delay_vec.next = self.delay_vec.val()
                    | (((self.latest.val() - self.offset[l].val()) & self.delay_mask.val())
                        << self.lane_shift[l].val());
            }
        }
        self.done.next = self.finished.q.val();
        self.good.next = self.good_vec.val();
        self.delays.next = self.delay_vec.val();
        self.mode.next = self.mode_fail.val();
        if self.good_vec.val() == self.all.val() {
            self.mode.next = self.mode_full.val();
        } else if (self.good_vec.val() & self.lower.val()) == self.lower.val() {
            self.mode.next = self.mode_lower.val();
        } else if (self.good_vec.val() & self.upper.val()) == self.upper.val() {
            self.mode.next = self.mode_upper.val();
        }
    }
}
