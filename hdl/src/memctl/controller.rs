//! The HBM3-class pseudo-channel controller.
//!
//! Front end: one request per cycle (valid/ready: read or write, burst
//! address, write data + byte mask, an 8-bit ID); responses (read data + ID,
//! write acknowledge + ID) leave out of order, tagged by ID, under
//! valid/ready back-pressure. A request whose burst address matches a queued
//! request waits at the port (`req_ready` low), which keeps same-address
//! requests in order without comparing ages across queues.
//!
//! Core: a read and a write queue ([`RequestQueue`]), per-bank state (open
//! row and four timing counters), bank-group and channel counters, and an
//! FR-FCFS choice each cycle: refresh when due; else, in the queue being
//! served (writes drain between high and low watermarks), the oldest row hit
//! that may issue, else the oldest request whose ACT or PRE may issue. A
//! queue head past the age cap is served first. Timing is kept as
//! down-counters: a rule "B at least N cycles after A" loads N - 1 when A
//! issues; B may issue at zero. There is no data-bus counter: bursts cannot
//! collide because tCCD_S covers a burst, tRTW + WL covers RL + burst, and
//! tWTR runs from the end of write data (rules `MemParams::check` enforces);
//! the device model still checks the bus.
//!
//! PHY side, DFI-style at a 1:1 frequency ratio: one command per CK on
//! `dfi_cmd`/`dfi_bank`/`dfi_row`/`dfi_col` (registered), write data and
//! mask presented with the WR command (tphy_wrlat = 0: the PHY delays them to
//! WL), read data returned with `dfi_rddata_valid`, in command order. A 1:2
//! ratio would need two command slots per controller clock (a row and a
//! column slot, as HBM3's separate row and column buses allow), the
//! counters scaled to controller clocks with the slot recorded, and the
//! write data split into two beats.

use super::config::{ControllerConfig, PagePolicy, RefreshMode, TimerLoads};
use super::mapping::MapScheme;
use super::params::MemParams;
use super::queue::RequestQueue;
use super::widths::*;
use crate::primitives::{Gf2Matrix, Reg, Sram, SyncFifo, XorNet2};
use rust_hdl::prelude::*;

/// `dfi_cmd` encoding.
pub const CMD_NOP: u64 = 0;
pub const CMD_ACT: u64 = 1;
pub const CMD_PRE: u64 = 2;
pub const CMD_RD: u64 = 3;
pub const CMD_WR: u64 = 4;
pub const CMD_REFAB: u64 = 5;
pub const CMD_REFPB: u64 = 6;

/// What `cnt_sel` selects on `cnt_value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterSel {
    Reads = 0,
    Writes = 1,
    Activates = 2,
    Precharges = 3,
    RowHits = 4,
    RowMisses = 5,
    RowConflicts = 6,
    Refreshes = 7,
    DataBusyCycles = 8,
}

pub const COUNTERS: usize = 9;

#[derive(LogicBlock)]
pub struct Memctl {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Request port.
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_write: Signal<In, Bit>,
    /// Burst address (32-byte units).
    pub req_addr: Signal<In, Addr>,
    pub req_id: Signal<In, Id>,
    pub req_data: Signal<In, Data>,
    /// One bit per byte of `req_data`: 1 = write the byte.
    pub req_mask: Signal<In, Mask>,
    // Response port.
    pub rsp_valid: Signal<Out, Bit>,
    pub rsp_ready: Signal<In, Bit>,
    /// 1 = write acknowledge, 0 = read data.
    pub rsp_write: Signal<Out, Bit>,
    pub rsp_id: Signal<Out, Id>,
    pub rsp_data: Signal<Out, Data>,
    // DFI-style PHY interface.
    pub dfi_cmd: Signal<Out, Bits<3>>,
    /// `[3:2]` bank, `[1:0]` bank group.
    pub dfi_bank: Signal<Out, BankIdx>,
    pub dfi_row: Signal<Out, Row>,
    pub dfi_col: Signal<Out, Col>,
    pub dfi_wrdata: Signal<Out, Data>,
    pub dfi_wrmask: Signal<Out, Mask>,
    pub dfi_rddata_valid: Signal<In, Bit>,
    pub dfi_rddata: Signal<In, Data>,
    // Performance counters, read one at a time.
    pub cnt_sel: Signal<In, Bits<4>>,
    pub cnt_value: Signal<Out, Counter>,

    rq: RequestQueue,
    wq: RequestQueue,
    /// Write data and mask wait in their slot until the WR issues; read at
    /// the WR, they reach the DFI on the next clock (the macro's read
    /// register is the DFI output register).
    write_buffer: Sram<WriteWord, 5>,
    /// Data and mask side by side (wiring only).
    pack_write: XorNet2<DATA_BITS, BURST_BYTES, { DATA_BITS + BURST_BYTES }>,
    /// IDs of issued reads, in order, until their data is handed out; its
    /// depth is the read credit.
    rd_ids: SyncFifo<Id, 4, 5>,
    rd_data: SyncFifo<Data, 4, 5>,
    wr_acks: SyncFifo<Id, 4, 5>,

    b_open: [Reg<Bit>; BANKS],
    b_row: [Reg<Row>; BANKS],
    /// Cycles until ACT / RD / WR / PRE may go to the bank.
    b_act: [Reg<Timer>; BANKS],
    b_rd: [Reg<Timer>; BANKS],
    b_wr: [Reg<Timer>; BANKS],
    b_pre: [Reg<Timer>; BANKS],
    g_act: [Reg<Timer>; GROUPS],
    g_rd: [Reg<Timer>; GROUPS],
    g_wr: [Reg<Timer>; GROUPS],
    c_act: Reg<Timer>,
    /// tPPD: PRE to PRE, any banks.
    c_pre: Reg<Timer>,
    /// tRREFD: REFpb to ACT or REFpb, other banks.
    c_refpb: Reg<Timer>,
    c_rd: Reg<Timer>,
    c_wr: Reg<Timer>,
    /// tFAW windows of the last four ACTs, newest first.
    faw: [Reg<Timer>; 4],
    ref_timer: Reg<Bits<14>>,
    debt: Reg<Bits<4>>,
    pb_timer: Reg<Bits<14>>,
    pb_owed: Reg<Bits<8>>,
    pb_next: Reg<BankIdx>,
    draining: Reg<Bit>,
    free_slots: Reg<SlotVec>,
    o_cmd: Reg<Bits<3>>,
    o_bank: Reg<BankIdx>,
    o_row: Reg<Row>,
    o_col: Reg<Col>,
    counters: [Reg<Counter>; COUNTERS],

