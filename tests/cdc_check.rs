//! The structural clock-domain-crossing check (`kaizen cdc`, part of
//! `kaizen lint`): clean on every catalog block, and catching each kind of
//! planted crossing in a small two-clock block built here.

mod common;

use kaizen_flow::cdc::{check_file, port_domains, CdcReport, ViolationKind};
use kaizen_flow::sdc;
use kaizen_hdl::catalog::CATALOG;
use kaizen_hdl::emit::emit;
use kaizen_hdl::primitives::{Reg, SyncBits};
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// Which crossing the block gets wrong.
#[derive(Clone, Copy, PartialEq)]
enum Plant {
    Nothing,
    /// A register of clock `b` samples a register of clock `a` directly.
    Unsynchronised,
    /// A synchroniser samples logic of clock `a`, not a register.
    LogicBeforeSync,
    /// A memory written by clock `a` is read into a register of clock `b`.
    MemoryAcross,
}

#[derive(LogicBlock)]
struct TwoClocks {
    pub clk_a: Signal<In, Clock>,
    pub clk_b: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub x: Signal<In, Bits<4>>,
    pub y: Signal<Out, Bits<4>>,
    pub flag: Signal<Out, Bit>,
    sender: Reg<Bits<4>>,
    receiver: Reg<Bits<4>>,
    crossing: SyncBits<Bit>,
    _plant: Plant,
}

impl TwoClocks {
    fn new(plant: Plant) -> Self {
        Self {
            clk_a: Default::default(),
            clk_b: Default::default(),
            reset: Default::default(),
            x: Default::default(),
            y: Default::default(),
            flag: Default::default(),
            sender: Default::default(),
            receiver: Default::default(),
            crossing: SyncBits::new(false),
            _plant: plant,
        }
    }
}

impl Logic for TwoClocks {
    fn update(&mut self) {}
    fn connect(&mut self) {
        self.y.connect();
        self.flag.connect();
        self.sender.clock.connect();
        self.sender.reset.connect();
        self.sender.d.connect();
        self.receiver.clock.connect();
        self.receiver.reset.connect();
        self.receiver.d.connect();
        self.crossing.clock.connect();
        self.crossing.reset.connect();
        self.crossing.d.connect();
    }
    fn hdl(&self) -> Verilog {
        let receiver_d = if self._plant == Plant::Unsynchronised {
            "sender$q"
        } else {
            "receiver$q ^ x"
        };
        let crossing_d = if self._plant == Plant::LogicBeforeSync {
            "sender$q[0] & sender$q[1]"
        } else {
            "sender$q[0]"
        };
        // Written by clk_a, read by clk_b when planted; else both clk_b.
        let write_clock = if self._plant == Plant::MemoryAcross {
            "clk_a"
        } else {
            "clk_b"
        };
        Verilog::Custom(format!(
            "reg [3:0] mem [0:3];
reg [3:0] mem_q;
always @(posedge {write_clock}) mem[receiver$q[1:0]] <= receiver$q;
always @(posedge clk_b) mem_q <= mem[receiver$q[3:2]];
always @(*) begin
    sender$clock = clk_a;
    sender$reset = reset;
    sender$d = x;
    receiver$clock = clk_b;
    receiver$reset = reset;
    receiver$d = {receiver_d};
    crossing$clock = clk_b;
    crossing$reset = reset;
    crossing$d = {crossing_d};
    y = receiver$q ^ mem_q;
    flag = crossing$q;
end"
        ))
    }
}

fn check(block: TwoClocks, domains: &BTreeMap<String, String>) -> CdcReport {
    let mut block = block;
    block.connect_all();
    let e = emit("two_clocks", &block, BTreeMap::new()).expect("emits");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(e.file_name());
    std::fs::write(&file, &e.verilog).unwrap();
    check_file(&file, &e.top_module, &dir.path().join("n.json"), domains)
        .unwrap_or_else(|err| panic!("{err}\n{}", e.verilog))
}

#[test]
fn clean_two_clock_block_passes() {
    let r = check(TwoClocks::new(Plant::Nothing), &BTreeMap::new());
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(r.domains, ["clk_a", "clk_b"]);
    assert_eq!(r.synchronised, 1, "{r}");
}

