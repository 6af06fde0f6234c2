//! The transaction layer's RTL ends against the format's byte-level codec
//! (`kaizen_hdl::testchip::transaction`, written from its table, not from
//! the RTL): random flits of requests cut into slots by `txn_unpack`, and
//! random response streams packed into flits by `txn_pack`, under gaps in
//! the link's delivery and back-pressure from it.

mod common;

use common::*;
use kaizen_hdl::testchip::pack::TxnPack;
use kaizen_hdl::testchip::transaction::{
    Flit, Message, DATA_BYTES, PAYLOAD_BYTES, SLOTS, SLOT_BYTES, TRAILER_WORD, WORD_BYTES,
};
use kaizen_hdl::testchip::unpack::TxnUnpack;
use kaizen_sim::bench::{Bench, Simulator};
use kaizen_sim::memctl::bench::{bytes_to_words, words_to_bytes};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// All the bytes of `words`.
fn bytes_of(words: &[u64]) -> Vec<u8> {
    words_to_bytes(words, 8 * words.len())
}

fn data(rng: &mut ChaCha8Rng) -> [u8; DATA_BYTES] {
    let mut d = [0u8; DATA_BYTES];
    rng.fill(&mut d[..]);
    d
}

fn request(rng: &mut ChaCha8Rng) -> Message {
    let tag = rng.gen();
    let addr = rng.gen_range(0..1 << 23);
    match rng.gen_range(0..4) {
        0 => Message::MemRead { tag, addr },
        1 => Message::MemWrite {
            tag,
            addr,
            data: data(rng),
            mask: rng.gen(),
        },
        2 => Message::CsrRead {
            tag,
            addr: rng.gen_range(0..64),
        },
        _ => Message::CsrWrite {
            tag,
            addr: rng.gen_range(0..64),
            value: rng.gen(),
        },
    }
}

// ------------------------------------------------------------- unpack

/// `flits` random payloads (some slots empty, some with an opcode that is
/// no request) delivered with random gaps; every request must come out once,
/// in order, flagged memory or register, and every bad slot be counted.
fn unpack_case<S: Simulator>(b: &mut Bench<S>, flits: usize, seed: u64) -> Result<(), String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut expected = VecDeque::new();
    let mut bad = 0u64;
    let mut payloads = vec![];
    for _ in 0..flits {
        let mut p = [0u8; PAYLOAD_BYTES];
        for s in 0..SLOTS {
            let at = s * SLOT_BYTES;
            match rng.gen_range(0..10) {
                0 | 1 => {}
                2 => {
                    // Garbage with an opcode no request has.
                    rng.fill(&mut p[at..at + SLOT_BYTES]);
                    p[at] = rng.gen_range(5..=0xff);
                    bad += 1;
                }
                _ => {
                    let m = request(&mut rng);
                    p[at..at + SLOT_BYTES].copy_from_slice(&m.encode());
                    expected.push_back(m);
                }
            }
        }
        p[TRAILER_WORD * WORD_BYTES] = rng.gen();
        payloads.push(p);
    }
    let total = expected.len();
    sim(b.reset(2))?;
    let (valid, first, word) = (b.port("rx_valid"), b.port("rx_first"), b.port("rx_word"));
    let (valid, first, word) = (sim(valid)?, sim(first)?, sim(word)?);
    let (mem, csr, slot) = (
        sim(b.port("mem_valid"))?,
        sim(b.port("csr_valid"))?,
        sim(b.port("slot"))?,
    );
    // The block registers its inputs: a slot shows a few clocks after its
    // last word; every slot output must be the next request sent.
    let mut clock = 0;
    let mut check = |b: &mut Bench<S>, clock: u64| -> Result<(), String> {
        sim(b.tick())?;
        sim(b.eval())?;
        let (is_mem, is_csr) = (b.get_id(mem) == 1, b.get_id(csr) == 1);
        if !(is_mem || is_csr) {
            return Ok(());
        }
        let got = Message::decode(&bytes_of(&b.get_wide(slot))[..SLOT_BYTES])
            .map_err(|e| format!("clock {clock}: slot does not decode: {e}"))?;
        let want = expected.pop_front();
        if got != want {
            return Err(format!("clock {clock}: slot {got:?}, sent {want:?}"));
        }
        let want_mem = matches!(
            want,
            Some(Message::MemRead { .. } | Message::MemWrite { .. })
        );
        if (is_mem, is_csr) != (want_mem, !want_mem) {
            return Err(format!(
                "clock {clock}: {want:?} flagged mem {is_mem} csr {is_csr}"
            ));
        }
        Ok(())
    };
    for p in &payloads {
        let mut padded = p.to_vec();
        padded.resize(16 * WORD_BYTES, 0);
        for w in 0..16 {
            while rng.gen_bool(0.3) {
                // A gap: whatever is on the wires must be ignored.
                b.set_id(valid, 0);
                b.set_id(first, u64::from(rng.gen_bool(0.5)));
                b.set_wide(word, &[rng.gen(), rng.gen()]);
                check(b, clock)?;
                clock += 1;
            }
            b.set_id(valid, 1);
            b.set_id(first, u64::from(w == 0));
            b.set_wide(
                word,
                &bytes_to_words(&padded[w * WORD_BYTES..(w + 1) * WORD_BYTES]),
            );
            check(b, clock)?;
            clock += 1;
        }
    }
    b.set_id(valid, 0);
    for k in 0..3 {
        check(b, clock + k)?;
    }
    if !expected.is_empty() {
        return Err(format!(
            "{} of {total} requests never came out",
            expected.len()
        ));
    }
    let counted = sim(b.get("bad_slots"))?;
    if counted != bad {
        return Err(format!("bad_slots = {counted}, {bad} were sent"));
    }
    Ok(())
}

