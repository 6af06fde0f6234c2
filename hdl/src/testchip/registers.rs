//! The test chip's registers, read and written over the link, and the
//! block that serves them.
//!
//! [`REGISTERS`] is the register map: the RTL decodes its indices from it,
//! `kaizen regmap` prints it (Markdown or JSON) for the documentation and the
//! host model, and a test reads and writes every entry through the RTL. An
//! entry may be an array (`count` registers at consecutive indices, one per
//! lane for the link self-test's results).
//!
//! `CsrBlock` takes register requests (the header word of a request slot)
//! into a 4-deep queue (the host's register credits), answers one at a
//! time, and holds each response until the transmit side takes it. It holds
//! the read-write registers itself (`rw`, with a one-clock `written` strobe
//! each, which is how a write starts a self-test). Registers of the
//! controller's clock domain (its counters and the memory self-test's
//! results) it asks for over `mc_request` / `mc_sel` and waits for
//! `mc_valid` / `mc_value` (the top carries both across with handshake
//! synchronisers); the link self-test's per-lane results it reads over
//! `lt_sel` / `lt_value`, in its own domain.

use super::transaction::{field, op};
use crate::primitives::{Gf2Matrix, Reg, SyncFifo, XorNet, XorNet2};
use rust_hdl::prelude::*;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A fixed value.
    Constant(u32),
    /// A read-write register with its reset value.
    ReadWrite(u32),
    /// A status input of the block (port name).
    Input(&'static str),
    /// Register `n` of the controller's clock domain (`mc_sel`): the
    /// controller's counters (`CounterSel`), then the memory self-test's
    /// results (see `testchip::mem_test`).
    Controller(u32),
    /// Result `n` of the link self-test (`lt_sel`), element `e` of the
    /// entry reading result `n + e`.
    LinkTest(u32),
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Register {
    pub index: u32,
    pub name: &'static str,
    /// Registers in the entry (an array of `count` at consecutive indices).
    pub count: u32,
    pub source: Source,
    pub doc: &'static str,
}

impl Register {
    pub fn writable(&self) -> bool {
        matches!(self.source, Source::ReadWrite(_))
    }

    /// The name of element `e` (`NAME`, or `NAME[e]` in an array).
    pub fn element_name(&self, e: u32) -> String {
        if self.count == 1 {
            self.name.to_string()
        } else {
            format!("{}[{e}]", self.name)
        }
    }

    /// Where element `e` reads from.
    pub fn element_source(&self, e: u32) -> Source {
        match self.source {
            Source::Controller(n) => Source::Controller(n + e),
            Source::LinkTest(n) => Source::LinkTest(n + e),
            s => s,
        }
    }
}

/// "KZ" and the chip's number.
pub const CHIP_ID: u32 = 0x4b5a_0001;
/// Bumped when the register map or the transaction format changes.
pub const VERSION: u32 = 2;
/// Where the controller domain's registers start.
pub const MC_BASE: u32 = 0x20;
/// Where the link self-test's results start.
pub const LT_BASE: u32 = 0x100;
/// Registers of the controller's domain (counter select is 4 bits).
pub const MC_REGISTERS: u32 = 15;
/// Lanes the map has results for: the advanced package's 68 (the standard
/// package's lanes beyond its 16 read 0).
pub const MAP_LANES: u32 = super::link_test::MAP_LANES as u32;
/// Results of the link self-test: errors, then bits compared, per lane.
pub const LT_REGISTERS: u32 = 2 * MAP_LANES;
/// Where the lanes-good words start, and how many (32 lanes each).
pub const LANES_GOOD_BASE: u32 = 0x18;
pub const LANES_GOOD_WORDS: u32 = 3;
const GOOD_WORDS: usize = LANES_GOOD_WORDS as usize;
pub const LANES_GOOD_BITS: usize = 32 * GOOD_WORDS;

const fn one(index: u32, name: &'static str, source: Source, doc: &'static str) -> Register {
    Register {
        index,
        name,
        count: 1,
        source,
        doc,
    }
}

pub const REGISTERS: &[Register] = &[
    one(0x00, "CHIP_ID", Source::Constant(CHIP_ID), "chip identity: \"KZ\" and the chip number"),
    one(0x01, "VERSION", Source::Constant(VERSION), "register map and transaction format version"),
    one(0x02, "SCRATCH", Source::ReadWrite(0), "free for the host (link and register path check)"),
    one(0x04, "LINK_TEST", Source::ReadWrite(0), "link self-test mode (bits 0..2): 1 PRBS31 both ways, 2 far-end loopback, 3 near-end loopback; writing a mode starts a test (the host must have nothing outstanding: the link restarts, its counters from zero, when the test ends)"),
    one(0x05, "LINK_TEST_CLOCKS", Source::ReadWrite(65536), "link self-test: link clocks it compares for, after 4096 to let the host change over"),
    one(0x06, "LINK_TEST_STATUS", Source::Input("link_test_status"), "link self-test: running (bit 0), finished (bit 1), how many lanes are locked (16..24)"),
    one(0x08, "MEM_TEST", Source::ReadWrite(0), "memory self-test: addresses (bits 0..2: 0 sequential, 1 random, 2 stride), operation (4..6: 1 read and check, 2 write, 3 write then read back); writing an operation starts a test (host traffic waits meanwhile)"),
    one(0x09, "MEM_TEST_COUNT", Source::ReadWrite(4096), "memory self-test: addresses to visit (24 bits)"),
    one(0x0a, "MEM_TEST_BASE", Source::ReadWrite(0), "memory self-test: first burst address"),
    one(0x0b, "MEM_TEST_STRIDE", Source::ReadWrite(1), "memory self-test: bursts between addresses of the stride pattern"),
    one(0x0c, "MEM_TEST_SEED", Source::ReadWrite(1), "memory self-test: seed of the random addresses and of the data (16 bits)"),
    one(0x10, "LINK_STATUS", Source::Input("link_status"), "die-to-die link: training state (bits 0..3), receive lane mode (4..6), lanes 0..16 good (16..32)"),
    one(0x11, "LINK_CRC_ERRORS", Source::Input("crc_errors"), "flits received with a bad CRC"),
    one(0x12, "LINK_REPLAYS", Source::Input("replays"), "flits sent again (NAK, timeout or retrain)"),
    one(0x13, "LINK_RETRAINS", Source::Input("retrains"), "link retrains"),
    one(0x14, "BAD_SLOTS", Source::Input("bad_slots"), "request slots dropped for an unknown opcode"),
    Register { index: LANES_GOOD_BASE, name: "LINK_LANES_GOOD", count: LANES_GOOD_WORDS, source: Source::Input("lanes_good"), doc: "lanes the chip's receiver found good at training, lane `32 e + i` in bit `i` of element `e` (physical lanes, spares included)" },
    one(MC_BASE, "MC_READS", Source::Controller(0), "memory controller: RD commands"),
    one(MC_BASE + 1, "MC_WRITES", Source::Controller(1), "memory controller: WR commands"),
    one(MC_BASE + 2, "MC_ACTIVATES", Source::Controller(2), "memory controller: ACT commands"),
    one(MC_BASE + 3, "MC_PRECHARGES", Source::Controller(3), "memory controller: PRE commands"),
    one(MC_BASE + 4, "MC_ROW_HITS", Source::Controller(4), "memory controller: requests served from an open row"),
    one(MC_BASE + 5, "MC_ROW_MISSES", Source::Controller(5), "memory controller: requests that opened a closed bank"),
    one(MC_BASE + 6, "MC_ROW_CONFLICTS", Source::Controller(6), "memory controller: requests that closed another row"),
    one(MC_BASE + 7, "MC_REFRESHES", Source::Controller(7), "memory controller: refresh commands"),
    one(MC_BASE + 8, "MC_DATA_BUSY", Source::Controller(8), "memory controller: data-bus busy cycles"),
    one(MC_BASE + 9, "MEM_TEST_STATUS", Source::Controller(9), "memory self-test: running (bit 0), finished (bit 1)"),
    one(MC_BASE + 10, "MEM_TEST_DONE", Source::Controller(10), "memory self-test: requests answered"),
    one(MC_BASE + 11, "MEM_TEST_ERRORS", Source::Controller(11), "memory self-test: reads that returned other data than was written"),
    one(MC_BASE + 12, "MEM_TEST_CYCLES", Source::Controller(12), "memory self-test: controller clocks from its first request to its last response"),
    one(MC_BASE + 13, "MEM_TEST_LATENCY_SUM", Source::Controller(13), "memory self-test: request to response, controller clocks, summed (mod 2^32)"),
    one(MC_BASE + 14, "MEM_TEST_LATENCY_MAX", Source::Controller(14), "memory self-test: the longest request to response, controller clocks"),
    Register { index: LT_BASE, name: "LANE_ERRORS", count: MAP_LANES, source: Source::LinkTest(0), doc: "link self-test: bits that differed from PRBS31 on each receive lane, once locked (lanes the package lacks read 0)" },
    Register { index: LT_BASE + MAP_LANES, name: "LANE_BITS", count: MAP_LANES, source: Source::LinkTest(MAP_LANES), doc: "link self-test: bits compared on each receive lane (0: never locked, or lost)" },
];

/// The entry `name` (an array's name without an element).
pub fn register(name: &str) -> Option<&'static Register> {
    REGISTERS.iter().find(|r| r.name == name)
}