    in_bank: Signal<Local, BankIdx>,
    in_row: Signal<Local, Row>,
    in_col: Signal<Local, Col>,
    in_open: Signal<Local, Bit>,
    in_open_row: Signal<Local, Row>,
    in_slot: Signal<Local, Slot>,
    in_hit: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    accept_write: Signal<Local, Bit>,
    slots_next: Signal<Local, SlotVec>,
    v_open: Signal<Local, BankVec>,
    v_rd_ok: Signal<Local, BankVec>,
    v_wr_ok: Signal<Local, BankVec>,
    v_act_ok: Signal<Local, BankVec>,
    v_pre_ok: Signal<Local, BankVec>,
    v_ref_ok: Signal<Local, BankVec>,
    wanted: Signal<Local, BankVec>,
    all_closed_ready: Signal<Local, Bit>,
    lowest_open: Signal<Local, BankIdx>,
    any_open: Signal<Local, Bit>,
    idle_close: Signal<Local, BankIdx>,
    idle_close_found: Signal<Local, Bit>,
    idle: Signal<Local, Bit>,
    r_empty: Signal<Local, Bit>,
    w_empty: Signal<Local, Bit>,
    must_refresh: Signal<Local, Bit>,
    pb_active: Signal<Local, Bit>,
    pb_forced: Signal<Local, Bit>,
    over_r: Signal<Local, Bit>,
    over_w: Signal<Local, Bit>,
    focus_r: Signal<Local, Bit>,
    focus_w: Signal<Local, Bit>,
    drain: Signal<Local, Bit>,
    cmd: Signal<Local, Bits<3>>,
    cmd_bank: Signal<Local, BankIdx>,
    cmd_row: Signal<Local, Row>,
    cmd_col: Signal<Local, Col>,
    col_from_w: Signal<Local, Bit>,
    col_from_r: Signal<Local, Bit>,
    row_from_w: Signal<Local, Bit>,
    row_from_r: Signal<Local, Bit>,
    served_first: Signal<Local, Bits<2>>,
    is_act: Signal<Local, Bit>,
    is_pre: Signal<Local, Bit>,
    is_rd: Signal<Local, Bit>,
    is_wr: Signal<Local, Bit>,
    is_col: Signal<Local, Bit>,
    is_refab: Signal<Local, Bit>,
    is_refpb: Signal<Local, Bit>,
    rsp_read: Signal<Local, Bit>,

    // Timing loads (rule - 1) and the fixed policy, from the preset and
    // the configuration.
    k_trcd_rd: Constant<Timer>,
    k_trcd_wr: Constant<Timer>,
    k_tras: Constant<Timer>,
    k_trc: Constant<Timer>,
    k_trp: Constant<Timer>,
    k_trrd_s: Constant<Timer>,
    k_tppd: Constant<Timer>,
    k_trrefd: Constant<Timer>,
    k_trrd_l: Constant<Timer>,
    k_tfaw: Constant<Timer>,
    k_tccd_s: Constant<Timer>,
    k_tccd_l: Constant<Timer>,
    k_trtw: Constant<Timer>,
    k_trtp: Constant<Timer>,
    k_wtr_s: Constant<Timer>,
    k_wtr_l: Constant<Timer>,
    k_wr_pre: Constant<Timer>,
    k_trfcab: Constant<Timer>,
    k_trfcpb: Constant<Timer>,
    k_trefi_last: Constant<Bits<14>>,
    k_pb_last: Constant<Bits<14>>,
    k_max_post: Constant<Bits<4>>,
    k_pb_limit: Constant<Bits<8>>,
    k_high: Constant<Count>,
    k_low: Constant<Count>,
    k_cap: Constant<Age>,
    k_burst: Constant<Counter>,
    map_interleaved: Constant<Bit>,
    closed_page: Constant<Bit>,
    per_bank: Constant<Bit>,
    onehot: [Constant<BankVec>; BANKS],
    bank_index: [Constant<BankIdx>; BANKS],
    slot_index: [Constant<Slot>; 32],
    one_slot: Constant<SlotVec>,
    one_timer: Constant<Timer>,
    one_14: Constant<Bits<14>>,
    one_4: Constant<Bits<4>>,
    one_8: Constant<Bits<8>>,
    one_bank: Constant<BankIdx>,
    one_counter: Constant<Counter>,
    zero_vec: Constant<BankVec>,
    zero_count: Constant<Count>,
    zero_14: Constant<Bits<14>>,
    zero_data: Constant<Data>,
    zero_counter: Constant<Counter>,
    last_bank: Constant<BankIdx>,
    bank_mask: Constant<BankIdx>,
    group_mask: Constant<BankIdx>,
    op_nop: Constant<Bits<3>>,
    op_act: Constant<Bits<3>>,
    op_pre: Constant<Bits<3>>,
    op_rd: Constant<Bits<3>>,
    op_wr: Constant<Bits<3>>,
    op_refab: Constant<Bits<3>>,
    op_refpb: Constant<Bits<3>>,
    first_miss: Constant<Bits<2>>,
    first_conflict: Constant<Bits<2>>,
    first_hit: Constant<Bits<2>>,
}

fn k<const N: usize>(v: i64) -> Constant<Bits<N>> {
    assert!(
        v >= 0 && (N >= 64 || v < 1 << N),
        "constant {v} does not fit {N} bits (ControllerConfig::check rejects this)"
    );
    Constant::new((v as u64).into())
}

