//! The test chip's register block against its register map: random
//! register requests (every register, unmapped indices, writes to read-only
//! ones) must be answered in order exactly as the map says, with the
//! controller domain's registers fetched over the cross-domain port and the
//! link self-test's results over its select port; every read-write
//! register's value and write strobe must show on `rw` / `written`; the
//! generated documentation must match the map.

mod common;

use common::*;
use kaizen_hdl::memctl::controller::CounterSel;
use kaizen_hdl::testchip::registers::{
    at, indices, markdown, read_write, CsrBlock, Source, LANES_GOOD_WORDS, LT_REGISTERS, REGISTERS,
    RW_REGISTERS,
};
use kaizen_hdl::testchip::transaction::{Message, CSR_CREDITS, SLOT_BYTES};
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::memctl::bench::bytes_to_words;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, VecDeque};

const INPUTS: [&str; 6] = [
    "link_test_status",
    "link_status",
    "crc_errors",
    "replays",
    "retrains",
    "bad_slots",
];

/// The answer the map gives to `m`, updating the read-write registers.
fn expected(
    m: &Message,
    rw: &mut HashMap<u32, u32>,
    inputs: &HashMap<&str, u32>,
    mc: &[u32],
    lt: &[u32],
    good: &[u32],
) -> Message {
    let (tag, addr, write) = match *m {
        Message::CsrRead { tag, addr } => (tag, addr, None),
        Message::CsrWrite { tag, addr, value } => (tag, addr, Some(value)),
        _ => unreachable!("register requests only"),
    };
    let Some((r, e)) = at(addr) else {
        return Message::CsrError { tag };
    };
    match (write, r.element_source(e)) {
        (Some(v), Source::ReadWrite(_)) => {
            rw.insert(addr, v);
            Message::CsrAck { tag }
        }
        (Some(_), _) => Message::CsrError { tag },
        (None, Source::Constant(v)) => Message::CsrData { tag, value: v },
        (None, Source::ReadWrite(reset)) => Message::CsrData {
            tag,
            value: *rw.get(&addr).unwrap_or(&reset),
        },
        (None, Source::Input("lanes_good")) => Message::CsrData {
            tag,
            value: good[e as usize],
        },
        (None, Source::Input(p)) => Message::CsrData {
            tag,
            value: inputs[p],
        },
        (None, Source::Controller(n)) => Message::CsrData {
            tag,
            value: mc[n as usize],
        },
        (None, Source::LinkTest(n)) => Message::CsrData {
            tag,
            value: lt[n as usize],
        },
    }
}

fn request(rng: &mut ChaCha8Rng) -> Message {
    let tag = rng.gen();
    let addr = match rng.gen_range(0..10) {
        0 => rng.gen_range(0..0x200),
        1 => rng.gen(),
        _ => {
            let all: Vec<u32> = indices().collect();
            all[rng.gen_range(0..all.len())]
        }
    };
    if rng.gen_bool(0.35) {
        Message::CsrWrite {
            tag,
            addr,
            value: rng.gen(),
        }
    } else {
        Message::CsrRead { tag, addr }
    }
}

