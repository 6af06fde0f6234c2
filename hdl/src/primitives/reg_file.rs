//! A small array of resettable flops with one write port and one
//! combinational read port: the storage of FIFOs and queues.
//!
//! Written as a leaf with its own Verilog because rust-hdl's kernels cannot
//! index arrays; its rust-hdl model below keeps the same contents.

use super::register::{cdc_attribute, CdcRole};
use rust_hdl::prelude::*;

/// `2^A` entries of `T`.
#[derive(LogicBlock)]
pub struct RegFile<T: Synth, const A: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Active-high asynchronous reset: clears every entry.
    pub reset: Signal<In, Bit>,
    /// Write `write_data` at `write_address` on the next edge.
    pub write_enable: Signal<In, Bit>,
    /// Entry written.
    pub write_address: Signal<In, Bits<A>>,
    /// Word written.
    pub write_data: Signal<In, T>,
    /// Entry read (combinationally).
    pub read_address: Signal<In, Bits<A>>,
    /// Entry at `read_address`, in the same cycle.
    pub read_data: Signal<Out, T>,
    _mem: Vec<T>,
    _cdc: Option<CdcRole>,
}

impl<T: Synth, const A: usize> Default for RegFile<T, A> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            write_enable: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            _mem: vec![T::default(); 1 << A],
            _cdc: None,
        }
    }
}

impl<T: Synth, const A: usize> RegFile<T, A> {
    /// Storage another clock domain reads (an async FIFO's entries).
    pub fn for_cdc(role: CdcRole) -> Self {
        Self {
            _cdc: Some(role),
            ..Self::default()
        }
    }
}

impl<T: Synth, const A: usize> Logic for RegFile<T, A> {
    fn update(&mut self) {
        if self.reset.val() {
            self._mem.iter_mut().for_each(|x| *x = T::default());
        } else if self.clock.pos_edge() && self.write_enable.val() {
            self._mem[self.write_address.val().index()] = self.write_data.val();
        }
        self.read_data.next = self._mem[self.read_address.val().index()];
    }
    fn connect(&mut self) {
        self.read_data.connect();
    }
    fn hdl(&self) -> Verilog {
        let width = T::BITS;
        let depth = 1usize << A;
        // Unrolled clear: Verilator does not support non-blocking array
        // assignments inside loops, and the depth is small by design.
        let clear: String = (0..depth)
            .map(|i| format!("        mem[{i}] <= {width}'d0;\n"))
            .collect();
        Verilog::Custom(format!(
            "\
reg [{msb}:0] mem [0:{last}];
{attribute}always @(posedge clock or posedge reset) begin
    if (reset) begin
{clear}    end else if (write_enable) begin
        mem[write_address] <= write_data;
    end
end
always @(*) read_data = mem[read_address];",
            msb = width - 1,
            last = depth - 1,
            attribute = cdc_attribute(self._cdc),
        ))
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "reg_file_write".into(),
            clock: "clock".into(),
            inputs: vec![
                "write_enable".into(),
                "write_address".into(),
                "write_data".into(),
            ],
            outputs: vec![],
        }]
    }
}
