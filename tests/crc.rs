//! CRC blocks against the `crc` crate's catalogue entries with the same
//! parameters (an independent software CRC).

mod common;

use common::*;
use crc::{Crc, CRC_16_IBM_3740, CRC_32_ISO_HDLC};
use kaizen_hdl::catalog;
use kaizen_sim::bench::{Bench, Simulator};
use proptest::prelude::*;

/// Feeds `message` (whole words of `word_bytes`, least-significant byte
/// first) and returns the block's CRC and its `ok` flag for `expected`.
fn hardware_crc<S: Simulator>(
    bench: &mut Bench<S>,
    word_bytes: usize,
    message: &[u8],
    expected: u64,
) -> Result<(u64, bool), String> {
    sim(bench.reset(1))?;
    // Garbage first, then `clear`: the CRC must restart from init.
    sim(bench.set("enable", 1))?;
    sim(bench.set("data", 0xDEAD_BEEF))?;
    sim(bench.tick())?;
    sim(bench.set("clear", 1))?;
    sim(bench.tick())?;
    sim(bench.set("clear", 0))?;
    for word in message.chunks(word_bytes) {
        let value = word
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        sim(bench.set("data", value))?;
        sim(bench.set("enable", 1))?;
        sim(bench.tick())?;
        // An idle cycle between words must not change the CRC.
        sim(bench.set("enable", 0))?;
        sim(bench.tick())?;
    }
    sim(bench.set("expected", expected))?;
    sim(bench.eval())?;
    Ok((sim(bench.get("crc"))?, sim(bench.get("ok"))? == 1))
}

fn check(block: &str, word_bytes: usize, reference: impl Fn(&[u8]) -> u64) {
    let test = format!("{block}_matches_crc_catalogue");
    let strategy = prop::collection::vec(prop::collection::vec(any::<u8>(), word_bytes), 0..24)
        .prop_map(|w| w.concat());
    property(&test, 150, strategy, |message| {
        let want = reference(&message);
        with_vcd_on_failure(&test, block, |b| {
            let (got, ok) = hardware_crc(b, word_bytes, &message, want)?;
            if got != want {
                return Err(format!(
                    "{block} of {} bytes: hardware {got:#x}, reference {want:#x}",
                    message.len()
                ));
            }
            if !ok {
                return Err(format!(
                    "{block}: `ok` low although crc == expected ({want:#x})"
                ));
            }
            let (_, ok_wrong) = hardware_crc(b, word_bytes, &message, want ^ 1)?;
            if ok_wrong {
                return Err(format!("{block}: `ok` high for a wrong expected value"));
            }
            Ok(())
        })
    });
}

#[test]
fn crc16_matches_catalogue() {
    let reference = Crc::<u16>::new(&CRC_16_IBM_3740);
    check("crc16", 4, |m| u64::from(reference.checksum(m)));
}

#[test]
fn crc32_matches_catalogue() {
    let reference = Crc::<u32>::new(&CRC_32_ISO_HDLC);
    check("crc32", 8, |m| u64::from(reference.checksum(m)));
}

#[test]
fn crc32_check_value() {
    // One known word, ASCII "12345678", as a directed sanity case.
    let reference = Crc::<u32>::new(&CRC_32_ISO_HDLC).checksum(b"12345678");
    let mut b = verilator("crc32");
    let (got, _) = hardware_crc(&mut b, 8, b"12345678", 0).unwrap();
    assert_eq!(got, u64::from(reference));
}

#[test]
fn crc16_differential_rust_hdl_vs_verilator() {
    property(
        "crc16_differential",
        10,
        prop::collection::vec(any::<u8>(), 0..40),
        |mut message| {
            message.truncate(message.len() / 4 * 4);
            let mut b = differential("crc16", catalog::crc16());
            hardware_crc(&mut b, 4, &message, 0).map(|_| ())
        },
    );
}
