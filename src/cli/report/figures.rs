//! The report's figures as data: built from the result records, QoR
//! records and regression history, each with the commands that produced
//! its numbers. Rendering is `svg.rs`; this is what a test checks.

use super::inputs::Inputs;
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    pub id: &'static str,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Bars on a logarithmic axis (values spanning decades).
    pub log_y: bool,
    /// The commands whose output the figure shows (or would show).
    pub commands: Vec<String>,
    /// The files the numbers were read from.
    pub sources: Vec<String>,
    /// `None`: no data yet; `missing` says how to make it.
    pub plot: Option<Plot>,
    pub missing: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Plot {
    /// Grouped bars: one group per category, one bar per series.
    Bars {
        categories: Vec<String>,
        series: Vec<BarSeries>,
    },
    Lines {
        series: Vec<LineSeries>,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct BarSeries {
    pub name: String,
    /// One per category; `None` where that run is absent.
    pub values: Vec<Option<f64>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LineSeries {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

const PATTERNS: [&str; 5] = ["seq-read", "seq-write", "random", "mixed", "stride"];
const REFRESH: [&str; 2] = ["all-bank", "per-bank"];

pub fn all(inputs: &Inputs) -> Vec<Figure> {
    vec![
        memctl_bandwidth(inputs),
        memctl_latency(inputs),
        link_efficiency(inputs),
        qor_fmax(inputs),
        qor_area(inputs),
        qor_slack(inputs),
        regress_history(inputs),
        not_measured(
            "coverage",
            "Code and functional coverage per block",
            "not measured yet: coverage is issue 15's work",
        ),
        not_measured(
            "mutation",
            "Mutation score per block",
            "not measured yet: automatic mutation is issue 15's work (the hand-written mutants: `kaizen regress memctl --teeth`, `kaizen regress d2d --teeth`)",
        ),
    ]
}

fn not_measured(id: &'static str, title: &str, why: &str) -> Figure {
    Figure {
        id,
        title: title.into(),
        x_label: String::new(),
        y_label: String::new(),
        log_y: false,
        commands: vec![],
        sources: vec![],
        plot: None,
        missing: Some(why.into()),
    }
}

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_f64()
}

/// The memctl runs by (pattern, refresh): the last record of each wins.
fn memctl_runs(inputs: &Inputs) -> Vec<(&str, &str, &super::inputs::Source)> {
    let mut runs: Vec<(&str, &str, &super::inputs::Source)> = vec![];
    for s in inputs.of_kind("sim memctl") {
        let d = &s.record.data;
        let (Some(p), Some(r)) = (d["pattern"].as_str(), d["refresh"].as_str()) else {
            continue;
        };
        runs.retain(|(q, f, _)| (*q, *f) != (p, r));
        runs.push((p, r, s));
    }
    runs
}

fn ordered<'a>(known: &[&'a str], present: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let present: Vec<&str> = present.collect();
    let mut out: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| present.contains(k))
        .collect();
    let mut extra: Vec<&str> = present.into_iter().filter(|p| !known.contains(p)).collect();
    extra.sort();
    extra.dedup();
    out.extend(extra);
    out
}

const MEMCTL_RUN: &str =
    "kaizen report --run (kaizen sim memctl --pattern P --refresh R --json ...)";

fn memctl_bandwidth(inputs: &Inputs) -> Figure {
    let runs = memctl_runs(inputs);
    let patterns = ordered(&PATTERNS, runs.iter().map(|r| r.0));
    let refreshes = ordered(&REFRESH, runs.iter().map(|r| r.1));
    let mut series = vec![];
    for r in &refreshes {
        for (side, name) in [("rtl", "RTL"), ("reference", "reference")] {
            series.push(BarSeries {
                name: format!("{r} refresh, {name}"),
                values: patterns
                    .iter()
                    .map(|p| {
                        runs.iter()
                            .find(|(q, f, _)| q == p && f == r)
                            .and_then(|(_, _, s)| num(&s.record.data, &[side, "achieved_gbps"]))
                    })
                    .collect(),
            });
        }
    }
    Figure {
        id: "memctl_bandwidth",
        title: "Memory controller: achieved bandwidth per pattern and refresh policy".into(),
        x_label: "traffic pattern".into(),
        y_label: "GB/s".into(),
        log_y: false,
        commands: runs.iter().map(|r| r.2.record.command.clone()).collect(),
        sources: runs.iter().map(|r| r.2.path.clone()).collect(),
        missing: runs
            .is_empty()
            .then(|| format!("no `sim memctl --json` results: run {MEMCTL_RUN}")),
        plot: (!runs.is_empty()).then(|| Plot::Bars {
            categories: patterns.iter().map(|p| p.to_string()).collect(),
            series,
        }),
    }
}

