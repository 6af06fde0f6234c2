//! Place and route with OpenROAD: the PyPI `openroad` module (the engine
//! as a Python extension) in the project's environment, driven by
//! `scripts/openroad_pnr.py`. Kaizen computes the run's inputs (floorplan,
//! pins, wire RC, power grid, from the block's constraints and
//! `constraints/pdk.toml`), writes them as `pnr.json`, runs the script and
//! reads back its results and reports into the block's QoR record.

pub mod floorplan;
pub mod gate;
pub mod wire_rc;

use crate::pdk::Pdk;
use crate::qor::{clock_qor, ClockQor};
use crate::reports::parse_sta;
use crate::run::{load_sdc, macro_abstracts, work_dir, Design, Synthesis};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `[pnr]` in `constraints/pdk.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PnrConfig {
    pub site: String,
    pub operating_conditions: String,
    pub strip_lef_comments: bool,
    pub margin_rows: u64,
    /// Smallest core side, um (see `constraints/pdk.toml`).
    pub min_core_side_um: f64,
    pub placement_density_over_utilization: f64,
    pub pin_horizontal_layer: String,
    pub pin_vertical_layer: String,
    pub routing_layers: String,
    /// The layer whose pitch sizes global routing's gcells.
    pub gcell_pitch_layer: String,
    pub detailed_route_iterations: u32,
    pub cts_root_buffer: String,
    pub cts_buffers: Vec<String>,
    pub fillers: Vec<String>,
    /// Room kept free of cells around an SRAM macro, um.
    pub macro_halo_um: f64,
    pub signal_rc_layers: Vec<String>,
    pub clock_rc_layers: Vec<String>,
    pub power: PowerGrid,
    pub layer: Vec<wire_rc::LayerStack>,
}

/// The backside power grid: rails on the cells' supply layer, straps above.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PowerGrid {
    pub power_net: String,
    pub ground_net: String,
    pub power_pin: String,
    pub ground_pin: String,
    pub rail_layer: String,
    pub rail_width: f64,
    pub straps: Vec<Strap>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Strap {
    pub layer: String,
    pub width: f64,
    pub pitch: f64,
    pub offset: f64,
}

/// Switching activity for power: a VCD of a simulated workload.
pub struct Activity {
    pub vcd: PathBuf,
    /// The design's instance in the VCD (`read_vcd -scope`).
    pub scope: String,
    /// What was simulated, in words (kept in the QoR record).
    pub workload: String,
}

/// A block's figures after detailed routing.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PostRoute {
    pub stage: String,
    /// The synthesised netlist that was placed and routed (SHA-256): the
    /// record stays with the block's QoR while synthesis gives the same.
    pub netlist_sha256: String,
    pub die_area_um2: f64,
    pub core_area_um2: f64,
    /// Standard cells after placement, repair and clock tree (no fillers).
    pub cell_area_um2: f64,
    pub macro_area_um2: f64,
    pub utilization: f64,
    pub instances: u64,
    pub wirelength_um: f64,
    pub vias: u64,
    pub drc_violations: u64,
    pub clocks: Vec<ClockQor>,
    pub clock_skew_ps: f64,
    /// How the timing's wire parasitics were found.
    pub parasitics: String,
    pub power: Power,
    pub runtime_s: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Power {
    pub internal_w: f64,
    pub switching_w: f64,
    pub leakage_w: f64,
    pub total_w: f64,
    /// The workload whose activity was used, or OpenSTA's default.
    pub activity: String,
}

/// What the script writes in `result.json`.
#[derive(Deserialize)]
struct RawResult {
    die_area_um2: f64,
    core_area_um2: f64,
    cell_area_um2: f64,
    macro_area_um2: f64,
    utilization: f64,
    instances: u64,
    wirelength_um: f64,
    vias: u64,
    drc_violations: u64,
    clock_skew_ps: f64,
    power_w: RawPower,
    runtime_s: f64,
}

#[derive(Deserialize)]
struct RawPower {
    internal: f64,
    switching: f64,
    leakage: f64,
    total: f64,
}

const PARASITICS: &str = "placement Steiner estimate with per-layer wire RC from the kit's ITF";

/// The Python with OpenROAD: `KAIZEN_PYTHON`, else the project's
/// environment that scripts/setup.sh makes.
pub fn python(root: &Path) -> Result<PathBuf, String> {
    let python = match std::env::var_os("KAIZEN_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => root.join(".venv/bin/python"),
    };
    let missing = || {
        format!(
            "OpenROAD is not installed ({} cannot import `openroad`); run scripts/setup.sh, which installs PyPI's openroad into {}",
            python.display(),
            root.join(".venv").display()
        )
    };
    let ok = Command::new(&python)
        .args(["-c", "import openroad"])
        .output()
        .map_err(|_| missing())?
        .status
        .success();
    if ok {
        Ok(python)
    } else {
        Err(missing())
    }
}

/// The cell LEF as OpenROAD can read it (without the licence comment block).
fn readable_cell_lef(pdk: &Pdk, dir: &Path) -> Result<PathBuf, String> {
    let src = pdk.cell_lef();
    if !pdk.config.pnr.strip_lef_comments {
        return Ok(src);
    }
    let text =
        std::fs::read_to_string(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    let kept: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("/*"))
        .flat_map(|l| [l, "\n"])
        .collect();
    let out = dir.join("cells.lef");
    crate::write_file(&out, &kept)?;
    Ok(out)
}

/// Everything the script is given, as written to `pnr.json`.
#[derive(Serialize)]
struct Inputs<'a> {
    top: &'a str,
    netlist: String,
    sdc: String,
    tech_lef: String,
    cell_lef: String,
    macro_lefs: Vec<String>,
    liberties: Vec<String>,
    site: &'a str,
    die_um: [f64; 4],
    core_um: [f64; 4],
    pdn: &'a PowerGrid,
    wire_rc: Vec<wire_rc::LayerRc>,
    via_rc: Vec<wire_rc::ViaRc>,
    signal_rc_layers: &'a [String],
    clock_rc_layers: &'a [String],
    pins: Pins<'a>,
    placement_density: f64,
    cts: Cts,
    routing: Routing<'a>,
    gcell_pitch_layer: &'a str,
    fillers: &'a [String],
    macro_halo_um: f64,
    operating_conditions: &'a str,
    threads: usize,
    vcd: Option<Vcd>,
    out: String,
}

#[derive(Serialize)]
struct Pins<'a> {
    inputs_side: &'a str,
    outputs_side: &'a str,
    horizontal_layer: &'a str,
    vertical_layer: &'a str,
}

#[derive(Serialize)]
struct Cts {
    root_buffer: String,
    buffers: Vec<String>,
}

#[derive(Serialize)]
struct Routing<'a> {
    layers: &'a str,
    detailed_iterations: u32,
}

#[derive(Serialize)]
struct Vcd {
    path: String,
    scope: String,
}

fn show(p: &Path) -> String {
    p.display().to_string()
}

/// Writes the run's inputs into `<work>/pnr/pnr.json` and returns that
/// directory; no tool runs.
pub fn prepare(
    root: &Path,
    design: &Design,
    pdk: &Pdk,
    synthesis: &Synthesis,
    activity: Option<&Activity>,
    threads: usize,
) -> Result<PathBuf, String> {
    let cfg = &pdk.config.pnr;
    let work = work_dir(root, design, pdk)?;
    let macros = macro_abstracts(&work, design, pdk)?;
    let dir = work.join("pnr");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let spec = floorplan::FloorplanSpec::read(&design.floorplan_path())?;
    let site = site_size(pdk)?;
    let macro_area: f64 = synthesis.macros.iter().map(|(_, n, a)| *n as f64 * a).sum();
    let fp = floorplan::floorplan(
        synthesis.cells.area_um2 + macro_area,
        &spec,
        site,
        cfg.margin_rows,
        cfg.min_core_side_um,
    )
    .map_err(|e| format!("{}: {e}", design.block))?;
    for layer in &cfg.layer {
        wire_rc::check(layer).map_err(|e| format!("constraints/pdk.toml: [[pnr.layer]] {e}"))?;
    }
    let vt = |s: &str| s.replace("{vt}", &pdk.vt);
    let mut liberties = vec![show(&pdk.liberty())];
    liberties.extend(synthesis.macro_liberties.iter().map(|p| show(p)));
    let inputs = Inputs {
        top: &design.top,
        netlist: show(&synthesis.netlist),
        sdc: show(&design.sdc_path()),
        tech_lef: show(&pdk.tech_lef()),
        cell_lef: show(&readable_cell_lef(pdk, &dir)?),
        macro_lefs: macros.iter().map(|m| show(&m.lef)).collect(),
        liberties,
        site: &cfg.site,
        die_um: fp.die,
        core_um: fp.core,
        pdn: &cfg.power,
        wire_rc: cfg.layer.iter().map(wire_rc::layer_rc).collect(),
        via_rc: cfg.layer.iter().map(wire_rc::via_rc).collect(),
        signal_rc_layers: &cfg.signal_rc_layers,
        clock_rc_layers: &cfg.clock_rc_layers,
        pins: Pins {
            inputs_side: &spec.inputs_side,
            outputs_side: &spec.outputs_side,
            horizontal_layer: &cfg.pin_horizontal_layer,
            vertical_layer: &cfg.pin_vertical_layer,
        },
        placement_density: (spec.utilization / 100.0 + cfg.placement_density_over_utilization)
            .min(0.95),
        cts: Cts {
            root_buffer: vt(&cfg.cts_root_buffer),
            buffers: cfg.cts_buffers.iter().map(|b| vt(b)).collect(),
        },
        routing: Routing {
            layers: &cfg.routing_layers,
            detailed_iterations: cfg.detailed_route_iterations,
        },
        gcell_pitch_layer: &cfg.gcell_pitch_layer,
        fillers: &cfg.fillers,
        macro_halo_um: cfg.macro_halo_um,
        operating_conditions: &cfg.operating_conditions,
        threads,
        vcd: activity.map(|a| Vcd {
            path: show(&a.vcd),
            scope: a.scope.clone(),
        }),
        out: show(&dir),
    };
    let json = serde_json::to_string_pretty(&inputs).map_err(|e| e.to_string())? + "\n";
    crate::write_file(&dir.join("pnr.json"), &json)?;
    Ok(dir)
}

/// The site's width and height (um), from the cell LEF.
fn site_size(pdk: &Pdk) -> Result<(f64, f64), String> {
    let path = pdk.cell_lef();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let site = &pdk.config.pnr.site;
    let mut in_site = false;
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["SITE", name] if name == site => in_site = true,
            ["SIZE", w, "BY", h, ..] if in_site => {
                let parse = |v: &str| v.parse::<f64>().ok();
                if let (Some(w), Some(h)) = (parse(w), parse(h)) {
                    return Ok((w, h));
                }
            }
            ["END", name] if name == site => in_site = false,
            _ => {}
        }
    }
    Err(format!("{}: no SIZE for SITE {site}", path.display()))
}

/// Places and routes the synthesised block; its figures after routing.
pub fn run(
    root: &Path,
    design: &Design,
    pdk: &Pdk,
    synthesis: &Synthesis,
    activity: Option<&Activity>,
    threads: usize,
) -> Result<PostRoute, String> {
    let python = python(&crate::kaizen_root())?;
    let dir = prepare(root, design, pdk, synthesis, activity, threads)?;
    let _ = std::fs::remove_file(dir.join("result.json"));
    let script = crate::kaizen_root().join("scripts/openroad_pnr.py");
    let log = dir.join("openroad.log");
    let out =
        std::fs::File::create(&log).map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let status = Command::new(&python)
        // No __pycache__ beside the scripts in the source tree.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .arg(&script)
        .arg(dir.join("pnr.json"))
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !status.success() {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(12).collect();
        return Err(format!(
            "OpenROAD failed on {} (log: {}):\n{}",
            design.block,
            log.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    read_results(design, &dir, activity, &synthesis.netlist_sha256)
}

fn read_results(
    design: &Design,
    dir: &Path,
    activity: Option<&Activity>,
    netlist_sha256: &str,
) -> Result<PostRoute, String> {
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let raw: RawResult = serde_json::from_str(&read("result.json")?)
        .map_err(|e| format!("{}: {e}", dir.join("result.json").display()))?;
    let timing = parse_sta(&read("sta.txt")?)
        .map_err(|e| format!("{}: {e}", dir.join("sta.txt").display()))?;
    let (_, sdc) = load_sdc(&design.constraints, &design.block)?;
    Ok(PostRoute {
        stage: "detailed route".into(),
        netlist_sha256: netlist_sha256.into(),
        die_area_um2: raw.die_area_um2,
        core_area_um2: raw.core_area_um2,
        cell_area_um2: raw.cell_area_um2,
        macro_area_um2: raw.macro_area_um2,
        utilization: raw.utilization,
        instances: raw.instances,
        wirelength_um: raw.wirelength_um,
        vias: raw.vias,
        drc_violations: raw.drc_violations,
        clocks: clock_qor(&sdc, &timing),
        clock_skew_ps: raw.clock_skew_ps,
        parasitics: PARASITICS.into(),
        power: Power {
            internal_w: raw.power_w.internal,
            switching_w: raw.power_w.switching,
            leakage_w: raw.power_w.leakage,
            total_w: raw.power_w.total,
            activity: activity.map_or_else(
                || "OpenSTA default (0.1 per input per clock)".into(),
                |a| a.workload.clone(),
            ),
        },
        runtime_s: raw.runtime_s,
    })
}

/// The clocks an SDC creates on ports: (port, period in ps).
pub fn clock_ports(sdc: &crate::sdc::Sdc) -> Vec<(String, f64)> {
    use crate::sdc::Arg;
    sdc.commands
        .iter()
        .filter(|c| c.name == "create_clock")
        .filter_map(|c| {
            let port = match c.positionals().first() {
                Some(Arg::Query(q)) if q.kind == crate::sdc::QueryKind::GetPorts => {
                    q.patterns.first()?.clone()
                }
                _ => return None,
            };
            match c.flag_value("-period") {
                Some(Arg::Word(p)) => Some((port, p.parse().ok()?)),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::CellReport;
    use crate::run::Memories;
    use crate::sram::SramMacro;

    /// A scratch root with the real constraints, and the kit where this
    /// checkout finds it.
    fn scratch() -> (tempfile::TempDir, Pdk) {
        let real = crate::kaizen_root();
        let d = tempfile::tempdir().unwrap();
        let c = d.path().join("constraints");
        std::fs::create_dir_all(&c).unwrap();
        for f in [
            "pdk.toml",
            "sram.sdc",
            "sram.floorplan.json",
            "arbiter.sdc",
            "arbiter.floorplan.json",
        ] {
            std::fs::copy(real.join("constraints").join(f), c.join(f)).unwrap();
        }
        let pdk = crate::pdk::locate(&real, None).unwrap();
        (d, pdk)
    }

    fn design(root: &Path, block: &str, macros: Vec<SramMacro>) -> Design {
        Design {
            constraints: root.join("constraints"),
            block: block.into(),
            top: format!("kaizen_{block}"),
            verilog: String::new(),
            ports: vec![],
            macros,
            memories: Memories::Macros,
        }
    }

    fn synthesis(area: f64, macros: Vec<(SramMacro, u64, f64)>) -> Synthesis {
        Synthesis {
            netlist: PathBuf::from("/netlist.v"),
            netlist_sha256: String::new(),
            cells: CellReport {
                cells: Default::default(),
                total_cells: 1,
                area_um2: area,
            },
            macros,
            macro_liberties: vec![],
        }
    }

    fn inputs(dir: &Path) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("pnr.json")).unwrap()).unwrap()
    }

    #[test]
    fn run_inputs_carry_the_floorplan_pins_rc_and_activity() {
        let (root, pdk) = scratch();
        let activity = Activity {
            vcd: PathBuf::from("/w.vcd"),
            scope: "TOP/kaizen_arbiter".into(),
            workload: "w".into(),
        };
        let dir = prepare(
            root.path(),
            &design(root.path(), "arbiter", vec![]),
            &pdk,
            &synthesis(3.0, vec![]),
            Some(&activity),
            2,
        )
        .unwrap();
        let j = inputs(&dir);
        // constraints/arbiter.floorplan.json: 50 %, inputs left, outputs right.
        let core = &j["core_um"];
        let area = (core[2].as_f64().unwrap() - core[0].as_f64().unwrap())
            * (core[3].as_f64().unwrap() - core[1].as_f64().unwrap());
        assert!((6.0..7.5).contains(&area), "{area}");
        assert_eq!(j["pins"]["inputs_side"], "left");
        assert_eq!(j["pins"]["outputs_side"], "right");
        assert_eq!(j["pins"]["horizontal_layer"], "M2");
        assert_eq!(j["pins"]["vertical_layer"], "M3");
        assert!((j["placement_density"].as_f64().unwrap() - 0.6).abs() < 1e-9);
        assert_eq!(j["cts"]["root_buffer"], "gt2_6t_buf_x4_w31_lvt");
        assert_eq!(j["vcd"]["scope"], "TOP/kaizen_arbiter");
        assert_eq!(j["threads"], 2);
        let m2 = j["wire_rc"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["layer"] == "M2")
            .unwrap();
        assert!((m2["r_ohm_per_um"].as_f64().unwrap() - 7.461 / 0.012).abs() < 1e-6);
        // The LEF OpenROAD reads has no comment block left.
        let lef = std::fs::read_to_string(j["cell_lef"].as_str().unwrap()).unwrap();
        assert!(
            lef.starts_with("\n") || lef.starts_with("VERSION"),
            "{}",
            &lef[..40]
        );
        assert!(!lef.lines().any(|l| l.trim_start().starts_with("/*")));
    }

    #[test]
    fn a_macro_block_hands_over_its_abstract_and_its_area() {
        let (root, pdk) = scratch();
        let m = SramMacro {
            name: "kaizen_sram_1r1w_64x32".into(),
            words: 64,
            bits: 32,
        };
        let area = crate::sram::model::physical(&m, &pdk.config.sram).area_um2();
        let dir = prepare(
            root.path(),
            &design(root.path(), "sram", vec![m.clone()]),
            &pdk,
            &synthesis(0.0, vec![(m, 1, area)]),
            None,
            1,
        )
        .unwrap();
        let j = inputs(&dir);
        let lef = j["macro_lefs"][0].as_str().unwrap();
        assert!(
            lef.ends_with("kaizen_sram_1r1w_64x32.lef") && Path::new(lef).is_file(),
            "{j}"
        );
        let core = &j["core_um"];
        let core_area = (core[2].as_f64().unwrap() - core[0].as_f64().unwrap())
            * (core[3].as_f64().unwrap() - core[1].as_f64().unwrap());
        assert!(core_area >= area, "{core_area} < {area}");
        assert!(j["vcd"].is_null());
    }
}
