//! Seeded regressions cut into shards: what a case's result is, which
//! shard runs which case, and how shards merge back into one result.
//!
//! A regression is a numbered list of cases, each with its own seed derived
//! from the regression's seed and the case's number. Case `k` runs in shard
//! `k mod N`, so the cases (and their seeds) are the same whatever `N` is,
//! and the merged result of N shards equals the result of one.

mod junit;

pub use junit::junit_xml;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// What one case did. Everything but `seconds` is a function of the
/// regression's arguments and the case number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    pub index: u64,
    /// What the case exercised, e.g. `closed page, per-bank refresh, chunk 3`.
    pub name: String,
    pub seed: u64,
    pub passed: bool,
    /// Why it failed (first line first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The case's own counts: cycles, requests, flits, replays, ...
    pub metrics: BTreeMap<String, f64>,
    pub seconds: f64,
}

impl CaseResult {
    /// A finished case: passed unless there is a failure.
    pub fn new(
        index: u64,
        name: String,
        seed: u64,
        metrics: BTreeMap<String, f64>,
        failure: Option<String>,
        seconds: f64,
    ) -> Self {
        Self {
            index,
            name,
            seed,
            passed: failure.is_none(),
            failure,
            metrics,
            seconds,
        }
    }
}

/// One shard's result file, `shard-<I>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardResult {
    /// `memctl`, `d2d`: the regression's name.
    pub regression: String,
    /// The `kaizen` arguments that define the regression (no shard or
    /// engine flags): appending `--case K` replays case K alone.
    pub command: Vec<String>,
    pub cases_total: u64,
    pub shards: u64,
    pub shard: u64,
    pub cases: Vec<CaseResult>,
}

/// Shards merged: every case once, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub regression: String,
    pub command: Vec<String>,
    pub shards: u64,
    pub passed: u64,
    pub failed: u64,
    pub cases: Vec<CaseResult>,
}

impl Summary {
    /// The command that replays case `index` alone on this machine.
    pub fn replay_command(&self, index: u64) -> String {
        replay_command(&self.command, index)
    }

    /// The cases without their run times: what must not depend on how the
    /// regression was cut into shards or where it ran.
    pub fn outcome(&self) -> Vec<CaseResult> {
        self.cases
            .iter()
            .map(|c| CaseResult {
                seconds: 0.0,
                ..c.clone()
            })
            .collect()
    }
}

pub fn replay_command(command: &[String], index: u64) -> String {
    let mut words = vec!["kaizen".to_string()];
    words.extend(command.iter().map(|w| shell_word(w)));
    words.push(format!("--case {index}"));
    words.join(" ")
}

fn shell_word(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=.,/:+".contains(c))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

/// The cases of shard `shard` of `shards` among `total`.
pub fn shard_cases(total: u64, shards: u64, shard: u64) -> impl Iterator<Item = u64> {
    (0..total).filter(move |k| k % shards == shard)
}

/// A shard's seed for case `index`: a SplitMix64 step, so neighbouring
/// cases get unrelated seeds and the mapping is fixed for replay.
pub fn case_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed
        .wrapping_add(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Read every `shard-*.json` in `dir` and merge them. Refuses shard files
/// of different regressions, a missing shard, a case twice or a case
/// missing, naming the file.
pub fn collect(dir: &Path) -> Result<Summary, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no shard-*.json result files", dir.display()));
    }
    let mut shards = vec![];
    for f in &files {
        let text =
            std::fs::read_to_string(f).map_err(|e| format!("{}: cannot read: {e}", f.display()))?;
        let r: ShardResult = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}: not a shard result: {e}",
                f.display(),
                e.line().max(1)
            )
        })?;
        shards.push((f.display().to_string(), r));
    }
    merge(shards)
}

