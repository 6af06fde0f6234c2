//! The test chip's registers, read and written over the link, and the
//! block that serves them.
//!
//! [`REGISTERS`] is the register map: the RTL decodes its indices from it,
//! `kaizen regmap` prints it (Markdown or JSON) for the documentation and the
//! host model, and a test reads and writes every entry through the RTL.
//!
//! `CsrBlock` takes register requests (the header word of a request slot)
//! into a 4-deep queue (the host's register credits), answers one at a
//! time, and holds each response until the transmit side takes it. Memory
//! controller counters live in the controller's clock domain: for those the
//! block asks over `mc_request` / `mc_sel` and waits for `mc_valid` /
//! `mc_value` (the top carries both across with handshake synchronisers).

use super::transaction::{field, op};
use crate::memctl::controller::COUNTERS;
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
    /// Memory-controller counter `n` (`CounterSel`), from the other clock
    /// domain.
    Controller(u32),
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Register {
    pub index: u32,
    pub name: &'static str,
    pub source: Source,
    pub doc: &'static str,
}

impl Register {
    pub fn writable(&self) -> bool {
        matches!(self.source, Source::ReadWrite(_))
    }
}

/// "KZ" and the chip's number.
pub const CHIP_ID: u32 = 0x4b5a_0001;
/// Bumped when the register map or the transaction format changes.
pub const VERSION: u32 = 1;
/// Where the controller's counters start.
pub const MC_BASE: u32 = 0x20;

pub const REGISTERS: &[Register] = &[
    Register { index: 0x00, name: "CHIP_ID", source: Source::Constant(CHIP_ID), doc: "chip identity: \"KZ\" and the chip number" },
    Register { index: 0x01, name: "VERSION", source: Source::Constant(VERSION), doc: "register map and transaction format version" },
    Register { index: 0x02, name: "SCRATCH", source: Source::ReadWrite(0), doc: "free for the host (link and register path check)" },
    Register { index: 0x03, name: "CONTROL", source: Source::ReadWrite(0), doc: "test-mode control (the `control` output; bits defined with the self-test)" },
    Register { index: 0x10, name: "LINK_STATUS", source: Source::Input("link_status"), doc: "die-to-die link: training state (bits 0..3), receive lane mode (4..6), lanes good (16..32)" },
    Register { index: 0x11, name: "LINK_CRC_ERRORS", source: Source::Input("crc_errors"), doc: "flits received with a bad CRC" },
    Register { index: 0x12, name: "LINK_REPLAYS", source: Source::Input("replays"), doc: "flits sent again (NAK, timeout or retrain)" },
    Register { index: 0x13, name: "LINK_RETRAINS", source: Source::Input("retrains"), doc: "link retrains" },
    Register { index: 0x14, name: "BAD_SLOTS", source: Source::Input("bad_slots"), doc: "request slots dropped for an unknown opcode" },
    Register { index: MC_BASE, name: "MC_READS", source: Source::Controller(0), doc: "memory controller: RD commands" },
    Register { index: MC_BASE + 1, name: "MC_WRITES", source: Source::Controller(1), doc: "memory controller: WR commands" },
    Register { index: MC_BASE + 2, name: "MC_ACTIVATES", source: Source::Controller(2), doc: "memory controller: ACT commands" },
    Register { index: MC_BASE + 3, name: "MC_PRECHARGES", source: Source::Controller(3), doc: "memory controller: PRE commands" },
    Register { index: MC_BASE + 4, name: "MC_ROW_HITS", source: Source::Controller(4), doc: "memory controller: requests served from an open row" },
    Register { index: MC_BASE + 5, name: "MC_ROW_MISSES", source: Source::Controller(5), doc: "memory controller: requests that opened a closed bank" },
    Register { index: MC_BASE + 6, name: "MC_ROW_CONFLICTS", source: Source::Controller(6), doc: "memory controller: requests that closed another row" },
    Register { index: MC_BASE + 7, name: "MC_REFRESHES", source: Source::Controller(7), doc: "memory controller: refresh commands" },
    Register { index: MC_BASE + 8, name: "MC_DATA_BUSY", source: Source::Controller(8), doc: "memory controller: data-bus busy cycles" },
];

