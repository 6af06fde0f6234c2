//! The subset of SDC Kaizen's constraints use: parser (nom), printer and
//! per-command schema.
//!
//! SDC is Tcl. This reads the declarative part chip constraints are written
//! in: one command per line (`\` continues a line, `;` separates), flags,
//! words, `{brace lists}` and `[object queries]`. Numbers stay as the text
//! written, so printing a parsed file gives back the same commands.
//! A comment `#!waive <port> <reason>` waives a port from the
//! "every port is constrained" check.

#![deny(missing_docs)]

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{cut, map, not, peek, recognize};
use nom::error::{context, VerboseError, VerboseErrorKind};
use nom::multi::many0;
use nom::sequence::{preceded, terminated};
use nom::IResult;
use std::fmt;

/// A parsed SDC file.
#[derive(Clone, Debug, PartialEq)]
pub struct Sdc {
    /// Commands, in file order.
    pub commands: Vec<Command>,
    /// `#!waive <port> <reason>` comments: ports left unconstrained on purpose.
    pub waivers: Vec<Waiver>,
}

/// A port left unconstrained on purpose, with its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiver {
    /// The port.
    pub port: String,
    /// Why.
    pub reason: String,
    /// 1-based line of the waiver.
    pub line: usize,
}

/// One SDC command.
#[derive(Clone, Debug)]
pub struct Command {
    /// The command (`create_clock`).
    pub name: String,
    /// Its arguments, as written.
    pub args: Vec<Arg>,
    /// 1-based line of the command name.
    pub line: usize,
}

/// Positions are not part of a command's meaning.
impl PartialEq for Command {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.args == other.args
    }
}

/// An argument of a command.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// `-period`
    Flag(String),
    /// A bare word or number, as written.
    Word(String),
    /// `{a b c}`
    List(Vec<String>),
    /// `[get_ports {a b}]`
    Query(Query),
}

/// An object query (`[get_ports {a b}]`, `[all_outputs]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Which query.
    pub kind: QueryKind,
    /// Its patterns (empty for `all_*`).
    pub patterns: Vec<String>,
}

/// SDC object queries Kaizen understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryKind {
    /// `get_ports`
    GetPorts,
    /// `get_clocks`
    GetClocks,
    /// `get_pins`
    GetPins,
    /// `get_cells`
    GetCells,
    /// `all_inputs`
    AllInputs,
    /// `all_outputs`
    AllOutputs,
    /// `all_clocks`
    AllClocks,
    /// `all_registers`
    AllRegisters,
}

impl QueryKind {
    /// Every query.
    pub const ALL: [QueryKind; 8] = [
        QueryKind::GetPorts,
        QueryKind::GetClocks,
        QueryKind::GetPins,
        QueryKind::GetCells,
        QueryKind::AllInputs,
        QueryKind::AllOutputs,
        QueryKind::AllClocks,
        QueryKind::AllRegisters,
    ];
    /// The query as SDC spells it.
    pub fn name(self) -> &'static str {
        match self {
            QueryKind::GetPorts => "get_ports",
            QueryKind::GetClocks => "get_clocks",
            QueryKind::GetPins => "get_pins",
            QueryKind::GetCells => "get_cells",
            QueryKind::AllInputs => "all_inputs",
            QueryKind::AllOutputs => "all_outputs",
            QueryKind::AllClocks => "all_clocks",
            QueryKind::AllRegisters => "all_registers",
        }
    }
    /// `all_*` queries take no patterns.
    pub fn takes_patterns(self) -> bool {
        matches!(
            self,
            QueryKind::GetPorts | QueryKind::GetClocks | QueryKind::GetPins | QueryKind::GetCells
        )
    }
}

/// A located problem in an SDC file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdcError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SdcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SdcError {}

// ---------------------------------------------------------------- schema

/// What follows a flag.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    Nothing,
    Number,
    Word,
    Objects,
}