/// The entry holding register `index`, and the element it is.
pub fn at(index: u32) -> Option<(&'static Register, u32)> {
    REGISTERS
        .iter()
        .find(|r| (r.index..r.index + r.count).contains(&index))
        .map(|r| (r, index - r.index))
}

/// Every register index of the map, in order.
pub fn indices() -> impl Iterator<Item = u32> {
    REGISTERS.iter().flat_map(|r| r.index..r.index + r.count)
}

/// The read-write registers, in the order of `CsrBlock::rw`.
pub fn read_write() -> impl Iterator<Item = &'static Register> {
    REGISTERS.iter().filter(|r| r.writable())
}

/// Position of read-write register `name` in `CsrBlock::rw`.
pub fn rw_slot(name: &str) -> usize {
    read_write()
        .position(|r| r.name == name)
        .unwrap_or_else(|| panic!("{name} is not a read-write register"))
}

/// The map as a Markdown table (the documentation's copy is this output).
pub fn markdown() -> String {
    let mut s = String::from(
        "| index | name | access | source | reset | what |\n|---|---|---|---|---|---|\n",
    );
    for r in REGISTERS {
        let (access, source, reset) = match r.source {
            Source::Constant(v) => ("RO", "constant".to_string(), format!("{v:#010x}")),
            Source::ReadWrite(v) => ("RW", "register".to_string(), format!("{v:#010x}")),
            Source::Input(p) if r.count > 1 => {
                ("RO", format!("input `{p}`, 32 bits each"), "-".into())
            }
            Source::Input(p) => ("RO", format!("input `{p}`"), "-".into()),
            Source::Controller(n) => ("RO", format!("controller domain {n}"), "-".into()),
            Source::LinkTest(n) => ("RO", format!("link self-test {n}.."), "-".into()),
        };
        let index = if r.count == 1 {
            format!("{:#04x}", r.index)
        } else {
            format!("{:#04x}..{:#04x}", r.index, r.index + r.count)
        };
        let name = if r.count == 1 {
            r.name.to_string()
        } else {
            format!("{}[{}]", r.name, r.count)
        };
        s.push_str(&format!(
            "| {index} | `{name}` | {access} | {source} | {reset} | {} |\n",
            r.doc
        ));
    }
    s
}

