//! FIFO reference: a `VecDeque` with the FIFO's accept rules.

use std::collections::VecDeque;

pub struct FifoModel {
    capacity: usize,
    almost_full_level: usize,
    queue: VecDeque<u64>,
}

/// What the FIFO shows in one cycle, before the clock edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FifoView {
    pub head: Option<u64>,
    pub full: bool,
    pub empty: bool,
    pub almost_full: bool,
    pub count: usize,
}

impl FifoModel {
    pub fn new(capacity: usize, almost_full_level: usize) -> Self {
        Self {
            capacity,
            almost_full_level,
            queue: VecDeque::new(),
        }
    }

    pub fn view(&self) -> FifoView {
        FifoView {
            head: self.queue.front().copied(),
            full: self.queue.len() == self.capacity,
            empty: self.queue.is_empty(),
            almost_full: self.queue.len() >= self.almost_full_level,
            count: self.queue.len(),
        }
    }

    /// One clock edge. A push is taken when the FIFO is not full and a pop
    /// when it is not empty, both judged before the edge. Returns the popped
    /// value.
    pub fn clock(&mut self, push: Option<u64>, pop: bool) -> Option<u64> {
        let (full, empty) = (self.queue.len() == self.capacity, self.queue.is_empty());
        let popped = if pop && !empty {
            self.queue.pop_front()
        } else {
            None
        };
        if let Some(v) = push {
            if !full {
                self.queue.push_back(v);
            }
        }
        popped
    }
}
