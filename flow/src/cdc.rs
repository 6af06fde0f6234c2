//! Structural clock-domain-crossing check on the emitted design.
//!
//! Yosys elaborates and flattens the block (`proc; flatten`) and writes it
//! as JSON; this module then gives every flop the clock domain of the
//! top-level clock port that clocks it, follows each flop's data inputs back
//! through combinational logic, and requires that a signal from another
//! domain reach a flop only
//! - at the first stage of a synchroniser (`kaizen_cdc = "sync"` on the
//!   flop, written by `kaizen_hdl::primitives::CdcRole::SyncStage`), straight
//!   from a register or a port with no logic between, or
//! - from a register the crossing protocol keeps stable while it is read
//!   (`kaizen_cdc = "held"`: async FIFO storage, a handshake's data word).
//!
//! Input ports take the domain of the clock their `set_input_delay -clock`
//! names in the block's SDC; unconstrained or false-path inputs belong to no
//! domain. A flop clocked by anything but a top-level port, a latch, or a
//! crossing outside these rules is a violation naming the signal, both
//! domains and a path. Asynchronous resets are not checked here (each
//! domain's reset comes from its own `ResetSync`).

use crate::check::glob;
use crate::sdc::{Arg, QueryKind, Sdc};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::path::Path;
use std::process::Command;

/// The Yosys script whose JSON output [`analyse`] reads; `checks` run on
/// the flattened design before it is written (lint's `check -assert`, so one
/// Yosys run serves both). Flat, `check` also sees a loop that passes
/// through several modules, and on the big blocks it runs faster than on
/// their thousands of sub-modules.
pub fn yosys_script(verilog: &Path, top: &str, checks: &str, json: &Path) -> String {
    format!(
        "read_verilog {}; hierarchy -check -top {top}; proc; flatten; opt_clean; {checks}; write_json {}",
        verilog.display(),
        json.display()
    )
}

/// Runs Yosys on `verilog` and checks the result; `json` is where the
/// netlist goes (the caller owns the file).
pub fn check_file(
    verilog: &Path,
    top: &str,
    json: &Path,
    port_domains: &BTreeMap<String, String>,
) -> Result<CdcReport, String> {
    let out = Command::new("yosys")
        .args(["-q", "-p", &yosys_script(verilog, top, "", json)])
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "`yosys` is not installed; run scripts/setup.sh, which installs it with apt".into()
            }
            _ => format!("cannot run yosys: {e}"),
        })?;
    if !out.status.success() {
        return Err(format!(
            "yosys could not elaborate {} for the CDC check:\n{}",
            verilog.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = std::fs::read_to_string(json)
        .map_err(|e| format!("cannot read {}: {e}", json.display()))?;
    analyse(&text, top, port_domains)
}

/// Input ports and the clock port of their domain, from `set_input_delay
/// -clock <clock>` in `sdc` (the clock named by `create_clock`).
pub fn port_domains(sdc: &Sdc, inputs: &[String]) -> BTreeMap<String, String> {
    let mut clock_port = BTreeMap::new();
    for cmd in sdc.commands.iter().filter(|c| c.name == "create_clock") {
        let port = cmd.positionals().into_iter().find_map(|a| match a {
            Arg::Query(q) if q.kind == QueryKind::GetPorts => q.patterns.first().cloned(),
            _ => None,
        });
        let name = match cmd.flag_value("-name") {
            Some(Arg::Word(n)) => Some(n.clone()),
            _ => port.clone(),
        };
        if let (Some(n), Some(p)) = (name, port) {
            clock_port.insert(n, p);
        }
    }
    let mut domains = BTreeMap::new();
    for cmd in sdc.commands.iter().filter(|c| c.name == "set_input_delay") {
        let clock = match cmd.flag_value("-clock") {
            Some(Arg::Word(w)) => Some(w.clone()),
            Some(Arg::Query(q)) => q.patterns.first().cloned(),
            _ => None,
        };
        let Some(port) = clock.and_then(|c| clock_port.get(&c)) else {
            continue;
        };
        for arg in cmd.object_positionals() {
            let patterns: Vec<String> = match arg {
                Arg::Query(q) if q.kind == QueryKind::GetPorts => q.patterns.clone(),
                Arg::Query(q) if q.kind == QueryKind::AllInputs => vec!["*".into()],
                Arg::List(items) => items.clone(),
                Arg::Word(w) => vec![w.clone()],
                _ => vec![],
            };
            for input in inputs {
                if patterns.iter().any(|p| glob(p, input)) {
                    domains.insert(input.clone(), port.clone());
                }
            }
        }
    }
    domains
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ViolationKind {
    /// Another domain reaches a flop that is not a synchroniser.
    Unsynchronised,
    /// A synchroniser's first flop samples logic, not a register.
    LogicBeforeSynchroniser,
    /// A flop clocked by logic or a constant, not a top-level clock port.
    DerivedClock,
    Latch,
}

#[derive(Clone, Debug)]
pub struct CdcViolation {
    pub kind: ViolationKind,
    /// The receiving register.
    pub signal: String,
    pub from: String,
    pub to: String,
    /// Nets from the sending register to the receiving one.
    pub path: Vec<String>,
}

impl fmt::Display for CdcViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.join(" -> ");
        match self.kind {
            ViolationKind::Unsynchronised => write!(
                f,
                "`{}` (clock {}) samples clock {} without a synchroniser: {path}",
                self.signal, self.to, self.from
            ),
            ViolationKind::LogicBeforeSynchroniser => write!(
                f,
                "synchroniser `{}` (clock {}) samples logic, not a register of clock {}: {path}",
                self.signal, self.to, self.from
            ),
            ViolationKind::DerivedClock => write!(
                f,
                "`{}` is clocked by `{}`, not by a top-level clock port",
                self.signal, self.from
            ),
            ViolationKind::Latch => write!(f, "`{}` is a latch", self.signal),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct CdcReport {
    /// Clock ports, each a domain.
    pub domains: Vec<String>,
    /// Flop bits.
    pub flops: usize,
    /// Synchroniser first-stage bits that sample another domain.
    pub synchronised: usize,
    pub violations: Vec<CdcViolation>,
}

impl fmt::Display for CdcReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} clock domain(s) ({}), {} flop bits, {} synchronised crossing bits, {} violation(s)",
            self.domains.len(),
            self.domains.join(", "),
            self.flops,
            self.synchronised,
            self.violations.len()
        )
    }
}

