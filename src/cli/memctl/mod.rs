//! The memory controller's sub-commands.

pub mod regress;
pub mod sim;