pub fn register(name: &str) -> Option<&'static Register> {
    REGISTERS.iter().find(|r| r.name == name)
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
            Source::Input(p) => ("RO", format!("input `{p}`"), "-".into()),
            Source::Controller(n) => ("RO", format!("controller counter {n}"), "-".into()),
        };
        s.push_str(&format!(
            "| {:#04x} | `{}` | {access} | {source} | {reset} | {} |\n",
            r.index, r.name, r.doc
        ));
    }
    s
}

/// The map as JSON, for host software.
pub fn json() -> String {
    serde_json::to_string_pretty(REGISTERS).expect("the map serialises") + "\n"
}

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
    /// Ask the controller's domain for counter `mc_sel`.
    pub mc_request: Signal<Out, Bit>,
    pub mc_sel: Signal<Out, Bits<4>>,
    pub mc_valid: Signal<In, Bit>,
    pub mc_value: Signal<In, Bits<32>>,
    /// The CONTROL register.
    pub control: Signal<Out, Bits<32>>,
    /// Requests: opcode, tag, index (bits 0..48) and value (48..80).
    queue: SyncFifo<Bits<80>, 2, 3>,
    pick: XorNet<128, 80>,
    state: Reg<Bits<2>>,
    scratch: Reg<Bits<32>>,
    control_r: Reg<Bits<32>>,
    response: Reg<Bits<128>>,
    build: XorNet2<16, 32, 128>,
    opcode: Signal<Local, Bits<8>>,
    index: Signal<Local, Bits<32>>,
    value: Signal<Local, Bits<32>>,
    mapped: Signal<Local, Bit>,
    writable: Signal<Local, Bit>,
    controller: Signal<Local, Bit>,
    is_read: Signal<Local, Bit>,
    is_write: Signal<Local, Bit>,
    respond_now: Signal<Local, Bit>,
    reply: Signal<Local, Bits<16>>,
    answer: Signal<Local, Bits<32>>,
    at: [Constant<Bits<32>>; 9],
    mc_first: Constant<Bits<32>>,
    mc_end: Constant<Bits<32>>,
    chip_id: Constant<Bits<32>>,
    version: Constant<Bits<32>>,
    op_read: Constant<Bits<8>>,
    op_write: Constant<Bits<8>>,
    reply_data: Constant<Bits<16>>,
    reply_ack: Constant<Bits<16>>,
    reply_error: Constant<Bits<16>>,
    tag_bits: Constant<Bits<16>>,
    zero32: Constant<Bits<32>>,
    st_idle: Constant<Bits<2>>,
    st_wait: Constant<Bits<2>>,
    st_respond: Constant<Bits<2>>,
}

