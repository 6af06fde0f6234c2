//! A two-port SRAM (one write port, one registered read port, one clock):
//! the storage of arrays too large for flops, such as the PHY's replay
//! buffer and the controller's write-data buffer.
//!
//! In the emitted Verilog the block instantiates the macro
//! `kaizen_sram_1r1w_<words>x<bits>`, whose behavioural model follows in
//! the same file. Simulators run the model; synthesis, timing and place and
//! route see a black box with the abstracts `kaizen macro` generates
//! (Liberty, LEF), defining `KAIZEN_MACRO_<name>` to skip the model. Built
//! with flops instead (`kaizen flow sta --memories flops`), synthesis maps the
//! same model to the kit's flops.
//!
//! Like a compiled SRAM it has no reset: an entry holds what was last
//! written (both simulators start at zero). A read returns the entry as it
//! was before a write in the same clock; designs here never read an entry in
//! the clock it is written, and should not, since macros leave that
//! undefined.

use rust_hdl::prelude::*;

/// `2^A` entries of `T`.
#[derive(LogicBlock)]
pub struct Sram<T: Synth, const A: usize> {
    /// Clock of both ports.
    pub clock: Signal<In, Clock>,
    /// Write `write_data` at `write_address` on the next edge.
    pub write_enable: Signal<In, Bit>,
    /// Word written.
    pub write_address: Signal<In, Bits<A>>,
    /// Data written.
    pub write_data: Signal<In, T>,
    /// `read_data` takes the entry at `read_address` at the clock edge when
    /// this is high, and holds otherwise.
    pub read_enable: Signal<In, Bit>,
    /// Word read.
    pub read_address: Signal<In, Bits<A>>,
    /// The word at `read_address`, a clock after `read_enable`.
    pub read_data: Signal<Out, T>,
    _mem: Vec<T>,
    _out: T,
}

impl<T: Synth, const A: usize> Default for Sram<T, A> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            write_enable: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            read_enable: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            _mem: vec![T::default(); 1 << A],
            _out: T::default(),
        }
    }
}

/// The macro's shape: words and bits per word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SramShape {
    /// Words.
    pub words: usize,
    /// Bits per word.
    pub bits: usize,
}

/// Every macro's module (and Liberty cell) name starts with this.
pub const SRAM_MACRO_PREFIX: &str = "kaizen_sram_1r1w_";

impl SramShape {
    /// The macro's cell name (`kaizen_sram_1r1w_<words>x<bits>`).
    pub fn name(self) -> String {
        format!("{SRAM_MACRO_PREFIX}{}x{}", self.words, self.bits)
    }

    /// Address bits for `words`.
    pub fn address_bits(self) -> usize {
        self.words.trailing_zeros() as usize
    }

    /// The shape a macro name stands for (`kaizen_sram_1r1w_256x128`).
    pub fn from_name(name: &str) -> Option<Self> {
        let (w, b) = name.strip_prefix(SRAM_MACRO_PREFIX)?.split_once('x')?;
        let shape = Self {
            words: w.parse().ok()?,
            bits: b.parse().ok()?,
        };
        shape.check().ok()?;
        (shape.name() == name).then_some(shape)
    }

    /// Parses `<words>x<bits>` (as given to `kaizen macro`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}`: expected <words>x<bits>, e.g. 256x128");
        let (w, b) = text.split_once('x').ok_or_else(bad)?;
        let shape = Self {
            words: w.trim().parse().map_err(|_| bad())?,
            bits: b.trim().parse().map_err(|_| bad())?,
        };
        shape.check().map_err(|e| format!("`{text}`: {e}"))?;
        Ok(shape)
    }

    /// What the generator supports: power-of-two depths of 16 to 4096
    /// words, 1 to 1024 bits.
    pub fn check(self) -> Result<(), String> {
        if !self.words.is_power_of_two() || !(16..=4096).contains(&self.words) {
            return Err(format!(
                "{} words: a macro has a power-of-two depth of 16 to 4096 words",
                self.words
            ));
        }
        if !(1..=1024).contains(&self.bits) {
            return Err(format!(
                "{} bits: a macro word has 1 to 1024 bits",
                self.bits
            ));
        }
        Ok(())
    }

    /// The macro's behavioural Verilog, guarded so that several blocks'
    /// files can be read together and synthesis can leave it out.
    pub fn model_verilog(self) -> String {
        let name = self.name();
        let a = self.address_bits();
        let msb = self.bits - 1;
        format!(
            "\
`ifndef KAIZEN_MACRO_{name}
`define KAIZEN_MACRO_{name}
// Behavioural model of the SRAM macro {name} ({words} words x {bits} bits,
// one write port, one registered read port). Synthesis reads the macro's
// Liberty instead (kaizen macro {words}x{bits}).
module {name}(clock, write_enable, write_address, write_data, read_enable, read_address, read_data);
input wire clock;
input wire write_enable;
input wire [{amsb}:0] write_address;
input wire [{msb}:0] write_data;
input wire read_enable;
input wire [{amsb}:0] read_address;
output reg [{msb}:0] read_data;
reg [{msb}:0] mem [0:{last}];
always @(posedge clock) begin
    if (write_enable) mem[write_address] <= write_data;
    if (read_enable) read_data <= mem[read_address];
end
endmodule
`endif
",
            words = self.words,
            bits = self.bits,
            amsb = a - 1,
            last = self.words - 1,
        )
    }
}

impl<T: Synth, const A: usize> Sram<T, A> {
    /// The macro this SRAM is built as.
    pub fn shape() -> SramShape {
        SramShape {
            words: 1 << A,
            bits: T::BITS,
        }
    }
}

impl<T: Synth, const A: usize> Logic for Sram<T, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            // Read before write: the entry as it was before this edge.
            if self.read_enable.val() {
                self._out = self._mem[self.read_address.val().index()];
            }
            if self.write_enable.val() {
                self._mem[self.write_address.val().index()] = self.write_data.val();
            }
        }
        self.read_data.next = self._out;
    }
    fn connect(&mut self) {
        self.read_data.connect();
    }
    fn hdl(&self) -> Verilog {
        let shape = Self::shape();
        Verilog::Wrapper(Wrapper {
            code: format!(
                "{} array(.clock(clock), .write_enable(write_enable), .write_address(write_address), \
                 .write_data(write_data), .read_enable(read_enable), .read_address(read_address), \
                 .read_data(read_data));",
                shape.name()
            ),
            cores: shape.model_verilog(),
        })
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "sram".into(),
            clock: "clock".into(),
            inputs: vec![
                "write_enable".into(),
                "write_address".into(),
                "write_data".into(),
                "read_enable".into(),
                "read_address".into(),
            ],
            outputs: vec!["read_data".into()],
        }]
    }
}
