//! Reports built from the Model and the rule outcome: the gap analysis (and, later, the
//! Statement of Applicability, the risk register, the review calendar).

pub mod gap;
