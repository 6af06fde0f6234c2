//! One combinational block per signal where that is exactly equivalent.
//!
//! rust-hdl writes a module's whole combinational logic as one
//! `always @(*)` block: the parent block drives a sub-block's inputs and
//! reads its outputs, and connects every sub-block's clock
//! (`fifo$clock = clock;`). A simulator orders logic by block, so it sees a
//! loop through the sub-block where the netlist has none (Verilator's
//! `UNOPTFLAT`, settled by iteration), runs the whole block whenever any
//! input changes, and must run it on every clock edge to learn the
//! sub-blocks' clocks.
//!
//! Here a signal `v` assigned in the block gets a block of its own (its
//! assignments under their `if` conditions, in their order), or a
//! continuous `assign` when it is one unconditional assignment, when that
//! computes what the single block computed:
//! - every signal `r` that `v`'s statements or their conditions read, and
//!   that the block assigns, is assigned only before the read, so the read
//!   sees `r`'s final value, which is what `r`'s own block gives; and
//! - every read of `v` outside its own assignments comes after `v`'s last
//!   assignment, so it too sees the final value.
//!
//! With no loops in the block (rust-hdl unrolls them), no statement can run
//! after a read that comes after it in the text, so both conditions are
//! exact. Everything else stays in the original block, in its order. A block
//! with anything the parser does not know (`case`, comments) is left whole.

use std::collections::{BTreeMap, BTreeSet};

