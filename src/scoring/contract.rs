//! The names the scoring stage reads and writes: the contract between the schema in stdlib/
//! and this stage, documented in docs/scoring.md. They belong to the aims language (like
//! `waiver`), not to any standard: no clause or threshold is written here.

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
