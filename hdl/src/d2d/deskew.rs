//! Lane deskew for a 16-lane module: each lane's byte stream is delayed by
//! its own programmable number of core clocks (0..=15), so lanes that the
//! package delays differently line up again. Training measures each lane's
//! arrival and programs `delays` with (latest arrival - this lane's).
//!
//! Lane `l` occupies bits `8l .. 8l+7` of `lanes_in` / `lanes_out`; its
//! delay is bits `4l .. 4l+3` of `delays`. Delay 0 passes the lane through
//! in the same cycle.

use crate::primitives::Reg;
use rust_hdl::prelude::*;

pub const DESKEW_LANES: usize = 16;
/// Largest skew the block absorbs, in core clocks.
pub const DESKEW_MAX: usize = 15;
/// Delay settings 0 ..= DESKEW_MAX.
const SETTINGS: usize = DESKEW_MAX + 1;

/// The delay line holds all lanes together: stage `k` is `lanes_in` of
/// `k + 1` clocks ago; each output lane takes its byte from the stage its
/// delay names, through a per-delay lane mask (so every signal keeps the
/// full 128-bit width).
#[derive(LogicBlock)]
pub struct Deskew {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub lanes_in: Signal<In, Bits<128>>,
    pub delays: Signal<In, Bits<64>>,
    pub lanes_out: Signal<Out, Bits<128>>,
    stage: [Reg<Bits<128>>; DESKEW_MAX],
    /// `mask[k]`: the bytes of the lanes whose delay is `k`.
    mask: [Signal<Local, Bits<128>>; SETTINGS],
    lane_mask: [Constant<Bits<128>>; DESKEW_LANES],
    zero: Constant<Bits<128>>,
}

impl Default for Deskew {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            lanes_in: Default::default(),
            delays: Default::default(),
            lanes_out: Default::default(),
            stage: std::array::from_fn(|_| Reg::default()),
            mask: Default::default(),
            lane_mask: std::array::from_fn(|l| {
                Constant::new(Bits::<128>::from(0xffu64) << (8 * l as u64))
            }),
            zero: Constant::new(Bits::<128>::default()),
        }
    }
}

impl Logic for Deskew {
    #[hdl_gen]
    fn update(&mut self) {
        for k in 0..DESKEW_MAX {
            self.stage[k].clock.next = self.clock.val();
            self.stage[k].reset.next = self.reset.val();
        }
        self.stage[0].d.next = self.lanes_in.val();
        for k in 1..DESKEW_MAX {
            self.stage[k].d.next = self.stage[k - 1].q.val();
        }
        for k in 0..SETTINGS {
            self.mask[k].next = self.zero.val();
            for l in 0..DESKEW_LANES {
                if self.delays.val().get_bits::<4>(4 * l).index() == k {
                    self.mask[k].next = self.mask[k].val() | self.lane_mask[l].val();
                }
            }
        }
        self.lanes_out.next = self.lanes_in.val() & self.mask[0].val();
        for k in 1..SETTINGS {
            self.lanes_out.next =
                self.lanes_out.val() | (self.stage[k - 1].q.val() & self.mask[k].val());
        }
    }
}
