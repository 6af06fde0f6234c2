//! The die-to-die PHY of one die for the **advanced package**: 64 data
//! lanes plus 4 spares each way, 2 bits per lane per core clock, so the
//! same 128-bit link layer, start of data and training state machine as the
//! standard package (`phy.rs`) run unchanged above a different lane layer.
//!
//! Transmit: `LinkTx` -> scrambler -> start of data -> spare remap
//! (`spares.rs`) -> registered lanes.
//! The scrambler is the standard package's (16 LFSRs, one per byte of the
//! 128-bit word), so each LFSR covers four neighbouring lanes, two bits
//! each, rather than one lane as UCIe has it: one LFSR per 2-bit lane
//! would be a 1472-bit state whose next-state network makes the emitted
//! Verilog and its Verilator model several times larger for no difference
//! the link layer or the channel model can see.
//! Receive: lanes -> `Deskew` (68 lanes, delays found by `LaneTrainer`) ->
//! spare unmap -> start-of-data hunt -> descrambler -> `LinkRx`.
//!
//! Lane repair: training finds the broken lanes among all 68; each die sends
//! its receiver's good-lane map over the sideband (state in message bits
//! 0..2, the map in 3..70) and its transmitter shifts traffic around the
//! lanes the partner cannot receive. Up to 4 broken lanes: full bandwidth;
//! more: TRAINERROR. A lane dying in traffic -> CRC failures -> retrain ->
//! the lane is found and spared -> replay; nothing lost.
//!
//! Bandwidth: 2 bits per lane per clock carry one 128-bit word per clock, as
//! 16 lanes x 8 bits do on the standard package: at a 2 GHz core clock that
//! is 4 Gb/s per lane. A 512-bit link layer (8 bits per lane) is what full
//! advanced-package bandwidth needs; it is not built (see the README).

use super::deskew::Deskew;
use super::link_rx::LinkRx;
use super::link_tx::LinkTx;
use super::ltsm::Ltsm;
use super::phy::{phy_scrambler, PhyScrambler};
use super::protocol::*;
use super::sideband::Sideband;
use super::spares::{SpareCheck, SpareMap, SHIFTS};
use super::start_of_data::StartOfData;
use super::training::LaneTrainer;
use crate::primitives::{Gf2Matrix, Reg, XorNet, XorNet2};
use rust_hdl::prelude::*;

/// Data lanes.
pub const DATA_LANES: usize = 64;
/// Spare lanes.
pub const SPARES: usize = 4;
/// Physical lanes, spares included.
pub const PHYS_LANES: usize = DATA_LANES + SPARES;
/// Bits per lane per core clock.
pub const LANE_BITS: usize = 2;
/// Bits of one core clock across the physical lanes.
pub const PHYS_BITS: usize = PHYS_LANES * LANE_BITS;
/// Sideband message: state (3 bits) and this die's good-lane map (68).
pub const SB_MESSAGE_BITS: usize = 3 + PHYS_LANES;
/// Training symbols of a 2-bit lane: the marker at phase 0, the filler at
/// every other phase. Neither stuck value (00, 11) is the marker, and one
/// bit error cannot turn the filler into it.
pub const TRAIN_MARK: u8 = 0b10;
pub const TRAIN_FILL: u8 = 0b01;

/// `symbol` on every physical lane.
fn every_lane(symbol: u8) -> Bits<PHYS_BITS> {
    (0..PHYS_LANES).fold(Bits::default(), |w, l| {
        w | (Bits::<PHYS_BITS>::from(u64::from(symbol)) << (LANE_BITS * l) as u64)
    })
}

