//! The memory self-test: an on-chip traffic generator and checker in the
//! controller's clock domain, so the chip measures HBM bandwidth and
//! latency without host traffic.
//!
//! A test visits `count` burst addresses from `base`: sequential (`base`,
//! `base + 1`, ...), stride (`base + k * stride`) or random (`base` XOR a
//! PRBS23 register, x^23 + x^18 + 1, started from the seed). At each address
//! it reads and checks, writes, or writes then reads back (the controller
//! keeps same-address requests in order). The data at an address is
//! [`pattern_data`]: a fixed GF(2)-linear function of the address and the
//! seed, so a read pass checks a write pass made with the same seed without
//! storing anything. Up to [`IN_FLIGHT`] requests are outstanding, each
//! remembered (address, acceptance clock) in a slot whose number is the
//! request's tag.
//!
//! Results, read over the link through the controller domain's register
//! port (`sel`, the register numbers of `registers::Source::Controller`):
//! status, requests answered, data errors, clocks from the first request
//! to the last response, and the sum and maximum of the latencies (request
//! accepted to response, controller clocks).

use crate::memctl::widths::{Addr, Data, Id, Mask};
use crate::primitives::{Gf2Matrix, LfsrSpec, Reg, XorNet, XorNet2};
use rust_hdl::prelude::*;

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

/// Requests in flight at most (the controller's two 32-entry queues and its
/// pipeline stay full: sequential reads need about 45 in flight).
pub const IN_FLIGHT: usize = 64;
/// Random addresses: PRBS23 (ITU-T O.150).
pub const PRBS23: LfsrSpec = LfsrSpec {
    name: "PRBS23 (x^23 + x^18 + 1)",
    length: 23,
    poly: (1 << 5) | 1,
    seed: 1,
};
/// The controller-domain register numbers the test answers (`sel`), in the
/// order status, done, errors, cycles, latency sum, latency maximum.
pub const FIRST_RESULT: u32 = 9;
pub const RESULTS: u32 = 6;

pub mod pattern {
    pub const SEQUENTIAL: u64 = 0;
    pub const RANDOM: u64 = 1;
    pub const STRIDE: u64 = 2;
}
pub mod operation {
    pub const NONE: u64 = 0;
    pub const READ: u64 = 1;
    pub const WRITE: u64 = 2;
    pub const WRITE_READ: u64 = 3;
}

/// Settings word (`settings`), from the registers: the pattern and the
/// operation (`MEM_TEST` bits 0..2 and 4..6), `MEM_TEST_COUNT` (24 bits),
/// `MEM_TEST_BASE` and `MEM_TEST_STRIDE` (23 each), `MEM_TEST_SEED` (16).
pub const CONFIG_BITS: usize = 90;
pub mod config {
    /// (offset in the word, width)
    pub const PATTERN: (usize, usize) = (0, 2);
    pub const OPERATION: (usize, usize) = (2, 2);
    pub const COUNT: (usize, usize) = (4, 24);
    pub const BASE: (usize, usize) = (28, 23);
    pub const STRIDE: (usize, usize) = (51, 23);
    pub const SEED: (usize, usize) = (74, 16);
}

/// The random pattern's register at the start: the seed in bits 7..23, bit
/// 0 set (so it is never zero); each address after the first steps it once.
pub fn random_start(seed: u16) -> u64 {
    (u64::from(seed) << 7) | 1
}

/// The data function's rows: output bit `i` is the parity of `rows[i]`
/// AND {seed (bits 23..39), address (bits 0..23)}, each row about half
/// ones (a fixed splitmix64 fill).
fn data_rows() -> Vec<u64> {
    let mut x = 0x4b5a_7465_7374_0001u64;
    (0..256)
        .map(|_| {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) & ((1 << 39) - 1)
        })
        .collect()
}

fn data_matrix() -> Gf2Matrix {
    let rows = data_rows();
    Gf2Matrix::from_linear_fn(39, 256, |v| {
        let word = v
            .iter()
            .enumerate()
            .fold(0u64, |w, (i, &b)| w | (u64::from(b) << i));
        rows.iter()
            .map(|r| (r & word).count_ones() % 2 == 1)
            .collect()
    })
}

/// The 32 bytes the test writes at burst address `addr` with `seed` (byte
/// `i` is data bits `8 i ..`).
pub fn pattern_data(addr: u32, seed: u16) -> [u8; 32] {
    let word = u64::from(addr & 0x7f_ffff) | (u64::from(seed) << 23);
    let mut out = [0u8; 32];
    for (i, r) in data_rows().iter().enumerate() {
        if (r & word).count_ones() % 2 == 1 {
            out[i / 8] |= 1 << (i % 8);
        }
    }
    out
}

