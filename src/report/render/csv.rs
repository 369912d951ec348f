//! CSV per RFC 4180 (the `csv` crate quotes as needed, CRLF line ends): one header row, then one
//! row per item, with the findings and the stamp as the last columns so that every row says
//! what it was computed from.

use super::super::table::{Stamp, Table};

pub fn render(table: &Table, stamp: &Stamp) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    let mut header: Vec<&str> = table.columns.iter().map(|c| c.as_str()).collect();
    header.extend(["findings", "as of", "revision"]);
    let _ = w.write_record(&header);
    let revision = stamp.revision.clone().unwrap_or_default();
    for r in &table.rows {
        let mut rec: Vec<String> = r.cells.clone();
        rec.push(super::findings_cell(r));
        rec.push(stamp.as_of.clone());
        rec.push(revision.clone());
        let _ = w.write_record(&rec);
    }
    w.into_inner().unwrap_or_default()
}