#[derive(LogicBlock)]
pub struct AdvancedPhy {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // User side: as the standard package's.
    pub tx_valid: Signal<In, Bit>,
    pub tx_word: Signal<In, Bits<WORD_BITS>>,
    pub tx_ready: Signal<Out, Bit>,
    pub rx_valid: Signal<Out, Bit>,
    pub rx_first: Signal<Out, Bit>,
    pub rx_word: Signal<Out, Bits<WORD_BITS>>,
    // Package side: lane `p` at bits `2p, 2p+1`.
    pub lanes_out: Signal<Out, Bits<PHYS_BITS>>,
    pub lanes_in: Signal<In, Bits<PHYS_BITS>>,
    pub sb_out: Signal<Out, Bit>,
    pub sb_in: Signal<In, Bit>,
    // Status.
    pub state: Signal<Out, Bits<3>>,
    /// The receiver's lane mode in the standard package's terms: FULL (the
    /// spares cover every broken lane), or FAIL once training has ended
    /// because they cannot.
    pub rx_mode: Signal<Out, Bits<2>>,
    /// Lanes this die's receiver found good.
    pub lanes_good: Signal<Out, Bits<PHYS_LANES>>,
    /// Lanes the partner found good: the ones this die transmits on.
    pub tx_lanes_good: Signal<Out, Bits<PHYS_LANES>>,
    pub crc_errors: Signal<Out, Bits<32>>,
    pub replays: Signal<Out, Bits<32>>,
    pub retrains: Signal<Out, Bits<16>>,
    pub rx_verdict: Signal<Out, Bit>,
    pub rx_crc_ok: Signal<Out, Bit>,
    sideband: Sideband<SB_MESSAGE_BITS>,
    ltsm: Ltsm,
    trainer: LaneTrainer<PHYS_LANES, PHYS_BITS>,
    deskew: Deskew<PHYS_LANES, PHYS_BITS>,
    sds: StartOfData,
    link_tx: LinkTx,
    link_rx: LinkRx,
    scrambler: PhyScrambler,
    descrambler: PhyScrambler,
    rx_map: SpareMap,
    tx_map: SpareMap,
    rx_check: SpareCheck,
    partner_check: SpareCheck,
    pack_message: XorNet2<3, PHYS_LANES, SB_MESSAGE_BITS>,
    widen: XorNet<WORD_BITS, PHYS_BITS>,
    delays: [Reg<Bits<4>>; PHYS_LANES],
    rx_good: Reg<Bits<PHYS_LANES>>,
    tx_good: Reg<Bits<PHYS_LANES>>,
    lanes: Reg<Bits<PHYS_BITS>>,
    pat_phase: Reg<Bits<5>>,
    pstate: Signal<Local, Bits<3>>,
    pgood: Signal<Local, Bits<PHYS_LANES>>,
    tx_data: Signal<Local, Bit>,
    tx_physical: Signal<Local, Bits<PHYS_BITS>>,
    rx_wide: Signal<Local, Bits<PHYS_BITS>>,
    rx_logical: Signal<Local, Bits<WORD_BITS>>,
    rx_data: Signal<Local, Bit>,
    lane_shift: [Constant<Bits<8>>; SHIFTS],
    st_reset: Constant<Bits<3>>,
    st_linkinit: Constant<Bits<3>>,
    st_error: Constant<Bits<3>>,
    m_full: Constant<Bits<2>>,
    m_fail: Constant<Bits<2>>,
    mark_word: Constant<Bits<PHYS_BITS>>,
    fill_word: Constant<Bits<PHYS_BITS>>,
    zero_lanes: Constant<Bits<PHYS_BITS>>,
    zero5: Constant<Bits<5>>,
    one5: Constant<Bits<5>>,
}

impl Default for AdvancedPhy {
    fn default() -> Self {
        Self::new(Mutation::None)
    }
}

