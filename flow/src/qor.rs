//! Quality of results: one JSON record per block and Vt, and the gate
//! against the checked-in baseline.

use crate::pdk::Pdk;
use crate::reports::{CellReport, TimingReport};
use crate::sdc::{Arg, Sdc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClockQor {
    pub name: String,
    pub period_ps: f64,
    pub target_mhz: f64,
    /// Worst setup slack, ps (negative = violated).
    pub worst_slack_ps: f64,
    /// min(worst slack, 0)
    pub wns_ps: f64,
    /// Total negative slack, ps; known per clock only when the design has
    /// one clock (OpenSTA's `report_tns` is design-wide).
    pub tns_ps: Option<f64>,
    /// 1 / (period - worst slack): the frequency the worst path allows.
    pub fmax_mhz: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Qor {
    pub block: String,
    pub top_module: String,
    pub library: String,
    pub vt: String,
    pub caveat: String,
    /// Standard cells: count by cell, total and area.
    pub cells_total: u64,
    pub cells: BTreeMap<String, u64>,
    pub area_um2: f64,
    /// SRAM macros (black boxes, `kaizen macro`), apart from the cells.
    #[serde(default)]
    pub macros: Vec<MacroQor>,
    #[serde(default)]
    pub macro_area_um2: f64,
    pub clocks: Vec<ClockQor>,
    /// After place and route (`kaizen flow pnr`); absent before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_route: Option<crate::pnr::PostRoute>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MacroQor {
    pub name: String,
    pub words: usize,
    pub bits: usize,
    pub count: u64,
    /// Each instance's area.
    pub area_um2: f64,
}

/// Clock periods (ps) the SDC defines, by clock name.
pub fn clock_periods(sdc: &Sdc) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for cmd in sdc.commands.iter().filter(|c| c.name == "create_clock") {
        let name = match (cmd.flag_value("-name"), cmd.positionals().first()) {
            (Some(Arg::Word(n)), _) => n.clone(),
            (_, Some(Arg::Query(q))) if !q.patterns.is_empty() => q.patterns[0].clone(),
            _ => continue,
        };
        if let Some(Arg::Word(p)) = cmd.flag_value("-period") {
            if let Ok(p) = p.parse() {
                out.insert(name, p);
            }
        }
    }
    out
}

/// Slack and Fmax per clock the SDC defines, from a timing report.
pub fn clock_qor(sdc: &Sdc, timing: &TimingReport) -> Vec<ClockQor> {
    let one_clock = sdc
        .commands
        .iter()
        .filter(|c| c.name == "create_clock")
        .count()
        == 1;
    clock_periods(sdc)
        .into_iter()
        .map(|(name, period)| {
            // A clock with no constrained path has all its period to spare.
            let slack = timing
                .worst_slack_by_group
                .get(&name)
                .copied()
                .unwrap_or(period);
            ClockQor {
                period_ps: period,
                target_mhz: 1e6 / period,
                worst_slack_ps: slack,
                wns_ps: slack.min(0.0),
                tns_ps: one_clock.then_some(timing.tns_ps),
                fmax_mhz: 1e6 / (period - slack),
                name,
            }
        })
        .collect()
}

pub fn qor(
    block: &str,
    top: &str,
    pdk: &Pdk,
    sdc: &Sdc,
    cells: &CellReport,
    timing: &TimingReport,
) -> Qor {
    let clocks = clock_qor(sdc, timing);
    Qor {
        block: block.to_string(),
        top_module: top.to_string(),
        library: format!(
            "{} {} ({})",
            pdk.config.name,
            pdk.vt.to_uppercase(),
            pdk.config.corner
        ),
        vt: pdk.vt.clone(),
        caveat: pdk.config.caveat.clone(),
        cells_total: cells.total_cells,
        cells: cells.cells.clone(),
        area_um2: cells.area_um2,
        macros: vec![],
        macro_area_um2: 0.0,
        clocks,
        post_route: None,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub area_um2: f64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub macro_area_um2: f64,
    pub cells_total: u64,
    pub worst_slack_ps: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Baseline {
    /// Area may grow by this much before the gate fails.
    pub area_tolerance_percent: f64,
    pub vt: String,
    pub note: String,
    pub blocks: BTreeMap<String, BaselineEntry>,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// Why `q` fails the gate (empty when it passes).
pub fn gate(baseline: &Baseline, q: &Qor) -> Vec<String> {
    let mut out = vec![];
    let Some(b) = baseline.blocks.get(&q.block) else {
        return vec![format!(
            "{}: no baseline; run `kaizen flow baseline` and commit constraints/qor-baseline.json",
            q.block
        )];
    };
    let limit = b.area_um2 * (1.0 + baseline.area_tolerance_percent / 100.0);
    if q.area_um2 > limit {
        out.push(format!(
            "{}: area {:.3} um2 is {:+.1} % over the baseline {:.3} um2 (tolerance {} %); if intended, update the baseline in the same change",
            q.block,
            q.area_um2,
            100.0 * (q.area_um2 / b.area_um2 - 1.0),
            b.area_um2,
            baseline.area_tolerance_percent
        ));
    }
    let macro_limit = b.macro_area_um2 * (1.0 + baseline.area_tolerance_percent / 100.0);
    if q.macro_area_um2 > macro_limit + 1e-9 {
        out.push(format!(
            "{}: macro area {:.3} um2 is over the baseline {:.3} um2 (tolerance {} %); if intended, update the baseline in the same change",
            q.block, q.macro_area_um2, b.macro_area_um2, baseline.area_tolerance_percent
        ));
    }
    for c in &q.clocks {
        if c.worst_slack_ps < 0.0 {
            out.push(format!(
                "{}: clock {} misses its {:.0} MHz target: worst slack {:.2} ps",
                q.block, c.name, c.target_mhz, c.worst_slack_ps
            ));
        }
    }
    out
}