/// The map as JSON, for host software.
pub fn json() -> String {
    serde_json::to_string_pretty(REGISTERS).expect("the map serialises") + "\n"
}

/// Read-write registers (the width of `rw` is 32 times this).
pub const RW_REGISTERS: usize = 8;
pub const RW_BITS: usize = 32 * RW_REGISTERS;

const IDLE: u64 = 0;
const WAIT_MC: u64 = 1;
const RESPOND: u64 = 2;

#[derive(LogicBlock)]
pub struct CsrBlock {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// A register request's header word.
    pub req_valid: Signal<In, Bit>,
    pub req_header: Signal<In, Bits<128>>,
    pub rsp_valid: Signal<Out, Bit>,
    pub rsp_header: Signal<Out, Bits<128>>,
    pub rsp_pop: Signal<In, Bit>,
    pub link_status: Signal<In, Bits<32>>,
    pub crc_errors: Signal<In, Bits<32>>,
    pub replays: Signal<In, Bits<32>>,
    pub retrains: Signal<In, Bits<32>>,
    pub bad_slots: Signal<In, Bits<32>>,
    pub link_test_status: Signal<In, Bits<32>>,
    /// `LINK_LANES_GOOD`, its words in order.
    pub lanes_good: Signal<In, Bits<LANES_GOOD_BITS>>,
    /// Ask the controller's domain for its register `mc_sel`.
    pub mc_request: Signal<Out, Bit>,
    pub mc_sel: Signal<Out, Bits<4>>,
    pub mc_valid: Signal<In, Bit>,
    pub mc_value: Signal<In, Bits<32>>,
    /// The link self-test's result `lt_sel` (combinational, this domain).
    pub lt_sel: Signal<Out, Bits<8>>,
    pub lt_value: Signal<In, Bits<32>>,
    /// The read-write registers in map order, 32 bits each, and a strobe
    /// per register for one clock after a write to it (`rw` holds the new
    /// value then).
    pub rw: Signal<Out, Bits<RW_BITS>>,
    pub written: Signal<Out, Bits<RW_REGISTERS>>,
    /// Requests: opcode, tag, index (bits 0..48) and value (48..80).
    queue: SyncFifo<Bits<80>, 2, 3>,
    pick: XorNet<128, 80>,
    state: Reg<Bits<2>>,
    rw_r: Reg<Bits<RW_BITS>>,
    written_r: Reg<Bits<RW_REGISTERS>>,
    response: Reg<Bits<128>>,
    build: XorNet2<16, 32, 128>,
    /// The request's value in every 32-bit field of `rw`.
    spread: XorNet<32, RW_BITS>,
    opcode: Signal<Local, Bits<8>>,
    index: Signal<Local, Bits<32>>,
    value: Signal<Local, Bits<32>>,
    mapped: Signal<Local, Bit>,
    writable: Signal<Local, Bit>,
    controller: Signal<Local, Bit>,
    link_test: Signal<Local, Bit>,
    is_read: Signal<Local, Bit>,
    is_write: Signal<Local, Bit>,
    respond_now: Signal<Local, Bit>,
    reply: Signal<Local, Bits<16>>,
    answer: Signal<Local, Bits<32>>,
    strobes: Signal<Local, Bits<RW_REGISTERS>>,
    at: [Constant<Bits<32>>; 8],
    rw_at: [Constant<Bits<32>>; RW_REGISTERS],
    good_at: [Constant<Bits<32>>; GOOD_WORDS],
    rw_field: [Constant<Bits<RW_BITS>>; RW_REGISTERS],
    rw_strobe: [Constant<Bits<RW_REGISTERS>>; RW_REGISTERS],
    mc_first: Constant<Bits<32>>,
    mc_end: Constant<Bits<32>>,
    lt_first: Constant<Bits<32>>,
    lt_end: Constant<Bits<32>>,
    chip_id: Constant<Bits<32>>,
    version: Constant<Bits<32>>,
    op_read: Constant<Bits<8>>,
    op_write: Constant<Bits<8>>,
    reply_data: Constant<Bits<16>>,
    reply_ack: Constant<Bits<16>>,
    reply_error: Constant<Bits<16>>,
    tag_bits: Constant<Bits<16>>,
    zero32: Constant<Bits<32>>,
    no_strobe: Constant<Bits<RW_REGISTERS>>,
    st_idle: Constant<Bits<2>>,
    st_wait: Constant<Bits<2>>,
    st_respond: Constant<Bits<2>>,
}

