//! Reports built from the Model and the rule outcome, for auditors and pipelines.
//!
//! Each report is a view (`soa`, `register`, `inventory`, `calendar`, `raci`) that turns the
//! Model into a [`table::Table`]: the only code that knows which schema fields a report shows,
//! so a schema change touches one view. [`render`] turns tables into Markdown, CSV, JSON, HTML,
//! iCalendar and the dashboard; [`ci`] turns findings into SARIF, JUnit and GitHub annotations;
//! [`gap`] is the gap analysis.

pub mod calendar;
pub mod ci;
pub mod findings;
pub mod gap;
pub mod heatmap;
pub mod inventory;
pub mod oscal;
pub mod pack;
pub mod raci;
pub mod register;
pub mod render;
pub mod soa;
pub mod table;
pub mod view;
