//! The link self-test: per-lane PRBS31 generators and checkers on the
//! chip's side of the package, for measuring raw lane bit-error rates
//! without flits, and the two loopbacks.
//!
//! PRBS31 is ITU-T O.150's x^31 + x^28 + 1: every bit is the XOR of the
//! bits 28 and 31 before it ([`prbs31_follows`]). Each lane carries its
//! package's bits per link clock (8 standard, 2 advanced), bit 0 first; each
//! of the chip's lanes runs the sequence from its own phase
//! ([`LANE_OFFSET`] steps apart). [`StandardLinkTest`] and
//! [`AdvancedLinkTest`] are the two packages' instances.
//!
//! A test (`LINK_TEST` written with a mode) first leaves the link running
//! for [`DRAIN`] clocks, for the write's acknowledge to reach the host, then
//! takes the lanes from the PHY and holds the PHY in reset: `SETTLE - DRAIN`
//! clocks for the host to change over, then `LINK_TEST_CLOCKS` clocks of
//! test (`running`), then the PHY is let go and the link trains again.
//! Modes:
//!
//! | mode | lanes out | checkers see |
//! |---|---|---|
//! | 1 PRBS | the chip's PRBS31 | the lanes in (the host's PRBS) |
//! | 2 far-end loopback | the lanes in, registered (the host checks its own PRBS after the round trip) | the lanes in |
//! | 3 near-end loopback | nothing | the chip's own PRBS, before the pads |
//!
//! A checker locks when 32 bits in a row follow the recurrence (and are not
//! all zero: a lane stuck at 0 would), seeds its own PRBS from the last 31
//! bits, and from then on counts every bit that differs from its
//! prediction, each error once. 4 or more wrong among the last 8 bits
//! compared means the lane is lost (or was never PRBS): the checker drops
//! its counts and hunts again, so its results always cover the last stretch
//! it was locked for, to the end of the test.

use crate::d2d::advanced;
use crate::d2d::protocol;
use crate::primitives::{Gf2Matrix, LfsrSpec, Reg, Scrambler, XorNet, XorNet2};
use rust_hdl::prelude::*;

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

/// PRBS31 in the scrambler's Galois form (its output bits satisfy the
/// O.150 recurrence: a test checks it against [`prbs31_follows`]).
pub const PRBS31: LfsrSpec = LfsrSpec {
    name: "PRBS31 (ITU-T O.150, x^31 + x^28 + 1)",
    length: 31,
    poly: (1 << 3) | 1,
    seed: 0x7fff_ffff,
};
/// Steps between neighbouring lanes' phases.
pub const LANE_OFFSET: usize = 1 << 16;
/// Clocks from a test's start to its first clock of comparison.
pub const SETTLE: u32 = 4096;
/// Of those, the clocks the link keeps running (the start's acknowledge
/// goes out).
pub const DRAIN: u32 = 2048;
/// Bits in a row that must follow the recurrence before a checker locks.
pub const LOCK_BITS: u32 = 32;
/// Errors among the last [`LOSS_WINDOW`] bits compared that make a checker
/// drop its lock.
pub const LOSS_ERRORS: u32 = 4;
pub const LOSS_WINDOW: usize = 8;
/// Lanes the register map has results for (the advanced package's 68; the
/// standard package's lanes beyond its 16 read 0).
pub const MAP_LANES: usize = advanced::PHYS_LANES;

/// Whether bit `n` of a stream (`n >= 31`) follows PRBS31 from the bits
/// before it: the definition the checker and the host's model are written
/// from.
pub fn prbs31_follows(bits: &[bool], n: usize) -> bool {
    bits[n] == bits[n - 28] ^ bits[n - 31]
}

pub mod mode {
    pub const OFF: u64 = 0;
    pub const PRBS: u64 = 1;
    pub const FAR_END: u64 = 2;
    pub const NEAR_END: u64 = 3;
}

const HIST: usize = 31;

