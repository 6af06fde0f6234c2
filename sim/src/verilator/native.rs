//! The bench's speed against Verilator's own: a bench's stimulus, recorded at
//! the [`Simulator`] interface ([`Recorder`]), is replayed by a native C++
//! harness compiled against the same model ([`run_native`]) and from Rust
//! ([`replay`]). Every value the bench read is folded into a checksum, so the
//! replays are shown to have computed the same outputs as the recording.
//!
//! The harness includes the model's shim in its own translation unit, so
//! its port accesses compile to direct member assignments: what a
//! hand-written C++ testbench does.

#![deny(missing_docs)]

use super::build::{build_model, build_once, cache_root, digest, gxx, run, runtime_objects};
use super::build::{toolchain, RECIPE};
use crate::bench::Simulator;
use crate::SimError;
use kaizen_hdl::emit::{Emitted, Port};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SET: u64 = 0;
const EVAL: u64 = 1;
const GET: u64 = 2;

/// FNV-1a's offset basis and prime, over 64-bit words (the harness uses the
/// same fold).
const FOLD_START: u64 = 0xcbf2_9ce4_8422_2325;
const FOLD_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fold(checksum: u64, words: &[u64]) -> u64 {
    words
        .iter()
        .fold(checksum, |c, w| (c ^ w).wrapping_mul(FOLD_PRIME))
}

fn words_per_port(ports: &[Port]) -> Vec<usize> {
    ports.iter().map(|p| p.width.div_ceil(64)).collect()
}

/// A simulator that records every input set, evaluation and output read of
/// the bench driving it.
pub struct Recorder<S: Simulator> {
    inner: S,
    words: Vec<usize>,
    log: Vec<u64>,
    checksum: u64,
}

impl<S: Simulator> Recorder<S> {
    /// Records what is done to `inner`.
    pub fn new(inner: S) -> Self {
        Recorder {
            words: words_per_port(inner.ports()),
            inner,
            log: vec![],
            checksum: FOLD_START,
        }
    }

    /// What was recorded.
    pub fn stimulus(self) -> Stimulus {
        Stimulus {
            words: self.words,
            log: self.log,
            checksum: self.checksum,
        }
    }
}

impl<S: Simulator> Simulator for Recorder<S> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn ports(&self) -> &[Port] {
        self.inner.ports()
    }
    fn set(&mut self, port: usize, words: &[u64]) {
        self.log.push(SET << 32 | port as u64);
        self.log.extend_from_slice(&words[..self.words[port]]);
        self.inner.set(port, words);
    }
    fn get(&mut self, port: usize, words: &mut [u64]) {
        self.log.push(GET << 32 | port as u64);
        self.inner.get(port, words);
        self.checksum = fold(self.checksum, &words[..self.words[port]]);
    }
    fn eval(&mut self) -> Result<(), SimError> {
        self.log.push(EVAL << 32);
        self.inner.eval()
    }
    fn trace_to(&mut self, path: &Path) -> Result<(), SimError> {
        self.inner.trace_to(path)
    }
    fn dump(&mut self, time: u64) {
        self.inner.dump(time)
    }
    fn flush(&mut self) {
        self.inner.flush()
    }
    fn times_in_ps(&mut self) {
        self.inner.times_in_ps()
    }
}

/// A recorded stimulus: operations on ports, and the checksum of the values
/// read while recording.
pub struct Stimulus {
    words: Vec<usize>,
    log: Vec<u64>,
    /// Fold of every value the bench read.
    pub checksum: u64,
}

impl Stimulus {
    /// Evaluations recorded.
    pub fn evals(&self) -> u64 {
        self.ops().filter(|(op, _, _)| *op == EVAL).count() as u64
    }

    /// (operation, port, words set) in order.
    fn ops(&self) -> impl Iterator<Item = (u64, usize, &[u64])> {
        let mut i = 0;
        std::iter::from_fn(move || {
            let head = *self.log.get(i)?;
            i += 1;
            let (op, port) = (head >> 32, (head & 0xffff_ffff) as usize);
            let n = if op == SET { self.words[port] } else { 0 };
            let words = &self.log[i..i + n];
            i += n;
            Some((op, port, words))
        })
    }

    /// The file the harness reads: ports, the words of each, then the log
    /// (little-endian 64-bit words).
    fn bytes(&self) -> Vec<u8> {
        std::iter::once(self.words.len() as u64)
            .chain(self.words.iter().map(|&w| w as u64))
            .chain(self.log.iter().copied())
            .flat_map(u64::to_le_bytes)
            .collect()
    }
}

