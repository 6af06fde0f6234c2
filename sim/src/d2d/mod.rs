//! The die-to-die PHY's verification: the two-die bench over the channel
//! model with its checks, the independent wire monitor, and the random and
//! teeth channels of its regressions. The link's reference model is
//! `models::d2d_link`, the package's `models::channel`.

pub mod bench;
pub mod monitor;
pub mod regress;
