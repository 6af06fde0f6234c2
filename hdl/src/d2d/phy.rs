//! The die-to-die PHY of one die: 16 main-band lanes each way, a sideband
//! wire each way, training, lane repair and the link layer. Two instances,
//! one per die, make a link (see `sim/src/d2d_bench.rs`).
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
use super::protocol::*;
use super::sideband::Sideband;
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
    sideband: Sideband,
    trainer: LaneTrainer,
    deskew: Deskew,
    link_tx: LinkTx,
    link_rx: LinkRx,
    scrambler: PhyScrambler,
    descrambler: PhyScrambler,
    pack_message: XorNet2<3, 2, 5>,
    pattern: XorNet<5, WORD_BITS>,
    ltsm: Reg<Bits<3>>,
    rx_mode_r: Reg<Bits<2>>,
    tx_mode_r: Reg<Bits<2>>,
    delays: Reg<Bits<64>>,
    good: Reg<Bits<LANES>>,
    lanes: Reg<Bits<WORD_BITS>>,
    pat_phase: Reg<Bits<5>>,
    tx_sds: Reg<Bits<3>>,
    tx_gear: Reg<Bit>,
    tx_hold: Reg<Bits<WORD_BITS>>,
    rx_phase: Reg<Bits<2>>,
    rx_count: Reg<Bits<2>>,
    rx_gear: Reg<Bit>,
    rx_hold: Reg<Bits<WORD_BITS>>,
    sds_timer: Reg<Bits<8>>,
    retrain_count: Reg<Bits<16>>,
    pstate: Signal<Local, Bits<3>>,
    pmode: Signal<Local, Bits<2>>,
    partner_training: Signal<Local, Bit>,
    tx_full: Signal<Local, Bit>,
    tx_data: Signal<Local, Bit>,
    tx_logical: Signal<Local, Bits<WORD_BITS>>,
    tx_physical: Signal<Local, Bits<WORD_BITS>>,
    rx_full: Signal<Local, Bit>,
    rx_data: Signal<Local, Bit>,
    rx_logical: Signal<Local, Bits<WORD_BITS>>,
    sds_hits: [Signal<Local, Bits<4>>; 4],
    sds_found: [Signal<Local, Bit>; 4],
    go_retrain: Signal<Local, Bit>,
    st_reset: Constant<Bits<3>>,
    st_retrain: Constant<Bits<3>>,
    st_sbinit: Constant<Bits<3>>,
    st_mbinit: Constant<Bits<3>>,
    st_mbtrain: Constant<Bits<3>>,
    st_linkinit: Constant<Bits<3>>,
    st_active: Constant<Bits<3>>,
    st_error: Constant<Bits<3>>,
    m_full: Constant<Bits<2>>,
    m_upper: Constant<Bits<2>>,
    m_fail: Constant<Bits<2>>,
    sds_byte: [Constant<Bits<8>>; 4],
    sds_word: [Constant<Bits<3>>; 4],
    sds_match: Constant<Bits<4>>,
    sds_done: Constant<Bits<3>>,
    sds_timeout: Constant<Bits<8>>,
    sds_lanes: [Constant<Bits<WORD_BITS>>; 4],
    mark_word: Constant<Bits<WORD_BITS>>,
    low_half: Constant<Bits<WORD_BITS>>,
    half_shift: Constant<Bits<8>>,
    zero_word: Constant<Bits<WORD_BITS>>,
    zero5: Constant<Bits<5>>,
    one5: Constant<Bits<5>>,
    zero4: Constant<Bits<4>>,
    one4: Constant<Bits<4>>,
    zero3: Constant<Bits<3>>,
    one3: Constant<Bits<3>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    three2: Constant<Bits<2>>,
    data_phase: Constant<Bits<2>>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
    one16: Constant<Bits<16>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

