//! Running the tools: Yosys synthesis and OpenSTA timing of one block
//! (place and route is `crate::pnr`). Each step writes under
//! `build/flow/<block>/<vt>/` and fails with a message naming the tool.

#![deny(missing_docs)]

use crate::check::PortInfo;
use crate::fanout;
use crate::pdk::Pdk;
use crate::reports::{parse_sta, parse_yosys_stat, version_line, CellReport, TimingReport};
use crate::sdc::{self, Sdc};
use crate::sram::{self, SramMacro};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the flow needs of an emitted block.
pub struct Design {
    /// The block's name (its constraints' file stem).
    pub block: String,
    /// The top module.
    pub top: String,
    /// The emitted Verilog.
    pub verilog: String,
    /// Top-level ports (for the constraints check).
    pub ports: Vec<PortInfo>,
    /// SRAM macros the block instantiates (their models are in `verilog`).
    pub macros: Vec<SramMacro>,
    /// SRAMs as macros or flops.
    pub memories: Memories,
    /// The directory with the block's `<block>.sdc` and
    /// `<block>.floorplan.json` (Kaizen's `constraints/` for its own blocks,
    /// the user's project's for theirs).
    pub constraints: PathBuf,
}

/// How a block's SRAMs are built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Memories {
    /// Black boxes with generated abstracts (`crate::sram`).
    #[default]
    Macros,
    /// Their behavioural models synthesised to the kit's flops.
    Flops,
}

impl Design {
    /// `<constraints>/<block>.sdc`
    pub fn sdc_path(&self) -> PathBuf {
        sdc_path(&self.constraints, &self.block)
    }
    /// `<constraints>/<block>.floorplan.json`
    pub fn floorplan_path(&self) -> PathBuf {
        self.constraints
            .join(format!("{}.floorplan.json", self.block))
    }
    /// The macros as the flow sees them: none when built with flops.
    fn black_boxes(&self) -> &[SramMacro] {
        match self.memories {
            Memories::Macros => &self.macros,
            Memories::Flops => &[],
        }
    }
}

/// `<constraints>/<block>.sdc`
pub fn sdc_path(constraints: &Path, block: &str) -> PathBuf {
    constraints.join(format!("{block}.sdc"))
}

/// Reads and parses the block's SDC file in the `constraints` directory.
pub fn load_sdc(constraints: &Path, block: &str) -> Result<(PathBuf, Sdc), String> {
    let path = sdc_path(constraints, block);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let sdc = sdc::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    Ok((path, sdc))
}

