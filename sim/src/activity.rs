//! Switching activity of a block under a stated workload, as a VCD that
//! static power analysis reads (`kaizen flow pnr` reports power from it).

use crate::bench::{Bench, ClockSpec};
use crate::verilator::VerilatorModel;
use crate::SimError;
use kaizen_hdl::emit::{Direction, Emitted};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// Random-input workload: after reset, every data input takes fresh random
/// bits (each a fair coin) at every clock, for `cycles` clocks.
#[derive(Clone, Copy, Debug)]
pub struct RandomInputs {
    pub cycles: u64,
    pub seed: u64,
}

impl RandomInputs {
    pub fn describe(&self, clock: &str, period_ps: u64) -> String {
        format!(
            "random inputs (each data bit a fair coin per clock), {} clocks of `{clock}` at {period_ps} ps after reset, seed {}",
            self.cycles, self.seed
        )
    }
}

/// Runs `e` on Verilator under `w` with `clock` at `period_ps`, tracing to
/// `vcd` (times in ps). A port named `reset` is held for 4 clocks first.
/// Returns the scope of the design in the trace.
pub fn random_inputs_vcd(
    e: &Emitted,
    clock: &str,
    period_ps: u64,
    w: RandomInputs,
    vcd: &Path,
) -> Result<String, SimError> {
    let model = VerilatorModel::new(e)?;
    let mut bench = Bench::with_clocks(model, &[ClockSpec::new(clock, period_ps, period_ps / 2)])?;
    bench.trace_to(vcd)?;
    let inputs: Vec<_> = e
        .ports
        .iter()
        .filter(|p| p.direction == Direction::Input && p.name != clock && p.name != "reset")
        .map(|p| Ok((bench.port(&p.name)?, p.width)))
        .collect::<Result<_, SimError>>()?;
    let reset = e.ports.iter().any(|p| p.name == "reset");
    let mut rng = ChaCha8Rng::seed_from_u64(w.seed);
    if reset {
        bench.set("reset", 1)?;
    }
    let mut rises = 0;
    while rises < w.cycles + 4 {
        if !bench.next_edge()?.rose(0) {
            continue;
        }
        rises += 1;
        if reset && rises == 4 {
            bench.set("reset", 0)?;
        }
        for &(port, width) in &inputs {
            let mut words: Vec<u64> = (0..width.div_ceil(64)).map(|_| rng.gen()).collect();
            if width % 64 != 0 {
                *words.last_mut().expect("a port has a bit") &= (1u64 << (width % 64)) - 1;
            }
            bench.set_wide(port, &words);
        }
    }
    bench.flush();
    // Verilator puts the ports under TOP and the design under its module.
    Ok(format!("TOP/{}", e.top_module))
}
