//! The stable codes of the language's own diagnostics.
//!
//! A code is never reused for another meaning. Rule findings use their rule id instead; rules
//! live in stdlib/, not here. `docs/diagnostics.md` is checked against this table by a test.

use super::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
}

macro_rules! codes {
    ($($name:ident = $id:literal, $sev:ident, $title:literal;)*) => {
        $(pub const $name: Code = Code { id: $id, severity: Severity::$sev, title: $title };)*
        /// Every code, in order.
        pub const CODES: &[Code] = &[$($name),*];
    };
}

codes! {
    // Files
    INVALID_UTF8 = "E0001", Error, "file is not valid UTF-8";
    EMPTY_FILE = "E0002", Error, "file is empty";
    // Syntax
    SYNTAX = "E0101", Error, "the text does not follow the aims syntax";
    UNCLOSED_BLOCK = "E0102", Error, "a block is not closed";
    UNTERMINATED_STRING = "E0103", Error, "a string is not closed";
    INVALID_DATE = "E0104", Error, "a date that does not exist";
    NUMBER_TOO_LARGE = "E0105", Error, "a number too large to store";
    TOO_DEEP = "E0106", Error, "blocks or lists nested too deeply";
    UNEXPECTED_CLOSE = "E0107", Error, "a `}` that closes nothing";
    MISSING_VALUE = "E0108", Error, "a field without a value";
    // Names
    UNKNOWN_KIND = "E0201", Error, "unknown kind of item";
    DUPLICATE_ID = "E0202", Error, "two items with the same ID";
    UNKNOWN_REFERENCE = "E0203", Error, "reference to an item that does not exist";
    WRONG_REFERENCE_KIND = "E0204", Error, "reference to an item of the wrong kind";
    UNKNOWN_ENUM_VALUE = "E0205", Error, "value not on the field's list of allowed values";
    UNKNOWN_STANDARD_REF = "E0206", Error, "reference to a clause or control that does not exist";
    MISSING_ID = "E0207", Error, "item without an ID";
    MISPLACED_BLOCK = "E0208", Error, "block in the wrong place";
    // Schema
    UNKNOWN_FIELD = "E0301", Error, "field not defined for this kind";
    WRONG_TYPE = "E0302", Error, "value of the wrong type";
    MISSING_FIELD = "E0303", Error, "required field missing";
    DUPLICATE_FIELD = "E0304", Error, "field given twice";
    REPEATED_BLOCK = "E0305", Error, "block given twice where one is allowed";
    BAD_SCHEMA = "E0306", Error, "invalid schema declaration";
    COMPUTED_FIELD = "E0307", Error, "a computed field written by hand";
    PLACEHOLDER = "E0308", Error, "a decision left to make (`todo`)";
    // Scoring scripts
    SCRIPT_SYNTAX = "E0501", Error, "the scoring script does not parse";
    SCRIPT_MISSING_FN = "E0502", Error, "the scoring script lacks a required function";
    SCRIPT_RETURN = "E0503", Error, "a scoring function returned the wrong kind of value";
    SCRIPT_RUNTIME = "E0504", Error, "the scoring script failed while running";
    SCRIPT_RUNAWAY = "E0505", Error, "the scoring script was stopped for running too long";
    SCRIPT_UNREADABLE = "E0506", Error, "the scoring script cannot be read";
    SCRIPT_NOT_MONOTONE = "W0501", Warning, "the score falls as likelihood or impact rises";
    // Evidence files
    EVIDENCE_MISSING = "E0701", Error, "an evidence file does not exist";
    EVIDENCE_CHANGED = "E0702", Error, "an evidence file changed after it was pinned";
    EVIDENCE_OUTSIDE = "E0703", Error, "an evidence path leaves the repository";
    EVIDENCE_BAD_HASH = "E0704", Error, "a pinned hash that is not a SHA-256";
    EVIDENCE_UNREADABLE = "E0705", Error, "an evidence file cannot be read";
    EVIDENCE_UNPINNED = "W0701", Warning, "an evidence file without a pinned hash";
    // Rules
    RULE_UNKNOWN_NAME = "E0401", Error, "a rule uses a name that means nothing here";
    RULE_TYPE = "E0402", Error, "a rule compares or combines values of different types";
    RULE_UNKNOWN_FIELD = "E0403", Error, "a rule reads a field the kind does not have";
    RULE_DECLARATION = "E0404", Error, "a rule declaration is incomplete or wrong";
    UNKNOWN_RULE = "E0405", Error, "a waiver or override names a rule that does not exist";
    DUPLICATE_RULE = "E0406", Error, "two rules with the same id";
    RULE_TOO_LONG = "E0407", Error, "a rule condition too long or nested too deeply";
    DATE_OUT_OF_RANGE = "E0408", Error, "date arithmetic past the last (or first) date of the calendar";
}