fn memctl_latency(inputs: &Inputs) -> Figure {
    let runs = memctl_runs(inputs);
    let series: Vec<LineSeries> = runs
        .iter()
        .filter_map(|(p, r, s)| {
            let d = &s.record.data;
            let ns = num(d, &["tck_ps"])? / 1000.0;
            let pct = d["rtl"]["latency_percentiles"].as_array()?;
            Some(LineSeries {
                name: format!("{p}, {r} refresh"),
                points: pct
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| Some((v.as_f64()? * ns, i as f64 / 100.0)))
                    .collect(),
            })
        })
        .collect();
    Figure {
        id: "memctl_latency_cdf",
        title: "Memory controller: latency distribution (RTL), acceptance to last data beat".into(),
        x_label: "latency (ns)".into(),
        y_label: "share of requests".into(),
        log_y: false,
        commands: runs.iter().map(|r| r.2.record.command.clone()).collect(),
        sources: runs.iter().map(|r| r.2.path.clone()).collect(),
        missing: series
            .is_empty()
            .then(|| format!("no RTL `sim memctl --json` results: run {MEMCTL_RUN}")),
        plot: (!series.is_empty()).then_some(Plot::Lines { series }),
    }
}

fn ber_label(ber: f64) -> String {
    if ber == 0.0 {
        "0".into()
    } else {
        format!("{ber:e}")
    }
}

fn link_efficiency(inputs: &Inputs) -> Figure {
    let last = inputs.of_kind("bench d2d").last().copied();
    let plot = last.and_then(|s| {
        let rows = s.record.data["rows"].as_array()?;
        let col = |k: &str| -> Vec<Option<f64>> {
            rows.iter()
                .map(|r| r[k].as_f64().map(|e| 100.0 * e))
                .collect()
        };
        Some(Plot::Bars {
            categories: rows
                .iter()
                .map(|r| ber_label(r["ber"].as_f64().unwrap_or(f64::NAN)))
                .collect(),
            series: [
                ("standard package (16 lanes), RTL", "rtl_16"),
                ("standard package (16 lanes), reference", "reference_16"),
                ("advanced package (64 lanes), RTL", "rtl_64"),
                ("advanced package (64 lanes), reference", "reference_64"),
            ]
            .into_iter()
            .map(|(name, k)| BarSeries {
                name: name.into(),
                values: col(k),
            })
            .collect(),
        })
    });
    Figure {
        id: "link_efficiency",
        title: "Die-to-die link: payload efficiency against bit-error rate".into(),
        x_label: "raw bit-error rate".into(),
        y_label: "payload efficiency (%)".into(),
        log_y: false,
        commands: last.map(|s| s.record.command.clone()).into_iter().collect(),
        sources: last.map(|s| s.path.clone()).into_iter().collect(),
        missing: plot.is_none().then(|| {
            "no `bench d2d --json` result: run kaizen report --run (kaizen bench d2d --json ...)".into()
        }),
        plot,
    }
}

const QOR_COMMAND: &str = "kaizen flow sta <block> (or flow gate)";

type Qor = kaizen_flow::qor::Qor;
type BaselineEntry = kaizen_flow::qor::BaselineEntry;

