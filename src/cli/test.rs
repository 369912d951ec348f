//! `aims test`: tests for an organisation's own rules and severity overrides. A test case is a
//! small spec that states the findings it expects in `// expect: RULE@LINE` comments (as the
//! fixtures of aims itself do); each case is checked together with the organisation's rule
//! files, and the findings of those rules are compared with what the case expects. Runs like a
//! test runner: one line per case, a diff of expected and actual findings, a summary, exit 1
//! when a case fails, and `--format junit` for CI.

use super::output::{fail, plural, write_stdout};
use super::{ColorChoice, Format, SpecArgs, EXIT_FINDINGS, EXIT_OK};
use crate::diagnostics::{render, Severity};
use crate::source::Origin;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Test cases: .aims files, or folders searched for them (default `.`)
    #[arg(default_value = ".")]
    pub cases: Vec<PathBuf>,
    /// The organisation's rule files (or folders) under test, checked with every case (repeatable)
    #[arg(long, value_name = "PATH", required = true)]
    pub rules: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// The date that "today" means, as YYYY-MM-DD (default: the real date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    Human,
    Junit,
}

/// One finding, as a case states it: `RULE@LINE`, or `RULE@LINE:SEVERITY` to test an override.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    rule: String,
    /// The line in the case file; a finding elsewhere carries its file's name.
    place: String,
    severity: Option<String>,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.rule, self.place)?;
        if let Some(s) = &self.severity {
            write!(f, ":{s}")?;
        }
        Ok(())
    }
}

enum Verdict {
    Pass,
    /// Expected findings that did not come, and findings that were not expected.
    Fail {
        missing: Vec<Expected>,
        unexpected: Vec<Expected>,
    },
    /// The case (or the rules) could not be checked: the problems, rendered.
    Error(String),
}

struct Case {
    name: String,
    verdict: Verdict,
}

pub fn run(args: Args) -> u8 {
    let mut files = Vec::new();
    for path in &args.cases {
        // The folder walk of `aims check`: links stay inside the folder, a loop is reported.
        if path.is_dir() {
            match super::load::discover(path) {
                Ok(found) => files.extend(found),
                Err(e) => return fail(&e.0),
            }
        } else if path.exists() {
            // Whatever it is, reading it says why it cannot be read (a FIFO, a device).
            files.push(path.clone());
        } else {
            return fail(&format!("cannot read `{}`: no such file or directory", super::load::display(path)));
        }
    }
    // A rules file named among the cases is not a case of its own.
    let rule_files: BTreeSet<PathBuf> = args
        .rules
        .iter()
        // A folder that cannot be walked is reported when the rules are loaded with a case.
        .flat_map(|p| if p.is_dir() { super::load::discover(p).unwrap_or_default() } else { vec![p.clone()] })
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    files.retain(|f| std::fs::canonicalize(f).map_or(true, |c| !rule_files.contains(&c)));
    files.sort();
    files.dedup();
    if files.is_empty() {
        return fail("no test cases found: name .aims files, or folders that hold them");
    }
    let mut cases = Vec::new();
    for file in &files {
        match run_case(&args, file) {
            Ok(case) => cases.push(case),
            Err(code) => return code,
        }
    }
    let failed = cases.iter().filter(|c| !matches!(c.verdict, Verdict::Pass)).count();
    write_stdout(
        match args.format {
            TestFormat::Human => human(&cases),
            TestFormat::Junit => junit(&cases),
        }
        .as_bytes(),
    );
    if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn run_case(args: &Args, file: &Path) -> Result<Case, u8> {
    let name = super::load::display(file);
    let bytes = super::read::regular_file(file, super::load::MAX_FILE_BYTES)
        .map_err(|e| fail(&format!("cannot read `{name}`: {}", e.0)))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| fail(&format!("cannot read `{name}`: it is not UTF-8 text; save it as UTF-8")))?;
    let expected = match expectations(&text) {
        Ok(e) => e,
        Err(why) => return Ok(Case { name, verdict: Verdict::Error(format!("{why}\n")) }),
    };
    let mut paths = args.rules.clone();
    paths.push(file.to_path_buf());
    let spec = SpecArgs {
        paths,
        format: Format::Human,
        color: ColorChoice::Never,
        as_of: args.as_of,
        stdlib: args.stdlib.clone(),
        // Test cases are small and often kept with fixtures: nothing is written beside them.
        cache: super::CacheArgs { cache: None, no_cache: true },
    };
    let c = super::compile_spec(&spec)?;
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| {
            d.severity == Severity::Error
                && d.code.starts_with('E')
                && d.code[1..].chars().all(|ch| ch.is_ascii_digit())
        })
        .cloned()
        .collect();
    if !errors.is_empty() || c.outcome.is_none() {
        let shown = String::from_utf8_lossy(&render::human(&errors, &c.db, false)).into_owned();
        return Ok(Case { name, verdict: Verdict::Error(shown) });
    }
    // The rules under test: those the organisation declares, and those whose severity it changes.
    let mut tracked: BTreeSet<&str> =
        c.rules.rules.values().filter(|r| r.origin == Origin::Spec).map(|r| r.id.as_str()).collect();
    for (f, _, decl) in &c.model.rules {
        if c.db.get(*f).origin == Origin::Spec && decl.body.is_none() {
            tracked.insert(decl.id.text.as_str());
        }
    }
    let case_file = c.db.iter().find(|(_, f)| f.origin == Origin::Spec && f.name == name).map(|(id, _)| id);
    let with_severity: BTreeSet<&str> =
        expected.iter().filter(|e| e.severity.is_some()).map(|e| e.rule.as_str()).collect();
    let mut actual: Vec<Expected> = c
        .diagnostics
        .iter()
        .filter(|d| tracked.contains(d.code.as_str()))
        .filter_map(|d| {
            let label = d.primary_label()?;
            let source = c.db.get(label.file);
            let (line, _) = source.line_col(label.span.start);
            let place =
                if Some(label.file) == case_file { line.to_string() } else { format!("{}:{line}", source.name) };
            let severity = with_severity.contains(d.code.as_str()).then(|| d.severity.as_str().to_string());
            Some(Expected { rule: d.code.clone(), place, severity })
        })
        .collect();
    actual.sort();
    let mut expected = expected;
    expected.sort();
    let missing: Vec<Expected> = multiset_minus(&expected, &actual);
    let unexpected: Vec<Expected> = multiset_minus(&actual, &expected);
    let verdict =
        if missing.is_empty() && unexpected.is_empty() { Verdict::Pass } else { Verdict::Fail { missing, unexpected } };
    Ok(Case { name, verdict })
}

