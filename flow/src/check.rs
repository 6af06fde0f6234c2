//! Constraints against the emitted design: every port and clock an SDC file
//! names exists, and every input and output port is constrained (or waived
//! with a reason).

use crate::sdc::{Arg, Command, QueryKind, Sdc};
use std::collections::BTreeSet;

/// A top-level port, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortInfo {
    /// The port's name.
    pub name: String,
    /// An input (else an output).
    pub input: bool,
    /// Bits.
    pub width: usize,
}

/// `*` matches any run of characters, `?` any one.
pub fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(
        &pattern.chars().collect::<Vec<_>>(),
        &text.chars().collect::<Vec<_>>(),
    )
}

/// Ports a pattern names: whole ports by name or glob, or one bit `name[i]`.
fn match_ports<'a>(pattern: &str, ports: &'a [PortInfo]) -> Vec<&'a PortInfo> {
    if let Some((base, bit)) = pattern.strip_suffix(']').and_then(|p| p.split_once('[')) {
        if let Ok(bit) = bit.parse::<usize>() {
            return ports
                .iter()
                .filter(|p| p.name == base && bit < p.width)
                .collect();
        }
    }
    ports.iter().filter(|p| glob(pattern, &p.name)).collect()
}

struct Checker<'a> {
    file: &'a str,
    ports: &'a [PortInfo],
    clocks: BTreeSet<String>,
    problems: Vec<String>,
}

impl Checker<'_> {
    fn problem(&mut self, cmd: &Command, message: String) {
        self.problems
            .push(format!("{}:{}: {message}", self.file, cmd.line));
    }

    /// Ports an object argument stands for (clocks are checked, not returned).
    fn ports_of(&mut self, cmd: &Command, arg: &Arg) -> Vec<String> {
        let (kind, patterns): (QueryKind, Vec<String>) = match arg {
            Arg::Query(q) => (q.kind, q.patterns.clone()),
            Arg::List(items) => (QueryKind::GetPorts, items.clone()),
            Arg::Word(w) => (QueryKind::GetPorts, vec![w.clone()]),
            Arg::Flag(_) => return vec![],
        };
        let ports = self.ports;
        match kind {
            QueryKind::AllInputs => ports
                .iter()
                .filter(|p| p.input)
                .map(|p| p.name.clone())
                .collect(),
            QueryKind::AllOutputs => ports
                .iter()
                .filter(|p| !p.input)
                .map(|p| p.name.clone())
                .collect(),
            QueryKind::GetPorts => {
                let mut out = vec![];
                for pat in patterns {
                    let found = match_ports(&pat, ports);
                    if found.is_empty() {
                        let known: Vec<_> = ports.iter().map(|p| p.name.as_str()).collect();
                        self.problem(cmd, format!("`{}` names port `{pat}`, which the design does not have (ports: {})", cmd.name, known.join(", ")));
                    }
                    out.extend(found.into_iter().map(|p| p.name.clone()));
                }
                out
            }
            QueryKind::GetClocks => {
                for pat in patterns {
                    if !self.clocks.iter().any(|c| glob(&pat, c)) {
                        self.problem(
                            cmd,
                            format!(
                                "`{}` names clock `{pat}`, which no create_clock defines",
                                cmd.name
                            ),
                        );
                    }
                }
                vec![]
            }
            QueryKind::AllClocks
            | QueryKind::AllRegisters
            | QueryKind::GetPins
            | QueryKind::GetCells => vec![],
        }
    }
}

