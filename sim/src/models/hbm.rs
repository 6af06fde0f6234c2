//! HBM pseudo-channel device model, written from the JEDEC rules rather
//! than from any controller: it takes one command per CK cycle, checks
//! every timing rule and the refresh obligation, keeps the data written
//! (sparsely), and returns read data RL cycles after a read.
//!
//! A violation names the cycle, the command, the bank, the rule and the
//! earlier command's cycle, so a failing bench points at the exact pair.

use kaizen_hdl::memctl::params::MemParams;
use std::collections::{HashMap, VecDeque};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bank {
    pub group: u32,
    pub bank: u32,
}

impl fmt::Display for Bank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BG{} B{}", self.group, self.bank)
    }
}

/// One burst of data: `burst_bytes` bytes.
pub type Burst = Vec<u8>;

#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    Act {
        bank: Bank,
        row: u32,
    },
    Pre {
        bank: Bank,
    },
    PreAll,
    Rd {
        bank: Bank,
        col: u32,
    },
    /// `mask[i]` true = byte i is written.
    Wr {
        bank: Bank,
        col: u32,
        data: Burst,
        mask: Vec<bool>,
    },
    RefAll,
    RefBank {
        bank: Bank,
    },
}

impl Cmd {
    fn name(&self) -> &'static str {
        match self {
            Cmd::Act { .. } => "ACT",
            Cmd::Pre { .. } => "PRE",
            Cmd::PreAll => "PREA",
            Cmd::Rd { .. } => "RD",
            Cmd::Wr { .. } => "WR",
            Cmd::RefAll => "REFab",
            Cmd::RefBank { .. } => "REFpb",
        }
    }
    fn bank(&self) -> Option<Bank> {
        match self {
            Cmd::Act { bank, .. }
            | Cmd::Pre { bank }
            | Cmd::Rd { bank, .. }
            | Cmd::Wr { bank, .. }
            | Cmd::RefBank { bank } => Some(*bank),
            Cmd::PreAll | Cmd::RefAll => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub cycle: u64,
    pub command: &'static str,
    pub bank: Option<Bank>,
    pub rule: String,
    /// Cycle of the earlier command the rule is measured from, if any.
    pub since: Option<u64>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cycle {}: {}", self.cycle, self.command)?;
        if let Some(b) = self.bank {
            write!(f, " to {b}")?;
        }
        write!(f, " breaks {}", self.rule)?;
        if let Some(s) = self.since {
            write!(
                f,
                " (earlier command at cycle {s}, {} cycles before)",
                self.cycle - s
            )?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct BankState {
    open_row: Option<u32>,
    last_act: Option<u64>,
    last_pre: Option<u64>,
    last_rd: Option<u64>,
    /// Cycle the last write's data ended.
    last_wr_end: Option<u64>,
    /// Busy with a per-bank refresh until this cycle.
    refresh_until: u64,
}

/// Collects the violations of one command.
struct Checks<'a> {
    now: u64,
    command: &'static str,
    bank: Option<Bank>,
    out: &'a mut Vec<Violation>,
}

impl Checks<'_> {
    fn fail(&mut self, rule: String, since: Option<u64>) {
        self.out.push(Violation {
            cycle: self.now,
            command: self.command,
            bank: self.bank,
            rule,
            since,
        });
    }

    /// `gap` cycles must have passed since `earlier`.
    fn need(&mut self, earlier: Option<u64>, gap: u32, rule: &str) {
        if let Some(e) = earlier {
            if self.now < e + u64::from(gap) {
                self.fail(format!("{rule} ({gap} cycles)"), Some(e));
            }
        }
    }
}

/// Counts of what the device saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceStats {
    pub activates: u64,
    pub precharges: u64,
    pub reads: u64,
    pub writes: u64,
    pub refreshes: u64,
    pub data_busy_cycles: u64,
}

pub struct HbmDevice {
    p: MemParams,
    cycle: u64,
    banks: Vec<BankState>,
    /// Last four ACT cycles (for tFAW).
    acts: VecDeque<u64>,
    last_act_any: Option<(u64, Bank)>,
    last_rd_any: Option<(u64, Bank)>,
    last_wr_any: Option<(u64, Bank)>,
    /// Last PRE (or PREA) to any bank, for tPPD.
    last_pre_any: Option<u64>,
    /// Last per-bank refresh, for tRREFD.
    last_refpb_any: Option<(u64, Bank)>,
    /// No command but NOP until this cycle (all-bank refresh).
    refresh_until: u64,
    last_ref: Option<u64>,
    /// All-bank refreshes owed (one more every tREFI).
    refresh_debt: i64,
    /// Per-bank refreshes issued since the last whole round.
    pb_refreshed: Vec<bool>,
    /// Data bus use: cycles already claimed, up to this cycle.
    data_bus_free_at: u64,
    memory: HashMap<(Bank, u32, u32), Burst>,
    reads_due: VecDeque<(u64, Burst)>,
    stats: DeviceStats,
}

