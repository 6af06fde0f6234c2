//! Property tests the way Kaizen's own are written: a printed seed that
//! replays the run, and a VCD trace of the failing case.
//!
//! ```
//! use kaizen::testing::property;
//! use proptest::prelude::*;
//!
//! // Prints "doc_add: proptest seed N (replay with PROPTEST_RNG_SEED=N)".
//! property("doc_add", 16, (0u8..100, 0u8..100), |(a, b)| {
//!     if u16::from(a) + u16::from(b) < 200 { Ok(()) } else { Err(format!("{a} + {b}")) }
//! });
//! ```

use crate::sim::{Bench, Simulator};
/// proptest, the version [`property`] takes strategies of.
pub use proptest;
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::path::Path;

/// A proptest configuration with `cases` cases and a seed printed on
/// stderr: `PROPTEST_RNG_SEED` when set (to replay a run), else a random
/// one.
///
/// ```
/// std::env::set_var("PROPTEST_RNG_SEED", "7");
/// let c = kaizen::testing::proptest_config("doc", 10);
/// assert_eq!(c.cases, 10);
/// assert_eq!(c.rng_seed, proptest::test_runner::RngSeed::Fixed(7));
/// ```
pub fn proptest_config(test: &str, cases: u32) -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("{test}: proptest seed {seed} (replay with PROPTEST_RNG_SEED={seed})");
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs `check` on `cases` inputs drawn from `strategy` with
/// [`proptest_config`]'s seed; panics with the shrunk failing input and the
/// check's message.
///
/// ```should_panic
/// kaizen::testing::property("doc_fails", 8, 0u32..10, |x| {
///     if x < 5 { Ok(()) } else { Err(format!("{x} is too big")) }
/// });
/// ```
#[track_caller]
pub fn property<S: Strategy>(
    test: &str,
    cases: u32,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), String>,
) {
    let mut runner = TestRunner::new(proptest_config(test, cases));
    if let Err(e) = runner.run(&strategy, |v| check(v).map_err(TestCaseError::fail)) {
        panic!("{test}: {e}");
    }
}

/// Runs `case` on a fresh bench from `bench`; when it fails, runs it again
/// on another fresh bench that writes a VCD trace to `vcd`, and returns the
/// failure with the trace's path.
///
/// ```
/// use kaizen::prelude::*;
/// use kaizen::sim::{Bench, VerilatorModel};
///
/// let mut sync = SyncBits::<Bit>::new(false);
/// sync.connect_all();
/// let emitted = kaizen::emit::emit_block("doc_sync", &sync, Default::default()).unwrap();
/// let vcd = std::env::temp_dir().join("kaizen_doc_traced.vcd");
/// // Traces are Verilator's (rust-hdl's simulator writes none).
/// let r = kaizen::testing::traced_on_failure(
///     &vcd,
///     || Bench::new(VerilatorModel::new(&emitted).unwrap()).unwrap(),
///     |b| {
///         b.reset(1).map_err(|e| e.to_string())?;
///         b.set("d", 1).map_err(|e| e.to_string())?;
///         b.tick().map_err(|e| e.to_string())?;
///         // One edge is not enough for two flops: this check fails.
///         match b.get("q").map_err(|e| e.to_string())? {
///             1 => Ok(()),
///             q => Err(format!("q = {q} after one edge")),
///         }
///     },
/// );
/// assert!(r.unwrap_err().contains("VCD of the failing case"));
/// assert!(vcd.exists());
/// ```
pub fn traced_on_failure<S: Simulator, T>(
    vcd: &Path,
    bench: impl Fn() -> Bench<S>,
    case: impl Fn(&mut Bench<S>) -> Result<T, String>,
) -> Result<T, String> {
    match case(&mut bench()) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut traced = bench();
            traced
                .trace_to(vcd)
                .map_err(|e| format!("{first}\n(and no trace: {e})"))?;
            let _ = case(&mut traced);
            traced.flush();
            Err(format!(
                "{first}\nVCD of the failing case: {}",
                vcd.display()
            ))
        }
    }
}