/// History layout: bit `k` is the bit received `k + 1` bits ago; `new`
/// holds a clock's bits, the first in time at 0.
fn history_shift(hist: &[bool], new: &[bool]) -> Vec<bool> {
    let b = new.len();
    (0..hist.len())
        .map(|k| if k < b { new[b - 1 - k] } else { hist[k - b] })
        .collect()
}

/// The next `b` bits the recurrence predicts from a history.
fn predict(hist: &[bool], b: usize) -> Vec<bool> {
    (0..b).map(|i| hist[27 - i] ^ hist[30 - i]).collect()
}

/// One lane's checker.
#[derive(LogicBlock)]
pub struct PrbsChecker<const B: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Forget everything (a test starts).
    pub clear: Signal<In, Bit>,
    /// Check this clock's bits.
    pub enable: Signal<In, Bit>,
    pub bits_in: Signal<In, Bits<B>>,
    pub errors: Signal<Out, Bits<32>>,
    pub compared: Signal<Out, Bits<32>>,
    pub locked: Signal<Out, Bit>,
    hist: Reg<Bits<HIST>>,
    model: Reg<Bits<HIST>>,
    /// Clean clocks in a row while hunting.
    clean: Reg<Bits<6>>,
    /// Wrong flags of the last 8 bits compared, newest at bit 0.
    recent: Reg<Bits<LOSS_WINDOW>>,
    locked_r: Reg<Bit>,
    errors_r: Reg<Bits<32>>,
    compared_r: Reg<Bits<32>>,
    /// Received bits against the recurrence over the received history.
    syndrome: XorNet2<B, HIST, B>,
    shift_in: XorNet2<HIST, B, HIST>,
    predicted: XorNet<HIST, B>,
    model_next: XorNet<HIST, HIST>,
    /// This clock's wrong flags in the window's low bits.
    widen: XorNet<B, LOSS_WINDOW>,
    recent_next: Signal<Local, Bits<LOSS_WINDOW>>,
    wrong: Signal<Local, Bits<B>>,
    wrong_count: Signal<Local, Bits<32>>,
    window_count: Signal<Local, Bits<32>>,
    zero_hist: Constant<Bits<HIST>>,
    zero_bits: Constant<Bits<B>>,
    zero6: Constant<Bits<6>>,
    one6: Constant<Bits<6>>,
    clean_needed: Constant<Bits<6>>,
    no_recent: Constant<Bits<LOSS_WINDOW>>,
    shift_b: Constant<Bits<8>>,
    zero32: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
    lane_bits: Constant<Bits<32>>,
    loss: Constant<Bits<32>>,
}

impl<const B: usize> Default for PrbsChecker<B> {
    fn default() -> Self {
        const { assert!(B >= 1 && B <= LOSS_WINDOW && (LOCK_BITS as usize).is_multiple_of(B)) };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            clear: Default::default(),
            enable: Default::default(),
            bits_in: Default::default(),
            errors: Default::default(),
            compared: Default::default(),
            locked: Default::default(),
            hist: Reg::default(),
            model: Reg::default(),
            clean: Reg::default(),
            recent: Reg::default(),
            locked_r: Reg::default(),
            errors_r: Reg::default(),
            compared_r: Reg::default(),
            syndrome: XorNet2::new(Gf2Matrix::from_linear_fn(B + HIST, B, |x| {
                let (new, hist) = x.split_at(B);
                let p = predict(hist, B);
                (0..B).map(|i| new[i] ^ p[i]).collect()
            })),
            shift_in: XorNet2::new(Gf2Matrix::from_linear_fn(HIST + B, HIST, |x| {
                let (hist, new) = x.split_at(HIST);
                history_shift(hist, new)
            })),
            predicted: XorNet::new(Gf2Matrix::from_linear_fn(HIST, B, |m| predict(m, B))),
            model_next: XorNet::new(Gf2Matrix::from_linear_fn(HIST, HIST, |m| {
                history_shift(m, &predict(m, B))
            })),
            widen: XorNet::new(Gf2Matrix::placement(B, LOSS_WINDOW, &[(0, 0, B)])),
            recent_next: Default::default(),
            wrong: Default::default(),
            wrong_count: Default::default(),
            window_count: Default::default(),
            zero_hist: k(0),
            zero_bits: k(0),
            zero6: k(0),
            one6: k(1),
            clean_needed: k((LOCK_BITS as usize / B - 1) as u64),
            no_recent: k(0),
            shift_b: k(B as u64),
            zero32: k(0),
            one32: k(1),
            lane_bits: k(B as u64),
            loss: k(u64::from(LOSS_ERRORS)),
        }
    }
}