impl HbmDevice {
    pub fn new(p: MemParams) -> Self {
        let banks = vec![BankState::default(); p.banks() as usize];
        let pb = vec![false; p.banks() as usize];
        Self {
            p,
            cycle: 0,
            banks,
            acts: VecDeque::new(),
            last_act_any: None,
            last_rd_any: None,
            last_wr_any: None,
            last_pre_any: None,
            last_refpb_any: None,
            refresh_until: 0,
            last_ref: None,
            refresh_debt: 0,
            pb_refreshed: pb,
            data_bus_free_at: 0,
            memory: HashMap::new(),
            reads_due: VecDeque::new(),
            stats: DeviceStats::default(),
        }
    }

    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    pub fn stats(&self) -> &DeviceStats {
        &self.stats
    }

    /// What a never-written burst reads as: a pattern from its address, so
    /// a read of the wrong address is caught even before any write.
    pub fn initial_pattern(&self, bank: Bank, row: u32, col: u32) -> Burst {
        let seed = (u64::from(bank.group) << 56)
            ^ (u64::from(bank.bank) << 48)
            ^ (u64::from(row) << 16)
            ^ u64::from(col);
        (0..self.p.burst_bytes() as u64)
            .map(|i| {
                (seed
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .rotate_left((i * 7) as u32)
                    >> 56) as u8
                    ^ i as u8
            })
            .collect()
    }

    fn index(&self, b: Bank) -> usize {
        (b.group * self.p.geometry.banks_per_group + b.bank) as usize
    }

    /// Advances one CK cycle with `cmd` (None = NOP) issued in it. Returns
    /// the read burst whose data completes this cycle, if any, and every
    /// rule the command broke.
    pub fn clock(&mut self, cmd: Option<Cmd>) -> (Option<Burst>, Vec<Violation>) {
        let now = self.cycle;
        let mut v = vec![];
        // The refresh obligation accrues at each tREFI boundary.
        if now > 0 && now.is_multiple_of(u64::from(self.p.timing.trefi)) {
            self.refresh_debt += 1;
            if self.refresh_debt > i64::from(self.p.refresh.max_postponed) + 1 {
                v.push(Violation {
                    cycle: now,
                    command: "(refresh)",
                    bank: None,
                    rule: format!("the refresh obligation: {} all-bank refreshes owed, at most {} may be postponed", self.refresh_debt, self.p.refresh.max_postponed),
                    since: self.last_ref,
                });
            }
        }
        if let Some(cmd) = cmd {
            self.check(&cmd, now, &mut v);
            self.apply(cmd, now);
        }
        let data = match self.reads_due.front() {
            Some((due, _)) if *due == now => self.reads_due.pop_front().map(|(_, d)| d),
            _ => None,
        };
        self.cycle += 1;
        (data, v)
    }