/// The elements of `a` not matched one for one by an element of `b` (both sorted).
fn multiset_minus(a: &[Expected], b: &[Expected]) -> Vec<Expected> {
    let mut rest: Vec<&Expected> = b.iter().collect();
    a.iter()
        .filter(|x| match rest.iter().position(|y| y == x) {
            Some(i) => {
                rest.remove(i);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

/// `// expect: RULE@LINE RULE@LINE:SEVERITY` lines, anywhere in the case.
fn expectations(text: &str) -> Result<Vec<Expected>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.trim().strip_prefix("// expect:") else { continue };
        for item in rest.split([' ', ',']).filter(|s| !s.is_empty()) {
            let bad = || {
                format!(
                    "line {}: `{item}` is not an expectation: write `RULE@LINE`, or `RULE@LINE:SEVERITY` such as `my-rule@12:warning`",
                    n + 1
                )
            };
            let (rule, place) = item.split_once('@').ok_or_else(bad)?;
            let (line, severity) = match place.split_once(':') {
                Some((l, s)) if ["error", "warning", "note"].contains(&s) => (l, Some(s.to_string())),
                Some(_) => return Err(bad()),
                None => (place, None),
            };
            let line: usize = line.parse().map_err(|_| bad())?;
            if rule.is_empty() || line == 0 {
                return Err(bad());
            }
            out.push(Expected { rule: rule.to_string(), place: line.to_string(), severity });
        }
    }
    Ok(out)
}

fn human(cases: &[Case]) -> String {
    let mut out = format!("running {}\n", plural(cases.len(), "test case", "test cases"));
    for case in cases {
        match &case.verdict {
            Verdict::Pass => out.push_str(&format!("ok    {}\n", case.name)),
            Verdict::Fail { missing, unexpected } => {
                out.push_str(&format!("FAIL  {}\n", case.name));
                for m in missing {
                    out.push_str(&format!("        - expected, not found:  {m}\n"));
                }
                for u in unexpected {
                    out.push_str(&format!("        + found, not expected:  {u}\n"));
                }
            }
            Verdict::Error(shown) => {
                out.push_str(&format!("ERROR {}: the case cannot be checked\n", case.name));
                for line in shown.lines() {
                    out.push_str(&format!("        {line}\n").replace("        \n", "\n"));
                }
            }
        }
    }
    let passed = cases.iter().filter(|c| matches!(c.verdict, Verdict::Pass)).count();
    let failed = cases.len() - passed;
    out.push_str(&format!(
        "\ntest result: {}. {passed} passed, {failed} failed\n",
        if failed == 0 { "ok" } else { "FAILED" }
    ));
    out
}

fn junit(cases: &[Case]) -> String {
    let failures = cases.iter().filter(|c| matches!(c.verdict, Verdict::Fail { .. })).count();
    let errors = cases.iter().filter(|c| matches!(c.verdict, Verdict::Error(_))).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites tests=\"{n}\" failures=\"{failures}\" errors=\"{errors}\">\n  <testsuite name=\"aims test\" tests=\"{n}\" failures=\"{failures}\" errors=\"{errors}\">\n",
        n = cases.len()
    ));
    for case in cases {
        let name = xml(&case.name);
        match &case.verdict {
            Verdict::Pass => out.push_str(&format!("    <testcase name=\"{name}\" classname=\"aims\"/>\n")),
            Verdict::Fail { missing, unexpected } => {
                let mut body = String::new();
                for m in missing {
                    body.push_str(&format!("- expected, not found: {m}\n"));
                }
                for u in unexpected {
                    body.push_str(&format!("+ found, not expected: {u}\n"));
                }
                out.push_str(&format!(
                    "    <testcase name=\"{name}\" classname=\"aims\">\n      <failure message=\"the findings differ from those expected\">{}</failure>\n    </testcase>\n",
                    xml(&body)
                ));
            }
            Verdict::Error(shown) => out.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"aims\">\n      <error message=\"the case cannot be checked\">{}</error>\n    </testcase>\n",
                xml(shown)
            )),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}
