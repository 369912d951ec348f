//! `aims report KIND`: every kind on every example in every format, as snapshots, plus the
//! properties a user relies on (38 SoA rows, RFC 4180 CSV, RFC 5545 calendars, escaping,
//! same bytes on every run, clear refusals).

mod common;

use common::aims;
use std::path::PathBuf;

const AS_OF: &str = "--as-of=2026-11-22";
const EXAMPLES: &[&str] = &["hospital-network", "retail-bank", "llm-startup-gaps"];
const KINDS: &[&str] = &["soa", "register", "inventory", "calendar", "raci", "all"];

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn report(dir: &std::path::Path, args: &[&str]) -> common::Run {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend([AS_OF, "--no-revision"]);
    aims(dir, &all)
}

#[test]
fn every_kind_on_every_example_in_every_format() {
    for example in EXAMPLES {
        for kind in KINDS {
            let mut formats = vec!["md", "json", "html"];
            if *kind != "all" {
                formats.push("csv");
            }
            if *kind == "calendar" {
                formats.push("ics");
            }
            for format in formats {
                let run = report(&examples(), &[kind, example, "--format", format]);
                assert_eq!(run.code, 0, "{example} {kind} {format}: {}", run.stderr);
                let again = report(&examples(), &[kind, example, "--format", format]);
                assert_eq!(run.stdout, again.stdout, "{example} {kind} {format}: same input, same bytes");
                if format == "json" {
                    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
                    for t in v["reports"].as_array().unwrap() {
                        let cols: Vec<&str> =
                            t["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
                        let unique: std::collections::BTreeSet<_> = cols.iter().collect();
                        assert_eq!(unique.len(), cols.len(), "{example} {}: column names are unique", t["kind"]);
                    }
                }
                insta::assert_snapshot!(format!("{example}-{kind}.{format}"), run.transcript());
            }
        }
    }
}

fn csv_records(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().expect("a header row").iter().map(str::to_string).collect();
    let rows = r.records().map(|rec| rec.expect("an RFC 4180 record").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[test]
fn the_hospital_soa_has_a_row_per_annex_a_control() {
    let run = report(&examples(), &["soa", "hospital-network", "--format", "csv"]);
    let (header, rows) = csv_records(&run.stdout);
    assert_eq!(rows.len(), 38);
    assert_eq!(&header[..4], ["control", "title", "applicable", "justification"]);
    for row in &rows {
        assert_eq!(row.len(), header.len(), "every record has every column");
        assert!(row[0].starts_with("A."), "{row:?}");
        assert!(!row[3].is_empty(), "{}: every decision is justified", row[0]);
        assert_eq!(row[header.len() - 2], "2026-11-22", "stamped with --as-of");
    }
    assert!(run.stdout.contains("\r\n"), "CSV lines end in CRLF");
}

#[test]
fn a_spec_without_decisions_still_lists_every_control() {
    let run = report(&examples(), &["soa", "llm-startup-gaps", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = v["reports"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 38);
    let undecided = rows.iter().filter(|r| r["cells"]["applicable"] == "no decision").count();
    assert!(undecided > 0);
    assert!(rows.iter().filter(|r| r["cells"]["applicable"] == "no decision").all(|r| r["flagged"] == true));
    // Findings name the rows they affect.
    assert!(rows.iter().any(|r| !r["findings"].as_array().unwrap().is_empty()));
}

#[test]
fn calendars_follow_rfc_5545() {
    for example in EXAMPLES {
        let run = report(&examples(), &["calendar", example, "--format", "ics"]);
        let text = &run.stdout;
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "{example}: every line ends in CRLF");
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{example}: `{line}` is longer than 75 octets");
        }
        let unfolded = text.replace("\r\n ", "");
        let uids: Vec<&str> = unfolded.lines().filter(|l| l.starts_with("UID:")).collect();
        let mut unique = uids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(uids.len(), unique.len(), "{example}: UIDs are unique");
        assert_eq!(uids.len(), unfolded.matches("BEGIN:VEVENT").count());
        assert!(unfolded.lines().filter(|l| l.starts_with("DTSTAMP:")).all(|l| l == "DTSTAMP:20261122T000000Z"));
    }
    let hospital = report(&examples(), &["calendar", "hospital-network", "--format", "ics"]).stdout;
    assert!(hospital.contains("RRULE:FREQ=MONTHLY;INTERVAL=3"), "recurrence from the declared intervals");
}

#[test]
fn the_calendar_puts_overdue_first_and_stops_at_the_horizon() {
    let run = report(&examples(), &["calendar", "llm-startup-gaps", "--format", "csv", "--until", "2027-01-31"]);
    let (_, rows) = csv_records(&run.stdout);
    let first_upcoming = rows.iter().position(|r| r[1].is_empty()).unwrap_or(rows.len());
    assert!(first_upcoming > 0, "there is something overdue");
    assert!(rows[first_upcoming..].iter().all(|r| r[1].is_empty()), "overdue rows come first");
    assert!(rows.iter().all(|r| r[0].as_str() <= "2027-01-31"), "nothing after --until");
}

#[test]
fn text_is_escaped_in_every_format() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports");
    let html = report(&dir, &["all", "escaping.aims", "--format", "html"]).stdout;
    assert!(!html.contains("<script>"), "no markup from the spec reaches the page");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    let csv = report(&dir, &["inventory", "escaping.aims", "--format", "csv"]).stdout;
    let (header, rows) = csv_records(&csv);
    assert_eq!(rows[0].len(), header.len());
    assert!(rows[0][1].contains("\"assistant\", v2; beta | test"));
    assert!(rows[0][3].contains("line break\nin the middle"));
    let md = report(&dir, &["inventory", "escaping.aims"]).stdout;
    let row = md.lines().find(|l| l.starts_with("| chat ")).unwrap();
    // The CSV adds findings, as-of and revision columns; Markdown has the findings only.
    assert_eq!(row.matches(" | ").count(), header.len() - 3, "pipes in text do not add columns: {row}");
    let ics = report(&dir, &["calendar", "escaping.aims", "--format", "ics"]).stdout;
    assert!(ics.replace("\r\n ", "").contains("accuracy\\, tone\\, and escalation paths\\;"));
    insta::assert_snapshot!("escaping-all.md", report(&dir, &["all", "escaping.aims"]).transcript());
}

#[test]
fn refusals_are_clear() {
    let cases: &[&[&str]] = &[
        &["soa", "hospital-network", "--format", "ics"],
        &["all", "hospital-network", "--format", "csv"],
        &["calendar", "hospital-network", "--until", "2026-01-01"],
        &["soa", "no-such-folder"],
    ];
    for args in cases {
        let run = report(&examples(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with("error: "), "{args:?}: {}", run.stderr);
    }
    let broken = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let run = report(&broken, &["soa", "unknown-reference.aims"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("refused-spec-with-errors", run.transcript());
}

#[test]
fn all_as_csv_writes_one_file_per_report_atomically() {
    let out = std::env::temp_dir().join(format!("aims-report-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let run = report(&examples(), &["all", "retail-bank", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        ["calendar.csv", "inventory.csv", "raci.csv", "register.csv", "soa.csv"],
        "no temporary files left"
    );
    let soa = std::fs::read_to_string(out.join("soa.csv")).unwrap();
    assert_eq!(soa, report(&examples(), &["soa", "retail-bank", "--format", "csv"]).stdout);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn the_revision_stamp_comes_from_git() {
    let run = aims(&examples(), &["report", "soa", "hospital-network", AS_OF, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let inside_git = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(examples())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if inside_git {
        let rev = v["revision"].as_str().expect("a revision inside a repository");
        assert!(rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()), "{rev}");
    } else {
        assert!(v["revision"].is_null());
    }
    let without = report(&examples(), &["soa", "hospital-network", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&without.stdout).unwrap();
    assert!(v["revision"].is_null(), "--no-revision leaves it out");
}
