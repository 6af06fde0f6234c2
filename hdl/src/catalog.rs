//! The top blocks Kaizen emits, by name: each with its concrete parameters.
//! A test, the CLI and the flow all find blocks here.

use crate::d2d::advanced::{self as adv, AdvancedPhy};
use crate::d2d::deskew::{DeskewBlock, DESKEW_LANES, DESKEW_MAX};
use crate::d2d::phy::D2dPhy;
use crate::d2d::protocol as d2d;
use crate::emit::{emit, Emitted};
use crate::memctl::config::ControllerConfig;
use crate::memctl::controller::Memctl;
use crate::memctl::params::MemParams;
use crate::port_access;
use crate::primitives::*;
use crate::testchip::pack::TxnPack;
use crate::testchip::registers::CsrBlock;
use crate::testchip::top::{TestChip, TestChipAdvanced};
use crate::testchip::unpack::TxnUnpack;
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// 16 x 32-bit FIFO, almost full at 12.
pub type FifoTop = SyncFifo<Bits<32>, 4, 5>;
pub const FIFO_ALMOST_FULL: u64 = 12;
/// CRC-16/IBM-3740 over 32-bit words.
pub type Crc16Top = Crc<16, 32>;
/// CRC-32/ISO-HDLC over 64-bit words.
pub type Crc32Top = Crc<32, 64>;
/// PCIe 128b/130b LFSR, 32 bits per clock.
pub type ScramblerTop = Scrambler<23, 32>;
/// Round-robin arbiter over 8 requesters.
pub type ArbiterTop = RoundRobin<8>;
/// 16 x 32-bit asynchronous FIFO (write and read clocks independent).
pub type AsyncFifoTop = AsyncFifo<Bits<32>, 4, 5>;
/// One level through a two-flop synchroniser.
pub type BitSyncTop = SyncBits<Bit>;
/// 32-bit words through a two-phase handshake.
pub type HandshakeSyncTop = HandshakeSync<Bits<32>>;
/// A 64 x 32 two-port SRAM macro (the smallest top that carries one).
pub type SramTop = Sram<Bits<32>, 6>;

pub fn fifo() -> FifoTop {
    FifoTop::new(FIFO_ALMOST_FULL)
}
pub fn crc16() -> Crc16Top {
    Crc16Top::new(CRC16_IBM_3740)
}
pub fn crc32() -> Crc32Top {
    Crc32Top::new(CRC32_ISO_HDLC)
}
pub fn scrambler() -> ScramblerTop {
    ScramblerTop::new(PCIE_GEN3_LANE0)
}
pub fn arbiter() -> ArbiterTop {
    ArbiterTop::default()
}
pub fn async_fifo() -> AsyncFifoTop {
    AsyncFifoTop::new()
}
pub fn bit_sync() -> BitSyncTop {
    BitSyncTop::new(false)
}
pub fn pulse_sync() -> PulseSync {
    PulseSync::default()
}
pub fn handshake_sync() -> HandshakeSyncTop {
    HandshakeSyncTop::default()
}
/// The HBM3 controller as shipped: the `hbm3-6400` preset and the default
/// policy (bank-group-interleaved map, open page, all-bank refresh).
pub fn memctl() -> Result<Memctl, String> {
    memctl_with(
        &MemParams::preset(MEMCTL_PRESET)?,
        &ControllerConfig::default(),
    )
}
pub const MEMCTL_PRESET: &str = "hbm3-6400";

/// The controller for any preset and policy the RTL can be built for.
pub fn memctl_with(p: &MemParams, cfg: &ControllerConfig) -> Result<Memctl, String> {
    cfg.check(p)?;
    Ok(Memctl::new(p, cfg))
}

/// Emits the controller for any preset and policy (tests build variants).
pub fn emit_memctl(p: &MemParams, cfg: &ControllerConfig) -> Result<Emitted, String> {
    once(format!("memctl {p:?} {cfg:?}"), || {
        emit_connected("memctl", memctl_with(p, cfg)?, memctl_params(p, cfg))
    })
}

