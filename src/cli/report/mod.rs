//! `kaizen report`: one HTML page of SVG plots from the numbers the other
//! commands wrote (controller bandwidth and latency, link efficiency
//! against BER, QoR against the baseline, regression history), each saying
//! the command behind it; checked in headless Chromium, with a screenshot.

mod browser;
mod figures;
mod inputs;
mod svg;

use super::files::{create_dir, write_atomically};
use super::progress::Progress;
use anyhow::bail;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct ReportArgs {
    /// Where the `--json` result records are read from (and `--run` writes).
    #[arg(long, default_value = "build/results")]
    results: PathBuf,
    /// Where the page goes: index.html, one SVG and one data file per
    /// figure, screenshot.png.
    #[arg(long, default_value = "build/report")]
    out: PathBuf,
    /// First run the simulations the figures need (each memory-controller
    /// pattern under both refresh modes, the link's efficiency table).
    #[arg(long)]
    run: bool,
    /// Requests per memory-controller run (with --run).
    #[arg(long, default_value_t = 20_000)]
    requests: u64,
    /// Flits per link run (with --run).
    #[arg(long, default_value_t = 5_000)]
    flits: u64,
    /// Do not load the page in headless Chromium.
    #[arg(long)]
    no_browser: bool,
}

pub fn run(a: ReportArgs) -> anyhow::Result<()> {
    let root = kaizen_flow::project_root();
    if a.run {
        produce(&a)?;
    }
    let inputs = inputs::read(&root, &a.results)?;
    let figures = figures::all(&inputs);
    create_dir(&a.out)?;
    create_dir(&a.out.join("data"))?;
    let mut sections = String::new();
    for f in &figures {
        let svg = svg::render(f)?;
        write_atomically(
            &a.out.join("data").join(format!("{}.json", f.id)),
            (serde_json::to_string_pretty(f)? + "\n").as_bytes(),
        )?;
        if let Some(svg) = &svg {
            write_atomically(&a.out.join(format!("{}.svg", f.id)), svg.as_bytes())?;
        }
        sections += &section(f, svg.as_deref());
    }
    let page = a.out.join("index.html");
    write_atomically(&page, html(&sections).as_bytes())?;
    let drawn = figures.iter().filter(|f| f.plot.is_some()).count();
    println!(
        "{}: {drawn} of {} figures drawn{}",
        page.display(),
        figures.len(),
        figures
            .iter()
            .filter(|f| f.plot.is_none())
            .map(|f| format!("\n  {}: {}", f.id, f.missing.as_deref().unwrap_or("")))
            .collect::<String>()
    );
    if !a.no_browser {
        let shot = a.out.join("screenshot.png");
        // Tall enough for the whole page: a drawn figure with its commands
        // takes about 640 px at this width, a missing one about 200.
        let height = 200
            + figures
                .iter()
                .map(|f| if f.plot.is_some() { 640 } else { 200 })
                .sum::<u32>();
        browser::check(&page, &shot, height)?;
        println!(
            "{}: rendered by headless Chromium, no console message",
            shot.display()
        );
    }
    Ok(())
}

/// `--run`: the sim and bench commands whose `--json` records the
/// figures read, as child processes, one per core at a time.
fn produce(a: &ReportArgs) -> anyhow::Result<()> {
    if a.requests == 0 || a.flits == 0 {
        bail!("--requests and --flits must be at least 1");
    }
    create_dir(&a.results)?;
    let json = |name: &str| a.results.join(name).display().to_string();
    let mut jobs: Vec<Vec<String>> = vec![];
    for p in ["seq-read", "seq-write", "random", "mixed", "stride"] {
        for r in ["all-bank", "per-bank"] {
            jobs.push(
                [
                    "sim",
                    "memctl",
                    "--pattern",
                    p,
                    "--refresh",
                    r,
                    "--requests",
                    &a.requests.to_string(),
                    "--json",
                    &json(&format!("memctl-{p}-{r}.json")),
                ]
                .map(String::from)
                .to_vec(),
            );
        }
    }
    jobs.push(
        [
            "bench",
            "d2d",
            "--flits",
            &a.flits.to_string(),
            "--json",
            &json("bench-d2d.json"),
        ]
        .map(String::from)
        .to_vec(),
    );
    let exe = std::env::current_exe()?;
    let progress = std::sync::Mutex::new(Progress::new("report --run", "runs", jobs.len() as u64));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(vec![]);
    std::thread::scope(|s| {
        for _ in 0..super::flow::jobs(jobs.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(args) = jobs.get(i) else { break };
                let out = std::process::Command::new(&exe).args(args).output();
                let ok = matches!(&out, Ok(o) if o.status.success());
                if !ok {
                    let why = match out {
                        Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                        Err(e) => e.to_string(),
                    };
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("kaizen {}: {why}", args.join(" ")));
                }
                let mut p = progress.lock().unwrap();
                p.println(&format!(
                    "{} kaizen {}",
                    if ok { "ok  " } else { "FAIL" },
                    args.join(" ")
                ));
                p.inc(!ok);
            });
        }
    });
    progress.into_inner().unwrap().finish();
    let failures = failures.into_inner().unwrap();
    if !failures.is_empty() {
        bail!(
            "{} run(s) failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
    Ok(())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Commands shown under a figure.
const SHOWN_COMMANDS: usize = 12;

fn section(f: &figures::Figure, svg: Option<&str>) -> String {
    let mut commands: Vec<&String> = vec![];
    for c in &f.commands {
        if !commands.contains(&c) {
            commands.push(c);
        }
    }
    let more = commands.len().saturating_sub(SHOWN_COMMANDS);
    let mut list: String = commands
        .iter()
        .take(SHOWN_COMMANDS)
        .map(|c| format!("<li><code>{}</code></li>", escape(c)))
        .collect();
    if more > 0 {
        list += &format!("<li>and {more} more (data/{}.json)</li>", f.id);
    }
    let body = match svg {
        Some(svg) => svg.to_string(),
        None => format!(
            "<p class=\"missing\">{}</p>",
            escape(f.missing.as_deref().unwrap_or("no data"))
        ),
    };
    format!(
        "<section id=\"{id}\">\n<h2>{title}</h2>\n{body}\n<p class=\"how\">Produced by:</p><ul>{list}</ul>\n<p class=\"how\">Data: <a href=\"data/{id}.json\">data/{id}.json</a>{sources}</p>\n</section>\n",
        id = f.id,
        title = escape(&f.title),
        sources = if f.sources.is_empty() {
            String::new()
        } else {
            format!(
                "; read from {} file(s): {}",
                f.sources.len(),
                escape(&f.sources.iter().take(6).cloned().collect::<Vec<_>>().join(", "))
            )
        }
    )
}

fn html(sections: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Kaizen report</title>\n<style>\nbody {{ font-family: sans-serif; max-width: 1000px; margin: 1em auto; color: #222; }}\nsection {{ margin-bottom: 2em; }}\n.missing {{ color: #a33; border: 1px dashed #a33; padding: 1em; }}\n.how {{ font-size: 0.9em; margin: 0.3em 0; }}\nul {{ font-size: 0.85em; margin: 0; }}\n</style>\n</head>\n<body>\n<h1>Kaizen report</h1>\n<p>Written by <code>kaizen report</code>. Flow figures are on GT2N, a predictive research PDK (typical corner): predictive, not silicon results.</p>\n{sections}</body>\n</html>\n"
    )
}
