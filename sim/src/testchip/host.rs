//! The partner die's side of the transaction layer: it turns a request
//! trace into flit payloads under the chip's credits, reads the chip's
//! response flits, and checks what a memory owes: every request answered
//! once with its tag, read data equal to the last write before it in
//! request order (or the memory's initial contents).
//!
//! Written from the format (`kaizen_hdl::testchip::transaction`), not from
//! the RTL.

use crate::models::memctl_reference::Request;
use kaizen_hdl::testchip::transaction::{
    Flit, Message, CSR_CREDITS, DATA_BYTES, PAYLOAD_BYTES, REQUEST_CREDITS, SLOTS,
};
use std::collections::{HashMap, VecDeque};

/// A memory request in flight.
struct InFlight {
    index: usize,
    write: bool,
    /// What a read must return (fixed when sent: request order is data
    /// order).
    expect: Option<[u8; DATA_BYTES]>,
    sent_at: u64,
}

#[derive(Default)]
pub struct HostStats {
    pub sent: usize,
    pub answered: usize,
    pub read_bytes: u64,
    /// Clock (link) of the first request sent and of the last response.
    pub first_sent: Option<u64>,
    pub last_answer: u64,
    /// Request sent (handed to the link) to response decoded, link clocks.
    pub latencies: Vec<u64>,
    /// Flits sent and received, and the slots they filled.
    pub flits_sent: u64,
    pub slots_sent: u64,
    pub flits_received: u64,
    pub slots_received: u64,
}

pub struct Host {
    trace: Vec<Request>,
    next: usize,
    /// Memory requests sent, and the chip's count of those it has taken
    /// out of its buffer (the credits field), both mod 2^16.
    sent_total: u16,
    freed: u16,
    tags: VecDeque<u8>,
    in_flight: HashMap<u8, InFlight>,
    answered: Vec<bool>,
    memory: HashMap<u64, [u8; DATA_BYTES]>,
    csr_queue: VecDeque<Message>,
    csr_in_flight: HashMap<u8, Message>,
    csr_tags: VecDeque<u8>,
    /// Register responses, in arrival order, with the request.
    pub csr_answers: Vec<(Message, Message)>,
    pub stats: HostStats,
    /// Send register requests only (a self-test is being set up or runs).
    pub hold: bool,
}

impl Host {
    pub fn new(trace: Vec<Request>) -> Self {
        let n = trace.len();
        Self {
            trace,
            next: 0,
            sent_total: 0,
            freed: 0,
            tags: (0..=255).collect(),
            in_flight: HashMap::new(),
            answered: vec![false; n],
            memory: HashMap::new(),
            csr_queue: VecDeque::new(),
            csr_in_flight: HashMap::new(),
            csr_tags: (0..=255).collect(),
            csr_answers: vec![],
            stats: HostStats::default(),
            hold: false,
        }
    }

    /// Queues a register read or write (its tag is chosen when it is sent).
    pub fn csr(&mut self, m: Message) {
        self.csr_queue.push_back(m);
    }

    fn credits(&self) -> u32 {
        REQUEST_CREDITS - u32::from(self.sent_total.wrapping_sub(self.freed))
    }

    /// Everything sent has been answered and nothing is left to send.
    pub fn done(&self) -> bool {
        self.next == self.trace.len()
            && self.in_flight.is_empty()
            && self.csr_queue.is_empty()
            && self.csr_in_flight.is_empty()
    }

    /// Nothing sent is unanswered and no register request waits.
    pub fn idle(&self) -> bool {
        self.in_flight.is_empty() && self.csr_queue.is_empty() && self.csr_in_flight.is_empty()
    }

    pub fn outstanding(&self) -> usize {
        self.in_flight.len() + self.csr_in_flight.len()
    }

