//! Snapshots of every emitted block's Verilog and of the manifest: a change
//! in what the Rust describes shows up as a reviewed diff.

use kaizen_hdl::catalog::CATALOG;

#[test]
fn emitted_verilog() {
    // The advanced-package build of the test chip is the standard build's
    // text with its package-sized parts; at 4 MB its text snapshot would add
    // little review value: the manifest snapshot pins it by SHA-256.
    for entry in CATALOG.iter().filter(|e| e.name != "testchip_advanced") {
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
