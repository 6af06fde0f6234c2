//! Fan-out repair of a mapped netlist: every net driving more than
//! `max_fanout` standard-cell inputs gets a tree of buffers, as a
//! resizer's `repair_design` does before placement.
//!
//! Why here: ABC buffers inside the logic it maps, but not the nets it
//! receives from outside, such as flop outputs; measured on GT2N, a flop
//! enabling every LFSR bit of the PHY's descrambler drove 246 inputs from
//! an x1 output (630 ps), and ABC's `buffer` left it alone. Clock and
//! asynchronous set/reset nets are left alone (pre-CTS the clock is ideal;
//! resets are false paths), and so are nets of tie cells and pins of
//! macros (black boxes).
//!
//! The netlist is Yosys's `write_verilog -noattr -noexpr` text, one pin
//! connection per line; only those lines are rewritten.

use std::collections::{BTreeMap, HashMap};

/// Pin directions and area of each cell in a Liberty file.
#[derive(Default)]
pub struct CellPins {
    pub inputs: HashMap<String, Vec<String>>,
    pub area: HashMap<String, f64>,
}

/// The cells, their input pins and their area, from Liberty text (enough of
/// the format for the kit's flat cell list).
pub fn read_liberty_pins(text: &str) -> CellPins {
    let mut out = CellPins::default();
    let mut cell: Option<String> = None;
    let mut pin: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = group_name(t, "cell") {
            cell = Some(name.to_string());
            pin = None;
        } else if let Some(name) = group_name(t, "pin") {
            pin = Some(name.to_string());
        } else if let (Some(c), Some(rest)) = (&cell, t.strip_prefix("area")) {
            if pin.is_none() {
                if let Some(v) = rest.trim_start_matches([' ', ':']).split(';').next() {
                    if let Ok(a) = v.trim().parse() {
                        out.area.insert(c.clone(), a);
                    }
                }
            }
        } else if t.starts_with("direction") && t.contains("input") {
            if let (Some(c), Some(p)) = (&cell, &pin) {
                out.inputs.entry(c.clone()).or_default().push(p.clone());
            }
        }
    }
    out
}

fn group_name<'a>(line: &'a str, group: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(group)?.trim_start().strip_prefix('(')?;
    let (name, tail) = rest.split_once(')')?;
    tail.trim_start()
        .starts_with('{')
        .then(|| name.trim().trim_matches('"'))
}

/// What the repair may use and must leave alone.
pub struct Repair<'a> {
    pub max_fanout: usize,
    /// Buffer cell and its input and output pins.
    pub buffer: (&'a str, &'a str, &'a str),
    /// Pins whose nets are never buffered (clock, asynchronous set/reset).
    pub skip_pins: &'a [String],
    /// Cells whose outputs are never buffered (tie cells).
    pub skip_drivers: &'a [String],
}

/// The repaired netlist and how many buffers it gained (`None` when no net
/// needed one).
pub fn repair(netlist: &str, lib: &CellPins, r: &Repair) -> Option<(String, usize)> {
    let lines: Vec<&str> = netlist.lines().collect();
    // Per net: the lines of its standard-cell input connections; nets also
    // seen on a skipped pin, or driven by a skipped cell, are excluded.
    let mut loads: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut excluded: std::collections::HashSet<&str> = Default::default();
    let mut cell: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if let Some(name) = instance_cell(t) {
            cell = Some(name);
            continue;
        }
        if t == ");" {
            cell = None;
            continue;
        }
        let (Some(c), Some((pin, net))) = (cell, connection(t)) else {
            continue;
        };
        let Some(inputs) = lib.inputs.get(c) else {
            continue; // a macro or unknown cell: its pins stay as they are
        };
        if !inputs.iter().any(|p| p == pin) {
            if r.skip_drivers.iter().any(|d| d == c) {
                excluded.insert(net);
            }
            continue;
        }
        if r.skip_pins.iter().any(|p| p == pin) {
            excluded.insert(net);
        } else if is_net(net) {
            loads.entry(net).or_default().push(i);
        }
    }
    let mut rewired: HashMap<usize, String> = HashMap::new();
    // Buffers: (input net, output net), inputs filled in as the tree grows.
    let mut buffers: Vec<(String, String)> = vec![];
    for (net, lines_of) in &loads {
        if lines_of.len() <= r.max_fanout || excluded.contains(net) {
            continue;
        }
        // Leaves first: group the loads, then group the buffers, until the
        // original net drives at most `max_fanout`.
        let mut level: Vec<Sink> = lines_of.iter().map(|&l| Sink::Line(l)).collect();
        while level.len() > r.max_fanout {
            let mut next = vec![];
            for group in level.chunks(r.max_fanout) {
                let out = format!("kz_fanout_{}", buffers.len());
                for sink in group {
                    match *sink {
                        Sink::Line(l) => {
                            rewired.insert(l, out.clone());
                        }
                        Sink::Buffer(b) => buffers[b].0 = out.clone(),
                    }
                }
                next.push(Sink::Buffer(buffers.len()));
                buffers.push((String::new(), out));
            }
            level = next;
        }
        for sink in level {
            if let Sink::Buffer(b) = sink {
                buffers[b].0 = net.to_string();
            }
        }
    }
    if buffers.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(netlist.len() + 120 * buffers.len());
    let mut declared = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "endmodule" {
            for (k, (input, output)) in buffers.iter().enumerate() {
                out.push_str(&format!(
                    "  {} kz_fanout_buf_{k} (\n    .{}({input}),\n    .{}({output})\n  );\n",
                    r.buffer.0, r.buffer.1, r.buffer.2
                ));
            }
        }
        match rewired.get(&i) {
            Some(new) => {
                let (pin, _) = connection(line.trim()).expect("a connection line");
                let comma = if line.trim_end().ends_with(',') {
                    ","
                } else {
                    ""
                };
                out.push_str(&format!("    .{pin}({new}){comma}\n"));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
        // The new wires are declared as soon as the port list closes.
        if !declared && line.trim_end().ends_with(");") {
            for (_, output) in &buffers {
                out.push_str(&format!("  wire {output};\n"));
            }
            declared = true;
        }
    }
    Some((out, buffers.len()))
}

