//! Progress of long work: a bar with rate and ETA on a terminal, plain
//! periodic lines elsewhere (CI logs), nothing with `--quiet`.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Seconds between plain progress lines; `KAIZEN_PROGRESS_INTERVAL`
/// overrides (a test sets it low).
const PLAIN_INTERVAL_SECS: f64 = 10.0;

/// `kaizen --quiet`: no progress display anywhere.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

pub struct Progress {
    what: String,
    unit: &'static str,
    total: u64,
    done: u64,
    failed: u64,
    started: Instant,
    mode: Mode,
    /// What the last plain line said (done, failed): the final line is not repeated.
    printed: std::cell::Cell<Option<(u64, u64)>>,
    /// Where the work waits, shown beside the count (see [`Progress::note`]).
    note: String,
}

enum Mode {
    Quiet,
    Bar(ProgressBar),
    Plain { every: Duration, last: Instant },
}

impl Progress {
    /// Progress of `total` `unit`s of `what` (`regress memctl`, `cases`).
    pub fn new(what: &str, unit: &'static str, total: u64) -> Self {
        let mode = if QUIET.load(std::sync::atomic::Ordering::Relaxed) {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} {msg} {per_sec} eta {eta}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar.set_prefix(what.to_string());
            bar.enable_steady_tick(Duration::from_millis(250));
            Mode::Bar(bar)
        } else {
            let every = std::env::var("KAIZEN_PROGRESS_INTERVAL")
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .unwrap_or(PLAIN_INTERVAL_SECS);
            Mode::Plain {
                every: Duration::from_secs_f64(every),
                last: Instant::now(),
            }
        };
        let p = Self {
            what: what.to_string(),
            unit,
            total,
            done: 0,
            failed: 0,
            started: Instant::now(),
            mode,
            printed: Default::default(),
            note: String::new(),
        };
        p.plain_line();
        p
    }

    /// A result line: above the bar on a terminal, as is elsewhere.
    pub fn println(&self, line: &str) {
        match &self.mode {
            Mode::Bar(bar) => bar.println(line),
            _ => println!("{line}"),
        }
    }

    /// A note shown beside the count (where the work waits: a Slurm queue);
    /// empty clears it.
    pub fn note(&mut self, note: &str) {
        if note == self.note {
            return;
        }
        self.note = note.to_string();
        if let Mode::Bar(bar) = &self.mode {
            bar.set_message(self.message());
        }
    }

    fn message(&self) -> String {
        let failed = (self.failed > 0).then(|| format!("({} failed)", self.failed));
        let note = (!self.note.is_empty()).then(|| format!("[{}]", self.note));
        [failed, note]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Progress so far, as counted by someone else (a shard's log).
    pub fn set(&mut self, done: u64, failed: u64) {
        if (done, failed) == (self.done, self.failed) {
            self.tick();
            return;
        }
        self.done = done.min(self.total);
        self.failed = failed;
        if let Mode::Bar(bar) = &self.mode {
            bar.set_position(self.done);
            bar.set_message(self.message());
        }
        self.tick();
    }

    pub fn inc(&mut self, failed: bool) {
        self.set(self.done + 1, self.failed + u64::from(failed));
    }

    /// Prints a plain line if the interval has passed.
    pub fn tick(&mut self) {
        if let Mode::Plain { every, last } = &mut self.mode {
            if last.elapsed() >= *every {
                *last = Instant::now();
                self.plain_line();
            }
        }
    }

    pub fn finish(self) {
        match &self.mode {
            Mode::Bar(bar) => bar.finish_and_clear(),
            Mode::Plain { .. } => {
                if self.printed.get() != Some((self.done, self.failed)) {
                    self.plain_line();
                }
            }
            Mode::Quiet => {}
        }
    }

    fn plain_line(&self) {
        if !matches!(self.mode, Mode::Plain { .. }) {
            return;
        }
        self.printed.set(Some((self.done, self.failed)));
        let secs = self.started.elapsed().as_secs_f64();
        let rate = self.done as f64 / secs.max(1e-9);
        let eta = if self.done == 0 || self.done >= self.total {
            String::new()
        } else {
            format!(
                ", eta {}",
                human_seconds((self.total - self.done) as f64 / rate)
            )
        };
        let mut failed = if self.failed > 0 {
            format!(" ({} failed)", self.failed)
        } else {
            String::new()
        };
        if !self.note.is_empty() {
            failed += &format!(" [{}]", self.note);
        }
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        eprintln!(
            "progress: {} {}/{}{unit}{failed}, {} elapsed{eta}",
            self.what,
            self.done,
            self.total,
            human_seconds(secs)
        );
    }
}

fn human_seconds(s: f64) -> String {
    if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5400.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// Shows the library's progress reports (`kaizen_sim::progress`: model
/// builds, long simulations) as bars or lines, one per task.
pub fn show_library_progress() {
    use std::collections::HashMap;
    use std::sync::Mutex;
    let tasks: Mutex<HashMap<String, Progress>> = Mutex::new(HashMap::new());
    kaizen_sim::progress::listen(Box::new(move |task, done, total| {
        let Ok(mut tasks) = tasks.lock() else {
            return;
        };
        let p = tasks
            .entry(task.to_string())
            .or_insert_with(|| Progress::new(task, "", total));
        p.set(done, 0);
        if done >= total {
            if let Some(p) = tasks.remove(task) {
                p.finish();
            }
        }
    }));
}

/// Progress shared between threads, with a ticker that keeps the plain
/// lines coming while one unit of work takes minutes.
pub struct Ticking {
    progress: std::sync::Arc<std::sync::Mutex<Progress>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Ticking {
    pub fn new(p: Progress) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let progress = Arc::new(Mutex::new(p));
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let (progress, stop) = (progress.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if let Ok(mut p) = progress.lock() {
                        p.tick();
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            })
        };
        Self {
            progress,
            stop,
            ticker: Some(ticker),
        }
    }

    /// A result line, and one unit done.
    pub fn done(&self, line: &str, failed: bool) {
        if let Ok(mut p) = self.progress.lock() {
            p.println(line);
            p.inc(failed);
        }
    }

    pub fn finish(mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        if let Ok(m) = std::sync::Arc::try_unwrap(self.progress) {
            if let Ok(p) = m.into_inner() {
                p.finish();
            }
        }
    }
}
