//! The link training state machine (see `protocol.rs` for the states), the
//! same for both packages. The package around it says what training found
//! (`rx_fail`: this die's receiver cannot use the lanes) and what the
//! partner reported (`partner_fail`); it latches its receiver's lane
//! results on `latch_rx` and the partner's on `latch_tx`.

use super::protocol::*;
use crate::primitives::Reg;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Ltsm {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// The partner's state as last heard on the sideband (RESET until a
    /// good message has arrived).
    pub partner: Signal<In, Bits<3>>,
    /// The lane trainer has finished measuring.
    pub trained: Signal<In, Bit>,
    /// This die's receiver cannot run on the lanes found good (read in
    /// LINKINIT, after `latch_rx`).
    pub rx_fail: Signal<In, Bit>,
    /// The partner's report says it cannot receive (read with `latch_tx`).
    pub partner_fail: Signal<In, Bit>,
    /// The link layer or the start-of-data hunt asks for a retrain.
    pub link_retrain: Signal<In, Bit>,
    pub state: Signal<Out, Bits<3>>,
    /// Measure the training pattern (this die in MBTRAIN and the partner
    /// sending it).
    pub measure: Signal<Out, Bit>,
    /// Send the training pattern.
    pub pattern: Signal<Out, Bit>,
    /// Take the trainer's results now.
    pub latch_rx: Signal<Out, Bit>,
    /// Take the partner's report now.
    pub latch_tx: Signal<Out, Bit>,
    pub active: Signal<Out, Bit>,
    pub retrains: Signal<Out, Bits<16>>,
    ltsm: Reg<Bits<3>>,
    retrain_count: Reg<Bits<16>>,
    partner_training: Signal<Local, Bit>,
    go_retrain: Signal<Local, Bit>,
    st_reset: Constant<Bits<3>>,
    st_retrain: Constant<Bits<3>>,
    st_sbinit: Constant<Bits<3>>,
    st_mbinit: Constant<Bits<3>>,
    st_mbtrain: Constant<Bits<3>>,
    st_linkinit: Constant<Bits<3>>,
    st_active: Constant<Bits<3>>,
    st_error: Constant<Bits<3>>,
    one16: Constant<Bits<16>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for Ltsm {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            partner: Default::default(),
            trained: Default::default(),
            rx_fail: Default::default(),
            partner_fail: Default::default(),
            link_retrain: Default::default(),
            state: Default::default(),
            measure: Default::default(),
            pattern: Default::default(),
            latch_rx: Default::default(),
            latch_tx: Default::default(),
            active: Default::default(),
            retrains: Default::default(),
            ltsm: Reg::default(),
            retrain_count: Reg::default(),
            partner_training: Default::default(),
            go_retrain: Default::default(),
            st_reset: k(state::RESET),
            st_retrain: k(state::RETRAIN),
            st_sbinit: k(state::SBINIT),
            st_mbinit: k(state::MBINIT),
            st_mbtrain: k(state::MBTRAIN),
            st_linkinit: k(state::LINKINIT),
            st_active: k(state::ACTIVE),
            st_error: k(state::TRAINERROR),
            one16: k(1),
        }
    }
}

impl Logic for Ltsm {
    #[hdl_gen]
    fn update(&mut self) {
        self.ltsm.clock.next = self.clock.val();
        self.ltsm.reset.next = self.reset.val();
        self.retrain_count.clock.next = self.clock.val();
        self.retrain_count.reset.next = self.reset.val();

        self.partner_training.next = (self.partner.val() >= self.st_mbtrain.val())
            & (self.partner.val() <= self.st_linkinit.val());
        self.measure.next =
            (self.ltsm.q.val() == self.st_mbtrain.val()) & self.partner_training.val();
        self.pattern.next = (self.ltsm.q.val() == self.st_mbtrain.val())
            | (self.ltsm.q.val() == self.st_linkinit.val());
        self.active.next = self.ltsm.q.val() == self.st_active.val();
        self.latch_rx.next = (self.ltsm.q.val() == self.st_mbtrain.val()) & self.trained.val();
        self.latch_tx.next = (self.ltsm.q.val() == self.st_linkinit.val())
            & !self.rx_fail.val()
            & ((self.partner.val() == self.st_linkinit.val())
                | (self.partner.val() == self.st_active.val()));
        self.go_retrain.next =
            self.link_retrain.val() | (self.partner.val() == self.st_retrain.val());

        self.ltsm.d.next = self.ltsm.q.val();
        self.retrain_count.d.next = self.retrain_count.q.val();
        if self.ltsm.q.val() == self.st_reset.val() {
            self.ltsm.d.next = self.st_sbinit.val();
        } else if self.ltsm.q.val() == self.st_sbinit.val() {
            if (self.partner.val() >= self.st_sbinit.val())
                & (self.partner.val() <= self.st_linkinit.val())
            {
                self.ltsm.d.next = self.st_mbinit.val();
            }
        } else if self.ltsm.q.val() == self.st_mbinit.val() {
            if (self.partner.val() >= self.st_mbinit.val())
                & (self.partner.val() <= self.st_linkinit.val())
            {
                self.ltsm.d.next = self.st_mbtrain.val();
            }
        } else if self.ltsm.q.val() == self.st_mbtrain.val() {
            if self.trained.val() {
                self.ltsm.d.next = self.st_linkinit.val();
            }
        } else if self.ltsm.q.val() == self.st_linkinit.val() {
            if self.rx_fail.val() {
                self.ltsm.d.next = self.st_error.val();
            } else if self.latch_tx.val() {
                self.ltsm.d.next = self.st_active.val();
                if self.partner_fail.val() {
                    self.ltsm.d.next = self.st_error.val();
                }
            }
        } else if self.ltsm.q.val() == self.st_active.val() {
            if self.go_retrain.val() {
                self.ltsm.d.next = self.st_retrain.val();
                self.retrain_count.d.next = self.retrain_count.q.val() + self.one16.val();
            }
        } else if (self.ltsm.q.val() == self.st_retrain.val())
            & ((self.partner.val() == self.st_retrain.val())
                | (self.partner.val() == self.st_mbtrain.val()))
        {
            // Both dies have left ACTIVE: train again.
            self.ltsm.d.next = self.st_mbtrain.val();
        }
        if self.partner.val() == self.st_error.val() {
            self.ltsm.d.next = self.st_error.val();
        }
        if self.ltsm.q.val() == self.st_error.val() {
            self.ltsm.d.next = self.st_error.val();
        }
        self.state.next = self.ltsm.q.val();
        self.retrains.next = self.retrain_count.q.val();
    }
}