// ------------------------------------------------------------- Yosys JSON

#[derive(Deserialize)]
struct Netlist {
    modules: BTreeMap<String, Module>,
}

#[derive(Deserialize)]
struct Module {
    #[serde(default)]
    ports: BTreeMap<String, JsonPort>,
    #[serde(default)]
    cells: BTreeMap<String, Cell>,
    #[serde(default)]
    netnames: BTreeMap<String, Net>,
}

#[derive(Deserialize)]
struct JsonPort {
    direction: String,
    bits: Vec<BitRef>,
}

#[derive(Deserialize)]
struct Cell {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    port_directions: BTreeMap<String, String>,
    #[serde(default)]
    connections: BTreeMap<String, Vec<BitRef>>,
    #[serde(default)]
    attributes: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    parameters: BTreeMap<String, serde_json::Value>,
}

impl Cell {
    /// The memory a `$memrd` / `$memwr` port belongs to.
    fn memid(&self) -> Option<&str> {
        self.parameters.get("MEMID")?.as_str()
    }
}

/// A memory's contents as the analysis sees them: one pseudo net bit per
/// write port, driven like a register of the port's clock domain, read by
/// the memory's read ports. Pseudo bits sit above every Yosys net number.
const MEMORY_BIT_BASE: usize = 1 << 48;

fn is_memory_write(kind: &str) -> bool {
    kind.starts_with("$memwr")
}

fn is_memory_read(kind: &str) -> bool {
    kind.starts_with("$memrd")
}

