//! The controller's policy knobs, shared by the RTL and the software
//! reference scheduler so both run the same policy on the same trace.

use super::mapping::MapScheme;
use super::params::MemParams;
use super::queue::DEPTH;
use super::widths;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagePolicy {
    /// Rows stay open until a conflict or refresh closes them.
    Open,
    /// A row closes once no queued request hits it.
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshMode {
    /// REFab: every bank closed and refreshed at once, tRFCab.
    AllBank,
    /// REFpb: one bank at a time in round-robin order, the others keep
    /// working; a full round pays one tREFI.
    PerBank,
}

impl PagePolicy {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            _ => Err(format!("unknown page policy `{s}`; known: open, closed")),
        }
    }
}

impl RefreshMode {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "all-bank" => Ok(Self::AllBank),
            "per-bank" => Ok(Self::PerBank),
            _ => Err(format!(
                "unknown refresh mode `{s}`; known: all-bank, per-bank"
            )),
        }
    }
}

/// What the RTL controller is built with (queue depth is fixed at 16).
#[derive(Clone, Debug, PartialEq)]
pub struct ControllerConfig {
    /// Start draining writes at this many queued writes ...
    pub write_high: u32,
    /// ... and stop at this many.
    pub write_low: u32,
    /// A queue head older than this (cycles since acceptance) goes first.
    pub age_cap: u32,
    pub page: PagePolicy,
    pub map: MapScheme,
    pub refresh: RefreshMode,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        Self {
            write_high: 12,
            write_low: 4,
            age_cap: 512,
            page: PagePolicy::Open,
            map: MapScheme::BankGroupInterleaved,
            refresh: RefreshMode::AllBank,
        }
    }
}

impl ControllerConfig {
    /// Whether the RTL can be built for `p` with this policy: the geometry
    /// matches the datapath widths and every timing fits its counter.
    pub fn check(&self, p: &MemParams) -> Result<(), String> {
        let g = &p.geometry;
        if g.bank_groups * g.banks_per_group != widths::BANKS as u32
            || g.bank_groups != widths::GROUPS as u32
            || g.rows != widths::ROWS
            || g.columns != widths::COLUMNS
            || p.burst_bytes() != widths::BURST_BYTES as u32
        {
            return Err(format!(
                "the RTL controller is built for 4 bank groups x 4 banks, {} rows, {} columns and {}-byte bursts; preset `{}` has {} x {}, {} rows, {} columns, {}-byte bursts",
                widths::ROWS, widths::COLUMNS, widths::BURST_BYTES, p.name,
                g.bank_groups, g.banks_per_group, g.rows, g.columns, p.burst_bytes()
            ));
        }
        let depth = DEPTH as u32;
        if !(self.write_low < self.write_high && self.write_high <= depth) {
            return Err(format!(
                "write watermarks must satisfy low < high <= {depth} (got {} < {} <= {depth})",
                self.write_low, self.write_high
            ));
        }
        if !(1..1023).contains(&self.age_cap) {
            return Err(format!(
                "age cap {} must be within 1 ..= 1022 cycles (10-bit age counters)",
                self.age_cap
            ));
        }
        for (name, value) in TimerLoads::of(p).named() {
            if !(0..512).contains(&value) {
                return Err(format!(
                    "timing {name} needs a counter load of {value} cycles; the controller's timing counters hold 0 ..= 511"
                ));
            }
        }
        if p.timing.trefi >= 1 << 14 || p.timing.trefi < widths::BANKS as u32 {
            return Err(format!(
                "tREFI {} must be within {} ..= 16383 cycles",
                p.timing.trefi,
                widths::BANKS
            ));
        }
        Ok(())
    }
}

/// Every timing counter's load value: a rule "B at least N cycles after A"
/// loads N - 1 when A issues, so B may issue when the counter reads zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerLoads {
    pub trcd_rd: i64,
    pub trcd_wr: i64,
    pub tras: i64,
    pub trc: i64,
    pub trp: i64,
    pub trrd_s: i64,
    pub tppd: i64,
    pub trrefd: i64,
    pub trrd_l: i64,
    pub tfaw: i64,
    pub tccd_s: i64,
    pub tccd_l: i64,
    pub trtw: i64,
    pub trtp: i64,
    /// Write to read: counted from the WR, so WL + burst + tWTR.
    pub wtr_s: i64,
    pub wtr_l: i64,
    /// Write to precharge: WL + burst + tWR.
    pub wr_pre: i64,
    pub trfcab: i64,
    pub trfcpb: i64,
}

impl TimerLoads {
    pub fn of(p: &MemParams) -> Self {
        let t = &p.timing;
        let bl = i64::from(p.burst_cycles());
        let c = |v: u32| i64::from(v);
        let after_write = c(t.wl) + bl;
        Self {
            trcd_rd: c(t.trcd_rd) - 1,
            trcd_wr: c(t.trcd_wr) - 1,
            tras: c(t.tras) - 1,
            trc: c(t.trc) - 1,
            trp: c(t.trp) - 1,
            trrd_s: c(t.trrd_s) - 1,
            tppd: c(t.tppd) - 1,
            trrefd: c(t.trrefd) - 1,
            trrd_l: c(t.trrd_l) - 1,
            tfaw: c(t.tfaw) - 1,
            tccd_s: c(t.tccd_s) - 1,
            tccd_l: c(t.tccd_l) - 1,
            trtw: c(t.trtw) - 1,
            trtp: c(t.trtp) - 1,
            wtr_s: after_write + c(t.twtr_s) - 1,
            wtr_l: after_write + c(t.twtr_l) - 1,
            wr_pre: after_write + c(t.twr) - 1,
            trfcab: c(t.trfcab) - 1,
            trfcpb: c(t.trfcpb) - 1,
        }
    }

    /// Each load with the rule it counts, for error messages.
    pub fn named(&self) -> [(&'static str, i64); 19] {
        [
            ("tRCD_RD", self.trcd_rd),
            ("tRCD_WR", self.trcd_wr),
            ("tRAS", self.tras),
            ("tRC", self.trc),
            ("tRP", self.trp),
            ("tRRD_S", self.trrd_s),
            ("tPPD", self.tppd),
            ("tRREFD", self.trrefd),
            ("tRRD_L", self.trrd_l),
            ("tFAW", self.tfaw),
            ("tCCD_S", self.tccd_s),
            ("tCCD_L", self.tccd_l),
            ("tRTW", self.trtw),
            ("tRTP", self.trtp),
            ("WL + burst + tWTR_S", self.wtr_s),
            ("WL + burst + tWTR_L", self.wtr_l),
            ("WL + burst + tWR", self.wr_pre),
            ("tRFCab", self.trfcab),
            ("tRFCpb", self.trfcpb),
        ]
    }
}
