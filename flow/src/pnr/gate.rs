//! The post-route QoR gate, in the style of OpenROAD-flow-scripts'
//! `rules-base.json`: per block, cell area and wirelength within a
//! tolerance of the committed baseline, every clock's target met, no DRC
//! violation (`constraints/pnr-baseline.json`).

use super::PostRoute;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RoutedEntry {
    pub cell_area_um2: f64,
    pub wirelength_um: f64,
    pub worst_slack_ps: f64,
    pub drc_violations: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RoutedBaseline {
    /// Cell area and wirelength may grow by this much before the gate fails.
    pub tolerance_percent: f64,
    pub vt: String,
    pub note: String,
    pub blocks: BTreeMap<String, RoutedEntry>,
}

pub fn entry(p: &PostRoute) -> RoutedEntry {
    RoutedEntry {
        cell_area_um2: p.cell_area_um2,
        wirelength_um: p.wirelength_um,
        worst_slack_ps: worst_slack(p),
        drc_violations: p.drc_violations,
    }
}

fn worst_slack(p: &PostRoute) -> f64 {
    p.clocks
        .iter()
        .map(|c| c.worst_slack_ps)
        .fold(f64::INFINITY, f64::min)
}

/// Why `block`'s routed figures fail the gate (empty when they pass).
pub fn gate(baseline: &RoutedBaseline, block: &str, p: &PostRoute) -> Vec<String> {
    let Some(b) = baseline.blocks.get(block) else {
        return vec![format!(
            "{block}: no routed baseline; run `kaizen flow baseline --routed {block}` and commit constraints/pnr-baseline.json"
        )];
    };
    let grow = 1.0 + baseline.tolerance_percent / 100.0;
    let mut out = vec![];
    for (what, got, base) in [
        ("cell area", p.cell_area_um2, b.cell_area_um2),
        ("wirelength", p.wirelength_um, b.wirelength_um),
    ] {
        if got > base * grow {
            out.push(format!(
                "{block}: {what} {got:.3} is {:+.1} % over the baseline {base:.3} (tolerance {} %); if intended, update the baseline in the same change",
                100.0 * (got / base - 1.0),
                baseline.tolerance_percent
            ));
        }
    }
    for c in &p.clocks {
        if c.worst_slack_ps < 0.0 {
            out.push(format!(
                "{block}: clock {} misses its {:.0} MHz target after routing: worst slack {:.2} ps",
                c.name, c.target_mhz, c.worst_slack_ps
            ));
        }
    }
    if p.drc_violations > 0 {
        out.push(format!(
            "{block}: {} DRC violations after detailed routing (see drc.rpt beside the layout)",
            p.drc_violations
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pnr::Power;
    use crate::qor::ClockQor;

    fn routed(cell_area: f64, wirelength: f64, slack: f64, drc: u64) -> PostRoute {
        PostRoute {
            stage: "detailed route".into(),
            netlist_sha256: String::new(),
            die_area_um2: 20.0,
            core_area_um2: 7.0,
            cell_area_um2: cell_area,
            macro_area_um2: 0.0,
            utilization: 0.45,
            instances: 70,
            wirelength_um: wirelength,
            vias: 500,
            drc_violations: drc,
            clocks: vec![ClockQor {
                name: "core".into(),
                period_ps: 500.0,
                target_mhz: 2000.0,
                worst_slack_ps: slack,
                wns_ps: slack.min(0.0),
                tns_ps: None,
                fmax_mhz: 1e6 / (500.0 - slack),
            }],
            clock_skew_ps: 10.0,
            parasitics: String::new(),
            power: Power {
                internal_w: 0.0,
                switching_w: 0.0,
                leakage_w: 0.0,
                total_w: 0.0,
                activity: String::new(),
            },
            runtime_s: 30.0,
        }
    }

    fn baseline() -> RoutedBaseline {
        RoutedBaseline {
            tolerance_percent: 15.0,
            vt: "lvt".into(),
            note: String::new(),
            blocks: [("arbiter".to_string(), entry(&routed(3.0, 100.0, 150.0, 0)))].into(),
        }
    }

    #[test]
    fn within_tolerance_passes_and_each_rule_fails_alone() {
        let b = baseline();
        assert!(gate(&b, "arbiter", &routed(3.4, 114.0, 1.0, 0)).is_empty());
        let fails = |p: PostRoute| gate(&b, "arbiter", &p);
        assert!(fails(routed(3.5, 100.0, 150.0, 0))[0].contains("cell area"));
        assert!(fails(routed(3.0, 116.0, 150.0, 0))[0].contains("wirelength"));
        assert!(fails(routed(3.0, 100.0, -0.5, 0))[0].contains("misses its 2000 MHz"));
        assert!(fails(routed(3.0, 100.0, 150.0, 1))[0].contains("1 DRC violations"));
        assert!(gate(&b, "fifo", &routed(3.0, 100.0, 150.0, 0))[0].contains("no routed baseline"));
    }
}
