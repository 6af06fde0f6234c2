//! Lane repair for the advanced package: 64 data lanes on 68 physical
//! lanes. Logical lane `i` travels on the `i`-th good physical lane (each
//! broken lane's traffic shifts one lane up, onto the spares at the top), the
//! rule `params::LinkParams::repair` states for the software reference.
//!
//! `SpareMap` turns a good-lane vector into the shift each physical lane
//! applies: lane `p` carries logical lane `p - s` when it is good and `s`
//! lanes below it are broken. `sel[s]` masks the bits of those lanes, so the
//! remap is five shifts and masks of the whole word (transmit:
//! `OR_s (logical << B*s) & sel[s]`; receive: `OR_s (physical & sel[s]) >> B*s`).
//! `SpareCheck` says whether a good-lane vector can be repaired at all.
//! Both count broken lanes with `BrokenBelow`, a log-depth prefix count, so
//! 68 lanes fit a 2 GHz clock; `SpareMap`'s masks are registered.

use super::advanced::{LANE_BITS, PHYS_BITS, PHYS_LANES, SPARES};
use super::protocol::Mutation;
use crate::primitives::Reg;
use rust_hdl::prelude::*;

/// Shifts 0 ..= SPARES.
pub const SHIFTS: usize = SPARES + 1;

/// Broken lanes below each physical lane, saturating at 7 (above every
/// shift that matters): a Kogge-Stone prefix count, seven levels of 3-bit
/// saturating adds, not a 68-long ripple of increments.
#[derive(LogicBlock)]
pub struct BrokenBelow {
    pub good: Signal<In, Bits<PHYS_LANES>>,
    /// Broken lanes among `0 .. p`.
    pub below: [Signal<Out, Bits<3>>; PHYS_LANES],
    /// Broken lanes among all.
    pub total: Signal<Out, Bits<3>>,
    /// Level k holds counts over windows of 2^k lanes ending at each lane.
    l0: [Signal<Local, Bits<3>>; PHYS_LANES],
    l1: [Signal<Local, Bits<3>>; PHYS_LANES],
    l2: [Signal<Local, Bits<3>>; PHYS_LANES],
    l3: [Signal<Local, Bits<3>>; PHYS_LANES],
    l4: [Signal<Local, Bits<3>>; PHYS_LANES],
    l5: [Signal<Local, Bits<3>>; PHYS_LANES],
    l6: [Signal<Local, Bits<3>>; PHYS_LANES],
    l7: [Signal<Local, Bits<3>>; PHYS_LANES],
    zero3: Constant<Bits<3>>,
    one3: Constant<Bits<3>>,
    seven: Constant<Bits<3>>,
}

impl Default for BrokenBelow {
    fn default() -> Self {
        const { assert!(PHYS_LANES <= 128) };
        let k = |v: u64| Constant::new(v.into());
        Self {
            good: Default::default(),
            below: std::array::from_fn(|_| Default::default()),
            total: Default::default(),
            l0: std::array::from_fn(|_| Default::default()),
            l1: std::array::from_fn(|_| Default::default()),
            l2: std::array::from_fn(|_| Default::default()),
            l3: std::array::from_fn(|_| Default::default()),
            l4: std::array::from_fn(|_| Default::default()),
            l5: std::array::from_fn(|_| Default::default()),
            l6: std::array::from_fn(|_| Default::default()),
            l7: std::array::from_fn(|_| Default::default()),
            zero3: k(0),
            one3: k(1),
            seven: k(7),
        }
    }
}

impl Logic for BrokenBelow {
    #[hdl_gen]
    fn update(&mut self) {
        for p in 0..PHYS_LANES {
            self.l0[p].next = self.zero3.val();
            if !self.good.val().get_bit(p) {
                self.l0[p].next = self.one3.val();
            }
        }
        // Level k adds the window 2^(k-1) lanes lower; a sum that wraps
        // (smaller than an addend) saturates.
        for p in 0..PHYS_LANES {
            self.l1[p].next = self.l0[p].val();
        }
        for p in 1..PHYS_LANES {
            self.l1[p].next = self.l0[p].val() + self.l0[p - 1].val();
            if self.l1[p].val() < self.l0[p].val() {
                self.l1[p].next = self.seven.val();
            }
        }
        for p in 0..PHYS_LANES {
            self.l2[p].next = self.l1[p].val();
        }
        for p in 2..PHYS_LANES {
            self.l2[p].next = self.l1[p].val() + self.l1[p - 2].val();
            if self.l2[p].val() < self.l1[p].val() {
                self.l2[p].next = self.seven.val();
            }
        }
        for p in 0..PHYS_LANES {
            self.l3[p].next = self.l2[p].val();
        }
        for p in 4..PHYS_LANES {
            self.l3[p].next = self.l2[p].val() + self.l2[p - 4].val();
            if self.l3[p].val() < self.l2[p].val() {
                self.l3[p].next = self.seven.val();
            }
        }
        for p in 0..PHYS_LANES {
            self.l4[p].next = self.l3[p].val();
        }
        for p in 8..PHYS_LANES {
            self.l4[p].next = self.l3[p].val() + self.l3[p - 8].val();
            if self.l4[p].val() < self.l3[p].val() {
                self.l4[p].next = self.seven.val();
            }
        }
        for p in 0..PHYS_LANES {
            self.l5[p].next = self.l4[p].val();
        }
        for p in 16..PHYS_LANES {
            self.l5[p].next = self.l4[p].val() + self.l4[p - 16].val();
            if self.l5[p].val() < self.l4[p].val() {
                self.l5[p].next = self.seven.val();
            }
        }
        for p in 0..PHYS_LANES {
            self.l6[p].next = self.l5[p].val();
        }
        for p in 32..PHYS_LANES {
            self.l6[p].next = self.l5[p].val() + self.l5[p - 32].val();
            if self.l6[p].val() < self.l5[p].val() {
                self.l6[p].next = self.seven.val();
            }
        }
        for p in 0..PHYS_LANES {
            self.l7[p].next = self.l6[p].val();
        }
        for p in 64..PHYS_LANES {
            self.l7[p].next = self.l6[p].val() + self.l6[p - 64].val();
            if self.l7[p].val() < self.l6[p].val() {
                self.l7[p].next = self.seven.val();
            }
        }
        self.below[0].next = self.zero3.val();
        for p in 1..PHYS_LANES {
            self.below[p].next = self.l7[p - 1].val();
        }
        // The last lane's window is every lane (kernels index only with
        // loop variables: the last assignment wins).
        self.total.next = self.zero3.val();
        for p in 0..PHYS_LANES {
            self.total.next = self.l7[p].val();
        }
    }
}

