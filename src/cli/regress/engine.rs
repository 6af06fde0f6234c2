//! Where shards run: as processes of this `kaizen` on this machine, or as
//! one Slurm job array. Either way each shard is `kaizen <regression>
//! --shards N --shard I --out DIR`, its output in `DIR/shard-I.log`, and
//! progress is read from those logs.

use super::shards::{FAIL_MARK, PASS_MARK};
use super::{Engine, Regression, Sharding};
use crate::cli::progress::Progress;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn run_shards(reg: &dyn Regression, s: &Sharding, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    // Jobs may start elsewhere (a Slurm node's working directory): absolute paths.
    let out = std::fs::canonicalize(out)?;
    let exe = std::env::current_exe().context("finding this kaizen executable")?;
    let shard_args = |i: &str| -> Vec<String> {
        let mut a = reg.command();
        a.extend([
            "--shards".into(),
            s.shards.to_string(),
            "--shard".into(),
            i.to_string(),
            "--out".into(),
            out.display().to_string(),
            "--quiet".into(),
        ]);
        a
    };
    let mut progress = Progress::new(
        &format!("regress {} ({} shards)", reg.name(), s.shards),
        "cases",
        reg.cases(),
        s.quiet,
    );
    let logs: Vec<PathBuf> = (0..s.shards)
        .map(|i| out.join(format!("shard-{i}.log")))
        .collect();
    match s.engine {
        Engine::Local => run_local(&exe, &shard_args, s.shards, &logs, &mut progress)?,
        Engine::Slurm => run_slurm(
            &exe,
            &shard_args("$SLURM_ARRAY_TASK_ID"),
            reg.name(),
            s.shards,
            &out,
            &logs,
            &mut progress,
        )?,
    }
    let (done, failed) = count_cases(&logs);
    progress.set(done, failed);
    progress.finish();
    Ok(())
}

/// Shards as child processes, one per core at a time (`KAIZEN_JOBS`).
fn run_local(
    exe: &Path,
    shard_args: &dyn Fn(&str) -> Vec<String>,
    shards: u64,
    logs: &[PathBuf],
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let jobs = crate::cli::flow::jobs(shards as usize);
    let mut next = 0u64;
    let mut running: Vec<Child> = vec![];
    loop {
        while running.len() < jobs && next < shards {
            let log = std::fs::File::create(&logs[next as usize])
                .with_context(|| format!("creating {}", logs[next as usize].display()))?;
            let child = Command::new(exe)
                .args(shard_args(&next.to_string()))
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .with_context(|| format!("starting shard {next}"))?;
            running.push(child);
            next += 1;
        }
        // A failing shard still writes its result; collect judges it.
        running.retain_mut(|c| matches!(c.try_wait(), Ok(None)));
        let (done, failed) = count_cases(logs);
        progress.set(done, failed);
        if running.is_empty() && next == shards {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One job array, `sbatch --wait`, its tasks' output in the shard logs.
fn run_slurm(
    exe: &Path,
    args: &[String],
    name: &str,
    shards: u64,
    out: &Path,
    logs: &[PathBuf],
    progress: &mut Progress,
) -> anyhow::Result<()> {
    if crate::cli::tools::missing("sbatch") {
        bail!(
            "`sbatch` is not installed: --engine slurm needs a Slurm cluster \
             (scripts/slurm_cluster.sh start runs a one-node one on this machine)"
        );
    }
    let mut script =
        String::from("#!/bin/sh\n# Written by kaizen: one shard per array task.\nexec");
    for w in std::iter::once(exe.display().to_string()).chain(args.iter().cloned()) {
        // The task id is the one word the shell must expand.
        if w == "$SLURM_ARRAY_TASK_ID" {
            script.push_str(" \"$SLURM_ARRAY_TASK_ID\"");
        } else {
            script.push_str(&format!(" '{}'", w.replace('\'', r"'\''")));
        }
    }
    script.push('\n');
    let job = out.join("job.sh");
    crate::cli::files::write_atomically(&job, script.as_bytes())?;
    let cwd = std::env::current_dir()?;
    let mut sbatch = Command::new("sbatch")
        .arg("--parsable")
        .arg("--wait")
        .arg(format!("--array=0-{}", shards - 1))
        .arg(format!("--job-name=kaizen-regress-{name}"))
        .arg(format!("--output={}/shard-%a.log", out.display()))
        .arg(format!("--chdir={}", cwd.display()))
        .arg(&job)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting sbatch")?;
    let status = loop {
        if let Some(st) = sbatch.try_wait()? {
            break st;
        }
        let (done, failed) = count_cases(logs);
        progress.set(done, failed);
        std::thread::sleep(Duration::from_millis(500));
    };
    let output = sbatch.wait_with_output()?;
    let results = (0..shards).any(|i| out.join(format!("shard-{i}.json")).exists());
    if !status.success() && !results {
        bail!(
            "sbatch failed ({status}) and no shard wrote a result: {}{}",
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let id = String::from_utf8_lossy(&output.stdout).trim().to_string();
    progress.println(&format!(
        "slurm job {id}: {shards} array task(s) ended ({status})"
    ));
    Ok(())
}

/// Cases finished and failed so far, from the shards' logs.
fn count_cases(logs: &[PathBuf]) -> (u64, u64) {
    let (mut done, mut failed) = (0, 0);
    for log in logs {
        let Ok(text) = std::fs::read_to_string(log) else {
            continue;
        };
        for l in text.lines() {
            if l.starts_with(PASS_MARK) {
                done += 1;
            } else if l.starts_with(FAIL_MARK) {
                done += 1;
                failed += 1;
            }
        }
    }
    (done, failed)
}