impl AdvancedPhy {
    /// The PHY; `mutation` is `None` except for the teeth runs.
    pub fn new(mutation: Mutation) -> Self {
        const { assert!(DATA_LANES * LANE_BITS == WORD_BITS && SB_MESSAGE_BITS + 3 <= 256) };
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
            lanes_good: Default::default(),
            tx_lanes_good: Default::default(),
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
            rx_map: SpareMap::new(mutation),
            tx_map: SpareMap::new(mutation),
            rx_check: SpareCheck::default(),
            partner_check: SpareCheck::default(),
            pack_message: XorNet2::new(Gf2Matrix::placement(
                3 + PHYS_LANES,
                SB_MESSAGE_BITS,
                &[(0, 0, 3), (3, 3, PHYS_LANES)],
            )),
            widen: XorNet::new(Gf2Matrix::placement(
                WORD_BITS,
                PHYS_BITS,
                &[(0, 0, WORD_BITS)],
            )),
            delays: std::array::from_fn(|_| Reg::default()),
            rx_good: Reg::default(),
            tx_good: Reg::default(),
            lanes: Reg::default(),
            pat_phase: Reg::default(),
            pstate: Default::default(),
            pgood: Default::default(),
            tx_data: Default::default(),
            tx_physical: Default::default(),
            rx_wide: Default::default(),
            rx_logical: Default::default(),
            rx_data: Default::default(),
            lane_shift: std::array::from_fn(|s| Constant::new(((LANE_BITS * s) as u64).into())),
            st_reset: Constant::new(state::RESET.into()),
            st_linkinit: Constant::new(state::LINKINIT.into()),
            st_error: Constant::new(state::TRAINERROR.into()),
            m_full: Constant::new(mode::FULL.into()),
            m_fail: Constant::new(mode::FAIL.into()),
            mark_word: Constant::new(every_lane(TRAIN_MARK)),
            fill_word: Constant::new(every_lane(TRAIN_FILL)),
            zero_lanes: Constant::new(Bits::default()),
            zero5: Constant::new(0u64.into()),
            one5: Constant::new(1u64.into()),
        }
    }
}

impl Logic for AdvancedPhy {
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
        for l in 0..PHYS_LANES {
            self.delays[l].clock.next = self.clock.val();
            self.delays[l].reset.next = self.reset.val();
        }
        self.rx_good.clock.next = self.clock.val();
        self.rx_good.reset.next = self.reset.val();
        self.tx_good.clock.next = self.clock.val();
        self.tx_good.reset.next = self.reset.val();
        self.lanes.clock.next = self.clock.val();
        self.lanes.reset.next = self.reset.val();
        self.pat_phase.clock.next = self.clock.val();
        self.pat_phase.reset.next = self.reset.val();

        // Sideband: this die's state and its receiver's good-lane map out;
        // the partner's in.
        self.pack_message.a.next = self.ltsm.state.val();
        self.pack_message.b.next = self.rx_good.q.val();
        self.sideband.send.next = self.pack_message.y.val();
        self.sideband.sb_in.next = self.sb_in.val();
        self.sb_out.next = self.sideband.sb_out.val();
        self.pstate.next = self.sideband.recv.val().get_bits::<3>(0);
        self.pgood.next = self.sideband.recv.val().get_bits::<PHYS_LANES>(3);
        if !self.sideband.recv_valid.val() {
            self.pstate.next = self.st_reset.val();
        }

        // ---- Transmit lanes.
        self.tx_data.next = self.sds.sending.val();
        self.link_tx.tx_valid.next = self.tx_valid.val();
        self.link_tx.tx_word.next = self.tx_word.val();
        self.tx_ready.next = self.link_tx.tx_ready.val();
        self.link_tx.restart.next = !self.tx_data.val();
        self.link_tx.word_en.next = self.tx_data.val();
        self.scrambler.data_in.next = self.link_tx.word.val();
        self.scrambler.enable.next = self.tx_data.val();
        self.scrambler.reseed.next = !self.tx_data.val();
        self.sds.active.next = self.ltsm.active.val();
        self.sds.word_in.next = self.scrambler.data_out.val();
        // Spare remap: physical lane p carries logical lane p - s.
        self.widen.a.next = self.sds.word_out.val();
        self.tx_map.clock.next = self.clock.val();
        self.tx_map.reset.next = self.reset.val();
        self.tx_physical.next = self.zero_lanes.val();
        for s in 0..SHIFTS {
            self.tx_physical.next = self.tx_physical.val()
                | ((self.widen.y.val() << self.lane_shift[s].val()) & self.tx_map.sel[s].val());
        }
        self.lanes.d.next = self.zero_lanes.val();
        if self.ltsm.pattern.val() {
            self.lanes.d.next = self.fill_word.val();
            if self.pat_phase.q.val() == self.zero5.val() {
                self.lanes.d.next = self.mark_word.val();
            }
        } else if self.ltsm.active.val() {
            self.lanes.d.next = self.tx_physical.val();
        }
        self.lanes_out.next = self.lanes.q.val();
        self.pat_phase.d.next = self.pat_phase.q.val() + self.one5.val();

