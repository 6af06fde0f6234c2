//! `kaizen report` on real results: the memory-controller and link runs of
//! `--run`, QoR records from the flow, a collected regression. Every
//! figure's data is checked against the JSON it came from (read here on its
//! own), and the page loads in headless Chromium without a console message.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn kaizen(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaizen"))
        .args(args)
        .env("KAIZEN_ROOT", root)
        .env("KAIZEN_PDK_DIR", common::pdk_dir())
        .output()
        .expect("run kaizen")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json(path: &Path) -> Value {
    let t = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&t).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

/// The values of the bar series `name` of a figure, by category.
fn bars(fig: &Value, name: &str) -> Vec<(String, Option<f64>)> {
    let plot = &fig["plot"];
    let series = plot["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no series {name} in {fig}"));
    plot["categories"]
        .as_array()
        .unwrap()
        .iter()
        .zip(series["values"].as_array().unwrap())
        .map(|(c, v)| (c.as_str().unwrap().to_string(), v.as_f64()))
        .collect()
}

#[test]
fn every_figure_shows_the_numbers_of_its_sources_and_the_page_renders() {
    let root = common::scratch_root();
    let r = root.path();
    let o = kaizen(&["flow", "sta", "reset_sync", "arbiter"], r);
    assert!(o.status.success(), "{}", text(&o));
    let regress_out = r.join("build/regress/d2d");
    let o = kaizen(
        &[
            "regress",
            "d2d",
            "--flits",
            "200",
            "--channel-flits",
            "100",
            "--quiet",
            "--out",
            regress_out.to_str().unwrap(),
        ],
        r,
    );
    assert!(o.status.success(), "{}", text(&o));
    let results = r.join("build/results");
    let out = r.join("build/report");
    let o = kaizen(
        &[
            "report",
            "--run",
            "--requests",
            "1500",
            "--flits",
            "300",
            "--quiet",
            "--results",
            results.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        r,
    );
    let all = text(&o);
    assert!(o.status.success(), "{all}");
    assert!(all.contains("no console message"), "{all}");
    let shot = std::fs::metadata(out.join("screenshot.png")).unwrap();
    assert!(
        shot.len() > 20_000,
        "a screenshot of the page: {} bytes",
        shot.len()
    );
    let fig = |id: &str| json(&out.join("data").join(format!("{id}.json")));

    // Controller bandwidth and latency: each run's own record.
    let bw = fig("memctl_bandwidth");
    let lat = fig("memctl_latency_cdf");
    for refresh in ["all-bank", "per-bank"] {
        for (side, key) in [("RTL", "rtl"), ("reference", "reference")] {
            let shown = bars(&bw, &format!("{refresh} refresh, {side}"));
            assert_eq!(shown.len(), 5, "five patterns");
            for (pattern, v) in shown {
                let src = json(&results.join(format!("memctl-{pattern}-{refresh}.json")));
                let want = src["data"][key]["achieved_gbps"].as_f64().unwrap();
                assert!(close(v.unwrap(), want), "{pattern} {refresh} {side}");
                assert!(bw["commands"].as_array().unwrap().contains(&src["command"]));
            }
        }
        let src = json(&results.join(format!("memctl-random-{refresh}.json")));
        let ns = src["data"]["tck_ps"].as_f64().unwrap() / 1000.0;
        let pct = src["data"]["rtl"]["latency_percentiles"]
            .as_array()
            .unwrap();
        let line = lat["plot"]["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == format!("random, {refresh} refresh"))
            .unwrap();
        let points = line["points"].as_array().unwrap();
        assert_eq!(points.len(), 101);
        for k in [0, 50, 99, 100] {
            assert!(close(
                points[k][0].as_f64().unwrap(),
                pct[k].as_f64().unwrap() * ns
            ));
            assert!(close(points[k][1].as_f64().unwrap(), k as f64 / 100.0));
        }
    }

    // Link efficiency: the bench's table, in percent.
    let src = json(&results.join("bench-d2d.json"));
    let rows = src["data"]["rows"].as_array().unwrap();
    let eff = fig("link_efficiency");
    for (series, key) in [
        ("standard package (16 lanes), RTL", "rtl_16"),
        ("advanced package (64 lanes), reference", "reference_64"),
    ] {
        let shown = bars(&eff, series);
        assert_eq!(shown.len(), rows.len());
        for ((_, v), row) in shown.iter().zip(rows) {
            assert!(close(v.unwrap(), 100.0 * row[key].as_f64().unwrap()));
        }
    }

    // QoR: the flow's records and the checked-in baseline.
    let baseline = json(&r.join("constraints/qor-baseline.json"));
    let fmax = bars(&fig("qor_fmax"), "Fmax (MHz)");
    let area = bars(&fig("qor_area"), "baseline cell area (um2)");
    let slack = bars(&fig("qor_slack"), "worst slack (ps)");
    assert_eq!(
        fmax.iter().map(|b| b.0.as_str()).collect::<Vec<_>>(),
        ["arbiter", "reset_sync"]
    );
    for (((block, f), (_, a)), (_, sl)) in fmax.iter().zip(&area).zip(&slack) {
        let q = json(&r.join(format!("build/qor/{block}.json")));
        assert!(close(
            f.unwrap(),
            q["clocks"][0]["fmax_mhz"].as_f64().unwrap()
        ));
        let worst = q["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["worst_slack_ps"].as_f64().unwrap())
            .fold(f64::INFINITY, f64::min);
        assert!(close(sl.unwrap(), worst), "{block}");
        let want = baseline["blocks"][block]["area_um2"].as_f64().unwrap();
        assert!(close(a.unwrap(), want), "{block}");
    }

    // Regression history: the collected run.
    let summary = json(&regress_out.join("summary.json"));
    let passed = bars(&fig("regress_history"), "cases passed");
    assert_eq!(passed.len(), 1);
    assert_eq!(passed[0].1.unwrap(), summary["passed"].as_f64().unwrap());

    // Not yet measured: said, not drawn.
    assert!(fig("coverage")["plot"].is_null());
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(page.matches("<section ").count(), 9);
    assert_eq!(
        page.matches("<svg ").count(),
        7,
        "seven figures drawn inline"
    );
    assert!(
        page.contains("\nseq-read\n</text>"),
        "category labels are drawn"
    );
}

#[test]
fn a_broken_result_file_is_named_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let results = d.path().join("results");
    std::fs::create_dir_all(&results).unwrap();
    std::fs::write(
        results.join("a.json"),
        "{\n  \"kind\": \"sim memctl\",\n  oops\n}\n",
    )
    .unwrap();
    let out = d.path().join("report");
    let o = kaizen(
        &[
            "report",
            "--no-browser",
            "--results",
            results.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        d.path(),
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("a.json:3: not a result record"),
        "{}",
        text(&o)
    );
    assert!(!out.exists(), "no partial report");
}
