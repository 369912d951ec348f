//! The documentation lists exactly the diagnostic codes the compiler has.

#[test]
fn every_code_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md")).unwrap();
    let documented: Vec<&str> =
        doc.lines().filter_map(|l| l.strip_prefix("| E").or_else(|| l.strip_prefix("| W"))).map(|l| &l[..4]).collect();
    for code in aims::diagnostics::CODES {
        assert!(documented.contains(&&code.id[1..]), "{} ({}) is not in docs/diagnostics.md", code.id, code.title);
    }
    assert_eq!(documented.len(), aims::diagnostics::CODES.len(), "docs/diagnostics.md lists codes that do not exist");
}
