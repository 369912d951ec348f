//! The HTML dashboard (`aims report all --format html`) in a real browser: headless Chromium
//! loads it with the network off, takes a screenshot and dumps the DOM; the page must load
//! nothing from elsewhere, log no console error, and show its heat map, bars and timeline.
//! Skipped when chromium is not installed; fails then under CI=true.

#[path = "support/tools.rs"]
mod tools;

use std::path::PathBuf;
use std::process::Command;

fn chromium(profile: &std::path::Path, extra: &[&str], page: &std::path::Path) -> std::process::Output {
    let bin = tools::required("chromium", "apt-get install -y chromium").expect("checked by the caller");
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

#[test]
fn the_dashboard_renders_in_chromium() {
    if tools::required("chromium", "apt-get install -y chromium").is_none() {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("aims-dashboard-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    for example in ["hospital-network", "llm-startup-gaps"] {
        let page = work.join(format!("{example}.html"));
        let out = Command::new(env!("CARGO_BIN_EXE_aims"))
            .env("AIMS_NO_CACHE", "1")
            .args(["report", "all", example, "--as-of=2026-11-22", "--no-revision", "--format=html", "--out"])
            .arg(&page)
            .current_dir(root.join("examples"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let html = std::fs::read_to_string(&page).unwrap();
        for outside in ["<script", "http://", "https://", "<link", "@import", "url("] {
            let found = html.replace("http://www.w3.org/2000/svg", "");
            assert!(!found.contains(outside), "{example}: the page is self-contained, but holds `{outside}`");
        }

        let shot = work.join(format!("{example}.png"));
        let profile = work.join(format!("profile-{example}"));
        let run = chromium(
            &profile,
            &["--window-size=1400,2400", "--hide-scrollbars", &format!("--screenshot={}", shot.display())],
            &page,
        );
        let log = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{example}: chromium failed:\n{log}");
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "{example}: a real screenshot");
        assert!(!log.contains("CONSOLE"), "{example}: console messages:\n{log}");
        assert!(!log.to_lowercase().contains("uncaught"), "{example}: {log}");

        let dom = chromium(&work.join(format!("dom-{example}")), &["--dump-dom"], &page);
        let dom_text = String::from_utf8_lossy(&dom.stdout);
        assert!(dom_text.contains("inherent (before treatment)") && dom_text.contains("residual (after treatment)"));
        assert!(dom_text.contains("aria-label=\"readiness\""));
        assert!(dom_text.contains("id=\"soa-A.2.2\""), "{example}: rows have anchors");
        eprintln!("screenshot of {example}: {}", shot.display());
    }
    if std::env::var_os("AIMS_KEEP_SCREENSHOTS").is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
}