/// Slot contents: address (bits 0..23), acceptance clock (23..55), read (55).
const SLOT_BITS: usize = 56;

#[derive(LogicBlock)]
pub struct MemTest {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Start with `settings` (ignored while a test runs or without an
    /// operation).
    pub start: Signal<In, Bit>,
    pub settings: Signal<In, Bits<CONFIG_BITS>>,
    /// The test owns the controller's request and response ports.
    pub active: Signal<Out, Bit>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_write: Signal<Out, Bit>,
    pub req_addr: Signal<Out, Addr>,
    pub req_id: Signal<Out, Id>,
    pub req_data: Signal<Out, Data>,
    pub req_mask: Signal<Out, Mask>,
    /// The controller's responses while `active` (always taken).
    pub rsp_valid: Signal<In, Bit>,
    pub rsp_id: Signal<In, Id>,
    pub rsp_data: Signal<In, Data>,
    /// Result register `sel` (`FIRST_RESULT ..`).
    pub sel: Signal<In, Bits<4>>,
    pub value: Signal<Out, Bits<32>>,
    state: Reg<Bit>,
    finished: Reg<Bit>,
    pattern_r: Reg<Bits<2>>,
    op_r: Reg<Bits<2>>,
    total: Reg<Bits<24>>,
    visited: Reg<Bits<24>>,
    base: Reg<Addr>,
    stride: Reg<Addr>,
    seed: Reg<Bits<16>>,
    addr: Reg<Addr>,
    lfsr: Reg<Addr>,
    /// Second half of a write-then-read pair.
    phase: Reg<Bit>,
    busy: Reg<Bits<IN_FLIGHT>>,
    slots: [Reg<Bits<SLOT_BITS>>; IN_FLIGHT],
    now: Reg<Bits<32>>,
    started: Reg<Bit>,
    first_at: Reg<Bits<32>>,
    answered: Reg<Bits<32>>,
    errors: Reg<Bits<32>>,
    cycles: Reg<Bits<32>>,
    latency_sum: Reg<Bits<32>>,
    latency_max: Reg<Bits<32>>,
    lfsr_step: XorNet<23, 23>,
    lfsr_first: XorNet<16, 23>,
    write_data: XorNet2<23, 16, 256>,
    check_data: XorNet2<23, 16, 256>,
    slot_word: XorNet2<23, 32, SLOT_BITS>,
    status_word: XorNet<2, 32>,
    status_low: Signal<Local, Bits<2>>,
    go: Signal<Local, Bit>,
    more: Signal<Local, Bit>,
    free: Signal<Local, Bit>,
    found: Signal<Local, Bit>,
    pick: Signal<Local, Bits<8>>,
    pick_bit: Signal<Local, Bits<IN_FLIGHT>>,
    accept: Signal<Local, Bit>,
    writing: Signal<Local, Bit>,
    entry: Signal<Local, Bits<SLOT_BITS>>,
    done_bit: Signal<Local, Bits<IN_FLIGHT>>,
    latency: Signal<Local, Bits<32>>,
    next_lfsr: Signal<Local, Addr>,
    tag_at: [Constant<Bits<8>>; IN_FLIGHT],
    slot_bit: [Constant<Bits<IN_FLIGHT>>; IN_FLIGHT],
    sel_at: [Constant<Bits<4>>; 6],
    read_flag: Constant<Bits<SLOT_BITS>>,
    no_slots: Constant<Bits<IN_FLIGHT>>,
    all_slots: Constant<Bits<IN_FLIGHT>>,
    p_random: Constant<Bits<2>>,
    p_stride: Constant<Bits<2>>,
    o_none: Constant<Bits<2>>,
    o_write: Constant<Bits<2>>,
    o_write_read: Constant<Bits<2>>,
    full_mask: Constant<Mask>,
    one_addr: Constant<Addr>,
    one24: Constant<Bits<24>>,
    one32: Constant<Bits<32>>,
    zero24: Constant<Bits<24>>,
    zero32: Constant<Bits<32>>,
    zero8: Constant<Bits<8>>,
    zero2: Constant<Bits<2>>,
    bit0: Constant<Bits<2>>,
    bit1: Constant<Bits<2>>,
}

impl Default for MemTest {
    fn default() -> Self {
        let step = PRBS23.advance_matrix(1);
        // The register's start from the seed: bits 7..23 are the seed, bit 0
        // is forced to 1 (an XorNet cannot add a constant: the top ORs it).
        let first = Gf2Matrix::placement(16, 23, &[(0, 7, 16)]);
        let mut read_flag = Bits::<SLOT_BITS>::default();
        read_flag = read_flag.replace_bit(55, true);
        let mut all = Bits::<IN_FLIGHT>::default();
        for t in 0..IN_FLIGHT {
            all = all.replace_bit(t, true);
        }
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            settings: Default::default(),
            active: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_write: Default::default(),
            req_addr: Default::default(),
            req_id: Default::default(),
            req_data: Default::default(),
            req_mask: Default::default(),
            rsp_valid: Default::default(),
            rsp_id: Default::default(),
            rsp_data: Default::default(),
            sel: Default::default(),
            value: Default::default(),
            state: Reg::default(),
            finished: Reg::default(),
            pattern_r: Reg::default(),
            op_r: Reg::default(),
            total: Reg::default(),
            visited: Reg::default(),
            base: Reg::default(),
            stride: Reg::default(),
            seed: Reg::default(),
            addr: Reg::default(),
            lfsr: Reg::default(),
            phase: Reg::default(),
            busy: Reg::default(),
            slots: std::array::from_fn(|_| Reg::default()),
            now: Reg::default(),
            started: Reg::default(),
            first_at: Reg::default(),
            answered: Reg::default(),
            errors: Reg::default(),
            cycles: Reg::default(),
            latency_sum: Reg::default(),
            latency_max: Reg::default(),
            lfsr_step: XorNet::new(step),
            lfsr_first: XorNet::new(first),
            write_data: XorNet2::new(data_matrix()),
            check_data: XorNet2::new(data_matrix()),
            slot_word: XorNet2::new(Gf2Matrix::placement(55, SLOT_BITS, &[(0, 0, 55)])),
            // Running (bit 0), finished (bit 1).
            status_word: XorNet::new(Gf2Matrix::placement(2, 32, &[(0, 0, 2)])),
            status_low: Default::default(),
            go: Default::default(),
            more: Default::default(),
            free: Default::default(),
            found: Default::default(),
            pick: Default::default(),
            pick_bit: Default::default(),
            accept: Default::default(),
            writing: Default::default(),
            entry: Default::default(),
            done_bit: Default::default(),
            latency: Default::default(),
            next_lfsr: Default::default(),
            tag_at: std::array::from_fn(|t| k(t as u64)),
            slot_bit: std::array::from_fn(|t| {
                Constant::new(Bits::<IN_FLIGHT>::default().replace_bit(t, true))
            }),
            sel_at: std::array::from_fn(|i| k(u64::from(FIRST_RESULT) + i as u64)),
            read_flag: Constant::new(read_flag),
            no_slots: k(0),
            all_slots: Constant::new(all),
            p_random: k(pattern::RANDOM),
            p_stride: k(pattern::STRIDE),
            o_none: k(operation::NONE),
            o_write: k(operation::WRITE),
            o_write_read: k(operation::WRITE_READ),
            full_mask: k(u64::from(u32::MAX)),
            one_addr: k(1),
            one24: k(1),
            one32: k(1),
            zero24: k(0),
            zero32: k(0),
            zero8: k(0),
            zero2: k(0),
            bit0: k(1),
            bit1: k(2),
        }
    }
}