/// What a positional argument must be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Positional {
    Number,
    Objects,
}

struct Schema {
    name: &'static str,
    flags: &'static [(&'static str, Takes)],
    positionals: &'static [Positional],
    /// Minimum number of positionals.
    required: usize,
}

/// set_input_delay and set_output_delay take the same flags.
const IO_DELAY_FLAGS: &[(&str, Takes)] = &[
    ("-clock", Takes::Objects),
    ("-max", Takes::Nothing),
    ("-min", Takes::Nothing),
    ("-clock_fall", Takes::Nothing),
    ("-add_delay", Takes::Nothing),
];

const SCHEMAS: &[Schema] = &[
    Schema {
        name: "create_clock",
        flags: &[
            ("-name", Takes::Word),
            ("-period", Takes::Number),
            ("-waveform", Takes::Objects),
            ("-add", Takes::Nothing),
        ],
        positionals: &[Positional::Objects],
        required: 0,
    },
    Schema {
        name: "create_generated_clock",
        flags: &[
            ("-name", Takes::Word),
            ("-source", Takes::Objects),
            ("-divide_by", Takes::Number),
            ("-multiply_by", Takes::Number),
            ("-invert", Takes::Nothing),
            ("-add", Takes::Nothing),
            ("-master_clock", Takes::Objects),
        ],
        positionals: &[Positional::Objects],
        required: 1,
    },
    Schema {
        name: "set_input_delay",
        flags: IO_DELAY_FLAGS,
        positionals: &[Positional::Number, Positional::Objects],
        required: 2,
    },
    Schema {
        name: "set_output_delay",
        flags: IO_DELAY_FLAGS,
        positionals: &[Positional::Number, Positional::Objects],
        required: 2,
    },
    Schema {
        name: "set_false_path",
        flags: &[
            ("-from", Takes::Objects),
            ("-to", Takes::Objects),
            ("-through", Takes::Objects),
            ("-setup", Takes::Nothing),
            ("-hold", Takes::Nothing),
        ],
        positionals: &[],
        required: 0,
    },
    Schema {
        name: "set_multicycle_path",
        flags: &[
            ("-from", Takes::Objects),
            ("-to", Takes::Objects),
            ("-through", Takes::Objects),
            ("-setup", Takes::Nothing),
            ("-hold", Takes::Nothing),
            ("-start", Takes::Nothing),
            ("-end", Takes::Nothing),
        ],
        positionals: &[Positional::Number],
        required: 1,
    },
    Schema {
        name: "set_clock_uncertainty",
        flags: &[("-setup", Takes::Nothing), ("-hold", Takes::Nothing)],
        positionals: &[Positional::Number, Positional::Objects],
        required: 2,
    },
    Schema {
        name: "set_load",
        flags: &[
            ("-pin_load", Takes::Nothing),
            ("-wire_load", Takes::Nothing),
        ],
        positionals: &[Positional::Number, Positional::Objects],
        required: 2,
    },
    Schema {
        name: "set_clock_groups",
        flags: &[
            ("-name", Takes::Word),
            ("-group", Takes::Objects),
            ("-asynchronous", Takes::Nothing),
            ("-logically_exclusive", Takes::Nothing),
            ("-physically_exclusive", Takes::Nothing),
        ],
        positionals: &[],
        required: 0,
    },
    Schema {
        name: "set_driving_cell",
        flags: &[
            ("-lib_cell", Takes::Word),
            ("-pin", Takes::Word),
            ("-library", Takes::Word),
        ],
        positionals: &[Positional::Objects],
        required: 1,
    },
];

/// Commands the parser and the constraints check know.
pub fn known_commands() -> impl Iterator<Item = &'static str> {
    SCHEMAS.iter().map(|s| s.name)
}

fn is_number(word: &str) -> bool {
    word.parse::<f64>().is_ok_and(f64::is_finite)
}