/// The registers this block decodes itself, in the order of `at`.
const LOCAL: [&str; 9] = [
    "CHIP_ID",
    "VERSION",
    "SCRATCH",
    "CONTROL",
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
        let controller: Vec<&Register> = REGISTERS
            .iter()
            .filter(|r| matches!(r.source, Source::Controller(_)))
            .collect();
        assert_eq!(controller.len(), COUNTERS);
        assert!(controller
            .iter()
            .all(|r| r.source == Source::Controller(r.index - MC_BASE)));
        assert_eq!(REGISTERS.len(), LOCAL.len() + COUNTERS);
        // The counter number is the index's low four bits.
        assert!(MC_BASE.is_multiple_of(16) && COUNTERS <= 16);
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
            mc_request: Default::default(),
            mc_sel: Default::default(),
            mc_valid: Default::default(),
            mc_value: Default::default(),
            control: Default::default(),
            queue: SyncFifo::new(4),
            pick: XorNet::new(Gf2Matrix::placement(128, 80, &[(0, 0, 48), (80, 48, 32)])),
            state: Default::default(),
            scratch: Default::default(),
            control_r: Default::default(),
            response: Default::default(),
            // Response header: {tag, opcode} in bits 0..16, value at 80.
            build: XorNet2::new(Gf2Matrix::placement(48, 128, &[(0, 0, 16), (16, 80, 32)])),
            opcode: Default::default(),
            index: Default::default(),
            value: Default::default(),
            mapped: Default::default(),
            writable: Default::default(),
            controller: Default::default(),
            is_read: Default::default(),
            is_write: Default::default(),
            respond_now: Default::default(),
            reply: Default::default(),
            answer: Default::default(),
            at: std::array::from_fn(|i| k32(index_of(LOCAL[i]))),
            mc_first: k32(MC_BASE),
            mc_end: k32(MC_BASE + COUNTERS as u32),
            chip_id: k32(CHIP_ID),
            version: k32(VERSION),
            op_read: Constant::new(u64::from(op::CSR_READ).into()),
            op_write: Constant::new(u64::from(op::CSR_WRITE).into()),
            reply_data: k16(u64::from(op::CSR_DATA)),
            reply_ack: k16(u64::from(op::CSR_ACK)),
            reply_error: k16(u64::from(op::CSR_ERROR)),
            tag_bits: k16(0xff00),
            zero32: k32(0),
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
        self.scratch.clock.next = self.clock.val();
        self.control_r.clock.next = self.clock.val();
        self.response.clock.next = self.clock.val();
        self.queue.reset.next = self.reset.val();
        self.state.reset.next = self.reset.val();
        self.scratch.reset.next = self.reset.val();
        self.control_r.reset.next = self.reset.val();
        self.response.reset.next = self.reset.val();
        self.pick.a.next = self.req_header.val();
        self.queue.data_in.next = self.pick.y.val();
        self.queue.push.next = self.req_valid.val();

        // The request at the head of the queue.
        self.opcode.next = self.queue.data_out.val().get_bits::<8>(0);
        self.index.next = self.queue.data_out.val().get_bits::<32>(16);
        self.value.next = self.queue.data_out.val().get_bits::<32>(48);
        self.is_read.next = self.opcode.val() == self.op_read.val();
        self.is_write.next = self.opcode.val() == self.op_write.val();
        self.controller.next =
            (self.index.val() >= self.mc_first.val()) & (self.index.val() < self.mc_end.val());

        // Local registers, in the order of LOCAL.
        self.answer.next = self.zero32.val();
        self.mapped.next = self.controller.val();
        self.writable.next = false;
        if self.index.val() == self.at[0].val() {
            self.answer.next = self.chip_id.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[1].val() {
            self.answer.next = self.version.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[2].val() {
            self.answer.next = self.scratch.q.val();
            self.mapped.next = true;
            self.writable.next = true;
        }
        if self.index.val() == self.at[3].val() {
            self.answer.next = self.control_r.q.val();
            self.mapped.next = true;
            self.writable.next = true;
        }
        if self.index.val() == self.at[4].val() {
            self.answer.next = self.link_status.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[5].val() {
            self.answer.next = self.crc_errors.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[6].val() {
            self.answer.next = self.replays.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[7].val() {
            self.answer.next = self.retrains.val();
            self.mapped.next = true;
        }
        if self.index.val() == self.at[8].val() {
            self.answer.next = self.bad_slots.val();
            self.mapped.next = true;
        }

        // What to answer: data for a read, an acknowledge for a write to a
        // writable register, an error otherwise; a counter's value once the
        // controller's domain has sent it.
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
        self.scratch.d.next = self.scratch.q.val();
        self.control_r.d.next = self.control_r.q.val();
        if self.respond_now.val() & self.writable.val() & self.is_write.val() {
            if self.index.val() == self.at[2].val() {
                self.scratch.d.next = self.value.val();
            }
            if self.index.val() == self.at[3].val() {
                self.control_r.d.next = self.value.val();
            }
        }
        self.rsp_valid.next = self.state.q.val() == self.st_respond.val();
        self.rsp_header.next = self.response.q.val();
        self.mc_sel.next = self.index.val().get_bits::<4>(0);
        self.control.next = self.control_r.q.val();
    }
}