#[derive(Deserialize)]
struct Net {
    bits: Vec<BitRef>,
    #[serde(default)]
    hide_name: u8,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
enum BitRef {
    Net(usize),
    Const(#[allow(dead_code)] char),
}

impl BitRef {
    fn net(self) -> Option<usize> {
        match self {
            BitRef::Net(n) => Some(n),
            BitRef::Const(_) => None,
        }
    }
}

// ------------------------------------------------------------- analysis

/// Pins of a flop cell that are not data: clock, asynchronous controls, Q.
const NON_DATA_PINS: &[&str] = &["CLK", "ARST", "SET", "CLR", "ALOAD", "Q"];

#[derive(Clone, Copy)]
enum Driver {
    Port {
        domain: Option<usize>,
    },
    Flop {
        cell: usize,
    },
    /// Output bit `index` of combinational cell `cell`, port `pin`.
    Logic {
        cell: usize,
        pin: usize,
        index: usize,
    },
}

struct Flop {
    name: String,
    domain: Option<usize>,
    role: Option<String>,
    /// The D pin's bits, then the other data pins' (enable, sync reset).
    d: Vec<usize>,
    controls: Vec<usize>,
    q: Vec<usize>,
}

struct Graph<'a> {
    cells: Vec<(&'a str, &'a Cell)>,
    /// Per cell, its pins in a fixed order.
    pins: Vec<Vec<(&'a str, &'a Vec<BitRef>, bool)>>,
    driver: HashMap<usize, Driver>,
    flop_of_cell: HashMap<usize, usize>,
    flops: Vec<Flop>,
    names: HashMap<usize, String>,
    /// Domain bit-mask of each net bit's combinational fan-in cone.
    memo: HashMap<usize, u64>,
    /// Per memory, the pseudo bits of its write ports.
    memory_writes: HashMap<String, Vec<usize>>,
}

fn is_flop(kind: &str) -> bool {
    kind.starts_with('$') && (kind.contains("dff") || kind == "$ff")
}

fn is_latch(kind: &str) -> bool {
    kind.contains("latch") || kind == "$sr"
}

/// Nets an output bit of a bitwise cell depends on: the same bit of each
/// data input, and all of its selects. Other cells: every input bit.
fn inputs_of(g: &Graph, cell: usize, pin: usize, index: usize) -> Vec<usize> {
    let (_, c) = g.cells[cell];
    let width = g.pins[cell][pin].1.len();
    let bitwise = matches!(
        c.kind.as_str(),
        "$mux" | "$pmux" | "$and" | "$or" | "$xor" | "$xnor" | "$not" | "$pos"
    );
    let mut out = vec![];
    // A read port depends on what its memory's write ports stored.
    if is_memory_read(&c.kind) {
        if let Some(writes) = c.memid().and_then(|m| g.memory_writes.get(m)) {
            out.extend(writes);
        }
    }
    for (name, bits, is_input) in &g.pins[cell] {
        if !is_input {
            continue;
        }
        let same_bit = bitwise && *name != "S";
        if same_bit {
            // $pmux's B holds one word per case.
            let mut k = index;
            while k < bits.len() {
                out.extend(bits[k].net());
                k += width;
            }
        } else {
            out.extend(bits.iter().filter_map(|b| b.net()));
        }
    }
    out
}

impl Graph<'_> {
    fn name(&self, bit: usize) -> String {
        self.names
            .get(&bit)
            .cloned()
            .unwrap_or_else(|| format!("net {bit}"))
    }

    /// Domains whose registers (not `held` ones) or inputs reach `root`
    /// through combinational logic only.
    fn mask(&mut self, root: usize) -> u64 {
        if let Some(&m) = self.memo.get(&root) {
            return m;
        }
        let mut in_progress = BTreeSet::new();
        let mut stack = vec![(root, false)];
        while let Some((bit, expanded)) = stack.pop() {
            if self.memo.contains_key(&bit) {
                continue;
            }
            let m = match self.driver.get(&bit).copied() {
                None => 0,
                Some(Driver::Port { domain }) => domain.map_or(0, |d| 1 << d),
                Some(Driver::Flop { cell }) => {
                    let f = &self.flops[self.flop_of_cell[&cell]];
                    match (&f.role, f.domain) {
                        (Some(r), _) if r == "held" => 0,
                        (_, Some(d)) => 1 << d,
                        (_, None) => 0,
                    }
                }
                Some(Driver::Logic { cell, pin, index }) => {
                    let inputs = inputs_of(self, cell, pin, index);
                    if !expanded {
                        in_progress.insert(bit);
                        stack.push((bit, true));
                        for i in inputs {
                            if !self.memo.contains_key(&i) && !in_progress.contains(&i) {
                                stack.push((i, false));
                            }
                        }
                        continue;
                    }
                    // A combinational loop contributes what is known so far.
                    inputs
                        .iter()
                        .map(|i| self.memo.get(i).copied().unwrap_or(0))
                        .fold(0, |a, b| a | b)
                }
            };
            self.memo.insert(bit, m);
        }
        self.memo[&root]
    }