/// `verilog` with every module's combinational block split (see above).
pub fn split(verilog: &str) -> String {
    let lines: Vec<&str> = verilog.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut start = 0;
    while start < lines.len() {
        let end = lines[start..]
            .iter()
            .position(|l| l.starts_with("endmodule"))
            .map_or(lines.len(), |n| start + n + 1);
        match split_module(&lines[start..end]) {
            Some(module) => out.extend(module),
            None => out.extend(lines[start..end].iter().map(|l| l.to_string())),
        }
        start = end;
    }
    let mut text = out.join("\n");
    if verilog.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A statement of the block. Positions number assignments and conditions
/// in text order.
#[derive(Debug)]
enum Node {
    Assign {
        lhs: String,
        reads: Vec<String>,
        text: String,
        pos: usize,
    },
    If(Vec<Branch>),
}

#[derive(Debug)]
struct Branch {
    /// `None` for a final `else`.
    cond: Option<Cond>,
    body: Vec<Node>,
}

#[derive(Debug)]
struct Cond {
    text: String,
    reads: Vec<String>,
    pos: usize,
}

/// One module's lines, rewritten; `None` when it is left as it is.
fn split_module(lines: &[&str]) -> Option<Vec<String>> {
    let open = lines
        .windows(2)
        .position(|w| w[0].trim() == "// Update code" && w[1] == "    always @(*) begin")?
        + 1;
    let close = open + lines[open..].iter().position(|l| *l == "    end")?;
    let mut pos = 0;
    let mut body = &lines[open + 1..close];
    let nodes = parse_body(&mut body, &mut pos)?;
    if !body.is_empty() {
        return None;
    }
    // Assigned outside this block too (never in rust-hdl's own modules):
    // leave the module alone.
    let mut assigns: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut reads: Vec<(&str, usize, Option<&str>)> = vec![];
    collect(&nodes, &mut assigns, &mut reads);
    let outside = lines[..open]
        .iter()
        .chain(&lines[close..])
        .any(|l| assignment(l.trim()).is_some_and(|(lhs, _)| assigns.contains_key(lhs)));
    if outside {
        return None;
    }
    let last = |v: &str| assigns.get(v).and_then(|p| p.last()).copied();
    let own: BTreeMap<&str, Vec<(&str, usize)>> = assigns
        .keys()
        .map(|v| {
            let mut r = vec![];
            slice_reads(&nodes, v, &mut r);
            (*v, r)
        })
        .collect();
    let isolated: BTreeSet<&str> = assigns
        .keys()
        .copied()
        .filter(|v| {
            let read_after = reads
                .iter()
                .filter(|(r, _, owner)| r == v && *owner != Some(*v))
                .all(|(_, p, _)| last(v).is_some_and(|l| *p > l));
            let reads_final = own[v]
                .iter()
                .filter(|(r, _)| r != v)
                .all(|(r, p)| last(r).is_none_or(|l| l < *p));
            read_after && reads_final
        })
        .collect();
    if isolated.is_empty() {
        return None;
    }

    let mut blocks = vec![];
    let rest = filter(&nodes, &|lhs| !isolated.contains(lhs));
    if !rest.is_empty() {
        blocks.push("    always @(*) begin".to_string());
        write(&rest, 2, &mut blocks);
        blocks.push("    end".to_string());
    }
    // Each isolated signal, in the order of its first assignment.
    let mut order: Vec<&str> = isolated.iter().copied().collect();
    order.sort_by_key(|v| assigns[v][0]);
    let mut wires = BTreeSet::new();
    for v in order {
        let slice = filter(&nodes, &|lhs| lhs == v);
        match slice.as_slice() {
            [Kept::Assign(text)] => {
                wires.insert(v);
                blocks.push(format!("    assign {text}"));
            }
            _ => {
                blocks.push("    always @(*) begin".to_string());
                write(&slice, 2, &mut blocks);
                blocks.push("    end".to_string());
            }
        }
    }
    let mut out = Vec::with_capacity(lines.len() + blocks.len());
    for l in &lines[..open] {
        out.push(as_wire(l, &wires).unwrap_or_else(|| l.to_string()));
    }
    out.extend(blocks);
    out.extend(lines[close + 1..].iter().map(|l| l.to_string()));
    Some(out)
}

/// The declaration `line` with `reg` made `wire`, if it declares one of
/// `wires`.
fn as_wire(line: &str, wires: &BTreeSet<&str>) -> Option<String> {
    let t = line.trim_start();
    let rest = t
        .strip_prefix("reg ")
        .or_else(|| t.strip_prefix("output reg "))?;
    let name = rest.trim().strip_suffix(';')?.split_whitespace().last()?;
    wires
        .contains(name)
        .then(|| line.replacen(" reg ", " wire ", 1))
}

fn parse_body(lines: &mut &[&str], pos: &mut usize) -> Option<Vec<Node>> {
    let mut nodes = vec![];
    while let Some(line) = lines.first() {
        let t = line.trim();
        if t == "end" {
            return Some(nodes);
        }
        *lines = &lines[1..];
        if let Some(cond) = condition(t, "if (") {
            let mut branches = vec![parse_branch(Some(cond), lines, pos)?];
            loop {
                let next = lines.first().map(|l| l.trim());
                if let Some(cond) = next.and_then(|t| condition(t, "else if (")) {
                    *lines = &lines[1..];
                    branches.push(parse_branch(Some(cond), lines, pos)?);
                } else if next == Some("else begin") {
                    *lines = &lines[1..];
                    branches.push(parse_branch(None, lines, pos)?);
                    break;
                } else {
                    break;
                }
            }
            nodes.push(Node::If(branches));
        } else {
            let (lhs, reads) = assignment(t)?;
            *pos += 1;
            nodes.push(Node::Assign {
                lhs: lhs.to_string(),
                reads,
                text: t.to_string(),
                pos: *pos,
            });
        }
    }
    Some(nodes)
}

/// A branch's condition has been read; its body runs to the matching `end`.
fn parse_branch(cond: Option<&str>, lines: &mut &[&str], pos: &mut usize) -> Option<Branch> {
    let cond = cond.map(|text| {
        *pos += 1;
        Cond {
            text: text.to_string(),
            reads: identifiers(text),
            pos: *pos,
        }
    });
    let body = parse_body(lines, pos)?;
    (lines.first()?.trim() == "end").then_some(())?;
    *lines = &lines[1..];
    Some(Branch { cond, body })
}

/// The condition of `<prefix>cond) begin`.
fn condition<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    line.strip_prefix(prefix)?.strip_suffix(") begin")
}

/// `lhs = rhs;` (or `lhs[index] = rhs;`): the assigned name and the names
/// read (the right side and any index).
fn assignment(line: &str) -> Option<(&str, Vec<String>)> {
    let (lhs, rhs) = line.split_once(" = ")?;
    let rhs = rhs.strip_suffix(';')?;
    let name_end = lhs.find('[').unwrap_or(lhs.len());
    let name = &lhs[..name_end];
    if !is_identifier(name) {
        return None;
    }
    let mut reads = identifiers(rhs);
    reads.extend(identifiers(&lhs[name_end..]));
    Some((name, reads))
}

/// The identifiers in an expression (not the digits of sized literals
/// such as `32'h9`, nor system functions).
fn identifiers(expr: &str) -> Vec<String> {
    let mut out = vec![];
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // A literal's base and digits: 'h1f, 'sb101.
            while chars
                .peek()
                .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_')
            {
                chars.next();
            }
        } else if c.is_ascii_digit() || c == '$' {
            while chars
                .peek()
                .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_' || *d == '$')
            {
                chars.next();
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut id = c.to_string();
            while let Some(&d) = chars.peek() {
                if !(d.is_ascii_alphanumeric() || d == '_' || d == '$') {
                    break;
                }
                id.push(d);
                chars.next();
            }
            out.push(id);
        }
    }
    out
}

fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(super::is_ident_char)
}

/// Assignment positions per signal, and every read: (signal, position,
/// the signal whose assignment reads it, or `None` for a condition).
fn collect<'a>(
    nodes: &'a [Node],
    assigns: &mut BTreeMap<&'a str, Vec<usize>>,
    reads: &mut Vec<(&'a str, usize, Option<&'a str>)>,
) {
    for n in nodes {
        match n {
            Node::Assign {
                lhs, reads: r, pos, ..
            } => {
                assigns.entry(lhs).or_default().push(*pos);
                reads.extend(r.iter().map(|r| (r.as_str(), *pos, Some(lhs.as_str()))));
            }
            Node::If(branches) => {
                for (i, b) in branches.iter().enumerate() {
                    if let Some(c) = &b.cond {
                        // A condition only one signal's block keeps (the
                        // branches from here on assign that signal alone)
                        // is read by that block, in order, like its own
                        // assignments.
                        let mut under = BTreeSet::new();
                        for later in &branches[i..] {
                            assigned(&later.body, &mut under);
                        }
                        let owner = match under.len() {
                            1 => under.pop_first(),
                            _ => None,
                        };
                        reads.extend(c.reads.iter().map(|r| (r.as_str(), c.pos, owner)));
                    }
                    collect(&b.body, assigns, reads);
                }
            }
        }
    }
}

/// Every signal `nodes` assign.
fn assigned<'a>(nodes: &'a [Node], out: &mut BTreeSet<&'a str>) {
    for n in nodes {
        match n {
            Node::Assign { lhs, .. } => {
                out.insert(lhs);
            }
            Node::If(branches) => branches.iter().for_each(|b| assigned(&b.body, out)),
        }
    }
}

/// Whether `nodes` assign `v` anywhere.
fn assigns_to(nodes: &[Node], v: &str) -> bool {
    nodes.iter().any(|n| match n {
        Node::Assign { lhs, .. } => lhs == v,
        Node::If(branches) => branches.iter().any(|b| assigns_to(&b.body, v)),
    })
}

/// What `v`'s own block reads: its assignments' reads, and the conditions
/// of every branch up to the last one that assigns `v` in each `if` chain.
fn slice_reads<'a>(nodes: &'a [Node], v: &str, out: &mut Vec<(&'a str, usize)>) {
    for n in nodes {
        match n {
            Node::Assign {
                lhs, reads, pos, ..
            } if lhs == v => out.extend(reads.iter().map(|r| (r.as_str(), *pos))),
            Node::Assign { .. } => {}
            Node::If(branches) => {
                let Some(last) = branches.iter().rposition(|b| assigns_to(&b.body, v)) else {
                    continue;
                };
                for b in &branches[..=last] {
                    if let Some(c) = &b.cond {
                        out.extend(c.reads.iter().map(|r| (r.as_str(), c.pos)));
                    }
                    slice_reads(&b.body, v, out);
                }
            }
        }
    }
}

/// The statements assigning a signal `keep` accepts, under their
/// conditions; an `if` chain loses its branches after the last one that
/// keeps something, and disappears when none does.
fn filter<'a>(nodes: &'a [Node], keep: &dyn Fn(&str) -> bool) -> Vec<Kept<'a>> {
    let mut out = vec![];
    for n in nodes {
        match n {
            Node::Assign { lhs, text, .. } => {
                if keep(lhs) {
                    out.push(Kept::Assign(text));
                }
            }
            Node::If(branches) => {
                let kept: Vec<(Option<&str>, Vec<Kept>)> = branches
                    .iter()
                    .map(|b| {
                        (
                            b.cond.as_ref().map(|c| c.text.as_str()),
                            filter(&b.body, keep),
                        )
                    })
                    .collect();
                if let Some(last) = kept.iter().rposition(|(_, body)| !body.is_empty()) {
                    out.push(Kept::If(kept.into_iter().take(last + 1).collect()));
                }
            }
        }
    }
    out
}

/// A statement of a rewritten block.
enum Kept<'a> {
    Assign(&'a str),
    If(Vec<(Option<&'a str>, Vec<Kept<'a>>)>),
}