impl<const B: usize> Logic for PrbsChecker<B> {
    #[hdl_gen]
    fn update(&mut self) {
        self.hist.clock.next = self.clock.val();
        self.model.clock.next = self.clock.val();
        self.clean.clock.next = self.clock.val();
        self.recent.clock.next = self.clock.val();
        self.recent.reset.next = self.reset.val();
        self.locked_r.clock.next = self.clock.val();
        self.errors_r.clock.next = self.clock.val();
        self.compared_r.clock.next = self.clock.val();
        self.hist.reset.next = self.reset.val();
        self.model.reset.next = self.reset.val();
        self.clean.reset.next = self.reset.val();
        self.locked_r.reset.next = self.reset.val();
        self.errors_r.reset.next = self.reset.val();
        self.compared_r.reset.next = self.reset.val();

        self.syndrome.a.next = self.bits_in.val();
        self.syndrome.b.next = self.hist.q.val();
        self.shift_in.a.next = self.hist.q.val();
        self.shift_in.b.next = self.bits_in.val();
        self.predicted.a.next = self.model.q.val();
        self.model_next.a.next = self.model.q.val();
        self.wrong.next = self.bits_in.val() ^ self.predicted.y.val();
        self.wrong_count.next = self.zero32.val();
        for i in 0..B {
            if self.wrong.val().get_bit(i) {
                self.wrong_count.next = self.wrong_count.val() + self.one32.val();
            }
        }
        self.widen.a.next = self.wrong.val();
        self.recent_next.next = (self.recent.q.val() << self.shift_b.val()) | self.widen.y.val();
        self.window_count.next = self.zero32.val();
        for i in 0..LOSS_WINDOW {
            if self.recent_next.val().get_bit(i) {
                self.window_count.next = self.window_count.val() + self.one32.val();
            }
        }

        self.hist.d.next = self.shift_in.y.val();
        self.model.d.next = self.model.q.val();
        self.clean.d.next = self.clean.q.val();
        self.recent.d.next = self.recent.q.val();
        self.locked_r.d.next = self.locked_r.q.val();
        self.errors_r.d.next = self.errors_r.q.val();
        self.compared_r.d.next = self.compared_r.q.val();
        if self.clear.val() {
            self.clean.d.next = self.zero6.val();
            self.recent.d.next = self.no_recent.val();
            self.locked_r.d.next = false;
            self.errors_r.d.next = self.zero32.val();
            self.compared_r.d.next = self.zero32.val();
        } else if self.enable.val() {
            if self.locked_r.q.val() {
                self.model.d.next = self.model_next.y.val();
                self.recent.d.next = self.recent_next.val();
                if self.window_count.val() >= self.loss.val() {
                    // Lost: drop what this lock counted and hunt again.
                    self.locked_r.d.next = false;
                    self.clean.d.next = self.zero6.val();
                    self.recent.d.next = self.no_recent.val();
                    self.errors_r.d.next = self.zero32.val();
                    self.compared_r.d.next = self.zero32.val();
                } else {
                    self.errors_r.d.next = self.errors_r.q.val() + self.wrong_count.val();
                    self.compared_r.d.next = self.compared_r.q.val() + self.lane_bits.val();
                }
            } else if (self.syndrome.y.val() == self.zero_bits.val())
                & (self.shift_in.y.val() != self.zero_hist.val())
            {
                self.clean.d.next = self.clean.q.val() + self.one6.val();
                if self.clean.q.val() == self.clean_needed.val() {
                    self.locked_r.d.next = true;
                    self.model.d.next = self.shift_in.y.val();
                }
            } else {
                self.clean.d.next = self.zero6.val();
            }
        }
        self.errors.next = self.errors_r.q.val();
        self.compared.next = self.compared_r.q.val();
        self.locked.next = self.locked_r.q.val();
    }
}

