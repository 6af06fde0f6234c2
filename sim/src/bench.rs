//! One test-bench API for every simulator.
//!
//! A bench drives a [`Bench`] by port name: set inputs, `eval`, read
//! outputs, `tick` the clock. The same bench runs on a Verilator model, on
//! rust-hdl's own simulator, or on both in lock-step ([`Differential`]),
//! which compares every output after every evaluation.
//!
//! A design with several clocks is driven by an edge scheduler instead of
//! `tick`: [`Bench::with_clocks`] takes each clock's period and phase in
//! picoseconds, and [`Bench::next_edge`] advances time to the next edge of
//! any of them.

#![deny(missing_docs)]

use crate::SimError;
use kaizen_hdl::emit::{Direction, Port};
use std::path::Path;

/// What a bench needs of a simulator. Ports are numbered as in the manifest.
pub trait Simulator {
    /// Which simulator (for messages).
    fn name(&self) -> &'static str;
    /// The model's ports, numbered as in the manifest.
    fn ports(&self) -> &[Port];
    /// Sets input number `port` from 64-bit words, least significant first.
    fn set(&mut self, port: usize, words: &[u64]);
    /// Reads port number `port` into 64-bit words.
    fn get(&mut self, port: usize, words: &mut [u64]);
    /// Settle combinational logic after inputs changed.
    fn eval(&mut self) -> Result<(), SimError>;
    /// Start writing a VCD trace.
    fn trace_to(&mut self, path: &Path) -> Result<(), SimError>;
    /// Record the current values at `time` (no-op unless tracing).
    fn dump(&mut self, time: u64);
    /// Writes out what the trace has buffered.
    fn flush(&mut self) {}
    /// From now on `dump` times are picoseconds of a multi-clock bench, not
    /// half clock cycles (only [`Differential`]'s messages care).
    fn times_in_ps(&mut self) {}
}

/// `u64` words needed for the widest port.
fn widest_words(ports: &[Port]) -> usize {
    ports
        .iter()
        .map(|p| p.width.div_ceil(64))
        .max()
        .unwrap_or(1)
}

/// A port, looked up once.
#[derive(Clone, Copy, Debug)]
pub struct PortId(usize);

/// A clock an edge-scheduled bench drives, in picoseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockSpec {
    /// The clock input.
    pub port: String,
    /// Period, ps (high for the first half).
    pub period_ps: u64,
    /// Time of the first rising edge (0 ..= period).
    pub phase_ps: u64,
}

impl ClockSpec {
    /// Clock `port` with `period_ps` and its first rising edge at `phase_ps`.
    pub fn new(port: &str, period_ps: u64, phase_ps: u64) -> Self {
        Self {
            port: port.into(),
            period_ps,
            phase_ps,
        }
    }
}

struct ClockState {
    port: PortId,
    high_ps: u64,
    low_ps: u64,
    next_edge: u64,
    high: bool,
    rises: u64,
}

/// The clocks that changed at one scheduler step, by their index in the
/// bench's [`ClockSpec`] list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Edges {
    /// Bit `i`: clock `i` rose.
    pub rose: u64,
    /// Bit `i`: clock `i` fell.
    pub fell: u64,
}

impl Edges {
    /// Did clock number `clock` (its index in the [`ClockSpec`] list) rise?
    pub fn rose(self, clock: usize) -> bool {
        self.rose >> clock & 1 == 1
    }
}

/// A simulator with a clock (or an edge scheduler over several), a reset and
/// name-based port access.
pub struct Bench<S: Simulator> {
    sim: S,
    clock: Option<PortId>,
    reset: Option<PortId>,
    cycle: u64,
    scratch: Vec<u64>,
    clocks: Vec<ClockState>,
    /// Picoseconds, for an edge-scheduled bench.
    time: u64,
    last_dump: Option<u64>,
    /// Each input's last value as set through the bench (`None` until set),
    /// so that setting an unchanged value does not unsettle the design.
    inputs: Vec<Option<Vec<u64>>>,
    /// No input changed since the last evaluation: evaluating again would
    /// compute nothing new, so `eval` skips it.
    settled: bool,
}

