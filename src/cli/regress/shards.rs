//! Running a regression's cases: one case (replay), one shard in this
//! process (what a job runs), or all shards through an engine, then the
//! merge into a summary, JUnit and an exit status.

use super::{engine, Regression, Sharding};
use crate::cli::files::write_atomically as write_atomic;
use crate::cli::progress::Progress;
use anyhow::{bail, Context};
use kaizen_sim::regression::{self, junit_xml, shard_cases, ShardResult, Summary};
use std::path::{Path, PathBuf};

/// A case's line starts with one of these (the engines count them in logs).
pub const PASS_MARK: &str = "ok   case ";
pub const FAIL_MARK: &str = "FAIL case ";

pub fn run(reg: &mut dyn Regression, s: &Sharding) -> anyhow::Result<()> {
    if s.shards == 0 {
        bail!("--shards must be at least 1");
    }
    let total = reg.cases();
    if let Some(k) = s.case {
        if k >= total {
            bail!(
                "--case {k}: this regression has cases 0 to {}",
                total.saturating_sub(1)
            );
        }
        reg.prepare()?;
        let c = reg.run_case(k);
        println!("{}", line(reg, &c));
        if let Some(f) = c.failure {
            bail!("case {k} failed: {f}");
        }
        return Ok(());
    }
    let out = s
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("build/regress").join(reg.name()));
    if let Some(i) = s.shard {
        if i >= s.shards {
            bail!("--shard {i}: shards are numbered 0 to {}", s.shards - 1);
        }
        return run_shard(reg, s.shards, i, &out);
    }
    clear_results(&out)?;
    reg.prepare()?;
    if s.shards == 1 && s.engine == crate::cli::Engine::Local {
        // Nothing to spread: run it here, with the progress bar on its cases.
        run_shard(reg, 1, 0, &out).ok();
    } else {
        engine::run_shards(reg, s, &out)?;
    }
    collect_and_report(&out)
}

fn line(reg: &dyn Regression, c: &regression::CaseResult) -> String {
    let mark = if c.passed { PASS_MARK } else { FAIL_MARK };
    format!("{mark}{:>4}: {}", c.index, reg.describe(c))
}

/// Runs shard `i` of `n` here and writes `shard-<i>.json` and `.xml` in
/// `out`; an error if a case failed (so a job's state shows it).
fn run_shard(reg: &mut dyn Regression, n: u64, i: u64, out: &Path) -> anyhow::Result<()> {
    let total = reg.cases();
    let mine: Vec<u64> = shard_cases(total, n, i).collect();
    let what = if n == 1 {
        format!("regress {}", reg.name())
    } else {
        format!("regress {} shard {i}/{n}", reg.name())
    };
    let mut progress = Progress::new(&what, "cases", mine.len() as u64);
    let mut cases = vec![];
    for k in mine {
        let c = reg.run_case(k);
        progress.println(&line(reg, &c));
        progress.inc(!c.passed);
        cases.push(c);
    }
    progress.finish();
    let failed = cases.iter().filter(|c| !c.passed).count();
    let result = ShardResult {
        regression: reg.name().to_string(),
        command: reg.command(),
        cases_total: total,
        shards: n,
        shard: i,
        cases,
    };
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = serde_json::to_string_pretty(&result)? + "\n";
    write_atomic(&out.join(format!("shard-{i}.json")), json.as_bytes())?;
    let xml = junit_xml(&result.regression, &result.command, &result.cases);
    write_atomic(&out.join(format!("shard-{i}.xml")), xml.as_bytes())?;
    if failed > 0 {
        bail!("shard {i} of {n}: {failed} case(s) failed");
    }
    Ok(())
}

/// Old results in `out` would be merged with the new ones: remove them.
fn clear_results(out: &Path) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("shard-") || ["summary.json", "junit.xml"].contains(&name.as_str()) {
            std::fs::remove_file(e.path())
                .with_context(|| format!("removing the old result {}", e.path().display()))?;
        }
    }
    Ok(())
}

/// `kaizen regress collect DIR`: merge, write `summary.json` and
/// `junit.xml` there, print the failures with their replay commands.
pub fn collect_and_report(dir: &Path) -> anyhow::Result<()> {
    let summary: Summary = regression::collect(dir).map_err(anyhow::Error::msg)?;
    let json = serde_json::to_string_pretty(&summary)? + "\n";
    write_atomic(&dir.join("summary.json"), json.as_bytes())?;
    let xml = junit_xml(&summary.regression, &summary.command, &summary.cases);
    write_atomic(&dir.join("junit.xml"), xml.as_bytes())?;
    for c in summary.cases.iter().filter(|c| !c.passed) {
        let first = c
            .failure
            .as_deref()
            .and_then(|f| f.lines().next())
            .unwrap_or("failed");
        println!("FAILED case {} ({}): {first}", c.index, c.name);
        println!("  replay: {}", summary.replay_command(c.index));
    }
    let seconds: f64 = summary.cases.iter().map(|c| c.seconds).sum();
    append_history(&summary, seconds)?;
    println!(
        "regress {}: {} cases in {} shard(s): {} passed, {} failed ({:.0} s of simulation); {} and {}",
        summary.regression,
        summary.cases.len(),
        summary.shards,
        summary.passed,
        summary.failed,
        seconds,
        dir.join("summary.json").display(),
        dir.join("junit.xml").display()
    );
    if summary.failed > 0 {
        bail!("{} of {} cases failed", summary.failed, summary.cases.len());
    }
    Ok(())
}

/// One line per collected regression in `build/regress/history.jsonl`
/// (what `kaizen report` plots over time).
fn append_history(summary: &Summary, seconds: f64) -> anyhow::Result<()> {
    use std::io::Write;
    let path = kaizen_flow::project_root().join(HISTORY);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let when = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let line = serde_json::json!({
        "regression": summary.regression,
        "command": summary.command.join(" "),
        "shards": summary.shards,
        "cases": summary.cases.len(),
        "passed": summary.passed,
        "failed": summary.failed,
        "seconds": seconds,
        "unix_time": when,
    });
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    writeln!(f, "{line}").with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Where collected regressions are logged, under the project root.
pub const HISTORY: &str = "build/regress/history.jsonl";
