//! The test chip's sub-commands.

pub mod sim;
