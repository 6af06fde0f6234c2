//! Where the standard-cell kit is, read from `constraints/pdk.toml` with
//! `KAIZEN_PDK_DIR` as override.

#![deny(missing_docs)]

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// `constraints/pdk.toml`: the kit and how the flow uses it.
#[derive(Clone, Debug, Deserialize)]
pub struct PdkConfig {
    /// The kit's name (GT2N).
    pub name: String,
    /// One line on what it is.
    pub summary: String,
    /// Process corner, voltage and temperature of the libraries used.
    pub corner: String,
    /// What its figures are not (predictive, not silicon results).
    pub caveat: String,
    /// Where the kit is, relative to Kaizen's checkout.
    pub dir: String,
    /// Where set-up fetches it when `dir` has none.
    pub fetched_dir: String,
    /// Its public repository.
    pub repository: String,
    /// The pinned revision.
    pub revision: String,
    /// Threshold-voltage flavour used unless `--vt` says otherwise.
    pub default_vt: String,
    /// Flavours the kit has.
    pub vts: Vec<String>,
    /// Liberty file path in the kit (`{vt}` expanded).
    pub liberty: String,
    /// Cell LEF path in the kit (`{vt}` expanded).
    pub cell_lef: String,
    /// Technology LEF path in the kit.
    pub tech_lef: String,
    /// Tie-high cell (`{vt}` expanded).
    pub tie_high: String,
    /// Tie-low cell (`{vt}` expanded).
    pub tie_low: String,
    /// Flop the netlist's flops are legalised to.
    pub flop_legalize: String,
    /// Flavour of the cells that model the block's neighbours in STA.
    pub boundary_vt: String,
    /// Fan-out repair after synthesis (`fanout.rs`): the most inputs a net
    /// may drive, the buffer ("cell input output", `{vt}` expanded) and
    /// the pins whose nets are left alone.
    pub max_fanout: usize,
    /// Fan-out repair buffer: `cell input output`.
    pub fanout_buffer: String,
    /// Pins whose nets fan-out repair leaves alone (clocks, resets).
    pub fanout_skip_pins: Vec<String>,
    /// Where SRAM macro abstracts put their pins (`kaizen macro`).
    pub sram: SramConfig,
    /// Place and route (`kaizen flow pnr`).
    pub pnr: crate::pnr::PnrConfig,
}

/// The kit's layers and grid as SRAM macro abstracts use them.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct SramConfig {
    /// Address and control pins on the left edge: a horizontal layer.
    pub left_pin_layer: String,
    /// Track pitch of `left_pin_layer`, um.
    pub left_track_pitch: f64,
    /// Data pins on the bottom edge: a vertical layer.
    pub bottom_pin_layer: String,
    /// Track pitch of `bottom_pin_layer`, um.
    pub bottom_track_pitch: f64,
    /// Pin width, um.
    pub pin_width: f64,
    /// Pin length into the macro, um.
    pub pin_length: f64,
    /// Pins sit on every n-th track.
    pub pin_pitch_tracks: usize,
    /// Layers the array blocks for routing (the pin layers keep their
    /// edge strip free for pin access).
    pub obstruction_layers: Vec<String>,
    /// Placement site width, um.
    pub site_width: f64,
    /// Placement site height, um.
    pub site_height: f64,
}

impl SramConfig {
    /// Pitch of the left-edge pins, um.
    pub fn left_pitch_um(&self) -> f64 {
        self.left_track_pitch * self.pin_pitch_tracks as f64
    }
    /// Pitch of the bottom-edge pins, um.
    pub fn bottom_pitch_um(&self) -> f64 {
        self.bottom_track_pitch * self.pin_pitch_tracks as f64
    }
}

/// A kit located on disk, for one threshold-voltage flavour.
#[derive(Clone, Debug)]
pub struct Pdk {
    /// `constraints/pdk.toml`.
    pub config: PdkConfig,
    /// Where the kit was found.
    pub dir: PathBuf,
    /// The threshold-voltage flavour in use.
    pub vt: String,
}

impl Pdk {
    fn file(&self, pattern: &str, vt: &str) -> PathBuf {
        self.dir.join(pattern.replace("{vt}", vt))
    }
    /// The Liberty file of the flavour in use.
    pub fn liberty(&self) -> PathBuf {
        self.file(&self.config.liberty, &self.vt)
    }
    /// Liberty of the cells the SDC's driving cells come from.
    pub fn boundary_liberty(&self) -> PathBuf {
        self.file(&self.config.liberty, &self.config.boundary_vt)
    }
    /// The cell LEF of the flavour in use.
    pub fn cell_lef(&self) -> PathBuf {
        self.file(&self.config.cell_lef, &self.vt)
    }
    /// The technology LEF.
    pub fn tech_lef(&self) -> PathBuf {
        self.file(&self.config.tech_lef, &self.vt)
    }
    /// The tie-high cell of the flavour in use.
    pub fn tie_high(&self) -> String {
        self.config.tie_high.replace("{vt}", &self.vt)
    }
    /// The tie-low cell of the flavour in use.
    pub fn tie_low(&self) -> String {
        self.config.tie_low.replace("{vt}", &self.vt)
    }
    /// The fan-out buffer of the flavour in use (`cell input output`).
    pub fn fanout_buffer(&self) -> String {
        self.config.fanout_buffer.replace("{vt}", &self.vt)
    }
    /// "GT2N LVT, tt 0.7 V 25 C, ... (predictive research PDK ...)"
    pub fn label(&self) -> String {
        format!(
            "{} {}, {} ({})",
            self.config.name,
            self.vt.to_uppercase(),
            self.config.corner,
            self.config.caveat
        )
    }
}

/// Reads `<root>/constraints/pdk.toml`; errors name the file.
pub fn read_config(root: &Path) -> Result<PdkConfig, String> {
    let path = root.join("constraints/pdk.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Finds the kit: `KAIZEN_PDK_DIR`, else `dir`, else `fetched_dir`.
pub fn locate(root: &Path, vt: Option<&str>) -> Result<Pdk, String> {
    let config = read_config(root)?;
    let vt = vt.unwrap_or(&config.default_vt).to_string();
    if !config.vts.contains(&vt) {
        return Err(format!(
            "unknown Vt `{vt}`; {} has: {}",
            config.name,
            config.vts.join(", ")
        ));
    }
    let candidates: Vec<PathBuf> = match std::env::var_os("KAIZEN_PDK_DIR") {
        Some(d) => vec![PathBuf::from(d)],
        None => vec![root.join(&config.dir), root.join(&config.fetched_dir)],
    };
    for dir in &candidates {
        let pdk = Pdk {
            config: config.clone(),
            dir: dir.clone(),
            vt: vt.clone(),
        };
        if pdk.liberty().is_file() {
            return Ok(pdk);
        }
    }
    Err(format!(
        "{} not found (looked for {} in {}); run scripts/setup.sh, which fetches revision {} of {}, or set KAIZEN_PDK_DIR",
        config.name,
        config.liberty.replace("{vt}", &vt),
        candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(" and "),
        &config.revision[..12],
        config.repository
    ))
}