/// Emits a build once per process. Emission is deterministic, and
/// rust-hdl's generator is slow (it compiles regular expressions as it
/// goes): benches that load a model per test case would otherwise spend a
/// quarter of their time emitting the same Verilog again. `key` names
/// everything the build depends on.
fn once(key: String, emit: impl FnOnce() -> Result<Emitted, String>) -> Result<Emitted, String> {
    static EMITTED: std::sync::Mutex<BTreeMap<String, Emitted>> =
        std::sync::Mutex::new(BTreeMap::new());
    let cached = |key: &str| {
        EMITTED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(key)
            .cloned()
    };
    if let Some(e) = cached(&key) {
        return Ok(e);
    }
    // Not locked while emitting: different builds emit in parallel.
    let e = emit()?;
    EMITTED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(key, e.clone());
    Ok(e)
}

fn memctl_params(p: &MemParams, cfg: &ControllerConfig) -> BTreeMap<String, String> {
    params(&[
        ("preset", p.name.clone()),
        ("queue_depth", crate::memctl::queue::DEPTH.to_string()),
        ("write_high", cfg.write_high.to_string()),
        ("write_low", cfg.write_low.to_string()),
        ("age_cap", cfg.age_cap.to_string()),
        ("map", format!("{:?}", cfg.map)),
        ("page", format!("{:?}", cfg.page)),
        ("refresh", format!("{:?}", cfg.refresh)),
        ("dfi_ratio", "1:1".into()),
    ])
}

/// Emits the PHY; the teeth runs build mutants.
pub fn emit_d2d_phy(mutation: d2d::Mutation) -> Result<Emitted, String> {
    let mut p = d2d_phy_params();
    if mutation != d2d::Mutation::None {
        p.insert("mutation".into(), mutation.name().into());
    }
    once(format!("d2d_phy {}", mutation.name()), || {
        emit_connected("d2d_phy", D2dPhy::new(mutation), p)
    })
}

fn d2d_phy_params() -> BTreeMap<String, String> {
    params(&[
        ("package", "standard".into()),
        ("lanes", d2d::LANES.to_string()),
        ("bits_per_lane", d2d::LANE_BITS.to_string()),
        ("flit_bytes", crate::d2d::flit::FLIT_BYTES.to_string()),
        ("crc", crate::d2d::flit_crc::FLIT_CRC.name.to_string()),
        ("replay_slots", d2d::REPLAY_SLOTS.to_string()),
        ("max_skew", d2d::MAX_SKEW.to_string()),
        ("ack_timeout", d2d::ACK_TIMEOUT.to_string()),
        ("retrain_after", d2d::RETRAIN_AFTER.to_string()),
    ])
}

fn d2d_phy_advanced_params() -> BTreeMap<String, String> {
    let mut p = d2d_phy_params();
    p.insert("package".into(), "advanced".into());
    p.insert("lanes".into(), adv::DATA_LANES.to_string());
    p.insert("spares".into(), adv::SPARES.to_string());
    p.insert("bits_per_lane".into(), adv::LANE_BITS.to_string());
    p
}

/// Emits the advanced-package PHY; the teeth runs build mutants.
pub fn emit_d2d_phy_advanced(mutation: d2d::Mutation) -> Result<Emitted, String> {
    let mut p = d2d_phy_advanced_params();
    if mutation != d2d::Mutation::None {
        p.insert("mutation".into(), mutation.name().into());
    }
    once(format!("d2d_phy_advanced {}", mutation.name()), || {
        emit_connected("d2d_phy_advanced", AdvancedPhy::new(mutation), p)
    })
}

/// The test chip with the shipped controller.
pub fn testchip() -> Result<TestChip, String> {
    Ok(TestChip::new(memctl()?))
}

/// The test chip built with the advanced-package PHY.
pub fn testchip_advanced() -> Result<TestChipAdvanced, String> {
    Ok(TestChipAdvanced::new(memctl()?))
}

pub fn emit_testchip() -> Result<Emitted, String> {
    let p = testchip_params(d2d_phy_params())?;
    // The block (PHY and controller inside) is large and rust-hdl walks it
    // recursively: emit on a thread with a stack of its own rather than on
    // the caller's (a test thread has 2 MiB).
    once("testchip".into(), || {
        on_big_stack(move || emit_connected("testchip", testchip()?, p))
    })
}

pub fn emit_testchip_advanced() -> Result<Emitted, String> {
    let p = testchip_params(d2d_phy_advanced_params())?;
    once("testchip_advanced".into(), || {
        on_big_stack(move || emit_connected("testchip_advanced", testchip_advanced()?, p))
    })
}