/// Merge shard results (each with the name it is reported under).
pub fn merge(shards: Vec<(String, ShardResult)>) -> Result<Summary, String> {
    let (first_name, first) = shards.first().ok_or("no shard results")?.clone();
    let mut seen: BTreeMap<u64, String> = BTreeMap::new();
    let mut cases: BTreeMap<u64, CaseResult> = BTreeMap::new();
    for (name, s) in &shards {
        if (&s.regression, &s.command, s.cases_total, s.shards)
            != (
                &first.regression,
                &first.command,
                first.cases_total,
                first.shards,
            )
        {
            return Err(format!(
                "{name}: a different regression from {first_name} (`{}` in {} shards, against `{}` in {})",
                s.command.join(" "),
                s.shards,
                first.command.join(" "),
                first.shards
            ));
        }
        if let Some(other) = seen.insert(s.shard, name.clone()) {
            return Err(format!("{name}: shard {} again (also {other})", s.shard));
        }
        let expected: Vec<u64> = shard_cases(s.cases_total, s.shards, s.shard).collect();
        let got: Vec<u64> = s.cases.iter().map(|c| c.index).collect();
        if got != expected {
            return Err(format!(
                "{name}: shard {} of {} should hold cases {:?}, holds {:?}",
                s.shard,
                s.shards,
                abbreviate(&expected),
                abbreviate(&got)
            ));
        }
        for c in &s.cases {
            cases.insert(c.index, c.clone());
        }
    }
    if let Some(missing) = (0..first.shards).find(|k| !seen.contains_key(k)) {
        return Err(format!(
            "shard {missing} of {} has no result (its job failed before writing one?)",
            first.shards
        ));
    }
    let cases: Vec<CaseResult> = cases.into_values().collect();
    let failed = cases.iter().filter(|c| !c.passed).count() as u64;
    Ok(Summary {
        regression: first.regression,
        command: first.command,
        shards: first.shards,
        passed: cases.len() as u64 - failed,
        failed,
        cases,
    })
}

fn abbreviate(v: &[u64]) -> String {
    if v.len() <= 6 {
        format!("{v:?}")
    } else {
        format!(
            "{:?} .. {:?} ({} cases)",
            &v[..3],
            &v[v.len() - 2..],
            v.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(index: u64, passed: bool) -> CaseResult {
        CaseResult {
            index,
            name: format!("case {index}"),
            seed: case_seed(1, index),
            passed,
            failure: (!passed).then(|| "boom".into()),
            metrics: BTreeMap::from([("cycles".into(), 10.0 * index as f64)]),
            seconds: 0.5,
        }
    }

    fn shard(total: u64, shards: u64, i: u64, fail: u64) -> (String, ShardResult) {
        (
            format!("shard-{i}.json"),
            ShardResult {
                regression: "memctl".into(),
                command: vec!["regress".into(), "memctl".into()],
                cases_total: total,
                shards,
                shard: i,
                cases: shard_cases(total, shards, i)
                    .map(|k| case(k, k != fail))
                    .collect(),
            },
        )
    }

    #[test]
    fn shards_partition_the_cases() {
        for shards in 1..6 {
            let mut all: Vec<u64> = (0..shards)
                .flat_map(|i| shard_cases(17, shards, i))
                .collect();
            all.sort();
            assert_eq!(all, (0..17).collect::<Vec<_>>());
        }
    }

    #[test]
    fn merged_shards_equal_one_shard() {
        let one = merge(vec![shard(9, 1, 0, 4)]).unwrap();
        let four = merge((0..4).rev().map(|i| shard(9, 4, i, 4)).collect()).unwrap();
        assert_eq!(one.outcome(), four.outcome());
        assert_eq!((four.passed, four.failed), (8, 1));
        assert_eq!(
            four.replay_command(4),
            "kaizen regress memctl --case 4".to_string()
        );
    }

    #[test]
    fn missing_duplicate_or_foreign_shards_are_refused() {
        let e = merge(vec![shard(9, 3, 0, 99), shard(9, 3, 2, 99)]).unwrap_err();
        assert!(e.contains("shard 1 of 3 has no result"), "{e}");
        let e = merge(vec![shard(9, 2, 0, 99), shard(9, 2, 0, 99)]).unwrap_err();
        assert!(e.contains("shard 0 again"), "{e}");
        let mut other = shard(9, 2, 1, 99);
        other.1.command.push("--seed=2".into());
        let e = merge(vec![shard(9, 2, 0, 99), other]).unwrap_err();
        assert!(e.contains("a different regression"), "{e}");
        let mut short = shard(9, 2, 1, 99);
        short.1.cases.pop();
        let e = merge(vec![shard(9, 2, 0, 99), short]).unwrap_err();
        assert!(e.contains("should hold cases"), "{e}");
    }

    #[test]
    fn case_seeds_differ_by_case_and_by_seed() {
        let seeds: std::collections::BTreeSet<u64> = (0..1000).map(|k| case_seed(7, k)).collect();
        assert_eq!(seeds.len(), 1000);
        assert_ne!(case_seed(7, 0), case_seed(8, 0));
    }

    #[test]
    fn replay_quotes_what_a_shell_would_split() {
        let c = vec![
            "regress".into(),
            "memctl".into(),
            "--mutant".into(),
            "tRP - 1".into(),
        ];
        assert_eq!(
            replay_command(&c, 3),
            "kaizen regress memctl --mutant 'tRP - 1' --case 3"
        );
    }
}
