//! Lane deskew: each of `L` lanes' bit streams is delayed by its own
//! programmable number of core clocks (0..=15), so lanes that the package
//! delays differently line up again. Training measures each lane's arrival
//! and programs `delays[l]` with (latest arrival - lane `l`'s).
//!
//! Lane `l` occupies bits `B*l .. B*l+B-1` of `lanes_in` / `lanes_out`
//! (`B = W / L` bits per lane per clock). Delay 0 passes the lane through
//! in the same cycle. `W` is a separate parameter because const generics
//! cannot multiply.

use crate::primitives::Reg;
use rust_hdl::prelude::*;

/// Largest skew the block absorbs, in core clocks.
pub const DESKEW_MAX: usize = 15;
/// Delay settings 0 ..= DESKEW_MAX.
const SETTINGS: usize = DESKEW_MAX + 1;

/// Lanes of the stand-alone catalog block (a standard-package module).
pub const DESKEW_LANES: usize = 16;

/// The delay line holds all lanes together: stage `k` is `lanes_in` of
/// `k + 1` clocks ago; each output lane takes its bits from the stage its
/// delay names, through a per-delay lane mask (so every signal keeps the
/// full width).
#[derive(LogicBlock)]
pub struct Deskew<const L: usize, const W: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub lanes_in: Signal<In, Bits<W>>,
    pub delays: [Signal<In, Bits<4>>; L],
    pub lanes_out: Signal<Out, Bits<W>>,
    stage: [Reg<Bits<W>>; DESKEW_MAX],
    /// `mask[k]`: the bits of the lanes whose delay is `k`.
    mask: [Signal<Local, Bits<W>>; SETTINGS],
    lane_mask: [Constant<Bits<W>>; L],
    zero: Constant<Bits<W>>,
}

impl<const L: usize, const W: usize> Default for Deskew<L, W> {
    fn default() -> Self {
        const { assert!(L > 0 && W.is_multiple_of(L) && W / L <= 64) };
        let b = W / L;
        let ones = Bits::<W>::from(if b == 64 { u64::MAX } else { (1u64 << b) - 1 });
        Self {
            clock: Default::default(),
            reset: Default::default(),
            lanes_in: Default::default(),
            delays: std::array::from_fn(|_| Default::default()),
            lanes_out: Default::default(),
            stage: std::array::from_fn(|_| Reg::default()),
            mask: std::array::from_fn(|_| Default::default()),
            lane_mask: std::array::from_fn(|l| Constant::new(ones << (b * l) as u64)),
            zero: Constant::new(Bits::<W>::default()),
        }
    }
}

impl<const L: usize, const W: usize> Logic for Deskew<L, W> {
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
            for l in 0..L {
                if self.delays[l].val().index() == k {
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

/// The stand-alone catalog block: 16 lanes x 8 bits, the delays packed
/// 4 bits per lane (lane `l` at bits `4l ..`) on one port.
#[derive(LogicBlock, Default)]
pub struct DeskewBlock {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub lanes_in: Signal<In, Bits<128>>,
    pub delays: Signal<In, Bits<64>>,
    pub lanes_out: Signal<Out, Bits<128>>,
    deskew: Deskew<DESKEW_LANES, 128>,
}

impl Logic for DeskewBlock {
    #[hdl_gen]
    fn update(&mut self) {
        self.deskew.clock.next = self.clock.val();
        self.deskew.reset.next = self.reset.val();
        self.deskew.lanes_in.next = self.lanes_in.val();
        for l in 0..DESKEW_LANES {
            self.deskew.delays[l].next = self.delays.val().get_bits::<4>(4 * l);
        }
        self.lanes_out.next = self.deskew.lanes_out.val();
    }
}
