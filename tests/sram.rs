//! The SRAM macro (`sram`, 64 x 32): its behavioural model against a plain
//! memory in the test (registered read, read-before-write, hold when not
//! read), rust-hdl's model against Verilator's, and the flop build (the
//! model synthesised by Yosys to gates and flops) against the model, cycle
//! by cycle.

mod common;

use common::*;
use kaizen_hdl::catalog;
use kaizen_hdl::emit::Emitted;
use kaizen_sim::bench::{Bench, Differential, Simulator};
use kaizen_sim::verilator::VerilatorModel;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const WORDS: u64 = 64;

#[derive(Clone, Debug)]
struct Op {
    write: Option<(u64, u32)>,
    read: Option<u64>,
}

/// Addresses from a small pool half the time, so writes and reads meet
/// (also in the same clock, where the read must see the old entry).
fn ops() -> impl Strategy<Value = Vec<Op>> {
    let addr = prop_oneof![0..4u64, 0..WORDS];
    prop::collection::vec(
        (
            prop::option::weighted(0.6, (addr.clone(), any::<u32>())),
            prop::option::weighted(0.6, addr),
        ),
        1..300,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(write, read)| Op { write, read })
            .collect()
    })
}

fn drive<S: Simulator>(b: &mut Bench<S>, op: &Op) -> Result<(), String> {
    let (we, wa, wd) = op.write.map_or((0, 0, 0), |(a, d)| (1, a, u64::from(d)));
    sim(b.set("write_enable", we))?;
    sim(b.set("write_address", wa))?;
    sim(b.set("write_data", wd))?;
    sim(b.set("read_enable", u64::from(op.read.is_some())))?;
    sim(b.set("read_address", op.read.unwrap_or(0)))?;
    sim(b.tick())
}

/// Against a plain array: what `read_data` must show after each clock.
fn against_memory<S: Simulator>(b: &mut Bench<S>, ops: &[Op]) -> Result<(), String> {
    let mut mem = [0u64; WORDS as usize];
    let mut out = 0u64;
    for (cycle, op) in ops.iter().enumerate() {
        drive(b, op)?;
        if let Some(a) = op.read {
            out = mem[a as usize];
        }
        if let Some((a, d)) = op.write {
            mem[a as usize] = u64::from(d);
        }
        let got = sim(b.get("read_data"))?;
        if got != out {
            return Err(format!(
                "cycle {cycle} ({op:?}): read_data = {got:#x}, the memory says {out:#x}"
            ));
        }
    }
    Ok(())
}

#[test]
fn sram_model_matches_a_plain_memory() {
    property("sram_model_matches_a_plain_memory", 100, ops(), |ops| {
        with_vcd_on_failure("sram", "sram", |b| against_memory(b, &ops))
    });
}

#[test]
fn sram_differential_rust_hdl_vs_verilator() {
    property("sram_differential", 20, ops(), |ops| {
        let mut b = differential("sram", catalog::SramTop::default());
        against_memory(&mut b, &ops)
    });
}

/// The block built with flops: Yosys maps the behavioural model to generic
/// gates and flops (as `kaizen flow sta --memories flops` does before mapping to
/// the kit's cells), written back as Verilog for Verilator.
fn flop_build() -> Emitted {
    let e = emitted("sram");
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("sram.v");
    let out = dir.path().join("sram_flops.v");
    std::fs::write(&src, &e.verilog).unwrap();
    let script = format!(
        "read_verilog {}; synth -flatten -top {}; write_verilog -noattr {}",
        src.display(),
        e.top_module,
        out.display()
    );
    let run = std::process::Command::new("yosys")
        .args(["-q", "-p", &script])
        .output()
        .expect("yosys runs (scripts/setup.sh installs it)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let verilog = std::fs::read_to_string(&out).unwrap();
    assert!(
        !verilog.contains("kaizen_sram_1r1w"),
        "the flop build still instantiates the macro"
    );
    Emitted {
        sha256: format!("{:x}", Sha256::digest(verilog.as_bytes())),
        verilog,
        modules: vec![e.top_module.clone()],
        macros: vec![],
        ..e
    }
}

#[test]
fn flop_build_behaves_like_the_macro_model() {
    let flops = flop_build();
    let model = emitted("sram");
    property("sram_flops_vs_model", 30, ops(), |ops| {
        let a = VerilatorModel::new(&model).map_err(|e| e.to_string())?;
        let b = VerilatorModel::new(&flops).map_err(|e| e.to_string())?;
        let mut bench = Bench::new(Differential::new(a, b).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        against_memory(&mut bench, &ops)
    });
}
