//! `kaizen regress` cut into shards: the merged result of N shards equals
//! the unsharded one, locally and as a Slurm job array on the one-node
//! cluster `scripts/slurm_cluster.sh` starts; a failure's replay command
//! reproduces it; shard results that do not add up are refused.

mod common;

use kaizen_sim::regression::Summary;
use std::path::Path;
use std::process::{Command, Output};

const MEMCTL: &[&str] = &[
    "regress",
    "memctl",
    "--requests",
    "1500",
    "--case-requests",
    "500",
    "--seed",
    "3",
];

fn kaizen(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run kaizen")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn run(args: &[&str], out: &Path, env: &[(&str, &str)]) -> (Output, Summary) {
    let mut a = args.to_vec();
    a.extend(["--out", out.to_str().unwrap()]);
    let o = kaizen(&a, env);
    let s = std::fs::read_to_string(out.join("summary.json"))
        .unwrap_or_else(|e| panic!("no summary ({e}): {}", text(&o)));
    (o, serde_json::from_str(&s).unwrap())
}

fn testcases(junit: &Path) -> usize {
    std::fs::read_to_string(junit)
        .unwrap()
        .matches("<testcase ")
        .count()
}

#[test]
fn four_slurm_shards_give_the_unsharded_result() {
    let conf = common::slurm_conf();
    let env = [("SLURM_CONF", conf.as_str())];

    let one = tempfile::tempdir().unwrap();
    let (o1, s1) = run(MEMCTL, one.path(), &env);
    assert!(o1.status.success(), "{}", text(&o1));
    let four = tempfile::tempdir().unwrap();
    let mut args = MEMCTL.to_vec();
    args.extend(["--shards", "4", "--engine", "slurm"]);
    let (o4, s4) = run(&args, four.path(), &env);
    assert!(o4.status.success(), "{}", text(&o4));
    assert!(text(&o4).contains("slurm job"), "{}", text(&o4));

    assert_eq!((s1.shards, s4.shards), (1, 4));
    assert_eq!(s1.cases.len(), 6, "3 chunks x 2 policies");
    assert_eq!(s1.outcome(), s4.outcome());
    assert!(s4
        .cases
        .iter()
        .all(|c| c.passed && c.metrics["cycles"] > 0.0));
    assert_eq!(testcases(&four.path().join("junit.xml")), 6);
    for i in 0..4 {
        assert!(four.path().join(format!("shard-{i}.xml")).exists());
    }
}

#[test]
fn a_failing_case_replays_locally_with_the_printed_command() {
    let out = tempfile::tempdir().unwrap();
    let mut args = MEMCTL.to_vec();
    args.extend(["--mutant", "tRP", "--shards", "3"]);
    let progress = [("KAIZEN_PROGRESS_INTERVAL", "0")];
    let (o, s) = run(&args, out.path(), &progress);
    let all = text(&o);
    assert!(!o.status.success(), "a mutant must fail: {all}");
    assert!(s.failed > 0, "{all}");
    // Not a terminal: plain progress lines, from the start to the end.
    assert!(
        all.contains("progress: regress memctl (3 shards) 0/6 cases"),
        "{all}"
    );
    assert!(
        all.contains("progress: regress memctl (3 shards) 6/6 cases"),
        "{all}"
    );

    let failed = s.cases.iter().find(|c| !c.passed).unwrap();
    let replay = s.replay_command(failed.index);
    assert!(all.contains(&format!("replay: {replay}")), "{all}");
    let words: Vec<String> = replay
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches('\'').to_string())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let again = kaizen(&words, &[]);
    assert!(!again.status.success());
    let first_line = failed.failure.as_deref().unwrap().lines().next().unwrap();
    assert!(text(&again).contains(first_line), "{}", text(&again));
    let junit = std::fs::read_to_string(out.path().join("junit.xml")).unwrap();
    assert!(junit.contains("<failure"), "{junit}");
    assert!(junit.contains("--case"), "{junit}");
}

#[test]
fn collect_refuses_a_missing_shard_and_a_foreign_one() {
    let out = tempfile::tempdir().unwrap();
    let d2d = [
        "regress",
        "d2d",
        "--flits",
        "300",
        "--channel-flits",
        "100",
        "--shards",
        "2",
        "--quiet",
    ];
    let (o, s) = run(&d2d, out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!((s.cases.len(), s.passed), (3, 3));
    // The packages alternate.
    assert!(s.cases[0].name.starts_with("standard"));
    assert!(s.cases[1].name.starts_with("advanced"));

    let dir = out.path().to_str().unwrap();
    let shard1 = out.path().join("shard-1.json");
    let kept = std::fs::read_to_string(&shard1).unwrap();
    std::fs::remove_file(&shard1).unwrap();
    let o = kaizen(&["regress", "collect", dir], &[]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("shard 1 of 2 has no result"),
        "{}",
        text(&o)
    );

    std::fs::write(&shard1, kept.replace("\"300\"", "\"400\"")).unwrap();
    let o = kaizen(&["regress", "collect", dir], &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("a different regression"), "{}", text(&o));

    std::fs::write(&shard1, "{ not json").unwrap();
    let o = kaizen(&["regress", "collect", dir], &[]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("shard-1.json:1: not a shard result"),
        "{}",
        text(&o)
    );
}