fn is_objects(arg: &Arg) -> bool {
    matches!(arg, Arg::Query(_) | Arg::List(_) | Arg::Word(_))
}

/// Checks a parsed command against its schema; errors carry `column`.
fn check_schema(
    cmd: &Command,
    columns: &[usize],
    name_column: usize,
) -> Result<(), (usize, String)> {
    let schema = SCHEMAS.iter().find(|s| s.name == cmd.name).ok_or_else(|| {
        (
            name_column,
            format!(
                "unknown command `{}`; this SDC subset has: {}",
                cmd.name,
                known_commands().collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let mut positionals = 0;
    let mut i = 0;
    while i < cmd.args.len() {
        let col = columns[i];
        match &cmd.args[i] {
            Arg::Flag(flag) => {
                let takes = schema
                    .flags
                    .iter()
                    .find(|(f, _)| f == flag)
                    .map(|(_, t)| *t)
                    .ok_or_else(|| (col, format!("`{}` has no flag `{flag}`", cmd.name)))?;
                if takes != Takes::Nothing {
                    i += 1;
                    let value = cmd
                        .args
                        .get(i)
                        .ok_or_else(|| (col, format!("expected a value after `{flag}`")))?;
                    let vcol = columns[i];
                    match (takes, value) {
                        (Takes::Number, Arg::Word(w)) if is_number(w) => {}
                        (Takes::Number, Arg::Word(w)) => {
                            return Err((vcol, format!("bad number `{w}` after `{flag}`")))
                        }
                        (Takes::Number, _) => {
                            return Err((vcol, format!("expected a number after `{flag}`")))
                        }
                        (Takes::Word, Arg::Word(_)) => {}
                        (Takes::Word, _) => {
                            return Err((vcol, format!("expected a name after `{flag}`")))
                        }
                        (Takes::Objects, v) if is_objects(v) => {}
                        _ => return Err((vcol, format!("expected objects after `{flag}`"))),
                    }
                }
            }
            arg => {
                let kind = schema
                    .positionals
                    .get(positionals)
                    .ok_or_else(|| (col, format!("too many arguments to `{}`", cmd.name)))?;
                match (kind, arg) {
                    (Positional::Number, Arg::Word(w)) if is_number(w) => {}
                    (Positional::Number, Arg::Word(w)) => {
                        return Err((col, format!("bad number `{w}`")))
                    }
                    (Positional::Number, _) => return Err((col, "expected a number".into())),
                    (Positional::Objects, _) => {}
                }
                positionals += 1;
            }
        }
        i += 1;
    }
    if positionals < schema.required {
        return Err((
            name_column,
            format!(
                "`{}` needs {} argument(s) besides its flags, found {positionals}",
                cmd.name, schema.required
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- parser

type Res<'a, T> = IResult<&'a str, T, VerboseError<&'a str>>;

/// Spaces, tabs and `\`-newline continuations.
fn blank(i: &str) -> Res<'_, ()> {
    map(
        many0(alt((tag(" "), tag("\t"), tag("\\\r\n"), tag("\\\n")))),
        |_| (),
    )(i)
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '{' | '}' | '[' | ']' | ';' | '"' | '\\')
}

fn word(i: &str) -> Res<'_, &str> {
    take_while1(is_word_char)(i)
}

/// Inside braces, `[` and `]` are plain characters (bus bits: `d[3]`).
fn list_item(i: &str) -> Res<'_, &str> {
    take_while1(|c: char| !c.is_whitespace() && !matches!(c, '{' | '}' | '"'))(i)
}

fn brace_list(i: &str) -> Res<'_, Vec<String>> {
    let space = |i| take_while(|c: char| c.is_whitespace())(i);
    preceded(
        char('{'),
        cut(context(
            "a closing `}`",
            terminated(
                many0(preceded(space, map(list_item, str::to_string))),
                preceded(space, char('}')),
            ),
        )),
    )(i)
}

fn query(i: &str) -> Res<'_, Query> {
    let (rest, _) = char('[')(i)?;
    let (rest, _) = blank(rest)?;
    let (rest, name) = cut(context("an object query such as get_ports", word))(rest)?;
    let kind = QueryKind::ALL.into_iter().find(|k| k.name() == name);
    let Some(kind) = kind else {
        return Err(nom::Err::Failure(VerboseError { errors: vec![(i, VerboseErrorKind::Context("a known object query (get_ports, get_clocks, get_pins, get_cells, all_inputs, all_outputs, all_clocks, all_registers)"))] }));
    };
    let (rest, patterns) = many0(preceded(
        blank,
        alt((brace_list, map(word, |w: &str| vec![w.to_string()]))),
    ))(rest)?;
    let (rest, _) = blank(rest)?;
    let (rest, _) = cut(context("a closing `]`", char(']')))(rest)?;
    Ok((
        rest,
        Query {
            kind,
            patterns: patterns.concat(),
        },
    ))
}

fn flag(i: &str) -> Res<'_, &str> {
    recognize(preceded(
        char('-'),
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'),
    ))(i)
}

fn arg(i: &str) -> Res<'_, Arg> {
    alt((
        map(brace_list, Arg::List),
        map(query, Arg::Query),
        // "-5" is a number, "-clock" a flag.
        map(
            terminated(flag, peek(not(take_while1(is_word_char)))),
            |f: &str| Arg::Flag(f.to_string()),
        ),
        map(word, |w: &str| Arg::Word(w.to_string())),
    ))(i)
}

fn line_col(text: &str, rest: &str) -> (usize, usize) {
    let offset = text.len() - rest.len();
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |n| offset - n - 1) + 1;
    (line, column)
}