    fn check(&self, cmd: &Cmd, now: u64, v: &mut Vec<Violation>) {
        let t = &self.p.timing;
        let bl = u64::from(self.p.burst_cycles());
        let name = cmd.name();
        let bank = cmd.bank();
        let mut ck = Checks {
            now,
            command: name,
            bank,
            out: v,
        };
        if let Some(g) = self.geometry_error(cmd) {
            // Nothing else can be judged of a command to no such place.
            ck.fail(g, None);
            return;
        }
        ck.need(
            if now < self.refresh_until {
                self.last_ref
            } else {
                None
            },
            t.trfcab,
            "tRFCab: no command during an all-bank refresh",
        );
        if let Some(b) = bank {
            let s = &self.banks[self.index(b)];
            if now < s.refresh_until {
                ck.need(
                    Some(s.refresh_until - u64::from(t.trfcpb)),
                    t.trfcpb,
                    "tRFCpb: bank busy refreshing",
                );
            }
        }
        let state = |b: Bank| self.banks[self.index(b)];
        let same_group = |a: Bank, b: Bank| a.group == b.group;
        match cmd {
            Cmd::Act { bank: b, .. } => {
                let s = state(*b);
                if s.open_row.is_some() {
                    ck.fail(
                        "bank state: ACT to a bank with an open row".into(),
                        s.last_act,
                    );
                }
                ck.need(s.last_act, t.trc, "tRC: ACT to ACT, same bank");
                ck.need(s.last_pre, t.trp, "tRP: PRE to ACT, same bank");
                if let Some((c, other)) = self.last_act_any {
                    if other != *b {
                        let (gap, rule) = if same_group(other, *b) {
                            (t.trrd_l, "tRRD_L: ACT to ACT, same bank group")
                        } else {
                            (t.trrd_s, "tRRD_S: ACT to ACT, different bank group")
                        };
                        ck.need(Some(c), gap, rule);
                    }
                }
                if let Some((c, other)) = self.last_refpb_any {
                    if other != *b {
                        ck.need(Some(c), t.trrefd, "tRREFD: REFpb to ACT, other bank");
                    }
                }
                if self.acts.len() == 4 {
                    ck.need(
                        self.acts.front().copied(),
                        t.tfaw,
                        "tFAW: fifth ACT within the four-activate window",
                    );
                }
            }
            Cmd::Pre { bank: b } => {
                let s = state(*b);
                ck.need(self.last_pre_any, t.tppd, "tPPD: PRE to PRE");
                ck.need(s.last_act, t.tras, "tRAS: ACT to PRE");
                ck.need(s.last_rd, t.trtp, "tRTP: RD to PRE");
                ck.need(s.last_wr_end, t.twr, "tWR: end of write data to PRE");
            }
            Cmd::PreAll => {
                ck.need(self.last_pre_any, t.tppd, "tPPD: PRE to PREA");
                for s in &self.banks {
                    if s.open_row.is_some() {
                        ck.need(s.last_act, t.tras, "tRAS: ACT to PREA");
                        ck.need(s.last_rd, t.trtp, "tRTP: RD to PREA");
                        ck.need(s.last_wr_end, t.twr, "tWR: end of write data to PREA");
                    }
                }
            }
            Cmd::Rd { bank: b, .. } | Cmd::Wr { bank: b, .. } => {
                let is_rd = matches!(cmd, Cmd::Rd { .. });
                let s = state(*b);
                if s.open_row.is_none() {
                    ck.fail(
                        "bank state: column command to a closed bank".into(),
                        s.last_pre,
                    );
                }
                if is_rd {
                    ck.need(s.last_act, t.trcd_rd, "tRCD_RD: ACT to RD");
                } else {
                    ck.need(s.last_act, t.trcd_wr, "tRCD_WR: ACT to WR");
                }
                let last_same_kind = if is_rd {
                    self.last_rd_any
                } else {
                    self.last_wr_any
                };
                if let Some((c, other)) = last_same_kind {
                    let (gap, rule) = if same_group(other, *b) {
                        (t.tccd_l, "tCCD_L: column to column, same bank group")
                    } else {
                        (t.tccd_s, "tCCD_S: column to column, different bank group")
                    };
                    ck.need(Some(c), gap, rule);
                }
                if is_rd {
                    if let Some((c, other)) = self.last_wr_any {
                        let end = c + u64::from(t.wl) + bl;
                        let (gap, rule) = if same_group(other, *b) {
                            (t.twtr_l, "tWTR_L: end of write data to RD, same bank group")
                        } else {
                            (
                                t.twtr_s,
                                "tWTR_S: end of write data to RD, different bank group",
                            )
                        };
                        ck.need(Some(end), gap, rule);
                    }
                } else if let Some((c, _)) = self.last_rd_any {
                    ck.need(Some(c), t.trtw, "tRTW: RD to WR turnaround");
                }
                // The data bus itself, whatever the rules above allowed.
                let start = now + u64::from(if is_rd { t.rl } else { t.wl });
                if start < self.data_bus_free_at {
                    ck.fail(
                        format!(
                            "the data bus: burst would start at cycle {start}, bus busy until {}",
                            self.data_bus_free_at
                        ),
                        None,
                    );
                }
            }
            Cmd::RefAll => {
                for s in &self.banks {
                    if s.open_row.is_some() {
                        ck.fail("bank state: REFab with a bank open".into(), s.last_act);
                        break;
                    }
                }
                for s in &self.banks {
                    ck.need(s.last_pre, t.trp, "tRP: PRE to REFab");
                }
            }
            Cmd::RefBank { bank: b } => {
                let s = state(*b);
                if s.open_row.is_some() {
                    ck.fail("bank state: REFpb to an open bank".into(), s.last_act);
                }
                ck.need(s.last_pre, t.trp, "tRP: PRE to REFpb");
                if let Some((c, other)) = self.last_refpb_any {
                    if other != *b {
                        ck.need(Some(c), t.trrefd, "tRREFD: REFpb to REFpb, other bank");
                    }
                }
            }
        }
    }