impl Memctl {
    /// Builds the controller for `p` and `cfg`. Call
    /// [`ControllerConfig::check`] first: it turns what would not fit into an
    /// error. `p` is taken as given (not re-checked for JEDEC consistency),
    /// so a test can build a controller with one rule shortened.
    pub fn new(p: &MemParams, cfg: &ControllerConfig) -> Self {
        let l = TimerLoads::of(p);
        let t = &p.timing;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_id: Default::default(),
            req_data: Default::default(),
            req_mask: Default::default(),
            rsp_valid: Default::default(),
            rsp_ready: Default::default(),
            rsp_write: Default::default(),
            rsp_id: Default::default(),
            rsp_data: Default::default(),
            dfi_cmd: Default::default(),
            dfi_bank: Default::default(),
            dfi_row: Default::default(),
            dfi_col: Default::default(),
            dfi_wrdata: Default::default(),
            dfi_wrmask: Default::default(),
            dfi_rddata_valid: Default::default(),
            dfi_rddata: Default::default(),
            cnt_sel: Default::default(),
            cnt_value: Default::default(),
            rq: Default::default(),
            wq: Default::default(),
            write_buffer: Default::default(),
            pack_write: XorNet2::new(Gf2Matrix::placement(
                DATA_BITS + BURST_BYTES,
                DATA_BITS + BURST_BYTES,
                &[(0, 0, DATA_BITS + BURST_BYTES)],
            )),
            rd_ids: SyncFifo::new(16),
            rd_data: SyncFifo::new(16),
            wr_acks: SyncFifo::new(16),
            b_open: Default::default(),
            b_row: Default::default(),
            b_act: Default::default(),
            b_rd: Default::default(),
            b_wr: Default::default(),
            b_pre: Default::default(),
            g_act: Default::default(),
            g_rd: Default::default(),
            g_wr: Default::default(),
            c_act: Default::default(),
            c_pre: Default::default(),
            c_refpb: Default::default(),
            c_rd: Default::default(),
            c_wr: Default::default(),
            faw: Default::default(),
            ref_timer: Default::default(),
            debt: Default::default(),
            pb_timer: Default::default(),
            pb_owed: Default::default(),
            pb_next: Default::default(),
            draining: Default::default(),
            free_slots: Reg::new(0xffff_ffffu64.into()),
            o_cmd: Default::default(),
            o_bank: Default::default(),
            o_row: Default::default(),
            o_col: Default::default(),
            counters: Default::default(),
            in_bank: Default::default(),
            in_row: Default::default(),
            in_col: Default::default(),
            in_open: Default::default(),
            in_open_row: Default::default(),
            in_slot: Default::default(),
            in_hit: Default::default(),
            accept: Default::default(),
            accept_write: Default::default(),
            slots_next: Default::default(),
            v_open: Default::default(),
            v_rd_ok: Default::default(),
            v_wr_ok: Default::default(),
            v_act_ok: Default::default(),
            v_pre_ok: Default::default(),
            v_ref_ok: Default::default(),
            wanted: Default::default(),
            all_closed_ready: Default::default(),
            lowest_open: Default::default(),
            any_open: Default::default(),
            idle_close: Default::default(),
            idle_close_found: Default::default(),
            idle: Default::default(),
            r_empty: Default::default(),
            w_empty: Default::default(),
            must_refresh: Default::default(),
            pb_active: Default::default(),
            pb_forced: Default::default(),
            over_r: Default::default(),
            over_w: Default::default(),
            focus_r: Default::default(),
            focus_w: Default::default(),
            drain: Default::default(),
            cmd: Default::default(),
            cmd_bank: Default::default(),
            cmd_row: Default::default(),
            cmd_col: Default::default(),
            col_from_w: Default::default(),
            col_from_r: Default::default(),
            row_from_w: Default::default(),
            row_from_r: Default::default(),
            served_first: Default::default(),
            is_act: Default::default(),
            is_pre: Default::default(),
            is_rd: Default::default(),
            is_wr: Default::default(),
            is_col: Default::default(),
            is_refab: Default::default(),
            is_refpb: Default::default(),
            rsp_read: Default::default(),
            k_trcd_rd: k(l.trcd_rd),
            k_trcd_wr: k(l.trcd_wr),
            k_tras: k(l.tras),
            k_trc: k(l.trc),
            k_trp: k(l.trp),
            k_trrd_s: k(l.trrd_s),
            k_tppd: k(l.tppd),
            k_trrefd: k(l.trrefd),
            k_trrd_l: k(l.trrd_l),
            k_tfaw: k(l.tfaw),
            k_tccd_s: k(l.tccd_s),
            k_tccd_l: k(l.tccd_l),
            k_trtw: k(l.trtw),
            k_trtp: k(l.trtp),
            k_wtr_s: k(l.wtr_s),
            k_wtr_l: k(l.wtr_l),
            k_wr_pre: k(l.wr_pre),
            k_trfcab: k(l.trfcab),
            k_trfcpb: k(l.trfcpb),
            k_trefi_last: k(i64::from(t.trefi) - 1),
            k_pb_last: k(i64::from(t.trefi / BANKS as u32) - 1),
            k_max_post: k(i64::from(p.refresh.max_postponed)),
            k_pb_limit: k(i64::from(p.refresh.max_postponed) * BANKS as i64),
            k_high: k(i64::from(cfg.write_high)),
            k_low: k(i64::from(cfg.write_low)),
            k_cap: k(i64::from(cfg.age_cap)),
            k_burst: k(i64::from(p.burst_cycles())),
            map_interleaved: Constant::new(cfg.map == MapScheme::BankGroupInterleaved),
            closed_page: Constant::new(cfg.page == PagePolicy::Closed),
            per_bank: Constant::new(cfg.refresh == RefreshMode::PerBank),
            onehot: std::array::from_fn(|i| k(1 << i)),
            bank_index: std::array::from_fn(|i| k(i as i64)),
            slot_index: std::array::from_fn(|i| k(i as i64)),
            one_slot: k(1),
            one_timer: k(1),
            one_14: k(1),
            one_4: k(1),
            one_8: k(1),
            one_bank: k(1),
            one_counter: k(1),
            zero_vec: k(0),
            zero_count: k(0),
            zero_14: k(0),
            zero_data: Constant::new(Data::default()),
            zero_counter: k(0),
            last_bank: k(BANKS as i64 - 1),
            bank_mask: k(0b1100),
            group_mask: k(0b0011),
            op_nop: k(CMD_NOP as i64),
            op_act: k(CMD_ACT as i64),
            op_pre: k(CMD_PRE as i64),
            op_rd: k(CMD_RD as i64),
            op_wr: k(CMD_WR as i64),
            op_refab: k(CMD_REFAB as i64),
            op_refpb: k(CMD_REFPB as i64),
            first_miss: k(1),
            first_conflict: k(2),
            first_hit: k(0),
        }
    }
}

