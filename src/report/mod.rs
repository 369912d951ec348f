//! Reports built from the Model and the rule outcome: the gap analysis, and the findings in
//! the formats CI platforms read ([`ci`]).

pub mod ci;
pub mod gap;
