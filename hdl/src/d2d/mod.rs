//! The die-to-die link (UCIe-class). So far: link parameters with lane
//! repair (`params.rs`), the flit format (`flit.rs`), which the software
//! reference link (`kaizen_sim::models::d2d_link`) follows, and the first
//! PHY block, lane deskew (`deskew.rs`). The rest of the PHY RTL is next.

pub mod deskew;
pub mod flit;
pub mod params;
