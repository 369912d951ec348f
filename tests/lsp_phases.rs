//! The two phases of diagnostics after a keystroke: first the edited file's own (checked
//! against the last complete analysis, its rule findings carried through the edit), then the
//! full compile's. Phase one must say exactly what the full compile says for the errors it
//! checks itself, and must move or drop the findings it carries.

mod lsp_harness;

use lsp_harness::Client;
use serde_json::Value;

const PEOPLE: &str = "person priya { name: \"Priya Raman\" }\nrole clinical_lead \"Clinical lead\" {}\n";

const SYSTEMS: &str = r#"system triage "Emergency department triage assistant" {
  owner: priya
  purpose: "Suggests a triage category for arrivals, for a nurse to confirm"
  eu_ai_act: high
  tier: 1
}
"#;

/// The edited text: a syntax error, schema errors of every sort and unknown references, some
/// with suggestions drawn from the other files, a duplicate of an ID of an earlier file.
const BROKEN: &str = r#"system triage "Emergency department triage assistant" {
  owner: prya
  purpose: "Suggests a triage category for arrivals, for a nurse to confirm"
  eu_ai_act: hgh
  tier: "one"
  tier: 2
  colour: blue
  supplier: [clinical_lead, nobody]
  datasets: priya
}

system scribe "Clinical note scribe" {
  owner: priya
  purpose: "Drafts notes"
  controls: [iso42001:A.99]
  in_scope: perhaps
}

person priya { name: "Priya, again" }
}

control own_review "Own review of triage changes" {
  based_on: [iso42001:Z.1, iso42001:A.6.2.4]
}

risk unfinished "Half typed" {
  system: triage
  likelihood: possible
  impact:
"#;

/// Diagnostics whose code a one-file check gives itself (the language's own codes below
/// E0400, except schema declarations and placeholders), in publication order.
fn own_errors(published: &Value) -> Vec<Value> {
    published["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap_or("");
            code.starts_with("E0") && code < "E0400" && code != "E0306" && code != "E0308"
        })
        .cloned()
        .collect()
}

fn start(systems: &str) -> Client {
    let files =
        [("/people.aims".to_string(), PEOPLE.to_string()), ("/zz-systems.aims".to_string(), systems.to_string())];
    let mut client = Client::start(&files);
    client.open("/zz-systems.aims");
    client.sync();
    client
}

#[test]
fn first_diagnostics_say_what_the_full_compile_says() {
    let mut edited = start(SYSTEMS);
    edited.change("/zz-systems.aims", None, BROKEN);
    let first = edited.next_published("/zz-systems.aims");
    assert_eq!(first["version"], 1, "the first diagnostics are of the edited version: {first}");

    // A session that starts with the broken text has only the full compile's diagnostics.
    let fresh = start(BROKEN);
    let full = serde_json::json!({ "diagnostics": fresh.published[&fresh.uri("/zz-systems.aims")] });

    let (a, b) = (own_errors(&first), own_errors(&full));
    let codes: Vec<&str> = a.iter().filter_map(|d| d["code"].as_str()).collect();
    for code in ["E0107", "E0108", "E0202", "E0203", "E0204", "E0205", "E0206", "E0301", "E0302", "E0304"] {
        assert!(codes.contains(&code), "the fixture gives {code} in the first phase: {codes:?}");
    }
    assert_eq!(
        serde_json::to_string_pretty(&a).unwrap().replace(&edited.uri(""), "ROOT/"),
        serde_json::to_string_pretty(&b).unwrap().replace(&fresh.uri(""), "ROOT/"),
        "the first phase's own errors are the full compile's, message for message"
    );
    edited.sync();
    assert_eq!(
        own_errors(&serde_json::json!({ "diagnostics": edited.published[&edited.uri("/zz-systems.aims")] })),
        a,
        "the full compile that follows agrees"
    );
}

/// (line, code) of every rule finding in a publication.
fn findings(published: &Value) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = published["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .filter(|d| !d["code"].as_str().unwrap_or("E").starts_with('E'))
        .map(|d| (d["range"]["start"]["line"].as_u64().unwrap(), d["code"].as_str().unwrap().to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn rule_findings_of_the_last_compile_move_with_the_edit_or_go() {
    let mut client = start(SYSTEMS);
    let before = findings(&serde_json::json!({ "diagnostics": client.published[&client.uri("/zz-systems.aims")] }));
    assert!(before.len() >= 3, "the system has rule findings on its header: {before:?}");
    assert!(before.iter().all(|(line, _)| *line == 0));

    // Two lines above the system: every finding moves down two lines, none is lost.
    client.change("/zz-systems.aims", None, &format!("// the triage system\n// owned by the ED\n{SYSTEMS}"));
    let first = client.next_published("/zz-systems.aims");
    let moved: Vec<(u64, String)> = before.iter().map(|(l, c)| (l + 2, c.clone())).collect();
    assert_eq!(findings(&first), moved, "findings after the edit move with it");
    client.sync();

    // An edit inside the body, below the header: the findings stay where they are.
    let body = SYSTEMS.replace("tier: 1", "tier: 2");
    client.change("/zz-systems.aims", None, &format!("// the triage system\n// owned by the ED\n{body}"));
    let first = client.next_published("/zz-systems.aims");
    assert_eq!(findings(&first), moved, "findings before the edit stay");
    client.sync();

    // The header itself edited: the findings on it are dropped until the compile says again.
    let renamed = body.replace("triage assistant", "triage helper");
    client.change("/zz-systems.aims", None, &format!("// the triage system\n// owned by the ED\n{renamed}"));
    let first = client.next_published("/zz-systems.aims");
    assert_eq!(findings(&first), Vec::new(), "findings the edit touches are dropped: {first}");
    client.sync();
    let full = findings(&serde_json::json!({ "diagnostics": client.published[&client.uri("/zz-systems.aims")] }));
    assert_eq!(full, moved, "the full compile gives them back");
}

/// Hover and completion in the document just edited are answered while its compile runs, from
/// the editor's text: a hover below the edit gives the place in the new text, completion
/// offers what the new text needs. (Answered at once or after the compile, the answer is
/// the same: this checks that the quick path never gives positions of the older text.)
#[test]
fn hover_and_completion_in_the_edited_document_speak_of_its_new_text() {
    let mut client = start(SYSTEMS);
    let uri = client.uri("/zz-systems.aims");
    let at = |line: u32, character: u32| serde_json::json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    // Two lines above the system: `owner: priya` is now on line 3.
    let commented = format!("// the triage system\n// owned by the ED\n{SYSTEMS}");
    client.change("/zz-systems.aims", None, &commented);
    let hover = client.request("textDocument/hover", at(3, 11));
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("Priya Raman")), "{hover}");
    assert_eq!(hover["range"]["start"], serde_json::json!({ "line": 3, "character": 9 }), "{hover}");
    assert_eq!(hover["range"]["end"], serde_json::json!({ "line": 3, "character": 14 }), "{hover}");
    // A field being typed on line 7: the fields a system has that are not written yet.
    client.change("/zz-systems.aims", None, &commented.replace("  tier: 1\n", "  tier: 1\n  in\n"));
    let completion = client.request("textDocument/completion", at(7, 4));
    let labels: Vec<&str> =
        completion["items"].as_array().into_iter().flatten().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"intended_use") && !labels.contains(&"tier"), "{labels:?}");
    let edit = &completion["items"][0]["textEdit"]["range"];
    assert_eq!(edit["start"], serde_json::json!({ "line": 7, "character": 2 }), "{completion}");
    assert_eq!(edit["end"], serde_json::json!({ "line": 7, "character": 4 }), "{completion}");
}