enum Sink {
    Line(usize),
    Buffer(usize),
}

/// `gt2_6t_and2_x1_w31_lvt _123_ (` -> the cell type.
fn instance_cell(t: &str) -> Option<&str> {
    let rest = t.strip_suffix('(')?.trim_end();
    let (cell, inst) = rest.split_once(' ')?;
    (!cell.is_empty() && !inst.trim().is_empty() && !cell.starts_with("module")).then_some(cell)
}

/// `.A(\foo.bar [3] ),` -> ("A", "\foo.bar [3] ").
fn connection(t: &str) -> Option<(&str, &str)> {
    let rest = t.strip_prefix('.')?;
    let (pin, rest) = rest.split_once('(')?;
    let net = rest.trim_end_matches(',').strip_suffix(')')?;
    Some((pin, net))
}

/// A plain net or bit, not a constant or a concatenation.
fn is_net(net: &str) -> bool {
    let n = net.trim();
    !n.is_empty() && !n.starts_with('{') && !n.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = "library(x) {\n  cell(and2) {\n    area : 0.02 ;\n    pin(A) {\n      direction : input ;\n    }\n    pin(B) {\n      direction : input ;\n    }\n    pin(Y) {\n      direction : output ;\n    }\n  }\n  cell(dff) {\n    area : 0.18 ;\n    pin(CLK) {\n      direction : input ;\n    }\n    pin(D) {\n      direction : input ;\n    }\n    pin(Q) {\n      direction : output ;\n    }\n  }\n}\n";

    fn netlist(loads: usize) -> String {
        let mut s = String::from("module t(clock, e, y);\n  input clock;\n  input e;\n  output y;\n  wire en;\n  dff r (\n    .CLK(clock),\n    .D(e),\n    .Q(en)\n  );\n");
        for i in 0..loads {
            s.push_str(&format!(
                "  and2 g{i} (\n    .A(en),\n    .B(e),\n    .Y(o{i})\n  );\n"
            ));
        }
        s.push_str("endmodule\n");
        s
    }

    fn run(text: &str) -> Option<(String, usize)> {
        let lib = read_liberty_pins(LIB);
        repair(
            text,
            &lib,
            &Repair {
                max_fanout: 4,
                buffer: ("buf", "A", "Y"),
                skip_pins: &["CLK".into()],
                skip_drivers: &[],
            },
        )
    }

    /// Inputs each net drives in `text` (pins `.A`/`.B`/`.D`).
    fn fanouts(text: &str) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for line in text.lines() {
            if let Some((pin, net)) = connection(line.trim()) {
                if pin != "Y" && pin != "Q" && pin != "CLK" {
                    *m.entry(net.to_string()).or_default() += 1;
                }
            }
        }
        m
    }

    #[test]
    fn liberty_pins_and_area() {
        let lib = read_liberty_pins(LIB);
        assert_eq!(lib.inputs["and2"], ["A", "B"]);
        assert_eq!(lib.area["dff"], 0.18);
    }

    #[test]
    fn a_net_over_the_limit_gets_a_tree_and_every_load_is_still_reached() {
        let (out, buffers) = run(&netlist(37)).expect("repaired");
        // `en`: 37 loads -> 10 leaf buffers -> 3 (driven by `en`); `e`, 37
        // B pins and the flop's D, the same.
        assert_eq!(buffers, 2 * (10 + 3));
        let f = fanouts(&out);
        assert!(f.values().all(|&n| n <= 4), "{f:?}");
        // Follow the tree from `en`: every gate's A is reached.
        let mut reached = vec!["en".to_string()];
        let mut i = 0;
        while i < reached.len() {
            let from = reached[i].clone();
            for block in out.split("  );") {
                if block.contains(&format!(".A({from})")) && block.contains("kz_fanout_buf_") {
                    let y = block
                        .split(".Y(")
                        .nth(1)
                        .unwrap()
                        .split(')')
                        .next()
                        .unwrap();
                    reached.push(y.to_string());
                }
            }
            i += 1;
        }
        let gates_reached = out
            .split("  );")
            .filter(|b| b.contains("and2 g"))
            .filter(|b| reached.iter().any(|n| b.contains(&format!(".A({n})"))))
            .count();
        assert_eq!(gates_reached, 37);
    }

    #[test]
    fn nets_within_the_limit_and_clock_nets_are_left_alone() {
        assert!(run(&netlist(3)).is_none());
        let mut clocked = String::from("module t(clock);\n  input clock;\n");
        for i in 0..9 {
            clocked.push_str(&format!(
                "  dff r{i} (\n    .CLK(clock),\n    .D(d),\n    .Q(q{i})\n  );\n"
            ));
        }
        clocked.push_str("endmodule\n");
        // `d` drives 9 D pins: buffered; `clock` is not.
        let (out, _) = run(&clocked).expect("d repaired");
        assert_eq!(out.matches(".CLK(clock)").count(), 9);
    }
}