/// Replays `stimulus` on `sim` (a fresh instance of the recorded design);
/// returns the seconds the replay took and the checksum of what it read.
pub fn replay<S: Simulator>(sim: &mut S, stimulus: &Stimulus) -> Result<(f64, u64), SimError> {
    let mut buffer = vec![0u64; stimulus.words.iter().copied().max().unwrap_or(1)];
    let mut checksum = FOLD_START;
    let start = Instant::now();
    for (op, port, words) in stimulus.ops() {
        match op {
            SET => sim.set(port, words),
            EVAL => sim.eval()?,
            _ => {
                let n = stimulus.words[port];
                sim.get(port, &mut buffer[..n]);
                checksum = fold(checksum, &buffer[..n]);
            }
        }
    }
    Ok((start.elapsed().as_secs_f64(), checksum))
}

/// The native harness's main; `obj_shim.cpp` is the model's shim.
const HARNESS: &str = r#"// Generated by kaizen-sim: replays a recorded stimulus on the model.
#include "obj_shim.cpp"
#include <chrono>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) { std::fprintf(stderr, "usage: harness STIMULUS\n"); return 2; }
    std::FILE* f = std::fopen(argv[1], "rb");
    if (!f) { std::perror(argv[1]); return 2; }
    std::vector<uint64_t> log;
    uint64_t w;
    while (std::fread(&w, sizeof w, 1, f) == 1) log.push_back(w);
    std::fclose(f);
    size_t ports = log.at(0);
    std::vector<uint64_t> words(log.begin() + 1, log.begin() + 1 + ports);
    uint64_t widest = 1;
    for (uint64_t n : words) widest = n > widest ? n : widest;
    std::vector<uint64_t> buffer(widest);
    void* h = kz_new();
    uint64_t checksum = 0xcbf29ce484222325ULL;
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 1 + ports; i < log.size();) {
        uint64_t head = log[i++];
        int port = (int)(head & 0xffffffffULL);
        switch (head >> 32) {
        case 0: kz_set(h, port, &log[i]); i += words[port]; break;
        case 1: kz_eval(h); break;
        default:
            kz_get(h, port, buffer.data());
            for (uint64_t k = 0; k < words[port]; ++k) checksum = (checksum ^ buffer[k]) * 0x100000001b3ULL;
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.9f %llu\n", seconds, (unsigned long long)checksum);
    kz_free(h);
    return 0;
}
"#;

/// The native harness for `e`'s model, building it (cached) if needed.
pub fn native_harness(e: &Emitted) -> Result<PathBuf, SimError> {
    let model = build_model(e)?;
    let model_dir = model.parent().expect("the model is in its build directory");
    let tc = toolchain()?;
    let runtime = runtime_objects(tc)?;
    let name = model_dir
        .file_name()
        .map_or("model".into(), |n| n.to_string_lossy().into_owned());
    let dir = cache_root().join(format!("native-{name}-{}", digest(&[RECIPE, HARNESS])));
    build_once(&dir, |work| {
        let main = work.join("harness.cpp");
        std::fs::write(&main, HARNESS)
            .map_err(|err| SimError::Build(format!("cannot write {}: {err}", main.display())))?;
        // The model's objects, without its shim (the harness compiles it in).
        let mut objects: Vec<PathBuf> = std::fs::read_dir(model_dir.join("obj"))
            .map_err(|err| SimError::Build(format!("cannot read {}: {err}", model_dir.display())))?
            .filter_map(|d| d.ok().map(|d| d.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "o"))
            .collect();
        objects.sort();
        run(
            gxx(tc)
                .arg("-I")
                .arg(model_dir.join("obj"))
                .arg("-I")
                .arg(model_dir)
                .arg(&main)
                .args(&objects)
                .args(&runtime)
                .args(["-pthread", "-latomic", "-o"])
                .arg(work.join("harness")),
            "g++ (native harness)",
        )
    })?;
    Ok(dir.join("harness"))
}

/// Runs `stimulus` on the native harness of `e`: seconds and checksum.
pub fn run_native(e: &Emitted, stimulus: &Stimulus) -> Result<(f64, u64), SimError> {
    let harness = native_harness(e)?;
    let file = tempfile::NamedTempFile::new()
        .map_err(|err| SimError::Build(format!("cannot write the stimulus: {err}")))?;
    std::fs::write(file.path(), stimulus.bytes())
        .map_err(|err| SimError::Build(format!("cannot write the stimulus: {err}")))?;
    let out = Command::new(&harness)
        .arg(file.path())
        .output()
        .map_err(|err| SimError::Build(format!("cannot run {}: {err}", harness.display())))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed = text
        .split_once(' ')
        .and_then(|(s, c)| Some((s.trim().parse::<f64>().ok()?, c.trim().parse::<u64>().ok()?)));
    match (out.status.success(), parsed) {
        (true, Some(r)) => Ok(r),
        _ => Err(SimError::Build(format!(
            "{} failed: {text}{}",
            harness.display(),
            String::from_utf8_lossy(&out.stderr)
        ))),
    }
}