#[test]
fn unsynchronised_crossing_is_named_with_both_domains_and_its_path() {
    let r = check(TwoClocks::new(Plant::Unsynchronised), &BTreeMap::new());
    assert_eq!(r.violations.len(), 1, "{:?}", r.violations);
    let v = &r.violations[0];
    assert_eq!(v.kind, ViolationKind::Unsynchronised);
    assert!(v.signal.contains("receiver"), "{v}");
    assert_eq!((v.from.as_str(), v.to.as_str()), ("clk_a", "clk_b"));
    assert!(v.path.first().is_some_and(|p| p.contains("sender")), "{v}");
    assert!(v.path.last().is_some_and(|p| p.contains("receiver")), "{v}");
    let text = v.to_string();
    assert!(text.contains("clk_a") && text.contains("clk_b") && text.contains("sender"));
}

#[test]
fn a_memory_written_in_one_domain_and_read_in_another_is_caught() {
    let r = check(TwoClocks::new(Plant::MemoryAcross), &BTreeMap::new());
    // Its write port samples clk_b's `receiver` on clk_a, and clk_b's
    // `mem_q` reads what clk_a wrote.
    let pairs: Vec<(&str, &str, &str)> = r
        .violations
        .iter()
        .map(|v| (v.signal.as_str(), v.from.as_str(), v.to.as_str()))
        .collect();
    assert!(
        pairs.contains(&("mem", "clk_b", "clk_a")),
        "{:?}",
        r.violations
    );
    let read = r.violations.iter().find(|v| v.signal.contains("mem_q"));
    let read = read.unwrap_or_else(|| panic!("{:?}", r.violations));
    assert_eq!((read.from.as_str(), read.to.as_str()), ("clk_a", "clk_b"));
    assert!(read.path.iter().any(|p| p == "mem"), "{read}");
}

#[test]
fn logic_in_front_of_a_synchroniser_is_caught() {
    let r = check(TwoClocks::new(Plant::LogicBeforeSync), &BTreeMap::new());
    assert_eq!(r.violations.len(), 1, "{:?}", r.violations);
    let v = &r.violations[0];
    assert_eq!(v.kind, ViolationKind::LogicBeforeSynchroniser);
    assert!(v.signal.contains("crossing"), "{v}");
    assert_eq!((v.from.as_str(), v.to.as_str()), ("clk_a", "clk_b"));
}

#[test]
fn an_input_constrained_to_one_clock_may_not_feed_another() {
    // `x` is timed against clk_a, yet `receiver` (clk_b) samples it.
    let text = "create_clock -name a -period 500 [get_ports clk_a]\n\
                create_clock -name b -period 700 [get_ports clk_b]\n\
                set_input_delay 100 -clock a [get_ports {x}]\n";
    let sdc = sdc::parse("two_clocks.sdc", text).unwrap();
    let domains = port_domains(&sdc, &["x".into(), "reset".into()]);
    assert_eq!(domains, BTreeMap::from([("x".into(), "clk_a".into())]));
    let r = check(TwoClocks::new(Plant::Nothing), &domains);
    assert_eq!(r.violations.len(), 1, "{:?}", r.violations);
    let v = &r.violations[0];
    assert!(
        v.signal.contains("receiver") && v.path[0].starts_with("x["),
        "{v}"
    );
}

#[test]
fn every_catalog_block_is_clean() {
    // The big blocks are checked by `kaizen lint` in tests/cli.rs (it runs
    // this check on every block); here the small ones, and their domains.
    for e in CATALOG {
        if matches!(
            e.name,
            "memctl" | "d2d_phy" | "d2d_phy_advanced" | "testchip" | "testchip_advanced"
        ) {
            continue;
        }
        let emitted = (e.emit)().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(emitted.file_name());
        std::fs::write(&file, &emitted.verilog).unwrap();
        let r = check_file(
            &file,
            &emitted.top_module,
            &dir.path().join("n.json"),
            &BTreeMap::new(),
        )
        .unwrap();
        assert!(r.violations.is_empty(), "{}: {:?}", e.name, r.violations);
        let clocks = emitted
            .ports
            .iter()
            .filter(|p| p.name.ends_with("clock"))
            .count();
        assert_eq!(r.domains.len(), clocks, "{}: {r}", e.name);
    }
}