/// The shift masks, registered: `good` is the next value of the latched
/// good-lane vector, so the masks match the latched vector in every clock.
#[derive(LogicBlock)]
pub struct SpareMap {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub good: Signal<In, Bits<PHYS_LANES>>,
    pub sel: [Signal<Out, Bits<PHYS_BITS>>; SHIFTS],
    count: BrokenBelow,
    sel_r: [Reg<Bits<PHYS_BITS>>; SHIFTS],
    lane_mask: [Constant<Bits<PHYS_BITS>>; PHYS_LANES],
    shift: [Constant<Bits<3>>; SHIFTS],
    /// Lanes taken as good whatever `good` says (none; a mutant's lane 0).
    assume_good: Constant<Bits<PHYS_LANES>>,
    counted: Signal<Local, Bits<PHYS_LANES>>,
    zero: Constant<Bits<PHYS_BITS>>,
}

impl Default for SpareMap {
    fn default() -> Self {
        Self::new(Mutation::None)
    }
}

impl SpareMap {
    pub fn new(mutation: Mutation) -> Self {
        const { assert!(PHYS_LANES < 128 && LANE_BITS < 64 && SHIFTS < 7) };
        let assume_good = match mutation {
            Mutation::SpareRemapIgnoresLane0 => 1u64,
            _ => 0,
        };
        let ones = Bits::<PHYS_BITS>::from((1u64 << LANE_BITS) - 1);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            good: Default::default(),
            sel: std::array::from_fn(|_| Default::default()),
            count: BrokenBelow::default(),
            sel_r: std::array::from_fn(|_| Reg::default()),
            lane_mask: std::array::from_fn(|p| Constant::new(ones << (LANE_BITS * p) as u64)),
            shift: std::array::from_fn(|s| Constant::new((s as u64).into())),
            assume_good: Constant::new(assume_good.into()),
            counted: Default::default(),
            zero: Constant::new(Bits::default()),
        }
    }
}

impl Logic for SpareMap {
    #[hdl_gen]
    fn update(&mut self) {
        for s in 0..SHIFTS {
            self.sel_r[s].clock.next = self.clock.val();
            self.sel_r[s].reset.next = self.reset.val();
        }
        self.counted.next = self.good.val() | self.assume_good.val();
        self.count.good.next = self.counted.val();
        for s in 0..SHIFTS {
            self.sel_r[s].d.next = self.zero.val();
            for p in 0..PHYS_LANES {
                if self.counted.val().get_bit(p)
                    & (self.count.below[p].val() == self.shift[s].val())
                {
                    self.sel_r[s].d.next = self.sel_r[s].d.val() | self.lane_mask[p].val();
                }
            }
            self.sel[s].next = self.sel_r[s].q.val();
        }
    }
}

#[derive(LogicBlock)]
pub struct SpareCheck {
    pub good: Signal<In, Bits<PHYS_LANES>>,
    /// More lanes broken than there are spares.
    pub fail: Signal<Out, Bit>,
    count: BrokenBelow,
    spares: Constant<Bits<3>>,
}

impl Default for SpareCheck {
    fn default() -> Self {
        const { assert!(SPARES < 7) };
        Self {
            good: Default::default(),
            fail: Default::default(),
            count: BrokenBelow::default(),
            spares: Constant::new((SPARES as u64).into()),
        }
    }
}

impl Logic for SpareCheck {
    #[hdl_gen]
    fn update(&mut self) {
        self.count.good.next = self.good.val();
        self.fail.next = self.count.total.val() > self.spares.val();
    }
}
