//! Software reference of the die-to-die link layer, over the channel model:
//! flits (`kaizen_hdl::d2d::flit`) striped byte by byte over the repaired
//! lane map, deskewed, CRC-checked, acknowledged in the header of every
//! flit going the other way, and replayed go-back-N on a NAK or a timeout.
//! It gives the goodput and latency the PHY should reach, and is the
//! oracle its RTL will be checked against.
//!
//! Modelled as trained: each lane's skew is taken as found by training, and
//! broken lanes are known before traffic (the lane map comes from
//! `LinkParams::repair`). Scrambling is left out: it is additive, so it
//! neither creates nor removes bit errors. Direction A -> B carries the
//! data; B -> A carries idle flits with the acknowledges, through its own
//! channel with the same fault model.

use super::channel::{Bursts, Channel, ChannelConfig};
use crc::{Crc, CRC_32_ISO_HDLC};
use kaizen_hdl::d2d::flit::*;
use kaizen_hdl::d2d::params::{LaneMap, LinkParams};
use std::collections::VecDeque;

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

#[derive(Clone, Debug)]
pub struct LinkConfig {
    pub params: LinkParams,
    /// Lanes broken from the start (repaired before traffic).
    pub broken: Vec<usize>,
    pub ber: f64,
    pub bursts: Option<Bursts>,
    /// Flight time common to every lane, in core clocks.
    pub base_delay: usize,
    /// Extra delay per physical lane (empty = none).
    pub skew: Vec<usize>,
    /// Flits the transmitter keeps for replay.
    pub replay_depth: u64,
    /// Clocks without acknowledge progress before replaying from the oldest
    /// unacknowledged flit (also how long a receiver waits for the replay a
    /// NAK asked for). None: three round trips.
    pub ack_timeout: Option<u64>,
    pub seed: u64,
}

