//! Constraints: SDC parsed (with the file, line and problem on bad input)
//! and checked against the block's ports, as `kaizen check-constraints`
//! does.
//!
//! ```
//! use kaizen::prelude::*;
//! let mut sync = SyncBits::<Bit>::new(false);
//! sync.connect_all();
//! let e = kaizen::emit::emit_block("s", &sync, Default::default()).unwrap();
//! let sdc = kaizen::constraints::parse(
//!     "s.sdc",
//!     "create_clock -name clk -period 500 [get_ports clock]\n\
//!      set_input_delay 100 -clock clk [get_ports {reset d}]\n\
//!      set_output_delay 100 -clock clk [get_ports q]\n",
//! )
//! .unwrap();
//! assert!(kaizen::constraints::check("s.sdc", &sdc, &e).is_empty());
//! // A port the design lacks is named in the problem.
//! let bad = kaizen::constraints::parse("s.sdc", "set_output_delay 1 -clock clk [get_ports nope]\n").unwrap();
//! assert!(kaizen::constraints::check("s.sdc", &bad, &e).iter().any(|p| p.contains("nope")));
//! ```

use crate::emit::{Direction, Emitted};
pub use kaizen_flow::sdc::{parse, Sdc, SdcError};

/// Problems of `sdc` (read from `file`) against the emitted block's ports:
/// names that do not exist, and ports left unconstrained without a waiver.
/// Empty when the constraints are complete.
pub fn check(file: &str, sdc: &Sdc, block: &Emitted) -> Vec<String> {
    kaizen_flow::check::check_constraints(file, sdc, &ports(block))
}

pub(crate) fn ports(block: &Emitted) -> Vec<kaizen_flow::check::PortInfo> {
    block
        .ports
        .iter()
        .map(|p| kaizen_flow::check::PortInfo {
            name: p.name.clone(),
            input: p.direction == Direction::Input,
            width: p.width,
        })
        .collect()
}