    fn geometry_error(&self, cmd: &Cmd) -> Option<String> {
        let g = &self.p.geometry;
        let b = cmd.bank()?;
        if b.group >= g.bank_groups || b.bank >= g.banks_per_group {
            return Some(format!("geometry: no bank {b}"));
        }
        match cmd {
            Cmd::Act { row, .. } if *row >= g.rows => {
                Some(format!("geometry: row {row} >= {}", g.rows))
            }
            Cmd::Rd { col, .. } | Cmd::Wr { col, .. } if *col >= g.columns => {
                Some(format!("geometry: column {col} >= {}", g.columns))
            }
            Cmd::Wr { data, mask, .. }
                if data.len() != self.p.burst_bytes() as usize || mask.len() != data.len() =>
            {
                Some(format!(
                    "write burst of {} bytes (mask {}), expected {}",
                    data.len(),
                    mask.len(),
                    self.p.burst_bytes()
                ))
            }
            _ => None,
        }
    }

    fn apply(&mut self, cmd: Cmd, now: u64) {
        let t = self.p.timing.clone();
        let bl = u64::from(self.p.burst_cycles());
        if self.geometry_error(&cmd).is_some() {
            return; // nothing sensible to apply
        }
        match cmd {
            Cmd::Act { bank, row } => {
                let i = self.index(bank);
                self.banks[i].open_row = Some(row);
                self.banks[i].last_act = Some(now);
                self.last_act_any = Some((now, bank));
                self.acts.push_back(now);
                if self.acts.len() > 4 {
                    self.acts.pop_front();
                }
                self.stats.activates += 1;
            }
            Cmd::Pre { bank } => {
                let i = self.index(bank);
                self.banks[i].open_row = None;
                self.banks[i].last_pre = Some(now);
                self.last_pre_any = Some(now);
                self.stats.precharges += 1;
            }
            Cmd::PreAll => {
                self.last_pre_any = Some(now);
                for s in &mut self.banks {
                    if s.open_row.take().is_some() {
                        s.last_pre = Some(now);
                        self.stats.precharges += 1;
                    }
                }
            }
            Cmd::Rd { bank, col } => {
                let i = self.index(bank);
                self.banks[i].last_rd = Some(now);
                self.last_rd_any = Some((now, bank));
                let row = self.banks[i].open_row.unwrap_or(0);
                let data = self
                    .memory
                    .get(&(bank, row, col))
                    .cloned()
                    .unwrap_or_else(|| self.initial_pattern(bank, row, col));
                let start = now + u64::from(t.rl);
                self.claim_bus(start, bl);
                // Data is handed over in the cycle its last transfer completes.
                self.reads_due.push_back((start + bl - 1, data));
                self.stats.reads += 1;
            }
            Cmd::Wr {
                bank,
                col,
                data,
                mask,
            } => {
                let i = self.index(bank);
                let start = now + u64::from(t.wl);
                self.banks[i].last_wr_end = Some(start + bl);
                self.last_wr_any = Some((now, bank));
                self.claim_bus(start, bl);
                let row = self.banks[i].open_row.unwrap_or(0);
                let init = self.initial_pattern(bank, row, col);
                let cell = self.memory.entry((bank, row, col)).or_insert(init);
                for (k, byte) in data.into_iter().enumerate() {
                    if mask[k] {
                        cell[k] = byte;
                    }
                }
                self.stats.writes += 1;
            }
            Cmd::RefAll => {
                self.refresh_until = now + u64::from(t.trfcab);
                self.last_ref = Some(now);
                self.refresh_debt -= 1;
                self.stats.refreshes += 1;
            }
            Cmd::RefBank { bank } => {
                let i = self.index(bank);
                self.banks[i].refresh_until = now + u64::from(t.trfcpb);
                self.last_refpb_any = Some((now, bank));
                self.pb_refreshed[i] = true;
                // A full round of per-bank refreshes pays one all-bank refresh.
                if self.pb_refreshed.iter().all(|r| *r) {
                    self.pb_refreshed.iter_mut().for_each(|r| *r = false);
                    self.refresh_debt -= 1;
                    self.last_ref = Some(now);
                }
                self.stats.refreshes += 1;
            }
        }
    }

    fn claim_bus(&mut self, start: u64, len: u64) {
        self.data_bus_free_at = self.data_bus_free_at.max(start + len);
        self.stats.data_busy_cycles += len;
    }
}