impl<S: Simulator> Bench<S> {
    /// Wraps `sim`; its clock port must be named `clock`, and its reset
    /// (if any) `reset`.
    pub fn new(sim: S) -> Result<Self, SimError> {
        let find = |name: &str| sim.ports().iter().position(|p| p.name == name).map(PortId);
        let clock = find("clock").ok_or_else(|| SimError::NoSuchPort("clock".into()))?;
        let reset = find("reset");
        let widest = widest_words(sim.ports());
        let mut bench = Self {
            sim,
            clock: Some(clock),
            reset,
            cycle: 0,
            scratch: vec![0; widest],
            clocks: vec![],
            time: 0,
            last_dump: None,
            inputs: vec![],
            settled: false,
        };
        bench.inputs = vec![None; bench.sim.ports().len()];
        bench.set_id(clock, 0);
        bench.eval()?;
        Ok(bench)
    }

    /// Wraps `sim` with an edge scheduler over `clocks` (each at least 2 ps
    /// long, high for the first half). All clocks start low at time 0.
    pub fn with_clocks(mut sim: S, clocks: &[ClockSpec]) -> Result<Self, SimError> {
        if clocks.is_empty() || clocks.len() > 64 {
            return Err(SimError::Mismatch(
                "an edge-scheduled bench needs 1 to 64 clocks".into(),
            ));
        }
        sim.times_in_ps();
        let widest = widest_words(sim.ports());
        let mut bench = Self {
            sim,
            clock: None,
            reset: None,
            cycle: 0,
            scratch: vec![0; widest],
            clocks: vec![],
            time: 0,
            last_dump: None,
            inputs: vec![],
            settled: false,
        };
        bench.inputs = vec![None; bench.sim.ports().len()];
        for c in clocks {
            if c.period_ps < 2 || c.phase_ps > c.period_ps {
                return Err(SimError::Mismatch(format!(
                    "clock `{}`: period {} ps, phase {} ps (need period >= 2, phase <= period)",
                    c.port, c.period_ps, c.phase_ps
                )));
            }
            let port = bench.port(&c.port)?;
            bench.set_id(port, 0);
            let high_ps = c.period_ps / 2;
            bench.clocks.push(ClockState {
                port,
                high_ps,
                low_ps: c.period_ps - high_ps,
                next_edge: c.phase_ps,
                high: false,
                rises: 0,
            });
        }
        bench.eval()?;
        Ok(bench)
    }

    /// Looks a port up once, for the `_id` accessors in hot loops.
    pub fn port(&self, name: &str) -> Result<PortId, SimError> {
        self.sim
            .ports()
            .iter()
            .position(|p| p.name == name)
            .map(PortId)
            .ok_or_else(|| SimError::NoSuchPort(name.into()))
    }

    /// A port's width in bits.
    pub fn width(&self, port: PortId) -> usize {
        self.sim.ports()[port.0].width
    }

    /// Sets an input of up to 64 bits.
    pub fn set_id(&mut self, port: PortId, value: u64) {
        self.scratch.fill(0);
        self.scratch[0] = value;
        self.sim.set(port.0, &self.scratch);
        let changed = match &mut self.inputs[port.0] {
            Some(last) if last[0] == value && last[1..].iter().all(|w| *w == 0) => false,
            Some(last) => {
                last.fill(0);
                last[0] = value;
                true
            }
            slot @ None => {
                let words = self.sim.ports()[port.0].width.div_ceil(64);
                *slot = Some(self.scratch[..words].to_vec());
                true
            }
        };
        self.settled &= !changed;
    }

    /// Reads a port of up to 64 bits.
    pub fn get_id(&mut self, port: PortId) -> u64 {
        self.sim.get(port.0, &mut self.scratch);
        self.scratch[0]
    }

    /// Sets a wide input from 64-bit words, least significant first.
    pub fn set_wide(&mut self, port: PortId, words: &[u64]) {
        self.sim.set(port.0, words);
        let changed = match &mut self.inputs[port.0] {
            Some(last) if last[..] == words[..last.len().min(words.len())] => false,
            Some(last) => {
                let n = last.len().min(words.len());
                last[..n].copy_from_slice(&words[..n]);
                true
            }
            slot @ None => {
                *slot = Some(words.to_vec());
                true
            }
        };
        self.settled &= !changed;
    }

