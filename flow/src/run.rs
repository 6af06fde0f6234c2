//! Running the tools: Yosys synthesis and OpenSTA timing of one block, and
//! the ready-to-run OpenROAD kit. Each step writes under
//! `build/flow/<block>/<vt>/` and fails with a message naming the tool.

use crate::check::PortInfo;
use crate::pdk::Pdk;
use crate::reports::{parse_sta, parse_yosys_stat, version_line, CellReport, TimingReport};
use crate::sdc::{self, Sdc};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the flow needs of an emitted block.
pub struct Design {
    pub block: String,
    pub top: String,
    pub verilog: String,
    pub ports: Vec<PortInfo>,
}

pub fn sdc_path(root: &Path, block: &str) -> PathBuf {
    root.join("constraints").join(format!("{block}.sdc"))
}

/// Reads and parses the block's SDC file.
pub fn load_sdc(root: &Path, block: &str) -> Result<(PathBuf, Sdc), String> {
    let path = sdc_path(root, block);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let sdc = sdc::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    Ok((path, sdc))
}

fn work_dir(root: &Path, design: &Design, pdk: &Pdk) -> Result<PathBuf, String> {
    let dir = root.join("build/flow").join(&design.block).join(&pdk.vt);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn tool(name: &str, args: &[&str], env: &[(&str, String)], log: &Path) -> Result<String, String> {
    let out = Command::new(name).args(args).envs(env.iter().map(|(k, v)| (*k, v))).output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("`{name}` is not installed (or not on PATH); run scripts/setup.sh, which installs it with apt"),
        _ => format!("cannot run {name}: {e}"),
    })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(log, &text).map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    if !out.status.success() {
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        return Err(format!(
            "{name} failed (log: {}):\n{}",
            log.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok(text)
}

pub fn tool_version(name: &str, flag: &str) -> String {
    Command::new(name)
        .arg(flag)
        .output()
        .map(|o| version_line(&String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default()
}

pub struct Synthesis {
    pub netlist: PathBuf,
    pub cells: CellReport,
}

/// Yosys: emitted Verilog to a netlist of the kit's cells.
pub fn synth(root: &Path, design: &Design, pdk: &Pdk) -> Result<Synthesis, String> {
    let dir = work_dir(root, design, pdk)?;
    let verilog = dir.join(format!("{}.v", design.top));
    std::fs::write(&verilog, &design.verilog)
        .map_err(|e| format!("cannot write {}: {e}", verilog.display()))?;
    let netlist = dir.join(format!("{}.netlist.v", design.top));
    let stat = dir.join("synth_stat.txt");
    // ABC maps for delay (and buffers high fan-out nets) against the
    // block's fastest clock; without a clock it maps for area.
    let clock_ps = load_sdc(root, &design.block)
        .ok()
        .and_then(|(_, sdc)| fastest_period(&sdc))
        .map(|p| format!("{p}"))
        .unwrap_or_default();
    let env = [
        ("KAIZEN_VERILOG", verilog.display().to_string()),
        ("KAIZEN_TOP", design.top.clone()),
        ("KAIZEN_LIBERTY", pdk.liberty().display().to_string()),
        ("KAIZEN_NETLIST", netlist.display().to_string()),
        ("KAIZEN_STAT", stat.display().to_string()),
        ("KAIZEN_FLOP", pdk.config.flop_legalize.clone()),
        ("KAIZEN_TIEHI", pdk.tie_high()),
        ("KAIZEN_TIELO", pdk.tie_low()),
        ("KAIZEN_CLOCK_PS", clock_ps),
    ];
    let script = root.join("scripts/yosys_synth.tcl").display().to_string();
    // Synthesis of a large block takes minutes: reuse the last netlist when
    // the design, the script and every setting are unchanged.
    let script_text =
        std::fs::read_to_string(&script).map_err(|e| format!("cannot read {script}: {e}"))?;
    let mut key = Sha256::new();
    key.update(design.verilog.as_bytes());
    key.update(script_text.as_bytes());
    for (k, v) in &env {
        key.update(format!("\0{k}={v}").as_bytes());
    }
    // The library itself, by size and modification time (it is large).
    if let Ok(m) = std::fs::metadata(pdk.liberty()) {
        key.update(format!("\0{}:{:?}", m.len(), m.modified().ok()).as_bytes());
    }
    let key = format!("{:x}", key.finalize());
    let key_file = dir.join("synth.key");
    let cached = netlist.exists()
        && stat.exists()
        && std::fs::read_to_string(&key_file).is_ok_and(|k| k == key);
    if !cached {
        let _ = std::fs::remove_file(&key_file);
        tool(
            "yosys",
            &["-q", "-c", &script],
            &env,
            &dir.join("synth.log"),
        )?;
        std::fs::write(&key_file, &key)
            .map_err(|e| format!("cannot write {}: {e}", key_file.display()))?;
    }
    let text = std::fs::read_to_string(&stat)
        .map_err(|e| format!("cannot read {}: {e}", stat.display()))?;
    let cells = parse_yosys_stat(&text).map_err(|e| format!("{}: {e}", stat.display()))?;
    Ok(Synthesis { netlist, cells })
}

/// OpenSTA on the synthesised netlist with the block's SDC.
pub fn sta(
    root: &Path,
    design: &Design,
    pdk: &Pdk,
    netlist: &Path,
) -> Result<TimingReport, String> {
    let dir = work_dir(root, design, pdk)?;
    let netlist = sta_netlist(netlist)?;
    let env = [
        ("KAIZEN_LIBERTY", pdk.liberty().display().to_string()),
        (
            "KAIZEN_BOUNDARY_LIBERTY",
            pdk.boundary_liberty().display().to_string(),
        ),
        ("KAIZEN_NETLIST", netlist.display().to_string()),
        ("KAIZEN_TOP", design.top.clone()),
        (
            "KAIZEN_SDC",
            sdc_path(root, &design.block).display().to_string(),
        ),
    ];
    let script = root.join("scripts/sta.tcl").display().to_string();
    let log = dir.join("sta.txt");
    let text = tool("sta", &["-no_splash", "-exit", &script], &env, &log)?;
    parse_sta(&text).map_err(|e| format!("{}: {e}", log.display()))
}

/// The netlist OpenSTA reads: Yosys's, or beside it a copy with its
/// concatenated `assign` statements split (`netlist::split_concat_assigns`).
fn sta_netlist(netlist: &Path) -> Result<PathBuf, String> {
    let text = std::fs::read_to_string(netlist)
        .map_err(|e| format!("cannot read {}: {e}", netlist.display()))?;
    let Some(split) = crate::netlist::split_concat_assigns(&text) else {
        return Ok(netlist.to_path_buf());
    };
    let out = netlist.with_extension("sta.v");
    let tmp = netlist.with_extension("sta.v.tmp");
    std::fs::write(&tmp, split)
        .and_then(|()| std::fs::rename(&tmp, &out))
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(out)
}

/// Floorplan constraints of a block (`constraints/<block>.floorplan.json`).
#[derive(serde::Deserialize)]
struct Floorplan {
    utilization: f64,
    aspect_ratio: f64,
    inputs_side: String,
    outputs_side: String,
}

/// Writes the OpenROAD inputs and a `run.sh`; runs it when `openroad` is
/// installed. Returns the directory and whether it ran.
pub fn pnr(
    root: &Path,
    design: &Design,
    pdk: &Pdk,
    netlist: &Path,
) -> Result<(PathBuf, bool), String> {
    let dir = work_dir(root, design, pdk)?.join("pnr");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let fp_path = root
        .join("constraints")
        .join(format!("{}.floorplan.json", design.block));
    let fp: Floorplan = serde_json::from_str(
        &std::fs::read_to_string(&fp_path)
            .map_err(|e| format!("cannot read {}: {e}", fp_path.display()))?,
    )
    .map_err(|e| format!("{}: {e}", fp_path.display()))?;
    let sides = ["left", "right", "top", "bottom"];
    for side in [&fp.inputs_side, &fp.outputs_side] {
        if !sides.contains(&side.as_str()) {
            return Err(format!(
                "{}: side `{side}` is not one of {}",
                fp_path.display(),
                sides.join(", ")
            ));
        }
    }
    if !(1.0..=95.0).contains(&fp.utilization) || fp.aspect_ratio <= 0.0 {
        return Err(format!(
            "{}: utilization must be 1..=95 % and aspect_ratio positive",
            fp_path.display()
        ));
    }
    let pins = dir.join("pins.tcl");
    let pin_tcl = format!(
        "set_io_pin_constraint -direction input -region {}:*\nset_io_pin_constraint -direction output -region {}:*\n",
        fp.inputs_side, fp.outputs_side
    );
    std::fs::write(&pins, pin_tcl).map_err(|e| format!("cannot write {}: {e}", pins.display()))?;
    let vars = [
        ("KAIZEN_TECH_LEF", pdk.tech_lef().display().to_string()),
        ("KAIZEN_CELL_LEF", pdk.cell_lef().display().to_string()),
        ("KAIZEN_LIBERTY", pdk.liberty().display().to_string()),
        ("KAIZEN_NETLIST", netlist.display().to_string()),
        ("KAIZEN_TOP", design.top.clone()),
        (
            "KAIZEN_SDC",
            sdc_path(root, &design.block).display().to_string(),
        ),
        ("KAIZEN_UTILIZATION", fp.utilization.to_string()),
        ("KAIZEN_ASPECT", fp.aspect_ratio.to_string()),
        ("KAIZEN_PIN_CONSTRAINTS", pins.display().to_string()),
        ("KAIZEN_SITE", "gt2_6t".into()),
        ("KAIZEN_TAP_CELL", "gt2_6t_tap".into()),
        ("KAIZEN_OUT", dir.display().to_string()),
    ];
    let script = root.join("scripts/openroad_flow.tcl");
    let mut sh = String::from("#!/usr/bin/env bash\n# Generated by kaizen flow pnr: OpenROAD on this block.\nset -euo pipefail\n");
    for (k, v) in &vars {
        sh.push_str(&format!("export {k}='{v}'\n"));
    }
    sh.push_str(&format!("openroad -exit '{}'\n", script.display()));
    let run = dir.join("run.sh");
    std::fs::write(&run, sh).map_err(|e| format!("cannot write {}: {e}", run.display()))?;
    if Command::new("openroad").arg("-version").output().is_err() {
        return Ok((dir, false));
    }
    tool(
        "bash",
        &[&run.display().to_string()],
        &[],
        &dir.join("openroad.log"),
    )?;
    Ok((dir, true))
}

/// The period of the block's fastest clock, in ps.
pub fn fastest_period(sdc: &Sdc) -> Option<f64> {
    sdc.commands
        .iter()
        .filter(|c| c.name == "create_clock")
        .filter_map(|c| match c.flag_value("-period") {
            Some(sdc::Arg::Word(w)) => w.parse::<f64>().ok(),
            _ => None,
        })
        .reduce(f64::min)
}
