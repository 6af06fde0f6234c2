//! The memory controller's verification: the RTL controller's bench against
//! the HBM device model, the replay of the reference scheduler's commands on
//! the device model (and the report both print), and the stress traffic and
//! timing mutants of its regressions. The device model is `models::hbm`, the
//! reference scheduler `models::memctl_reference`.

pub mod bench;
pub mod check;
pub mod regress;