pub(crate) fn work_dir(root: &Path, design: &Design, pdk: &Pdk) -> Result<PathBuf, String> {
    let variant = match design.memories {
        Memories::Macros => pdk.vt.clone(),
        Memories::Flops => format!("{}-flops", pdk.vt),
    };
    let dir = root.join("build/flow").join(&design.block).join(variant);
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

/// The first line of `name flag`'s output (empty when it does not run).
pub fn tool_version(name: &str, flag: &str) -> String {
    Command::new(name)
        .arg(flag)
        .output()
        .map(|o| version_line(&String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default()
}

/// A synthesised block.
pub struct Synthesis {
    /// The netlist the later steps read (fan-out repaired).
    pub netlist: PathBuf,
    /// SHA-256 of `netlist`: what a later step's results were made from.
    pub netlist_sha256: String,
    /// Standard cells only.
    pub cells: CellReport,
    /// Macro instances by macro, with each one's area.
    pub macros: Vec<(SramMacro, u64, f64)>,
    /// Liberty abstracts of the macros, for STA.
    pub macro_liberties: Vec<PathBuf>,
}

/// Writes the abstracts of the design's black-box macros into its work
/// directory.
pub(crate) fn macro_abstracts(
    dir: &Path,
    design: &Design,
    pdk: &Pdk,
) -> Result<Vec<sram::MacroFiles>, String> {
    design
        .black_boxes()
        .iter()
        .map(|m| sram::write_abstracts(m, pdk, &dir.join("macros")))
        .collect()
}

/// Yosys: emitted Verilog to a netlist of the kit's cells.
pub fn synth(root: &Path, design: &Design, pdk: &Pdk) -> Result<Synthesis, String> {
    let dir = work_dir(root, design, pdk)?;
    let verilog = dir.join(format!("{}.v", design.top));
    std::fs::write(&verilog, &design.verilog)
        .map_err(|e| format!("cannot write {}: {e}", verilog.display()))?;
    // Yosys's netlist, and the one the later steps read (fan-out repaired).
    let yosys_netlist = dir.join(format!("{}.yosys.v", design.top));
    let netlist = dir.join(format!("{}.netlist.v", design.top));
    let stat = dir.join("synth_stat.txt");
    let macro_libs: Vec<PathBuf> = macro_abstracts(&dir, design, pdk)?
        .into_iter()
        .map(|f| f.liberty)
        .collect();
    let join = |v: Vec<String>| v.join(" ");
    // ABC maps for delay (and buffers high fan-out nets) against the
    // block's fastest clock; without a clock it maps for area.
    let clock_ps = load_sdc(&design.constraints, &design.block)
        .ok()
        .and_then(|(_, sdc)| fastest_period(&sdc))
        .map(|p| format!("{p}"))
        .unwrap_or_default();
    let env = [
        ("KAIZEN_VERILOG", verilog.display().to_string()),
        ("KAIZEN_TOP", design.top.clone()),
        ("KAIZEN_LIBERTY", pdk.liberty().display().to_string()),
        ("KAIZEN_NETLIST", yosys_netlist.display().to_string()),
        ("KAIZEN_STAT", stat.display().to_string()),
        ("KAIZEN_FLOP", pdk.config.flop_legalize.clone()),
        ("KAIZEN_TIEHI", pdk.tie_high()),
        ("KAIZEN_TIELO", pdk.tie_low()),
        ("KAIZEN_CLOCK_PS", clock_ps),
        (
            "KAIZEN_MACRO_LIBERTY",
            join(macro_libs.iter().map(|p| p.display().to_string()).collect()),
        ),
        (
            "KAIZEN_MACRO_DEFINES",
            join(
                design
                    .black_boxes()
                    .iter()
                    .map(|m| format!("-DKAIZEN_MACRO_{}", m.name))
                    .collect(),
            ),
        ),
    ];
    let script = crate::kaizen_root()
        .join("scripts/yosys_synth.tcl")
        .display()
        .to_string();
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
    for lib in &macro_libs {
        key.update(std::fs::read(lib).map_err(|e| format!("cannot read {}: {e}", lib.display()))?);
    }
    // The library itself, by size and modification time (it is large).
    if let Ok(m) = std::fs::metadata(pdk.liberty()) {
        key.update(format!("\0{}:{:?}", m.len(), m.modified().ok()).as_bytes());
    }
    let key = format!("{:x}", key.finalize());
    let key_file = dir.join("synth.key");
    let cached = yosys_netlist.exists()
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
    let mut cells = parse_yosys_stat(&text).map_err(|e| format!("{}: {e}", stat.display()))?;
    // Macros are listed apart from the standard cells.
    let mut macros = vec![];
    for m in design.black_boxes() {
        let count = cells.cells.remove(&m.name).unwrap_or(0);
        let area = sram::model::physical(m, &pdk.config.sram).area_um2();
        cells.total_cells -= count;
        cells.area_um2 -= count as f64 * area;
        macros.push((m.clone(), count, area));
    }
    let (buffers, cell, area) = repair_fanout(&yosys_netlist, &netlist, pdk)?;
    if buffers > 0 {
        *cells.cells.entry(cell).or_default() += buffers as u64;
        cells.total_cells += buffers as u64;
        cells.area_um2 += buffers as f64 * area;
    }
    // What is left after taking the macros out, without rounding noise.
    cells.area_um2 = ((cells.area_um2 * 1e6).round() / 1e6).max(0.0);
    let netlist_sha256 = format!(
        "{:x}",
        Sha256::digest(
            std::fs::read(&netlist)
                .map_err(|e| format!("cannot read {}: {e}", netlist.display()))?
        )
    );
    Ok(Synthesis {
        netlist,
        netlist_sha256,
        cells,
        macros,
        macro_liberties: macro_libs,
    })
}

fn library_pins(pdk: &Pdk) -> Result<fanout::CellPins, String> {
    let path = pdk.liberty();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(fanout::read_liberty_pins(&text))
}

/// Writes `out`: `netlist` with buffer trees on its high-fan-out nets
/// (`fanout.rs`). Returns the number of buffers added, their cell and its
/// area.
fn repair_fanout(netlist: &Path, out: &Path, pdk: &Pdk) -> Result<(usize, String, f64), String> {
    let text = std::fs::read_to_string(netlist)
        .map_err(|e| format!("cannot read {}: {e}", netlist.display()))?;
    let buffer = pdk.fanout_buffer();
    let b: Vec<&str> = buffer.split_whitespace().collect();
    let [cell, input, output] = b[..] else {
        return Err(format!(
            "constraints/pdk.toml: fanout_buffer `{buffer}` must be `cell input output`"
        ));
    };
    let lib = library_pins(pdk)?;
    let area = *lib.area.get(cell).ok_or_else(|| {
        format!("constraints/pdk.toml: fanout_buffer `{cell}` is not in the library")
    })?;
    let ties: Vec<String> = [pdk.tie_high(), pdk.tie_low()]
        .iter()
        .filter_map(|t| t.split_whitespace().next().map(String::from))
        .collect();
    let repair = fanout::Repair {
        max_fanout: pdk.config.max_fanout.max(2),
        buffer: (cell, input, output),
        skip_pins: &pdk.config.fanout_skip_pins,
        skip_drivers: &ties,
    };
    let (repaired, count) = fanout::repair(&text, &lib, &repair).unwrap_or((text, 0));
    crate::write_file(out, &repaired)?;
    Ok((count, cell.to_string(), area))
}

/// OpenSTA on the synthesised netlist with the block's SDC.
pub fn sta(
    root: &Path,
    design: &Design,
    pdk: &Pdk,
    synthesis: &Synthesis,
) -> Result<TimingReport, String> {
    let dir = work_dir(root, design, pdk)?;
    let netlist = sta_netlist(&synthesis.netlist)?;
    let env = [
        ("KAIZEN_LIBERTY", pdk.liberty().display().to_string()),
        (
            "KAIZEN_BOUNDARY_LIBERTY",
            pdk.boundary_liberty().display().to_string(),
        ),
        ("KAIZEN_NETLIST", netlist.display().to_string()),
        ("KAIZEN_TOP", design.top.clone()),
        ("KAIZEN_SDC", design.sdc_path().display().to_string()),
        (
            "KAIZEN_MACRO_LIBERTY",
            synthesis
                .macro_liberties
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ),
    ];
    let script = crate::kaizen_root()
        .join("scripts/sta.tcl")
        .display()
        .to_string();
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
    crate::write_file(&out, &split)?;
    Ok(out)
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
