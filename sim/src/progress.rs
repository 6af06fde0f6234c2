//! Progress of long library work (a model build, a long simulation),
//! reported to whoever listens: the CLI installs a listener that draws a bar
//! or prints lines; tests and library users install none and pay one
//! relaxed atomic load per report.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

/// `(task, done, total)`: `task` names the work (`verilator kaizen_memctl`),
/// the same name from its first report to its last (`done == total`).
pub type Listener = Box<dyn Fn(&str, u64, u64) + Send + Sync>;

static LISTENING: AtomicBool = AtomicBool::new(false);
static LISTENER: OnceLock<Mutex<Option<Listener>>> = OnceLock::new();

/// Installs the listener (replacing any earlier one).
pub fn listen(l: Listener) {
    *LISTENER.get_or_init(Default::default).lock().unwrap() = Some(l);
    LISTENING.store(true, Ordering::Relaxed);
}

/// Reports `done` of `total` for `task`, if anyone listens.
pub fn report(task: &str, done: u64, total: u64) {
    if !LISTENING.load(Ordering::Relaxed) {
        return;
    }
    if let Some(l) = LISTENER.get().and_then(|m| m.lock().ok()) {
        if let Some(f) = l.as_ref() {
            f(task, done, total);
        }
    }
}

/// Reports every `every`-th step and the last one (long loops call this
/// each step).
pub fn every(task: &str, done: u64, total: u64, every: u64) {
    if done.is_multiple_of(every.max(1)) || done == total {
        report(task, done, total);
    }
}