/// The parameters both test chip builds record beside the PHY's.
fn testchip_params(mut p: BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    let mc = memctl_params(
        &MemParams::preset(MEMCTL_PRESET)?,
        &ControllerConfig::default(),
    );
    p.extend(mc.into_iter().map(|(k, v)| (format!("memctl_{k}"), v)));
    p.insert(
        "request_credits".into(),
        crate::testchip::transaction::REQUEST_CREDITS.to_string(),
    );
    p.insert(
        "register_map_version".into(),
        crate::testchip::registers::VERSION.to_string(),
    );
    Ok(p)
}

fn on_big_stack(
    f: impl FnOnce() -> Result<Emitted, String> + Send + 'static,
) -> Result<Emitted, String> {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .map_err(|e| format!("cannot start the emission thread: {e}"))?
        .join()
        .map_err(|_| "emitting the test chip panicked".to_string())?
}

pub fn reset_sync() -> ResetSync {
    ResetSync::default()
}

port_access!(SramTop {
    inputs: [
        clock,
        write_enable,
        write_address,
        write_data,
        read_enable,
        read_address
    ],
    outputs: [read_data]
});
port_access!(FifoTop {
    inputs: [clock, reset, push, data_in, pop],
    outputs: [data_out, full, empty, almost_full, count]
});
port_access!(generic [const W: usize, const D: usize] Crc<W, D> {
    inputs: [clock, reset, clear, enable, data, expected],
    outputs: [crc, ok]
});
port_access!(generic [const L: usize, const D: usize] Scrambler<L, D> {
    inputs: [clock, reset, enable, reseed, data_in],
    outputs: [data_out]
});
port_access!(ArbiterTop {
    inputs: [clock, reset, request, accept],
    outputs: [grant]
});
port_access!(AsyncFifoTop {
    inputs: [wr_clock, wr_reset, push, data_in, rd_clock, rd_reset, pop],
    outputs: [full, wr_level, data_out, empty, rd_level]
});
port_access!(BitSyncTop {
    inputs: [clock, reset, d],
    outputs: [q]
});
port_access!(PulseSync {
    inputs: [src_clock, src_reset, pulse_in, dst_clock, dst_reset],
    outputs: [pulse_out]
});
port_access!(HandshakeSyncTop {
    inputs: [src_clock, src_reset, send, data_in, dst_clock, dst_reset],
    outputs: [ready, valid, data_out]
});
port_access!(Memctl {
    inputs: [
        clock,
        reset,
        req_valid,
        req_write,
        req_addr,
        req_id,
        req_data,
        req_mask,
        rsp_ready,
        dfi_rddata_valid,
        dfi_rddata,
        cnt_sel
    ],
    outputs: [
        req_ready, rsp_valid, rsp_write, rsp_id, rsp_data, dfi_cmd, dfi_bank, dfi_row, dfi_col,
        dfi_wrdata, dfi_wrmask, cnt_value
    ]
});
port_access!(DeskewBlock {
    inputs: [clock, reset, lanes_in, delays],
    outputs: [lanes_out]
});
port_access!(AdvancedPhy {
    inputs: [clock, reset, tx_valid, tx_word, lanes_in, sb_in],
    outputs: [
        tx_ready,
        rx_valid,
        rx_first,
        rx_word,
        lanes_out,
        sb_out,
        state,
        rx_mode,
        lanes_good,
        tx_lanes_good,
        crc_errors,
        replays,
        retrains,
        rx_verdict,
        rx_crc_ok
    ]
});
port_access!(D2dPhy {
    inputs: [clock, reset, tx_valid, tx_word, lanes_in, sb_in],
    outputs: [
        tx_ready, rx_valid, rx_first, rx_word, lanes_out, sb_out, state, rx_mode, tx_mode,
        lanes_good, crc_errors, replays, retrains, rx_verdict, rx_crc_ok
    ]
});
port_access!(TxnUnpack {
    inputs: [clock, reset, rx_valid, rx_first, rx_word],
    outputs: [mem_valid, csr_valid, slot, bad_slots]
});
port_access!(TxnPack {
    inputs: [clock, reset, mem_valid, mem_slot, csr_valid, csr_header, credits, tx_ready],
    outputs: [mem_pop, csr_pop, tx_valid, tx_word]
});
port_access!(CsrBlock {
    inputs: [
        clock,
        reset,
        req_valid,
        req_header,
        rsp_pop,
        link_status,
        crc_errors,
        replays,
        retrains,
        bad_slots,
        link_test_status,
        lanes_good,
        mc_valid,
        mc_value,
        lt_value
    ],
    outputs: [rsp_valid, rsp_header, mc_request, mc_sel, lt_sel, rw, written]
});
/// Both test chip builds have the same ports (their lane buses differ in
/// width only).
macro_rules! testchip_ports {
    ($($chip:ident),*) => {$(
        port_access!($chip {
            inputs: [link_clock, mc_clock, reset, lanes_in, sb_in, dfi_rddata_valid, dfi_rddata],
            outputs: [
                lanes_out,
                sb_out,
                dfi_cmd,
                dfi_bank,
                dfi_row,
                dfi_col,
                dfi_wrdata,
                dfi_wrmask,
                link_state,
                link_test_running,
                mem_test_running
            ]
        });
    )*};
}
testchip_ports!(TestChip, TestChipAdvanced);
port_access!(ResetSync {
    inputs: [clock, async_reset],
    outputs: [sync_reset]
});

