//! The sideband: a one-wire, one-bit-per-clock message channel per
//! direction, used by training. A frame is a start bit (0), the `M` message
//! bits (bit 0 first), even parity over them and an end bit (0): `M + 3`
//! clocks; the line idles at 1. The transmitter repeats `send` frame after
//! frame, each followed by as many idle clocks as the frame is long; the
//! receiver keeps the last frame that arrived with a good start, parity and
//! end bit.
//!
//! Two rules keep anything but a whole frame from being received:
//! - the end bit is a 0, unlike the idle line, and a transmitter leaves
//!   reset with an idle gap, not a start bit: a frame cut short because the
//!   partner's transmitter was reset mid-frame (as a link self-test does to
//!   the host's PHY) is followed by at least a gap of 1s, so its end bit
//!   reads 1 and it is refused, however short the reset. With a 1 end bit, a
//!   start bit followed by the idle line read as message `11111` with good
//!   parity, that is TRAINERROR (a self-test run saw exactly that);
//! - a receiver that starts mid-frame (its die left reset while the partner
//!   was sending) may take a 0 inside a frame for a start bit, but the end
//!   bit of such a frame falls in the idle gap (a 0 at frame position `i`,
//!   1 <= i <= M + 2, puts it at `i + M + 2`, inside the `M + 3` idle bits
//!   after the frame): refused, and the receiver hunts again and meets the
//!   next true start bit.
//!
//! The standard package sends a 5-bit message (state and lane mode), the
//! advanced package 71 bits (state and the 68-lane map its receiver found);
//! see `protocol.rs`.

use crate::primitives::Reg;
use rust_hdl::prelude::*;

/// Clocks of one frame carrying an `m`-bit message.
pub const fn frame_bits(m: usize) -> usize {
    m + 3
}

/// Clocks from one frame's start to the next: the frame and its idle gap.
pub const fn frame_period(m: usize) -> usize {
    2 * frame_bits(m)
}

#[derive(LogicBlock)]
pub struct Sideband<const M: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Message to send (taken at each frame start).
    pub send: Signal<In, Bits<M>>,
    pub sb_out: Signal<Out, Bit>,
    pub sb_in: Signal<In, Bit>,
    /// Last good message received.
    pub recv: Signal<Out, Bits<M>>,
    /// A good message has arrived since reset.
    pub recv_valid: Signal<Out, Bit>,
    tx_bit: Reg<Bits<8>>,
    tx_msg: Reg<Bits<M>>,
    line: Reg<Bit>,
    rx_bit: Reg<Bits<8>>,
    rx_acc: Reg<Bits<M>>,
    rx_parity: Reg<Bit>,
    rx_msg: Reg<Bits<M>>,
    rx_valid: Reg<Bit>,
    tx_parity: Signal<Local, Bit>,
    zero: Constant<Bits<8>>,
    one: Constant<Bits<8>>,
    parity_bit: Constant<Bits<8>>,
    end_bit: Constant<Bits<8>>,
    last_bit: Constant<Bits<8>>,
    msg_bit0: Constant<Bits<M>>,
    msg_zero: Constant<Bits<M>>,
}

impl<const M: usize> Default for Sideband<M> {
    fn default() -> Self {
        // The frame is counted by an 8-bit counter.
        const { assert!(M >= 1 && frame_period(M) <= 256) };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            send: Default::default(),
            sb_out: Default::default(),
            sb_in: Default::default(),
            recv: Default::default(),
            recv_valid: Default::default(),
            // Out of reset in the idle gap (see the module comment).
            tx_bit: Reg::new((frame_bits(M) as u64).into()),
            tx_msg: Reg::default(),
            line: Reg::new(true),
            rx_bit: Reg::default(),
            rx_acc: Reg::default(),
            rx_parity: Reg::default(),
            rx_msg: Reg::default(),
            rx_valid: Reg::default(),
            tx_parity: Default::default(),
            zero: Constant::new(0u64.into()),
            one: Constant::new(1u64.into()),
            parity_bit: Constant::new((M as u64 + 1).into()),
            end_bit: Constant::new((M as u64 + 2).into()),
            last_bit: Constant::new((frame_period(M) as u64 - 1).into()),
            msg_bit0: Constant::new(1u64.into()),
            msg_zero: Constant::new(0u64.into()),
        }
    }
}