    /// The next payload to send, if any request may go: register requests
    /// first, then the trace in order, each memory request on a credit and
    /// a free tag. `initial` gives the memory's contents at a burst address.
    ///
    /// A flit of memory requests waits until it can be filled (five credits,
    /// or what is left of the trace): flits committed half empty would queue
    /// in the PHY's replay buffer behind each other and hold credits back
    /// from the flits after them.
    pub fn next_payload(
        &mut self,
        now: u64,
        initial: &dyn Fn(u64) -> [u8; DATA_BYTES],
    ) -> Option<[u8; PAYLOAD_BYTES]> {
        if self.hold && self.csr_queue.is_empty() {
            return None;
        }
        let remaining = if self.hold {
            0
        } else {
            (self.trace.len() - self.next) as u32
        };
        let fillable = self.credits().min(self.tags.len() as u32);
        if self.csr_queue.is_empty() && remaining > 0 && fillable < remaining.min(SLOTS as u32) {
            return None;
        }
        let mut flit = Flit::default();
        let mut used = 0;
        while used < SLOTS
            && self.csr_in_flight.len() < CSR_CREDITS as usize
            && !self.csr_queue.is_empty()
        {
            let tag = self.csr_tags.pop_front().expect("256 tags for 4 credits");
            let m = match self.csr_queue.pop_front().expect("checked") {
                Message::CsrRead { addr, .. } => Message::CsrRead { tag, addr },
                Message::CsrWrite { addr, value, .. } => Message::CsrWrite { tag, addr, value },
                other => panic!("not a register request: {other:?}"),
            };
            self.csr_in_flight.insert(tag, m.clone());
            flit.slots[used] = Some(m);
            used += 1;
        }
        while !self.hold && used < SLOTS && self.next < self.trace.len() && self.credits() > 0 {
            let Some(tag) = self.tags.pop_front() else {
                break;
            };
            let r = &self.trace[self.next];
            let addr = r.addr as u32;
            let mut data = [0u8; DATA_BYTES];
            data.copy_from_slice(&r.data);
            let mask = r
                .mask
                .iter()
                .enumerate()
                .fold(0u32, |m, (i, on)| m | (u32::from(*on) << i));
            let held = self.memory.entry(r.addr).or_insert_with(|| initial(r.addr));
            let expect = if r.write {
                for (k, on) in r.mask.iter().enumerate() {
                    if *on {
                        held[k] = r.data[k];
                    }
                }
                None
            } else {
                Some(*held)
            };
            flit.slots[used] = Some(if r.write {
                Message::MemWrite {
                    tag,
                    addr,
                    data,
                    mask,
                }
            } else {
                Message::MemRead { tag, addr }
            });
            self.in_flight.insert(
                tag,
                InFlight {
                    index: self.next,
                    write: r.write,
                    expect,
                    sent_at: now,
                },
            );
            self.stats.first_sent.get_or_insert(now);
            self.sent_total = self.sent_total.wrapping_add(1);
            self.stats.sent += 1;
            self.next += 1;
            used += 1;
        }
        if used > 0 {
            self.stats.flits_sent += 1;
            self.stats.slots_sent += used as u64;
        }
        (used > 0).then(|| flit.encode())
    }

    /// A payload the chip sent, at link clock `now`.
    pub fn receive(&mut self, payload: &[u8; PAYLOAD_BYTES], now: u64) -> Result<(), String> {
        let flit = Flit::decode(payload)
            .map_err(|e| format!("clock {now}: the chip sent a flit that does not decode: {e}"))?;
        // Cumulative: never goes back, never past what was sent.
        let advance = flit.credits.wrapping_sub(self.freed);
        if advance > self.sent_total.wrapping_sub(self.freed) {
            return Err(format!(
                "clock {now}: credits {} returned, but only {} requests were sent",
                flit.credits, self.sent_total
            ));
        }
        self.freed = flit.credits;
        self.stats.flits_received += 1;
        self.stats.slots_received += flit.slots.iter().flatten().count() as u64;
        for m in flit.slots.into_iter().flatten() {
            match m {
                Message::ReadData { tag, .. } | Message::WriteAck { tag } => {
                    let f = self.in_flight.remove(&tag).ok_or_else(|| {
                        format!("clock {now}: response {m:?} for a tag no request holds")
                    })?;
                    let write = matches!(m, Message::WriteAck { .. });
                    if write != f.write {
                        return Err(format!(
                            "clock {now}: request {} (tag {tag}) answered with {m:?}",
                            f.index
                        ));
                    }
                    if let (Message::ReadData { data, .. }, Some(want)) = (&m, f.expect) {
                        if *data != want {
                            let r = &self.trace[f.index];
                            return Err(format!(
                                "clock {now}: read request {} (address {:#x}) returned the wrong data",
                                f.index, r.addr
                            ));
                        }
                        self.stats.read_bytes += DATA_BYTES as u64;
                    }
                    if std::mem::replace(&mut self.answered[f.index], true) {
                        return Err(format!("clock {now}: request {} answered twice", f.index));
                    }
                    self.stats.latencies.push(now - f.sent_at);
                    self.stats.answered += 1;
                    self.stats.last_answer = now;
                    self.tags.push_back(tag);
                }
                Message::CsrData { tag, .. }
                | Message::CsrAck { tag }
                | Message::CsrError { tag } => {
                    let asked = self.csr_in_flight.remove(&tag).ok_or_else(|| {
                        format!("clock {now}: register response {m:?} nobody asked for")
                    })?;
                    self.csr_tags.push_back(tag);
                    self.csr_answers.push((asked, m));
                }
                other => {
                    return Err(format!("clock {now}: the chip sent a request: {other:?}"));
                }
            }
        }
        Ok(())
    }
}
