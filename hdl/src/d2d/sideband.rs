//! The sideband: a one-wire, one-bit-per-clock message channel per
//! direction, used by training (see `protocol.rs` for the frame). The
//! transmitter repeats `send` frame after frame; the receiver keeps the last
//! frame that arrived with a good start, parity and stop bit.

use super::protocol::{SB_FRAME_BITS, SB_MESSAGE_BITS};
use crate::primitives::Reg;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Sideband {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Message to send (taken at each frame start).
    pub send: Signal<In, Bits<SB_MESSAGE_BITS>>,
    pub sb_out: Signal<Out, Bit>,
    pub sb_in: Signal<In, Bit>,
    /// Last good message received.
    pub recv: Signal<Out, Bits<SB_MESSAGE_BITS>>,
    /// A good message has arrived since reset.
    pub recv_valid: Signal<Out, Bit>,
    tx_bit: Reg<Bits<3>>,
    tx_msg: Reg<Bits<SB_MESSAGE_BITS>>,
    line: Reg<Bit>,
    rx_bit: Reg<Bits<3>>,
    rx_shift: Reg<Bits<7>>,
    rx_msg: Reg<Bits<SB_MESSAGE_BITS>>,
    rx_valid: Reg<Bit>,
    shifted: Signal<Local, Bits<7>>,
    parity: Signal<Local, Bit>,
    zero: Constant<Bits<3>>,
    msg_bit0: Constant<Bits<SB_MESSAGE_BITS>>,
    msg_zero: Constant<Bits<SB_MESSAGE_BITS>>,
    one: Constant<Bits<3>>,
    last_bit: Constant<Bits<3>>,
    parity_bit: Constant<Bits<3>>,
    stop_bit: Constant<Bits<3>>,
    top_bit: Constant<Bits<7>>,
}

impl Default for Sideband {
    fn default() -> Self {
        // The frame is counted by a 3-bit counter.
        const { assert!(SB_FRAME_BITS == 8) };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            send: Default::default(),
            sb_out: Default::default(),
            sb_in: Default::default(),
            recv: Default::default(),
            recv_valid: Default::default(),
            tx_bit: Reg::default(),
            tx_msg: Reg::default(),
            line: Reg::new(true),
            rx_bit: Reg::default(),
            rx_shift: Reg::default(),
            rx_msg: Reg::default(),
            rx_valid: Reg::default(),
            shifted: Default::default(),
            parity: Default::default(),
            zero: Constant::new(0u64.into()),
            msg_bit0: Constant::new(1u64.into()),
            msg_zero: Constant::new(0u64.into()),
            one: Constant::new(1u64.into()),
            last_bit: Constant::new(7u64.into()),
            parity_bit: Constant::new(6u64.into()),
            stop_bit: Constant::new(7u64.into()),
            top_bit: Constant::new(0x40u64.into()),
        }
    }
}

impl Logic for Sideband {
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
        self.rx_shift.clock.next = self.clock.val();
        self.rx_shift.reset.next = self.reset.val();
        self.rx_msg.clock.next = self.clock.val();
        self.rx_msg.reset.next = self.reset.val();
        self.rx_valid.clock.next = self.clock.val();
        self.rx_valid.reset.next = self.reset.val();

        // Transmit: bit 0 start, 1..5 message, 6 parity, 7 stop; the line
        // is registered.
        self.tx_bit.d.next = self.tx_bit.q.val() + self.one.val();
        self.tx_msg.d.next = self.tx_msg.q.val();
        self.line.d.next = true;
        if self.tx_bit.q.val() == self.zero.val() {
            self.tx_msg.d.next = self.send.val();
            self.line.d.next = false;
        } else if self.tx_bit.q.val() == self.parity_bit.val() {
            self.line.d.next = self.tx_msg.q.val().get_bit(0)
                ^ self.tx_msg.q.val().get_bit(1)
                ^ self.tx_msg.q.val().get_bit(2)
                ^ self.tx_msg.q.val().get_bit(3)
                ^ self.tx_msg.q.val().get_bit(4);
        } else if self.tx_bit.q.val() != self.stop_bit.val() {
            self.line.d.next = ((self.tx_msg.q.val() >> (self.tx_bit.q.val() - self.one.val()))
                & self.msg_bit0.val())
                != self.msg_zero.val();
        }
        self.sb_out.next = self.line.q.val();

        // Receive: hunt for a start bit, then shift in seven bits (message,
        // parity, stop), first bit ending up in bit 0.
        self.shifted.next = self.rx_shift.q.val() >> 1;
        if self.sb_in.val() {
            self.shifted.next = self.shifted.val() | self.top_bit.val();
        }
        self.parity.next = self.shifted.val().get_bit(0)
            ^ self.shifted.val().get_bit(1)
            ^ self.shifted.val().get_bit(2)
            ^ self.shifted.val().get_bit(3)
            ^ self.shifted.val().get_bit(4)
            ^ self.shifted.val().get_bit(5);
        self.rx_shift.d.next = self.rx_shift.q.val();
        self.rx_bit.d.next = self.rx_bit.q.val();
        self.rx_msg.d.next = self.rx_msg.q.val();
        self.rx_valid.d.next = self.rx_valid.q.val();
        if self.rx_bit.q.val() == self.zero.val() {
            if !self.sb_in.val() {
                self.rx_bit.d.next = self.one.val();
            }
        } else {
            self.rx_shift.d.next = self.shifted.val();
            self.rx_bit.d.next = self.rx_bit.q.val() + self.one.val();
            // Keep the frame if its stop bit and parity are right.
            if (self.rx_bit.q.val() == self.last_bit.val())
                & self.shifted.val().get_bit(6)
                & !self.parity.val()
            {
                self.rx_msg.d.next = self.shifted.val().get_bits::<SB_MESSAGE_BITS>(0);
                self.rx_valid.d.next = true;
            }
        }
        self.recv.next = self.rx_msg.q.val();
        self.recv_valid.next = self.rx_valid.q.val();
    }
}
