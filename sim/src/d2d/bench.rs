//! Bench of the die-to-die PHY RTL: two PHYs (die A and die B), joined
//! lane by lane through two instances of the channel model (A -> B and
//! B -> A, each with its own faults) and a sideband wire each way.
//!
//! Die A sends `flits` payloads to B (and B sends `reverse_flits` to A, so
//! acknowledges ride on data flits too). Every flit delivered is checked
//! against the payload sent: in order, exactly once, unchanged; the first
//! wrong, duplicated or reordered delivery ends the run with an error, and
//! so does a flit not delivered when traffic stops.
//!
//! A wire monitor (`monitor.rs`) watches A's lanes independently of
//! the RTL, so its CRC, scrambling and framing are held to the documented
//! format, not only to each other.

use crate::bench::{Bench, PortId, Simulator};
use crate::d2d::monitor::{Geometry, WireMonitor};
use crate::models::channel::{Bursts, Channel, ChannelConfig};
use crate::verilator::VerilatorModel;
use kaizen_hdl::catalog;
use kaizen_hdl::d2d::flit::{FLIT_BYTES, PAYLOAD_BYTES};
use kaizen_hdl::d2d::params::Package;
use kaizen_hdl::d2d::protocol::{self, mode, state, Mutation, FLIT_WORDS};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The PHY of a package as a Verilator bench (`Mutation::None`: as
/// shipped).
pub fn verilator_phy(
    package: Package,
    mutation: Mutation,
) -> Result<Bench<VerilatorModel>, String> {
    let e = match package {
        Package::Standard => catalog::emit_d2d_phy(mutation)?,
        Package::Advanced => catalog::emit_d2d_phy_advanced(mutation)?,
    };
    let model = VerilatorModel::new(&e).map_err(|e| e.to_string())?;
    Bench::new(model).map_err(|e| e.to_string())
}

#[derive(Clone, Debug)]
pub struct PhyConfig {
    /// Which PHY: the standard package (16 lanes) or the advanced (64 + 4).
    pub package: Package,
    /// Flits from A to B, and from B to A.
    pub flits: u64,
    pub reverse_flits: u64,
    pub ber: f64,
    pub bursts: Option<Bursts>,
    /// Flight time common to every lane, in clocks.
    pub base_delay: usize,
    /// Extra delay per physical lane, 0..=`protocol::MAX_SKEW` (empty: none).
    pub skew: Vec<usize>,
    /// Lanes broken (stuck at 0) from power-up, both directions.
    pub broken: Vec<usize>,
    /// Lanes that die (stuck at 0) at a clock, A -> B direction.
    pub deaths: Vec<(usize, u64)>,
    /// Sideband flight time, in clocks.
    pub sideband_delay: usize,
    /// Directed fault: flip CRC bit 31 of every Nth flit A sends (0: off),
    /// on top of the channel's own errors.
    pub crc_flip_every: u64,
    /// Probability that A's user has no word ready in a clock.
    pub idle: f64,
    pub seed: u64,
    /// Give up when no flit is delivered for this many clocks.
    pub stall_limit: u64,
    pub vcd: Option<PathBuf>,
}

impl PhyConfig {
    pub fn new(flits: u64, seed: u64) -> Self {
        Self {
            package: Package::Standard,
            flits,
            reverse_flits: 0,
            ber: 0.0,
            bursts: None,
            base_delay: 8,
            skew: vec![],
            broken: vec![],
            deaths: vec![],
            sideband_delay: 4,
            crc_flip_every: 0,
            idle: 0.0,
            seed,
            stall_limit: 50_000,
            vcd: None,
        }
    }

    pub fn geometry(&self) -> Geometry {
        Geometry::of(self.package)
    }

    pub fn check(&self) -> Result<(), String> {
        let lanes = self.geometry().lanes;
        if let Some(&s) = self.skew.iter().find(|&&s| s > protocol::MAX_SKEW) {
            return Err(format!(
                "lane skew {s} clocks is beyond what training and deskew cover ({} clocks)",
                protocol::MAX_SKEW
            ));
        }
        if !self.skew.is_empty() && self.skew.len() != lanes {
            return Err(format!(
                "skew lists {} lanes, the PHY has {lanes}",
                self.skew.len()
            ));
        }
        if let Some(&l) = self
            .broken
            .iter()
            .chain(self.deaths.iter().map(|(l, _)| l))
            .find(|&&l| l >= lanes)
        {
            return Err(format!(
                "lane {l} does not exist: the PHY has lanes 0..{}",
                lanes - 1
            ));
        }
        if !(0.0..1.0).contains(&self.idle) {
            return Err(format!("idle share {} must be within 0 .. 1", self.idle));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct PhyReport {
    /// Clocks from reset release until both dies are ACTIVE.
    pub training_clocks: u64,
    pub clocks: u64,
    pub delivered: u64,
    pub reverse_delivered: u64,
    /// Flits A sent again.
    pub replays: u64,
    /// Flits B's receiver found corrupted (and dropped).
    pub crc_errors: u64,
    pub retrains: u64,
    /// Data lanes B receives on after training (16, or 8 when degraded;
    /// 64 on the advanced package).
    pub lanes_used: usize,
    /// Physical lanes B's receiver found broken in its last training.
    pub broken: Vec<usize>,
    /// Delivered payload bits per lane-bit between the first and the last
    /// delivery at B.
    pub efficiency: f64,
    pub theoretical: f64,
    /// Clocks from a flit's first word accepted at A to its first word out
    /// of B.
    pub mean_latency: f64,
    pub max_latency: u64,
    /// Flits that reached B with at least one bit changed (all of them must
    /// fail B's CRC check; checked flit by flit up to the first retrain).
    pub corrupted_on_wire: u64,
    /// B's CRC verdicts matched against the wire, flit by flit.
    pub verdicts_checked: u64,
    /// Data flits the wire monitor checked (CRC, header, payload).
    pub monitored: u64,
    pub cycles_per_second: f64,
    /// Each die's training-state changes: (clock, die, state name).
    pub transitions: Vec<(u64, char, &'static str)>,
}

/// Payload `i` of a run: bytes from a counter-based generator, so a flit's
/// contents never need storing.
pub fn payload(seed: u64, i: u64) -> [u8; PAYLOAD_BYTES] {
    let mut out = [0u8; PAYLOAD_BYTES];
    let mut x = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for chunk in out.chunks_mut(8) {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
    }
    out
}

/// User word `w` (0..16) of a payload: 16 bytes, the last word 8.
pub(crate) fn user_word(p: &[u8; PAYLOAD_BYTES], w: usize) -> [u64; 2] {
    let mut b = [0u8; 16];
    let start = 16 * w;
    let end = (start + 16).min(PAYLOAD_BYTES);
    b[..end - start].copy_from_slice(&p[start..end]);
    [
        u64::from_le_bytes(b[..8].try_into().expect("8 bytes")),
        u64::from_le_bytes(b[8..].try_into().expect("8 bytes")),
    ]
}

pub(crate) fn word_bytes(w: &[u64]) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&w[0].to_le_bytes());
    b[8..].copy_from_slice(&w[1].to_le_bytes());
    b
}

/// One die's user side: what it sends and what it must receive.
struct Endpoint {
    name: &'static str,
    seed: u64,
    to_send: u64,
    next_flit: u64,
    next_word: usize,
    /// Payload of `next_flit` (generated once per flit, not per word).
    sending: [u8; PAYLOAD_BYTES],
    accepted_at: VecDeque<u64>,
    rx_words: Vec<[u8; 16]>,
    expected: u64,
    delivered_at: Vec<u64>,
    latencies: Vec<u64>,
}

impl Endpoint {
    fn new(name: &'static str, seed: u64, to_send: u64) -> Self {
        Self {
            name,
            seed,
            to_send,
            next_flit: 0,
            next_word: 0,
            sending: payload(seed, 0),
            accepted_at: VecDeque::new(),
            rx_words: vec![],
            expected: 0,
            delivered_at: vec![],
            latencies: vec![],
        }
    }
}

pub(crate) struct Ports {
    pub(crate) tx_valid: PortId,
    pub(crate) tx_word: PortId,
    pub(crate) tx_ready: PortId,
    pub(crate) rx_valid: PortId,
    pub(crate) rx_first: PortId,
    pub(crate) rx_word: PortId,
    pub(crate) lanes_out: PortId,
    pub(crate) lanes_in: PortId,
    pub(crate) sb_out: PortId,
    pub(crate) sb_in: PortId,
    pub(crate) state: PortId,
    pub(crate) lanes_good: PortId,
    pub(crate) lanes: LaneReport,
    pub(crate) rx_verdict: PortId,
    pub(crate) rx_crc_ok: PortId,
}

/// What training decided, as each package reports it.
pub(crate) enum LaneReport {
    /// Standard package: the lane modes of the transmitter and receiver.
    Modes { tx: PortId, rx: PortId },
    /// Advanced package: the partner's good-lane map the transmitter uses.
    Map { tx: PortId },
}

impl Ports {
    /// What A's transmitter was told about the lanes (its lane mode, or the
    /// partner's good-lane map).
    fn tx_report<S: Simulator>(&self, b: &mut Bench<S>) -> Vec<u64> {
        match self.lanes {
            LaneReport::Modes { tx, .. } => vec![b.get_id(tx)],
            LaneReport::Map { tx } => b.get_wide(tx),
        }
    }

    /// Payload-carrying lane bits per clock of B's receiver.
    fn rx_bits<S: Simulator>(&self, b: &mut Bench<S>, g: &Geometry) -> u64 {
        match self.lanes {
            LaneReport::Modes { rx, .. } if b.get_id(rx) != mode::FULL => {
                (g.bits * g.data_lanes / 2) as u64
            }
            _ => (g.bits * g.data_lanes) as u64,
        }
    }

    /// Physical lanes B's receiver found broken.
    fn rx_broken<S: Simulator>(&self, b: &mut Bench<S>, g: &Geometry) -> Vec<usize> {
        let good = b.get_wide(self.lanes_good);
        (0..g.lanes)
            .filter(|&l| (good[l / 64] >> (l % 64)) & 1 == 0)
            .collect()
    }
}

impl Ports {
    pub(crate) fn of<S: Simulator>(b: &Bench<S>) -> Result<Self, String> {
        let p = |n: &str| b.port(n).map_err(|e| e.to_string());
        Ok(Self {
            tx_valid: p("tx_valid")?,
            tx_word: p("tx_word")?,
            tx_ready: p("tx_ready")?,
            rx_valid: p("rx_valid")?,
            rx_first: p("rx_first")?,
            rx_word: p("rx_word")?,
            lanes_out: p("lanes_out")?,
            lanes_in: p("lanes_in")?,
            sb_out: p("sb_out")?,
            sb_in: p("sb_in")?,
            state: p("state")?,
            lanes_good: p("lanes_good")?,
            lanes: match b.port("tx_mode") {
                Ok(tx) => LaneReport::Modes {
                    tx,
                    rx: p("rx_mode")?,
                },
                Err(_) => LaneReport::Map {
                    tx: p("tx_lanes_good")?,
                },
            },
            rx_verdict: p("rx_verdict")?,
            rx_crc_ok: p("rx_crc_ok")?,
        })
    }
}

/// Drives one clock of a die's user transmit side (before `eval`).
fn drive_tx<S: Simulator>(b: &mut Bench<S>, p: &Ports, e: &Endpoint, offer: bool) {
    let valid = offer && e.next_flit < e.to_send;
    b.set_id(p.tx_valid, u64::from(valid));
    if valid {
        let w = user_word(&e.sending, e.next_word);
        b.set_wide(p.tx_word, &w);
    }
}

/// After `eval`: the handshake and what came out of the receiver.
fn observe<S: Simulator>(
    b: &mut Bench<S>,
    p: &Ports,
    me: &mut Endpoint,
    sender: &mut Endpoint,
    offered: bool,
    now: u64,
) -> Result<(), String> {
    if offered && me.next_flit < me.to_send && b.get_id(p.tx_ready) == 1 {
        if me.next_word == 0 {
            me.accepted_at.push_back(now);
        }
        me.next_word += 1;
        if me.next_word == FLIT_WORDS {
            me.next_word = 0;
            me.next_flit += 1;
            me.sending = payload(me.seed, me.next_flit);
        }
    }
    if b.get_id(p.rx_valid) == 1 {
        if b.get_id(p.rx_first) == 1 {
            if !me.rx_words.is_empty() {
                return Err(format!(
                    "clock {now}: die {} started a flit after {} of its 16 words",
                    me.name,
                    me.rx_words.len()
                ));
            }
            let sent = sender.accepted_at.pop_front().ok_or_else(|| {
                format!("clock {now}: die {} delivered a flit nobody sent", me.name)
            })?;
            me.latencies.push(now - sent);
        } else if me.rx_words.is_empty() {
            return Err(format!(
                "clock {now}: die {} delivered a word outside a flit",
                me.name
            ));
        }
        let w = b.get_wide(p.rx_word);
        me.rx_words.push(word_bytes(&w));
        if me.rx_words.len() == FLIT_WORDS {
            let got: Vec<u8> = me.rx_words.drain(..).flatten().collect();
            let i = me.expected;
            if i >= sender.to_send {
                return Err(format!(
                    "clock {now}: die {} delivered a flit beyond the {} sent (a duplicate)",
                    me.name, sender.to_send
                ));
            }
            let want = payload(sender.seed, i);
            if got[..PAYLOAD_BYTES] != want[..] {
                let byte = (0..PAYLOAD_BYTES).find(|&k| got[k] != want[k]).unwrap_or(0);
                return Err(format!(
                    "clock {now}: die {} delivered flit {i} wrong (first difference at payload byte {byte}: {:#04x}, sent {:#04x}): corrupted, duplicated or out of order",
                    me.name, got[byte], want[byte]
                ));
            }
            if got[PAYLOAD_BYTES..].iter().any(|&x| x != 0) {
                return Err(format!(
                    "clock {now}: die {} flit {i}: bytes past the payload are not zero",
                    me.name
                ));
            }
            me.expected += 1;
            me.delivered_at.push(now);
        }
    }
    Ok(())
}

/// Which flits the A -> B channel changed, and die B's CRC verdicts held
/// against them: a flit with any bit changed must fail its check, an intact
/// one must pass. Flits cut short by a retrain are never judged, so the
/// flit-by-flit pairing holds up to the first retrain.
#[derive(Default)]
struct Ledger {
    /// The last clocks A transmitted: (flit, lane bytes, lanes in use).
    sent: VecDeque<(Option<u64>, Vec<u64>, Vec<bool>)>,
    /// Per flit A started: changed by the channel.
    corrupted: Vec<bool>,
    verdicts: u64,
    retrained: bool,
}

impl Ledger {
    /// Longest lane delay the ledger can follow, in clocks.
    const HISTORY: usize = 64;

    fn transmitted(&mut self, flit: Option<u64>, lanes: Vec<u64>, physical: &[usize]) {
        let mut used = vec![false; lanes.len()];
        if let Some(k) = flit {
            while self.corrupted.len() as u64 <= k {
                self.corrupted.push(false);
            }
            for &l in physical {
                used[l] = true;
            }
        }
        self.sent.push_back((flit, lanes, used));
        if self.sent.len() > Self::HISTORY {
            self.sent.pop_front();
        }
    }

    /// What arrived at B this clock: each lane's byte left A `delay` ago.
    fn received(&mut self, rx: &[u64], channel: &Channel) {
        for (l, &byte) in rx.iter().enumerate() {
            let d = channel.config().delay(l);
            if d < self.sent.len() {
                let (flit, bytes, used) = &self.sent[self.sent.len() - 1 - d];
                if let Some(k) = flit {
                    if used[l] && byte != bytes[l] {
                        self.corrupted[*k as usize] = true;
                    }
                }
            }
        }
    }

    /// B judged its next flit.
    fn verdict(&mut self, ok: bool, now: u64) -> Result<(), String> {
        if self.retrained {
            return Ok(());
        }
        let j = self.verdicts as usize;
        self.verdicts += 1;
        match self.corrupted.get(j) {
            None => Err(format!(
                "clock {now}: die B judged flit {j} but die A has started only {}",
                self.corrupted.len()
            )),
            Some(true) if ok => Err(format!(
                "clock {now}: flit {j} reached die B corrupted but passed its CRC check"
            )),
            Some(false) if !ok => Err(format!(
                "clock {now}: flit {j} reached die B intact but failed its CRC check"
            )),
            _ => Ok(()),
        }
    }
}

/// Runs the link on two benches (die A, die B).
pub fn run_link<S: Simulator>(
    a: &mut Bench<S>,
    b: &mut Bench<S>,
    cfg: &PhyConfig,
) -> Result<PhyReport, String> {
    use rand::{Rng, SeedableRng};
    cfg.check()?;
    let geometry = cfg.geometry();
    let channel = |seed: u64, deaths: Vec<(usize, u64)>| {
        Channel::new(ChannelConfig {
            lanes: geometry.lanes,
            bits_per_lane: geometry.bits,
            base_delay: cfg.base_delay,
            skew: cfg.skew.clone(),
            ber: cfg.ber,
            bursts: cfg.bursts,
            stuck: cfg.broken.iter().map(|&l| (l, false)).collect(),
            deaths,
            seed,
        })
        .map_err(|e| e.to_string())
    };
    let mut ab = channel(cfg.seed, cfg.deaths.clone())?;
    let mut ba = channel(cfg.seed ^ 0x5bd1_e995, vec![])?;
    let pa = Ports::of(a)?;
    let pb = Ports::of(b)?;
    if let Some(path) = &cfg.vcd {
        a.trace_to(path).map_err(|e| e.to_string())?;
        b.trace_to(&second_trace(path)).map_err(|e| e.to_string())?;
    }
    let mut ea = Endpoint::new("A", cfg.seed, cfg.flits);
    let mut eb = Endpoint::new("B", cfg.seed.wrapping_add(1), cfg.reverse_flits);
    let mut monitor = WireMonitor::new(geometry, cfg.seed);
    let (mut tx_report, mut tx_map) = (vec![], vec![]);
    let mut sb_ab: VecDeque<bool> = std::iter::repeat_n(true, cfg.sideband_delay).collect();
    let mut sb_ba: VecDeque<bool> = std::iter::repeat_n(true, cfg.sideband_delay).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x1d1e);
    let sim = |r: Result<(), crate::SimError>| r.map_err(|e| e.to_string());
    sim(a.reset(2))?;
    sim(b.reset(2))?;
    let wall = Instant::now();
    let mut now = 0u64;
    let mut training = None;
    let mut last_progress = 0u64;
    let (mut last_a, mut last_b) = (None, None);
    // Lanes B receives on, summed over clocks: the capacity of any interval.
    let mut lane_clocks: Vec<u64> = vec![];
    let mut ledger = Ledger::default();
    let mut transitions = vec![];
    let outcome = loop {
        if now.is_multiple_of(4096) {
            crate::progress::report(
                "simulating the link (flits delivered A to B)",
                eb.expected.min(ea.to_send),
                ea.to_send,
            );
        }
        let done = ea.expected >= eb.to_send && eb.expected >= ea.to_send;
        if done {
            break Ok(());
        }
        if now - last_progress > cfg.stall_limit {
            let sa = a.get_id(pa.state);
            let sb = b.get_id(pb.state);
            break Err(format!(
                "link stalled at clock {now}: {} of {} flits delivered A->B, {} of {} B->A; die A {}, die B {}",
                eb.expected,
                ea.to_send,
                ea.expected,
                eb.to_send,
                state::name(sa),
                state::name(sb)
            ));
        }
        let out_a = a.get_wide(pa.lanes_out);
        let out_b = b.get_wide(pb.lanes_out);
        let state_a = a.get_id(pa.state);
        let state_b = b.get_id(pb.state);
        for (die, st, last) in [('A', state_a, &mut last_a), ('B', state_b, &mut last_b)] {
            if *last != Some(st) {
                *last = Some(st);
                transitions.push((now, die, state::name(st)));
                if std::env::var_os("KAIZEN_D2D_TRACE").is_some() {
                    eprintln!("clock {now}: die {die} -> {}", state::name(st));
                }
            }
        }
        if training.is_none() && state_a == state::ACTIVE && state_b == state::ACTIVE {
            training = Some(now);
            last_progress = now;
        }
        if state_a == state::TRAINERROR || state_b == state::TRAINERROR {
            break Err(format!(
                "clock {now}: link training failed (die A {}, die B {})",
                state::name(state_a),
                state::name(state_b)
            ));
        }
        let report = pa.tx_report(a);
        if report != tx_report {
            tx_map = geometry.lane_map(&report);
            tx_report = report;
        }
        lane_clocks.push(lane_clocks.last().copied().unwrap_or(0) + pb.rx_bits(b, &geometry));
        let sent_a = geometry.unpack(&out_a);
        let carried = match monitor.clock(&sent_a, state_a, &tx_map, now) {
            Ok(c) => c,
            Err(e) => break Err(e),
        };
        let mut wire_a = sent_a.clone();
        let physical: &[usize] = match carried {
            Some(_) => &tx_map,
            None => &[],
        };
        if let Some((k, first)) = carried {
            // The directed fault: CRC bit 31 is the last bit of the flit.
            let bit = 8 * (FLIT_BYTES - first) - 1;
            let lane = bit / geometry.bits;
            if cfg.crc_flip_every > 0
                && k % cfg.crc_flip_every == cfg.crc_flip_every - 1
                && lane < physical.len()
            {
                wire_a[physical[lane]] ^= 1 << (bit % geometry.bits);
            }
        }
        ledger.transmitted(carried.map(|c| c.0), sent_a, physical);
        let rx_b = ab.clock(&wire_a);
        ledger.received(&rx_b, &ab);
        let rx_a = ba.clock(&geometry.unpack(&out_b));
        a.set_wide(pa.lanes_in, &geometry.pack(&rx_a));
        b.set_wide(pb.lanes_in, &geometry.pack(&rx_b));
        sb_ab.push_back(a.get_id(pa.sb_out) == 1);
        sb_ba.push_back(b.get_id(pb.sb_out) == 1);
        a.set_id(pa.sb_in, u64::from(sb_ba.pop_front().unwrap_or(true)));
        b.set_id(pb.sb_in, u64::from(sb_ab.pop_front().unwrap_or(true)));
        let offer_a = cfg.idle == 0.0 || !rng.gen_bool(cfg.idle);
        drive_tx(a, &pa, &ea, offer_a);
        drive_tx(b, &pb, &eb, true);
        sim(a.eval())?;
        sim(b.eval())?;
        let before = (ea.expected, eb.expected);
        if let Err(e) = observe(a, &pa, &mut ea, &mut eb, offer_a, now) {
            break Err(e);
        }
        if let Err(e) = observe(b, &pb, &mut eb, &mut ea, true, now) {
            break Err(e);
        }
        if state_a == state::RETRAIN || state_b == state::RETRAIN {
            ledger.retrained = true;
        }
        if b.get_id(pb.rx_verdict) == 1 {
            if let Err(e) = ledger.verdict(b.get_id(pb.rx_crc_ok) == 1, now) {
                break Err(e);
            }
        }
        if (ea.expected, eb.expected) != before {
            last_progress = now;
        }
        sim(a.tick())?;
        sim(b.tick())?;
        now += 1;
    };
    if cfg.vcd.is_some() {
        a.flush();
        b.flush();
    }
    outcome?;
    let elapsed = wall.elapsed().as_secs_f64();
    let get = |bench: &mut Bench<S>, n: &str| bench.get(n).map_err(|e| e.to_string());
    let lanes_used = pb.rx_bits(b, &geometry) as usize / geometry.bits;
    let mut report = PhyReport {
        training_clocks: training.unwrap_or(now),
        clocks: now,
        delivered: eb.expected,
        reverse_delivered: ea.expected,
        replays: get(a, "replays")?,
        crc_errors: get(b, "crc_errors")?,
        retrains: get(a, "retrains")?,
        lanes_used,
        broken: pb.rx_broken(b, &geometry),
        theoretical: PAYLOAD_BYTES as f64 / FLIT_BYTES as f64,
        monitored: monitor.checked,
        corrupted_on_wire: ledger.corrupted.iter().filter(|&&c| c).count() as u64,
        verdicts_checked: ledger.verdicts,
        cycles_per_second: now as f64 / elapsed.max(1e-9),
        transitions,
        ..PhyReport::default()
    };
    let lat = &eb.latencies;
    report.mean_latency = lat.iter().sum::<u64>() as f64 / lat.len().max(1) as f64;
    report.max_latency = lat.iter().copied().max().unwrap_or(0);
    if let (Some(first), Some(last)) = (eb.delivered_at.first(), eb.delivered_at.last()) {
        if last > first {
            let bits = (eb.delivered_at.len() - 1) as f64 * (PAYLOAD_BYTES * 8) as f64;
            let lanes = lane_clocks[*last as usize] - lane_clocks[*first as usize];
            let capacity = lanes as f64;
            report.efficiency = bits / capacity;
        }
    }
    Ok(report)
}

/// Die B's trace goes beside die A's: `x.vcd` -> `x.b.vcd`.
pub fn second_trace(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{stem}.b.vcd"))
}

/// The link on two Verilator models of the PHY as shipped.
pub fn run(cfg: &PhyConfig) -> Result<PhyReport, String> {
    run_mutant(cfg, Mutation::None)
}

/// The link on two Verilator models of a PHY built with `mutation`.
pub fn run_mutant(cfg: &PhyConfig, mutation: Mutation) -> Result<PhyReport, String> {
    let mut a = verilator_phy(cfg.package, mutation)?;
    let mut b = verilator_phy(cfg.package, mutation)?;
    run_link(&mut a, &mut b, cfg)
}
