//! Kaizen commands as one Slurm job array: task `i` runs this `kaizen`
//! executable with the i-th argument list, its output in
//! `<dir>/<prefix>-<i>.log` and its exit status in `<dir>/<prefix>-<i>.status`.
//! `sbatch --wait` blocks until every task ended; the caller polls the logs
//! meanwhile (progress).

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

pub struct ArrayJob<'a> {
    /// Slurm job name: `kaizen-<name>`.
    pub name: &'a str,
    /// Where the script, logs and status files go (absolute: tasks may run
    /// in another working directory).
    pub dir: &'a Path,
    /// File names' prefix: `shard` gives `shard-3.log`.
    pub prefix: &'a str,
    /// `kaizen` arguments per task.
    pub tasks: Vec<Vec<String>>,
}

impl ArrayJob<'_> {
    pub fn log(&self, i: usize) -> PathBuf {
        self.dir.join(format!("{}-{i}.log", self.prefix))
    }

    fn status_file(&self, i: usize) -> PathBuf {
        self.dir.join(format!("{}-{i}.status", self.prefix))
    }

    /// Submits the array, waits for it (calling `poll` twice a second with
    /// what the queue says of it, e.g. `slurm job 12: 2 running, 2 pending
    /// (Resources)`), and returns each task's exit status (`None`: the task
    /// never ran to its end).
    pub fn run(&self, mut poll: impl FnMut(&str)) -> anyhow::Result<Vec<Option<i32>>> {
        if crate::cli::tools::missing("sbatch") {
            bail!(
                "`sbatch` is not installed: --engine slurm needs a Slurm cluster \
                 (scripts/slurm_cluster.sh start runs a one-node one on this machine)"
            );
        }
        if self.tasks.is_empty() {
            return Ok(vec![]);
        }
        std::fs::create_dir_all(self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        for i in 0..self.tasks.len() {
            let _ = std::fs::remove_file(self.status_file(i));
        }
        let exe = std::env::current_exe().context("finding this kaizen executable")?;
        let script = self.dir.join("job.sh");
        crate::cli::files::write_atomically(&script, self.script(&exe).as_bytes())?;
        let mut sbatch = Command::new("sbatch")
            .arg("--parsable")
            .arg("--wait")
            .arg(format!("--array=0-{}", self.tasks.len() - 1))
            .arg(format!("--job-name=kaizen-{}", self.name))
            .arg(format!(
                "--output={}/{}-%a.log",
                self.dir.display(),
                self.prefix
            ))
            .arg(format!("--chdir={}", std::env::current_dir()?.display()))
            .arg(&script)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting sbatch")?;
        // sbatch prints the job id when the job is queued, long before it
        // ends: read it as it comes, to ask the queue about the job.
        let stdout = sbatch.stdout.take().context("sbatch's output")?;
        let (id_tx, id_rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            use std::io::BufRead;
            let mut all = String::new();
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if all.is_empty() {
                    let _ = id_tx.send(line.split(';').next().unwrap_or("").trim().to_string());
                }
                all += &line;
                all.push('\n');
            }
            all
        });
        let mut job_id = None;
        let mut queue = String::new();
        let mut asked: Option<std::time::Instant> = None;
        let status = loop {
            if let Some(st) = sbatch.try_wait()? {
                break st;
            }
            if job_id.is_none() {
                job_id = id_rx.try_recv().ok().filter(|id| !id.is_empty());
            }
            if let Some(id) = &job_id {
                if asked.is_none_or(|t| t.elapsed() >= QUEUE_POLL) {
                    asked = Some(std::time::Instant::now());
                    queue = queue_summary(id);
                }
            }
            poll(&queue);
            std::thread::sleep(Duration::from_millis(500));
        };
        let mut stderr = String::new();
        if let Some(mut e) = sbatch.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut stderr);
        }
        let stdout = reader.join().unwrap_or_default();
        let statuses: Vec<Option<i32>> = (0..self.tasks.len())
            .map(|i| {
                std::fs::read_to_string(self.status_file(i))
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
            })
            .collect();
        if !status.success() && statuses.iter().all(Option::is_none) {
            bail!(
                "sbatch failed ({status}) and no task ran: {} {}",
                stdout.trim(),
                stderr.trim()
            );
        }
        eprintln!(
            "slurm job {}: {} array task(s) ended",
            stdout.trim(),
            self.tasks.len()
        );
        Ok(statuses)
    }

    /// A POSIX shell script: a `case` on the task id picks the arguments.
    fn script(&self, exe: &Path) -> String {
        let mut s = String::from(
            "#!/bin/sh\n# Written by kaizen: array task i runs the i-th command.\ncase \"$SLURM_ARRAY_TASK_ID\" in\n",
        );
        for (i, args) in self.tasks.iter().enumerate() {
            let words: Vec<String> = std::iter::once(exe.display().to_string())
                .chain(args.iter().cloned())
                .map(|w| quote(&w))
                .collect();
            s += &format!("  {i}) {} ;;\n", words.join(" "));
        }
        s += "  *) echo \"no task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\nesac\nstatus=$?\n";
        s += &format!(
            "echo \"$status\" > {}\"$SLURM_ARRAY_TASK_ID\".status\nexit \"$status\"\n",
            quote(&format!("{}/{}-", self.dir.display(), self.prefix))
        );
        s
    }
}