fn case<S: Simulator>(b: &mut Bench<S>, requests: usize, seed: u64) -> Result<(), String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let inputs: HashMap<&str, u32> = INPUTS.iter().map(|&p| (p, rng.gen())).collect();
    let mc: Vec<u32> = (0..16).map(|_| rng.gen()).collect();
    let lt: Vec<u32> = (0..LT_REGISTERS).map(|_| rng.gen()).collect();
    let good: Vec<u32> = (0..LANES_GOOD_WORDS).map(|_| rng.gen()).collect();
    let rw_regs: Vec<u32> = read_write().map(|r| r.index).collect();
    let mut rw = HashMap::new();
    sim(b.reset(2))?;
    for (p, v) in &inputs {
        sim(b.set(p, u64::from(*v)))?;
    }
    let lanes_good = b.port("lanes_good").map_err(|e| e.to_string())?;
    let words: Vec<u64> = good
        .chunks(2)
        .map(|c| c.iter().rev().fold(0u64, |w, &v| (w << 32) | u64::from(v)))
        .collect();
    b.set_wide(lanes_good, &words);
    let port = |b: &Bench<S>, n: &str| b.port(n).map_err(|e| e.to_string());
    let (req_valid, req_header) = (port(b, "req_valid")?, port(b, "req_header")?);
    let (rsp_valid, rsp_header, rsp_pop) = (
        port(b, "rsp_valid")?,
        port(b, "rsp_header")?,
        port(b, "rsp_pop")?,
    );
    let (mc_request, mc_sel) = (port(b, "mc_request")?, port(b, "mc_sel")?);
    let (mc_valid, mc_value) = (port(b, "mc_valid")?, port(b, "mc_value")?);
    let (lt_sel, lt_value) = (port(b, "lt_sel")?, port(b, "lt_value")?);
    let (rw_port, written) = (port(b, "rw")?, port(b, "written")?);
    // Writes to read-write registers, oldest first, whose strobe is due.
    let mut strobes: VecDeque<usize> = VecDeque::new();
    let mut outstanding: VecDeque<Message> = VecDeque::new();
    let (mut sent, mut answered) = (0, 0);
    // The controller domain's answer: counter and the clock it arrives.
    let mut mc_pending: Option<(u64, u64)> = None;
    let mut clock = 0u64;
    while answered < requests {
        if clock > 200 * requests as u64 {
            return Err(format!("stalled: {answered} of {requests} answered"));
        }
        let send = sent < requests && outstanding.len() < CSR_CREDITS as usize && rng.gen_bool(0.5);
        let m = request(&mut rng);
        b.set_id(req_valid, u64::from(send));
        b.set_wide(req_header, &bytes_to_words(&m.encode()[..16]));
        let pop = rng.gen_bool(0.6);
        b.set_id(rsp_pop, 0);
        match mc_pending {
            Some((sel, at)) if at == clock => {
                b.set_id(mc_valid, 1);
                b.set_id(mc_value, u64::from(mc[sel as usize]));
                mc_pending = None;
            }
            _ => b.set_id(mc_valid, 0),
        }
        sim(b.eval())?;
        let sel = b.get_id(lt_sel) as usize;
        b.set_id(lt_value, u64::from(*lt.get(sel).unwrap_or(&0)));
        sim(b.eval())?;
        let w = b.get_id(written);
        if w != 0 {
            let want = strobes
                .pop_front()
                .ok_or_else(|| format!("clock {clock}: written = {w:#x} with no write due"))?;
            if w != 1 << want {
                return Err(format!(
                    "clock {clock}: written = {w:#x}, the write due is to read-write register {want}"
                ));
            }
        }
        if b.get_id(mc_request) == 1 {
            if mc_pending.is_some() {
                return Err(format!(
                    "clock {clock}: a second counter request before the answer"
                ));
            }
            mc_pending = Some((b.get_id(mc_sel), clock + rng.gen_range(1..12)));
        }
        if b.get_id(rsp_valid) == 1 && pop {
            b.set_id(rsp_pop, 1);
            let mut slot = [0u8; SLOT_BYTES];
            let header: Vec<u8> = b
                .get_wide(rsp_header)
                .iter()
                .flat_map(|w| w.to_le_bytes())
                .collect();
            slot[..16].copy_from_slice(&header);
            let got = Message::decode(&slot).map_err(|e| format!("clock {clock}: {e}"))?;
            let asked = outstanding
                .pop_front()
                .ok_or_else(|| format!("clock {clock}: a response nobody asked for: {got:?}"))?;
            let want = expected(&asked, &mut rw, &inputs, &mc, &lt, &good);
            if got.as_ref() != Some(&want) {
                return Err(format!(
                    "clock {clock}: {asked:?} answered {got:?}, the map says {want:?}"
                ));
            }
            answered += 1;
            // Every read-write register shows its value on `rw`.
            let words = b.get_wide(rw_port);
            for (slot, index) in rw_regs.iter().enumerate() {
                let (r, _) = at(*index).expect("mapped");
                let Source::ReadWrite(reset) = r.source else {
                    unreachable!("read_write() lists read-write registers")
                };
                let want = *rw.get(index).unwrap_or(&reset);
                let got = (words[slot / 2] >> (32 * (slot % 2))) as u32;
                if got != want {
                    return Err(format!(
                        "clock {clock}: rw field {slot} ({}) = {got:#x}, the register holds {want:#x}",
                        r.name
                    ));
                }
            }
        }
        if send {
            if let Message::CsrWrite { addr, .. } = m {
                if let Some(slot) = rw_regs.iter().position(|&i| i == addr) {
                    strobes.push_back(slot);
                }
            }
            outstanding.push_back(m);
            sent += 1;
        }
        sim(b.tick())?;
        clock += 1;
    }
    Ok(())
}

#[test]
fn register_block_answers_as_the_map_says() {
    property(
        "register_block_answers_as_the_map_says",
        60,
        any::<u64>(),
        |seed| with_vcd_on_failure("testchip_csr", "testchip_csr", |b| case(b, 300, seed)),
    );
}

#[test]
fn register_block_differential_rust_hdl_vs_verilator() {
    property("register_block_differential", 3, any::<u64>(), |seed| {
        case(
            &mut differential("testchip_csr", CsrBlock::default()),
            60,
            seed,
        )
    });
}

#[test]
fn controller_registers_name_the_controllers_counters() {
    for (name, sel) in [
        ("MC_READS", CounterSel::Reads),
        ("MC_WRITES", CounterSel::Writes),
        ("MC_ACTIVATES", CounterSel::Activates),
        ("MC_PRECHARGES", CounterSel::Precharges),
        ("MC_ROW_HITS", CounterSel::RowHits),
        ("MC_ROW_MISSES", CounterSel::RowMisses),
        ("MC_ROW_CONFLICTS", CounterSel::RowConflicts),
        ("MC_REFRESHES", CounterSel::Refreshes),
        ("MC_DATA_BUSY", CounterSel::DataBusyCycles),
    ] {
        let r = REGISTERS.iter().find(|r| r.name == name).unwrap();
        assert_eq!(r.source, Source::Controller(sel as u32), "{name}");
    }
    let all: Vec<u32> = indices().collect();
    assert!(
        all.windows(2).all(|w| w[0] < w[1]),
        "indices are unique and sorted"
    );
    assert_eq!(read_write().count(), RW_REGISTERS);
    assert!(REGISTERS.iter().all(|r| r.count >= 1));
}

#[test]
fn the_documented_register_map_is_the_generated_one() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/testchip-registers.md"
    ))
    .unwrap();
    assert!(
        doc.contains(&markdown()),
        "docs/testchip-registers.md differs from the map: regenerate its table with `kaizen regmap`"
    );
}