/// The constant and input registers this block decodes itself, in the
/// order of `at`.
const LOCAL: [&str; 8] = [
    "CHIP_ID",
    "VERSION",
    "LINK_TEST_STATUS",
    "LINK_STATUS",
    "LINK_CRC_ERRORS",
    "LINK_REPLAYS",
    "LINK_RETRAINS",
    "BAD_SLOTS",
];

impl Default for CsrBlock {
    fn default() -> Self {
        assert_eq!(field::ADDRESS, (16, 32));
        assert_eq!(field::VALUE, (80, 32));
        let k32 = |v: u32| Constant::new(u64::from(v).into());
        let k16 = |v: u64| Constant::new(v.into());
        let index_of = |n: &str| register(n).expect("LOCAL names registers of the map").index;
        // Every register is decoded: the local ones, the read-write ones, and
        // the two ranges served elsewhere, each filled exactly.
        let rw: Vec<&Register> = read_write().collect();
        assert_eq!(rw.len(), RW_REGISTERS);
        let in_range = |base: u32, n: u32, f: fn(Source) -> Option<u32>| {
            let mut got: Vec<u32> = REGISTERS
                .iter()
                .flat_map(|r| (0..r.count).map(move |e| (r, e)))
                .filter_map(|(r, e)| f(r.element_source(e)).map(|k| (r.index + e, k)))
                .map(|(i, k)| {
                    assert_eq!(i, base + k, "register {i:#x} reads element {k}");
                    k
                })
                .collect();
            got.sort_unstable();
            assert_eq!(got, (0..n).collect::<Vec<_>>());
        };
        in_range(MC_BASE, MC_REGISTERS, |s| match s {
            Source::Controller(k) => Some(k),
            _ => None,
        });
        in_range(LT_BASE, LT_REGISTERS, |s| match s {
            Source::LinkTest(k) => Some(k),
            _ => None,
        });
        assert_eq!(
            register("LINK_LANES_GOOD").map(|r| (r.index, r.count)),
            Some((LANES_GOOD_BASE, LANES_GOOD_WORDS))
        );
        assert_eq!(
            indices().count(),
            LOCAL.len() + RW_REGISTERS + (LANES_GOOD_WORDS + MC_REGISTERS + LT_REGISTERS) as usize
        );
        // The select is the index's low bits.
        assert!(MC_BASE.is_multiple_of(16) && MC_REGISTERS <= 16);
        assert!(LT_BASE.is_multiple_of(256) && LT_REGISTERS <= 256);
        let mut init = Bits::<RW_BITS>::default();
        for (i, r) in rw.iter().enumerate() {
            let Source::ReadWrite(v) = r.source else {
                unreachable!("filtered")
            };
            for b in 0..32 {
                if (v >> b) & 1 == 1 {
                    init = init.replace_bit(32 * i + b, true);
                }
            }
        }
        let field_of = |i: usize| {
            let mut m = Bits::<RW_BITS>::default();
            for b in 0..32 {
                m = m.replace_bit(32 * i + b, true);
            }
            Constant::new(m)
        };
        let spread: Vec<(usize, usize, usize)> =
            (0..RW_REGISTERS).map(|i| (0, 32 * i, 32)).collect();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            req_valid: Default::default(),
            req_header: Default::default(),
            rsp_valid: Default::default(),
            rsp_header: Default::default(),
            rsp_pop: Default::default(),
            link_status: Default::default(),
            crc_errors: Default::default(),
            replays: Default::default(),
            retrains: Default::default(),
            bad_slots: Default::default(),
            link_test_status: Default::default(),
            lanes_good: Default::default(),
            mc_request: Default::default(),
            mc_sel: Default::default(),
            mc_valid: Default::default(),
            mc_value: Default::default(),
            lt_sel: Default::default(),
            lt_value: Default::default(),
            rw: Default::default(),
            written: Default::default(),
            queue: SyncFifo::new(4),
            pick: XorNet::new(Gf2Matrix::placement(128, 80, &[(0, 0, 48), (80, 48, 32)])),
            state: Default::default(),
            rw_r: Reg::new(init),
            written_r: Reg::default(),
            response: Default::default(),
            // Response header: {tag, opcode} in bits 0..16, value at 80.
            build: XorNet2::new(Gf2Matrix::placement(48, 128, &[(0, 0, 16), (16, 80, 32)])),
            spread: XorNet::new(Gf2Matrix::placement(32, RW_BITS, &spread)),
            opcode: Default::default(),
            index: Default::default(),
            value: Default::default(),
            mapped: Default::default(),
            writable: Default::default(),
            controller: Default::default(),
            link_test: Default::default(),
            is_read: Default::default(),
            is_write: Default::default(),
            respond_now: Default::default(),
            reply: Default::default(),
            answer: Default::default(),
            strobes: Default::default(),
            at: std::array::from_fn(|i| k32(index_of(LOCAL[i]))),
            rw_at: std::array::from_fn(|i| k32(rw[i].index)),
            good_at: std::array::from_fn(|i| k32(LANES_GOOD_BASE + i as u32)),
            rw_field: std::array::from_fn(field_of),
            rw_strobe: std::array::from_fn(|i| Constant::new((1u64 << i).into())),
            mc_first: k32(MC_BASE),
            mc_end: k32(MC_BASE + MC_REGISTERS),
            lt_first: k32(LT_BASE),
            lt_end: k32(LT_BASE + LT_REGISTERS),
            chip_id: k32(CHIP_ID),
            version: k32(VERSION),
            op_read: Constant::new(u64::from(op::CSR_READ).into()),
            op_write: Constant::new(u64::from(op::CSR_WRITE).into()),
            reply_data: k16(u64::from(op::CSR_DATA)),
            reply_ack: k16(u64::from(op::CSR_ACK)),
            reply_error: k16(u64::from(op::CSR_ERROR)),
            tag_bits: k16(0xff00),
            zero32: k32(0),
            no_strobe: Constant::new(0u64.into()),
            st_idle: Constant::new(IDLE.into()),
            st_wait: Constant::new(WAIT_MC.into()),
            st_respond: Constant::new(RESPOND.into()),
        }
    }
}