/// A QoR figure: one bar per block from its record, one from the
/// checked-in baseline (or from the record again, `baseline: None`).
struct QorBars {
    id: &'static str,
    title: &'static str,
    y_label: &'static str,
    log_y: bool,
    value: (&'static str, fn(&Qor) -> Option<f64>),
    other: (&'static str, Other),
}

enum Other {
    Record(fn(&Qor) -> Option<f64>),
    Baseline(fn(&BaselineEntry) -> f64),
}

fn qor_bars(inputs: &Inputs, f: QorBars) -> Figure {
    let q = &inputs.qor;
    let other = |b: &Qor| match f.other.1 {
        Other::Record(get) => get(b),
        Other::Baseline(get) => inputs
            .baseline
            .as_ref()
            .and_then(|bl| bl.blocks.get(&b.block))
            .map(get),
    };
    let mut sources = inputs.qor_paths.clone();
    if matches!(f.other.1, Other::Baseline(_)) {
        sources.push(super::inputs::BASELINE.into());
    }
    Figure {
        id: f.id,
        title: f.title.into(),
        x_label: "block".into(),
        y_label: f.y_label.into(),
        log_y: f.log_y,
        commands: vec![QOR_COMMAND.into()],
        sources,
        missing: q.is_empty().then(|| {
            "no QoR records in build/qor: run kaizen flow sta <blocks> or kaizen flow gate".into()
        }),
        plot: (!q.is_empty()).then(|| Plot::Bars {
            categories: q.iter().map(|b| b.block.clone()).collect(),
            series: vec![
                BarSeries {
                    name: f.value.0.into(),
                    values: q.iter().map(f.value.1).collect(),
                },
                BarSeries {
                    name: f.other.0.into(),
                    values: q.iter().map(other).collect(),
                },
            ],
        }),
    }
}

fn qor_fmax(inputs: &Inputs) -> Figure {
    qor_bars(
        inputs,
        QorBars {
            id: "qor_fmax",
            title: "QoR: Fmax of each block's first clock against its target (GT2N, predictive)",
            y_label: "MHz",
            log_y: false,
            value: ("Fmax (MHz)", |b| b.clocks.first().map(|c| c.fmax_mhz)),
            other: (
                "target (MHz)",
                Other::Record(|b| b.clocks.first().map(|c| c.target_mhz)),
            ),
        },
    )
}

fn qor_area(inputs: &Inputs) -> Figure {
    qor_bars(
        inputs,
        QorBars {
            id: "qor_area",
            title: "QoR: standard-cell area against the baseline (macros apart; GT2N, predictive)",
            y_label: "um2 (log scale)",
            log_y: true,
            value: ("cell area (um2)", |b| Some(b.area_um2)),
            other: ("baseline cell area (um2)", Other::Baseline(|e| e.area_um2)),
        },
    )
}

fn qor_slack(inputs: &Inputs) -> Figure {
    qor_bars(
        inputs,
        QorBars {
            id: "qor_slack",
            title: "QoR: worst setup slack against the baseline (GT2N, predictive)",
            y_label: "ps",
            log_y: false,
            // The worst setup slack over the block's clocks, as the gate reads it.
            value: ("worst slack (ps)", |b| {
                b.clocks.iter().map(|c| c.worst_slack_ps).reduce(f64::min)
            }),
            other: (
                "baseline worst slack (ps)",
                Other::Baseline(|e| e.worst_slack_ps),
            ),
        },
    )
}

/// The last runs shown in the history.
const HISTORY_RUNS: usize = 20;

fn regress_history(inputs: &Inputs) -> Figure {
    let h = &inputs.history;
    let recent = &h[h.len().saturating_sub(HISTORY_RUNS)..];
    let plot = (!recent.is_empty()).then(|| Plot::Bars {
        categories: recent
            .iter()
            .enumerate()
            .map(|(i, r)| {
                format!(
                    "#{} {}",
                    h.len() - recent.len() + i + 1,
                    r["regression"].as_str().unwrap_or("?")
                )
            })
            .collect(),
        series: ["passed", "failed"]
            .into_iter()
            .map(|k| BarSeries {
                name: format!("cases {k}"),
                values: recent.iter().map(|r| r[k].as_f64()).collect(),
            })
            .collect(),
    });
    Figure {
        id: "regress_history",
        title: format!("Regressions: the last {HISTORY_RUNS} collected runs"),
        x_label: "run".into(),
        y_label: "cases".into(),
        log_y: false,
        commands: recent
            .iter()
            .map(|r| format!("kaizen {}", r["command"].as_str().unwrap_or("?")))
            .collect(),
        sources: vec![crate::cli::regress::HISTORY.into()],
        missing: recent.is_empty().then(|| {
            "no collected regressions: run kaizen regress memctl|d2d (see docs/regress.md)".into()
        }),
        plot,
    }
}
