//! Address mapping: which bits of a request's burst address select the
//! column, bank, bank group and row. Addresses count bursts (one burst =
//! `burst_bytes`), so consecutive addresses are consecutive bursts.

use super::params::Geometry;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapScheme {
    /// row : bank : bank group : column. Consecutive bursts stay in one row
    /// (row hits); the next row goes to the next bank group.
    RowBankGroupColumn,
    /// row : bank : column-high : column-low : bank group. Consecutive
    /// bursts rotate over the bank groups (so tCCD_S applies, not tCCD_L),
    /// two bursts per group turn; a stream opens one bank per group at a
    /// time, so new rows are opened four at a time, well inside tFAW.
    BankGroupInterleaved,
}

impl MapScheme {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "row-bank-bg-col" => Ok(Self::RowBankGroupColumn),
            "bg-interleaved" => Ok(Self::BankGroupInterleaved),
            _ => Err(format!(
                "unknown address map `{s}`; known: row-bank-bg-col, bg-interleaved"
            )),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub group: u32,
    pub bank: u32,
    pub row: u32,
    pub col: u32,
}

fn bits(n: u32) -> u32 {
    n.trailing_zeros()
}

/// Splits a burst address (wrapped to the pseudo-channel's capacity).
pub fn map(scheme: MapScheme, g: &Geometry, addr: u64) -> Location {
    let mut a = addr;
    let mut take = |n: u32| {
        let v = (a & ((1u64 << bits(n)) - 1)) as u32;
        a >>= bits(n);
        v
    };
    match scheme {
        MapScheme::RowBankGroupColumn => {
            let col = take(g.columns);
            let group = take(g.bank_groups);
            let bank = take(g.banks_per_group);
            let row = take(g.rows);
            Location {
                group,
                bank,
                row,
                col,
            }
        }
        MapScheme::BankGroupInterleaved => {
            let group = take(g.bank_groups);
            let col_lo = take(2);
            let col_hi = take(g.columns / 2);
            let bank = take(g.banks_per_group);
            let row = take(g.rows);
            Location {
                group,
                bank,
                row,
                col: (col_hi << 1) | col_lo,
            }
        }
    }
}

/// Bursts the pseudo-channel holds.
pub fn capacity(g: &Geometry) -> u64 {
    u64::from(g.bank_groups)
        * u64::from(g.banks_per_group)
        * u64::from(g.rows)
        * u64::from(g.columns)
}
