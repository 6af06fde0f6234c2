//! Tool reports parsed (nom) into numbers: Yosys `stat -liberty` and the
//! OpenSTA commands in `scripts/sta.tcl`.

#![deny(missing_docs)]

use nom::bytes::complete::{tag, take_till1, take_while1};
use nom::character::complete::{char, digit1, space0, space1};
use nom::combinator::{map_res, opt, recognize};
use nom::number::complete::double;
use nom::sequence::{preceded, terminated, tuple};
use nom::IResult;
use serde::Serialize;
use std::collections::BTreeMap;

/// Yosys's cell statistics of a netlist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellReport {
    /// Instances per cell type.
    pub cells: BTreeMap<String, u64>,
    /// Cells in all.
    pub total_cells: u64,
    /// Standard-cell area, um2.
    pub area_um2: f64,
}

/// OpenSTA's setup timing of a design.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimingReport {
    /// Worst setup slack per path group (= clock), ps.
    pub worst_slack_by_group: BTreeMap<String, f64>,
    /// Total negative slack, ps (0 when every path meets timing).
    pub tns_ps: f64,
    /// Worst setup slack over the design, ps.
    pub worst_slack_ps: f64,
}

fn cell_line(i: &str) -> IResult<&str, (String, u64)> {
    let (i, (_, name, _, count)) = tuple((
        space1,
        take_while1(|c: char| c.is_alphanumeric() || c == '_' || c == '$'),
        space1,
        map_res(digit1, str::parse::<u64>),
    ))(i)?;
    Ok((i, (name.to_string(), count)))
}

fn area_line(i: &str) -> IResult<&str, f64> {
    preceded(
        tuple((
            space0,
            tag("Chip area for module "),
            take_till1(|c| c == ':'),
            char(':'),
            space0,
        )),
        double,
    )(i)
}

fn cells_total_line(i: &str) -> IResult<&str, u64> {
    preceded(
        tuple((space0, tag("Number of cells:"), space0)),
        map_res(digit1, str::parse::<u64>),
    )(i)
}

/// Parses `stat -liberty` output for one (flattened) module.
pub fn parse_yosys_stat(text: &str) -> Result<CellReport, String> {
    let mut cells = BTreeMap::new();
    let mut total = None;
    let mut area = None;
    let mut in_cells = false;
    for line in text.lines() {
        if let Ok((_, n)) = cells_total_line(line) {
            total = Some(n);
            in_cells = true;
        } else if let Ok((_, a)) = area_line(line) {
            area = Some(a);
            in_cells = false;
        } else if in_cells {
            match cell_line(line) {
                Ok((rest, (name, count))) if rest.trim().is_empty() => {
                    cells.insert(name, count);
                }
                _ => in_cells = !line.trim().is_empty() && in_cells,
            }
        }
    }
    let total_cells = total.ok_or("Yosys report: no `Number of cells` line")?;
    let area_um2 = area.ok_or("Yosys report: no `Chip area` line (was stat run with -liberty?)")?;
    Ok(CellReport {
        cells,
        total_cells,
        area_um2,
    })
}

fn group_line(i: &str) -> IResult<&str, &str> {
    preceded(
        tuple((space0, tag("Path Group:"), space0)),
        take_while1(|c: char| !c.is_whitespace()),
    )(i)
}

fn slack_line(i: &str) -> IResult<&str, f64> {
    terminated(preceded(space0, double), tuple((space1, tag("slack"))))(i)
}

/// `name value`, or `name max value` as OpenROAD's OpenSTA prints it.
fn named_value<'a>(name: &'static str) -> impl FnMut(&'a str) -> IResult<&'a str, f64> {
    preceded(
        tuple((space0, tag(name), space1, opt(tuple((tag("max"), space1))))),
        double,
    )
}

/// Parses the output of `scripts/sta.tcl`.
pub fn parse_sta(text: &str) -> Result<TimingReport, String> {
    let mut groups = BTreeMap::new();
    let mut group: Option<String> = None;
    let mut tns = None;
    let mut worst = None;
    for line in text.lines() {
        if let Ok((_, g)) = group_line(line) {
            group = Some(g.to_string());
        } else if let Ok((_, s)) = slack_line(line) {
            let g = group
                .clone()
                .ok_or("STA report: a slack line outside any path group")?;
            let e = groups.entry(g).or_insert(f64::INFINITY);
            *e = f64::min(*e, s);
        } else if let Ok((_, v)) = named_value("tns")(line) {
            tns = Some(v);
        } else if let Ok((_, v)) = named_value("worst slack")(line) {
            worst = Some(v);
        }
    }
    if let Some(err) = text.lines().find(|l| l.starts_with("Error")) {
        return Err(format!("OpenSTA: {err}"));
    }
    Ok(TimingReport {
        worst_slack_by_group: groups,
        tns_ps: tns.ok_or("STA report: no `tns` line")?,
        worst_slack_ps: worst.ok_or("STA report: no `worst slack` line")?,
    })
}

/// First line of a tool's version output.
pub fn version_line(text: &str) -> String {
    let v: IResult<&str, &str> = recognize(take_till1(|c| c == '\n'))(text);
    v.map(|(_, s)| s.trim().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sta_totals_read_from_opensta_and_from_openroad() {
        let path = "Path Group: core\n  -12.50   slack (VIOLATED)\n";
        for (tns, worst) in [
            ("tns -30.25", "worst slack -12.50"),
            ("tns max -30.25", "worst slack max -12.50"),
        ] {
            let r = parse_sta(&format!("{path}{tns}\n{worst}\n")).unwrap();
            assert_eq!(r.tns_ps, -30.25);
            assert_eq!(r.worst_slack_ps, -12.5);
            assert_eq!(r.worst_slack_by_group["core"], -12.5);
        }
        assert!(parse_sta(path).is_err());
    }
}
