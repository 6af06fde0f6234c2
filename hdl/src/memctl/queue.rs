//! One request queue of the controller (reads or writes): 32 entries kept in
//! arrival order by collapsing (an entry leaving shifts the younger ones
//! down), so position is age and "oldest first" is "lowest index first".
//!
//! Each entry caches whether its row is the open row of its bank (`hit`):
//! set by an ACT to that bank and row, cleared when the bank closes. That
//! turns the per-entry row compare against 16 open-row registers into one
//! compare against the row being activated this cycle.
//!
//! The queue classifies its own entries against the bank state it is given
//! and offers two picks: the oldest row hit whose column command may issue
//! now, and the oldest entry whose ACT or PRE may issue now.

use super::widths::*;
use crate::primitives::Reg;
use rust_hdl::prelude::*;

/// Entries per queue.
pub const DEPTH: usize = 32;

#[derive(LogicBlock)]
pub struct RequestQueue {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Enqueue (taken whenever `enq` is high; the parent checks `full`).
    pub enq: Signal<In, Bit>,
    pub enq_bank: Signal<In, BankIdx>,
    pub enq_row: Signal<In, Row>,
    pub enq_col: Signal<In, Col>,
    pub enq_id: Signal<In, Id>,
    pub enq_slot: Signal<In, Slot>,
    /// The new entry's row is open (after this cycle's command).
    pub enq_hit: Signal<In, Bit>,
    // Remove the entry whose column command issues.
    pub deq: Signal<In, Bit>,
    pub deq_index: Signal<In, QIdx>,
    /// Record the first row command an entry caused (1 = ACT: a miss,
    /// 2 = PRE: a conflict), for the row-hit counters.
    pub mark: Signal<In, Bit>,
    pub mark_index: Signal<In, QIdx>,
    pub mark_value: Signal<In, Bits<2>>,
    // This cycle's row commands, for the cached hit bits.
    pub act: Signal<In, Bit>,
    pub act_bank: Signal<In, BankIdx>,
    pub act_row: Signal<In, Row>,
    pub close: Signal<In, Bit>,
    pub close_bank: Signal<In, BankIdx>,
    // Bank state, one bit per bank.
    pub bank_open: Signal<In, BankVec>,
    /// Bank and bank-group timers allow this queue's column command.
    pub bank_col_ok: Signal<In, BankVec>,
    pub bank_act_ok: Signal<In, BankVec>,
    pub bank_pre_ok: Signal<In, BankVec>,
    /// Some entry (in either queue) hits the bank's open row.
    pub wanted: Signal<In, BankVec>,
    /// Channel-level timers (tCCD_S, tWTR_S / tRTW) and response credits.
    pub chan_col_ok: Signal<In, Bit>,
    /// tRRD_S and tFAW.
    pub chan_act_ok: Signal<In, Bit>,
    /// The head is past the age cap and goes first: only it and entries to
    /// other banks are candidates, and it may close a row others still hit.
    pub focus: Signal<In, Bit>,
    // Hazard check for an incoming request.
    pub cmp_bank: Signal<In, BankIdx>,
    pub cmp_row: Signal<In, Row>,
    pub cmp_col: Signal<In, Col>,
    pub hazard: Signal<Out, Bit>,

    pub count: Signal<Out, Count>,
    pub full: Signal<Out, Bit>,
    /// Banks whose open row some entry here hits.
    pub hits: Signal<Out, BankVec>,
    pub head_age: Signal<Out, Age>,
    // Oldest row hit that may issue its column command now.
    pub col_found: Signal<Out, Bit>,
    pub col_index: Signal<Out, QIdx>,
    pub col_bank: Signal<Out, BankIdx>,
    pub col_col: Signal<Out, Col>,
    pub col_id: Signal<Out, Id>,
    pub col_slot: Signal<Out, Slot>,
    pub col_first: Signal<Out, Bits<2>>,
    // Oldest entry whose ACT (or PRE) may issue now.
    pub row_found: Signal<Out, Bit>,
    pub row_is_act: Signal<Out, Bit>,
    pub row_index: Signal<Out, QIdx>,
    pub row_bank: Signal<Out, BankIdx>,
    pub row_row: Signal<Out, Row>,

