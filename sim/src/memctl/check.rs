//! Replays a memory controller's command stream on the HBM device model and
//! checks what a controller owes: no timing violation, every request served
//! exactly once, every read returning the last write before it in request
//! order (or the device's initial pattern).

use crate::models::hbm::{Cmd, HbmDevice};
use crate::models::memctl_reference::{Outcome, Request, RowOutcome};
use kaizen_hdl::memctl::mapping::{map, MapScheme};
use kaizen_hdl::memctl::params::MemParams;
use std::collections::HashMap;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub efficiency: f64,
    pub achieved_gbps: f64,
    pub mean_latency: f64,
    pub p99_latency: u64,
    pub max_wait: u64,
    pub row_hit_rate: f64,
    pub refreshes: u64,
    pub cycles: u64,
    /// Latency (cycles, acceptance to last data beat) at each percentile
    /// 0, 1, .., 100: the distribution the report plots.
    pub latency_percentiles: Vec<u64>,
}

pub fn replay(
    p: &MemParams,
    scheme: MapScheme,
    reqs: &[Request],
    out: &Outcome,
) -> Result<Report, String> {
    let mut dev = HbmDevice::new(p.clone());
    let mut cmds = out.commands.iter().peekable();
    let mut reads_back = vec![];
    for now in 0..out.cycles + 64 {
        let cmd = match cmds.peek() {
            Some((c, _)) if *c == now => cmds.next().map(|(_, c)| c.clone()),
            _ => None,
        };
        let (data, v) = dev.clock(cmd);
        if let Some(v) = v.first() {
            return Err(format!("timing violation: {v}"));
        }
        reads_back.extend(data);
    }
    let mut seen = vec![false; reqs.len()];
    for s in &out.served {
        if std::mem::replace(&mut seen[s.id as usize], true) {
            return Err(format!("request {} served twice", s.id));
        }
    }
    if let Some(i) = seen.iter().position(|s| !s) {
        return Err(format!("request {i} never served"));
    }
    let mut last_write: HashMap<u64, &Vec<u8>> = HashMap::new();
    let mut want: HashMap<u32, Vec<u8>> = HashMap::new();
    for r in reqs {
        if r.write {
            last_write.insert(r.addr, &r.data);
        } else {
            let loc = map(scheme, &p.geometry, r.addr);
            let bank = crate::models::hbm::Bank {
                group: loc.group,
                bank: loc.bank,
            };
            want.insert(
                r.id,
                last_write.get(&r.addr).map_or_else(
                    || dev.initial_pattern(bank, loc.row, loc.col),
                    |d| (*d).clone(),
                ),
            );
        }
    }
    let read_ids: Vec<u32> = out
        .served
        .iter()
        .filter(|s| !reqs[s.id as usize].write)
        .map(|s| s.id)
        .collect();
    let rd_count = out
        .commands
        .iter()
        .filter(|(_, c)| matches!(c, Cmd::Rd { .. }))
        .count();
    if read_ids.len() != reads_back.len() || rd_count != reads_back.len() {
        return Err(format!(
            "{} reads served, {rd_count} RD commands, {} bursts returned",
            read_ids.len(),
            reads_back.len()
        ));
    }
    for (id, got) in read_ids.iter().zip(&reads_back) {
        if Some(got) != want.get(id) {
            return Err(format!(
                "read {id} (address {:#x}) returned the wrong data",
                reqs[*id as usize].addr
            ));
        }
    }
    Ok(report(p, reqs, out))
}

/// Bandwidth, latency and row figures of a schedule (from the reference or
/// from the hardware's command stream).
pub fn report(p: &MemParams, reqs: &[Request], out: &Outcome) -> Report {
    let first = reqs.iter().map(|r| r.arrival).min().unwrap_or(0);
    // Latency from entering the controller's queue to the last data beat.
    let mut lat: Vec<u64> = out.served.iter().map(|s| s.done - s.accepted).collect();
    lat.sort_unstable();
    let efficiency = out.efficiency(first);
    Report {
        efficiency,
        achieved_gbps: efficiency * p.peak_gbps(),
        mean_latency: lat.iter().sum::<u64>() as f64 / lat.len().max(1) as f64,
        p99_latency: lat
            .get((lat.len() * 99).div_ceil(100).saturating_sub(1))
            .copied()
            .unwrap_or(0),
        max_wait: out
            .served
            .iter()
            .map(|s| s.issued - s.accepted)
            .max()
            .unwrap_or(0),
        row_hit_rate: out
            .served
            .iter()
            .filter(|s| s.row == RowOutcome::Hit)
            .count() as f64
            / out.served.len().max(1) as f64,
        refreshes: out.refreshes,
        cycles: out.cycles,
        latency_percentiles: (0..=100)
            .map(|pct| {
                lat.get((lat.len() * pct).div_ceil(100).saturating_sub(1))
                    .copied()
                    .unwrap_or(0)
            })
            .collect(),
    }
}