/// How often the queue is asked about a waiting job.
const QUEUE_POLL: Duration = Duration::from_secs(5);

/// What `squeue` says of a job's tasks: `slurm job 12: 2 running, 2 pending
/// (Resources)`; empty once the job has left the queue or if squeue fails.
fn queue_summary(job: &str) -> String {
    let Ok(out) = Command::new("squeue")
        .args(["-h", "-r", "-j", job, "-o", "%t|%r"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    else {
        return String::new();
    };
    summarise_queue(job, &String::from_utf8_lossy(&out.stdout))
}

/// `squeue -o "%t|%r"` lines (state code, reason) as one phrase.
fn summarise_queue(job: &str, squeue: &str) -> String {
    let mut running = 0;
    let mut pending = 0;
    let mut other = 0;
    let mut reasons = std::collections::BTreeSet::new();
    for line in squeue.lines().filter(|l| !l.trim().is_empty()) {
        let (state, reason) = line.split_once('|').unwrap_or((line, ""));
        match state.trim() {
            "R" | "CG" => running += 1,
            "PD" => {
                pending += 1;
                let reason = reason.trim();
                if !reason.is_empty() && reason != "None" {
                    reasons.insert(reason.to_string());
                }
            }
            _ => other += 1,
        }
    }
    if running + pending + other == 0 {
        return String::new();
    }
    let mut parts = vec![];
    if running > 0 {
        parts.push(format!("{running} running"));
    }
    if pending > 0 {
        let why = if reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", reasons.into_iter().collect::<Vec<_>>().join(", "))
        };
        parts.push(format!("{pending} pending{why}"));
    }
    if other > 0 {
        parts.push(format!("{other} other"));
    }
    format!("slurm job {job}: {}", parts.join(", "))
}

fn quote(w: &str) -> String {
    format!("'{}'", w.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_says_what_runs_and_why_the_rest_waits() {
        let q = "R|None\nR|None\nPD|Resources\nPD|Priority\n";
        assert_eq!(
            summarise_queue("12", q),
            "slurm job 12: 2 running, 2 pending (Priority, Resources)"
        );
        // A drained node: nothing can start, and the user is told why.
        assert_eq!(
            summarise_queue("7", "PD|ReqNodeNotAvail, UnavailableNodes:vm\n"),
            "slurm job 7: 1 pending (ReqNodeNotAvail, UnavailableNodes:vm)"
        );
        assert_eq!(summarise_queue("7", ""), "");
    }

    #[test]
    fn the_script_maps_each_task_to_its_arguments() {
        let job = ArrayJob {
            name: "t",
            dir: Path::new("/out dir"),
            prefix: "shard",
            tasks: vec![
                vec!["regress".into(), "memctl".into()],
                vec!["flow".into(), "it's".into()],
            ],
        };
        let s = job.script(Path::new("/bin/kaizen"));
        assert!(
            s.contains("  0) '/bin/kaizen' 'regress' 'memctl' ;;"),
            "{s}"
        );
        assert!(s.contains(r"  1) '/bin/kaizen' 'flow' 'it'\''s' ;;"), "{s}");
        assert!(
            s.contains(r#"echo "$status" > '/out dir/shard-'"$SLURM_ARRAY_TASK_ID".status"#),
            "{s}"
        );
        assert_eq!(job.log(1), Path::new("/out dir/shard-1.log"));
    }
}
