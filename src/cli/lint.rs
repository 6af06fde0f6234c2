//! `kaizen lint`: Verilator `-Wall` and Yosys structural checks on emitted
//! Verilog, Kaizen's own rule that chip Verilog has no `initial` blocks, and
//! the clock-domain-crossing check (`kaizen cdc`). Waivers live in
//! `hdl/lint/`, each with its reason.

use super::emit::MANIFEST;
use super::progress::{Progress, Ticking};
use super::tools::require;
use anyhow::{bail, Context};
use kaizen_flow::cdc;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use kaizen_hdl::VERILATOR_CONFIG as VERILATOR_WAIVERS;
const YOSYS_WAIVERS: &str = include_str!("../../hdl/lint/yosys_waivers.txt");

/// An emitted block as the manifest lists it.
pub struct ManifestBlock {
    pub block: String,
    pub top: String,
    pub inputs: Vec<String>,
}

/// Emitted blocks listed in a directory's manifest.
pub fn manifest_blocks(dir: &Path) -> anyhow::Result<Vec<ManifestBlock>> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}; run `kaizen emit --all --out {}` first",
            path.display(),
            dir.display()
        )
    })?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid JSON", path.display()))?;
    let blocks = json["blocks"]
        .as_array()
        .with_context(|| format!("{}: no `blocks` list", path.display()))?;
    blocks
        .iter()
        .map(|b| match (b["block"].as_str(), b["top_module"].as_str()) {
            (Some(n), Some(t)) => Ok(ManifestBlock {
                block: n.to_string(),
                top: t.to_string(),
                inputs: b["ports"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["direction"] == "input")
                    .filter_map(|p| p["name"].as_str().map(String::from))
                    .collect(),
            }),
            _ => bail!(
                "{}: a block entry lacks `block` or `top_module`",
                path.display()
            ),
        })
        .collect()
}

/// A user's project's own Verilator waivers, beside Kaizen's.
pub const PROJECT_WAIVERS: &str = "lint/verilator.vlt";

/// Every `lint_off` of a Verilator configuration must follow a comment
/// line giving its reason.
fn check_verilator_reasons(file: &str, text: &str) -> anyhow::Result<()> {
    let mut previous = "";
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("lint_off") && !previous.starts_with("//") {
            bail!(
                "{file}:{}: waiver without a reason on the line above",
                n + 1
            );
        }
        previous = line;
    }
    Ok(())
}

/// Kaizen's Verilator configuration, followed by the project's
/// `lint/verilator.vlt` when a user's project has one.
fn verilator_config() -> anyhow::Result<String> {
    let mut text = VERILATOR_WAIVERS.to_string();
    let project = kaizen_flow::project_root();
    let file = project.join(PROJECT_WAIVERS);
    if project != kaizen_flow::kaizen_root() && file.is_file() {
        let own = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        check_verilator_reasons(&file.display().to_string(), &own)?;
        text += "\n";
        text += &own.replace("`verilator_config", "");
    }
    Ok(text)
}

/// Every waiver, Kaizen's and the project's, carries its reason.
fn check_waivers_have_reasons() -> anyhow::Result<()> {
    check_verilator_reasons("hdl/lint/verilator.vlt", VERILATOR_WAIVERS)?;
    for (n, line) in YOSYS_WAIVERS.lines().enumerate() {
        let line = line.trim();
        if !line.is_empty()
            && !line.starts_with('#')
            && line
                .split_once(" | ")
                .is_none_or(|(_, why)| why.trim().is_empty())
        {
            bail!(
                "hdl/lint/yosys_waivers.txt:{}: expected `warning text | reason`",
                n + 1
            );
        }
    }
    Ok(())
}

fn yosys_waived(warning: &str) -> bool {
    YOSYS_WAIVERS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" | "))
        .any(|(text, _)| warning.contains(text.trim()))
}

