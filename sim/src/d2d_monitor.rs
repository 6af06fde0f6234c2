//! The wire monitor of the die-to-die bench: watches what die A puts on its
//! lanes, independently of the RTL. It checks the start of data, undoes
//! each lane's scrambling with a bit-serial LFSR (`models::lfsr`) and the
//! lane map, and checks every flit's CRC with the `crc` crate, that idle
//! flits are empty, and that each data flit carries the payload A was given
//! for its sequence number.

use crate::d2d_bench::payload;
use crate::models::lfsr::Lfsr;
use crc::{Crc, CRC_32_ISO_HDLC};
use kaizen_hdl::d2d::flit::{CRC_BYTES, FLIT_BYTES, HEADER_BYTES, KIND_DATA, PAYLOAD_BYTES};
use kaizen_hdl::d2d::protocol::{self, mode, state, LANES, SDS};
use kaizen_hdl::primitives::PCIE_GEN3_LANE0;

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// Physical lane of each logical lane in a lane mode.
pub fn physical_lanes(m: u64) -> Vec<usize> {
    match m {
        mode::FULL => (0..LANES).collect(),
        mode::LOWER => (0..LANES / 2).collect(),
        _ => (LANES / 2..LANES).collect(),
    }
}

pub fn lanes_to_words(lanes: &[u64]) -> Vec<u64> {
    (0..LANES)
        .map(|l| (lanes[l / 8] >> (8 * (l % 8))) & 0xff)
        .collect()
}

/// Checks A's transmitted lanes against the documented flit format with
/// software models (see the module comment).
pub struct WireMonitor {
    lfsrs: Vec<Lfsr>,
    seeds: Vec<u64>,
    in_data: bool,
    sds_seen: usize,
    bytes: Vec<u8>,
    seed: u64,
    next_new: u64,
    last_state: u64,
    /// Flits started on the wire so far.
    flits: u64,
    /// Lane mode of the clock just seen.
    pub mode: u64,
    /// Data flits checked so far.
    pub checked: u64,
}

impl WireMonitor {
    pub fn new(seed: u64) -> Self {
        let seeds = PCIE_GEN3_LANE0.lane_seeds(LANES, protocol::LANE_SEED_OFFSET);
        Self {
            lfsrs: vec![],
            seeds,
            in_data: false,
            sds_seen: 0,
            bytes: vec![],
            seed,
            next_new: 0,
            last_state: state::RESET,
            flits: 0,
            mode: mode::FULL,
            checked: 0,
        }
    }

    fn restart(&mut self) {
        let spec = PCIE_GEN3_LANE0;
        self.lfsrs = self
            .seeds
            .iter()
            .map(|&s| Lfsr::new(spec.length as u32, spec.poly, s))
            .collect();
        self.in_data = false;
        self.sds_seen = 0;
        if !self.bytes.is_empty() {
            // A flit cut short by retraining.
            self.bytes.clear();
            self.flits += 1;
        }
    }

    /// `lanes`: A's physical lanes this clock; `ltsm` A's state, `tx_mode`
    /// the lane mode A transmits with.
    /// Returns, for a data clock, the flit it carries (counted from the
    /// first flit after power-up) and the flit byte on logical lane 0.
    pub fn clock(
        &mut self,
        lanes: &[u64],
        ltsm: u64,
        tx_mode: u64,
        now: u64,
    ) -> Result<Option<(u64, usize)>, String> {
        // The lanes are registered: they show what was chosen in the state
        // of the clock before.
        let ltsm = std::mem::replace(&mut self.last_state, ltsm);
        if ltsm != state::ACTIVE {
            self.restart();
            return Ok(None);
        }
        self.mode = tx_mode;
        let phys = lanes_to_words(lanes);
        let logical: Vec<u64> = match tx_mode {
            mode::FULL => phys,
            mode::LOWER => phys[..8].to_vec(),
            _ => phys[8..].to_vec(),
        };
        if !self.in_data {
            // The transmitter's own wire has no errors: the SDS is exact.
            if logical.iter().all(|&b| b == u64::from(SDS[self.sds_seen])) {
                self.sds_seen += 1;
                self.in_data = self.sds_seen == SDS.len();
                return Ok(None);
            }
            return Err(format!(
                "clock {now}: wire monitor: die A's lanes in ACTIVE carry {:02x?}, not start-of-data {:#04x}",
                logical, SDS[self.sds_seen]
            ));
        }
        let carried = (self.flits, self.bytes.len());
        // Every lane's LFSR advances every data clock, used or not.
        for (l, lfsr) in self.lfsrs.iter_mut().enumerate() {
            let key = lfsr.next_word(8);
            if l < logical.len() {
                self.bytes.push((logical[l] ^ key) as u8);
            }
        }
        if self.bytes.len() == FLIT_BYTES {
            let f = std::mem::take(&mut self.bytes);
            self.check_flit(&f, now)?;
            self.flits += 1;
        }
        Ok(Some(carried))
    }

    fn check_flit(&mut self, f: &[u8], now: u64) -> Result<(), String> {
        let crc = CRC32.checksum(&f[..FLIT_BYTES - CRC_BYTES]);
        if f[FLIT_BYTES - CRC_BYTES..] != crc.to_le_bytes() {
            return Err(format!(
                "clock {now}: wire monitor: die A sent a flit whose CRC {:02x?} is not CRC-32/ISO-HDLC of its bytes ({crc:#010x})",
                &f[FLIT_BYTES - CRC_BYTES..]
            ));
        }
        if f[0] == KIND_DATA {
            // 8-bit sequence numbers: the full index is the one nearest the
            // next new flit (replays reach back at most 16).
            let delta = f[1].wrapping_sub(self.next_new as u8) as i8;
            let i = (self.next_new as i64 + i64::from(delta)).max(0) as u64;
            let want = payload(self.seed, i);
            if f[HEADER_BYTES..HEADER_BYTES + PAYLOAD_BYTES] != want[..] {
                let got = &f[HEADER_BYTES..HEADER_BYTES + PAYLOAD_BYTES];
                let other =
                    (i.saturating_sub(64)..i + 64).find(|&j| payload(self.seed, j)[..] == got[..]);
                let first = (0..PAYLOAD_BYTES).find(|&k| got[k] != want[k]).unwrap_or(0);
                return Err(format!(
                    "clock {now}: wire monitor: die A sent flit {i} (sequence {}) with a payload other than the one it was given ({}; first difference at payload byte {first})",
                    f[1],
                    match other {
                        Some(j) => format!("it is flit {j}'s"),
                        None => "not any nearby flit's".to_string(),
                    }
                ));
            }
            self.next_new = self.next_new.max(i + 1);
            self.checked += 1;
        } else if f[0] != 0
            || f[HEADER_BYTES..FLIT_BYTES - CRC_BYTES]
                .iter()
                .any(|&b| b != 0)
        {
            return Err(format!(
                "clock {now}: wire monitor: die A sent a malformed idle flit (kind {})",
                f[0]
            ));
        }
        Ok(())
    }
}
