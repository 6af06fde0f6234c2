//! `kaizen cdc`: the structural clock-domain-crossing check
//! (`kaizen_flow::cdc`) on emitted blocks; `kaizen lint` runs it too.

use super::tools::require;
use super::Blocks;
use anyhow::{bail, Context};
use kaizen_flow::cdc::{check_file, port_domains, CdcReport};
use kaizen_flow::{run::load_sdc, run::sdc_path};
use kaizen_hdl::emit::Direction;
use std::collections::BTreeMap;
use std::path::Path;

/// The clock domain of each input port, from the block's SDC when it has
/// one.
pub fn input_domains(block: &str, inputs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let Ok(entry) = crate::catalog::active().find(block) else {
        return Ok(BTreeMap::new());
    };
    if !sdc_path(&entry.constraints, block).exists() {
        return Ok(BTreeMap::new());
    }
    let (_, sdc) = load_sdc(&entry.constraints, block).map_err(anyhow::Error::msg)?;
    Ok(port_domains(&sdc, inputs))
}

/// A temporary file for the Yosys JSON netlist.
pub fn netlist_file() -> anyhow::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .suffix(".json")
        .tempfile()
        .context("temporary netlist file")
}

fn check(verilog: &Path, block: &str, top: &str, inputs: &[String]) -> anyhow::Result<CdcReport> {
    let domains = input_domains(block, inputs)?;
    check_file(verilog, top, netlist_file()?.path(), &domains).map_err(anyhow::Error::msg)
}

pub fn run(blocks: &Blocks) -> anyhow::Result<()> {
    require("yosys")?;
    let dir = tempfile::tempdir().context("temporary directory")?;
    let mut failed = 0;
    let names = blocks.names()?;
    for name in &names {
        let e = crate::catalog::active()
            .find(name)
            .map_err(anyhow::Error::msg)?
            .emit()
            .map_err(anyhow::Error::msg)?;
        let file = dir.path().join(e.file_name());
        std::fs::write(&file, &e.verilog)
            .with_context(|| format!("cannot write {}", file.display()))?;
        let inputs: Vec<String> = e
            .ports
            .iter()
            .filter(|p| p.direction == Direction::Input)
            .map(|p| p.name.clone())
            .collect();
        let report = check(&file, name, &e.top_module, &inputs)?;
        let verdict = if report.violations.is_empty() {
            "clean"
        } else {
            "FAIL "
        };
        println!("{verdict}  {name:<16} {report}");
        for v in &report.violations {
            println!("    {v}");
        }
        failed += usize::from(!report.violations.is_empty());
    }
    if failed > 0 {
        bail!(
            "{failed} of {} blocks have clock-domain-crossing violations",
            names.len()
        );
    }
    Ok(())
}
