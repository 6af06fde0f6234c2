//! SDC parser: located errors on malformed input, parse(print(x)) = x, and
//! the constraint check's verdicts.

use kaizen_flow::check::{check_constraints, PortInfo};
use kaizen_flow::sdc::{known_commands, parse, Arg, Command, Query, QueryKind, Sdc, Waiver};
use proptest::prelude::*;

fn err(text: &str) -> String {
    parse("t.sdc", text)
        .expect_err("must be rejected")
        .to_string()
}

#[test]
fn malformed_input_gives_located_errors() {
    assert_eq!(
        err("create_clock -period 5 [get_ports {clock]\n"),
        "t.sdc:2:1: expected a closing `}`"
    );
    assert_eq!(err("\n\ncreate_clok -period 5 [get_ports clock]"), "t.sdc:3:1: unknown command `create_clok`; this SDC subset has: create_clock, create_generated_clock, set_input_delay, set_output_delay, set_false_path, set_multicycle_path, set_clock_uncertainty, set_load, set_clock_groups, set_driving_cell");
    assert_eq!(
        err("create_clock -name c -period 1.2.3 [get_ports clock]"),
        "t.sdc:1:30: bad number `1.2.3` after `-period`"
    );
    assert_eq!(
        err("set_input_delay 10 -clock c [get_ports {a b}"),
        "t.sdc:1:45: expected a closing `]`"
    );
    assert_eq!(err("set_load 0.1 [get_nets x]"), "t.sdc:1:14: expected a known object query (get_ports, get_clocks, get_pins, get_cells, all_inputs, all_outputs, all_clocks, all_registers)");
    assert_eq!(
        err("set_load [all_outputs]"),
        "t.sdc:1:10: expected a number"
    );
    assert_eq!(
        err("set_false_path -form [get_ports r]"),
        "t.sdc:1:16: `set_false_path` has no flag `-form`"
    );
    assert_eq!(
        err("set_input_delay 10 -clock"),
        "t.sdc:1:20: expected a value after `-clock`"
    );
    assert_eq!(
        err("#!waive reset\n"),
        "t.sdc:1:1: waiver of `reset` needs a reason"
    );
}

#[test]
fn continuation_comments_and_separators() {
    let sdc = parse("t.sdc", "# clocks\ncreate_clock -name core \\\n  -period 500 [get_ports clock]; set_load 0.002 [all_outputs]\n").unwrap();
    assert_eq!(sdc.commands.len(), 2);
    assert_eq!(sdc.commands[0].line, 2);
    assert_eq!(sdc.commands[1].to_string(), "set_load 0.002 [all_outputs]");
}

fn name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}"
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..100_000).prop_map(|n| n.to_string()),
        (0.0f64..1e4).prop_map(|f| f.to_string()),
        Just("-5".to_string())
    ]
}

fn objects() -> impl Strategy<Value = Arg> {
    prop_oneof![
        (
            prop::sample::select(vec![
                QueryKind::GetPorts,
                QueryKind::GetClocks,
                QueryKind::GetPins,
                QueryKind::GetCells
            ]),
            prop::collection::vec(name(), 1..4)
        )
            .prop_map(|(kind, patterns)| Arg::Query(Query { kind, patterns })),
        prop::sample::select(vec![
            QueryKind::AllInputs,
            QueryKind::AllOutputs,
            QueryKind::AllClocks,
            QueryKind::AllRegisters
        ])
        .prop_map(|kind| Arg::Query(Query {
            kind,
            patterns: vec![]
        })),
        prop::collection::vec(name(), 1..4).prop_map(Arg::List),
    ]
}

fn flag(f: &str) -> Arg {
    Arg::Flag(f.to_string())
}