impl Logic for Memctl {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- Clocks and resets.
        self.rq.clock.next = self.clock.val();
        self.rq.reset.next = self.reset.val();
        self.wq.clock.next = self.clock.val();
        self.wq.reset.next = self.reset.val();
        self.write_buffer.clock.next = self.clock.val();
        self.rd_ids.clock.next = self.clock.val();
        self.rd_ids.reset.next = self.reset.val();
        self.rd_data.clock.next = self.clock.val();
        self.rd_data.reset.next = self.reset.val();
        self.wr_acks.clock.next = self.clock.val();
        self.wr_acks.reset.next = self.reset.val();
        for b in 0..BANKS {
            self.b_open[b].clock.next = self.clock.val();
            self.b_open[b].reset.next = self.reset.val();
            self.b_row[b].clock.next = self.clock.val();
            self.b_row[b].reset.next = self.reset.val();
            self.b_act[b].clock.next = self.clock.val();
            self.b_act[b].reset.next = self.reset.val();
            self.b_rd[b].clock.next = self.clock.val();
            self.b_rd[b].reset.next = self.reset.val();
            self.b_wr[b].clock.next = self.clock.val();
            self.b_wr[b].reset.next = self.reset.val();
            self.b_pre[b].clock.next = self.clock.val();
            self.b_pre[b].reset.next = self.reset.val();
        }
        for g in 0..GROUPS {
            self.g_act[g].clock.next = self.clock.val();
            self.g_act[g].reset.next = self.reset.val();
            self.g_rd[g].clock.next = self.clock.val();
            self.g_rd[g].reset.next = self.reset.val();
            self.g_wr[g].clock.next = self.clock.val();
            self.g_wr[g].reset.next = self.reset.val();
            self.faw[g].clock.next = self.clock.val();
            self.faw[g].reset.next = self.reset.val();
        }
        for c in 0..COUNTERS {
            self.counters[c].clock.next = self.clock.val();
            self.counters[c].reset.next = self.reset.val();
        }
        self.c_act.clock.next = self.clock.val();
        self.c_act.reset.next = self.reset.val();
        self.c_pre.clock.next = self.clock.val();
        self.c_pre.reset.next = self.reset.val();
        self.c_refpb.clock.next = self.clock.val();
        self.c_refpb.reset.next = self.reset.val();
        self.c_rd.clock.next = self.clock.val();
        self.c_rd.reset.next = self.reset.val();
        self.c_wr.clock.next = self.clock.val();
        self.c_wr.reset.next = self.reset.val();
        self.ref_timer.clock.next = self.clock.val();
        self.ref_timer.reset.next = self.reset.val();
        self.debt.clock.next = self.clock.val();
        self.debt.reset.next = self.reset.val();
        self.pb_timer.clock.next = self.clock.val();
        self.pb_timer.reset.next = self.reset.val();
        self.pb_owed.clock.next = self.clock.val();
        self.pb_owed.reset.next = self.reset.val();
        self.pb_next.clock.next = self.clock.val();
        self.pb_next.reset.next = self.reset.val();
        self.draining.clock.next = self.clock.val();
        self.draining.reset.next = self.reset.val();
        self.free_slots.clock.next = self.clock.val();
        self.free_slots.reset.next = self.reset.val();
        self.o_cmd.clock.next = self.clock.val();
        self.o_cmd.reset.next = self.reset.val();
        self.o_bank.clock.next = self.clock.val();
        self.o_bank.reset.next = self.reset.val();
        self.o_row.clock.next = self.clock.val();
        self.o_row.reset.next = self.reset.val();
        self.o_col.clock.next = self.clock.val();
        self.o_col.reset.next = self.reset.val();

        // ---- Address mapping of the incoming request. Bank index is
        // {bank, bank group}; see `mapping.rs` for the two schemes.
        self.in_row.next = self.req_addr.val().get_bits::<14>(9);
        if self.map_interleaved.val() {
            self.in_bank.next = (self.req_addr.val().get_bits::<4>(5) & self.bank_mask.val())
                | (self.req_addr.val().get_bits::<4>(0) & self.group_mask.val());
            self.in_col.next = self.req_addr.val().get_bits::<5>(2);
        } else {
            self.in_bank.next = self.req_addr.val().get_bits::<4>(5);
            self.in_col.next = self.req_addr.val().get_bits::<5>(0);
        }

        // ---- Bank state as one bit per bank.
        self.v_open.next = self.zero_vec.val();
        self.v_rd_ok.next = self.zero_vec.val();
        self.v_wr_ok.next = self.zero_vec.val();
        self.v_act_ok.next = self.zero_vec.val();
        self.v_pre_ok.next = self.zero_vec.val();
        self.v_ref_ok.next = self.zero_vec.val();
        self.in_open.next = false;
        self.in_open_row.next = self.b_row[0].q.val();
        for b in 0..BANKS {
            if self.b_open[b].q.val() {
                self.v_open.next = self.v_open.val() | self.onehot[b].val();
            }
            if !self.b_rd[b].q.val().any() & !self.g_rd[b % 4].q.val().any() {
                self.v_rd_ok.next = self.v_rd_ok.val() | self.onehot[b].val();
            }
            if !self.b_wr[b].q.val().any() & !self.g_wr[b % 4].q.val().any() {
                self.v_wr_ok.next = self.v_wr_ok.val() | self.onehot[b].val();
            }
            // A per-bank refresh holds off other banks' ACT and REFpb for
            // tRREFD (its own bank waits tRFCpb); a PRE holds off the next
            // PRE for tPPD.
            if !self.b_act[b].q.val().any() & !self.c_refpb.q.val().any() {
                self.v_ref_ok.next = self.v_ref_ok.val() | self.onehot[b].val();
            }
            if !self.b_act[b].q.val().any()
                & !self.g_act[b % 4].q.val().any()
                & !self.c_refpb.q.val().any()
            {
                self.v_act_ok.next = self.v_act_ok.val() | self.onehot[b].val();
            }
            if !self.b_pre[b].q.val().any() & !self.c_pre.q.val().any() {
                self.v_pre_ok.next = self.v_pre_ok.val() | self.onehot[b].val();
            }
            if self.in_bank.val().index() == b {
                self.in_open.next = self.b_open[b].q.val();
                self.in_open_row.next = self.b_row[b].q.val();
            }
        }
        self.wanted.next = self.rq.hits.val() | self.wq.hits.val();