impl<const M: usize> Logic for Sideband<M> {
    #[hdl_gen]
    fn update(&mut self) {
        self.tx_bit.clock.next = self.clock.val();
        self.tx_bit.reset.next = self.reset.val();
        self.tx_msg.clock.next = self.clock.val();
        self.tx_msg.reset.next = self.reset.val();
        self.line.clock.next = self.clock.val();
        self.line.reset.next = self.reset.val();
        self.rx_bit.clock.next = self.clock.val();
        self.rx_bit.reset.next = self.reset.val();
        self.rx_acc.clock.next = self.clock.val();
        self.rx_acc.reset.next = self.reset.val();
        self.rx_parity.clock.next = self.clock.val();
        self.rx_parity.reset.next = self.reset.val();
        self.rx_msg.clock.next = self.clock.val();
        self.rx_msg.reset.next = self.reset.val();
        self.rx_valid.clock.next = self.clock.val();
        self.rx_valid.reset.next = self.reset.val();

        // Transmit: bit 0 start, 1..=M message, M+1 parity, M+2 end, then
        // idle to the period's end; the line is registered.
        self.tx_parity.next = false;
        for i in 0..M {
            self.tx_parity.next = self.tx_parity.val() ^ self.tx_msg.q.val().get_bit(i);
        }
        self.tx_bit.d.next = self.tx_bit.q.val() + self.one.val();
        self.tx_msg.d.next = self.tx_msg.q.val();
        self.line.d.next = true;
        if self.tx_bit.q.val() == self.zero.val() {
            self.tx_msg.d.next = self.send.val();
            self.line.d.next = false;
        } else if self.tx_bit.q.val() == self.parity_bit.val() {
            self.line.d.next = self.tx_parity.val();
        } else if self.tx_bit.q.val() >= self.end_bit.val() {
            if self.tx_bit.q.val() == self.end_bit.val() {
                self.line.d.next = false;
            }
            if self.tx_bit.q.val() == self.last_bit.val() {
                self.tx_bit.d.next = self.zero.val();
            }
        } else {
            self.line.d.next = ((self.tx_msg.q.val() >> (self.tx_bit.q.val() - self.one.val()))
                & self.msg_bit0.val())
                != self.msg_zero.val();
        }
        self.sb_out.next = self.line.q.val();

        // Receive: hunt for a start bit, then collect the message bits and
        // the parity; keep the frame if its parity and end bit are right.
        self.rx_bit.d.next = self.rx_bit.q.val();
        self.rx_acc.d.next = self.rx_acc.q.val();
        self.rx_parity.d.next = self.rx_parity.q.val();
        self.rx_msg.d.next = self.rx_msg.q.val();
        self.rx_valid.d.next = self.rx_valid.q.val();
        if self.rx_bit.q.val() == self.zero.val() {
            if !self.sb_in.val() {
                self.rx_bit.d.next = self.one.val();
                self.rx_acc.d.next = self.msg_zero.val();
                self.rx_parity.d.next = false;
            }
        } else if self.rx_bit.q.val() == self.end_bit.val() {
            self.rx_bit.d.next = self.zero.val();
            if !self.sb_in.val() & !self.rx_parity.q.val() {
                self.rx_msg.d.next = self.rx_acc.q.val();
                self.rx_valid.d.next = true;
            }
        } else {
            self.rx_bit.d.next = self.rx_bit.q.val() + self.one.val();
            if self.sb_in.val() {
                self.rx_parity.d.next = !self.rx_parity.q.val();
                if self.rx_bit.q.val() != self.parity_bit.val() {
                    self.rx_acc.d.next = self.rx_acc.q.val()
                        | (self.msg_bit0.val() << (self.rx_bit.q.val() - self.one.val()));
                }
            }
        }
        self.recv.next = self.rx_msg.q.val();
        self.recv_valid.next = self.rx_valid.q.val();
    }
}

crate::port_access!(generic [const M: usize] Sideband<M> {
    inputs: [clock, reset, send, sb_in],
    outputs: [sb_out, recv, recv_valid]
});