fn describe(e: &VerboseError<&str>) -> (usize, String) {
    // Located where parsing stopped (the innermost error); the innermost
    // context says what was expected there.
    let at = e.errors.first().map_or(0, |(rest, _)| rest.len());
    for (_, kind) in &e.errors {
        if let VerboseErrorKind::Context(what) = kind {
            return (at, format!("expected {what}"));
        }
    }
    let rest = e.errors.first().map_or("", |(r, _)| r);
    let found: String = rest.chars().take(12).collect();
    (at, format!("unexpected `{}`", found.trim_end()))
}

/// Parses SDC text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Sdc, SdcError> {
    let err = |rest: &str, message: String| {
        let (line, column) = line_col(text, rest);
        SdcError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    let mut commands = vec![];
    let mut waivers = vec![];
    let mut rest = text;
    loop {
        // Blank lines, separators and comments.
        let (r, _) =
            take_while::<_, _, VerboseError<&str>>(|c: char| c.is_whitespace() || c == ';')(rest)
                .expect("take_while");
        rest = r;
        if rest.is_empty() {
            break;
        }
        if let Some(comment) = rest.strip_prefix('#') {
            let (r, body) =
                take_till::<_, _, VerboseError<&str>>(|c| c == '\n')(comment).expect("take_till");
            if let Some(w) = body.strip_prefix("!waive") {
                let mut parts = w.split_whitespace();
                let line = line_col(text, rest).0;
                match parts.next() {
                    Some(port) => {
                        let reason = parts.collect::<Vec<_>>().join(" ");
                        if reason.is_empty() {
                            return Err(err(rest, format!("waiver of `{port}` needs a reason")));
                        }
                        waivers.push(Waiver {
                            port: port.to_string(),
                            reason,
                            line,
                        });
                    }
                    None => return Err(err(rest, "expected a port name after `#!waive`".into())),
                }
            }
            rest = r;
            continue;
        }
        let start = rest;
        let (r, name) = word(rest).map_err(|_| {
            err(
                rest,
                format!(
                    "expected a command, found `{}`",
                    rest.chars().next().unwrap_or(' ')
                ),
            )
        })?;
        let (line, name_column) = line_col(text, start);
        let mut args = vec![];
        let mut columns = vec![];
        rest = r;
        loop {
            let (r, _) = blank(rest).expect("blank");
            rest = r;
            if rest.is_empty()
                || rest.starts_with('\n')
                || rest.starts_with('\r')
                || rest.starts_with(';')
            {
                break;
            }
            let at = rest;
            match arg(rest) {
                Ok((r, a)) => {
                    columns.push(line_col(text, at).1);
                    args.push(a);
                    rest = r;
                }
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    let (remaining, message) = describe(&e);
                    return Err(err(&text[text.len() - remaining..], message));
                }
                Err(nom::Err::Incomplete(_)) => {
                    return Err(err(rest, "unexpected end of file".into()))
                }
            }
        }
        let cmd = Command {
            name: name.to_string(),
            args,
            line,
        };
        check_schema(&cmd, &columns, name_column).map_err(|(column, message)| SdcError {
            file: file.to_string(),
            line,
            column,
            message,
        })?;
        commands.push(cmd);
    }
    Ok(Sdc { commands, waivers })
}

