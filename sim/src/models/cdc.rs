//! Timed references for the clock-domain-crossing primitives, written from
//! one rule rather than from their circuits: **a change made at time `t` in
//! one domain is seen by an `S`-flop synchroniser in another right after the
//! `S`-th rising edge of the destination clock strictly after `t`** (an edge
//! at the same instant samples the old value). In simulation there is no
//! metastability, so each primitive's outputs follow exactly from that rule,
//! the edge times and what was sent.
//!
//! Every model is fed the rising edges of its clocks in time order, each with
//! the inputs that were applied just before it, and says what the outputs
//! must be after the edges so far.

use std::collections::VecDeque;

/// Rising-edge times of one clock since reset was released.
#[derive(Clone, Debug, Default)]
pub struct EdgeTimes {
    times: Vec<u64>,
}

impl EdgeTimes {
    pub fn push(&mut self, t: u64) {
        debug_assert!(self.times.last().is_none_or(|&l| l < t));
        self.times.push(t);
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// After the edges so far, an `stages`-flop synchroniser holds what its
    /// input was just before edge `len - stages` (None: still its reset
    /// value).
    pub fn sampled_before(&self, stages: usize) -> Option<u64> {
        self.times.len().checked_sub(stages).map(|k| self.times[k])
    }

    /// The time of the `n`-th edge (1-based) strictly after `t`, if it has
    /// happened.
    pub fn nth_after(&self, t: u64, n: usize) -> Option<u64> {
        let first = self.times.partition_point(|&e| e <= t);
        self.times.get(first + n - 1).copied()
    }
}

/// Events (sorted times) strictly before `t`; all of them for `None`
/// meaning "no bound", none for a synchroniser still at reset.
fn count_before(events: &[u64], t: Option<u64>) -> usize {
    t.map_or(0, |t| events.partition_point(|&e| e < t))
}

/// What the async FIFO must show: `full` on the write side, `empty` and the
/// head on the read side.
pub struct AsyncFifoModel {
    capacity: usize,
    stages: usize,
    wr_edges: EdgeTimes,
    rd_edges: EdgeTimes,
    push_times: Vec<u64>,
    pop_times: Vec<u64>,
    queue: VecDeque<u64>,
}

impl AsyncFifoModel {
    pub fn new(capacity: usize, stages: usize) -> Self {
        Self {
            capacity,
            stages,
            wr_edges: EdgeTimes::default(),
            rd_edges: EdgeTimes::default(),
            push_times: vec![],
            pop_times: vec![],
            queue: VecDeque::new(),
        }
    }

    /// The write side sees the pops its synchroniser has carried over.
    pub fn full(&self) -> bool {
        self.wr_level() == self.capacity
    }

    /// The read side sees the pushes its synchroniser has carried over.
    pub fn empty(&self) -> bool {
        let pushes_seen = count_before(&self.push_times, self.rd_edges.sampled_before(self.stages));
        self.pop_times.len() == pushes_seen
    }

    /// Entries the write side knows are held: its pushes less the pops its
    /// synchroniser has carried over.
    pub fn wr_level(&self) -> usize {
        self.push_times.len()
            - count_before(&self.pop_times, self.wr_edges.sampled_before(self.stages))
    }

    /// Entries the read side knows are held.
    pub fn rd_level(&self) -> usize {
        count_before(&self.push_times, self.rd_edges.sampled_before(self.stages))
            - self.pop_times.len()
    }

    /// The word `data_out` must show while not empty.
    pub fn head(&self) -> Option<u64> {
        (!self.empty()).then(|| self.queue[0])
    }

    /// Entries written and not yet read (what the storage really holds).
    pub fn held(&self) -> usize {
        self.queue.len()
    }

    /// A write-clock rising edge at `t` with `push` applied before it;
    /// returns whether the word was taken.
    pub fn write_edge(&mut self, t: u64, push: Option<u64>) -> bool {
        let taken = push.is_some() && !self.full();
        if let (true, Some(word)) = (taken, push) {
            self.push_times.push(t);
            self.queue.push_back(word);
        }
        self.wr_edges.push(t);
        taken
    }

    /// A read-clock rising edge at `t` with `pop` applied before it; returns
    /// the word taken, if any.
    pub fn read_edge(&mut self, t: u64, pop: bool) -> Option<u64> {
        let word = if pop && !self.empty() {
            self.pop_times.push(t);
            self.queue.pop_front()
        } else {
            None
        };
        self.rd_edges.push(t);
        word
    }
}

/// What the pulse synchroniser must show: `pulse_out` after each
/// destination edge.
#[derive(Default)]
pub struct PulseSyncModel {
    stages: usize,
    dst_edges: EdgeTimes,
    /// Source edges at which a pulse was applied.
    pulses: Vec<u64>,
}

impl PulseSyncModel {
    pub fn new(stages: usize) -> Self {
        Self {
            stages,
            ..Self::default()
        }
    }

