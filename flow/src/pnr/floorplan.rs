//! The die and core of a block from its cell area and
//! `constraints/<block>.floorplan.json`: what the place-and-route run is
//! given, computed here so it is tested without OpenROAD.

use serde::Deserialize;
use std::path::Path;

/// `constraints/<block>.floorplan.json`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloorplanSpec {
    /// Cells (and macros) over core area, percent.
    pub utilization: f64,
    /// Core height over width.
    pub aspect_ratio: f64,
    pub inputs_side: String,
    pub outputs_side: String,
}

pub const SIDES: [&str; 4] = ["left", "right", "top", "bottom"];

impl FloorplanSpec {
    /// Reads and checks the file; errors name it.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let spec: Self =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        spec.check()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(spec)
    }

    pub fn check(&self) -> Result<(), String> {
        for side in [&self.inputs_side, &self.outputs_side] {
            if !SIDES.contains(&side.as_str()) {
                return Err(format!("side `{side}` is not one of {}", SIDES.join(", ")));
            }
        }
        if !(1.0..=95.0).contains(&self.utilization) {
            return Err(format!(
                "utilization {} must be 1..=95 (percent)",
                self.utilization
            ));
        }
        if self.aspect_ratio.is_nan() || self.aspect_ratio <= 0.0 || self.aspect_ratio.is_infinite()
        {
            return Err(format!(
                "aspect_ratio {} must be positive",
                self.aspect_ratio
            ));
        }
        Ok(())
    }
}

/// Rectangles in um, lower-left then upper-right: [x0, y0, x1, y1].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Floorplan {
    pub die: [f64; 4],
    pub core: [f64; 4],
    pub rows: u64,
    pub sites_per_row: u64,
}

/// The core holds `area_um2` at the spec's utilization and aspect ratio,
/// in whole sites across and an even number of rows (the kit's flops are
/// two rows tall), and is at least `min_side` um each way; the die adds
/// `margin_rows` rows on every side for pins.
pub fn floorplan(
    area_um2: f64,
    spec: &FloorplanSpec,
    site: (f64, f64),
    margin_rows: u64,
    min_side: f64,
) -> Result<Floorplan, String> {
    let (sw, sh) = site;
    if area_um2.is_nan() || area_um2 <= 0.0 {
        return Err(format!("no cell area to place ({area_um2} um2)"));
    }
    let core_area = area_um2 / (spec.utilization / 100.0);
    let width = (core_area / spec.aspect_ratio).sqrt();
    let sites_per_row = (width.max(min_side) / sw).ceil().max(1.0) as u64;
    let core_w = sites_per_row as f64 * sw;
    let mut rows = ((core_area / core_w).max(min_side) / sh).ceil().max(2.0) as u64;
    rows += rows % 2;
    let core_h = rows as f64 * sh;
    // The margin in whole sites across and whole rows up, so the core
    // stays on the site grid.
    let mx = ((margin_rows as f64 * sh) / sw).ceil() * sw;
    let my = margin_rows as f64 * sh;
    let round = |v: f64| (v * 1e6).round() / 1e6;
    Ok(Floorplan {
        die: [0.0, 0.0, round(core_w + 2.0 * mx), round(core_h + 2.0 * my)],
        core: [round(mx), round(my), round(mx + core_w), round(my + core_h)],
        rows,
        sites_per_row,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: (f64, f64) = (0.042, 0.144);

    fn spec(utilization: f64, aspect_ratio: f64) -> FloorplanSpec {
        FloorplanSpec {
            utilization,
            aspect_ratio,
            inputs_side: "left".into(),
            outputs_side: "right".into(),
        }
    }

    fn on_grid(v: f64, pitch: f64) -> bool {
        ((v / pitch).round() * pitch - v).abs() < 1e-6
    }

    #[test]
    fn core_holds_the_cells_at_the_utilization_on_the_site_grid() {
        for (area, util, aspect) in [(2.988, 50.0, 1.0), (120.0, 70.0, 0.5), (5418.0, 60.0, 2.0)] {
            let fp = floorplan(area, &spec(util, aspect), SITE, 8, 1.0).unwrap();
            let [x0, y0, x1, y1] = fp.core;
            let core_area = (x1 - x0) * (y1 - y0);
            // At least the area asked for, and not more than a row and a
            // column of sites over it.
            assert!(core_area >= area / (util / 100.0) - 1e-9);
            assert!(
                core_area <= area / (util / 100.0) + (x1 - x0) * 2.0 * SITE.1 + (y1 - y0) * SITE.0
            );
            assert_eq!(fp.rows % 2, 0, "double-height flops need row pairs");
            assert!((fp.sites_per_row as f64 * SITE.0 - (x1 - x0)).abs() < 1e-6);
            for v in [x0, x1] {
                assert!(on_grid(v, SITE.0), "{v}");
            }
            for v in [y0, y1] {
                assert!(on_grid(v, SITE.1), "{v}");
            }
            let aspect_got = (y1 - y0) / (x1 - x0);
            assert!(
                (aspect_got / aspect - 1.0).abs() < 0.15,
                "{aspect_got} vs {aspect}"
            );
        }
    }

    #[test]
    fn die_adds_the_margin_on_every_side() {
        let fp = floorplan(2.988, &spec(50.0, 1.0), SITE, 8, 1.0).unwrap();
        let [dx0, dy0, dx1, dy1] = fp.die;
        let [cx0, cy0, cx1, cy1] = fp.core;
        assert_eq!((dx0, dy0), (0.0, 0.0));
        assert!((cy0 - 8.0 * 0.144).abs() < 1e-9 && (dy1 - cy1 - cy0).abs() < 1e-9);
        assert!(cx0 >= 8.0 * 0.144 && (dx1 - cx1 - cx0).abs() < 1e-9);
    }

    #[test]
    fn a_tiny_block_gets_the_smallest_core() {
        // Five cells (a reset synchroniser) would make a core under 1 um.
        let fp = floorplan(0.4, &spec(50.0, 1.0), SITE, 8, 2.0).unwrap();
        let [x0, y0, x1, y1] = fp.core;
        assert!(x1 - x0 >= 2.0 && x1 - x0 < 2.0 + SITE.0, "{:?}", fp.core);
        assert!(
            y1 - y0 >= 2.0 && y1 - y0 < 2.0 + 2.0 * SITE.1,
            "{:?}",
            fp.core
        );
        assert_eq!(fp.rows % 2, 0);
    }

    #[test]
    fn bad_specs_are_refused_with_the_field() {
        assert!(spec(0.5, 1.0).check().unwrap_err().contains("utilization"));
        assert!(spec(50.0, 0.0)
            .check()
            .unwrap_err()
            .contains("aspect_ratio"));
        let mut s = spec(50.0, 1.0);
        s.outputs_side = "north".into();
        assert!(s.check().unwrap_err().contains("`north`"));
        assert!(floorplan(0.0, &spec(50.0, 1.0), SITE, 8, 1.0).is_err());
    }
}
