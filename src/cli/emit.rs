//! `kaizen emit`: Verilog files plus `manifest.json`.

use super::files::{create_dir, write_atomically};
use anyhow::Context;
use clap::Args;
use kaizen_hdl::emit::Emitted;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct EmitArgs {
    #[command(flatten)]
    blocks: super::Blocks,
    /// Output directory.
    #[arg(long, default_value = super::DEFAULT_VERILOG_DIR)]
    out: PathBuf,
}

pub const MANIFEST: &str = "manifest.json";

pub fn run(args: EmitArgs) -> anyhow::Result<()> {
    // Generate everything before writing anything.
    let mut emitted = vec![];
    for name in &args.blocks.names()? {
        let entry = crate::catalog::active()
            .find(name)
            .map_err(anyhow::Error::msg)?;
        emitted.push(entry.emit().map_err(anyhow::Error::msg)?);
    }
    write_emitted(&args.out, &emitted)?;
    for e in &emitted {
        println!("{}  {}", e.sha256, args.out.join(e.file_name()).display());
    }
    println!("manifest: {}", args.out.join(MANIFEST).display());
    Ok(())
}

/// Writes the Verilog and merges the blocks into the directory's manifest
/// (blocks emitted earlier stay listed while their file is there).
pub fn write_emitted(dir: &Path, emitted: &[Emitted]) -> anyhow::Result<()> {
    create_dir(dir)?;
    for e in emitted {
        write_atomically(&dir.join(e.file_name()), e.verilog.as_bytes())?;
    }
    let manifest_path = dir.join(MANIFEST);
    let mut blocks: Vec<serde_json::Value> = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("blocks").and_then(|b| b.as_array()).cloned())
            .unwrap_or_default(),
        Err(_) => vec![],
    };
    blocks.retain(|b| {
        let name = b.get("block").and_then(|n| n.as_str()).unwrap_or_default();
        let file = b
            .get("top_module")
            .and_then(|n| n.as_str())
            .map(|m| dir.join(format!("{m}.v")));
        !emitted.iter().any(|e| e.block == name) && file.is_some_and(|f| f.exists())
    });
    for e in emitted {
        blocks.push(serde_json::to_value(e).context("manifest")?);
    }
    blocks.sort_by(|a, b| a["block"].as_str().cmp(&b["block"].as_str()));
    let manifest = serde_json::json!({ "generator": "kaizen", "blocks": blocks });
    let text = serde_json::to_string_pretty(&manifest).context("manifest")? + "\n";
    write_atomically(&manifest_path, text.as_bytes())
}