fn every_lane(byte: u8) -> Bits<WORD_BITS> {
    (0..LANES).fold(Bits::default(), |w, l| {
        w | (Bits::<WORD_BITS>::from(u64::from(byte)) << (8 * l as u64))
    })
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
            trainer: LaneTrainer::default(),
            deskew: Deskew::default(),
            link_tx: LinkTx::new(mutation),
            link_rx: LinkRx::new(mutation),
            scrambler: phy_scrambler(),
            descrambler: phy_scrambler(),
            pack_message: XorNet2::new(Gf2Matrix::placement(5, 5, &[(0, 0, 3), (3, 3, 2)])),
            pattern: XorNet::new(Gf2Matrix::placement(5, w, &pattern_fields)),
            ltsm: Reg::default(),
            rx_mode_r: Reg::default(),
            tx_mode_r: Reg::default(),
            delays: Reg::default(),
            good: Reg::default(),
            lanes: Reg::default(),
            pat_phase: Reg::default(),
            tx_sds: Reg::default(),
            tx_gear: Reg::default(),
            tx_hold: Reg::default(),
            rx_phase: Reg::default(),
            rx_count: Reg::default(),
            rx_gear: Reg::default(),
            rx_hold: Reg::default(),
            sds_timer: Reg::default(),
            retrain_count: Reg::default(),
            pstate: Default::default(),
            pmode: Default::default(),
            partner_training: Default::default(),
            tx_full: Default::default(),
            tx_data: Default::default(),
            tx_logical: Default::default(),
            tx_physical: Default::default(),
            rx_full: Default::default(),
            rx_data: Default::default(),
            rx_logical: Default::default(),
            sds_hits: Default::default(),
            sds_found: Default::default(),
            go_retrain: Default::default(),
            st_reset: k(state::RESET),
            st_retrain: k(state::RETRAIN),
            st_sbinit: k(state::SBINIT),
            st_mbinit: k(state::MBINIT),
            st_mbtrain: k(state::MBTRAIN),
            st_linkinit: k(state::LINKINIT),
            st_active: k(state::ACTIVE),
            st_error: k(state::TRAINERROR),
            m_full: k(mode::FULL),
            m_upper: k(mode::UPPER),
            m_fail: k(mode::FAIL),
            sds_byte: std::array::from_fn(|i| k(SDS[i].into())),
            sds_word: std::array::from_fn(|i| k(i as u64)),
            sds_match: k(SDS_MATCH as u64),
            sds_done: k(SDS.len() as u64),
            sds_timeout: k(SDS_TIMEOUT as u64),
            sds_lanes: std::array::from_fn(|i| Constant::new(every_lane(SDS[i]))),
            mark_word: Constant::new(every_lane(TRAIN_MARK)),
            low_half: Constant::new(Bits::<WORD_BITS>::from(u64::MAX)),
            half_shift: k(64),
            zero_word: k(0),
            zero5: k(0),
            one5: k(1),
            zero4: k(0),
            one4: k(1),
            zero3: k(0),
            one3: k(1),
            zero2: k(0),
            one2: k(1),
            three2: k(3),
            data_phase: k(2),
            zero8: k(0),
            one8: k(1),
            one16: k(1),
        }
    }
}