    pub fn src_edge(&mut self, t: u64, pulse: bool) {
        if pulse {
            self.pulses.push(t);
        }
    }

    pub fn dst_edge(&mut self, t: u64) {
        self.dst_edges.push(t);
    }

    /// High while the synchronised count of pulses differs from its value
    /// one destination edge earlier (in parity: pulses merge in pairs when
    /// the sender breaks the spacing rule).
    pub fn pulse_out(&self) -> bool {
        let now = count_before(&self.pulses, self.dst_edges.sampled_before(self.stages));
        let before = count_before(&self.pulses, self.dst_edges.sampled_before(self.stages + 1));
        (now - before) % 2 == 1
    }
}

/// What the handshake synchroniser must show. A word sent at source edge
/// `t` crosses (`stages` destination edges), is taken one destination edge
/// later (`valid` rises then, for one destination clock), and its
/// acknowledge crosses back (`stages` source edges) before `ready` returns.
#[derive(Default)]
pub struct HandshakeModel {
    stages: usize,
    src_edges: EdgeTimes,
    dst_edges: EdgeTimes,
    /// Words sent: source edge and data.
    sent: Vec<(u64, u64)>,
}

impl HandshakeModel {
    pub fn new(stages: usize) -> Self {
        Self {
            stages,
            ..Self::default()
        }
    }

    /// The destination edge at which word `i` is taken, if it has happened.
    fn taken_at(&self, i: usize) -> Option<u64> {
        self.dst_edges.nth_after(self.sent[i].0, self.stages + 1)
    }

    pub fn ready(&self) -> bool {
        match self.sent.len().checked_sub(1) {
            None => true,
            Some(last) => self
                .taken_at(last)
                .and_then(|d| self.src_edges.nth_after(d, self.stages))
                .is_some(),
        }
    }

    /// A source edge at `t` with `send` applied before it; returns whether
    /// the word was taken.
    pub fn src_edge(&mut self, t: u64, send: Option<u64>) -> bool {
        let taken = send.is_some() && self.ready();
        if let (true, Some(word)) = (taken, send) {
            self.sent.push((t, word));
        }
        self.src_edges.push(t);
        taken
    }

    pub fn dst_edge(&mut self, t: u64) {
        self.dst_edges.push(t);
    }

    /// `valid` after the destination edges so far.
    pub fn valid(&self) -> bool {
        let last_edge = match self.dst_edges.times.last() {
            Some(&t) => t,
            None => return false,
        };
        (0..self.sent.len())
            .rev()
            .take(2)
            .any(|i| self.taken_at(i) == Some(last_edge))
    }

    /// The last word taken by the destination (0 before the first).
    pub fn data_out(&self) -> u64 {
        (0..self.sent.len())
            .rev()
            .find(|&i| self.taken_at(i).is_some())
            .map_or(0, |i| self.sent[i].1)
    }

    /// Words the destination has taken so far.
    pub fn delivered(&self) -> usize {
        (0..self.sent.len())
            .filter(|&i| self.taken_at(i).is_some())
            .count()
    }

    pub fn sent(&self) -> usize {
        self.sent.len()
    }
}

/// What a level synchroniser must show: its input as it was just before
/// the destination edge `stages - 1` edges ago.
#[derive(Default)]
pub struct LevelSyncModel {
    stages: usize,
    /// The input just before each destination edge.
    sampled: Vec<u64>,
}

impl LevelSyncModel {
    pub fn new(stages: usize) -> Self {
        Self {
            stages,
            sampled: vec![],
        }
    }

    pub fn dst_edge(&mut self, input: u64) {
        self.sampled.push(input);
    }

    pub fn q(&self) -> u64 {
        self.sampled
            .len()
            .checked_sub(self.stages)
            .map_or(0, |k| self.sampled[k])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_seen_after_the_second_later_edge() {
        let mut e = EdgeTimes::default();
        for t in [10, 20, 30, 40] {
            e.push(t);
        }
        // A change at 20 is not sampled by the edge at 20: edges 30 and 40.
        assert_eq!(e.nth_after(20, 2), Some(40));
        assert_eq!(e.nth_after(19, 2), Some(30));
        assert_eq!(e.nth_after(35, 2), None);
        assert_eq!(e.sampled_before(2), Some(30));
    }

    #[test]
    fn fifo_flags_lag_by_the_synchroniser() {
        let mut m = AsyncFifoModel::new(2, 2);
        assert!(m.write_edge(5, Some(7)));
        m.read_edge(10, false);
        assert!(m.empty(), "one read edge after the push: not yet across");
        m.read_edge(20, false);
        assert_eq!(m.head(), Some(7));
        assert!(m.write_edge(25, Some(8)));
        assert!(m.full());
        assert_eq!(m.read_edge(30, true), Some(7));
        assert!(!m.write_edge(35, Some(9)), "the pop is not across yet");
        m.write_edge(45, None);
        assert!(!m.full());
    }
}