        // ---- Refresh obligations.
        self.r_empty.next = self.rq.count.val() == self.zero_count.val();
        self.w_empty.next = self.wq.count.val() == self.zero_count.val();
        self.idle.next = self.r_empty.val() & self.w_empty.val();
        self.must_refresh.next = !self.per_bank.val()
            & ((self.debt.q.val() > self.k_max_post.val())
                | (self.debt.q.val().any() & self.idle.val()));
        self.pb_active.next = self.per_bank.val() & self.pb_owed.q.val().any();
        self.pb_forced.next = self.pb_owed.q.val() > self.k_pb_limit.val();
        // The bank due for per-bank refresh takes no ACT meanwhile.
        if self.pb_active.val() {
            self.v_act_ok.next =
                self.v_act_ok.val() & !(self.onehot[0].val() << self.pb_next.q.val());
        }
        self.any_open.next = self.v_open.val().any();
        self.lowest_open.next = self.bank_index[0].val();
        self.all_closed_ready.next = self.v_ref_ok.val().all();
        for j in 0..BANKS {
            if self.b_open[15 - j].q.val() {
                self.lowest_open.next = self.bank_index[15 - j].val();
            }
        }
        // Closed page: the lowest open bank nobody queued hits.
        self.idle_close_found.next = false;
        self.idle_close.next = self.bank_index[0].val();
        for j in 0..BANKS {
            if self.b_open[15 - j].q.val()
                & !self.wanted.val().get_bit(15 - j)
                & !self.b_pre[15 - j].q.val().any()
                & !self.c_pre.q.val().any()
            {
                self.idle_close_found.next = true;
                self.idle_close.next = self.bank_index[15 - j].val();
            }
        }

        // ---- Which queue is served: write drain between the watermarks;
        // a queue head past the age cap overrides.
        self.drain.next = self.draining.q.val();
        if (self.wq.count.val() >= self.k_high.val()) | (self.r_empty.val() & !self.w_empty.val()) {
            self.drain.next = true;
        }
        if self.drain.val()
            & (((self.wq.count.val() <= self.k_low.val()) & !self.r_empty.val())
                | self.w_empty.val())
        {
            self.drain.next = false;
        }
        self.over_r.next = !self.r_empty.val() & (self.rq.head_age.val() > self.k_cap.val());
        self.over_w.next = !self.w_empty.val() & (self.wq.head_age.val() > self.k_cap.val());
        self.focus_w.next = self.over_w.val()
            & (!self.over_r.val() | (self.wq.head_age.val() > self.rq.head_age.val()));
        self.focus_r.next = self.over_r.val() & !self.focus_w.val();
        if self.focus_w.val() {
            self.drain.next = true;
        }
        if self.focus_r.val() {
            self.drain.next = false;
        }
        self.draining.d.next = self.drain.val();

        // ---- Queue inputs: bank state, channel timers, focus.
        self.rq.bank_open.next = self.v_open.val();
        self.wq.bank_open.next = self.v_open.val();
        self.rq.bank_col_ok.next = self.v_rd_ok.val();
        self.wq.bank_col_ok.next = self.v_wr_ok.val();
        self.rq.bank_act_ok.next = self.v_act_ok.val();
        self.wq.bank_act_ok.next = self.v_act_ok.val();
        self.rq.bank_pre_ok.next = self.v_pre_ok.val();
        self.wq.bank_pre_ok.next = self.v_pre_ok.val();
        self.rq.wanted.next = self.wanted.val();
        self.wq.wanted.next = self.wanted.val();
        self.rq.chan_col_ok.next = !self.c_rd.q.val().any() & !self.rd_ids.full.val();
        self.wq.chan_col_ok.next = !self.c_wr.q.val().any() & !self.wr_acks.full.val();
        self.rq.chan_act_ok.next = !self.c_act.q.val().any() & !self.faw[3].q.val().any();
        self.wq.chan_act_ok.next = !self.c_act.q.val().any() & !self.faw[3].q.val().any();
        self.rq.focus.next = self.focus_r.val();
        self.wq.focus.next = self.focus_w.val();
        self.rq.cmp_bank.next = self.in_bank.val();
        self.rq.cmp_row.next = self.in_row.val();
        self.rq.cmp_col.next = self.in_col.val();
        self.wq.cmp_bank.next = self.in_bank.val();
        self.wq.cmp_row.next = self.in_row.val();
        self.wq.cmp_col.next = self.in_col.val();

        // ---- The command of this cycle.
        self.cmd.next = self.op_nop.val();
        self.cmd_bank.next = self.bank_index[0].val();
        self.cmd_row.next = self.rq.row_row.val();
        self.cmd_col.next = self.rq.col_col.val();
        self.col_from_r.next = false;
        self.col_from_w.next = false;
        self.row_from_r.next = false;
        self.row_from_w.next = false;
        if self.pb_active.val()
            & self.v_open.val().get_bit(self.pb_next.q.val().index())
            & (self.pb_forced.val() | !self.wanted.val().get_bit(self.pb_next.q.val().index()))
            & self.v_pre_ok.val().get_bit(self.pb_next.q.val().index())
        {
            self.cmd.next = self.op_pre.val();
            self.cmd_bank.next = self.pb_next.q.val();
        } else if self.pb_active.val()
            & !self.v_open.val().get_bit(self.pb_next.q.val().index())
            & self.v_ref_ok.val().get_bit(self.pb_next.q.val().index())
        {
            self.cmd.next = self.op_refpb.val();
            self.cmd_bank.next = self.pb_next.q.val();
        } else if self.must_refresh.val() {
            // Close every bank, then refresh them all.
            if self.any_open.val() {
                if self.v_pre_ok.val().get_bit(self.lowest_open.val().index()) {
                    self.cmd.next = self.op_pre.val();
                    self.cmd_bank.next = self.lowest_open.val();
                }
            } else if self.all_closed_ready.val() {
                self.cmd.next = self.op_refab.val();
            }
        } else if self.drain.val() {
            if self.wq.col_found.val() {
                self.cmd.next = self.op_wr.val();
                self.cmd_bank.next = self.wq.col_bank.val();
                self.cmd_col.next = self.wq.col_col.val();
                self.col_from_w.next = true;
            } else if self.wq.row_found.val() {
                self.row_from_w.next = true;
                self.cmd_bank.next = self.wq.row_bank.val();
                self.cmd_row.next = self.wq.row_row.val();
                if self.wq.row_is_act.val() {
                    self.cmd.next = self.op_act.val();
                } else {
                    self.cmd.next = self.op_pre.val();
                }
            } else if self.closed_page.val() & self.idle_close_found.val() {
                self.cmd.next = self.op_pre.val();
                self.cmd_bank.next = self.idle_close.val();
            }
        } else if self.rq.col_found.val() {
            self.cmd.next = self.op_rd.val();
            self.cmd_bank.next = self.rq.col_bank.val();
            self.cmd_col.next = self.rq.col_col.val();
            self.col_from_r.next = true;
        } else if self.rq.row_found.val() {
            self.row_from_r.next = true;
            self.cmd_bank.next = self.rq.row_bank.val();
            self.cmd_row.next = self.rq.row_row.val();
            if self.rq.row_is_act.val() {
                self.cmd.next = self.op_act.val();
            } else {
                self.cmd.next = self.op_pre.val();
            }
        } else if self.closed_page.val() & self.idle_close_found.val() {
            self.cmd.next = self.op_pre.val();
            self.cmd_bank.next = self.idle_close.val();
        }
        self.is_act.next = self.cmd.val() == self.op_act.val();
        self.is_pre.next = self.cmd.val() == self.op_pre.val();
        self.is_rd.next = self.cmd.val() == self.op_rd.val();
        self.is_wr.next = self.cmd.val() == self.op_wr.val();
        self.is_col.next = self.is_rd.val() | self.is_wr.val();
        self.is_refab.next = self.cmd.val() == self.op_refab.val();
        self.is_refpb.next = self.cmd.val() == self.op_refpb.val();