/// One emittable top block.
pub struct CatalogEntry {
    pub name: &'static str,
    pub summary: &'static str,
    pub emit: fn() -> Result<Emitted, String>,
}

fn params(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn emit_connected<B: Block>(
    name: &str,
    mut block: B,
    parameters: BTreeMap<String, String>,
) -> Result<Emitted, String> {
    block.connect_all();
    emit(name, &block, parameters)
}

fn crc_params(spec: &CrcSpec, data_bits: usize) -> BTreeMap<String, String> {
    params(&[
        ("crc", spec.name.to_string()),
        ("poly", format!("{:#x}", spec.poly)),
        ("init", format!("{:#x}", spec.init)),
        ("reflected", spec.reflected.to_string()),
        ("xorout", format!("{:#x}", spec.xorout)),
        ("data_bits", data_bits.to_string()),
    ])
}

pub const CATALOG: &[CatalogEntry] = &[
    CatalogEntry {
        name: "arbiter",
        summary: "round-robin arbiter, 8 requesters",
        emit: || emit_connected("arbiter", arbiter(), params(&[("requesters", "8".into())])),
    },
    CatalogEntry {
        name: "async_fifo",
        summary: "asynchronous FIFO, 16 x 32 bits, Gray pointers through two-flop synchronisers",
        emit: || {
            emit_connected(
                "async_fifo",
                async_fifo(),
                params(&[
                    ("width", "32".into()),
                    ("depth", "16".into()),
                    ("sync_stages", SYNC_STAGES.to_string()),
                ]),
            )
        },
    },
    CatalogEntry {
        name: "bit_sync",
        summary: "two-flop synchroniser for one level",
        emit: || {
            emit_connected(
                "bit_sync",
                bit_sync(),
                params(&[("stages", SYNC_STAGES.to_string())]),
            )
        },
    },
    CatalogEntry {
        name: "crc16",
        summary: "CRC-16/IBM-3740 generator/checker, 32 bits per clock",
        emit: || emit_connected("crc16", crc16(), crc_params(&CRC16_IBM_3740, 32)),
    },
    CatalogEntry {
        name: "crc32",
        summary: "CRC-32/ISO-HDLC generator/checker, 64 bits per clock",
        emit: || emit_connected("crc32", crc32(), crc_params(&CRC32_ISO_HDLC, 64)),
    },
    CatalogEntry {
        name: "d2d_phy",
        summary: "die-to-die PHY, UCIe-class standard package: 16 lanes, 256 B flits, CRC-32, replay, training, lane repair",
        emit: || emit_d2d_phy(d2d::Mutation::None),
    },
    CatalogEntry {
        name: "d2d_phy_advanced",
        summary: "die-to-die PHY, UCIe-class advanced package: 64 lanes + 4 spares x 2 bits, lane repair onto spares",
        emit: || emit_d2d_phy_advanced(d2d::Mutation::None),
    },
    CatalogEntry {
        name: "deskew",
        summary: "die-to-die lane deskew, 16 lanes x 8 bits, 0..15 clocks per lane",
        emit: || {
            emit_connected(
                "deskew",
                DeskewBlock::default(),
                params(&[
                    ("lanes", DESKEW_LANES.to_string()),
                    ("bits_per_lane", "8".into()),
                    ("max_delay", DESKEW_MAX.to_string()),
                ]),
            )
        },
    },
    CatalogEntry {
        name: "fifo",
        summary: "synchronous FWFT FIFO, 16 x 32 bits",
        emit: || {
            emit_connected(
                "fifo",
                fifo(),
                params(&[
                    ("width", "32".into()),
                    ("depth", "16".into()),
                    ("almost_full", FIFO_ALMOST_FULL.to_string()),
                ]),
            )
        },
    },
    CatalogEntry {
        name: "handshake_sync",
        summary: "two-phase handshake synchroniser, 32-bit words between clock domains",
        emit: || {
            emit_connected(
                "handshake_sync",
                handshake_sync(),
                params(&[
                    ("width", "32".into()),
                    ("sync_stages", SYNC_STAGES.to_string()),
                ]),
            )
        },
    },
    CatalogEntry {
        name: "memctl",
        summary: "HBM3 pseudo-channel controller (FR-FCFS, 16 banks, DFI-style 1:1)",
        emit: || {
            emit_memctl(
                &MemParams::preset(MEMCTL_PRESET)?,
                &ControllerConfig::default(),
            )
        },
    },
    CatalogEntry {
        name: "pulse_sync",
        summary: "toggle pulse synchroniser between clock domains",
        emit: || {
            emit_connected(
                "pulse_sync",
                pulse_sync(),
                params(&[("sync_stages", SYNC_STAGES.to_string())]),
            )
        },
    },
    CatalogEntry {
        name: "reset_sync",
        summary: "reset synchronizer (async assert, sync de-assert)",
        emit: || {
            emit_connected(
                "reset_sync",
                reset_sync(),
                params(&[("stages", "2".into())]),
            )
        },
    },
    CatalogEntry {
        name: "scrambler",
        summary: "additive LFSR scrambler (PCIe 128b/130b polynomial), 32 bits per clock",
        emit: || {
            let s = PCIE_GEN3_LANE0;
            emit_connected(
                "scrambler",
                scrambler(),
                params(&[
                    ("lfsr", s.name.to_string()),
                    ("length", s.length.to_string()),
                    ("poly", format!("{:#x}", s.poly)),
                    ("seed", format!("{:#x}", s.seed)),
                    ("data_bits", "32".into()),
                ]),
            )
        },
    },
    CatalogEntry {
        name: "sram",
        summary: "two-port SRAM macro, 64 x 32 bits, registered read (behavioural model; a black box in the flow)",
        emit: || {
            let shape = SramTop::shape();
            emit_connected(
                "sram",
                SramTop::default(),
                params(&[
                    ("words", shape.words.to_string()),
                    ("bits", shape.bits.to_string()),
                    ("macro", shape.name()),
                ]),
            )
        },
    },
    CatalogEntry {
        name: "testchip",
        summary: "the test chip: a partner die reaches HBM through the die-to-die link (PHY, transaction layer, async FIFOs, controller, registers)",
        emit: emit_testchip,
    },
    CatalogEntry {
        name: "testchip_advanced",
        summary: "the test chip built with the advanced-package PHY (64 lanes + 4 spares)",
        emit: emit_testchip_advanced,
    },
    CatalogEntry {
        name: "testchip_csr",
        summary: "test chip register block: the register map served over the link",
        emit: || {
            emit_connected(
                "testchip_csr",
                CsrBlock::default(),
                params(&[
                    ("registers", crate::testchip::registers::indices().count().to_string()),
                    ("version", crate::testchip::registers::VERSION.to_string()),
                ]),
            )
        },
    },
    CatalogEntry {
        name: "txn_pack",
        summary: "test chip transaction layer, transmit: response slots and credits into flit payloads",
        emit: || {
            emit_connected(
                "txn_pack",
                TxnPack::default(),
                params(&[("slots_per_flit", crate::testchip::transaction::SLOTS.to_string())]),
            )
        },
    },
    CatalogEntry {
        name: "txn_unpack",
        summary: "test chip transaction layer, receive: flit payloads into request slots",
        emit: || {
            emit_connected(
                "txn_unpack",
                TxnUnpack::default(),
                params(&[("slots_per_flit", crate::testchip::transaction::SLOTS.to_string())]),
            )
        },
    },
];

pub fn find(name: &str) -> Result<&'static CatalogEntry, String> {
    CATALOG.iter().find(|e| e.name == name).ok_or_else(|| {
        let known: Vec<_> = CATALOG.iter().map(|e| e.name).collect();
        format!("unknown block `{name}`; known blocks: {}", known.join(", "))
    })
}
