//! The die-to-die link (UCIe-class). So far: link parameters with lane
//! repair (`params.rs`) and the flit format (`flit.rs`), which the software
//! reference link (`kaizen_sim::models::d2d_link`) follows. The PHY RTL is
//! the next step.

pub mod flit;
pub mod params;