impl Logic for MemTest {
    #[hdl_gen]
    fn update(&mut self) {
        self.state.clock.next = self.clock.val();
        self.finished.clock.next = self.clock.val();
        self.pattern_r.clock.next = self.clock.val();
        self.op_r.clock.next = self.clock.val();
        self.total.clock.next = self.clock.val();
        self.visited.clock.next = self.clock.val();
        self.base.clock.next = self.clock.val();
        self.stride.clock.next = self.clock.val();
        self.seed.clock.next = self.clock.val();
        self.addr.clock.next = self.clock.val();
        self.lfsr.clock.next = self.clock.val();
        self.phase.clock.next = self.clock.val();
        self.busy.clock.next = self.clock.val();
        self.now.clock.next = self.clock.val();
        self.started.clock.next = self.clock.val();
        self.first_at.clock.next = self.clock.val();
        self.answered.clock.next = self.clock.val();
        self.errors.clock.next = self.clock.val();
        self.cycles.clock.next = self.clock.val();
        self.latency_sum.clock.next = self.clock.val();
        self.latency_max.clock.next = self.clock.val();
        self.state.reset.next = self.reset.val();
        self.finished.reset.next = self.reset.val();
        self.pattern_r.reset.next = self.reset.val();
        self.op_r.reset.next = self.reset.val();
        self.total.reset.next = self.reset.val();
        self.visited.reset.next = self.reset.val();
        self.base.reset.next = self.reset.val();
        self.stride.reset.next = self.reset.val();
        self.seed.reset.next = self.reset.val();
        self.addr.reset.next = self.reset.val();
        self.lfsr.reset.next = self.reset.val();
        self.phase.reset.next = self.reset.val();
        self.busy.reset.next = self.reset.val();
        self.now.reset.next = self.reset.val();
        self.started.reset.next = self.reset.val();
        self.first_at.reset.next = self.reset.val();
        self.answered.reset.next = self.reset.val();
        self.errors.reset.next = self.reset.val();
        self.cycles.reset.next = self.reset.val();
        self.latency_sum.reset.next = self.reset.val();
        self.latency_max.reset.next = self.reset.val();
        for t in 0..IN_FLIGHT {
            self.slots[t].clock.next = self.clock.val();
            self.slots[t].reset.next = self.reset.val();
        }
        self.now.d.next = self.now.q.val() + self.one32.val();

        // Requests: the lowest free slot is the tag.
        self.more.next = self.visited.q.val() != self.total.q.val();
        self.free.next = self.busy.q.val() != self.all_slots.val();
        self.pick.next = self.zero8.val();
        self.pick_bit.next = self.no_slots.val();
        self.found.next = false;
        for t in 0..IN_FLIGHT {
            if !self.found.val() & !self.busy.q.val().get_bit(t) {
                self.pick.next = self.tag_at[t].val();
                self.pick_bit.next = self.slot_bit[t].val();
                self.found.next = true;
            }
        }
        self.writing.next = (self.op_r.q.val() == self.o_write.val())
            | ((self.op_r.q.val() == self.o_write_read.val()) & !self.phase.q.val());
        self.write_data.a.next = self.addr.q.val();
        self.write_data.b.next = self.seed.q.val();
        self.req_valid.next = self.state.q.val() & self.more.val() & self.free.val();
        self.req_write.next = self.writing.val();
        self.req_addr.next = self.addr.q.val();
        self.req_id.next = self.pick.val();
        self.req_data.next = self.write_data.y.val();
        self.req_mask.next = self.full_mask.val();
        self.accept.next =
            self.state.q.val() & self.more.val() & self.free.val() & self.req_ready.val();
        self.slot_word.a.next = self.addr.q.val();
        self.slot_word.b.next = self.now.q.val();

        // Responses: the slot named by the tag.
        self.entry.next = self.slots[0].q.val();
        for t in 0..IN_FLIGHT {
            if self.rsp_id.val() == self.tag_at[t].val() {
                self.entry.next = self.slots[t].q.val();
            }
        }
        self.check_data.a.next = self.entry.val().get_bits::<23>(0);
        self.check_data.b.next = self.seed.q.val();
        self.latency.next = self.now.q.val() - self.entry.val().get_bits::<32>(23);
        self.done_bit.next = self.no_slots.val();
        for t in 0..IN_FLIGHT {
            if self.rsp_valid.val() & (self.rsp_id.val() == self.tag_at[t].val()) {
                self.done_bit.next = self.slot_bit[t].val();
            }
        }

        // Addresses.
        self.lfsr_step.a.next = self.lfsr.q.val();
        self.lfsr_first.a.next = self.settings.val().get_bits::<16>(74);
        self.next_lfsr.next = self.lfsr_step.y.val();

        // Defaults: hold.
        self.state.d.next = self.state.q.val();
        self.finished.d.next = self.finished.q.val();
        self.pattern_r.d.next = self.pattern_r.q.val();
        self.op_r.d.next = self.op_r.q.val();
        self.total.d.next = self.total.q.val();
        self.visited.d.next = self.visited.q.val();
        self.base.d.next = self.base.q.val();
        self.stride.d.next = self.stride.q.val();
        self.seed.d.next = self.seed.q.val();
        self.addr.d.next = self.addr.q.val();
        self.lfsr.d.next = self.lfsr.q.val();
        self.phase.d.next = self.phase.q.val();
        self.started.d.next = self.started.q.val();
        self.first_at.d.next = self.first_at.q.val();
        self.answered.d.next = self.answered.q.val();
        self.errors.d.next = self.errors.q.val();
        self.cycles.d.next = self.cycles.q.val();
        self.latency_sum.d.next = self.latency_sum.q.val();
        self.latency_max.d.next = self.latency_max.q.val();
        self.busy.d.next = self.busy.q.val() & !self.done_bit.val();
        for t in 0..IN_FLIGHT {
            self.slots[t].d.next = self.slots[t].q.val();
        }

        self.go.next = self.start.val()
            & !self.state.q.val()
            & (self.settings.val().get_bits::<2>(2) != self.o_none.val());
        if self.go.val() {
            self.state.d.next = true;
            self.finished.d.next = false;
            self.pattern_r.d.next = self.settings.val().get_bits::<2>(0);
            self.op_r.d.next = self.settings.val().get_bits::<2>(2);
            self.total.d.next = self.settings.val().get_bits::<24>(4);
            self.visited.d.next = self.zero24.val();
            self.base.d.next = self.settings.val().get_bits::<23>(28);
            self.stride.d.next = self.settings.val().get_bits::<23>(51);
            self.seed.d.next = self.settings.val().get_bits::<16>(74);
            self.lfsr.d.next = self.lfsr_first.y.val() | self.one_addr.val();
            self.addr.d.next = self.settings.val().get_bits::<23>(28);
            if self.settings.val().get_bits::<2>(0) == self.p_random.val() {
                self.addr.d.next = self.settings.val().get_bits::<23>(28)
                    ^ (self.lfsr_first.y.val() | self.one_addr.val());
            }
            self.phase.d.next = false;
            self.busy.d.next = self.no_slots.val();
            self.started.d.next = false;
            self.answered.d.next = self.zero32.val();
            self.errors.d.next = self.zero32.val();
            self.cycles.d.next = self.zero32.val();
            self.latency_sum.d.next = self.zero32.val();
            self.latency_max.d.next = self.zero32.val();
        }

        if self.accept.val() {
            self.busy.d.next = (self.busy.q.val() | self.pick_bit.val()) & !self.done_bit.val();
            for t in 0..IN_FLIGHT {
                if self.pick.val() == self.tag_at[t].val() {
                    self.slots[t].d.next = self.slot_word.y.val();
                    if !self.writing.val() {
                        self.slots[t].d.next = self.slot_word.y.val() | self.read_flag.val();
                    }
                }
            }
            if !self.started.q.val() {
                self.started.d.next = true;
                self.first_at.d.next = self.now.q.val();
            }
            if (self.op_r.q.val() == self.o_write_read.val()) & !self.phase.q.val() {
                self.phase.d.next = true;
            } else {
                self.phase.d.next = false;
                self.visited.d.next = self.visited.q.val() + self.one24.val();
                self.lfsr.d.next = self.next_lfsr.val();
                self.addr.d.next = self.addr.q.val() + self.one_addr.val();
                if self.pattern_r.q.val() == self.p_stride.val() {
                    self.addr.d.next = self.addr.q.val() + self.stride.q.val();
                }
                if self.pattern_r.q.val() == self.p_random.val() {
                    self.addr.d.next = self.base.q.val() ^ self.next_lfsr.val();
                }
            }
        }

        if self.state.q.val() & self.rsp_valid.val() {
            self.answered.d.next = self.answered.q.val() + self.one32.val();
            self.cycles.d.next = self.now.q.val() - self.first_at.q.val();
            self.latency_sum.d.next = self.latency_sum.q.val() + self.latency.val();
            if self.latency.val() > self.latency_max.q.val() {
                self.latency_max.d.next = self.latency.val();
            }
            if (self.entry.val() & self.read_flag.val()).any()
                & (self.rsp_data.val() != self.check_data.y.val())
            {
                self.errors.d.next = self.errors.q.val() + self.one32.val();
            }
        }

        if self.state.q.val() & !self.more.val() & (self.busy.q.val() == self.no_slots.val()) {
            self.state.d.next = false;
            self.finished.d.next = true;
        }

        // Results.
        self.status_low.next = self.zero2.val();
        if self.state.q.val() {
            self.status_low.next = self.status_low.val() | self.bit0.val();
        }
        if self.finished.q.val() {
            self.status_low.next = self.status_low.val() | self.bit1.val();
        }
        self.status_word.a.next = self.status_low.val();
        self.value.next = self.zero32.val();
        if self.sel.val() == self.sel_at[0].val() {
            self.value.next = self.status_word.y.val();
        }
        if self.sel.val() == self.sel_at[1].val() {
            self.value.next = self.answered.q.val();
        }
        if self.sel.val() == self.sel_at[2].val() {
            self.value.next = self.errors.q.val();
        }
        if self.sel.val() == self.sel_at[3].val() {
            self.value.next = self.cycles.q.val();
        }
        if self.sel.val() == self.sel_at[4].val() {
            self.value.next = self.latency_sum.q.val();
        }
        if self.sel.val() == self.sel_at[5].val() {
            self.value.next = self.latency_max.q.val();
        }
        self.active.next = self.state.q.val();
    }
}