/// Problems found in one file (empty when clean), and its clock domains.
fn lint_file(b: &ManifestBlock, file: &Path, vlt: &Path) -> anyhow::Result<(Vec<String>, usize)> {
    let top = b.top.as_str();
    let mut problems = vec![];
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("initial") {
            problems.push(format!(
                "{}:{}: `initial` block (ignored by chip synthesis; use a reset)",
                file.display(),
                n + 1
            ));
        }
    }
    // A full verilation, not `--lint-only`: combinational loops (UNOPTFLAT)
    // show only when Verilator orders the logic as a model build does.
    // `-Wno-fatal` lets every pass run, so every warning is listed.
    let obj = tempfile::tempdir().context("temporary Verilator output directory")?;
    let out = Command::new("verilator")
        .args(["--cc", "-Wall", "-Wno-fatal", "--top-module", top])
        .arg("-Mdir")
        .arg(obj.path())
        .arg(vlt)
        .arg(file)
        .output()
        .context("running verilator")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    problems.extend(
        stderr
            .lines()
            .filter(|l| l.starts_with('%') && !l.starts_with("%Error: Exiting"))
            .map(|l| format!("verilator: {l}")),
    );
    if !out.status.success() && problems.is_empty() {
        problems.push(format!("verilator failed: {stderr}"));
    }
    // One Yosys run: structural check, then the netlist for the CDC check.
    let json = super::cdc::netlist_file()?;
    let script = cdc::yosys_script(file, top, "check -assert", json.path());
    let out = Command::new("yosys")
        .args(["-q", "-p", &script])
        .output()
        .context("running yosys")?;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    problems.extend(
        log.lines()
            .filter(|l| l.starts_with("Warning:") && !yosys_waived(l))
            .map(|l| format!("yosys: {l}")),
    );
    if !out.status.success() {
        problems.push(format!("yosys check failed:\n{}", log.trim()));
        return Ok((problems, 0));
    }
    let netlist = std::fs::read_to_string(json.path()).context("reading Yosys's netlist")?;
    let domains = super::cdc::input_domains(&b.block, &b.inputs)?;
    let report = cdc::analyse(&netlist, top, &domains).map_err(anyhow::Error::msg)?;
    problems.extend(report.violations.iter().map(|v| format!("cdc: {v}")));
    Ok((problems, report.domains.len()))
}

pub fn run(dir: &Path) -> anyhow::Result<()> {
    check_waivers_have_reasons()?;
    require("verilator")?;
    require("yosys")?;
    let mut blocks = manifest_blocks(dir)?;
    // Biggest first: the long runs start at once and the small ones fill in
    // beside them (a big block started last would run alone at the end).
    blocks.sort_by_key(|b| {
        std::cmp::Reverse(
            std::fs::metadata(dir.join(format!("{}.v", b.top))).map_or(0, |m| m.len()),
        )
    });
    let mut vlt = tempfile::Builder::new()
        .suffix(".vlt")
        .tempfile()
        .context("temporary waiver file")?;
    vlt.write_all(verilator_config()?.as_bytes())
        .context("temporary waiver file")?;
    // Blocks are independent: lint them on every core (`KAIZEN_JOBS`).
    let progress = Ticking::new(Progress::new("lint", "blocks", blocks.len() as u64));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicUsize::new(0);
    let first_error = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..super::flow::jobs(blocks.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(b) = blocks.get(i) else { break };
                let block = &b.block;
                let file = dir.join(format!("{}.v", b.top));
                match lint_file(b, &file, vlt.path()) {
                    Ok((problems, domains)) if problems.is_empty() => progress.done(
                        &format!(
                            "clean  {block:<16} (verilator -Wall, yosys check, no initial blocks, cdc: {domains} clock domain(s))"
                        ),
                        false,
                    ),
                    Ok((problems, _)) => {
                        failed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let mut text = format!("FAIL   {block}");
                        for p in problems {
                            text += &format!("\n    {p}");
                        }
                        progress.done(&text, true);
                    }
                    Err(e) => {
                        first_error.lock().unwrap().get_or_insert(e);
                        break;
                    }
                }
            });
        }
    });
    progress.finish();
    if let Some(e) = first_error.into_inner().unwrap() {
        return Err(e);
    }
    let failed = failed.into_inner();
    if failed > 0 {
        bail!("{failed} of {} blocks have lint problems", blocks.len());
    }
    Ok(())
}