impl LinkConfig {
    pub fn new(params: LinkParams) -> Self {
        Self {
            params,
            broken: vec![],
            ber: 0.0,
            bursts: None,
            base_delay: 8,
            skew: vec![],
            replay_depth: 32,
            ack_timeout: None,
            seed: 0,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct LinkReport {
    pub lane_map: Vec<usize>,
    pub degraded: bool,
    pub clocks: u64,
    pub delivered: u64,
    /// Data flits sent again (NAK or timeout).
    pub replays: u64,
    pub crc_errors: u64,
    /// Delivered payload bits per clock per lane-bit, between the first and
    /// the last delivery (steady state).
    pub efficiency: f64,
    /// What the flit format allows at BER 0: payload share of the flit.
    pub theoretical: f64,
    pub mean_latency: f64,
    pub max_latency: u64,
}

/// Absolute index of a received 8-bit sequence number, given the one
/// expected next (sequence numbers are within +-127 of it).
fn unwrap_seq(expected: u64, seq: u8) -> u64 {
    let delta = seq.wrapping_sub(expected as u8) as i8;
    (expected as i64 + i64::from(delta)).max(0) as u64
}

fn encode(kind: u8, seq: u64, ack: Option<u64>, nak: bool, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8; FLIT_BYTES];
    f[0] = kind;
    f[1] = seq as u8;
    if let Some(a) = ack {
        f[2] = a as u8;
        f[3] |= FLAG_ACK;
    }
    if nak {
        f[3] |= FLAG_NAK;
    }
    f[HEADER_BYTES..HEADER_BYTES + payload.len()].copy_from_slice(payload);
    let crc = CRC32.checksum(&f[..FLIT_BYTES - CRC_BYTES]);
    f[FLIT_BYTES - CRC_BYTES..].copy_from_slice(&crc.to_le_bytes());
    f
}

fn crc_ok(f: &[u8]) -> bool {
    let want = CRC32.checksum(&f[..FLIT_BYTES - CRC_BYTES]);
    f[FLIT_BYTES - CRC_BYTES..] == want.to_le_bytes()
}

/// One direction's wire: striping over the lane map, the channel, and
/// deskew back into flits.
struct Wire {
    channel: Channel,
    map: Vec<usize>,
    physical: usize,
    /// Per logical lane: extra delay so every lane lines up with the slowest.
    align: Vec<VecDeque<u64>>,
    clocks_per_flit: usize,
    /// Clocks until aligned data from the first transmit clock arrives.
    latency: usize,
    bits_per_lane: usize,
    /// Bytes of the flit being received.
    rx_flit: Vec<u8>,
    clock: u64,
}

impl Wire {
    fn new(cfg: &LinkConfig, map: &LaneMap, seed: u64) -> Result<Self, String> {
        let physical = cfg.params.physical_lanes();
        let channel = Channel::new(ChannelConfig {
            lanes: physical,
            bits_per_lane: cfg.params.bits_per_lane,
            base_delay: cfg.base_delay,
            skew: cfg.skew.clone(),
            ber: cfg.ber,
            bursts: cfg.bursts,
            stuck: cfg.broken.iter().map(|&l| (l, false)).collect(),
            deaths: vec![],
            seed,
        })
        .map_err(|e| e.to_string())?;
        let delay = |l: usize| channel.config().delay(l);
        let slowest = map.lanes.iter().map(|&l| delay(l)).max().unwrap_or(0);
        let align = map
            .lanes
            .iter()
            .map(|&l| std::iter::repeat_n(0u64, slowest - delay(l)).collect())
            .collect();
        let lanes = map.lanes.len();
        Ok(Self {
            channel,
            physical,
            align,
            clocks_per_flit: FLIT_BYTES * 8 / (lanes * cfg.params.bits_per_lane),
            latency: slowest,
            map: map.lanes.clone(),
            bits_per_lane: cfg.params.bits_per_lane,
            rx_flit: Vec::with_capacity(FLIT_BYTES),
            clock: 0,
        })
    }

    /// One clock: the bytes of this clock's slice of the flit being sent go
    /// out; returns a whole received flit when its last slice arrives.
    fn clock(&mut self, slice: &[u8]) -> Option<Vec<u8>> {
        let mut tx = vec![0u64; self.physical];
        for (j, v) in bytes_to_lanes(slice, self.bits_per_lane)
            .into_iter()
            .enumerate()
        {
            tx[self.map[j]] = v;
        }
        let rx = self.channel.clock(&tx);
        let now = self.clock;
        self.clock += 1;
        let aligned: Vec<u64> = self
            .map
            .iter()
            .zip(&mut self.align)
            .map(|(&l, q)| {
                q.push_back(rx[l]);
                q.pop_front().expect("alignment queue")
            })
            .collect();
        if now < self.latency as u64 {
            return None;
        }
        self.rx_flit
            .extend(lanes_to_bytes(&aligned, self.bits_per_lane));
        (self.rx_flit.len() == FLIT_BYTES).then(|| std::mem::take(&mut self.rx_flit))
    }
}

/// Transmitter: go-back-N over absolute flit indices.
struct Tx {
    /// Oldest unacknowledged and next new flit.
    base: u64,
    next: u64,
    /// Sending again from here (after a NAK or a timeout).
    replay: Option<u64>,
    last_progress: u64,
    /// The flit being sent, and the clock of its slice.
    sending: Option<Vec<u8>>,
    slice: usize,
}

/// Receiver.
struct Rx {
    expected: u64,
    /// A NAK is owed to the other side.
    nak_due: bool,
    /// A NAK was sent; further errors wait for the replay (or a timeout).
    awaiting_replay: Option<u64>,
}

/// Runs `payloads` (each `PAYLOAD_BYTES` long) from die A to die B.
pub fn run(cfg: &LinkConfig, payloads: &[Vec<u8>]) -> Result<LinkReport, String> {
    let map = cfg.params.repair(&cfg.broken).map_err(|e| e.to_string())?;
    if cfg.replay_depth == 0 || cfg.replay_depth > 127 {
        return Err(format!(
            "replay depth {} must be within 1..=127 (8-bit sequence numbers)",
            cfg.replay_depth
        ));
    }
    if let Some(p) = payloads.iter().find(|p| p.len() != PAYLOAD_BYTES) {
        return Err(format!(
            "payloads are {PAYLOAD_BYTES} bytes, got {}",
            p.len()
        ));
    }
    let mut ab = Wire::new(cfg, &map, cfg.seed)?;
    let mut ba = Wire::new(cfg, &map, cfg.seed ^ 0x5bd1_e995)?;
    let cpf = ab.clocks_per_flit;
    // Flit bytes per clock.
    let per_clock = FLIT_BYTES / cpf;
    let lanes = map.lanes.len();
    // A round trip: a flit out and across, the acknowledge waiting for the
    // next reverse flit boundary, and that flit back.
    let rtt = 2 * (ab.latency + ba.latency) as u64 + 4 * cpf as u64 + 8;
    let timeout = cfg.ack_timeout.unwrap_or(3 * rtt);
    let mut tx = Tx {
        base: 0,
        next: 0,
        replay: None,
        last_progress: 0,
        sending: None,
        slice: 0,
    };
    let mut rx = Rx {
        expected: 0,
        nak_due: false,
        awaiting_replay: None,
    };
    // B's transmitter sends only idle flits with B's acknowledges.
    let mut b_sending: Option<Vec<u8>> = None;
    let mut b_slice = 0usize;
    let mut first_sent = vec![u64::MAX; payloads.len()];
    let mut delivered_at: Vec<u64> = vec![];
    let mut report = LinkReport {
        lane_map: map.lanes.clone(),
        degraded: map.degraded,
        theoretical: PAYLOAD_BYTES as f64 / FLIT_BYTES as f64,
        ..LinkReport::default()
    };
    let total = payloads.len() as u64;
    let limit = 1_000_000 + total * cpf as u64 * 64;
    let mut now = 0u64;
    while rx.expected < total {
        if now > limit {
            return Err(format!(
                "link stuck at clock {now}: {} of {total} flits delivered",
                rx.expected
            ));
        }
        // A: pick the next flit at a flit boundary.
        if tx.sending.is_none() {
            let ack = None; // A receives no data, so it acknowledges nothing.
            let idx = match tx.replay {
                Some(i) if i < tx.next => {
                    tx.replay = Some(i + 1);
                    report.replays += 1;
                    Some(i)
                }
                _ => {
                    tx.replay = None;
                    (tx.next < total && tx.next - tx.base < cfg.replay_depth).then(|| {
                        tx.next += 1;
                        tx.next - 1
                    })
                }
            };
            tx.sending = Some(match idx {
                Some(i) => {
                    if first_sent[i as usize] == u64::MAX {
                        first_sent[i as usize] = now;
                    }
                    encode(KIND_DATA, i, ack, false, &payloads[i as usize])
                }
                None => encode(KIND_IDLE, 0, ack, false, &[]),
            });
            tx.slice = 0;
        }
        let flit = tx.sending.as_ref().expect("a flit is being sent");
        let slice = flit[tx.slice * per_clock..(tx.slice + 1) * per_clock].to_vec();
        tx.slice += 1;
        if tx.slice == cpf {
            tx.sending = None;
        }
        // B receives.
        if let Some(f) = ab.clock(&slice) {
            if !crc_ok(&f) {
                report.crc_errors += 1;
                if rx.awaiting_replay.is_none() {
                    rx.nak_due = true;
                }
            } else if f[0] == KIND_DATA {
                let seq = unwrap_seq(rx.expected, f[1]);
                if seq == rx.expected {
                    let i = seq as usize;
                    if f[HEADER_BYTES..HEADER_BYTES + PAYLOAD_BYTES] != payloads[i][..] {
                        return Err(format!(
                            "flit {i} delivered with a corrupted payload (CRC missed the error)"
                        ));
                    }
                    delivered_at.push(now);
                    rx.expected += 1;
                    rx.awaiting_replay = None;
                    rx.nak_due = false;
                } else if seq > rx.expected && rx.awaiting_replay.is_none() {
                    // A gap: an earlier flit was lost.
                    rx.nak_due = true;
                }
            }
        }
        if let Some(t) = rx.awaiting_replay {
            if now > t + timeout {
                rx.awaiting_replay = None;
            }
        }
        // B sends its acknowledge state at each flit boundary.
        if b_sending.is_none() {
            let ack = rx.expected.checked_sub(1);
            let nak = std::mem::take(&mut rx.nak_due);
            if nak {
                rx.awaiting_replay = Some(now);
            }
            b_sending = Some(encode(KIND_IDLE, 0, ack, nak, &[]));
            b_slice = 0;
        }
        let bflit = b_sending.as_ref().expect("B sends");
        let bslice = bflit[b_slice * per_clock..(b_slice + 1) * per_clock].to_vec();
        b_slice += 1;
        if b_slice == cpf {
            b_sending = None;
        }
        // A receives acknowledges.
        if let Some(f) = ba.clock(&bslice).filter(|f| crc_ok(f)) {
            if f[3] & FLAG_ACK != 0 {
                let acked = unwrap_seq(tx.base, f[2]) + 1;
                if acked > tx.base && acked <= tx.next {
                    tx.base = acked;
                    tx.last_progress = now;
                }
            }
            if f[3] & FLAG_NAK != 0 {
                tx.replay = Some(tx.base);
            }
        }
        if tx.base < tx.next && now > tx.last_progress + timeout {
            tx.replay = Some(tx.base);
            tx.last_progress = now;
        }
        now += 1;
    }
    report.clocks = now;
    report.delivered = rx.expected;
    let lat: Vec<u64> = delivered_at
        .iter()
        .zip(&first_sent)
        .map(|(d, s)| d - s)
        .collect();
    report.mean_latency = lat.iter().sum::<u64>() as f64 / lat.len().max(1) as f64;
    report.max_latency = lat.iter().copied().max().unwrap_or(0);
    if let (Some(first), Some(last)) = (delivered_at.first(), delivered_at.last()) {
        if last > first {
            let bits = (delivered_at.len() - 1) as f64 * (PAYLOAD_BYTES * 8) as f64;
            let capacity = (last - first) as f64 * (lanes * cfg.params.bits_per_lane) as f64;
            report.efficiency = bits / capacity;
        }
    }
    Ok(report)
}

/// Striping: the bytes of one clock -> one value per logical lane, `bits`
/// bits each, lane 0 taking the lowest bits (bit 0 of byte 0 first).
pub fn bytes_to_lanes(bytes: &[u8], bits: usize) -> Vec<u64> {
    let lanes = bytes.len() * 8 / bits;
    (0..lanes)
        .map(|j| {
            (0..bits).fold(0u64, |v, k| {
                let bit = j * bits + k;
                v | (u64::from((bytes[bit / 8] >> (bit % 8)) & 1) << k)
            })
        })
        .collect()
}

/// Destriping: one value per logical lane (`bits` bits, lane 0 lowest) ->
/// the bytes of the clock.
pub fn lanes_to_bytes(lanes: &[u64], bits: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(lanes.len() * bits / 8);
    let (mut acc, mut have) = (0u64, 0);
    for &v in lanes {
        acc |= v << have;
        have += bits;
        while have >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            have -= 8;
        }
    }
    out
}
