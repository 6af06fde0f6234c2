//! The test chip's top: a partner die reaches HBM memory through the
//! die-to-die link.
//!
//! ```text
//!  link clock (2 GHz)                                 | controller clock
//!  lanes -> D2dPhy -> TxnUnpack -+-> request AsyncFifo -> Memctl -> DFI to the HBM PHY
//!                                +-> CsrBlock <-> handshakes <-> counters, MemTest
//!  lanes <- D2dPhy <- TxnPack <--+-- response AsyncFifo <- Memctl
//!  lanes <-> LinkTest (PRBS, loopbacks)         MemTest -> Memctl (self-test traffic)
//! ```
//!
//! Two builds, one description (`chip_top!`): [`TestChip`] with the
//! standard-package PHY (16 lanes of 8 bits), [`TestChipAdvanced`] with the
//! advanced-package one (64 lanes and 4 spares, 2 bits each); the PHYs have
//! the same user side, and the lanes, the link self-test and the lanes-good
//! status are sized by the package.
//!
//! Each domain releases its reset through its own `ResetSync` from the one
//! reset pin. Memory requests cross in a 64-deep async FIFO whose free
//! entries the transmit side returns to the host as credits (from the
//! FIFO's write-side level), so the receive side, which cannot stall the
//! link, never finds it full; responses cross back in an 8-deep one, and the
//! controller waits (`rsp_ready`) when it is full. Register reads of the
//! controller's domain (counters, memory self-test results) cross by two
//! handshake synchronisers.
//!
//! Self-tests: while `LinkTest` runs it drives the lanes and holds the PHY in
//! reset (the link trains again afterwards); while `MemTest` runs it owns
//! the controller's ports (host requests wait in the request FIFO). Its
//! settings cross with a third handshake when `MEM_TEST` is written.

use super::link_test::{AdvancedLinkTest, StandardLinkTest};
use super::mem_test::{MemTest, CONFIG_BITS, FIRST_RESULT};
use super::pack::TxnPack;
use super::registers::{rw_slot, CsrBlock, LANES_GOOD_BITS, RW_BITS};
use super::transaction::{op, REQUEST_CREDITS};
use super::unpack::{TxnUnpack, SLOT_BITS};
use crate::d2d::advanced::{self, AdvancedPhy};
use crate::d2d::phy::D2dPhy;
use crate::d2d::protocol;
use crate::memctl::controller::Memctl;
use crate::memctl::widths::{BankIdx, Col, Data, Mask, Row};
use crate::primitives::{AsyncFifo, Gf2Matrix, HandshakeSync, Reg, ResetSync, XorNet, XorNet2};
use rust_hdl::prelude::*;

/// A memory request in the request FIFO: opcode, tag and the 23 address
/// bits (header bits 0..39), the mask (header bits 48..80), then the 32
/// data bytes.
pub const REQUEST_BITS: usize = 39 + 32 + 256;
/// log2 of the request FIFO's depth (`REQUEST_CREDITS`), and its pointer
/// width.
const REQUEST_DEPTH_LOG2: usize = 6;
const REQUEST_PTR_BITS: usize = 7;

const STANDARD_LANE_BITS: usize = protocol::WORD_BITS;
const STANDARD_LANES: usize = protocol::LANES;
const ADVANCED_LANE_BITS: usize = advanced::PHYS_BITS;
const ADVANCED_LANES: usize = advanced::PHYS_LANES;