impl Logic for CsrBlock {
    // Every sub-block input is assigned once, unconditionally, from locals:
    // rust-hdl puts the whole kernel in one always block, and conditional
    // assignments to an input whose sub-block output the block also reads
    // look like a loop to Verilator (UNOPTFLAT).
    #[hdl_gen]
    fn update(&mut self) {
        self.queue.clock.next = self.clock.val();
        self.state.clock.next = self.clock.val();
        self.rw_r.clock.next = self.clock.val();
        self.written_r.clock.next = self.clock.val();
        self.written_r.reset.next = self.reset.val();
        self.response.clock.next = self.clock.val();
        self.queue.reset.next = self.reset.val();
        self.state.reset.next = self.reset.val();
        self.rw_r.reset.next = self.reset.val();
        self.response.reset.next = self.reset.val();
        self.pick.a.next = self.req_header.val();
        self.queue.data_in.next = self.pick.y.val();
        self.queue.push.next = self.req_valid.val();

        // The request at the head of the queue.
        self.opcode.next = self.queue.data_out.val().get_bits::<8>(0);
        self.index.next = self.queue.data_out.val().get_bits::<32>(16);
        self.value.next = self.queue.data_out.val().get_bits::<32>(48);
        self.spread.a.next = self.value.val();
        self.is_read.next = self.opcode.val() == self.op_read.val();
        self.is_write.next = self.opcode.val() == self.op_write.val();
        self.controller.next =
            (self.index.val() >= self.mc_first.val()) & (self.index.val() < self.mc_end.val());
        self.link_test.next =
            (self.index.val() >= self.lt_first.val()) & (self.index.val() < self.lt_end.val());

        // Local registers, in the order of LOCAL, then the read-write ones.
        self.answer.next = self.zero32.val();
        self.mapped.next = self.controller.val() | self.link_test.val();
        self.writable.next = false;
        if self.link_test.val() {
            self.answer.next = self.lt_value.val();
        }
        if self.index.val() == self.at[0].val() {
            self.answer.next = self.chip_id.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[1].val() {
            self.answer.next = self.version.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[2].val() {
            self.answer.next = self.link_test_status.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[3].val() {
            self.answer.next = self.link_status.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[4].val() {
            self.answer.next = self.crc_errors.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[5].val() {
            self.answer.next = self.replays.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[6].val() {
            self.answer.next = self.retrains.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[7].val() {
            self.answer.next = self.bad_slots.val();
            self.mapped.next = true;
        }
        for i in 0..GOOD_WORDS {
            if self.index.val() == self.good_at[i].val() {
                self.answer.next = self.lanes_good.val().get_bits::<32>(32 * i);
                self.mapped.next = true;
            }
        }
        self.strobes.next = self.no_strobe.val();
        for i in 0..RW_REGISTERS {
            if self.index.val() == self.rw_at[i].val() {
                self.answer.next = self.rw_r.q.val().get_bits::<32>(32 * i);
                self.mapped.next = true;
                self.writable.next = true;
                self.strobes.next = self.rw_strobe[i].val();
            }
        }

        // What to answer: data for a read, an acknowledge for a write to a
        // writable register, an error otherwise; a controller-domain value
        // once that domain has sent it.
        self.reply.next = self.reply_error.val();
        if self.mapped.val() & self.is_read.val() {
            self.reply.next = self.reply_data.val();
        }
        if self.writable.val() & self.is_write.val() {
            self.reply.next = self.reply_ack.val();
        }
        if self.state.q.val() == self.st_wait.val() {
            self.answer.next = self.mc_value.val();
        }
        self.build.a.next =
            (self.queue.data_out.val().get_bits::<16>(0) & self.tag_bits.val()) | self.reply.val();
        self.build.b.next = self.answer.val();

        self.respond_now.next = false;
        self.mc_request.next = false;
        if (self.state.q.val() == self.st_idle.val()) & !self.queue.empty.val() {
            if self.controller.val() & self.is_read.val() {
                self.mc_request.next = true;
            } else {
                self.respond_now.next = true;
            }
        }
        if (self.state.q.val() == self.st_wait.val()) & self.mc_valid.val() {
            self.respond_now.next = true;
        }
        self.queue.pop.next = self.respond_now.val();

        self.state.d.next = self.state.q.val();
        if self.mc_request.val() {
            self.state.d.next = self.st_wait.val();
        }
        if self.respond_now.val() {
            self.state.d.next = self.st_respond.val();
        }
        if (self.state.q.val() == self.st_respond.val()) & self.rsp_pop.val() {
            self.state.d.next = self.st_idle.val();
        }
        self.response.d.next = self.response.q.val();
        if self.respond_now.val() {
            self.response.d.next = self.build.y.val();
        }
        self.rw_r.d.next = self.rw_r.q.val();
        self.written_r.d.next = self.no_strobe.val();
        if self.respond_now.val() & self.writable.val() & self.is_write.val() {
            self.written_r.d.next = self.strobes.val();
            for i in 0..RW_REGISTERS {
                if self.index.val() == self.rw_at[i].val() {
                    self.rw_r.d.next = (self.rw_r.q.val() & !self.rw_field[i].val())
                        | (self.spread.y.val() & self.rw_field[i].val());
                }
            }
        }
        self.rsp_valid.next = self.state.q.val() == self.st_respond.val();
        self.rsp_header.next = self.response.q.val();
        self.mc_sel.next = self.index.val().get_bits::<4>(0);
        self.lt_sel.next = self.index.val().get_bits::<8>(0);
        self.rw.next = self.rw_r.q.val();
        self.written.next = self.written_r.q.val();
    }
}