        // ---- Receive lanes.
        self.trainer.lanes_in.next = self.lanes_in.val();
        self.trainer.measure.next = self.ltsm.measure.val();
        self.deskew.lanes_in.next = self.lanes_in.val();
        for l in 0..PHYS_LANES {
            self.deskew.delays[l].next = self.delays[l].q.val();
        }
        self.rx_map.clock.next = self.clock.val();
        self.rx_map.reset.next = self.reset.val();
        self.rx_wide.next = self.zero_lanes.val();
        for s in 0..SHIFTS {
            self.rx_wide.next = self.rx_wide.val()
                | ((self.deskew.lanes_out.val() & self.rx_map.sel[s].val())
                    >> self.lane_shift[s].val());
        }
        self.rx_logical.next = self.rx_wide.val().get_bits::<WORD_BITS>(0);
        self.sds.hunt.next =
            self.ltsm.active.val() | (self.ltsm.state.val() == self.st_linkinit.val());
        self.sds.rx_word.next = self.rx_logical.val().get_bits::<64>(0);
        self.rx_data.next = self.sds.data.val();
        self.descrambler.data_in.next = self.rx_logical.val();
        self.descrambler.enable.next = self.rx_data.val();
        self.descrambler.reseed.next = !self.rx_data.val();
        self.link_rx.word.next = self.descrambler.data_out.val();
        self.link_rx.word_valid.next = self.rx_data.val();
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

        // ---- Training: lane repair onto the spares.
        self.rx_check.good.next = self.rx_good.q.val();
        self.partner_check.good.next = self.pgood.val();
        self.ltsm.partner.next = self.pstate.val();
        self.ltsm.trained.next = self.trainer.done.val();
        self.ltsm.rx_fail.next = self.rx_check.fail.val();
        self.ltsm.partner_fail.next = self.partner_check.fail.val();
        self.ltsm.link_retrain.next = self.link_rx.retrain.val() | self.sds.timeout.val();
        self.rx_good.d.next = self.rx_good.q.val();
        self.tx_good.d.next = self.tx_good.q.val();
        for l in 0..PHYS_LANES {
            self.delays[l].d.next = self.delays[l].q.val();
        }
        if self.ltsm.latch_rx.val() {
            self.rx_good.d.next = self.trainer.good.val();
            for l in 0..PHYS_LANES {
                self.delays[l].d.next = self.trainer.delays[l].val();
            }
        }
        if self.ltsm.latch_tx.val() {
            self.tx_good.d.next = self.pgood.val();
        }
        // The maps register their masks: fed the vectors' next values, they
        // hold the masks of the latched vectors from the clock they latch.
        self.tx_map.good.next = self.tx_good.d.val();
        self.rx_map.good.next = self.rx_good.d.val();

        self.state.next = self.ltsm.state.val();
        self.rx_mode.next = self.m_full.val();
        if (self.ltsm.state.val() == self.st_error.val()) & self.rx_check.fail.val() {
            self.rx_mode.next = self.m_fail.val();
        }
        self.lanes_good.next = self.rx_good.q.val();
        self.tx_lanes_good.next = self.tx_good.q.val();
        self.crc_errors.next = self.link_rx.crc_errors.val();
        self.replays.next = self.link_tx.replays.val();
        self.retrains.next = self.ltsm.retrains.val();
        self.rx_verdict.next = self.link_rx.verdict_out.val();
        self.rx_crc_ok.next = self.link_rx.crc_ok.val();
    }
}