/// The chip top for one package: `$phy` and `$lt` its PHY and link
/// self-test, `$lanes` the width of its lane buses, `$good` its lanes.
macro_rules! chip_top {
    ($(#[$doc:meta])* $name:ident, $phy:ty, $lt:ty, $lanes:ident, $good:ident) => {
$(#[$doc])*
#[derive(LogicBlock)]
        pub struct $name {
    pub link_clock: Signal<In, Clock>,
    pub mc_clock: Signal<In, Clock>,
    /// Asynchronous, active-high: the chip's reset pin.
    pub reset: Signal<In, Bit>,
    // Package side of the die-to-die link.
    pub lanes_in: Signal<In, Bits<$lanes>>,
    pub lanes_out: Signal<Out, Bits<$lanes>>,
    pub sb_in: Signal<In, Bit>,
    pub sb_out: Signal<Out, Bit>,
    // DFI-style port to the HBM PHY (controller clock).
    pub dfi_cmd: Signal<Out, Bits<3>>,
    pub dfi_bank: Signal<Out, BankIdx>,
    pub dfi_row: Signal<Out, Row>,
    pub dfi_col: Signal<Out, Col>,
    pub dfi_wrdata: Signal<Out, Data>,
    pub dfi_wrmask: Signal<Out, Mask>,
    pub dfi_rddata_valid: Signal<In, Bit>,
    pub dfi_rddata: Signal<In, Data>,
    /// The link's training state (for the bench and a status pin).
    pub link_state: Signal<Out, Bits<3>>,
    /// Status pins: a link self-test is comparing (link clock), a memory
    /// self-test is running (controller clock).
    pub link_test_running: Signal<Out, Bit>,
    pub mem_test_running: Signal<Out, Bit>,
    link_reset: ResetSync,
    mc_reset: ResetSync,
    phy: $phy,
    unpack: TxnUnpack,
    pack: TxnPack,
    csr: CsrBlock,
    link_test: $lt,
    mem_test: MemTest,
    mem_start: HandshakeSync<Bits<CONFIG_BITS>>,
    mem_settings: XorNet<RW_BITS, CONFIG_BITS>,
    memctl: Memctl,
    requests: AsyncFifo<Bits<REQUEST_BITS>, REQUEST_DEPTH_LOG2, REQUEST_PTR_BITS>,
    responses: AsyncFifo<Bits<SLOT_BITS>, 3, 4>,
    counter_sel: HandshakeSync<Bits<4>>,
    counter_value: HandshakeSync<Bits<32>>,
    /// Memory requests taken into the request FIFO (mod 2^16).
    pushed: Reg<Bits<16>>,
    compact: XorNet<SLOT_BITS, REQUEST_BITS>,
    level16: XorNet<REQUEST_PTR_BITS, 16>,
    response_header: XorNet2<8, 8, 16>,
    response_slot: XorNet2<16, 256, SLOT_BITS>,
    status_low: XorNet2<3, 2, 16>,
    link_status: XorNet2<16, $good, 32>,
    lanes_good: XorNet<$good, LANES_GOOD_BITS>,
    retrains32: XorNet<16, 32>,
    bad32: XorNet<16, 32>,
    first_result: Constant<Bits<4>>,
    no_operation: Constant<Bits<2>>,
    op_mem_write: Constant<Bits<8>>,
    op_read_data: Constant<Bits<8>>,
    op_write_ack: Constant<Bits<8>>,
    one16: Constant<Bits<16>>,
}

impl $name {
    pub fn new(memctl: Memctl) -> Self {
        const { assert!($good >= 16 && $good <= LANES_GOOD_BITS) };
        assert_eq!(1 << REQUEST_DEPTH_LOG2, REQUEST_CREDITS);
        // The kernel picks read-write registers by position.
        for (name, slot) in [
            ("LINK_TEST", 1),
            ("LINK_TEST_CLOCKS", 2),
            ("MEM_TEST", 3),
            ("MEM_TEST_COUNT", 4),
            ("MEM_TEST_BASE", 5),
            ("MEM_TEST_STRIDE", 6),
            ("MEM_TEST_SEED", 7),
        ] {
            assert_eq!(rw_slot(name), slot, "{name}");
        }
        use super::mem_test::config as c;
        let k8 = |v: u8| Constant::new(u64::from(v).into());
        let place = |inputs, outputs, fields: &[(usize, usize, usize)]| {
            Gf2Matrix::placement(inputs, outputs, fields)
        };
        Self {
            link_clock: Default::default(),
            mc_clock: Default::default(),
            reset: Default::default(),
            lanes_in: Default::default(),
            lanes_out: Default::default(),
            sb_in: Default::default(),
            sb_out: Default::default(),
            dfi_cmd: Default::default(),
            dfi_bank: Default::default(),
            dfi_row: Default::default(),
            dfi_col: Default::default(),
            dfi_wrdata: Default::default(),
            dfi_wrmask: Default::default(),
            dfi_rddata_valid: Default::default(),
            dfi_rddata: Default::default(),
            link_state: Default::default(),
            link_test_running: Default::default(),
            mem_test_running: Default::default(),
            link_reset: Default::default(),
            mc_reset: Default::default(),
            phy: <$phy>::default(),
            unpack: Default::default(),
            pack: Default::default(),
            csr: Default::default(),
            link_test: Default::default(),
            mem_test: Default::default(),
            mem_start: Default::default(),
            // MEM_TEST's two fields, COUNT, BASE, STRIDE, SEED (slots 3..8).
            mem_settings: XorNet::new(place(
                RW_BITS,
                CONFIG_BITS,
                &[
                    (96, c::PATTERN.0, c::PATTERN.1),
                    (100, c::OPERATION.0, c::OPERATION.1),
                    (128, c::COUNT.0, c::COUNT.1),
                    (160, c::BASE.0, c::BASE.1),
                    (192, c::STRIDE.0, c::STRIDE.1),
                    (224, c::SEED.0, c::SEED.1),
                ],
            )),
            memctl,
            requests: AsyncFifo::new(),
            responses: AsyncFifo::new(),
            counter_sel: Default::default(),
            counter_value: Default::default(),
            pushed: Default::default(),
            // Opcode, tag, 23 address bits; the mask; the data words 128..384.
            compact: XorNet::new(place(
                SLOT_BITS,
                REQUEST_BITS,
                &[(0, 0, 39), (48, 39, 32), (128, 71, 256)],
            )),
            level16: XorNet::new(place(REQUEST_PTR_BITS, 16, &[(0, 0, REQUEST_PTR_BITS)])),
            // {tag, opcode}, then the slot: header word and data words.
            response_header: XorNet2::new(place(16, 16, &[(0, 0, 16)])),
            response_slot: XorNet2::new(place(272, SLOT_BITS, &[(0, 0, 16), (16, 128, 256)])),
            // LINK_STATUS: state (0..3), receive lane mode (4..6), lanes good (16..32).
            status_low: XorNet2::new(place(5, 16, &[(0, 0, 3), (3, 4, 2)])),
            link_status: XorNet2::new(place(16 + $good, 32, &[(0, 0, 16), (16, 16, 16)])),
            lanes_good: XorNet::new(place($good, LANES_GOOD_BITS, &[(0, 0, $good)])),
            retrains32: XorNet::new(place(16, 32, &[(0, 0, 16)])),
            bad32: XorNet::new(place(16, 32, &[(0, 0, 16)])),
            first_result: Constant::new(u64::from(FIRST_RESULT).into()),
            no_operation: Constant::new(0u64.into()),
            op_mem_write: k8(op::MEM_WRITE),
            op_read_data: k8(op::READ_DATA),
            op_write_ack: k8(op::WRITE_ACK),
            one16: Constant::new(1u64.into()),
        }
    }
}

impl Logic for $name {
    #[hdl_gen]
    fn update(&mut self) {
        // Clocks and resets, per domain.
        self.link_reset.clock.next = self.link_clock.val();
        self.link_reset.async_reset.next = self.reset.val();
        self.mc_reset.clock.next = self.mc_clock.val();
        self.mc_reset.async_reset.next = self.reset.val();
        self.phy.clock.next = self.link_clock.val();
        self.unpack.clock.next = self.link_clock.val();
        self.pack.clock.next = self.link_clock.val();
        self.csr.clock.next = self.link_clock.val();
        self.link_test.clock.next = self.link_clock.val();
        self.mem_start.src_clock.next = self.link_clock.val();
        self.mem_start.dst_clock.next = self.mc_clock.val();
        self.mem_test.clock.next = self.mc_clock.val();
        self.pushed.clock.next = self.link_clock.val();
        self.requests.wr_clock.next = self.link_clock.val();
        self.responses.rd_clock.next = self.link_clock.val();
        self.counter_sel.src_clock.next = self.link_clock.val();
        self.counter_value.dst_clock.next = self.link_clock.val();
        self.memctl.clock.next = self.mc_clock.val();
        self.requests.rd_clock.next = self.mc_clock.val();
        self.responses.wr_clock.next = self.mc_clock.val();
        self.counter_sel.dst_clock.next = self.mc_clock.val();
        self.counter_value.src_clock.next = self.mc_clock.val();
        // A link self-test holds the PHY in reset (`owns` is a flop).
        self.phy.reset.next = self.link_reset.sync_reset.val() | self.link_test.owns.val();
        self.link_test.reset.next = self.link_reset.sync_reset.val();
        self.mem_start.src_reset.next = self.link_reset.sync_reset.val();
        self.mem_start.dst_reset.next = self.mc_reset.sync_reset.val();
        self.mem_test.reset.next = self.mc_reset.sync_reset.val();
        self.unpack.reset.next = self.link_reset.sync_reset.val();
        self.pack.reset.next = self.link_reset.sync_reset.val();
        self.csr.reset.next = self.link_reset.sync_reset.val();
        self.pushed.reset.next = self.link_reset.sync_reset.val();
        self.requests.wr_reset.next = self.link_reset.sync_reset.val();
        self.responses.rd_reset.next = self.link_reset.sync_reset.val();
        self.counter_sel.src_reset.next = self.link_reset.sync_reset.val();
        self.counter_value.dst_reset.next = self.link_reset.sync_reset.val();
        self.memctl.reset.next = self.mc_reset.sync_reset.val();
        self.requests.rd_reset.next = self.mc_reset.sync_reset.val();
        self.responses.wr_reset.next = self.mc_reset.sync_reset.val();
        self.counter_sel.dst_reset.next = self.mc_reset.sync_reset.val();
        self.counter_value.src_reset.next = self.mc_reset.sync_reset.val();

        // The link.
        self.phy.lanes_in.next = self.lanes_in.val();
        self.phy.sb_in.next = self.sb_in.val();
        self.lanes_out.next = self.phy.lanes_out.val();
        if self.link_test.owns.val() {
            self.lanes_out.next = self.link_test.lanes_out.val();
        }
        self.link_test.lanes_in.next = self.lanes_in.val();
        self.sb_out.next = self.phy.sb_out.val();
        self.link_state.next = self.phy.state.val();

        // Requests in: memory ones to the controller's domain, register
        // ones to the register block.
        self.unpack.rx_valid.next = self.phy.rx_valid.val();
        self.unpack.rx_first.next = self.phy.rx_first.val();
        self.unpack.rx_word.next = self.phy.rx_word.val();
        self.compact.a.next = self.unpack.slot.val();
        self.requests.push.next = self.unpack.mem_valid.val();
        self.requests.data_in.next = self.compact.y.val();
        self.pushed.d.next = self.pushed.q.val();
        if self.unpack.mem_valid.val() {
            self.pushed.d.next = self.pushed.q.val() + self.one16.val();
        }
        self.csr.req_valid.next = self.unpack.csr_valid.val();
        self.csr.req_header.next = self.unpack.slot.val().get_bits::<128>(0);

        // The controller: host requests from the FIFO, or the memory
        // self-test's.
        self.memctl.req_valid.next = !self.requests.empty.val();
        self.requests.pop.next =
            !self.mem_test.active.val() & !self.requests.empty.val() & self.memctl.req_ready.val();
        self.memctl.req_write.next =
            self.requests.data_out.val().get_bits::<8>(0) == self.op_mem_write.val();
        self.memctl.req_id.next = self.requests.data_out.val().get_bits::<8>(8);
        self.memctl.req_addr.next = self.requests.data_out.val().get_bits::<23>(16);
        self.memctl.req_mask.next = self.requests.data_out.val().get_bits::<32>(39);
        self.memctl.req_data.next = self.requests.data_out.val().get_bits::<256>(71);
        if self.mem_test.active.val() {
            self.memctl.req_valid.next = self.mem_test.req_valid.val();
            self.memctl.req_write.next = self.mem_test.req_write.val();
            self.memctl.req_id.next = self.mem_test.req_id.val();
            self.memctl.req_addr.next = self.mem_test.req_addr.val();
            self.memctl.req_mask.next = self.mem_test.req_mask.val();
            self.memctl.req_data.next = self.mem_test.req_data.val();
        }
        self.mem_test.req_ready.next = self.memctl.req_ready.val();
        self.mem_test.rsp_valid.next = self.memctl.rsp_valid.val() & self.mem_test.active.val();
        self.mem_test.rsp_id.next = self.memctl.rsp_id.val();
        self.mem_test.rsp_data.next = self.memctl.rsp_data.val();
        self.dfi_cmd.next = self.memctl.dfi_cmd.val();
        self.dfi_bank.next = self.memctl.dfi_bank.val();
        self.dfi_row.next = self.memctl.dfi_row.val();
        self.dfi_col.next = self.memctl.dfi_col.val();
        self.dfi_wrdata.next = self.memctl.dfi_wrdata.val();
        self.dfi_wrmask.next = self.memctl.dfi_wrmask.val();
        self.memctl.dfi_rddata_valid.next = self.dfi_rddata_valid.val();
        self.memctl.dfi_rddata.next = self.dfi_rddata.val();

        // Responses out, as slots.
        self.response_header.a.next = self.op_read_data.val();
        if self.memctl.rsp_write.val() {
            self.response_header.a.next = self.op_write_ack.val();
        }
        self.response_header.b.next = self.memctl.rsp_id.val();
        self.response_slot.a.next = self.response_header.y.val();
        self.response_slot.b.next = self.memctl.rsp_data.val();
        self.responses.push.next =
            self.memctl.rsp_valid.val() & !self.responses.full.val() & !self.mem_test.active.val();
        self.responses.data_in.next = self.response_slot.y.val();
        self.memctl.rsp_ready.next = !self.responses.full.val() | self.mem_test.active.val();
        self.pack.mem_valid.next = !self.responses.empty.val();
        self.pack.mem_slot.next = self.responses.data_out.val();
        self.responses.pop.next = self.pack.mem_pop.val();
        self.pack.csr_valid.next = self.csr.rsp_valid.val();
        self.pack.csr_header.next = self.csr.rsp_header.val();
        self.csr.rsp_pop.next = self.pack.csr_pop.val();
        // Credits: requests the controller's domain has taken, as the link
        // side knows it.
        self.level16.a.next = self.requests.wr_level.val();
        self.pack.credits.next = self.pushed.q.val() - self.level16.y.val();
        self.phy.tx_valid.next = self.pack.tx_valid.val();
        self.phy.tx_word.next = self.pack.tx_word.val();
        self.pack.tx_ready.next = self.phy.tx_ready.val();

        // Registers: link status here, controller counters across.
        self.status_low.a.next = self.phy.state.val();
        self.status_low.b.next = self.phy.rx_mode.val();
        self.link_status.a.next = self.status_low.y.val();
        self.link_status.b.next = self.phy.lanes_good.val();
        self.csr.link_status.next = self.link_status.y.val();
        self.lanes_good.a.next = self.phy.lanes_good.val();
        self.csr.lanes_good.next = self.lanes_good.y.val();
        self.csr.crc_errors.next = self.phy.crc_errors.val();
        self.csr.replays.next = self.phy.replays.val();
        self.retrains32.a.next = self.phy.retrains.val();
        self.csr.retrains.next = self.retrains32.y.val();
        self.bad32.a.next = self.unpack.bad_slots.val();
        self.csr.bad_slots.next = self.bad32.y.val();
        self.counter_sel.send.next = self.csr.mc_request.val();
        self.counter_sel.data_in.next = self.csr.mc_sel.val();
        self.memctl.cnt_sel.next = self.counter_sel.data_out.val();
        self.counter_value.send.next = self.counter_sel.valid.val();
        self.mem_test.sel.next = self.counter_sel.data_out.val();
        self.counter_value.data_in.next = self.memctl.cnt_value.val();
        if self.counter_sel.data_out.val() >= self.first_result.val() {
            self.counter_value.data_in.next = self.mem_test.value.val();
        }
        self.csr.mc_valid.next = self.counter_value.valid.val();
        self.csr.mc_value.next = self.counter_value.data_out.val();

        // Self-tests, started by writes to LINK_TEST and MEM_TEST.
        self.link_test.start.next = self.csr.written.val().get_bit(1);
        self.link_test.mode.next = self.csr.rw.val().get_bits::<2>(32);
        self.link_test.clocks.next = self.csr.rw.val().get_bits::<32>(64);
        self.link_test.sel.next = self.csr.lt_sel.val();
        self.csr.lt_value.next = self.link_test.value.val();
        self.csr.link_test_status.next = self.link_test.status.val();
        self.link_test_running.next = self.link_test.running.val();
        self.mem_settings.a.next = self.csr.rw.val();
        self.mem_start.send.next = self.csr.written.val().get_bit(3)
            & (self.csr.rw.val().get_bits::<2>(100) != self.no_operation.val())
            & self.mem_start.ready.val();
        self.mem_start.data_in.next = self.mem_settings.y.val();
        self.mem_test.start.next = self.mem_start.valid.val();
        self.mem_test.settings.next = self.mem_start.data_out.val();
        self.mem_test_running.next = self.mem_test.active.val();
    }
}
    };
}

chip_top!(
    /// The test chip with the standard-package PHY.
    TestChip,
    D2dPhy,
    StandardLinkTest,
    STANDARD_LANE_BITS,
    STANDARD_LANES
);
chip_top!(
    /// The test chip with the advanced-package PHY (a build option).
    TestChipAdvanced,
    AdvancedPhy,
    AdvancedLinkTest,
    ADVANCED_LANE_BITS,
    ADVANCED_LANES
);
