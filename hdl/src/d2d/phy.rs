//! The die-to-die PHY of one die: 16 main-band lanes each way, a sideband
//! wire each way, training, lane repair and the link layer. Two instances,
//! one per die, make a link (see `sim/src/d2d/bench.rs`).
//!
//! Transmit: `LinkTx` (replay buffer, framing, CRC) -> half-width gearbox
//! when degraded -> per-lane scrambler -> lane map -> registered lanes.
//! Receive: lanes -> `Deskew` (delays found by `LaneTrainer`) -> lane map
//! -> start-of-data hunt -> per-lane descrambler -> gearbox -> `LinkRx`.
//! The training state machine and its sideband exchange are described in
//! `protocol.rs`.
//!
//! Lane repair (standard package): training finds the broken lanes; with
//! any lane of one half broken the link runs on the other half (8 lanes,
//! 32 clocks per flit). A lane dying in traffic makes every flit fail its
//! CRC; after `RETRAIN_AFTER` in a row the link retrains, finds the lane
//! and degrades, and the replay buffer resends what was lost.

use super::deskew::Deskew;
use super::link_rx::LinkRx;
use super::link_tx::LinkTx;
use super::ltsm::Ltsm;
use super::protocol::*;
use super::sideband::Sideband;
use super::start_of_data::{every_byte, StartOfData};
use super::training::LaneTrainer;
use crate::primitives::{Gf2Matrix, LaneScrambler, Reg, XorNet, XorNet2, PCIE_GEN3_LANE0};
use rust_hdl::prelude::*;

/// 16 lanes x 23-bit LFSR.
pub const SCRAMBLER_STATE: usize = LANES * 23;
pub type PhyScrambler = LaneScrambler<SCRAMBLER_STATE, WORD_BITS>;

pub fn phy_scrambler() -> PhyScrambler {
    PhyScrambler::new(PCIE_GEN3_LANE0, LANES, LANE_SEED_OFFSET)
}

