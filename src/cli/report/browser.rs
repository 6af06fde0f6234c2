//! The page in a real browser: headless Chromium loads it, takes a
//! screenshot, and any console message (the page has no script, so any
//! message is an error: a broken SVG, a bad resource) fails the check.

use anyhow::{bail, Context};
use std::path::Path;
use std::process::Command;

pub const CHROMIUM: &str = "chromium";

/// Loads `page` in headless Chromium, writes `screenshot` (PNG), and fails
/// naming each console message.
pub fn check(page: &Path, screenshot: &Path, height: u32) -> anyhow::Result<()> {
    let profile = tempfile::tempdir().context("a profile directory for Chromium")?;
    let page = std::fs::canonicalize(page)?;
    // Chromium picks the format from the extension: the temporary file ends in .png too.
    let tmp_png = screenshot.with_file_name(".screenshot-in-progress.png");
    let out = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size=1100,{height}"))
        .arg(format!("--screenshot={}", tmp_png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .with_context(|| {
            format!("cannot start `{CHROMIUM}` (scripts/setup.sh installs it; --no-browser skips the check)")
        })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let messages = console_messages(&stderr);
    if !out.status.success() || !tmp_png.exists() {
        let _ = std::fs::remove_file(&tmp_png);
        bail!(
            "Chromium could not render {} ({}): {}",
            page.display(),
            out.status,
            stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ")
        );
    }
    std::fs::rename(&tmp_png, screenshot)
        .with_context(|| format!("writing {}", screenshot.display()))?;
    if !messages.is_empty() {
        bail!(
            "{}: the browser console reported {} message(s):\n  {}",
            page.display(),
            messages.len(),
            messages.join("\n  ")
        );
    }
    Ok(())
}

/// Console messages in Chromium's `--enable-logging=stderr` output, as
/// `[pid:tid:time:INFO:CONSOLE:line] "text", source: url (line)`.
pub fn console_messages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| {
            let at = l.find(":CONSOLE")?;
            let rest = &l[at..];
            Some(rest.split_once("] ").map_or(rest, |(_, m)| m).to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_are_found_and_others_ignored() {
        let err = "[1:2:1207/153108.644663:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n\
                   [1:1:1207/153109.149504:INFO:CONSOLE:1] \"Uncaught ReferenceError: f is not defined\", source: file:///p.html (1)\n";
        assert_eq!(
            console_messages(err),
            vec!["\"Uncaught ReferenceError: f is not defined\", source: file:///p.html (1)"]
        );
    }

    /// The check against the real browser, on a page with a script error:
    /// it must fail and name the message (skipped where Chromium is absent
    /// is not an option: set-up installs it).
    #[test]
    fn a_script_error_on_a_page_fails_the_check() {
        let d = tempfile::tempdir().unwrap();
        let page = d.path().join("bad.html");
        std::fs::write(
            &page,
            "<html><body><p>x</p><script>missingFunction();</script></body></html>",
        )
        .unwrap();
        let e = check(&page, &d.path().join("bad.png"), 300)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missingFunction is not defined"), "{e}");
        let good = d.path().join("good.html");
        std::fs::write(&good, "<html><body><p>fine</p></body></html>").unwrap();
        check(&good, &d.path().join("good.png"), 300).unwrap();
        assert!(std::fs::metadata(d.path().join("good.png")).unwrap().len() > 100);
    }
}