fn write(nodes: &[Kept], depth: usize, out: &mut Vec<String>) {
    let pad = "    ".repeat(depth);
    for n in nodes {
        match n {
            Kept::Assign(text) => out.push(format!("{pad}{text}")),
            Kept::If(branches) => {
                for (i, (cond, body)) in branches.iter().enumerate() {
                    out.push(match (i, cond) {
                        (0, Some(c)) => format!("{pad}if ({c}) begin"),
                        (_, Some(c)) => format!("{pad}else if ({c}) begin"),
                        (_, None) => format!("{pad}else begin"),
                    });
                    write(body, depth + 1, out);
                    out.push(format!("{pad}end"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    fn module(decls: &str, body: &str) -> String {
        format!(
            "module top(clock,a,b,y);\n    input wire  clock;\n    input wire  a;\n    input wire  b;\n    output reg  y;\n{decls}    // Update code\n    always @(*) begin\n{body}    end\nendmodule // top\n"
        )
    }

    #[test]
    fn a_clock_connection_becomes_a_wire() {
        let v = split(&module(
            "    reg  child$clock;\n",
            "        child$clock = clock;\n        y = a;\n",
        ));
        assert!(v.contains("    wire  child$clock;\n"), "{v}");
        assert!(v.contains("    assign child$clock = clock;\n"), "{v}");
        assert!(v.contains("    output wire  y;\n"), "{v}");
        assert!(v.contains("    assign y = a;\n"), "{v}");
        assert!(!v.contains("always"), "{v}");
    }

    #[test]
    fn a_conditional_signal_gets_its_own_block_with_its_conditions() {
        let v = split(&module(
            "    reg  t;\n",
            "        t = 1'b0;\n        if (a) begin\n            t = b;\n        end\n        else if (b) begin\n            y = 1'b1;\n        end\n        else begin\n            t = 1'b1;\n        end\n        y = t;\n",
        ));
        // t keeps the whole chain (its last assignment is in the else);
        // y reads t after t's last assignment, so both are isolated.
        let t_block = "    always @(*) begin\n        t = 1'b0;\n        if (a) begin\n            t = b;\n        end\n        else if (b) begin\n        end\n        else begin\n            t = 1'b1;\n        end\n    end\n";
        assert!(v.contains(t_block), "{v}");
        assert!(
            v.contains("    always @(*) begin\n        if (a) begin\n        end\n        else if (b) begin\n            y = 1'b1;\n        end\n        y = t;\n    end\n"),
            "{v}"
        );
    }

    #[test]
    fn a_read_between_assignments_keeps_both_signals_together() {
        // y reads t's intermediate value: splitting would change y.
        let body = "        t = a;\n        y = t;\n        t = b;\n";
        let v = split(&module("    reg  t;\n", body));
        assert!(
            v.contains(&format!("    always @(*) begin\n{body}    end\n")),
            "{v}"
        );
        assert!(!v.contains("assign"), "{v}");
    }

    #[test]
    fn a_signal_read_before_a_later_assignment_of_what_it_reads_stays() {
        // u reads t before t's last assignment: t and u stay together; y
        // reads u after u's last assignment and moves out.
        let v = split(&module(
            "    reg  t;\n    reg  u;\n",
            "        t = a;\n        u = t;\n        if (b) begin\n            t = 1'b0;\n        end\n        y = u;\n",
        ));
        assert!(
            v.contains("    always @(*) begin\n        t = a;\n        u = t;\n        if (b) begin\n            t = 1'b0;\n        end\n    end\n"),
            "{v}"
        );
        assert!(v.contains("    assign y = u;\n"), "{v}");
    }

    #[test]
    fn a_condition_on_the_signal_it_alone_guards_stays_with_it() {
        // A saturating step: the condition reads t before t's last
        // assignment, but only t's own block keeps that condition.
        let v = split(&module(
            "    reg  t;\n",
            "        t = a;\n        if (t < b) begin\n            t = b;\n        end\n        y = t;\n",
        ));
        assert!(
            v.contains("    always @(*) begin\n        t = a;\n        if (t < b) begin\n            t = b;\n        end\n    end\n"),
            "{v}"
        );
        assert!(v.contains("    assign y = t;\n"), "{v}");
    }

    #[test]
    fn a_block_the_parser_does_not_know_is_left_whole() {
        let m = module("", "        case (a)\n        endcase\n        y = a;\n");
        assert_eq!(split(&m), m);
        let leaf = "module leaf(clock,d,q);\n    input wire  clock;\n    input wire  d;\n    output reg  q;\n    // Update code (custom)\n    always @(posedge clock) begin\n        q <= d;\n    end\nendmodule // leaf\n";
        assert_eq!(split(leaf), leaf);
    }

    #[test]
    fn identifiers_skip_literals_and_keep_dollar_names() {
        assert_eq!(
            super::identifiers("req_addr[(32'h5)+:(4)] & b_row$0$q | 4'b1010 & $signed(x)"),
            ["req_addr", "b_row$0$q", "x"]
        );
    }
}
