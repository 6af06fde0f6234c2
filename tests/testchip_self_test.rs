//! The test chip's self-tests, each started over the link by register
//! writes and read back over the link, against what the bench knows
//! independently (`kaizen_sim::testchip::self_test`): per-lane PRBS error
//! counts equal to the bits the channel model changed over exactly the
//! clocks each checker compared; memory tests answered in full, with exactly
//! the read bursts the bench corrupted counted as errors and the device
//! seeing the test's commands.

mod common;

use common::*;
use kaizen_hdl::d2d::params::Package;
use kaizen_hdl::d2d::protocol::{LANES, MAX_SKEW};
use kaizen_sim::models::traffic::Pattern;
use kaizen_sim::testchip::bench::ChipConfig;
use kaizen_sim::testchip::self_test::{LaneResult, LinkMode, MemOp, MemPattern, SelfTest};
use proptest::prelude::*;

const CLOCKS: u32 = 20_000;

/// A chip running `tests` and a little host traffic after them.
fn chip(tests: Vec<SelfTest>, seed: u64) -> ChipConfig {
    let mut cfg = ChipConfig::new(Pattern::SeqRead, 50, seed);
    cfg.self_tests = tests;
    cfg
}

/// Every lane the channel leaves alone locked and compared (almost) the
/// whole test; every lane in `lost` unlocked with nothing counted.
fn check_locks(
    side: &str,
    lanes: &[LaneResult],
    lost: &[usize],
    least_bits: u64,
) -> Result<(), String> {
    for (l, x) in lanes.iter().enumerate() {
        if lost.contains(&l) {
            if x.locked || x.bits != 0 {
                return Err(format!(
                    "{side} lane {l} is broken but reads locked {} over {} bits",
                    x.locked, x.bits
                ));
            }
        } else if !x.locked || x.bits < least_bits {
            return Err(format!(
                "{side} lane {l}: locked {}, {} bits compared (at least {least_bits} expected)",
                x.locked, x.bits
            ));
        }
    }
    Ok(())
}

#[test]
fn prbs_counts_what_the_channel_did_on_every_lane_both_ways() {
    // Raw errors, skew and a broken lane within the fault model; the
    // counts must equal the channel's own record, lane by lane.
    property(
        "testchip_self_test_prbs",
        2,
        (
            prop_oneof![Just(1e-5), Just(3e-5)],
            0..=MAX_SKEW,
            0..LANES,
            any::<u64>(),
        ),
        |(ber, skew, dead, seed)| {
            let mut cfg = chip(
                vec![SelfTest::Link {
                    mode: LinkMode::Prbs,
                    clocks: CLOCKS,
                }],
                seed,
            );
            cfg.link.ber = ber;
            cfg.link.skew = (0..LANES)
                .map(|l| (l * 5 + seed as usize) % (skew + 1))
                .collect();
            cfg.link.broken = vec![dead];
            let r = run_chip_traced("testchip_self_test_prbs", &cfg)?;
            let t = &r.link_tests[0];
            check_locks("chip", &t.chip, &[dead], 8 * (u64::from(CLOCKS) - 16))?;
            check_locks(
                "host",
                &t.host,
                &[dead],
                8 * (u64::from(CLOCKS) - 1024 - 16),
            )?;
            // The test measured something: errors were made and counted.
            let counted: u64 = t.chip.iter().chain(&t.host).map(|x| x.errors).sum();
            if counted == 0 {
                return Err(
                    "no errors counted at all: the test would not see a bad checker".into(),
                );
            }
            Ok(())
        },
    );
}

#[test]
fn a_lane_dying_during_the_test_loses_its_lock() {
    // The death falls inside the comparison (it starts some 5000 clocks
    // after training): the checker drops that lane's counts and never
    // locks again; the other lanes' counts still match the channel.
    let mut cfg = chip(
        vec![SelfTest::Link {
            mode: LinkMode::Prbs,
            clocks: CLOCKS,
        }],
        7,
    );
    cfg.link.ber = 1e-5;
    cfg.link.deaths = vec![(11, 9_000)];
    let r = run_chip_traced("testchip_self_test_lane_dies", &cfg).unwrap();
    let t = &r.link_tests[0];
    check_locks("chip", &t.chip, &[11], 8 * (u64::from(CLOCKS) - 16)).unwrap();
}

#[test]
fn far_end_loopback_returns_the_hosts_prbs_with_both_directions_errors() {
    let mut cfg = chip(
        vec![SelfTest::Link {
            mode: LinkMode::FarEnd,
            clocks: CLOCKS,
        }],
        3,
    );
    cfg.link.ber = 2e-5;
    cfg.link.skew = (0..LANES).map(|l| l % 4).collect();
    let r = run_chip_traced("testchip_self_test_far_end", &cfg).unwrap();
    let t = &r.link_tests[0];
    check_locks("chip", &t.chip, &[], 8 * (u64::from(CLOCKS) - 16)).unwrap();
    check_locks("host", &t.host, &[], 8 * (u64::from(CLOCKS) - 1024 - 16)).unwrap();
    // The round trip carries more errors than the way in alone.
    let (chip, host): (u64, u64) = (
        t.chip.iter().map(|x| x.errors).sum(),
        t.host.iter().map(|x| x.errors).sum(),
    );
    assert!(host > chip, "host {host}, chip {chip}");
}

