//! Snapshots of every emitted block's Verilog and of the manifest: a change
//! in what the Rust describes shows up as a reviewed diff.

use kaizen_hdl::catalog::CATALOG;

#[test]
fn emitted_verilog() {
    for entry in CATALOG {
        let e = (entry.emit)().expect("emits");
        insta::assert_snapshot!(format!("verilog_{}", entry.name), e.verilog);
    }
}

#[test]
fn manifest_entries() {
    let entries: Vec<_> = CATALOG
        .iter()
        .map(|entry| (entry.emit)().expect("emits"))
        .collect();
    insta::assert_json_snapshot!("manifest", entries);
}

#[test]
fn emission_is_deterministic() {
    for entry in CATALOG {
        let a = (entry.emit)().expect("emits");
        let b = (entry.emit)().expect("emits");
        assert_eq!(
            a.verilog, b.verilog,
            "{} differs between two emissions",
            entry.name
        );
    }
}