const IDLE: u64 = 0;
const DRAINING: u64 = 1;
const SETTLING: u64 = 2;
const RUNNING: u64 = 3;

/// The link self-test of a package with `L` lanes of `B` bits per clock
/// (`W` = `L * B` lane bits: const generics cannot multiply). Each lane has its own 31-bit generator (one wide
/// `LaneScrambler` would be one 31 L-square XOR matrix for synthesis to
/// take apart).
#[derive(LogicBlock)]
pub struct LinkTest<const L: usize, const B: usize, const W: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Start a test in `mode` (ignored while one runs or for mode 0).
    pub start: Signal<In, Bit>,
    pub mode: Signal<In, Bits<2>>,
    /// Clocks of comparison.
    pub clocks: Signal<In, Bits<32>>,
    pub lanes_in: Signal<In, Bits<W>>,
    /// The test holds the lanes (and the PHY in reset), from a flop.
    pub owns: Signal<Out, Bit>,
    pub lanes_out: Signal<Out, Bits<W>>,
    /// Comparing (a status pin of the chip).
    pub running: Signal<Out, Bit>,
    /// `LINK_TEST_STATUS`: running (bit 0), finished (1), lanes locked
    /// (a count, bits 16..24).
    pub status: Signal<Out, Bits<32>>,
    /// Result `sel`: errors of lane `sel` (0..`MAP_LANES`), bits compared
    /// of lane `sel - MAP_LANES`; 0 for lanes the package lacks.
    pub sel: Signal<In, Bits<8>>,
    pub value: Signal<Out, Bits<32>>,
    generators: [Scrambler<HIST, B>; L],
    /// The generators' bits placed on the lanes.
    gen_word: Signal<Local, Bits<W>>,
    gen_place: [XorNet<B, W>; L],
    checkers: [PrbsChecker<B>; L],
    state: Reg<Bits<2>>,
    owns_r: Reg<Bit>,
    mode_r: Reg<Bits<2>>,
    timer: Reg<Bits<32>>,
    finished: Reg<Bit>,
    rx_q: Reg<Bits<W>>,
    gen_q: Reg<Bits<W>>,
    check_in: Signal<Local, Bits<W>>,
    /// Lane `l`'s bits of `check_in`.
    lane_pick: [XorNet<W, B>; L],
    go: Signal<Local, Bit>,
    locked: Signal<Local, Bits<8>>,
    status_word: XorNet2<2, 8, 32>,
    status_low: Signal<Local, Bits<2>>,
    sel_at: [Constant<Bits<8>>; L],
    sel_bits_at: [Constant<Bits<8>>; L],
    zero2: Constant<Bits<2>>,
    bit0: Constant<Bits<2>>,
    bit1: Constant<Bits<2>>,
    st_idle: Constant<Bits<2>>,
    st_draining: Constant<Bits<2>>,
    st_settling: Constant<Bits<2>>,
    st_running: Constant<Bits<2>>,
    m_off: Constant<Bits<2>>,
    m_prbs: Constant<Bits<2>>,
    m_far: Constant<Bits<2>>,
    m_near: Constant<Bits<2>>,
    settle: Constant<Bits<32>>,
    drain: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
    zero32: Constant<Bits<32>>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
    zero_word: Constant<Bits<W>>,
    zero_bits: Constant<Bits<B>>,
}

/// The standard package's: 16 lanes of 8 bits.
pub type StandardLinkTest =
    LinkTest<{ protocol::LANES }, { protocol::LANE_BITS }, { protocol::WORD_BITS }>;
/// The advanced package's: 68 lanes (spares included) of 2 bits.
pub type AdvancedLinkTest =
    LinkTest<{ advanced::PHYS_LANES }, { advanced::LANE_BITS }, { advanced::PHYS_BITS }>;