/// Problems with `sdc` (from `file`) for a design with `ports`; empty when
/// the constraints are complete and consistent.
pub fn check_constraints(file: &str, sdc: &Sdc, ports: &[PortInfo]) -> Vec<String> {
    let mut c = Checker {
        file,
        ports,
        clocks: BTreeSet::new(),
        problems: vec![],
    };
    // Clocks first: later commands may refer to them.
    for cmd in sdc
        .commands
        .iter()
        .filter(|c| c.name.starts_with("create_") && c.name.ends_with("clock"))
    {
        let targets = cmd.positionals().first().map(|a| (*a).clone());
        let name = match (cmd.flag_value("-name"), &targets) {
            (Some(Arg::Word(n)), _) => Some(n.clone()),
            (_, Some(Arg::Query(q))) => q.patterns.first().cloned(),
            _ => None,
        };
        match name {
            Some(n) => {
                c.clocks.insert(n);
            }
            None => c.problem(cmd, format!("`{}` needs -name or a source port", cmd.name)),
        }
    }
    let mut input_done = BTreeSet::new();
    let mut output_done = BTreeSet::new();
    for cmd in sdc.commands.iter().filter(|c| c.name == "set_clock_groups") {
        let groups = cmd.flag_values("-group");
        if groups.len() < 2 {
            c.problem(
                cmd,
                "`set_clock_groups` needs at least two `-group`s".into(),
            );
        }
        let kinds = [
            "-asynchronous",
            "-logically_exclusive",
            "-physically_exclusive",
        ];
        if kinds.iter().filter(|k| cmd.has_flag(k)).count() != 1 {
            c.problem(
                cmd,
                format!("`set_clock_groups` needs one of {}", kinds.join(", ")),
            );
        }
        for group in groups {
            let names = match group {
                Arg::Word(w) => vec![w.clone()],
                Arg::List(items) => items.clone(),
                Arg::Query(q) if q.kind == QueryKind::GetClocks => q.patterns.clone(),
                _ => {
                    c.problem(
                        cmd,
                        "a `-group` lists clocks ({a b} or [get_clocks ...])".into(),
                    );
                    vec![]
                }
            };
            for n in names {
                if !c.clocks.iter().any(|k| glob(&n, k)) {
                    c.problem(
                        cmd,
                        format!(
                            "`set_clock_groups` names clock `{n}`, which no create_clock defines"
                        ),
                    );
                }
            }
        }
    }
    for cmd in sdc.commands.iter().filter(|c| c.name != "set_clock_groups") {
        let mut objects: Vec<(&str, Arg)> = cmd
            .object_positionals()
            .into_iter()
            .map(|a| ("", a.clone()))
            .collect();
        for flag in [
            "-clock",
            "-from",
            "-to",
            "-through",
            "-source",
            "-master_clock",
        ] {
            if let Some(v) = cmd.flag_value(flag) {
                objects.push((flag, v.clone()));
            }
        }
        for (flag, arg) in objects {
            // Bare words after -clock name clocks, not ports.
            if flag == "-clock" || flag == "-master_clock" {
                if let Arg::Word(w) = &arg {
                    if !c.clocks.contains(w) {
                        c.problem(
                            cmd,
                            format!(
                                "`{}` names clock `{w}`, which no create_clock defines",
                                cmd.name
                            ),
                        );
                    }
                    continue;
                }
            }
            let named = c.ports_of(cmd, &arg);
            match (cmd.name.as_str(), flag) {
                ("set_input_delay", "") | ("create_clock", "") => input_done.extend(named),
                ("set_false_path", "-from") => input_done.extend(named),
                ("set_output_delay", "") => output_done.extend(named),
                ("set_false_path", "-to") => output_done.extend(named),
                _ => {}
            }
        }
    }
    for w in &sdc.waivers {
        if match_ports(&w.port, ports).is_empty() {
            c.problems.push(format!(
                "{file}:{}: waiver names port `{}`, which the design does not have",
                w.line, w.port
            ));
        }
    }
    let waived = |p: &PortInfo| sdc.waivers.iter().any(|w| glob(&w.port, &p.name));
    for p in ports {
        let done = if p.input {
            input_done.contains(&p.name)
        } else {
            output_done.contains(&p.name)
        };
        if !done && !waived(p) {
            let what = if p.input {
                "set_input_delay (or set_false_path -from"
            } else {
                "set_output_delay (or set_false_path -to"
            };
            c.problems.push(format!(
                "{file}: {} port `{}` is not constrained: add {} for an asynchronous port), or `#!waive {} <reason>`",
                if p.input { "input" } else { "output" },
                p.name,
                what,
                p.name
            ));
        }
    }
    c.problems
}