        // ---- Timing counters: count down; a command loads each rule it
        // starts (keeping a longer wait already running).
        for b in 0..BANKS {
            self.b_open[b].d.next = self.b_open[b].q.val();
            self.b_row[b].d.next = self.b_row[b].q.val();
            self.b_act[b].d.next = self.b_act[b].q.val();
            self.b_rd[b].d.next = self.b_rd[b].q.val();
            self.b_wr[b].d.next = self.b_wr[b].q.val();
            self.b_pre[b].d.next = self.b_pre[b].q.val();
            if self.b_act[b].q.val().any() {
                self.b_act[b].d.next = self.b_act[b].q.val() - self.one_timer.val();
            }
            if self.b_rd[b].q.val().any() {
                self.b_rd[b].d.next = self.b_rd[b].q.val() - self.one_timer.val();
            }
            if self.b_wr[b].q.val().any() {
                self.b_wr[b].d.next = self.b_wr[b].q.val() - self.one_timer.val();
            }
            if self.b_pre[b].q.val().any() {
                self.b_pre[b].d.next = self.b_pre[b].q.val() - self.one_timer.val();
            }
            if self.cmd_bank.val().index() == b {
                if self.is_act.val() {
                    self.b_open[b].d.next = true;
                    self.b_row[b].d.next = self.cmd_row.val();
                    if self.b_rd[b].q.val() <= self.k_trcd_rd.val() {
                        self.b_rd[b].d.next = self.k_trcd_rd.val();
                    }
                    if self.b_wr[b].q.val() <= self.k_trcd_wr.val() {
                        self.b_wr[b].d.next = self.k_trcd_wr.val();
                    }
                    if self.b_pre[b].q.val() <= self.k_tras.val() {
                        self.b_pre[b].d.next = self.k_tras.val();
                    }
                    if self.b_act[b].q.val() <= self.k_trc.val() {
                        self.b_act[b].d.next = self.k_trc.val();
                    }
                }
                if self.is_pre.val() {
                    self.b_open[b].d.next = false;
                    if self.b_act[b].q.val() <= self.k_trp.val() {
                        self.b_act[b].d.next = self.k_trp.val();
                    }
                }
                if self.is_rd.val() & (self.b_pre[b].q.val() <= self.k_trtp.val()) {
                    self.b_pre[b].d.next = self.k_trtp.val();
                }
                if self.is_wr.val() & (self.b_pre[b].q.val() <= self.k_wr_pre.val()) {
                    self.b_pre[b].d.next = self.k_wr_pre.val();
                }
                if self.is_refpb.val() & (self.b_act[b].q.val() <= self.k_trfcpb.val()) {
                    self.b_act[b].d.next = self.k_trfcpb.val();
                }
            }
            if self.is_refab.val() & (self.b_act[b].q.val() <= self.k_trfcab.val()) {
                self.b_act[b].d.next = self.k_trfcab.val();
            }
        }
        for g in 0..GROUPS {
            self.g_act[g].d.next = self.g_act[g].q.val();
            self.g_rd[g].d.next = self.g_rd[g].q.val();
            self.g_wr[g].d.next = self.g_wr[g].q.val();
            if self.g_act[g].q.val().any() {
                self.g_act[g].d.next = self.g_act[g].q.val() - self.one_timer.val();
            }
            if self.g_rd[g].q.val().any() {
                self.g_rd[g].d.next = self.g_rd[g].q.val() - self.one_timer.val();
            }
            if self.g_wr[g].q.val().any() {
                self.g_wr[g].d.next = self.g_wr[g].q.val() - self.one_timer.val();
            }
            if (self.cmd_bank.val() & self.group_mask.val()).index() == g {
                if self.is_act.val() & (self.g_act[g].q.val() <= self.k_trrd_l.val()) {
                    self.g_act[g].d.next = self.k_trrd_l.val();
                }
                if self.is_rd.val() & (self.g_rd[g].q.val() <= self.k_tccd_l.val()) {
                    self.g_rd[g].d.next = self.k_tccd_l.val();
                }
                if self.is_wr.val() & (self.g_wr[g].q.val() <= self.k_tccd_l.val()) {
                    self.g_wr[g].d.next = self.k_tccd_l.val();
                }
                if self.is_wr.val() & (self.g_rd[g].q.val() <= self.k_wtr_l.val()) {
                    self.g_rd[g].d.next = self.k_wtr_l.val();
                }
            }
        }
        self.c_act.d.next = self.c_act.q.val();
        if self.c_act.q.val().any() {
            self.c_act.d.next = self.c_act.q.val() - self.one_timer.val();
        }
        if self.is_act.val() & (self.c_act.q.val() <= self.k_trrd_s.val()) {
            self.c_act.d.next = self.k_trrd_s.val();
        }
        self.c_pre.d.next = self.c_pre.q.val();
        if self.c_pre.q.val().any() {
            self.c_pre.d.next = self.c_pre.q.val() - self.one_timer.val();
        }
        if self.is_pre.val() {
            self.c_pre.d.next = self.k_tppd.val();
        }
        self.c_refpb.d.next = self.c_refpb.q.val();
        if self.c_refpb.q.val().any() {
            self.c_refpb.d.next = self.c_refpb.q.val() - self.one_timer.val();
        }
        if self.is_refpb.val() {
            self.c_refpb.d.next = self.k_trrefd.val();
        }
        self.c_rd.d.next = self.c_rd.q.val();
        if self.c_rd.q.val().any() {
            self.c_rd.d.next = self.c_rd.q.val() - self.one_timer.val();
        }
        if self.is_rd.val() & (self.c_rd.q.val() <= self.k_tccd_s.val()) {
            self.c_rd.d.next = self.k_tccd_s.val();
        }
        if self.is_wr.val() & (self.c_rd.q.val() <= self.k_wtr_s.val()) {
            self.c_rd.d.next = self.k_wtr_s.val();
        }
        self.c_wr.d.next = self.c_wr.q.val();
        if self.c_wr.q.val().any() {
            self.c_wr.d.next = self.c_wr.q.val() - self.one_timer.val();
        }
        if self.is_wr.val() & (self.c_wr.q.val() <= self.k_tccd_s.val()) {
            self.c_wr.d.next = self.k_tccd_s.val();
        }
        if self.is_rd.val() & (self.c_wr.q.val() <= self.k_trtw.val()) {
            self.c_wr.d.next = self.k_trtw.val();
        }
        for f in 0..4 {
            self.faw[f].d.next = self.faw[f].q.val();
            if self.faw[f].q.val().any() {
                self.faw[f].d.next = self.faw[f].q.val() - self.one_timer.val();
            }
        }
        if self.is_act.val() {
            self.faw[0].d.next = self.k_tfaw.val();
            for f in 1..4 {
                self.faw[f].d.next = self.faw[f - 1].q.val();
                if self.faw[f - 1].q.val().any() {
                    self.faw[f].d.next = self.faw[f - 1].q.val() - self.one_timer.val();
                }
            }
        }

