//! Field widths of the controller's datapath. The RTL is built for one
//! geometry (16 banks in 4 bank groups, 16 Ki rows, 32 bursts per row, 32-byte
//! bursts); `ControllerConfig::check` refuses a preset with another one, so
//! timing presets vary freely while the widths stay types.

use rust_hdl::prelude::*;

pub const BANKS: usize = 16;
pub const GROUPS: usize = 4;
pub const ROWS: u32 = 16384;
pub const COLUMNS: u32 = 32;
pub const BURST_BYTES: usize = 32;
pub const DATA_BITS: usize = BURST_BYTES * 8;

/// Bank index inside the controller: {bank, bank group}, so the bank group
/// is the low two bits.
pub type BankIdx = Bits<4>;
pub type BankVec = Bits<16>;
pub type Row = Bits<14>;
pub type Col = Bits<5>;
pub type Id = Bits<8>;
/// Write-data buffer slot (one per write-queue entry).
pub type Slot = Bits<5>;
/// One bit per write-data slot.
pub type SlotVec = Bits<32>;
/// Queue position.
pub type QIdx = Bits<5>;
/// Entries in a queue, 0 ..= 32.
pub type Count = Bits<6>;
/// Cycles since acceptance, saturating.
pub type Age = Bits<10>;
/// Down-counter of a timing rule: cycles until the command may issue.
pub type Timer = Bits<9>;
/// Burst address: 16 banks x 16 Ki rows x 32 bursts = 2^23 bursts (256 MiB).
pub type Addr = Bits<23>;
pub type Data = Bits<DATA_BITS>;
pub type Mask = Bits<BURST_BYTES>;
/// A write's data (bits 0..256) and byte mask (256..288), stored together.
pub type WriteWord = Bits<{ DATA_BITS + BURST_BYTES }>;
pub type Counter = Bits<32>;
