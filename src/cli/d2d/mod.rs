//! The die-to-die PHY's sub-commands.

pub mod regress;
pub mod sim;
