//! Gate-level netlist touch-ups between Yosys and OpenSTA.
//!
//! Yosys writes wires that alias other wires as `assign` statements, and
//! several aliases at once as one statement with concatenations
//! (`assign { a[25], b[23:16] } = { c, d };`), which OpenSTA's Verilog
//! reader rejects. `split_concat_assigns` rewrites each such statement as
//! one plain `assign` per bit; everything else is left as written.

use std::collections::HashMap;

/// Declared range (msb, lsb) of every wire and port; `None` for a scalar.
fn declarations(text: &str) -> HashMap<String, Option<(i64, i64)>> {
    let mut decls = HashMap::new();
    for line in text.lines() {
        let t = line.trim_start();
        let Some(rest) = ["wire ", "input ", "output ", "inout ", "reg "]
            .iter()
            .find_map(|k| t.strip_prefix(k))
        else {
            continue;
        };
        let rest = rest.trim_start();
        let (range, name_part) = match rest.strip_prefix('[') {
            Some(r) => match r.split_once(']') {
                Some((range, name)) => (parse_range(range), name),
                None => continue,
            },
            None => (None, rest),
        };
        let name = identifier(name_part.trim_start());
        if !name.is_empty() {
            decls.insert(name.to_string(), range);
        }
    }
    decls
}

fn parse_range(r: &str) -> Option<(i64, i64)> {
    let (m, l) = r.split_once(':')?;
    Some((m.trim().parse().ok()?, l.trim().parse().ok()?))
}

/// The identifier at the start of `s`: an escaped one runs to whitespace.
fn identifier(s: &str) -> &str {
    let end = if s.starts_with('\\') {
        s.find(char::is_whitespace).unwrap_or(s.len())
    } else {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(s.len())
    };
    &s[..end]
}

/// The bits of one concatenation element, most significant first, each
/// written as Verilog; `None` when the element is not a wire or bit range.
fn bits(element: &str, decls: &HashMap<String, Option<(i64, i64)>>) -> Option<Vec<String>> {
    let e = element.trim();
    if let Some(c) = constant_bits(e) {
        return Some(c);
    }
    let name = identifier(e);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let sel = e[name.len()..].trim();
    let range = if sel.is_empty() {
        *decls.get(name)?
    } else {
        let inner = sel.strip_prefix('[')?.strip_suffix(']')?;
        match parse_range(inner) {
            Some(r) => Some(r),
            None => {
                let i: i64 = inner.trim().parse().ok()?;
                Some((i, i))
            }
        }
    };
    let sep = if name.starts_with('\\') { " " } else { "" };
    Some(match range {
        None => vec![format!("{name}{sep}")],
        Some((m, l)) => {
            let step = if m >= l { -1 } else { 1 };
            let n = (m - l).abs() + 1;
            (0..n)
                .map(|k| format!("{name}{sep}[{}]", m + step * k))
                .collect()
        }
    })
}

/// A sized constant (`4'h0`, `2'b10`, `3'd5`) as one `1'b0` / `1'b1` per
/// bit, MSB first; `None` for anything else (or x / z digits).
fn constant_bits(e: &str) -> Option<Vec<String>> {
    let (width, rest) = e.split_once('\'')?;
    let width: u32 = width.trim().parse().ok()?;
    let mut chars = rest.chars();
    let radix = match chars.next()? {
        'h' | 'H' => 16,
        'b' | 'B' => 2,
        'd' | 'D' => 10,
        'o' | 'O' => 8,
        _ => return None,
    };
    let digits: String = chars.filter(|c| *c != '_').collect();
    if width == 0 || width > 128 {
        return None;
    }
    let value = u128::from_str_radix(&digits, radix).ok()?;
    Some(
        (0..width)
            .rev()
            .map(|i| format!("1'b{}", (value >> i) & 1))
            .collect(),
    )
}

/// The bits of `{ a, b, ... }` (or of a single element), MSB first.
fn side(s: &str, decls: &HashMap<String, Option<(i64, i64)>>) -> Option<Vec<String>> {
    let s = s.trim();
    let inner = match s.strip_prefix('{') {
        Some(r) => r.strip_suffix('}')?,
        None => s,
    };
    let mut out = vec![];
    for e in inner.split(',') {
        out.extend(bits(e, decls)?);
    }
    Some(out)
}

/// Rewrites every `assign` with a concatenation as per-bit assigns; `None`
/// when the netlist has none. A statement it cannot read is kept as is.
pub fn split_concat_assigns(text: &str) -> Option<String> {
    let is_concat = |l: &str| l.trim_start().starts_with("assign {");
    if !text.lines().any(is_concat) {
        return None;
    }
    let decls = declarations(text);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let split = is_concat(line)
            .then(|| {
                let body = line.trim().strip_prefix("assign")?.strip_suffix(';')?;
                let (lhs, rhs) = body.split_once(" = ")?;
                let (l, r) = (side(lhs, &decls)?, side(rhs, &decls)?);
                (l.len() == r.len()).then_some((l, r))
            })
            .flatten();
        match split {
            Some((l, r)) => {
                for (a, b) in l.iter().zip(&r) {
                    out.push_str(&format!("  assign {a} = {b};\n"));
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concatenated_aliases_become_one_assign_per_bit() {
        let netlist = "module m(a, y);\n  input [1:0] a;\n  output y;\n  wire [7:0] \\n.q ;\n  wire \\n.k ;\n  wire [3:0] d;\n  assign { \\n.q [5], \\n.q [3:2] } = { \\n.k , d[1:0] };\n  assign y = a[0];\nendmodule\n";
        let got = split_concat_assigns(netlist).expect("has a concatenation");
        assert!(got.contains("  assign \\n.q [5] = \\n.k ;\n"), "{got}");
        assert!(got.contains("  assign \\n.q [3] = d[1];\n"), "{got}");
        assert!(got.contains("  assign \\n.q [2] = d[0];\n"), "{got}");
        assert!(got.contains("  assign y = a[0];\n"), "{got}");
        assert!(!got.contains("assign {"), "{got}");
    }

    #[test]
    fn a_netlist_without_concatenations_is_left_alone() {
        assert_eq!(split_concat_assigns("  assign y = a[0];\n"), None);
    }

    #[test]
    fn constants_in_a_concatenation_become_bits() {
        let n = "  wire [7:0] w;\n  wire s;\n  assign { w[7:4], w[1] } = { 4'h5, s };\n";
        let got = split_concat_assigns(n).expect("rewritten");
        for (bit, v) in [(7, "1'b0"), (6, "1'b1"), (5, "1'b0"), (4, "1'b1")] {
            assert!(got.contains(&format!("assign w[{bit}] = {v};")), "{got}");
        }
        assert!(got.contains("assign w[1] = s;"), "{got}");
    }

    #[test]
    fn an_unreadable_concatenation_is_kept() {
        let n = "  wire [1:0] x;\n  assign { x[1], x[0] } = { 2{x[1]} };\n";
        assert!(split_concat_assigns(n)
            .expect("rewritten")
            .contains("assign { x[1], x[0] }"));
    }
}