impl<const L: usize, const B: usize, const W: usize> Default for LinkTest<L, B, W> {
    fn default() -> Self {
        const { assert!(W == L * B && L <= MAP_LANES && 2 * MAP_LANES <= 256) };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            mode: Default::default(),
            clocks: Default::default(),
            lanes_in: Default::default(),
            owns: Default::default(),
            lanes_out: Default::default(),
            running: Default::default(),
            status: Default::default(),
            sel: Default::default(),
            value: Default::default(),
            generators: {
                let seeds = PRBS31.lane_seeds(L, LANE_OFFSET);
                std::array::from_fn(|l| {
                    Scrambler::new(LfsrSpec {
                        seed: seeds[l],
                        ..PRBS31
                    })
                })
            },
            gen_word: Default::default(),
            gen_place: std::array::from_fn(|l| {
                XorNet::new(Gf2Matrix::placement(B, W, &[(0, B * l, B)]))
            }),
            checkers: std::array::from_fn(|_| PrbsChecker::default()),
            state: Reg::default(),
            owns_r: Reg::default(),
            mode_r: Reg::default(),
            timer: Reg::default(),
            finished: Reg::default(),
            rx_q: Reg::default(),
            gen_q: Reg::default(),
            check_in: Default::default(),
            lane_pick: std::array::from_fn(|l| {
                XorNet::new(Gf2Matrix::placement(W, B, &[(B * l, 0, B)]))
            }),
            go: Default::default(),
            locked: Default::default(),
            // Running (bit 0), finished (1), the locked count (16..24).
            status_word: XorNet2::new(Gf2Matrix::placement(10, 32, &[(0, 0, 2), (2, 16, 8)])),
            status_low: Default::default(),
            sel_at: std::array::from_fn(|l| k(l as u64)),
            sel_bits_at: std::array::from_fn(|l| k((MAP_LANES + l) as u64)),
            zero2: k(0),
            bit0: k(1),
            bit1: k(2),
            st_idle: k(IDLE),
            st_draining: k(DRAINING),
            st_settling: k(SETTLING),
            st_running: k(RUNNING),
            m_off: k(mode::OFF),
            m_prbs: k(mode::PRBS),
            m_far: k(mode::FAR_END),
            m_near: k(mode::NEAR_END),
            settle: k(u64::from(SETTLE - DRAIN)),
            drain: k(u64::from(DRAIN)),
            one32: k(1),
            zero32: k(0),
            zero8: k(0),
            one8: k(1),
            zero_word: k(0),
            zero_bits: k(0),
        }
    }
}