        // ---- Refresh bookkeeping: one all-bank refresh owed per tREFI; in
        // per-bank mode one bank's refresh per tREFI / 16.
        self.ref_timer.d.next = self.ref_timer.q.val() + self.one_14.val();
        self.debt.d.next = self.debt.q.val();
        if self.ref_timer.q.val() == self.k_trefi_last.val() {
            self.ref_timer.d.next = self.zero_14.val();
            self.debt.d.next = self.debt.q.val() + self.one_4.val();
        }
        self.pb_timer.d.next = self.pb_timer.q.val() + self.one_14.val();
        self.pb_owed.d.next = self.pb_owed.q.val();
        if self.per_bank.val() & (self.pb_timer.q.val() == self.k_pb_last.val()) {
            self.pb_timer.d.next = self.zero_14.val();
            self.pb_owed.d.next = self.pb_owed.q.val() + self.one_8.val();
        }
        self.pb_next.d.next = self.pb_next.q.val();
        if self.is_refab.val() {
            self.debt.d.next = self.debt.q.val() - self.one_4.val();
        }
        if self.is_refpb.val() {
            self.pb_owed.d.next = self.pb_owed.q.val() - self.one_8.val();
            self.pb_next.d.next = self.pb_next.q.val() + self.one_bank.val();
            // A full round pays one interval.
            if self.pb_next.q.val() == self.last_bank.val() {
                self.debt.d.next = self.debt.q.val() - self.one_4.val();
            }
        }
        // Both at once: an interval accrues as a refresh is paid.
        if (self.ref_timer.q.val() == self.k_trefi_last.val())
            & (self.is_refab.val()
                | (self.is_refpb.val() & (self.pb_next.q.val() == self.last_bank.val())))
        {
            self.debt.d.next = self.debt.q.val();
        }
        if self.per_bank.val()
            & (self.pb_timer.q.val() == self.k_pb_last.val())
            & self.is_refpb.val()
        {
            self.pb_owed.d.next = self.pb_owed.q.val();
        }

        // ---- Queues: retire the served request, record row commands,
        // follow the bank state, accept the next request.
        self.rq.deq.next = self.col_from_r.val();
        self.rq.deq_index.next = self.rq.col_index.val();
        self.wq.deq.next = self.col_from_w.val();
        self.wq.deq_index.next = self.wq.col_index.val();
        self.rq.mark.next = self.row_from_r.val();
        self.wq.mark.next = self.row_from_w.val();
        self.rq.mark_index.next = self.rq.row_index.val();
        self.wq.mark_index.next = self.wq.row_index.val();
        self.rq.mark_value.next = self.first_conflict.val();
        self.wq.mark_value.next = self.first_conflict.val();
        if self.is_act.val() {
            self.rq.mark_value.next = self.first_miss.val();
            self.wq.mark_value.next = self.first_miss.val();
        }
        self.rq.act.next = self.is_act.val();
        self.wq.act.next = self.is_act.val();
        self.rq.act_bank.next = self.cmd_bank.val();
        self.wq.act_bank.next = self.cmd_bank.val();
        self.rq.act_row.next = self.cmd_row.val();
        self.wq.act_row.next = self.cmd_row.val();
        self.rq.close.next = self.is_pre.val();
        self.wq.close.next = self.is_pre.val();
        self.rq.close_bank.next = self.cmd_bank.val();
        self.wq.close_bank.next = self.cmd_bank.val();