#[test]
fn unpack_delivers_every_request_once_in_order() {
    property(
        "unpack_delivers_every_request_once_in_order",
        40,
        any::<u64>(),
        |seed| with_vcd_on_failure("txn_unpack", "txn_unpack", |b| unpack_case(b, 40, seed)),
    );
}

// ------------------------------------------------------------- pack

fn response(rng: &mut ChaCha8Rng, memory: bool) -> Message {
    let tag = rng.gen();
    match (memory, rng.gen_bool(0.5)) {
        (true, true) => Message::ReadData {
            tag,
            data: data(rng),
        },
        (true, false) => Message::WriteAck { tag },
        (false, true) => Message::CsrData {
            tag,
            value: rng.gen(),
        },
        (false, false) => Message::CsrAck { tag },
    }
}

/// Random memory and register responses arriving at random, random
/// back-pressure, credits rising at random. Checks: each slot takes a
/// register response if one waits, else a memory response (popping it), else
/// stays empty; the flits decode to exactly the responses popped; each
/// flit's credits are the input when its trailer went; no flit goes with
/// nothing new; the last credits are advertised.
fn pack_case<S: Simulator>(b: &mut Bench<S>, clocks: u64, seed: u64) -> Result<usize, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut mem_q, mut csr_q) = (VecDeque::new(), VecDeque::new());
    let mut popped: VecDeque<Message> = VecDeque::new();
    let mut credits = 0u16;
    let mut words: Vec<u64> = vec![];
    let mut trailer_credits = vec![];
    let mut flits = vec![];
    let mut delivered = 0;
    sim(b.reset(2))?;
    let p = |b: &Bench<S>, n: &str| b.port(n).map_err(|e| e.to_string());
    let (mv, ms, mp) = (p(b, "mem_valid")?, p(b, "mem_slot")?, p(b, "mem_pop")?);
    let (cv, ch, cp) = (p(b, "csr_valid")?, p(b, "csr_header")?, p(b, "csr_pop")?);
    let (cr, rd, tv, tw) = (
        p(b, "credits")?,
        p(b, "tx_ready")?,
        p(b, "tx_valid")?,
        p(b, "tx_word")?,
    );
    let quiet_from = clocks * 3 / 4;
    for clock in 0..clocks {
        if clock < quiet_from {
            if rng.gen_bool(0.15) {
                mem_q.push_back(response(&mut rng, true));
            }
            if rng.gen_bool(0.03) {
                csr_q.push_back(response(&mut rng, false));
            }
            if rng.gen_bool(0.05) {
                credits = credits.wrapping_add(rng.gen_range(1..4));
            }
        }
        let ready = rng.gen_bool(0.8);
        b.set_id(mv, u64::from(!mem_q.is_empty()));
        b.set_wide(
            ms,
            &bytes_to_words(&mem_q.front().map_or([0; SLOT_BYTES], Message::encode)),
        );
        b.set_id(cv, u64::from(!csr_q.is_empty()));
        b.set_wide(
            ch,
            &bytes_to_words(&csr_q.front().map_or([0; SLOT_BYTES], Message::encode)[..16]),
        );
        b.set_id(cr, u64::from(credits));
        b.set_id(rd, u64::from(ready));
        sim(b.eval())?;
        let sending = ready && b.get_id(tv) == 1;
        // 128-bit words of the flit so far (two u64 each).
        let index = words.len() / 2;
        let slot_start = sending && index < TRAILER_WORD && index.is_multiple_of(3);
        let want = if !slot_start {
            (false, false)
        } else if !csr_q.is_empty() {
            (false, true)
        } else {
            (!mem_q.is_empty(), false)
        };
        let got = (b.get_id(mp) == 1, b.get_id(cp) == 1);
        if got != want {
            return Err(format!(
                "clock {clock}, word {index}: (mem_pop, csr_pop) = {got:?}, the slot rule says {want:?}"
            ));
        }
        if got.0 {
            popped.extend(mem_q.pop_front());
        }
        if got.1 {
            popped.extend(csr_q.pop_front());
        }
        if sending {
            words.extend(b.get_wide(tw));
            if index == TRAILER_WORD {
                trailer_credits.push(credits);
                let bytes = bytes_of(&words);
                if bytes[PAYLOAD_BYTES..].iter().any(|&x| x != 0) {
                    return Err(format!(
                        "clock {clock}: bytes past the payload are not zero"
                    ));
                }
                let f = Flit::decode(bytes[..PAYLOAD_BYTES].try_into().unwrap())
                    .map_err(|e| format!("clock {clock}: flit does not decode: {e}"))?;
                flits.push(f);
                words.clear();
            }
        }
        sim(b.tick())?;
    }
    if !words.is_empty() || !mem_q.is_empty() || !csr_q.is_empty() {
        return Err("responses still waiting at the end of the quiet time".into());
    }
    let mut last_credits = 0;
    for (k, f) in flits.iter().enumerate() {
        if f.credits != trailer_credits[k] {
            return Err(format!(
                "flit {k} advertises {} credits, the input was {}",
                f.credits, trailer_credits[k]
            ));
        }
        if f.slots.iter().all(Option::is_none) && f.credits == last_credits {
            return Err(format!("flit {k} carries nothing new"));
        }
        last_credits = f.credits;
        for m in f.slots.iter().flatten() {
            let want = popped.pop_front();
            if Some(m) != want.as_ref() {
                return Err(format!("flit {k}: slot {m:?}, popped {want:?}"));
            }
            delivered += 1;
        }
    }
    if !popped.is_empty() {
        return Err(format!("{} popped responses never sent", popped.len()));
    }
    if last_credits != credits {
        return Err(format!(
            "last flit advertises {last_credits}, the input is {credits}"
        ));
    }
    Ok(delivered)
}

#[test]
fn pack_sends_every_response_once_with_its_credits() {
    property(
        "pack_sends_every_response_once_with_its_credits",
        40,
        any::<u64>(),
        |seed| {
            let n = with_vcd_on_failure("txn_pack", "txn_pack", |b| pack_case(b, 4000, seed))?;
            if n < 100 {
                return Err(format!("only {n} responses sent"));
            }
            Ok(())
        },
    );
}

#[test]
fn transaction_ends_differential_rust_hdl_vs_verilator() {
    property("transaction_ends_differential", 3, any::<u64>(), |seed| {
        unpack_case(
            &mut differential("txn_unpack", TxnUnpack::default()),
            6,
            seed,
        )?;
        pack_case(&mut differential("txn_pack", TxnPack::default()), 600, seed).map(|_| ())
    });
}