#[test]
fn near_end_loopback_ignores_the_package() {
    // Broken lanes and raw errors are outside the loop: all 16 lanes lock
    // and count nothing.
    let mut cfg = chip(
        vec![SelfTest::Link {
            mode: LinkMode::NearEnd,
            clocks: 4000,
        }],
        5,
    );
    cfg.link.ber = 1e-5;
    cfg.link.broken = vec![2];
    let r = run_chip_traced("testchip_self_test_near_end", &cfg).unwrap();
    let t = &r.link_tests[0];
    check_locks("chip", &t.chip, &[], 8 * (4000 - 16)).unwrap();
    assert!(t.chip.iter().all(|x| x.errors == 0), "{:?}", t.chip);
    assert!(t.host.is_empty());
}

#[test]
fn memory_tests_write_read_back_and_count_corrupted_reads() {
    let mem = |op, pattern, count| SelfTest::Memory {
        pattern,
        op,
        count,
        base: 0x1000,
        seed: 0x2b,
    };
    let mut cfg = chip(
        vec![
            mem(MemOp::Write, MemPattern::Sequential, 1500),
            mem(MemOp::Read, MemPattern::Sequential, 1500),
            mem(MemOp::WriteRead, MemPattern::Random, 300),
            mem(MemOp::Write, MemPattern::Stride(33), 300),
            mem(MemOp::Read, MemPattern::Stride(33), 300),
        ],
        11,
    );
    cfg.corrupt_reads_every = 61;
    let r = run_chip_traced("testchip_self_test_memory", &cfg).unwrap();
    assert_eq!(r.mem_tests.len(), 5);
    // Reads were checked against the writes (only the corrupted bursts
    // failed), and the corruption was seen in every test that read.
    // (The bench counts reads across the tests: every 61st of them all.)
    for t in &r.mem_tests {
        assert_eq!(u64::from(t.errors), t.corrupted, "{t:?}");
        assert_eq!(t.wrong_reads, t.corrupted, "{t:?}");
        assert!(t.device_reads < 61 || t.corrupted > 0, "{t:?}");
    }
    let reads: u64 = r.mem_tests.iter().map(|t| t.device_reads).sum();
    let corrupted: u64 = r.mem_tests.iter().map(|t| t.corrupted).sum();
    assert_eq!(corrupted, reads / 61);
    // Host traffic after the tests is still served correctly (checked by
    // the bench), and the controller counted the tests' commands too.
    assert_eq!(r.answered, 50);
    assert_eq!(
        u64::from(r.registers["MC_READS"]),
        r.device_reads,
        "MC_READS against the device"
    );
}

#[test]
fn a_memory_read_pass_without_its_write_pass_finds_every_burst_wrong() {
    // The checker's data is a function of the address and the seed: a read
    // over memory written with another seed fails at every burst, and the
    // bench (which knows what the memory holds) agrees.
    let mem = |op, seed| SelfTest::Memory {
        pattern: MemPattern::Sequential,
        op,
        count: 200,
        base: 0,
        seed,
    };
    let cfg = chip(vec![mem(MemOp::Write, 1), mem(MemOp::Read, 2)], 13);
    let r = run_chip_traced("testchip_self_test_wrong_seed", &cfg).unwrap();
    let t = &r.mem_tests[1];
    assert_eq!(
        (t.errors, t.wrong_reads, t.corrupted),
        (200, 200, 0),
        "{t:?}"
    );
}

#[test]
fn the_advanced_package_build_tests_its_68_lanes_and_its_memory() {
    // The chip built with the advanced-package PHY: two broken lanes
    // (repaired onto spares for traffic), PRBS on all 68 physical lanes.
    let mut cfg = chip(
        vec![
            SelfTest::Link {
                mode: LinkMode::Prbs,
                clocks: CLOCKS,
            },
            SelfTest::Memory {
                pattern: MemPattern::Sequential,
                op: MemOp::WriteRead,
                count: 500,
                base: 0,
                seed: 9,
            },
        ],
        17,
    );
    cfg.link.package = Package::Advanced;
    cfg.link.ber = 1e-5;
    cfg.link.broken = vec![5, 66];
    let r = run_chip_traced("testchip_self_test_advanced", &cfg).unwrap();
    let t = &r.link_tests[0];
    assert_eq!(t.chip.len(), 68);
    check_locks("chip", &t.chip, &[5, 66], 2 * (u64::from(CLOCKS) - 32)).unwrap();
    check_locks(
        "host",
        &t.host,
        &[5, 66],
        2 * (u64::from(CLOCKS) - 1024 - 32),
    )
    .unwrap();
    assert_eq!(r.mem_tests[0].errors, 0);
    assert_eq!(r.answered, 50);
    let good: u32 = (0..3)
        .map(|e| r.registers[&format!("LINK_LANES_GOOD[{e}]")].count_ones())
        .sum();
    assert_eq!(good, 66, "{:?}", r.registers);
}
