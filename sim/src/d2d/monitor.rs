//! The wire monitor of the die-to-die bench: watches what die A puts on its
//! lanes, independently of the RTL. It checks the start of data, undoes
//! the scrambling with bit-serial LFSRs (`models::lfsr`) and the
//! lane map, and checks every flit's CRC with the `crc` crate, that idle
//! flits are empty, and that each data flit carries the payload A was given
//! for its sequence number.

use crate::d2d::bench::payload;
use crate::models::d2d_link::lanes_to_bytes;
use crate::models::lfsr::Lfsr;
use crc::{Crc, CRC_32_ISO_HDLC};
use kaizen_hdl::d2d::advanced;
use kaizen_hdl::d2d::flit::{CRC_BYTES, FLIT_BYTES, HEADER_BYTES, KIND_DATA, PAYLOAD_BYTES};
use kaizen_hdl::d2d::params::{LinkParams, Package};
use kaizen_hdl::d2d::protocol::{self, mode, state, LANES, SDS};
use kaizen_hdl::primitives::PCIE_GEN3_LANE0;

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// The lanes of a PHY as its ports carry them: lane `l` at bits
/// `bits*l ..` of the packed lane vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub package: Package,
    /// Physical lanes, spares included.
    pub lanes: usize,
    /// Logical (data) lanes at full width.
    pub data_lanes: usize,
    /// Bits per lane per clock.
    pub bits: usize,
}

impl Geometry {
    pub fn of(package: Package) -> Self {
        match package {
            Package::Standard => Self {
                package,
                lanes: LANES,
                data_lanes: LANES,
                bits: protocol::LANE_BITS,
            },
            Package::Advanced => Self {
                package,
                lanes: advanced::PHYS_LANES,
                data_lanes: advanced::DATA_LANES,
                bits: advanced::LANE_BITS,
            },
        }
    }

    fn lane_mask(&self) -> u64 {
        (1u64 << self.bits) - 1
    }

    /// Packed lane vector (64-bit words) -> one value per lane.
    pub fn unpack(&self, packed: &[u64]) -> Vec<u64> {
        (0..self.lanes)
            .map(|l| {
                let bit = self.bits * l;
                (packed[bit / 64] >> (bit % 64)) & self.lane_mask()
            })
            .collect()
    }

    /// One value per lane -> packed lane vector.
    pub fn pack(&self, lanes: &[u64]) -> Vec<u64> {
        let mut out = vec![0u64; (self.lanes * self.bits).div_ceil(64)];
        for (l, &v) in lanes.iter().enumerate() {
            let bit = self.bits * l;
            out[bit / 64] |= (v & self.lane_mask()) << (bit % 64);
        }
        out
    }

    /// Physical lane of each logical lane, from what the transmitter was
    /// told: the standard package's lane mode (`report[0]`), or the lanes an
    /// advanced-package partner reported good (a packed vector), mapped by
    /// the repair rule of `params.rs` (so the RTL's remap is held to the
    /// software rule). Empty when the lanes cannot carry a link.
    pub fn lane_map(&self, report: &[u64]) -> Vec<usize> {
        match self.package {
            Package::Standard => match report[0] {
                mode::FULL => (0..LANES).collect(),
                mode::LOWER => (0..LANES / 2).collect(),
                mode::UPPER => (LANES / 2..LANES).collect(),
                _ => vec![],
            },
            Package::Advanced => {
                let broken: Vec<usize> = (0..self.lanes)
                    .filter(|&l| (report[l / 64] >> (l % 64)) & 1 == 0)
                    .collect();
                LinkParams::advanced()
                    .repair(&broken)
                    .map(|m| m.lanes)
                    .unwrap_or_default()
            }
        }
    }
}

/// Checks A's transmitted lanes against the documented flit format with
/// software models (see the module comment).
pub struct WireMonitor {
    geometry: Geometry,
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
    /// Data flits checked so far.
    pub checked: u64,
}

impl WireMonitor {
    pub fn new(geometry: Geometry, seed: u64) -> Self {
        let seeds = PCIE_GEN3_LANE0.lane_seeds(LANES, protocol::LANE_SEED_OFFSET);
        Self {
            geometry,
            lfsrs: vec![],
            seeds,
            in_data: false,
            sds_seen: 0,
            bytes: vec![],
            seed,
            next_new: 0,
            last_state: state::RESET,
            flits: 0,
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

    /// `lanes`: A's physical lanes this clock, one value per lane; `ltsm`
    /// A's state; `map` the physical lane of each logical lane A transmits
    /// with (`Geometry::lane_map`).
    /// Returns, for a data clock, the flit it carries (counted from the
    /// first flit after power-up) and the flit byte this clock starts at.
    pub fn clock(
        &mut self,
        lanes: &[u64],
        ltsm: u64,
        map: &[usize],
        now: u64,
    ) -> Result<Option<(u64, usize)>, String> {
        // The lanes are registered: they show what was chosen in the state
        // of the clock before.
        let ltsm = std::mem::replace(&mut self.last_state, ltsm);
        if ltsm != state::ACTIVE {
            self.restart();
            return Ok(None);
        }
        if map.is_empty() {
            return Err(format!(
                "clock {now}: wire monitor: die A is ACTIVE on lanes that cannot carry a link"
            ));
        }
        let bits = self.geometry.bits;
        let logical: Vec<u64> = map.iter().map(|&p| lanes[p]).collect();
        if !self.in_data {
            // The transmitter's own wire has no errors: the SDS is exact.
            let bytes = lanes_to_bytes(&logical, bits);
            if bytes.iter().all(|&b| b == SDS[self.sds_seen]) {
                self.sds_seen += 1;
                self.in_data = self.sds_seen == SDS.len();
                return Ok(None);
            }
            return Err(format!(
                "clock {now}: wire monitor: die A's lanes in ACTIVE carry {:02x?}, not start-of-data {:#04x}",
                bytes, SDS[self.sds_seen]
            ));
        }
        let carried = (self.flits, self.bytes.len());
        // Scrambling is per byte of the logical word (one LFSR per byte,
        // `protocol::LANES` of them); every LFSR advances every data clock,
        // used or not.
        let bytes = lanes_to_bytes(&logical, bits);
        for (j, lfsr) in self.lfsrs.iter_mut().enumerate() {
            let key = lfsr.next_word(8);
            if let Some(&b) = bytes.get(j) {
                self.bytes.push(b ^ key as u8);
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