        // The new entry's row is open if it is after this cycle's command.
        self.in_hit.next = self.in_open.val() & (self.in_open_row.val() == self.in_row.val());
        if self.cmd_bank.val() == self.in_bank.val() {
            if self.is_act.val() {
                self.in_hit.next = self.cmd_row.val() == self.in_row.val();
            }
            if self.is_pre.val() {
                self.in_hit.next = false;
            }
        }
        // Lowest free write-data slot.
        self.in_slot.next = self.slot_index[0].val();
        for j in 0..32 {
            if self.free_slots.q.val().get_bit(31 - j) {
                self.in_slot.next = self.slot_index[31 - j].val();
            }
        }
        self.req_ready.next = !self.rq.hazard.val() & !self.wq.hazard.val();
        if self.req_write.val() {
            self.req_ready.next = self.req_ready.val() & !self.wq.full.val();
        } else {
            self.req_ready.next = self.req_ready.val() & !self.rq.full.val();
        }
        self.accept.next = self.req_valid.val() & self.req_ready.val();
        self.accept_write.next = self.accept.val() & self.req_write.val();
        self.rq.enq.next = self.accept.val() & !self.req_write.val();
        self.wq.enq.next = self.accept_write.val();
        self.rq.enq_bank.next = self.in_bank.val();
        self.wq.enq_bank.next = self.in_bank.val();
        self.rq.enq_row.next = self.in_row.val();
        self.wq.enq_row.next = self.in_row.val();
        self.rq.enq_col.next = self.in_col.val();
        self.wq.enq_col.next = self.in_col.val();
        self.rq.enq_id.next = self.req_id.val();
        self.wq.enq_id.next = self.req_id.val();
        self.rq.enq_slot.next = self.slot_index[0].val();
        self.wq.enq_slot.next = self.in_slot.val();
        self.rq.enq_hit.next = self.in_hit.val();
        self.wq.enq_hit.next = self.in_hit.val();

        // Write data waits in a slot until its WR issues. A slot is never read in the clock it is written: it is written
        // when taken from the free set, read when its WR issues.
        self.write_buffer.write_enable.next = self.accept_write.val();
        self.write_buffer.write_address.next = self.in_slot.val();
        self.pack_write.a.next = self.req_data.val();
        self.pack_write.b.next = self.req_mask.val();
        self.write_buffer.write_data.next = self.pack_write.y.val();
        self.write_buffer.read_enable.next = self.is_wr.val();
        self.write_buffer.read_address.next = self.wq.col_slot.val();
        self.slots_next.next = self.free_slots.q.val();
        if self.accept_write.val() {
            self.slots_next.next =
                self.free_slots.q.val() & !(self.one_slot.val() << self.in_slot.val());
        }
        if self.is_wr.val() {
            self.slots_next.next =
                self.slots_next.val() | (self.one_slot.val() << self.wq.col_slot.val());
        }
        self.free_slots.d.next = self.slots_next.val();

        // ---- DFI outputs, registered.
        self.o_cmd.d.next = self.cmd.val();
        self.o_bank.d.next = self.cmd_bank.val();
        self.o_row.d.next = self.cmd_row.val();
        self.o_col.d.next = self.cmd_col.val();
        self.dfi_cmd.next = self.o_cmd.q.val();
        self.dfi_bank.next = self.o_bank.q.val();
        self.dfi_row.next = self.o_row.q.val();
        self.dfi_col.next = self.o_col.q.val();
        self.dfi_wrdata.next = self.write_buffer.read_data.val().get_bits::<256>(0);
        self.dfi_wrmask.next = self.write_buffer.read_data.val().get_bits::<32>(256);

        // ---- Responses: read data first (it cannot wait: its credit is
        // held), then write acknowledges.
        self.rd_ids.push.next = self.is_rd.val();
        self.rd_ids.data_in.next = self.rq.col_id.val();
        self.wr_acks.push.next = self.is_wr.val();
        self.wr_acks.data_in.next = self.wq.col_id.val();
        self.rd_data.push.next = self.dfi_rddata_valid.val();
        self.rd_data.data_in.next = self.dfi_rddata.val();
        self.rsp_read.next = !self.rd_data.empty.val();
        self.rsp_valid.next = self.rsp_read.val() | !self.wr_acks.empty.val();
        self.rsp_write.next = !self.rsp_read.val();
        self.rsp_id.next = self.wr_acks.data_out.val();
        self.rsp_data.next = self.zero_data.val();
        if self.rsp_read.val() {
            self.rsp_id.next = self.rd_ids.data_out.val();
            self.rsp_data.next = self.rd_data.data_out.val();
        }
        self.rd_data.pop.next = self.rsp_read.val() & self.rsp_ready.val();
        self.rd_ids.pop.next = self.rsp_read.val() & self.rsp_ready.val();
        self.wr_acks.pop.next =
            !self.rsp_read.val() & !self.wr_acks.empty.val() & self.rsp_ready.val();

        // ---- Performance counters.
        self.served_first.next = self.first_hit.val();
        if self.col_from_r.val() {
            self.served_first.next = self.rq.col_first.val();
        }
        if self.col_from_w.val() {
            self.served_first.next = self.wq.col_first.val();
        }
        for c in 0..COUNTERS {
            self.counters[c].d.next = self.counters[c].q.val();
        }
        if self.is_rd.val() {
            self.counters[0].d.next = self.counters[0].q.val() + self.one_counter.val();
        }
        if self.is_wr.val() {
            self.counters[1].d.next = self.counters[1].q.val() + self.one_counter.val();
        }
        if self.is_act.val() {
            self.counters[2].d.next = self.counters[2].q.val() + self.one_counter.val();
        }
        if self.is_pre.val() {
            self.counters[3].d.next = self.counters[3].q.val() + self.one_counter.val();
        }
        if self.is_col.val() {
            if self.served_first.val() == self.first_hit.val() {
                self.counters[4].d.next = self.counters[4].q.val() + self.one_counter.val();
            }
            if self.served_first.val() == self.first_miss.val() {
                self.counters[5].d.next = self.counters[5].q.val() + self.one_counter.val();
            }
            if self.served_first.val() == self.first_conflict.val() {
                self.counters[6].d.next = self.counters[6].q.val() + self.one_counter.val();
            }
            self.counters[8].d.next = self.counters[8].q.val() + self.k_burst.val();
        }
        if self.is_refab.val() | self.is_refpb.val() {
            self.counters[7].d.next = self.counters[7].q.val() + self.one_counter.val();
        }
        self.cnt_value.next = self.zero_counter.val();
        for c in 0..COUNTERS {
            if self.cnt_sel.val().index() == c {
                self.cnt_value.next = self.counters[c].q.val();
            }
        }
    }
}
