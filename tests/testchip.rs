//! The test chip end to end (`kaizen_sim::testchip::bench`): the partner
//! die's host model and PHY, the channel model, the chip's RTL under two
//! independent clocks, the HBM device model. Every run checks that every
//! request is answered once with the data memory owes, that the device saw
//! no timing violation, and that the controller's counters read over the
//! link equal what the device saw.

mod common;

use common::*;
use kaizen_hdl::d2d::protocol::{LANES, MAX_SKEW};
use kaizen_hdl::testchip::registers::{register, CHIP_ID};
use kaizen_hdl::testchip::transaction::{Message, DATA_BYTES, SLOTS};
use kaizen_sim::models::traffic::Pattern;
use kaizen_sim::testchip::bench::ChipConfig;
use kaizen_sim::testchip::self_test::{LinkMode, MemOp, MemPattern, SelfTest};
use proptest::prelude::*;

fn patterns() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        Just(Pattern::SeqRead),
        Just(Pattern::SeqWrite),
        Just(Pattern::Random),
        Just(Pattern::Mixed),
        Just(Pattern::Stride),
    ]
}

#[test]
fn random_traffic_channels_and_clock_ratios() {
    // Controller clocks from 2.5x the link's to a quarter of it, near 1
    // included; channels within the fault model.
    let ratio = prop_oneof![Just(1.25f64), 0.4f64..4.0, 0.98f64..1.02];
    property(
        "testchip_random_traffic_channels_and_clock_ratios",
        16,
        (
            patterns(),
            200usize..1200,
            prop_oneof![Just(0.0), Just(1e-6), Just(1e-5)],
            0..=MAX_SKEW,
            prop::option::of(0..LANES),
            ratio,
            any::<u64>(),
        ),
        |(pattern, requests, ber, skew, dead, ratio, seed)| {
            let mut cfg = ChipConfig::new(pattern, requests, seed);
            cfg.link.ber = ber;
            cfg.link.skew = (0..LANES)
                .map(|l| (l * 7 + seed as usize) % (skew + 1))
                .collect();
            cfg.link.broken = dead.into_iter().collect();
            cfg.mc_period_ps = (500.0 * ratio).round() as u64;
            cfg.mc_phase_ps = seed % cfg.mc_period_ps;
            run_chip_traced("testchip_random", &cfg).map(|_| ())
        },
    );
}

#[test]
fn sequential_reads_fill_the_link() {
    // Five 32-byte bursts per 256-byte flit, a flit every 16 clocks at
    // 2 GHz: the link carries 20 GB/s of read data in this format; the
    // controller alone does 23.7 GB/s on this pattern (docs/memctl.md).
    let r = run_chip_traced(
        "testchip_sequential_reads",
        &ChipConfig::new(Pattern::SeqRead, 6000, 3),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let bound = (SLOTS * DATA_BYTES) as f64 / (16.0 * 0.5);
    assert!(
        r.read_gbps >= 0.9 * bound,
        "{:.2} GB/s of reads, {:.1} % of the link's {bound:.1} GB/s",
        r.read_gbps,
        100.0 * r.read_gbps / bound
    );
}

#[test]
fn a_lane_dying_in_traffic_loses_nothing() {
    let mut cfg = ChipConfig::new(Pattern::Mixed, 3000, 5);
    cfg.link.ber = 1e-6;
    cfg.link.deaths = vec![(9, 2500)];
    let r = run_chip_traced("testchip_lane_dies", &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert!(r.registers["LINK_RETRAINS"] >= 1, "{:?}", r.registers);
    let good = r.registers["LINK_STATUS"] >> 16;
    assert_eq!(good & (1 << 9), 0, "lane 9 reported good: {good:#06x}");
}

#[test]
fn registers_are_read_and_written_over_the_link() {
    let index = |n: &str| register(n).unwrap().index;
    let mut cfg = ChipConfig::new(Pattern::SeqWrite, 100, 7);
    cfg.registers_first = vec![
        Message::CsrRead {
            tag: 0,
            addr: index("CHIP_ID"),
        },
        Message::CsrWrite {
            tag: 0,
            addr: index("SCRATCH"),
            value: 0x1234_5678,
        },
        Message::CsrRead {
            tag: 0,
            addr: index("SCRATCH"),
        },
        Message::CsrWrite {
            tag: 0,
            addr: index("CHIP_ID"),
            value: 1,
        },
        Message::CsrRead { tag: 0, addr: 0x3f },
    ];
    let r = run_chip_traced("testchip_registers", &cfg).unwrap_or_else(|e| panic!("{e}"));
    let answers: Vec<&Message> = r.csr_log.iter().map(|(_, a)| a).collect();
    assert!(matches!(answers[0], Message::CsrData { value, .. } if *value == CHIP_ID));
    assert!(matches!(answers[1], Message::CsrAck { .. }));
    assert!(matches!(
        answers[2],
        Message::CsrData {
            value: 0x1234_5678,
            ..
        }
    ));
    assert!(
        matches!(answers[3], Message::CsrError { .. }),
        "{answers:?}"
    );
    assert!(
        matches!(answers[4], Message::CsrError { .. }),
        "{answers:?}"
    );
    assert_eq!(r.registers["SCRATCH"], 0x1234_5678);
    assert_eq!(r.registers["MC_WRITES"], 100);
}

#[test]
fn differential_rust_hdl_vs_verilator_through_training_self_tests_and_traffic() {
    use kaizen_hdl::catalog;
    use kaizen_hdl::d2d::params::Package;
    use kaizen_hdl::d2d::protocol::Mutation;
    use kaizen_sim::bench::{Bench, ClockSpec, Differential};
    use kaizen_sim::d2d::bench::verilator_phy;
    use kaizen_sim::rust_hdl_sim::RustHdlSim;
    use kaizen_sim::testchip::bench::run_on;
    use kaizen_sim::verilator::VerilatorModel;
    // rust-hdl walks a block this size recursively: a thread with room.
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(|| {
            // With a short link self-test (the PRBS generator on the lanes,
            // the checkers on what comes back) and a memory one first.
            let mut cfg = ChipConfig::new(Pattern::Mixed, 40, 11);
            cfg.self_tests = vec![
                SelfTest::Link {
                    mode: LinkMode::Prbs,
                    clocks: 300,
                },
                SelfTest::Memory {
                    pattern: MemPattern::Random,
                    op: MemOp::WriteRead,
                    count: 20,
                    base: 0,
                    seed: 5,
                },
            ];
            let v = VerilatorModel::new(&catalog::emit_testchip().unwrap()).unwrap();
            let r = RustHdlSim::new(catalog::testchip().unwrap()).unwrap();
            let clocks = [
                ClockSpec::new("link_clock", cfg.link_period_ps, 0),
                ClockSpec::new("mc_clock", cfg.mc_period_ps, cfg.mc_phase_ps),
            ];
            let mut chip = Bench::with_clocks(Differential::new(v, r).unwrap(), &clocks).unwrap();
            let mut a = verilator_phy(Package::Standard, Mutation::None).unwrap();
            run_on(&mut chip, &mut a, &cfg).unwrap_or_else(|e| panic!("{e}"));
        })
        .unwrap()
        .join()
        .unwrap();
}
