//! What the report reads: result records (`--json` of the sim and bench
//! commands) in a results directory, the QoR records in `build/qor`, the QoR
//! baseline, and the regression history. A file that is not what it should
//! be is an error naming it.

use crate::cli::results::Record;
use anyhow::Context;
use kaizen_flow::qor::{Baseline, Qor};
use std::path::Path;

pub const BASELINE: &str = "constraints/qor-baseline.json";

pub struct Source {
    /// As shown on the page (relative to the project root where possible).
    pub path: String,
    pub record: Record,
}

pub struct Inputs {
    /// In file-name order; a later record of the same run replaces an earlier one.
    pub results: Vec<Source>,
    /// Default-Vt, macro builds only (the QoR gate's flavour), by block name.
    pub qor: Vec<Qor>,
    pub qor_paths: Vec<String>,
    pub baseline: Option<Baseline>,
    pub history: Vec<serde_json::Value>,
}

impl Inputs {
    pub fn of_kind(&self, kind: &str) -> Vec<&Source> {
        self.results
            .iter()
            .filter(|s| s.record.kind == kind)
            .collect()
    }
}

fn shown(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

fn json_files(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(vec![]);
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}: not {what}: {e}", path.display(), e.line().max(1)))
}

pub fn read(root: &Path, results: &Path) -> anyhow::Result<Inputs> {
    let mut sources = vec![];
    for f in json_files(results)? {
        sources.push(Source {
            path: shown(root, &f),
            record: parse(&f, "a result record (`--json` of a sim or bench command)")?,
        });
    }
    let (mut qor, mut qor_paths) = (vec![], vec![]);
    for f in json_files(&root.join("build/qor"))? {
        // `<block>.json` only: `<block>.<vt>.json` and `.flops.json` are
        // other flavours than the gate's.
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem.contains('.') {
            continue;
        }
        // Records written by an older kaizen are build leftovers, not input
        // to refuse: say so and leave them out.
        match parse::<Qor>(&f, "a QoR record of this kaizen version") {
            Ok(q) => {
                qor.push(q);
                qor_paths.push(shown(root, &f));
            }
            Err(e) => eprintln!("report: left out: {e} (run kaizen flow sta again)"),
        }
    }
    let baseline_path = root.join(BASELINE);
    let baseline = if baseline_path.exists() {
        Some(parse(&baseline_path, "a QoR baseline")?)
    } else {
        None
    };
    let history_path = root.join(crate::cli::regress::HISTORY);
    let mut history = vec![];
    if let Ok(text) = std::fs::read_to_string(&history_path) {
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            history.push(serde_json::from_str(line).map_err(|e| {
                anyhow::anyhow!(
                    "{}:{}: not a history line: {e}",
                    history_path.display(),
                    i + 1
                )
            })?);
        }
    }
    Ok(Inputs {
        results: sources,
        qor,
        qor_paths,
        baseline,
        history,
    })
}