// ---------------------------------------------------------------- printer

fn print_list(items: &[String]) -> String {
    format!("{{{}}}", items.join(" "))
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Flag(s) | Arg::Word(s) => write!(f, "{s}"),
            Arg::List(items) => write!(f, "{}", print_list(items)),
            Arg::Query(q) if q.patterns.is_empty() => write!(f, "[{}]", q.kind.name()),
            Arg::Query(q) => write!(f, "[{} {}]", q.kind.name(), print_list(&q.patterns)),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)?;
        for a in &self.args {
            write!(f, " {a}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Sdc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for w in &self.waivers {
            writeln!(f, "#!waive {} {}", w.port, w.reason)?;
        }
        for c in &self.commands {
            writeln!(f, "{c}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- access

impl Command {
    /// The argument after `flag`, if the flag is given.
    pub fn flag_value(&self, flag: &str) -> Option<&Arg> {
        let i = self
            .args
            .iter()
            .position(|a| matches!(a, Arg::Flag(f) if f == flag))?;
        self.args.get(i + 1)
    }

    /// The argument after each occurrence of `flag` (`-group` repeats).
    pub fn flag_values(&self, flag: &str) -> Vec<&Arg> {
        self.args
            .windows(2)
            .filter(|w| matches!(&w[0], Arg::Flag(f) if f == flag))
            .map(|w| &w[1])
            .collect()
    }

    /// Does the command carry `flag` (`-period`)?
    pub fn has_flag(&self, flag: &str) -> bool {
        self.args
            .iter()
            .any(|a| matches!(a, Arg::Flag(f) if f == flag))
    }

    /// Positional arguments that name objects (ports, clocks, ...), not numbers.
    pub fn object_positionals(&self) -> Vec<&Arg> {
        let schema = SCHEMAS.iter().find(|s| s.name == self.name);
        self.positionals()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| {
                schema.and_then(|s| s.positionals.get(*i)) == Some(&Positional::Objects)
            })
            .map(|(_, a)| a)
            .collect()
    }

    /// Arguments that are neither flags nor a flag's value.
    pub fn positionals(&self) -> Vec<&Arg> {
        let schema = SCHEMAS.iter().find(|s| s.name == self.name);
        let mut out = vec![];
        let mut i = 0;
        while i < self.args.len() {
            if let Arg::Flag(flag) = &self.args[i] {
                let takes = schema
                    .and_then(|s| s.flags.iter().find(|(f, _)| f == flag))
                    .map(|(_, t)| *t);
                if takes.is_some_and(|t| t != Takes::Nothing) {
                    i += 1;
                }
            } else {
                out.push(&self.args[i]);
            }
            i += 1;
        }
        out
    }
}