impl Logic for D2dPhy {
    #[hdl_gen]
    fn update(&mut self) {
        self.sideband.clock.next = self.clock.val();
        self.sideband.reset.next = self.reset.val();
        self.trainer.clock.next = self.clock.val();
        self.trainer.reset.next = self.reset.val();
        self.deskew.clock.next = self.clock.val();
        self.deskew.reset.next = self.reset.val();
        self.link_tx.clock.next = self.clock.val();
        self.link_tx.reset.next = self.reset.val();
        self.link_rx.clock.next = self.clock.val();
        self.link_rx.reset.next = self.reset.val();
        self.scrambler.clock.next = self.clock.val();
        self.scrambler.reset.next = self.reset.val();
        self.descrambler.clock.next = self.clock.val();
        self.descrambler.reset.next = self.reset.val();
        self.ltsm.clock.next = self.clock.val();
        self.ltsm.reset.next = self.reset.val();
        self.rx_mode_r.clock.next = self.clock.val();
        self.rx_mode_r.reset.next = self.reset.val();
        self.tx_mode_r.clock.next = self.clock.val();
        self.tx_mode_r.reset.next = self.reset.val();
        self.delays.clock.next = self.clock.val();
        self.delays.reset.next = self.reset.val();
        self.good.clock.next = self.clock.val();
        self.good.reset.next = self.reset.val();
        self.lanes.clock.next = self.clock.val();
        self.lanes.reset.next = self.reset.val();
        self.pat_phase.clock.next = self.clock.val();
        self.pat_phase.reset.next = self.reset.val();
        self.tx_sds.clock.next = self.clock.val();
        self.tx_sds.reset.next = self.reset.val();
        self.tx_gear.clock.next = self.clock.val();
        self.tx_gear.reset.next = self.reset.val();
        self.tx_hold.clock.next = self.clock.val();
        self.tx_hold.reset.next = self.reset.val();
        self.rx_phase.clock.next = self.clock.val();
        self.rx_phase.reset.next = self.reset.val();
        self.rx_count.clock.next = self.clock.val();
        self.rx_count.reset.next = self.reset.val();
        self.rx_gear.clock.next = self.clock.val();
        self.rx_gear.reset.next = self.reset.val();
        self.rx_hold.clock.next = self.clock.val();
        self.rx_hold.reset.next = self.reset.val();
        self.sds_timer.clock.next = self.clock.val();
        self.sds_timer.reset.next = self.reset.val();
        self.retrain_count.clock.next = self.clock.val();
        self.retrain_count.reset.next = self.reset.val();

        // Sideband: this die's state and its receiver's lane mode out; the
        // partner's in.
        self.pack_message.a.next = self.ltsm.q.val();
        self.pack_message.b.next = self.rx_mode_r.q.val();
        self.sideband.send.next = self.pack_message.y.val();
        self.sideband.sb_in.next = self.sb_in.val();
        self.sb_out.next = self.sideband.sb_out.val();
        self.pstate.next = self.sideband.recv.val().get_bits::<3>(0);
        self.pmode.next = self.sideband.recv.val().get_bits::<2>(3);
        if !self.sideband.recv_valid.val() {
            self.pstate.next = self.st_reset.val();
        }
        self.partner_training.next = (self.pstate.val() >= self.st_mbtrain.val())
            & (self.pstate.val() <= self.st_linkinit.val());

        // ---- Transmit lanes.
        self.tx_full.next = self.tx_mode_r.q.val() == self.m_full.val();
        self.tx_data.next = (self.ltsm.q.val() == self.st_active.val())
            & (self.tx_sds.q.val() == self.sds_done.val());
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
        self.tx_physical.next = self.scrambler.data_out.val();
        for i in 0..4 {
            if self.tx_sds.q.val() == self.sds_word[i].val() {
                self.tx_physical.next = self.sds_lanes[i].val();
            }
        }
        // Lane map: a degraded link uses one half.
        if !self.tx_full.val() {
            self.tx_physical.next = self.tx_physical.val() & self.low_half.val();
            if self.tx_mode_r.q.val() == self.m_upper.val() {
                self.tx_physical.next = self.tx_physical.val() << self.half_shift.val();
            }
        }
        self.pattern.a.next = self.pat_phase.q.val();
        self.lanes.d.next = self.zero_word.val();
        if (self.ltsm.q.val() == self.st_mbtrain.val())
            | (self.ltsm.q.val() == self.st_linkinit.val())
        {
            self.lanes.d.next = self.pattern.y.val();
            if self.pat_phase.q.val() == self.zero5.val() {
                self.lanes.d.next = self.mark_word.val();
            }
        } else if self.ltsm.q.val() == self.st_active.val() {
            self.lanes.d.next = self.tx_physical.val();
        }
        self.lanes_out.next = self.lanes.q.val();
        self.pat_phase.d.next = self.pat_phase.q.val() + self.one5.val();
        self.tx_sds.d.next = self.zero3.val();
        if self.ltsm.q.val() == self.st_active.val() {
            self.tx_sds.d.next = self.tx_sds.q.val();
            if self.tx_sds.q.val() != self.sds_done.val() {
                self.tx_sds.d.next = self.tx_sds.q.val() + self.one3.val();
            }
        }
        self.tx_gear.d.next = self.tx_data.val() & !self.tx_full.val() & !self.tx_gear.q.val();

        // ---- Receive lanes.
        self.trainer.lanes_in.next = self.lanes_in.val();
        self.trainer.measure.next =
            (self.ltsm.q.val() == self.st_mbtrain.val()) & self.partner_training.val();
        self.deskew.lanes_in.next = self.lanes_in.val();
        self.deskew.delays.next = self.delays.q.val();
        self.rx_full.next = self.rx_mode_r.q.val() == self.m_full.val();
        self.rx_logical.next = self.deskew.lanes_out.val();
        if self.rx_mode_r.q.val() == self.m_upper.val() {
            self.rx_logical.next = self.deskew.lanes_out.val() >> self.half_shift.val();
        }
        if !self.rx_full.val() {
            self.rx_logical.next = self.rx_logical.val() & self.low_half.val();
        }
        // Start of data: any SDS clock on enough of lanes 0..7.
        for i in 0..4 {
            self.sds_hits[i].next = self.zero4.val();
            for l in 0..HALF_LANES {
                if self.rx_logical.val().get_bits::<8>(8 * l) == self.sds_byte[i].val() {
                    self.sds_hits[i].next = self.sds_hits[i].val() + self.one4.val();
                }
            }
            self.sds_found[i].next = self.sds_hits[i].val() >= self.sds_match.val();
        }
        self.rx_data.next = self.rx_phase.q.val() == self.data_phase.val();
        self.rx_phase.d.next = self.rx_phase.q.val();
        self.rx_count.d.next = self.rx_count.q.val();
        self.sds_timer.d.next = self.zero8.val();
        // The receiver hunts from LINKINIT on: after a retrain the partner
        // may reach ACTIVE (and send its SDS) before this die does.
        if (self.ltsm.q.val() != self.st_active.val())
            & (self.ltsm.q.val() != self.st_linkinit.val())
        {
            self.rx_phase.d.next = self.zero2.val();
        } else if self.rx_phase.q.val() == self.zero2.val() {
            if self.ltsm.q.val() == self.st_active.val() {
                self.sds_timer.d.next = self.sds_timer.q.val() + self.one8.val();
            }
            if self.sds_found[3].val() {
                self.rx_phase.d.next = self.data_phase.val();
            } else if self.sds_found[2].val() {
                self.rx_phase.d.next = self.one2.val();
                self.rx_count.d.next = self.one2.val();
            } else if self.sds_found[1].val() {
                self.rx_phase.d.next = self.one2.val();
                self.rx_count.d.next = self.one2.val() + self.one2.val();
            } else if self.sds_found[0].val() {
                self.rx_phase.d.next = self.one2.val();
                self.rx_count.d.next = self.three2.val();
            }
        } else if self.rx_phase.q.val() == self.one2.val() {
            self.rx_count.d.next = self.rx_count.q.val() - self.one2.val();
            if self.rx_count.q.val() == self.one2.val() {
                self.rx_phase.d.next = self.data_phase.val();
            }
        }
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

        // ---- Training state machine.
        self.ltsm.d.next = self.ltsm.q.val();
        self.rx_mode_r.d.next = self.rx_mode_r.q.val();
        self.tx_mode_r.d.next = self.tx_mode_r.q.val();
        self.delays.d.next = self.delays.q.val();
        self.good.d.next = self.good.q.val();
        self.retrain_count.d.next = self.retrain_count.q.val();
        self.go_retrain.next = self.link_rx.retrain.val()
            | (self.sds_timer.q.val() == self.sds_timeout.val())
            | (self.pstate.val() == self.st_retrain.val());
        if self.ltsm.q.val() == self.st_reset.val() {
            self.ltsm.d.next = self.st_sbinit.val();
        } else if self.ltsm.q.val() == self.st_sbinit.val() {
            if (self.pstate.val() >= self.st_sbinit.val())
                & (self.pstate.val() <= self.st_linkinit.val())
            {
                self.ltsm.d.next = self.st_mbinit.val();
            }
        } else if self.ltsm.q.val() == self.st_mbinit.val() {
            if (self.pstate.val() >= self.st_mbinit.val())
                & (self.pstate.val() <= self.st_linkinit.val())
            {
                self.ltsm.d.next = self.st_mbtrain.val();
            }
        } else if self.ltsm.q.val() == self.st_mbtrain.val() {
            if self.trainer.done.val() {
                self.rx_mode_r.d.next = self.trainer.mode.val();
                self.delays.d.next = self.trainer.delays.val();
                self.good.d.next = self.trainer.good.val();
                self.ltsm.d.next = self.st_linkinit.val();
                if self.trainer.mode.val() == self.m_fail.val() {
                    self.ltsm.d.next = self.st_error.val();
                }
            }
        } else if self.ltsm.q.val() == self.st_linkinit.val() {
            if (self.pstate.val() == self.st_linkinit.val())
                | (self.pstate.val() == self.st_active.val())
            {
                self.tx_mode_r.d.next = self.pmode.val();
                self.ltsm.d.next = self.st_active.val();
                if self.pmode.val() == self.m_fail.val() {
                    self.ltsm.d.next = self.st_error.val();
                }
            }
        } else if self.ltsm.q.val() == self.st_active.val() {
            if self.go_retrain.val() {
                self.ltsm.d.next = self.st_retrain.val();
                self.retrain_count.d.next = self.retrain_count.q.val() + self.one16.val();
            }
        } else if (self.ltsm.q.val() == self.st_retrain.val())
            & ((self.pstate.val() == self.st_retrain.val())
                | (self.pstate.val() == self.st_mbtrain.val()))
        {
            // Both dies have left ACTIVE: train again.
            self.ltsm.d.next = self.st_mbtrain.val();
        }
        if self.pstate.val() == self.st_error.val() {
            self.ltsm.d.next = self.st_error.val();
        }
        if self.ltsm.q.val() == self.st_error.val() {
            self.ltsm.d.next = self.st_error.val();
        }

        self.state.next = self.ltsm.q.val();
        self.rx_mode.next = self.rx_mode_r.q.val();
        self.tx_mode.next = self.tx_mode_r.q.val();
        self.lanes_good.next = self.good.q.val();
        self.crc_errors.next = self.link_rx.crc_errors.val();
        self.replays.next = self.link_tx.replays.val();
        self.retrains.next = self.retrain_count.q.val();
        self.rx_verdict.next = self.link_rx.verdict_out.val();
        self.rx_crc_ok.next = self.link_rx.crc_ok.val();
    }
}