    /// Reads a wide port as 64-bit words, least significant first.
    pub fn get_wide(&mut self, port: PortId) -> Vec<u64> {
        let mut w = vec![0; self.width(port).div_ceil(64)];
        self.sim.get(port.0, &mut w);
        w
    }

    /// Sets a port of up to 64 bits by name.
    pub fn set(&mut self, name: &str, value: u64) -> Result<(), SimError> {
        let id = self.port(name)?;
        self.set_id(id, value);
        Ok(())
    }

    /// Reads a port of up to 64 bits by name.
    pub fn get(&mut self, name: &str) -> Result<u64, SimError> {
        let id = self.port(name)?;
        Ok(self.get_id(id))
    }

    /// Settles the design after inputs changed (nothing to do, and nothing
    /// done, when none changed since the last evaluation).
    pub fn eval(&mut self) -> Result<(), SimError> {
        if self.settled {
            return Ok(());
        }
        self.sim.eval()?;
        self.settled = true;
        Ok(())
    }

    /// One clock cycle: the rising edge, and the clock set low again. Inputs
    /// set before `tick` are sampled at the rising edge, and the outputs
    /// read after it are those after the edge.
    ///
    /// The falling edge is evaluated with the next evaluation (the next
    /// `tick`, or an `eval` after setting inputs), together with the inputs
    /// set meanwhile: evaluating it alone would cost a full evaluation of a
    /// design whose flops all act on rising edges (rust-hdl's and Kaizen's),
    /// and change nothing.
    pub fn tick(&mut self) -> Result<(), SimError> {
        let clock = self.clock.ok_or_else(|| {
            SimError::Mismatch("tick on an edge-scheduled bench: use next_edge".into())
        })?;
        self.eval()?;
        self.sim.dump(2 * self.cycle);
        self.set_id(clock, 1);
        self.sim.eval()?;
        self.settled = true;
        self.sim.dump(2 * self.cycle + 1);
        self.set_id(clock, 0);
        self.cycle += 1;
        Ok(())
    }

    /// Advances an edge-scheduled bench to the next edge of any clock: the
    /// inputs set since the last step settle (and are traced just before
    /// the edge), every clock with an edge at that time changes, and the
    /// design settles again. Inputs set before a rising edge are sampled
    /// by it.
    pub fn next_edge(&mut self) -> Result<Edges, SimError> {
        let t = self
            .clocks
            .iter()
            .map(|c| c.next_edge)
            .min()
            .ok_or_else(|| SimError::Mismatch("next_edge needs Bench::with_clocks".into()))?;
        self.eval()?;
        if t > 0 && self.last_dump.is_none_or(|d| d < t - 1) {
            self.sim.dump(t - 1);
        }
        let mut edges = Edges::default();
        for i in 0..self.clocks.len() {
            let c = &mut self.clocks[i];
            if c.next_edge != t {
                continue;
            }
            c.high = !c.high;
            let (port, high) = (c.port, c.high);
            if high {
                c.rises += 1;
                c.next_edge = t + c.high_ps;
                edges.rose |= 1 << i;
            } else {
                c.next_edge = t + c.low_ps;
                edges.fell |= 1 << i;
            }
            self.set_id(port, u64::from(high));
        }
        self.sim.eval()?;
        self.settled = true;
        self.sim.dump(t);
        self.last_dump = Some(t);
        self.time = t;
        self.cycle += 1;
        Ok(edges)
    }

    /// Rising edges clock `i` has had.
    pub fn rises(&self, clock: usize) -> u64 {
        self.clocks[clock].rises
    }

    /// Simulated time of an edge-scheduled bench, in picoseconds.
    pub fn time_ps(&self) -> u64 {
        self.time
    }

    /// Holds reset high for `cycles` clock cycles, then releases it.
    pub fn reset(&mut self, cycles: u64) -> Result<(), SimError> {
        let reset = self
            .reset
            .ok_or_else(|| SimError::NoSuchPort("reset".into()))?;
        self.set_id(reset, 1);
        self.eval()?;
        for _ in 0..cycles {
            self.tick()?;
        }
        self.set_id(reset, 0);
        self.eval()
    }

