//! The few kind and field names the compiler knows: the contract between the schema in
//! stdlib/ and the stages that give those items a meaning (waivers, the gap analysis, scoring),
//! documented in docs/language.md and docs/scoring.md. They belong to the aims language, not to
//! any standard: no clause, control or threshold is written here.

/// The value of a field still to be decided (`applicable: todo`), as `aims init` writes it.
pub const PLACEHOLDER: &str = "todo";
/// The entries of a standard's catalogue of reference controls, which `aims init` lists in the
/// skeleton's Statement of Applicability.
pub const ANNEX_CONTROL: &str = "annex_control";

/// Evidence files (docs/evidence.md): a node whose kind declares both fields names a file of
/// the repository (`path`) and the hash of its reviewed content (`sha256`).
pub const EVIDENCE_PATH: &str = "path";
pub const EVIDENCE_HASH: &str = "sha256";

/// What `aims diff` compares (docs/diff.md): the items of these kinds, matched by ID, and
/// these of their fields (`treatment.residual.level` reads the first treatment's residual).
pub const DIFF_WATCH: &[(&str, &[&str])] = &[
    ("system", &["status", "stage", "eu_ai_act", "tier", "in_scope", "owner"]),
    ("risk", &["level", "above_appetite", "likelihood", "impact", "owner", "treatment.residual.level"]),
    ("control", &["applicable", "status", "owner"]),
    ("document", &["path", "sha256", "version"]),
    ("policy", &["version", "approved"]),
];

/// The kind a `waive RULE for ITEM { ... }` is checked as, and its expiry field.
pub const WAIVER: &str = "waiver";
pub const WAIVER_EXPIRES: &str = "expires";

/// The kind of the catalogues the gap analysis walks, and the fields it reads on their entries.
pub const STANDARD: &str = "standard";
/// The Statement of Applicability: a `control` item with the ID of a catalogue control records
/// the decision on it; `applicable: no` with a `justification` excludes it from the gap analysis.
pub const CONTROL: &str = "control";
pub const APPLICABLE: &str = "applicable";
pub const JUSTIFICATION: &str = "justification";

/// The standard marked `default: yes` (ISO/IEC 42001 in the stdlib) comes first in reports.
pub const STANDARD_DEFAULT: &str = "default";
pub const VERIFIED: &str = "verified";
pub const NOT_CHECKABLE: &str = "not_checkable";
/// How `aims gap` reads a catalogue: `certifiable: yes` gets a readiness figure, `no` (guidance)
/// addressed / not addressed, `regulation: yes` its obligations per system; a clause with
/// `requirement: yes` is a row even when it has subclauses; `applies_from` dates an
/// obligation; `maps` lists the counterparts a requirement's status is rolled up from.
pub const CERTIFIABLE: &str = "certifiable";
pub const REGULATION: &str = "regulation";
pub const REQUIREMENT: &str = "requirement";
pub const APPLIES_FROM: &str = "applies_from";
pub const MAPS: &str = "maps";

// Scoring (docs/scoring.md).

/// The kind whose items are scored.
pub const RISK: &str = "risk";
/// Nested blocks of a risk that hold its treatments, and their residual block.
pub const TREATMENT: &str = "treatment";
pub const RESIDUAL: &str = "residual";
/// The two fields every scored block has.
pub const LIKELIHOOD: &str = "likelihood";
pub const IMPACT: &str = "impact";
/// The reference from a risk to its system, passed to the script as `risk.system`.
pub const SYSTEM: &str = "system";
/// The enum of levels a score maps to, in increasing order.
pub const LEVELS: &str = "risk_level";
/// Computed fields written by this stage.
pub const SCORE: &str = "score";
pub const LEVEL: &str = "level";
pub const ABOVE_APPETITE: &str = "above_appetite";
/// Where the appetite is read: the `appetite` field (a level) of the `risk_criteria` item of
/// the spec, or of the stdlib's when the spec has none.
pub const CRITERIA: &str = "risk_criteria";
pub const APPETITE: &str = "appetite";
/// Where an organisation names its own script: the `scoring` field of its `organization`.
pub const ORGANIZATION: &str = "organization";
pub const SCRIPT_FIELD: &str = "scoring";
/// The script functions: `score(risk)` is required, `level(score)` is required, `tier(system)`
/// is optional.
pub const FN_SCORE: &str = "score";
pub const FN_LEVEL: &str = "level";
