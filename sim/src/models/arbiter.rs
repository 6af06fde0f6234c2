//! Round-robin reference: a pointer to the requester after the last grant;
//! the first requester found scanning upward from it (wrapping) wins.

pub struct RoundRobinModel {
    n: usize,
    next: usize,
}

impl RoundRobinModel {
    pub fn new(n: usize) -> Self {
        Self { n, next: 0 }
    }

    /// The requester granted for `requests` (bit i = requester i).
    pub fn grant(&self, requests: u64) -> Option<usize> {
        (0..self.n)
            .map(|k| (self.next + k) % self.n)
            .find(|&i| requests >> i & 1 == 1)
    }

    /// The grant was taken: priority moves past it.
    pub fn accept(&mut self, granted: usize) {
        self.next = (granted + 1) % self.n;
    }
}
