//! The HBM3-class pseudo-channel controller. So far: its parameters
//! (geometry and JEDEC timing, from a preset file, checked for consistency).
//! The controller itself is the next step (issue 3).

pub mod mapping;
pub mod params;
