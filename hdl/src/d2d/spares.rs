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

use super::advanced::{LANE_BITS, PHYS_BITS, PHYS_LANES, SPARES};
use super::protocol::Mutation;
use rust_hdl::prelude::*;

/// Shifts 0 ..= SPARES.
pub const SHIFTS: usize = SPARES + 1;

#[derive(LogicBlock)]
pub struct SpareMap {
    pub good: Signal<In, Bits<PHYS_LANES>>,
    pub sel: [Signal<Out, Bits<PHYS_BITS>>; SHIFTS],
    /// Broken lanes below physical lane `p` (saturating well above SPARES).
    below: [Signal<Local, Bits<7>>; PHYS_LANES],
    lane_mask: [Constant<Bits<PHYS_BITS>>; PHYS_LANES],
    shift: [Constant<Bits<7>>; SHIFTS],
    /// Lanes taken as good whatever `good` says (none; a mutant's lane 0).
    assume_good: Constant<Bits<PHYS_LANES>>,
    counted: Signal<Local, Bits<PHYS_LANES>>,
    zero: Constant<Bits<PHYS_BITS>>,
    zero7: Constant<Bits<7>>,
    one7: Constant<Bits<7>>,
}

impl Default for SpareMap {
    fn default() -> Self {
        Self::new(Mutation::None)
    }
}

impl SpareMap {
    pub fn new(mutation: Mutation) -> Self {
        const { assert!(PHYS_LANES < 128 && LANE_BITS < 64) };
        let assume_good = match mutation {
            Mutation::SpareRemapIgnoresLane0 => 1u64,
            _ => 0,
        };
        let ones = Bits::<PHYS_BITS>::from((1u64 << LANE_BITS) - 1);
        Self {
            good: Default::default(),
            sel: std::array::from_fn(|_| Default::default()),
            below: std::array::from_fn(|_| Default::default()),
            lane_mask: std::array::from_fn(|p| Constant::new(ones << (LANE_BITS * p) as u64)),
            shift: std::array::from_fn(|s| Constant::new((s as u64).into())),
            assume_good: Constant::new(assume_good.into()),
            counted: Default::default(),
            zero: Constant::new(Bits::default()),
            zero7: Constant::new(0u64.into()),
            one7: Constant::new(1u64.into()),
        }
    }
}

impl Logic for SpareMap {
    #[hdl_gen]
    fn update(&mut self) {
        self.counted.next = self.good.val() | self.assume_good.val();
        self.below[0].next = self.zero7.val();
        for p in 1..PHYS_LANES {
            self.below[p].next = self.below[p - 1].val();
            if !self.counted.val().get_bit(p - 1) {
                self.below[p].next = self.below[p - 1].val() + self.one7.val();
            }
        }
        for s in 0..SHIFTS {
            self.sel[s].next = self.zero.val();
            for p in 0..PHYS_LANES {
                if self.counted.val().get_bit(p) & (self.below[p].val() == self.shift[s].val()) {
                    self.sel[s].next = self.sel[s].val() | self.lane_mask[p].val();
                }
            }
        }
    }
}

#[derive(LogicBlock)]
pub struct SpareCheck {
    pub good: Signal<In, Bits<PHYS_LANES>>,
    /// More lanes broken than there are spares.
    pub fail: Signal<Out, Bit>,
    broken: Signal<Local, Bits<7>>,
    spares: Constant<Bits<7>>,
    zero7: Constant<Bits<7>>,
    one7: Constant<Bits<7>>,
}

impl Default for SpareCheck {
    fn default() -> Self {
        Self {
            good: Default::default(),
            fail: Default::default(),
            broken: Default::default(),
            spares: Constant::new((SPARES as u64).into()),
            zero7: Constant::new(0u64.into()),
            one7: Constant::new(1u64.into()),
        }
    }
}

impl Logic for SpareCheck {
    #[hdl_gen]
    fn update(&mut self) {
        self.broken.next = self.zero7.val();
        for p in 0..PHYS_LANES {
            if !self.good.val().get_bit(p) {
                self.broken.next = self.broken.val() + self.one7.val();
            }
        }
        self.fail.next = self.broken.val() > self.spares.val();
    }
}
