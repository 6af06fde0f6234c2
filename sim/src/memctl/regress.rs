//! Regression material for the memory controller, shared by the CI tests
//! and `kaizen regress memctl`: seeded stress traffic, and the mutants the
//! suite must catch (the controller built with one timing rule a cycle
//! short, run against a device model that keeps the true rule).

use crate::models::memctl_reference::Request;
use crate::models::traffic::{trace, Pattern};
use kaizen_hdl::memctl::config::{ControllerConfig, RefreshMode};
use kaizen_hdl::memctl::mapping::capacity;
use kaizen_hdl::memctl::params::MemParams;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Addresses a local stream reuses: a few rows of two banks in each bank
/// group, so rows hit, miss and conflict, and the same address recurs.
pub fn local_addr(k: u8) -> u64 {
    let col = u64::from(k % 8);
    let row = u64::from((k / 8) % 3);
    let bank = u64::from(k / 24) % 2;
    // Row bits from 9 up, bank bits 7..8, column and group below (either map).
    (row << 9) | (bank << 7) | col
}

/// `n` requests: 40 % writes, 30 % to a small local set, mostly back to
/// back with some gaps, some partial byte masks.
pub fn stress(p: &MemParams, n: usize, seed: u64) -> Vec<Request> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let cap = capacity(&p.geometry);
    let bytes = p.burst_bytes() as usize;
    let mut t = 0;
    (0..n)
        .map(|i| {
            t += if rng.gen_bool(0.9) {
                0
            } else {
                rng.gen_range(1..40)
            };
            let addr = if rng.gen_bool(0.3) {
                local_addr(rng.gen_range(0..48))
            } else {
                rng.gen_range(0..cap)
            };
            let full = rng.gen_bool(0.8);
            Request {
                id: i as u32,
                arrival: t,
                write: rng.gen_bool(0.4),
                addr,
                data: (0..bytes).map(|_| rng.gen()).collect(),
                mask: (0..bytes).map(|_| full || rng.gen()).collect(),
            }
        })
        .collect()
}

/// The traces a mutant must fail on at least one of: stress traffic and
/// the streams of the efficiency table.
pub fn teeth_traces(p: &MemParams, seed: u64) -> Vec<(&'static str, Vec<Request>)> {
    let cap = capacity(&p.geometry);
    let bytes = p.burst_bytes() as usize;
    let cols = u64::from(p.geometry.columns);
    vec![
        ("stress", stress(p, 4000, seed)),
        (
            "seq-read",
            trace(Pattern::SeqRead, 4000, seed, bytes, cap, cols),
        ),
        (
            "seq-write",
            trace(Pattern::SeqWrite, 4000, seed, bytes, cap, cols),
        ),
        ("mixed", trace(Pattern::Mixed, 2000, seed, bytes, cap, cols)),
    ]
}

/// One mutant: the controller's parameters with one rule shortened.
pub struct Mutant {
    pub name: String,
    /// What the device model checks against.
    pub device_params: MemParams,
    pub controller_params: MemParams,
    pub config: ControllerConfig,
}

/// Every timing counter of the controller a cycle short, and refresh at
/// half the required rate. (RL and WL set no counter: the data bus is kept
/// free by tCCD_S, tRTW and tWTR, see `controller.rs`.)
pub fn mutants(p: &MemParams) -> Vec<Mutant> {
    type Field = fn(&mut MemParams) -> &mut u32;
    let fields: &[(&str, Field)] = &[
        ("tRCD_RD", |p| &mut p.timing.trcd_rd),
        ("tRCD_WR", |p| &mut p.timing.trcd_wr),
        ("tRP", |p| &mut p.timing.trp),
        ("tRAS", |p| &mut p.timing.tras),
        ("tRC", |p| &mut p.timing.trc),
        ("tRRD_S", |p| &mut p.timing.trrd_s),
        ("tRRD_L", |p| &mut p.timing.trrd_l),
        ("tFAW", |p| &mut p.timing.tfaw),
        ("tCCD_S", |p| &mut p.timing.tccd_s),
        ("tCCD_L", |p| &mut p.timing.tccd_l),
        ("tWTR_S", |p| &mut p.timing.twtr_s),
        ("tWTR_L", |p| &mut p.timing.twtr_l),
        ("tRTW", |p| &mut p.timing.trtw),
        ("tRTP", |p| &mut p.timing.trtp),
        ("tWR", |p| &mut p.timing.twr),
        ("tRFCab", |p| &mut p.timing.trfcab),
        ("tRFCpb", |p| &mut p.timing.trfcpb),
        ("tPPD", |p| &mut p.timing.tppd),
        ("tRREFD", |p| &mut p.timing.trrefd),
    ];
    let mut out: Vec<Mutant> = fields
        .iter()
        .map(|(name, field)| {
            // With tRC = tRAS + tRP (this preset) the tRC counter can never
            // be the binding one: a row cycle is an ACT, tRAS, a PRE and
            // tRP. Its mutant is checked on a part with a longer tRC.
            let mut device = p.clone();
            if *name == "tRC" && device.timing.trc <= device.timing.tras + device.timing.trp {
                device.timing.trc = device.timing.tras + device.timing.trp + 8;
            }
            let mut q = device.clone();
            *field(&mut q) -= 1;
            Mutant {
                name: if device == *p {
                    format!("{name} - 1")
                } else {
                    format!("{name} - 1 (on tRC = {})", device.timing.trc)
                },
                device_params: device,
                controller_params: q,
                config: ControllerConfig {
                    // tRFCpb and tRREFD only matter with per-bank refresh.
                    refresh: if ["tRFCpb", "tRREFD"].contains(name) {
                        RefreshMode::PerBank
                    } else {
                        RefreshMode::AllBank
                    },
                    ..ControllerConfig::default()
                },
            }
        })
        .collect();
    let mut slow = p.clone();
    slow.timing.trefi *= 2;
    out.push(Mutant {
        name: "tREFI x 2 (refresh at half rate)".into(),
        device_params: p.clone(),
        controller_params: slow,
        config: ControllerConfig::default(),
    });
    out
}
