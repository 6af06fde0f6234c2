//! The area and timing model of the macros: what each figure is and where it
//! comes from. Predictive, typical corner, one figure set for every Vt.
//!
//! Area: the array is `rows` x `columns` bitcells; a column multiplexer of
//! 1, 2, 4 or 8 folds words into columns to keep the array near square. Row
//! periphery (decoders, word-line drivers) sits beside it, column periphery
//! (sense amplifiers, write drivers, multiplexers, I/O latches) below it.
//! Timing: one figure set from a published macro, derated to the kit's
//! supply (small arrays are faster than this in reality: conservative).

use super::SramMacro;
use crate::pdk::SramConfig;

/// TSMC N2 high-density 6T bitcell, about 0.0175 um^2 (TSMC, IEDM 2024, as
/// reported by Tom's Hardware, "SRAM scaling isn't dead after all", 2024).
pub const BITCELL_UM2: f64 = 0.0175;
/// Bitcell width : height. Not published; 2 : 1 is the usual shape of a
/// 6T cell (wide in the word-line direction).
pub const BITCELL_ASPECT: f64 = 2.0;
/// Row and column periphery, calibrated so that a 512 x 512 macro (256
/// kbit) reaches the published macro density of 38 Mb/mm^2 (TSMC N2 and
/// Intel 18A, ISSCC 2025; a density measured on a large test macro).
pub const ROW_PERIPHERY_UM: f64 = 8.0;
pub const COLUMN_PERIPHERY_UM: f64 = 16.0;
/// TSMC's 2nm HD SRAM macro ran at 4.2 GHz (ISSCC 2025, as reported), at a
/// supply above this kit's 0.7 V; the cycle is derated by an assumed 1.5 for
/// 0.7 V.
pub const PUBLISHED_GHZ: f64 = 4.2;
pub const SUPPLY_DERATE: f64 = 1.5;
/// Fractions of the cycle: clock to output (decode, bit line, sense, drive),
/// input setup and hold at the clock edge. Assumed, as FakeRAM-style
/// abstracts do.
pub const CLOCK_TO_Q_FRACTION: f64 = 0.7;
pub const SETUP_FRACTION: f64 = 0.15;
pub const HOLD_PS: f64 = 20.0;
/// Output drive: ps per pF of load (an x4-class driver, 2 ps/fF), and its
/// transition at no load.
pub const DRIVE_PS_PER_PF: f64 = 2000.0;
pub const OUTPUT_TRANSITION_PS: f64 = 30.0;
/// Input pin capacitance (a x1 cell input in the kit is about 0.47 fF) and
/// the clock pin's.
pub const INPUT_CAP_PF: f64 = 0.0005;
pub const CLOCK_CAP_PF: f64 = 0.002;

/// Shape on silicon.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Physical {
    pub rows: usize,
    pub columns: usize,
    pub column_mux: usize,
    pub width_um: f64,
    pub height_um: f64,
}

impl Physical {
    pub fn area_um2(&self) -> f64 {
        self.width_um * self.height_um
    }
}

fn bitcell() -> (f64, f64) {
    let h = (BITCELL_UM2 / BITCELL_ASPECT).sqrt();
    (h * BITCELL_ASPECT, h)
}

/// The macro's array organisation and outline, snapped to the site grid and
/// grown where the pins need more edge than the array gives.
pub fn physical(m: &SramMacro, cfg: &SramConfig) -> Physical {
    let (cw, ch) = bitcell();
    let mut best: Option<(f64, usize, usize, usize, f64, f64)> = None;
    for mux in [1usize, 2, 4, 8] {
        // Fold only while 16 rows remain (mux 1 always counts).
        if mux > 1 && m.words / mux < 16 {
            break;
        }
        let (rows, columns) = (m.words / mux, m.bits * mux);
        let w = columns as f64 * cw + ROW_PERIPHERY_UM;
        let h = rows as f64 * ch + COLUMN_PERIPHERY_UM;
        let skew = (w / h).ln().abs();
        if best.is_none_or(|(s, ..)| skew < s) {
            best = Some((skew, rows, columns, mux, w, h));
        }
    }
    let (_, rows, columns, column_mux, w, h) = best.expect("mux 1 is always tried");
    // Data pins (write and read) along the bottom, address and control up
    // the left side, each on every `pin_pitch_tracks`-th track.
    let bottom_pins = 2 * m.bits;
    let left_pins = 3 + 2 * m.address_bits();
    let need_w = (bottom_pins + 2) as f64 * cfg.bottom_pitch_um();
    let need_h = (left_pins + 2) as f64 * cfg.left_pitch_um();
    // Whole grid steps, printed without float noise.
    let snap = |v: f64, grid: f64| ((v / grid - 1e-9).ceil() * grid * 1e4).round() / 1e4;
    Physical {
        rows,
        columns,
        column_mux,
        width_um: snap(w.max(need_w), cfg.site_width),
        height_um: snap(h.max(need_h), cfg.site_height),
    }
}

/// Timing figures, in ps and pF.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    pub min_period_ps: f64,
    pub clock_to_q_ps: f64,
    pub setup_ps: f64,
    pub hold_ps: f64,
}

pub fn timing() -> Timing {
    let cycle = 1000.0 / PUBLISHED_GHZ * SUPPLY_DERATE;
    Timing {
        min_period_ps: round2(cycle),
        clock_to_q_ps: round2(cycle * CLOCK_TO_Q_FRACTION),
        setup_ps: round2(cycle * SETUP_FRACTION),
        hold_ps: HOLD_PS,
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SramConfig {
        SramConfig {
            left_pin_layer: "M4".into(),
            left_track_pitch: 0.042,
            bottom_pin_layer: "M5".into(),
            bottom_track_pitch: 0.042,
            pin_width: 0.021,
            pin_length: 0.2,
            pin_pitch_tracks: 2,
            obstruction_layers: vec![],
            site_width: 0.042,
            site_height: 0.144,
        }
    }

    fn sram(words: usize, bits: usize) -> SramMacro {
        SramMacro {
            name: format!("m{words}x{bits}"),
            words,
            bits,
        }
    }

    #[test]
    fn a_large_macro_reaches_the_published_density() {
        // 38 Mb/mm^2 = 38 bits per um^2 (decimal Mb) to 39.8 (binary).
        let m = sram(512, 512);
        let d = m.capacity_bits() as f64 / physical(&m, &config()).area_um2();
        assert!((38.0 * 0.97..=39.85 * 1.03).contains(&d), "{d} bits/um2");
    }

    #[test]
    fn small_macros_pay_for_their_periphery_and_pins() {
        let c = config();
        let big = sram(512, 512);
        let small = sram(32, 288);
        let density = |m: &SramMacro| m.capacity_bits() as f64 / physical(m, &c).area_um2();
        assert!(density(&small) < density(&big) / 2.0);
        // 576 data pins on every second 0.042 um track need 48 um of edge.
        assert!(physical(&small, &c).width_um >= 578.0 * 0.084);
    }
}