    /// Clock cycles (`tick`) or scheduler steps (`next_edge`) so far.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// Starts writing a VCD trace to `path` (Verilator models only).
    pub fn trace_to(&mut self, path: &Path) -> Result<(), SimError> {
        self.sim.trace_to(path)
    }

    /// Writes out the trace so far (call before reporting a failure).
    pub fn flush(&mut self) {
        if self.clocks.is_empty() {
            self.sim.dump(2 * self.cycle);
        }
        self.sim.flush();
    }

    /// The simulator underneath (whatever is set through it directly is
    /// evaluated by the next `eval`).
    pub fn simulator(&mut self) -> &mut S {
        self.settled = false;
        &mut self.sim
    }

    /// The simulator underneath, the bench done with.
    pub fn into_simulator(self) -> S {
        self.sim
    }
}

/// Two simulators of the same design in lock-step. Inputs go to both;
/// after every evaluation every output is compared, and the first
/// difference is an error naming the evaluation, signal and both values.
pub struct Differential<A: Simulator, B: Simulator> {
    a: A,
    b: B,
    /// Last trace time the bench reported: two per clock cycle, or
    /// picoseconds on an edge-scheduled bench.
    time: u64,
    times_in_ps: bool,
    outputs: Vec<usize>,
    wa: Vec<u64>,
    wb: Vec<u64>,
}

impl<A: Simulator, B: Simulator> Differential<A, B> {
    /// Runs `a` and `b` in lock-step; they must have the same ports.
    pub fn new(a: A, b: B) -> Result<Self, SimError> {
        if a.ports() != b.ports() {
            return Err(SimError::Mismatch(
                "the two simulators have different ports".into(),
            ));
        }
        let outputs = a
            .ports()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.direction == Direction::Output)
            .map(|(i, _)| i)
            .collect();
        let widest = widest_words(a.ports());
        Ok(Self {
            a,
            b,
            time: 0,
            times_in_ps: false,
            outputs,
            wa: vec![0; widest],
            wb: vec![0; widest],
        })
    }
}

impl<A: Simulator, B: Simulator> Simulator for Differential<A, B> {
    fn name(&self) -> &'static str {
        "differential"
    }
    fn ports(&self) -> &[Port] {
        self.a.ports()
    }
    fn set(&mut self, port: usize, words: &[u64]) {
        self.a.set(port, words);
        self.b.set(port, words);
    }
    fn get(&mut self, port: usize, words: &mut [u64]) {
        self.a.get(port, words);
    }
    fn eval(&mut self) -> Result<(), SimError> {
        self.a.eval()?;
        self.b.eval()?;
        for &o in &self.outputs {
            self.wa.fill(0);
            self.wb.fill(0);
            self.a.get(o, &mut self.wa);
            self.b.get(o, &mut self.wb);
            if self.wa != self.wb {
                let p = &self.a.ports()[o];
                let when = if self.times_in_ps {
                    format!("after the edges at {} ps", self.time)
                } else {
                    format!(
                        "cycle {} ({} clock)",
                        self.time / 2,
                        if self.time.is_multiple_of(2) {
                            "before the rising edge, low"
                        } else {
                            "after the rising edge, high"
                        }
                    )
                };
                return Err(SimError::Mismatch(format!(
                    "{when}: output `{}` is {} on {} but {} on {}",
                    p.name,
                    hex(&self.wa, p.width),
                    self.a.name(),
                    hex(&self.wb, p.width),
                    self.b.name()
                )));
            }
        }
        Ok(())
    }
    fn trace_to(&mut self, path: &Path) -> Result<(), SimError> {
        self.a.trace_to(path)
    }
    fn dump(&mut self, time: u64) {
        self.time = time;
        self.a.dump(time);
    }
    fn flush(&mut self) {
        self.a.flush();
    }
    fn times_in_ps(&mut self) {
        self.times_in_ps = true;
        self.a.times_in_ps();
        self.b.times_in_ps();
    }
}

fn hex(words: &[u64], width: usize) -> String {
    let n = width.div_ceil(64);
    let body: String = words[..n]
        .iter()
        .rev()
        .map(|w| format!("{w:016x}"))
        .collect();
    let digits = width.div_ceil(4);
    format!("{width}'h{}", &body[body.len() - digits..])
}