fn command() -> impl Strategy<Value = Command> {
    let cmd = |name: &str, args: Vec<Arg>| Command {
        name: name.to_string(),
        args,
        line: 0,
    };
    prop_oneof![
        (name(), number(), objects()).prop_map(move |(n, p, o)| cmd(
            "create_clock",
            vec![
                flag("-name"),
                Arg::Word(n),
                flag("-period"),
                Arg::Word(p),
                o
            ]
        )),
        (number(), name(), objects(), any::<bool>()).prop_map(move |(d, c, o, max)| {
            let mut a = vec![Arg::Word(d), flag("-clock"), Arg::Word(c)];
            if max {
                a.push(flag("-max"));
            }
            a.push(o);
            cmd("set_input_delay", a)
        }),
        (number(), objects(), objects()).prop_map(move |(d, c, o)| cmd(
            "set_output_delay",
            vec![Arg::Word(d), flag("-clock"), c, o]
        )),
        (objects(), objects())
            .prop_map(move |(f, t)| cmd("set_false_path", vec![flag("-from"), f, flag("-to"), t])),
        (1u32..8, objects()).prop_map(move |(n, f)| cmd(
            "set_multicycle_path",
            vec![Arg::Word(n.to_string()), flag("-setup"), flag("-from"), f]
        )),
        (number(), objects())
            .prop_map(move |(n, o)| cmd("set_clock_uncertainty", vec![Arg::Word(n), o])),
        (number(), objects()).prop_map(move |(n, o)| cmd("set_load", vec![Arg::Word(n), o])),
        (name(), objects()).prop_map(move |(c, o)| cmd(
            "set_driving_cell",
            vec![
                flag("-lib_cell"),
                Arg::Word(c),
                flag("-pin"),
                Arg::Word("Y".into()),
                o
            ]
        )),
        (objects(), objects()).prop_map(move |(a, b)| cmd(
            "set_clock_groups",
            vec![flag("-asynchronous"), flag("-group"), a, flag("-group"), b]
        )),
        (name(), objects(), 2u32..9).prop_map(move |(n, s, d)| cmd(
            "create_generated_clock",
            vec![
                flag("-name"),
                Arg::Word(n),
                flag("-source"),
                s,
                flag("-divide_by"),
                Arg::Word(d.to_string()),
                Arg::Query(Query {
                    kind: QueryKind::GetPins,
                    patterns: vec!["div/q".into()]
                })
            ]
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn parse_of_print_is_identity(
        commands in prop::collection::vec(command(), 0..12),
        waivers in prop::collection::vec((name(), "[a-z]{1,6}( [a-z]{1,6}){0,3}"), 0..3),
    ) {
        let sdc = Sdc { commands, waivers: waivers.into_iter().map(|(port, reason)| Waiver { port, reason, line: 0 }).collect() };
        let text = sdc.to_string();
        let back = parse("p.sdc", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back.commands, &sdc.commands);
        let w = |s: &Sdc| s.waivers.iter().map(|w| (w.port.clone(), w.reason.clone())).collect::<Vec<_>>();
        prop_assert_eq!(w(&back), w(&sdc));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse("f.sdc", &text);
    }
}

#[test]
fn every_known_command_has_a_generator() {
    // The round-trip property above covers every command of the subset.
    assert_eq!(known_commands().count(), 10);
}

fn ports() -> Vec<PortInfo> {
    let p = |name: &str, input, width| PortInfo {
        name: name.into(),
        input,
        width,
    };
    vec![
        p("clock", true, 1),
        p("reset", true, 1),
        p("data_in", true, 8),
        p("data_out", false, 8),
        p("valid", false, 1),
    ]
}

const GOOD: &str = "\
create_clock -name core -period 500 [get_ports clock]
set_input_delay 100 -clock core [get_ports {data_in}]
set_output_delay 100 -clock [get_clocks core] [all_outputs]
set_false_path -from [get_ports reset]
";

#[test]
fn complete_constraints_pass() {
    assert_eq!(
        check_constraints("g.sdc", &parse("g.sdc", GOOD).unwrap(), &ports()),
        Vec::<String>::new()
    );
}

#[test]
fn a_missing_constraint_fails_with_the_port() {
    let text = GOOD.replace("set_false_path -from [get_ports reset]\n", "");
    let problems = check_constraints("g.sdc", &parse("g.sdc", &text).unwrap(), &ports());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("input port `reset` is not constrained"),
        "{problems:?}"
    );
    // ... unless waived, with a reason.
    let waived = format!("#!waive reset driven by a synchroniser in the parent\n{text}");
    assert!(check_constraints("g.sdc", &parse("g.sdc", &waived).unwrap(), &ports()).is_empty());
}

#[test]
fn an_unknown_port_or_clock_fails_with_the_line() {
    let text = GOOD
        .replace("{data_in}", "{data_in data_inn}")
        .replace("[get_clocks core]", "[get_clocks cor]");
    let problems = check_constraints("g.sdc", &parse("g.sdc", &text).unwrap(), &ports());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("g.sdc:2:") && p.contains("port `data_inn`")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("g.sdc:3:") && p.contains("clock `cor`")),
        "{problems:?}"
    );
}

#[test]
fn bus_bits_and_globs_resolve() {
    let text = GOOD.replace("{data_in}", "{data_in[7] data_*}");
    assert!(check_constraints("g.sdc", &parse("g.sdc", &text).unwrap(), &ports()).is_empty());
    let text = GOOD.replace("{data_in}", "{data_in[8]}");
    assert!(
        !check_constraints("g.sdc", &parse("g.sdc", &text).unwrap(), &ports()).is_empty(),
        "bit 8 of an 8-bit port"
    );
}

#[test]
fn clock_groups_name_defined_clocks_and_round_trip() {
    let two = "\
create_clock -name wr -period 500 [get_ports clock]
create_clock -name rd -period 700 [get_ports reset]
set_clock_groups -asynchronous -group {wr} -group [get_clocks rd]
set_input_delay 100 -clock wr [get_ports {data_in}]
set_output_delay 100 -clock rd [all_outputs]
";
    let sdc = parse("g.sdc", two).unwrap();
    assert_eq!(parse("g.sdc", &sdc.to_string()).unwrap(), sdc);
    assert_eq!(
        check_constraints("g.sdc", &sdc, &ports()),
        Vec::<String>::new()
    );
    let groups = sdc.commands[2].flag_values("-group");
    assert_eq!(groups.len(), 2);

    let bad = two.replace("-group [get_clocks rd]", "-group {rdd}");
    let problems = check_constraints("g.sdc", &parse("g.sdc", &bad).unwrap(), &ports());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("g.sdc:3:") && p.contains("clock `rdd`")),
        "{problems:?}"
    );
    let one = two.replace(" -group [get_clocks rd]", "");
    let problems = check_constraints("g.sdc", &parse("g.sdc", &one).unwrap(), &ports());
    assert!(
        problems.iter().any(|p| p.contains("two `-group`s")),
        "{problems:?}"
    );
    let no_kind = two.replace("-asynchronous ", "");
    let problems = check_constraints("g.sdc", &parse("g.sdc", &no_kind).unwrap(), &ports());
    assert!(
        problems.iter().any(|p| p.contains("-asynchronous")),
        "{problems:?}"
    );
}