    /// A path from a register or input of domain `from` to `bit`, as net
    /// names, sender first.
    fn path(&mut self, bit: usize, from: usize) -> Vec<String> {
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([bit]);
        let mut found = None;
        while let Some(b) = queue.pop_front() {
            match self.driver.get(&b).copied() {
                Some(Driver::Logic { cell, pin, index }) => {
                    for i in inputs_of(self, cell, pin, index) {
                        if self.mask(i) >> from & 1 == 1 && !parent.contains_key(&i) && i != bit {
                            parent.insert(i, b);
                            queue.push_back(i);
                        }
                    }
                }
                Some(_) => {
                    found = Some(b);
                    break;
                }
                None => {}
            }
        }
        let mut names = vec![];
        let mut at = found;
        while let Some(b) = at {
            let n = self.name(b);
            // Yosys's own wires (`$and$file:line$7_Y`) say nothing to a reader.
            if names.last() != Some(&n) && !n.starts_with('$') {
                names.push(n);
            }
            at = parent.get(&b).copied();
        }
        if names.len() > 12 {
            let tail = names.split_off(names.len() - 5);
            names.truncate(6);
            names.push("...".into());
            names.extend(tail);
        }
        names
    }
}

/// Checks the flattened Yosys JSON netlist of `top`.
pub fn analyse(
    json: &str,
    top: &str,
    port_domains: &BTreeMap<String, String>,
) -> Result<CdcReport, String> {
    let netlist: Netlist =
        serde_json::from_str(json).map_err(|e| format!("Yosys JSON netlist: {e}"))?;
    let module = netlist
        .modules
        .get(top)
        .ok_or_else(|| format!("the netlist has no module `{top}`"))?;

    let mut names: HashMap<usize, (u8, usize, usize, String)> = HashMap::new();
    for (name, net) in &module.netnames {
        for (i, b) in net.bits.iter().enumerate() {
            if let Some(n) = b.net() {
                let full = if net.bits.len() == 1 {
                    name.clone()
                } else {
                    format!("{name}[{i}]")
                };
                let score = (net.hide_name, name.matches('$').count(), name.len(), full);
                if names.get(&n).is_none_or(|old| score < *old) {
                    names.insert(n, score);
                }
            }
        }
    }

    // Clock ports: every port some flop is clocked by.
    let port_bit: HashMap<usize, &str> = module
        .ports
        .iter()
        .filter(|(_, p)| p.direction == "input")
        .flat_map(|(name, p)| {
            p.bits
                .iter()
                .filter_map(|b| b.net())
                .map(move |b| (b, name.as_str()))
        })
        .collect();
    let cells: Vec<(&str, &Cell)> = module.cells.iter().map(|(n, c)| (n.as_str(), c)).collect();
    let mut domains: Vec<String> = cells
        .iter()
        .filter(|(_, c)| is_flop(&c.kind) || is_memory_write(&c.kind))
        .filter_map(|(_, c)| c.connections.get("CLK")?.first()?.net())
        .filter_map(|b| port_bit.get(&b).map(|p| p.to_string()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for d in port_domains.values() {
        if !domains.contains(d) {
            domains.push(d.clone());
        }
    }
    if domains.len() > 64 {
        return Err(format!("{top}: more than 64 clock domains"));
    }
    let domain_of = |port: &str| domains.iter().position(|d| d == port);

    let mut g = Graph {
        pins: vec![],
        cells: cells.clone(),
        driver: HashMap::new(),
        flop_of_cell: HashMap::new(),
        flops: vec![],
        names: names.into_iter().map(|(b, s)| (b, s.3)).collect(),
        memo: HashMap::new(),
        memory_writes: HashMap::new(),
    };
    for (name, p) in &module.ports {
        if p.direction == "input" {
            let domain = port_domains.get(name).and_then(|d| domain_of(d));
            for b in p.bits.iter().filter_map(|b| b.net()) {
                g.driver.insert(b, Driver::Port { domain });
            }
        }
    }
    let mut report = CdcReport::default();
    for (ci, (cname, c)) in cells.iter().enumerate() {
        if c.kind.starts_with("$mem")
            && !is_memory_write(&c.kind)
            && !is_memory_read(&c.kind)
            && !c.kind.starts_with("$meminit")
        {
            return Err(format!(
                "{top}: memory cell `{cname}` ({}): the CDC check reads memory ports, not collected memories",
                c.kind
            ));
        }
        let pins: Vec<(&str, &Vec<BitRef>, bool)> = c
            .connections
            .iter()
            .map(|(p, bits)| {
                let input = c.port_directions.get(p).is_none_or(|d| d == "input");
                (p.as_str(), bits, input)
            })
            .collect();
        if is_memory_write(&c.kind) {
            // Its data, address and enable are sampled by its clock, like a
            // register's D; what it stores is read in that domain.
            let memory = c
                .memid()
                .unwrap_or(cname)
                .trim_start_matches('\\')
                .to_string();
            let bit = MEMORY_BIT_BASE + ci;
            let clock = c.connections.get("CLK").and_then(|b| b.first()?.net());
            let domain = clock
                .and_then(|b| port_bit.get(&b))
                .and_then(|p| domain_of(p));
            let bits_of = |pin: &str| -> Vec<usize> {
                c.connections
                    .get(pin)
                    .map_or(vec![], |b| b.iter().filter_map(|b| b.net()).collect())
            };
            let mut controls = bits_of("ADDR");
            controls.extend(bits_of("EN"));
            g.driver.insert(bit, Driver::Flop { cell: ci });
            g.names.insert(bit, memory.clone());
            g.memory_writes
                .entry(c.memid().unwrap_or(cname).to_string())
                .or_default()
                .push(bit);
            g.flop_of_cell.insert(ci, g.flops.len());
            g.flops.push(Flop {
                name: memory,
                domain,
                role: None,
                d: bits_of("DATA"),
                controls,
                q: vec![bit],
            });
        } else if is_flop(&c.kind) {
            let q: Vec<usize> = c.connections["Q"].iter().filter_map(|b| b.net()).collect();
            let clock = c.connections.get("CLK").and_then(|b| b.first().copied());
            let clock_port = clock.and_then(|b| b.net()).and_then(|b| port_bit.get(&b));
            // A flop of a sub-block is known by its instance; one Yosys
            // made at the top (`$procdff$35`) by the net it drives.
            let name = match q.first() {
                Some(&b) if cname.starts_with('$') && !cname.starts_with("$flatten\\") => {
                    base(&g.name(b))
                }
                _ => instance_path(cname),
            };
            let domain = clock_port.and_then(|p| domain_of(p));
            if domain.is_none() {
                report.violations.push(CdcViolation {
                    kind: ViolationKind::DerivedClock,
                    signal: name.clone(),
                    from: clock
                        .and_then(|b| b.net())
                        .map_or("a constant".into(), |b| g.name(b)),
                    to: String::new(),
                    path: vec![],
                });
            }
            let bits_of = |keep: &dyn Fn(&str) -> bool| -> Vec<usize> {
                pins.iter()
                    .filter(|(p, _, _)| keep(p))
                    .flat_map(|(_, bits, _)| bits.iter().filter_map(|b| b.net()))
                    .collect()
            };
            let d = bits_of(&|p| p == "D");
            let controls = bits_of(&|p| p != "D" && !NON_DATA_PINS.contains(&p));
            report.flops += q.len();
            for &b in &q {
                g.driver.insert(b, Driver::Flop { cell: ci });
            }
            g.flop_of_cell.insert(ci, g.flops.len());
            g.flops.push(Flop {
                name,
                domain,
                role: c
                    .attributes
                    .get("kaizen_cdc")
                    .and_then(|v| v.as_str())
                    .map(String::from),
                d,
                controls,
                q,
            });
        } else {
            if is_latch(&c.kind) {
                let name = c
                    .connections
                    .get("Q")
                    .and_then(|q| q.first()?.net())
                    .map_or(cname.to_string(), |b| base(&g.name(b)));
                report.violations.push(CdcViolation {
                    kind: ViolationKind::Latch,
                    signal: name,
                    from: String::new(),
                    to: String::new(),
                    path: vec![],
                });
            }
            for (pi, (_, bits, input)) in pins.iter().enumerate() {
                if !input {
                    for (index, b) in bits.iter().enumerate() {
                        if let Some(b) = b.net() {
                            g.driver.insert(
                                b,
                                Driver::Logic {
                                    cell: ci,
                                    pin: pi,
                                    index,
                                },
                            );
                        }
                    }
                }
            }
        }
        g.pins.push(pins);
    }

    name_register_bits(&mut g, &module.netnames);

    // One violation per (receiving register, sending domain, kind).
    let mut seen = BTreeSet::new();
    for fi in 0..g.flops.len() {
        let Some(to) = g.flops[fi].domain else {
            continue;
        };
        let sync = g.flops[fi].role.as_deref() == Some("sync");
        let d_bits = g.flops[fi].d.len();
        let data: Vec<usize> = g.flops[fi]
            .d
            .iter()
            .chain(&g.flops[fi].controls)
            .copied()
            .collect();
        for (k, bit) in data.into_iter().enumerate() {
            let on_d = k < d_bits;
            let foreign = g.mask(bit) & !(1u64 << to);
            let direct = matches!(
                g.driver.get(&bit),
                Some(Driver::Flop { .. } | Driver::Port { .. })
            );
            if sync && on_d && direct {
                report.synchronised += usize::from(foreign != 0);
                continue;
            }
            if foreign == 0 {
                continue;
            }
            let from = foreign.trailing_zeros() as usize;
            let kind = if sync && on_d {
                ViolationKind::LogicBeforeSynchroniser
            } else {
                ViolationKind::Unsynchronised
            };
            let key = (g.flops[fi].name.clone(), from, kind.clone());
            if !seen.insert(key) {
                continue;
            }
            let mut path = g.path(bit, from);
            path.push(g.name(g.flops[fi].q[0]));
            report.violations.push(CdcViolation {
                kind,
                signal: g.flops[fi].name.clone(),
                from: domains[from].clone(),
                to: domains[to].clone(),
                path,
            });
        }
    }
    report.domains = domains;
    Ok(report)
}

/// `a.b[3]` -> `a.b`.
fn base(name: &str) -> String {
    match name.rfind('[') {
        Some(i) if name.ends_with(']') => name[..i].to_string(),
        _ => name.to_string(),
    }
}

/// The instance a flattened cell came from: `$flatten\a.\b.$procdff$7`
/// -> `a.b` (a rust-hdl register is an instance of its own).
fn instance_path(cell: &str) -> String {
    let Some(rest) = cell.strip_prefix("$flatten\\") else {
        return cell.to_string();
    };
    let parts: Vec<&str> = rest.split('.').collect();
    parts[..parts.len() - 1]
        .iter()
        .map(|p| p.trim_start_matches('\\'))
        .collect::<Vec<_>>()
        .join(".")
}

/// A register's bits are named inside its own instance (`sender.q[2]`),
/// not by whatever wire outside it is shortest (an output port, say).
fn name_register_bits(g: &mut Graph, netnames: &BTreeMap<String, Net>) {
    let mut owner: HashMap<usize, &str> = HashMap::new();
    for f in &g.flops {
        for &b in &f.q {
            owner.insert(b, &f.name);
        }
    }
    let mut best: HashMap<usize, String> = HashMap::new();
    for (name, net) in netnames {
        for (i, b) in net.bits.iter().enumerate() {
            let Some(b) = b.net() else { continue };
            let Some(inst) = owner.get(&b) else { continue };
            if !name.strip_prefix(*inst).is_some_and(|r| r.starts_with('.')) {
                continue;
            }
            let full = if net.bits.len() == 1 {
                name.clone()
            } else {
                format!("{name}[{i}]")
            };
            if best.get(&b).is_none_or(|old| full.len() < old.len()) {
                best.insert(b, full);
            }
        }
    }
    g.names.extend(best);
}
