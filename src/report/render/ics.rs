//! The calendar as an RFC 5545 iCalendar file a team can subscribe to: one all-day `VEVENT` per
//! date that falls due, a stable `UID` (what, item and field), `RRULE` from the declared
//! interval, `DTSTAMP` from `--as-of` (so the same input gives the same bytes), TEXT escaping,
//! lines folded at 75 octets, CRLF line ends.

use super::super::calendar::Event;
use super::super::table::Stamp;
use crate::syntax::ast::DurationUnit;

/// Lines longer than this many octets are folded (RFC 5545 3.1).
const FOLD: usize = 75;

/// TEXT escaping (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace(['\n', '\r'], "\\n")
}

/// Writes one content line, folded at 75 octets without splitting a character.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > FOLD {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn compact(d: jiff::civil::Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

pub fn render(events: &[Event], stamp: &Stamp, calendar_name: &str) -> Vec<u8> {
    let as_of: jiff::civil::Date = stamp.as_of.parse().unwrap_or_default();
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//aims//aims report calendar//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(calendar_name)));
    // A recurring event is written once, at its first date; its RRULE gives the rest.
    let mut seen = std::collections::BTreeSet::new();
    for e in events {
        if !seen.insert(e.uid.clone()) {
            continue;
        }
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}@aims", text(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}T000000Z", compact(as_of)));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{}", compact(e.date)));
        if let Some(every) = e.every {
            let freq = match every.unit {
                DurationUnit::Day => "DAILY",
                DurationUnit::Week => "WEEKLY",
                DurationUnit::Month => "MONTHLY",
                DurationUnit::Year => "YEARLY",
            };
            line(&mut out, &format!("RRULE:FREQ={freq};INTERVAL={}", every.n));
        }
        let overdue = if e.overdue { "overdue: " } else { "" };
        let title = if e.title.is_empty() { e.item.clone() } else { format!("{} ({})", e.title, e.item) };
        line(&mut out, &format!("SUMMARY:{}", text(&format!("{overdue}{}: {title}", e.what))));
        let mut desc = format!("{} {} falls due", e.what, e.item);
        if !e.owner.is_empty() {
            desc.push_str(&format!("; owner {}", e.owner));
        }
        desc.push_str(&format!("; declared at {}", e.source));
        line(&mut out, &format!("DESCRIPTION:{}", text(&desc)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn folding_and_escaping() {
        let mut out = String::new();
        super::line(&mut out, &format!("SUMMARY:{}", "é".repeat(50)));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("SUMMARY:{}\r\n", "é".repeat(50)));
        assert_eq!(super::text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
