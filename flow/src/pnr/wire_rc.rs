//! Resistance and capacitance per micron of a minimum-width wire on each
//! routing layer, from the kit's interconnect description (ITF facts kept
//! in `constraints/pdk.toml`). The kit ships no OpenRCX rules; this is
//! what OpenROAD's `set_layer_rc` takes instead.
//!
//! R is the sheet resistance over the width. C is Sakurai and Tamaru's
//! closed form (IEEE Trans. Electron Devices 30(2), 1983) for a wire over a
//! ground plane with a neighbour on each side, taken with a plane below
//! and one above at the same distance and neighbours at minimum spacing: a
//! wire in a dense block, not a field-solver figure.

use serde::{Deserialize, Serialize};

/// Vacuum permittivity in pF/um.
const EPS0_PF_PER_UM: f64 = 8.854e-6;

/// One routing layer as the kit's ITF describes it (lengths in um).
#[derive(Clone, Debug, Deserialize)]
pub struct LayerStack {
    pub name: String,
    /// Sheet resistance, ohm per square.
    pub rpsq: f64,
    pub width: f64,
    pub spacing: f64,
    pub thickness: f64,
    /// Dielectric between this layer and the one below.
    pub dielectric_below: f64,
    /// Relative permittivity of that dielectric.
    pub er: f64,
    pub via_below: ViaStack,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ViaStack {
    pub name: String,
    pub ohms: f64,
}

/// What `set_layer_rc` is given for one layer (liberty units: ohm, pF).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerRc {
    pub layer: String,
    pub r_ohm_per_um: f64,
    pub c_pf_per_um: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViaRc {
    pub layer: String,
    pub r_ohm: f64,
}

/// Ground and coupling capacitance per um (pF) of a wire of width `w`,
/// thickness `t`, at height `h` over a plane, neighbours at spacing `s`.
fn sakurai_tamaru(w: f64, t: f64, h: f64, s: f64, er: f64) -> (f64, f64) {
    let eps = er * EPS0_PF_PER_UM;
    let ground = eps * (1.15 * (w / h) + 2.80 * (t / h).powf(0.222));
    let coupling =
        eps * (0.03 * (w / h) + 0.83 * (t / h) - 0.07 * (t / h).powf(0.222)) * (s / h).powf(-1.34);
    (ground, coupling)
}

pub fn layer_rc(l: &LayerStack) -> LayerRc {
    let (ground, coupling) =
        sakurai_tamaru(l.width, l.thickness, l.dielectric_below, l.spacing, l.er);
    LayerRc {
        layer: l.name.clone(),
        r_ohm_per_um: l.rpsq / l.width,
        // A plane below and one above; a neighbour on each side.
        c_pf_per_um: 2.0 * ground + 2.0 * coupling,
    }
}

pub fn via_rc(l: &LayerStack) -> ViaRc {
    ViaRc {
        layer: l.via_below.name.clone(),
        r_ohm: l.via_below.ohms,
    }
}

/// Checks a layer's figures are physical (positive lengths and permittivity).
pub fn check(l: &LayerStack) -> Result<(), String> {
    let fields = [
        ("rpsq", l.rpsq),
        ("width", l.width),
        ("spacing", l.spacing),
        ("thickness", l.thickness),
        ("dielectric_below", l.dielectric_below),
        ("er", l.er),
        ("via_below.ohms", l.via_below.ohms),
    ];
    match fields.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
        Some((f, v)) => Err(format!("layer {}: {f} = {v} must be positive", l.name)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m2() -> LayerStack {
        LayerStack {
            name: "M2".into(),
            rpsq: 7.461,
            width: 0.012,
            spacing: 0.012,
            thickness: 0.024,
            dielectric_below: 0.028,
            er: 2.4,
            via_below: ViaStack {
                name: "V1".into(),
                ohms: 54.99,
            },
        }
    }

    #[test]
    fn resistance_is_sheet_resistance_over_width() {
        let rc = layer_rc(&m2());
        assert!((rc.r_ohm_per_um - 7.461 / 0.012).abs() < 1e-9);
    }

    #[test]
    fn capacitance_is_in_the_range_of_published_advanced_node_wires() {
        // Minimum-pitch wires at 7 nm and below are quoted at about
        // 0.15 to 0.3 fF/um.
        let c_ff = layer_rc(&m2()).c_pf_per_um * 1e3;
        assert!((0.15..0.3).contains(&c_ff), "{c_ff} fF/um");
    }

    #[test]
    fn capacitance_falls_with_spacing_and_height_and_grows_with_permittivity() {
        let base = layer_rc(&m2()).c_pf_per_um;
        let wider = layer_rc(&LayerStack {
            spacing: 0.024,
            ..m2()
        })
        .c_pf_per_um;
        let higher = layer_rc(&LayerStack {
            dielectric_below: 0.056,
            ..m2()
        })
        .c_pf_per_um;
        let denser = layer_rc(&LayerStack { er: 3.9, ..m2() }).c_pf_per_um;
        assert!(wider < base && higher < base && denser > base);
        assert!((denser / base - 3.9 / 2.4).abs() < 1e-9);
    }

    #[test]
    fn a_non_physical_figure_is_refused() {
        assert!(check(&m2()).is_ok());
        let e = check(&LayerStack { width: 0.0, ..m2() }).unwrap_err();
        assert!(e.contains("M2") && e.contains("width"), "{e}");
    }
}
