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

#[derive(Clone, Debug, LogicBlock)]
pub struct Reg<T: Synth> {
    pub clock: Signal<In, Clock>,
    /// Active-high asynchronous reset.
    pub reset: Signal<In, Bit>,
    pub d: Signal<In, T>,
    pub q: Signal<Out, T>,
    /// Value loaded while `reset` is high.
    pub init: Constant<T>,
}

impl<T: Synth> Reg<T> {
    pub fn new(init: T) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            d: Default::default(),
            // Before the first reset a flop holds an unknown value; both
            // simulators call it zero (Verilator runs with --x-initial 0).
            q: Default::default(),
            init: Constant::new(init),
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
        Verilog::Custom(
            "\
always @(posedge clock or posedge reset) begin
    if (reset) q <= init;
    else q <= d;
end"
            .into(),
        )
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