    valid: [Reg<Bit>; DEPTH],
    bank: [Reg<BankIdx>; DEPTH],
    row: [Reg<Row>; DEPTH],
    col: [Reg<Col>; DEPTH],
    id: [Reg<Id>; DEPTH],
    slot: [Reg<Slot>; DEPTH],
    age: [Reg<Age>; DEPTH],
    first: [Reg<Bits<2>>; DEPTH],
    hit: [Reg<Bit>; DEPTH],
    n: Reg<Count>,

    // Per entry, this cycle.
    next_hit: [Signal<Local, Bit>; DEPTH],
    next_age: [Signal<Local, Age>; DEPTH],
    shift: [Signal<Local, Bit>; DEPTH],
    candidate: [Signal<Local, Bit>; DEPTH],
    col_ok: [Signal<Local, Bit>; DEPTH],
    row_ok: [Signal<Local, Bit>; DEPTH],
    act_ok: [Signal<Local, Bit>; DEPTH],
    enq_at: Signal<Local, Count>,

    index: [Constant<QIdx>; DEPTH],
    one_bank: Constant<BankVec>,
    one_age: Constant<Age>,
    max_age: Constant<Age>,
    one_count: Constant<Count>,
    depth: Constant<Count>,
    zero_vec: Constant<BankVec>,
    zero_first: Constant<Bits<2>>,
}

impl Default for RequestQueue {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enq: Default::default(),
            enq_bank: Default::default(),
            enq_row: Default::default(),
            enq_col: Default::default(),
            enq_id: Default::default(),
            enq_slot: Default::default(),
            enq_hit: Default::default(),
            deq: Default::default(),
            deq_index: Default::default(),
            mark: Default::default(),
            mark_index: Default::default(),
            mark_value: Default::default(),
            act: Default::default(),
            act_bank: Default::default(),
            act_row: Default::default(),
            close: Default::default(),
            close_bank: Default::default(),
            bank_open: Default::default(),
            bank_col_ok: Default::default(),
            bank_act_ok: Default::default(),
            bank_pre_ok: Default::default(),
            wanted: Default::default(),
            chan_col_ok: Default::default(),
            chan_act_ok: Default::default(),
            focus: Default::default(),
            cmp_bank: Default::default(),
            cmp_row: Default::default(),
            cmp_col: Default::default(),
            hazard: Default::default(),
            count: Default::default(),
            full: Default::default(),
            hits: Default::default(),
            head_age: Default::default(),
            col_found: Default::default(),
            col_index: Default::default(),
            col_bank: Default::default(),
            col_col: Default::default(),
            col_id: Default::default(),
            col_slot: Default::default(),
            col_first: Default::default(),
            row_found: Default::default(),
            row_is_act: Default::default(),
            row_index: Default::default(),
            row_bank: Default::default(),
            row_row: Default::default(),
            valid: Default::default(),
            bank: Default::default(),
            row: Default::default(),
            col: Default::default(),
            id: Default::default(),
            slot: Default::default(),
            age: Default::default(),
            first: Default::default(),
            hit: Default::default(),
            n: Default::default(),
            next_hit: Default::default(),
            next_age: Default::default(),
            shift: Default::default(),
            candidate: Default::default(),
            col_ok: Default::default(),
            row_ok: Default::default(),
            act_ok: Default::default(),
            enq_at: Default::default(),
            index: std::array::from_fn(|i| Constant::new((i as u64).into())),
            one_bank: Constant::new(1u64.into()),
            one_age: Constant::new(1u64.into()),
            max_age: Constant::new(1023u64.into()),
            one_count: Constant::new(1u64.into()),
            depth: Constant::new((DEPTH as u64).into()),
            zero_vec: Constant::new(0u64.into()),
            zero_first: Constant::new(0u64.into()),
        }
    }
}

