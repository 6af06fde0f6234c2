//! Report parsers on stored tool output (Yosys 0.23 `stat -liberty`,
//! Debian OpenSTA 2.0.17), as snapshots.

use kaizen_flow::reports::{parse_sta, parse_yosys_stat};

#[test]
fn yosys_stat_sample() {
    let r = parse_yosys_stat(include_str!("samples/yosys_stat_fifo.txt")).unwrap();
    assert_eq!(
        r.cells.values().sum::<u64>(),
        r.total_cells,
        "per-type counts add up"
    );
    insta::assert_json_snapshot!(r);
}

#[test]
fn sta_sample() {
    let r = parse_sta(include_str!("samples/sta_fifo.txt")).unwrap();
    insta::assert_json_snapshot!(r);
}

#[test]
fn truncated_reports_are_errors() {
    assert!(parse_yosys_stat("Number of cells: 3\n").is_err());
    assert!(parse_sta("Path Group: core\n").is_err());
    assert!(parse_sta("Error: sta.tcl, 3 cannot open 'x.v'.\ntns 0\nworst slack 1\n").is_err());
}
