//! Die-to-die link parameters and lane repair: which physical lanes carry
//! data, given the package and the lanes found broken.
//!
//! UCIe packages: a *standard* package module has 16 data lanes and no
//! spares; a broken lane degrades the link to the healthy half (8 lanes).
//! An *advanced* package module has 64 data lanes plus spares; broken lanes
//! are remapped onto spares while spares last.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Package {
    Standard,
    Advanced,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkParams {
    pub package: Package,
    /// Data lanes of the module at full width.
    pub lanes: usize,
    /// Spare lanes (advanced package only).
    pub spares: usize,
    /// Bits each lane carries per core clock.
    pub bits_per_lane: usize,
    /// Flit size in bytes (see `flit.rs`).
    pub flit_bytes: usize,
}

impl LinkParams {
    /// UCIe standard package: 16 lanes, no spares.
    pub fn standard() -> Self {
        Self {
            package: Package::Standard,
            lanes: 16,
            spares: 0,
            bits_per_lane: 8,
            flit_bytes: 256,
        }
    }

    /// UCIe advanced package: 64 lanes and 4 spares, 2 bits per lane per
    /// core clock (one 128-bit word per clock, as the RTL carries it).
    pub fn advanced() -> Self {
        Self {
            package: Package::Advanced,
            lanes: 64,
            spares: 4,
            bits_per_lane: 2,
            flit_bytes: 256,
        }
    }

    /// A package by its lane count (16: standard, 64: advanced).
    pub fn for_lanes(lanes: usize) -> Result<Self, LinkError> {
        match lanes {
            16 => Ok(Self::standard()),
            64 => Ok(Self::advanced()),
            0 => Err(LinkError("a link needs at least one lane (got --lanes 0)".into())),
            n => Err(LinkError(format!(
                "{n} lanes is not a UCIe module width: 16 (standard package) or 64 (advanced package, plus 4 spares)"
            ))),
        }
    }

    /// Physical lanes, spares included.
    pub fn physical_lanes(&self) -> usize {
        self.lanes + self.spares
    }

    pub fn check(&self) -> Result<(), LinkError> {
        let bad = |m: String| Err(LinkError(m));
        if self.lanes == 0 {
            return bad("a link needs at least one lane".into());
        }
        if self.package == Package::Standard && self.spares != 0 {
            return bad("a standard package has no spare lanes".into());
        }
        if self.package == Package::Standard && !self.lanes.is_multiple_of(2) {
            return bad(format!(
                "a standard package degrades to half width, so its lane count must be even (got {})",
                self.lanes
            ));
        }
        if !(1..=64).contains(&self.bits_per_lane) {
            return bad(format!(
                "bits per lane per clock must be 1..=64 (got {})",
                self.bits_per_lane
            ));
        }
        let bits = self.flit_bytes * 8;
        if self.flit_bytes == 0 || !bits.is_multiple_of(self.lanes * self.bits_per_lane) {
            return bad(format!(
                "a {}-byte flit does not fill whole clocks on {} lanes x {} bits",
                self.flit_bytes, self.lanes, self.bits_per_lane
            ));
        }
        Ok(())
    }

    /// Core clocks one flit occupies at full width.
    pub fn clocks_per_flit(&self) -> usize {
        self.flit_bytes * 8 / (self.lanes * self.bits_per_lane)
    }

    /// The lane map after repair: logical lane `i` travels on physical lane
    /// `map[i]`. Fails when the broken lanes cannot be repaired.
    pub fn repair(&self, broken: &[usize]) -> Result<LaneMap, LinkError> {
        self.check()?;
        let physical = self.physical_lanes();
        let mut dead = broken.to_vec();
        dead.sort_unstable();
        dead.dedup();
        if let Some(&l) = dead.iter().find(|&&l| l >= physical) {
            return Err(LinkError(format!(
                "lane {l} does not exist: the link has lanes 0..{}",
                physical - 1
            )));
        }
        match self.package {
            Package::Advanced => {
                if dead.len() > self.spares {
                    return Err(LinkError(format!(
                        "{} broken lanes ({}) but only {} spares: the advanced-package link cannot be repaired",
                        dead.len(),
                        list(&dead),
                        self.spares
                    )));
                }
                // Healthy physical lanes in order: data lanes first, then
                // spares, each broken lane's traffic shifting onward.
                let map: Vec<usize> = (0..physical)
                    .filter(|l| !dead.contains(l))
                    .take(self.lanes)
                    .collect();
                Ok(LaneMap {
                    lanes: map,
                    degraded: false,
                })
            }
            Package::Standard => {
                if dead.is_empty() {
                    return Ok(LaneMap {
                        lanes: (0..self.lanes).collect(),
                        degraded: false,
                    });
                }
                let half = self.lanes / 2;
                let lower_ok = dead.iter().all(|&l| l >= half);
                let upper_ok = dead.iter().all(|&l| l < half);
                let lanes: Vec<usize> = if lower_ok {
                    (0..half).collect()
                } else if upper_ok {
                    (half..self.lanes).collect()
                } else {
                    return Err(LinkError(format!(
                        "broken lanes {} leave neither half of the standard-package link whole: it cannot degrade to {half} lanes",
                        list(&dead)
                    )));
                };
                Ok(LaneMap {
                    lanes,
                    degraded: true,
                })
            }
        }
    }
}

/// Which physical lane carries each logical lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneMap {
    pub lanes: Vec<usize>,
    /// The link runs at reduced width.
    pub degraded: bool,
}

fn list(v: &[usize]) -> String {
    v.iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError(pub String);

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LinkError {}
