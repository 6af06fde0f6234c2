//! Memory geometry and timing as data: one TOML preset per speed bin
//! (`hdl/presets/`), checked so that an inconsistent set is rejected with
//! the rule it breaks.

use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Geometry {
    pub bank_groups: u32,
    pub banks_per_group: u32,
    pub rows: u32,
    pub columns: u32,
    pub burst_length: u32,
    pub dq_bits: u32,
}

/// JEDEC timing parameters, in DRAM clock (CK) cycles.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub rl: u32,
    pub wl: u32,
    pub trcd_rd: u32,
    pub trcd_wr: u32,
    pub trp: u32,
    pub tras: u32,
    pub trc: u32,
    pub trrd_s: u32,
    pub trrd_l: u32,
    pub tfaw: u32,
    pub tccd_s: u32,
    pub tccd_l: u32,
    pub twtr_s: u32,
    pub twtr_l: u32,
    pub trtw: u32,
    pub trtp: u32,
    pub twr: u32,
    pub trefi: u32,
    pub trfcab: u32,
    pub trfcpb: u32,
    /// PRE to PRE, any two banks (HBM3).
    pub tppd: u32,
    /// REFpb to ACT or REFpb of another bank (HBM3).
    pub trrefd: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    pub max_postponed: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MemParams {
    pub name: String,
    pub data_rate_mtps: u32,
    pub tck_ps: u32,
    pub geometry: Geometry,
    pub timing: Timing,
    pub refresh: Refresh,
}

/// The presets that ship with Kaizen, by name.
pub const PRESETS: &[(&str, &str)] = &[
    ("hbm3-6400", include_str!("../../presets/hbm3_6400.toml")),
    (
        "hbm3-6400-r21",
        include_str!("../../presets/hbm3_6400_r21.toml"),
    ),
];

impl MemParams {
    /// Parses and checks a preset; `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self, String> {
        let p: MemParams = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        p.check().map_err(|e| format!("{origin}: {e}"))?;
        Ok(p)
    }

    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// A shipped preset by name.
    pub fn preset(name: &str) -> Result<Self, String> {
        let (_, text) = PRESETS.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            format!(
                "unknown preset `{name}`; known: {}",
                PRESETS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        Self::parse(&format!("preset {name}"), text)
    }

    /// CK cycles one burst occupies the data bus.
    pub fn burst_cycles(&self) -> u32 {
        // Four transfers per CK (HBM3): BL8 is two cycles.
        self.geometry.burst_length / self.transfers_per_ck()
    }

    pub fn transfers_per_ck(&self) -> u32 {
        self.data_rate_mtps * self.tck_ps / 1_000_000
    }

    pub fn banks(&self) -> u32 {
        self.geometry.bank_groups * self.geometry.banks_per_group
    }

    /// Bytes moved by one burst.
    pub fn burst_bytes(&self) -> u32 {
        self.geometry.burst_length * self.geometry.dq_bits / 8
    }

    /// Peak data bandwidth of the pseudo-channel, GB/s.
    pub fn peak_gbps(&self) -> f64 {
        f64::from(self.data_rate_mtps) * f64::from(self.geometry.dq_bits) / 8.0 / 1000.0
    }

    /// Consistency rules; the first broken one is reported by name.
    pub fn check(&self) -> Result<(), String> {
        let g = &self.geometry;
        for (name, v) in [
            ("bank_groups", g.bank_groups),
            ("banks_per_group", g.banks_per_group),
            ("rows", g.rows),
            ("columns", g.columns),
            ("burst_length", g.burst_length),
            ("dq_bits", g.dq_bits),
        ] {
            if v == 0 || !v.is_power_of_two() {
                return Err(format!(
                    "geometry.{name} = {v} must be a power of two (address bits map onto it)"
                ));
            }
        }
        if self.tck_ps == 0 || self.data_rate_mtps == 0 {
            return Err("tck_ps and data_rate_mtps must be positive".into());
        }
        let tpc = self.transfers_per_ck();
        if tpc == 0 || self.data_rate_mtps * self.tck_ps != tpc * 1_000_000 {
            return Err(format!(
                "data_rate_mtps {} x tck_ps {} is not a whole number of transfers per CK",
                self.data_rate_mtps, self.tck_ps
            ));
        }
        if !g.burst_length.is_multiple_of(tpc) {
            return Err(format!(
                "burst_length {} is not a whole number of CK cycles at {tpc} transfers per CK",
                g.burst_length
            ));
        }
        let t = &self.timing;
        let bl = self.burst_cycles();
        let rules: [(bool, String); 12] = [
            (t.trc >= t.tras + t.trp, format!("tRC ({}) < tRAS + tRP ({} + {}): a row cycle must cover an activate and its precharge", t.trc, t.tras, t.trp)),
            (t.tras >= t.trcd_rd, format!("tRAS ({}) < tRCD_RD ({}): a row must stay open at least until it can be read", t.tras, t.trcd_rd)),
            (t.tccd_s >= bl, format!("tCCD_S ({}) < burst length in CK ({bl}): bursts would overlap on the data bus", t.tccd_s)),
            (t.tccd_l >= t.tccd_s, format!("tCCD_L ({}) < tCCD_S ({}): the same bank group cannot be faster than another", t.tccd_l, t.tccd_s)),
            (t.trrd_l >= t.trrd_s, format!("tRRD_L ({}) < tRRD_S ({})", t.trrd_l, t.trrd_s)),
            (t.twtr_l >= t.twtr_s, format!("tWTR_L ({}) < tWTR_S ({})", t.twtr_l, t.twtr_s)),
            (t.tfaw >= t.trrd_s, format!("tFAW ({}) < tRRD_S ({}): the four-activate window cannot be shorter than two activates", t.tfaw, t.trrd_s)),
            (t.trtw + t.wl >= t.rl + bl, format!("tRTW ({}) + WL ({}) < RL ({}) + burst ({bl}): write data would collide with read data", t.trtw, t.wl, t.rl)),
            (t.trefi > t.trfcab, format!("tREFI ({}) <= tRFCab ({}): refresh would never finish", t.trefi, t.trfcab)),
            (t.trfcab >= t.trfcpb, format!("tRFCab ({}) < tRFCpb ({})", t.trfcab, t.trfcpb)),
            (t.rl > 0 && t.wl > 0 && t.trcd_rd > 0 && t.trcd_wr > 0 && t.trp > 0 && t.tppd > 0 && t.trrefd > 0, "RL, WL, tRCD, tRP, tPPD and tRREFD must be at least one cycle".to_string()),
            (self.refresh.max_postponed <= 8, format!("refresh.max_postponed = {} exceeds the 8 refreshes JEDEC lets a controller owe", self.refresh.max_postponed)),
        ];
        match rules.into_iter().find(|(ok, _)| !ok) {
            Some((_, why)) => Err(why),
            None => Ok(()),
        }
    }
}
