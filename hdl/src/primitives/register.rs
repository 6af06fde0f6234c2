//! The one register every Kaizen block keeps its state in.
//!
//! rust-hdl's own `DFF` is FPGA-style: it has no reset and sets its value in an
//! `initial` block, which chip synthesis ignores. GT2N (like most standard-cell
//! libraries) only has flops with asynchronous set/reset, so this register
//! resets asynchronously (assert at any time) and is meant to be fed by
//! [`ResetSync`](super::ResetSync), which de-asserts reset synchronously.
//! Its rust-hdl simulation model follows the same rule, so both simulators
//! agree cycle for cycle.

use rust_hdl::prelude::*;

/// What a register is to the clock-domain-crossing check (`kaizen cdc`),
/// written into its Verilog as the attribute `(* kaizen_cdc = "..." *)` on
/// its `always` block (Yosys keeps it on the flop cells it makes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CdcRole {
    /// The first flop of a synchroniser: it may sample another domain, but
    /// only straight from a register of that domain (no logic between).
    SyncStage,
    /// A register another domain reads only while a synchronised handshake
    /// keeps it stable (async FIFO storage, a handshake's data word).
    Held,
}

impl CdcRole {
    /// The Verilog attribute value the CDC check reads.
    pub fn attribute(self) -> &'static str {
        match self {
            CdcRole::SyncStage => "sync",
            CdcRole::Held => "held",
        }
    }
}

/// A register with asynchronous, active-high reset to `init`: every Kaizen block keeps its state in these, so nothing needs an `initial` block.
#[derive(Clone, Debug, LogicBlock)]
pub struct Reg<T: Synth> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Active-high asynchronous reset.
    pub reset: Signal<In, Bit>,
    /// Next value, taken at the rising edge.
    pub d: Signal<In, T>,
    /// Current value.
    pub q: Signal<Out, T>,
    /// Value loaded while `reset` is high.
    pub init: Constant<T>,
    _cdc: Option<CdcRole>,
}

impl<T: Synth> Reg<T> {
    /// A register that resets to `init`.
    pub fn new(init: T) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            d: Default::default(),
            // Before the first reset a flop holds an unknown value; both
            // simulators call it zero (Verilator runs with --x-initial 0).
            q: Default::default(),
            init: Constant::new(init),
            _cdc: None,
        }
    }

    /// A register with a role in a clock-domain crossing.
    pub fn for_cdc(init: T, role: CdcRole) -> Self {
        Self {
            _cdc: Some(role),
            ..Self::new(init)
        }
    }
}

impl<T: Synth> Default for Reg<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Synth> Logic for Reg<T> {
    fn update(&mut self) {
        if self.reset.val() {
            self.q.next = self.init.val();
        } else if self.clock.pos_edge() {
            self.q.next = self.d.val();
        }
    }
    fn connect(&mut self) {
        self.q.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "{}\
always @(posedge clock or posedge reset) begin
    if (reset) q <= init;
    else q <= d;
end",
            cdc_attribute(self._cdc)
        ))
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "reg".into(),
            clock: "clock".into(),
            inputs: vec!["d".into()],
            outputs: vec!["q".into()],
        }]
    }
}

/// The attribute line a CDC role puts before an `always` block.
pub(crate) fn cdc_attribute(role: Option<CdcRole>) -> String {
    role.map_or(String::new(), |r| {
        format!("(* kaizen_cdc = \"{}\" *)\n", r.attribute())
    })
}