#[derive(LogicBlock)]
pub struct D2dPhy {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // User side: flit payloads in and out, 16 words each.
    pub tx_valid: Signal<In, Bit>,
    pub tx_word: Signal<In, Bits<WORD_BITS>>,
    pub tx_ready: Signal<Out, Bit>,
    pub rx_valid: Signal<Out, Bit>,
    pub rx_first: Signal<Out, Bit>,
    pub rx_word: Signal<Out, Bits<WORD_BITS>>,
    // Package side.
    pub lanes_out: Signal<Out, Bits<WORD_BITS>>,
    pub lanes_in: Signal<In, Bits<WORD_BITS>>,
    pub sb_out: Signal<Out, Bit>,
    pub sb_in: Signal<In, Bit>,
    // Status.
    pub state: Signal<Out, Bits<3>>,
    pub rx_mode: Signal<Out, Bits<2>>,
    pub tx_mode: Signal<Out, Bits<2>>,
    pub lanes_good: Signal<Out, Bits<LANES>>,
    pub crc_errors: Signal<Out, Bits<32>>,
    pub replays: Signal<Out, Bits<32>>,
    pub retrains: Signal<Out, Bits<16>>,
    /// A flit was received whole this clock; whether its CRC passed.
    pub rx_verdict: Signal<Out, Bit>,
    pub rx_crc_ok: Signal<Out, Bit>,
    sideband: Sideband<SB_MESSAGE_BITS>,
    ltsm: Ltsm,
    trainer: LaneTrainer<LANES, WORD_BITS>,
    deskew: Deskew<LANES, WORD_BITS>,
    sds: StartOfData,
    link_tx: LinkTx,
    link_rx: LinkRx,
    scrambler: PhyScrambler,
    descrambler: PhyScrambler,
    pack_message: XorNet2<3, 2, SB_MESSAGE_BITS>,
    pattern: XorNet<5, WORD_BITS>,
    rx_mode_r: Reg<Bits<2>>,
    tx_mode_r: Reg<Bits<2>>,
    delays: [Reg<Bits<4>>; LANES],
    good: Reg<Bits<LANES>>,
    lanes: Reg<Bits<WORD_BITS>>,
    pat_phase: Reg<Bits<5>>,
    tx_gear: Reg<Bit>,
    tx_hold: Reg<Bits<WORD_BITS>>,
    rx_gear: Reg<Bit>,
    rx_hold: Reg<Bits<WORD_BITS>>,
    pstate: Signal<Local, Bits<3>>,
    pmode: Signal<Local, Bits<2>>,
    train_mode: Signal<Local, Bits<2>>,
    tx_full: Signal<Local, Bit>,
    tx_data: Signal<Local, Bit>,
    tx_logical: Signal<Local, Bits<WORD_BITS>>,
    tx_physical: Signal<Local, Bits<WORD_BITS>>,
    rx_full: Signal<Local, Bit>,
    rx_data: Signal<Local, Bit>,
    rx_logical: Signal<Local, Bits<WORD_BITS>>,
    st_reset: Constant<Bits<3>>,
    st_linkinit: Constant<Bits<3>>,
    m_full: Constant<Bits<2>>,
    m_lower: Constant<Bits<2>>,
    m_upper: Constant<Bits<2>>,
    m_fail: Constant<Bits<2>>,
    all_lanes: Constant<Bits<LANES>>,
    lower_lanes: Constant<Bits<LANES>>,
    upper_lanes: Constant<Bits<LANES>>,
    mark_word: Constant<Bits<WORD_BITS>>,
    low_half: Constant<Bits<WORD_BITS>>,
    half_shift: Constant<Bits<8>>,
    zero_word: Constant<Bits<WORD_BITS>>,
    zero5: Constant<Bits<5>>,
    one5: Constant<Bits<5>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for D2dPhy {
    fn default() -> Self {
        Self::new(Mutation::None)
    }
}

impl D2dPhy {
    /// The PHY; `mutation` is `None` except for the teeth runs.
    pub fn new(mutation: Mutation) -> Self {
        const { assert!(LANES == 16 && HALF_LANES == 8 && LANE_BITS == 8 && SDS_MATCH <= HALF_LANES) };
        let w = WORD_BITS;
        let pattern_fields: Vec<(usize, usize, usize)> =
            (0..LANES).map(|l| (0, 8 * l, 5)).collect();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            tx_valid: Default::default(),
            tx_word: Default::default(),
            tx_ready: Default::default(),
            rx_valid: Default::default(),
            rx_first: Default::default(),
            rx_word: Default::default(),
            lanes_out: Default::default(),
            lanes_in: Default::default(),
            sb_out: Default::default(),
            sb_in: Default::default(),
            state: Default::default(),
            rx_mode: Default::default(),
            tx_mode: Default::default(),
            lanes_good: Default::default(),
            crc_errors: Default::default(),
            replays: Default::default(),
            retrains: Default::default(),
            rx_verdict: Default::default(),
            rx_crc_ok: Default::default(),
            sideband: Sideband::default(),
            ltsm: Ltsm::default(),
            trainer: LaneTrainer::new(TRAIN_MARK),
            deskew: Deskew::default(),
            sds: StartOfData::default(),
            link_tx: LinkTx::new(mutation),
            link_rx: LinkRx::new(mutation),
            scrambler: phy_scrambler(),
            descrambler: phy_scrambler(),
            pack_message: XorNet2::new(Gf2Matrix::placement(5, 5, &[(0, 0, 3), (3, 3, 2)])),
            pattern: XorNet::new(Gf2Matrix::placement(5, w, &pattern_fields)),
            rx_mode_r: Reg::default(),
            tx_mode_r: Reg::default(),
            delays: std::array::from_fn(|_| Reg::default()),
            good: Reg::default(),
            lanes: Reg::default(),
            pat_phase: Reg::default(),
            tx_gear: Reg::default(),
            tx_hold: Reg::default(),
            rx_gear: Reg::default(),
            rx_hold: Reg::default(),
            pstate: Default::default(),
            pmode: Default::default(),
            train_mode: Default::default(),
            tx_full: Default::default(),
            tx_data: Default::default(),
            tx_logical: Default::default(),
            tx_physical: Default::default(),
            rx_full: Default::default(),
            rx_data: Default::default(),
            rx_logical: Default::default(),
            st_reset: k(state::RESET),
            st_linkinit: k(state::LINKINIT),
            m_full: k(mode::FULL),
            m_lower: k(mode::LOWER),
            m_upper: k(mode::UPPER),
            m_fail: k(mode::FAIL),
            all_lanes: k(0xffff),
            lower_lanes: k(0x00ff),
            upper_lanes: k(0xff00),
            mark_word: Constant::new(every_byte(TRAIN_MARK)),
            low_half: Constant::new(Bits::<WORD_BITS>::from(u64::MAX)),
            half_shift: k(64),
            zero_word: k(0),
            zero5: k(0),
            one5: k(1),
        }
    }
}

