//! The HBM3-class pseudo-channel controller: parameters (geometry and JEDEC
//! timing from a preset file), address mapping, policy configuration, the
//! request queues and the controller itself.

pub mod config;
pub mod controller;
pub mod mapping;
pub mod params;
pub mod queue;
pub mod widths;