impl<const L: usize, const B: usize, const W: usize> Logic for LinkTest<L, B, W> {
    #[hdl_gen]
    fn update(&mut self) {
        for l in 0..L {
            self.generators[l].clock.next = self.clock.val();
            self.generators[l].reset.next = self.reset.val();
        }
        self.state.clock.next = self.clock.val();
        self.state.reset.next = self.reset.val();
        self.owns_r.clock.next = self.clock.val();
        self.owns_r.reset.next = self.reset.val();
        self.mode_r.clock.next = self.clock.val();
        self.mode_r.reset.next = self.reset.val();
        self.timer.clock.next = self.clock.val();
        self.timer.reset.next = self.reset.val();
        self.finished.clock.next = self.clock.val();
        self.finished.reset.next = self.reset.val();
        self.rx_q.clock.next = self.clock.val();
        self.rx_q.reset.next = self.reset.val();
        self.gen_q.clock.next = self.clock.val();
        self.gen_q.reset.next = self.reset.val();
        for l in 0..L {
            self.checkers[l].clock.next = self.clock.val();
            self.checkers[l].reset.next = self.reset.val();
        }

        // Sequencing: drain, settle, then run for `clocks` (at least one).
        self.go.next = self.start.val()
            & (self.state.q.val() == self.st_idle.val())
            & (self.mode.val() != self.m_off.val());
        self.state.d.next = self.state.q.val();
        self.owns_r.d.next = self.owns_r.q.val();
        self.mode_r.d.next = self.mode_r.q.val();
        self.timer.d.next = self.timer.q.val() - self.one32.val();
        self.finished.d.next = self.finished.q.val();
        if self.go.val() {
            self.state.d.next = self.st_draining.val();
            self.mode_r.d.next = self.mode.val();
            self.timer.d.next = self.drain.val();
            self.finished.d.next = false;
        }
        if (self.state.q.val() == self.st_draining.val()) & (self.timer.q.val() <= self.one32.val())
        {
            self.state.d.next = self.st_settling.val();
            self.owns_r.d.next = true;
            self.timer.d.next = self.settle.val();
        }
        if (self.state.q.val() == self.st_settling.val()) & (self.timer.q.val() <= self.one32.val())
        {
            self.state.d.next = self.st_running.val();
            self.timer.d.next = self.clocks.val();
        }
        if (self.state.q.val() == self.st_running.val()) & (self.timer.q.val() <= self.one32.val())
        {
            self.state.d.next = self.st_idle.val();
            self.owns_r.d.next = false;
            self.finished.d.next = true;
        }
        if (self.state.q.val() == self.st_idle.val()) & !self.go.val() {
            self.timer.d.next = self.zero32.val();
        }

        // Lanes: the generator runs only while comparing (and restarts from
        // its seeds for every test).
        self.gen_word.next = self.zero_word.val();
        for l in 0..L {
            self.generators[l].enable.next = self.state.q.val() == self.st_running.val();
            self.generators[l].reseed.next = self.state.q.val() != self.st_running.val();
            self.generators[l].data_in.next = self.zero_bits.val();
            self.gen_place[l].a.next = self.generators[l].data_out.val();
            self.gen_word.next = self.gen_word.val() | self.gen_place[l].y.val();
        }
        self.rx_q.d.next = self.lanes_in.val();
        self.gen_q.d.next = self.zero_word.val();
        if self.state.q.val() == self.st_running.val() {
            self.gen_q.d.next = self.gen_word.val();
        }
        self.lanes_out.next = self.zero_word.val();
        if self.mode_r.q.val() == self.m_prbs.val() {
            self.lanes_out.next = self.gen_q.q.val();
        }
        if self.mode_r.q.val() == self.m_far.val() {
            self.lanes_out.next = self.rx_q.q.val();
        }
        self.check_in.next = self.rx_q.q.val();
        if self.mode_r.q.val() == self.m_near.val() {
            self.check_in.next = self.gen_q.q.val();
        }

        // Checkers, and the results.
        self.locked.next = self.zero8.val();
        for l in 0..L {
            self.lane_pick[l].a.next = self.check_in.val();
            self.checkers[l].clear.next = self.go.val();
            self.checkers[l].enable.next = self.state.q.val() == self.st_running.val();
            self.checkers[l].bits_in.next = self.lane_pick[l].y.val();
            if self.checkers[l].locked.val() {
                self.locked.next = self.locked.val() + self.one8.val();
            }
        }
        self.value.next = self.zero32.val();
        for l in 0..L {
            if self.sel.val() == self.sel_at[l].val() {
                self.value.next = self.checkers[l].errors.val();
            }
            if self.sel.val() == self.sel_bits_at[l].val() {
                self.value.next = self.checkers[l].compared.val();
            }
        }
        self.status_low.next = self.zero2.val();
        if self.state.q.val() == self.st_running.val() {
            self.status_low.next = self.status_low.val() | self.bit0.val();
        }
        if self.finished.q.val() {
            self.status_low.next = self.status_low.val() | self.bit1.val();
        }
        self.status_word.a.next = self.status_low.val();
        self.status_word.b.next = self.locked.val();
        self.owns.next = self.owns_r.q.val();
        self.running.next = self.state.q.val() == self.st_running.val();
        self.status.next = self.status_word.y.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_spec_makes_o150_prbs31() {
        let mut state = PRBS31.seed;
        let bits: Vec<bool> = (0..2000)
            .map(|_| {
                let (next, out) = PRBS31.step(state);
                state = next;
                out
            })
            .collect();
        assert!((31..bits.len()).all(|n| prbs31_follows(&bits, n)));
        assert!(bits.iter().any(|&b| b) && bits.iter().any(|&b| !b));
    }
}