impl Logic for D2dPhy {
    #[hdl_gen]
    fn update(&mut self) {
        self.sideband.clock.next = self.clock.val();
        self.sideband.reset.next = self.reset.val();
        self.ltsm.clock.next = self.clock.val();
        self.ltsm.reset.next = self.reset.val();
        self.trainer.clock.next = self.clock.val();
        self.trainer.reset.next = self.reset.val();
        self.deskew.clock.next = self.clock.val();
        self.deskew.reset.next = self.reset.val();
        self.sds.clock.next = self.clock.val();
        self.sds.reset.next = self.reset.val();
        self.link_tx.clock.next = self.clock.val();
        self.link_tx.reset.next = self.reset.val();
        self.link_rx.clock.next = self.clock.val();
        self.link_rx.reset.next = self.reset.val();
        self.scrambler.clock.next = self.clock.val();
        self.scrambler.reset.next = self.reset.val();
        self.descrambler.clock.next = self.clock.val();
        self.descrambler.reset.next = self.reset.val();
        self.rx_mode_r.clock.next = self.clock.val();
        self.rx_mode_r.reset.next = self.reset.val();
        self.tx_mode_r.clock.next = self.clock.val();
        self.tx_mode_r.reset.next = self.reset.val();
        for l in 0..LANES {
            self.delays[l].clock.next = self.clock.val();
            self.delays[l].reset.next = self.reset.val();
        }
        self.good.clock.next = self.clock.val();
        self.good.reset.next = self.reset.val();
        self.lanes.clock.next = self.clock.val();
        self.lanes.reset.next = self.reset.val();
        self.pat_phase.clock.next = self.clock.val();
        self.pat_phase.reset.next = self.reset.val();
        self.tx_gear.clock.next = self.clock.val();
        self.tx_gear.reset.next = self.reset.val();
        self.tx_hold.clock.next = self.clock.val();
        self.tx_hold.reset.next = self.reset.val();
        self.rx_gear.clock.next = self.clock.val();
        self.rx_gear.reset.next = self.reset.val();
        self.rx_hold.clock.next = self.clock.val();
        self.rx_hold.reset.next = self.reset.val();

        // Sideband: this die's state and its receiver's lane mode out; the
        // partner's in.
        self.pack_message.a.next = self.ltsm.state.val();
        self.pack_message.b.next = self.rx_mode_r.q.val();
        self.sideband.send.next = self.pack_message.y.val();
        self.sideband.sb_in.next = self.sb_in.val();
        self.sb_out.next = self.sideband.sb_out.val();
        self.pstate.next = self.sideband.recv.val().get_bits::<3>(0);
        self.pmode.next = self.sideband.recv.val().get_bits::<2>(3);
        if !self.sideband.recv_valid.val() {
            self.pstate.next = self.st_reset.val();
        }

        // ---- Transmit lanes.
        self.tx_full.next = self.tx_mode_r.q.val() == self.m_full.val();
        self.tx_data.next = self.sds.sending.val();
        self.link_tx.tx_valid.next = self.tx_valid.val();
        self.link_tx.tx_word.next = self.tx_word.val();
        self.tx_ready.next = self.link_tx.tx_ready.val();
        self.link_tx.restart.next = !self.tx_data.val();
        // Half width: a word is taken on the first of its two clocks (its
        // upper half waits in `tx_hold`), so the framer's state may move on
        // between the halves without splitting a word.
        self.link_tx.word_en.next =
            self.tx_data.val() & (self.tx_full.val() | !self.tx_gear.q.val());
        self.tx_logical.next = self.link_tx.word.val();
        self.tx_hold.d.next = self.link_tx.word.val() >> self.half_shift.val();
        if !self.tx_full.val() {
            if self.tx_gear.q.val() {
                self.tx_logical.next = self.tx_hold.q.val();
            } else {
                self.tx_logical.next = self.link_tx.word.val() & self.low_half.val();
            }
        }
        self.scrambler.data_in.next = self.tx_logical.val();
        self.scrambler.enable.next = self.tx_data.val();
        self.scrambler.reseed.next = !self.tx_data.val();
        self.sds.active.next = self.ltsm.active.val();
        self.sds.word_in.next = self.scrambler.data_out.val();
        self.tx_physical.next = self.sds.word_out.val();
        // Lane map: a degraded link uses one half.
        if !self.tx_full.val() {
            self.tx_physical.next = self.tx_physical.val() & self.low_half.val();
            if self.tx_mode_r.q.val() == self.m_upper.val() {
                self.tx_physical.next = self.tx_physical.val() << self.half_shift.val();
            }
        }
        self.pattern.a.next = self.pat_phase.q.val();
        self.lanes.d.next = self.zero_word.val();
        if self.ltsm.pattern.val() {
            self.lanes.d.next = self.pattern.y.val();
            if self.pat_phase.q.val() == self.zero5.val() {
                self.lanes.d.next = self.mark_word.val();
            }
        } else if self.ltsm.active.val() {
            self.lanes.d.next = self.tx_physical.val();
        }
        self.lanes_out.next = self.lanes.q.val();
        self.pat_phase.d.next = self.pat_phase.q.val() + self.one5.val();
        self.tx_gear.d.next = self.tx_data.val() & !self.tx_full.val() & !self.tx_gear.q.val();

        // ---- Receive lanes.
        self.trainer.lanes_in.next = self.lanes_in.val();
        self.trainer.measure.next = self.ltsm.measure.val();
        self.deskew.lanes_in.next = self.lanes_in.val();
        for l in 0..LANES {
            self.deskew.delays[l].next = self.delays[l].q.val();
        }
        self.rx_full.next = self.rx_mode_r.q.val() == self.m_full.val();
        self.rx_logical.next = self.deskew.lanes_out.val();
        if self.rx_mode_r.q.val() == self.m_upper.val() {
            self.rx_logical.next = self.deskew.lanes_out.val() >> self.half_shift.val();
        }
        if !self.rx_full.val() {
            self.rx_logical.next = self.rx_logical.val() & self.low_half.val();
        }
        // The receiver hunts from LINKINIT on: after a retrain the partner
        // may reach ACTIVE (and send its SDS) before this die does.
        self.sds.hunt.next =
            self.ltsm.active.val() | (self.ltsm.state.val() == self.st_linkinit.val());
        self.sds.rx_word.next = self.rx_logical.val().get_bits::<64>(0);
        self.rx_data.next = self.sds.data.val();
        self.descrambler.data_in.next = self.rx_logical.val();
        self.descrambler.enable.next = self.rx_data.val();
        self.descrambler.reseed.next = !self.rx_data.val();
        self.rx_gear.d.next = self.rx_data.val() & !self.rx_full.val() & !self.rx_gear.q.val();
        // Lanes 8..15 descramble nothing at half width: keep only lanes 0..7.
        self.rx_hold.d.next = self.descrambler.data_out.val() & self.low_half.val();
        self.link_rx.word.next = self.descrambler.data_out.val();
        self.link_rx.word_valid.next = self.rx_data.val();
        if !self.rx_full.val() {
            self.link_rx.word.next =
                self.rx_hold.q.val() | (self.descrambler.data_out.val() << self.half_shift.val());
            self.link_rx.word_valid.next = self.rx_data.val() & self.rx_gear.q.val();
        }
        self.link_rx.restart.next = !self.rx_data.val();
        self.rx_valid.next = self.link_rx.rx_valid.val();
        self.rx_first.next = self.link_rx.rx_first.val();
        self.rx_word.next = self.link_rx.rx_word.val();

        // The link layer's acknowledges cross between the two halves.
        self.link_tx.ack_valid.next = self.link_rx.ack_valid.val();
        self.link_tx.ack_seq.next = self.link_rx.ack_seq.val();
        self.link_tx.nak_in.next = self.link_rx.nak_in.val();
        self.link_tx.my_ack.next = self.link_rx.my_ack.val();
        self.link_tx.my_nak.next = self.link_rx.my_nak.val();
        self.link_rx.nak_sent.next = self.link_tx.nak_sent.val();

        // ---- Training: lane repair by degrading to a healthy half.
        self.train_mode.next = self.m_fail.val();
        if self.trainer.good.val() == self.all_lanes.val() {
            self.train_mode.next = self.m_full.val();
        } else if (self.trainer.good.val() & self.lower_lanes.val()) == self.lower_lanes.val() {
            self.train_mode.next = self.m_lower.val();
        } else if (self.trainer.good.val() & self.upper_lanes.val()) == self.upper_lanes.val() {
            self.train_mode.next = self.m_upper.val();
        }
        self.ltsm.partner.next = self.pstate.val();
        self.ltsm.trained.next = self.trainer.done.val();
        self.ltsm.rx_fail.next = self.rx_mode_r.q.val() == self.m_fail.val();
        self.ltsm.partner_fail.next = self.pmode.val() == self.m_fail.val();
        self.ltsm.link_retrain.next = self.link_rx.retrain.val() | self.sds.timeout.val();
        self.rx_mode_r.d.next = self.rx_mode_r.q.val();
        self.tx_mode_r.d.next = self.tx_mode_r.q.val();
        self.good.d.next = self.good.q.val();
        for l in 0..LANES {
            self.delays[l].d.next = self.delays[l].q.val();
        }
        if self.ltsm.latch_rx.val() {
            self.rx_mode_r.d.next = self.train_mode.val();
            self.good.d.next = self.trainer.good.val();
            for l in 0..LANES {
                self.delays[l].d.next = self.trainer.delays[l].val();
            }
        }
        if self.ltsm.latch_tx.val() {
            self.tx_mode_r.d.next = self.pmode.val();
        }

        self.state.next = self.ltsm.state.val();
        self.rx_mode.next = self.rx_mode_r.q.val();
        self.tx_mode.next = self.tx_mode_r.q.val();
        self.lanes_good.next = self.good.q.val();
        self.crc_errors.next = self.link_rx.crc_errors.val();
        self.replays.next = self.link_tx.replays.val();
        self.retrains.next = self.ltsm.retrains.val();
        self.rx_verdict.next = self.link_rx.verdict_out.val();
        self.rx_crc_ok.next = self.link_rx.crc_ok.val();
    }
}