impl Logic for RequestQueue {
    #[hdl_gen]
    fn update(&mut self) {
        self.n.clock.next = self.clock.val();
        self.n.reset.next = self.reset.val();
        for i in 0..DEPTH {
            self.valid[i].clock.next = self.clock.val();
            self.valid[i].reset.next = self.reset.val();
            self.bank[i].clock.next = self.clock.val();
            self.bank[i].reset.next = self.reset.val();
            self.row[i].clock.next = self.clock.val();
            self.row[i].reset.next = self.reset.val();
            self.col[i].clock.next = self.clock.val();
            self.col[i].reset.next = self.reset.val();
            self.id[i].clock.next = self.clock.val();
            self.id[i].reset.next = self.reset.val();
            self.slot[i].clock.next = self.clock.val();
            self.slot[i].reset.next = self.reset.val();
            self.age[i].clock.next = self.clock.val();
            self.age[i].reset.next = self.reset.val();
            self.first[i].clock.next = self.clock.val();
            self.first[i].reset.next = self.reset.val();
            self.hit[i].clock.next = self.clock.val();
            self.hit[i].reset.next = self.reset.val();
        }

        self.count.next = self.n.q.val();
        self.full.next = self.n.q.val() == self.depth.val();
        self.head_age.next = self.age[0].q.val();

        // Classification of every entry against the bank state.
        self.hazard.next = false;
        self.hits.next = self.zero_vec.val();
        for i in 0..DEPTH {
            self.hazard.next = self.hazard.val()
                | (self.valid[i].q.val()
                    & (self.bank[i].q.val() == self.cmp_bank.val())
                    & (self.row[i].q.val() == self.cmp_row.val())
                    & (self.col[i].q.val() == self.cmp_col.val()));
            if self.valid[i].q.val() & self.hit[i].q.val() {
                self.hits.next = self.hits.val() | (self.one_bank.val() << self.bank[i].q.val());
            }
            self.candidate[i].next = self.valid[i].q.val()
                & (!self.focus.val() | (self.bank[i].q.val() != self.bank[0].q.val()));
            self.col_ok[i].next = self.hit[i].q.val()
                & self.bank_col_ok.val().get_bit(self.bank[i].q.val().index())
                & self.chan_col_ok.val();
            self.act_ok[i].next = !self.bank_open.val().get_bit(self.bank[i].q.val().index())
                & self.bank_act_ok.val().get_bit(self.bank[i].q.val().index())
                & self.chan_act_ok.val();
            // A conflict closes the row only when nobody queued still hits it.
            self.row_ok[i].next = self.act_ok[i].val()
                | (self.bank_open.val().get_bit(self.bank[i].q.val().index())
                    & !self.hit[i].q.val()
                    & self.bank_pre_ok.val().get_bit(self.bank[i].q.val().index())
                    & !self.wanted.val().get_bit(self.bank[i].q.val().index()));
        }
        // The focused head is always a candidate and may close a wanted row.
        self.candidate[0].next = self.valid[0].q.val();
        if self.focus.val() {
            self.row_ok[0].next = self.act_ok[0].val()
                | (self.bank_open.val().get_bit(self.bank[0].q.val().index())
                    & !self.hit[0].q.val()
                    & self.bank_pre_ok.val().get_bit(self.bank[0].q.val().index()));
        }

        // Oldest first: walk from the youngest, the last match wins.
        self.col_found.next = false;
        self.col_index.next = self.index[0].val();
        self.col_bank.next = self.bank[0].q.val();
        self.col_col.next = self.col[0].q.val();
        self.col_id.next = self.id[0].q.val();
        self.col_slot.next = self.slot[0].q.val();
        self.col_first.next = self.first[0].q.val();
        self.row_found.next = false;
        self.row_is_act.next = false;
        self.row_index.next = self.index[0].val();
        self.row_bank.next = self.bank[0].q.val();
        self.row_row.next = self.row[0].q.val();
        for j in 0..DEPTH {
            if self.candidate[31 - j].val() & self.col_ok[31 - j].val() {
                self.col_found.next = true;
                self.col_index.next = self.index[31 - j].val();
                self.col_bank.next = self.bank[31 - j].q.val();
                self.col_col.next = self.col[31 - j].q.val();
                self.col_id.next = self.id[31 - j].q.val();
                self.col_slot.next = self.slot[31 - j].q.val();
                self.col_first.next = self.first[31 - j].q.val();
            }
            if self.candidate[31 - j].val() & self.row_ok[31 - j].val() {
                self.row_found.next = true;
                self.row_is_act.next = self.act_ok[31 - j].val();
                self.row_index.next = self.index[31 - j].val();
                self.row_bank.next = self.bank[31 - j].q.val();
                self.row_row.next = self.row[31 - j].q.val();
            }
        }

        // Next contents: hit bits follow this cycle's row commands; ages
        // count up (saturating); the first row command is recorded.
        for i in 0..DEPTH {
            self.next_hit[i].next = self.hit[i].q.val();
            if self.close.val() & (self.close_bank.val() == self.bank[i].q.val()) {
                self.next_hit[i].next = false;
            }
            if self.act.val()
                & (self.act_bank.val() == self.bank[i].q.val())
                & (self.act_row.val() == self.row[i].q.val())
            {
                self.next_hit[i].next = true;
            }
            self.next_age[i].next = self.age[i].q.val();
            if self.valid[i].q.val() & (self.age[i].q.val() != self.max_age.val()) {
                self.next_age[i].next = self.age[i].q.val() + self.one_age.val();
            }
            self.shift[i].next = self.deq.val() & (self.deq_index.val().index() <= i);
            self.valid[i].d.next = self.valid[i].q.val();
            self.bank[i].d.next = self.bank[i].q.val();
            self.row[i].d.next = self.row[i].q.val();
            self.col[i].d.next = self.col[i].q.val();
            self.id[i].d.next = self.id[i].q.val();
            self.slot[i].d.next = self.slot[i].q.val();
            self.age[i].d.next = self.next_age[i].val();
            self.hit[i].d.next = self.next_hit[i].val();
            self.first[i].d.next = self.first[i].q.val();
            if self.mark.val()
                & (self.mark_index.val().index() == i)
                & (self.first[i].q.val() == self.zero_first.val())
            {
                self.first[i].d.next = self.mark_value.val();
            }
        }
        // Collapse over the entry that leaves.
        for i in 0..31 {
            if self.shift[i].val() {
                self.valid[i].d.next = self.valid[i + 1].q.val();
                self.bank[i].d.next = self.bank[i + 1].q.val();
                self.row[i].d.next = self.row[i + 1].q.val();
                self.col[i].d.next = self.col[i + 1].q.val();
                self.id[i].d.next = self.id[i + 1].q.val();
                self.slot[i].d.next = self.slot[i + 1].q.val();
                self.age[i].d.next = self.next_age[i + 1].val();
                self.hit[i].d.next = self.next_hit[i + 1].val();
                self.first[i].d.next = self.first[i + 1].q.val();
            }
        }
        if self.shift[31].val() {
            self.valid[31].d.next = false;
        }
        // Enqueue behind the last entry (after the collapse).
        self.enq_at.next = self.n.q.val();
        if self.deq.val() {
            self.enq_at.next = self.n.q.val() - self.one_count.val();
        }
        self.n.d.next = self.enq_at.val();
        if self.enq.val() {
            self.n.d.next = self.enq_at.val() + self.one_count.val();
        }
        for i in 0..DEPTH {
            if self.enq.val() & (self.enq_at.val().index() == i) {
                self.valid[i].d.next = true;
                self.bank[i].d.next = self.enq_bank.val();
                self.row[i].d.next = self.enq_row.val();
                self.col[i].d.next = self.enq_col.val();
                self.id[i].d.next = self.enq_id.val();
                self.slot[i].d.next = self.enq_slot.val();
                // Age counts cycles since acceptance.
                self.age[i].d.next = self.one_age.val();
                self.hit[i].d.next = self.enq_hit.val();
                self.first[i].d.next = self.zero_first.val();
            }
        }
    }
}
