//! The auditor's dashboard (`aims report all --format html`): one self-contained page with the
//! risk heat map of the organisation's own matrix (inherent next to residual), readiness per
//! framework and per clause as bars, the calendar as a timeline, every report as a table, and
//! every finding, linked to the rows it affects. Inline SVG and CSS; no script, no fetch.

use super::super::calendar::Event;
use super::super::gap::GapReport;
use super::super::heatmap::HeatMap;
use super::super::table::{FindingRef, Stamp, Table};
use super::{anchor, esc, html};
use std::fmt::Write as _;

pub struct Dashboard<'a> {
    pub organisation: String,
    pub stamp: &'a Stamp,
    pub until: jiff::civil::Date,
    pub tables: &'a [Table],
    pub findings: &'a [FindingRef],
    pub events: &'a [Event],
    pub heatmap: Option<HeatMap>,
    pub gap: Option<GapReport>,
}

/// Green for the lowest level to red for the highest, whatever the number of levels.
fn level_colour(i: usize, n: usize) -> &'static str {
    const PALETTE: [&str; 5] = ["#4caf50", "#cddc39", "#ffc107", "#ff7043", "#d32f2f"];
    if n <= 1 {
        return PALETTE[0];
    }
    PALETTE[(i * (PALETTE.len() - 1) + (n - 1) / 2) / (n - 1)]
}

fn matrix(out: &mut String, h: &HeatMap, title: &str, counts: &[Vec<Vec<String>>]) {
    let cell = 46;
    let (left, top) = (96, 28);
    let width = left + cell * h.likelihoods.len() + 10;
    let height = top + cell * h.impacts.len() + 64;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"{t}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">\
         <text x=\"{left}\" y=\"16\" font-weight=\"bold\" font-size=\"13\">{t}</text>",
        t = esc(title)
    );
    for (row, ii) in (0..h.impacts.len()).rev().enumerate() {
        let y = top + row * cell;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 6,
            y + cell / 2 + 4,
            esc(&h.impacts[ii])
        );
        for (li, likelihood) in h.likelihoods.iter().enumerate() {
            let x = left + li * cell;
            let fill = h.level[ii][li].map_or("#eeeeee", |l| level_colour(l, h.levels.len()));
            let names = &counts[ii][li];
            let level = h.level[ii][li].map_or("", |l| h.levels[l].as_str());
            let tip = format!(
                "{} x {}: {level}; {}",
                likelihood,
                h.impacts[ii],
                if names.is_empty() { "no risks".into() } else { names.join(", ") }
            );
            let _ = write!(
                out,
                "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{w}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"2\"/>",
                esc(&tip),
                w = cell
            );
            if !names.is_empty() {
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{}</text>",
                    x + cell / 2,
                    y + cell / 2 + 6,
                    names.len()
                );
            }
            out.push_str("</g>");
        }
    }
    let base = top + cell * h.impacts.len();
    for (li, l) in h.likelihoods.iter().enumerate() {
        let x = left + li * cell + cell / 2;
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"end\" transform=\"rotate(-35 {x} {})\">{}</text>",
            base + 14,
            base + 14,
            esc(l)
        );
    }
    let _ = write!(out, "<text x=\"{}\" y=\"{}\" fill=\"#5b6478\">likelihood →</text></svg>", left, height - 4);
}

fn legend(out: &mut String, h: &HeatMap) {
    out.push_str("<p>");
    for (i, l) in h.levels.iter().enumerate() {
        let _ = write!(
            out,
            "<svg width=\"12\" height=\"12\" xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"12\" height=\"12\" fill=\"{}\"/></svg> {} &nbsp; ",
            level_colour(i, h.levels.len()),
            esc(l)
        );
    }
    if let Some(a) = &h.appetite {
        let _ = write!(out, "— appetite: residual risk up to <b>{}</b>", esc(a));
    }
    out.push_str("</p>\n");
}

fn bars(out: &mut String, rows: &[(String, u32, String)]) {
    let (label_w, bar_w, row_h) = (330, 320, 22);
    let height = rows.len() * row_h + 6;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"readiness\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">",
        w = label_w + bar_w + 60
    );
    for (i, (label, pct, tip)) in rows.iter().enumerate() {
        let y = i * row_h + 4;
        let filled = bar_w * (*pct).min(100) as usize / 100;
        let colour = if *pct >= 80 {
            "#4caf50"
        } else if *pct >= 50 {
            "#ffc107"
        } else {
            "#ff7043"
        };
        let _ = write!(
            out,
            "<g><title>{}</title><text x=\"0\" y=\"{}\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"14\" fill=\"#eef1f6\"/>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{filled}\" height=\"14\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\">{pct}%</text></g>",
            esc(tip),
            y + 12,
            esc(&clip(label, 48)),
            label_w + bar_w + 6,
            y + 12
        );
    }
    out.push_str("</svg>\n");
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn timeline(out: &mut String, events: &[Event], from: jiff::civil::Date, until: jiff::civil::Date) {
    let mut kinds: Vec<&str> = events.iter().map(|e| e.what).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let (left, width, row_h, overdue_w) = (190, 640, 20, 70);
    let height = kinds.len() * row_h + 40;
    let days = (until - from).get_days().max(1) as f64;
    let x_of = |d: jiff::civil::Date| -> f64 {
        if d < from {
            (left + overdue_w / 2) as f64
        } else {
            (left + overdue_w) as f64 + ((d - from).get_days() as f64 / days) * (width - overdue_w) as f64
        }
    };
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"calendar timeline\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">\
         <rect x=\"{left}\" y=\"0\" width=\"{overdue_w}\" height=\"{h2}\" fill=\"#fdecea\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#b3261e\">overdue</text>",
        left + overdue_w / 2,
        height - 8,
        w = left + width + 20,
        h2 = kinds.len() * row_h + 4
    );
    // Month ticks.
    let mut m = from.first_of_month();
    while m <= until {
        if m >= from {
            let x = x_of(m);
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#dde3ee\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#5b6478\">{}</text>",
                kinds.len() * row_h + 4,
                height - 8,
                m.strftime("%b %y")
            );
        }
        m = match m.checked_add(jiff::Span::new().months(1)) {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    for (i, k) in kinds.iter().enumerate() {
        let y = i * row_h + row_h / 2 + 2;
        let _ = write!(out, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 6, y + 4, esc(k));
        for e in events.iter().filter(|e| e.what == *k) {
            let colour = if e.overdue { "#d32f2f" } else { "#3a6ee8" };
            let _ = write!(
                out,
                "<a href=\"#{}\"><circle cx=\"{:.1}\" cy=\"{y}\" r=\"5\" fill=\"{colour}\" fill-opacity=\"0.8\"><title>{}</title></circle></a>",
                esc(&anchor("calendar", &format!("{}-{}", e.uid, e.date))),
                x_of(e.date),
                esc(&format!("{} {}: {} {}", e.date, if e.overdue { "(overdue)" } else { "" }, e.what, e.item))
            );
        }
    }
    out.push_str("</svg>\n");
}

pub fn render(d: &Dashboard) -> Vec<u8> {
    let mut out = String::new();
    let title = if d.organisation.is_empty() { "AI management system".to_string() } else { d.organisation.clone() };
    html::head(&mut out, &format!("{title}: auditor's pack"), d.stamp);
    let errors = d.findings.iter().filter(|f| f.severity == "error").count();
    let warnings = d.findings.iter().filter(|f| f.severity == "warning").count();
    let _ = writeln!(
        out,
        "<p><b>{errors}</b> errors and <b>{warnings}</b> warnings from <code>aims check</code>.</p>\n<nav><a href=\"#risk\">heat map</a><a href=\"#readiness\">readiness</a><a href=\"#timeline\">timeline</a>{}<a href=\"#findings\">findings</a></nav>",
        d.tables.iter().map(|t| format!("<a href=\"#{}\">{}</a>", t.kind, esc(&t.title))).collect::<String>()
    );
    out.push_str("<h2 id=\"risk\">Risk heat map</h2>\n");
    match &d.heatmap {
        Some(h) => {
            out.push_str("<div class=\"cards\"><div class=\"card\">");
            matrix(&mut out, h, "inherent (before treatment)", &h.inherent);
            out.push_str("</div><div class=\"card\">");
            matrix(&mut out, h, "residual (after treatment)", &h.residual);
            out.push_str("</div></div>\n");
            legend(&mut out, h);
        }
        None => out.push_str("<p>No scores: the spec or its scoring script has errors.</p>\n"),
    }
    out.push_str("<h2 id=\"readiness\">Readiness</h2>\n");
    match &d.gap {
        Some(g) => {
            // Only catalogues one can be certified against have a readiness figure; guidance
            // and regulations are read with `aims gap`.
            let frameworks: Vec<(String, u32, String)> = g
                .standards
                .iter()
                .filter_map(|s| {
                    let r = s.readiness?;
                    Some((s.title.clone(), r, format!("{} of {} checkable requirements met", s.met, s.checkable)))
                })
                .collect();
            out.push_str("<h3>per framework</h3>\n");
            bars(&mut out, &frameworks);
            for s in g.standards.iter().filter(|s| s.readiness.is_some()) {
                let groups: Vec<(String, u32, String)> = s
                    .groups
                    .iter()
                    .map(|grp| {
                        let met = grp.requirements.iter().filter(|r| r.status.label() == "met").count();
                        let counted = grp.requirements.iter().filter(|r| r.status.counts()).count();
                        let readiness = grp.readiness.unwrap_or_default();
                        (format!("{} {}", grp.reference, grp.title), readiness, format!("{met} of {counted} met"))
                    })
                    .collect();
                let _ = writeln!(out, "<h3>per clause: {}</h3>", esc(&s.title));
                bars(&mut out, &groups);
            }
        }
        None => out.push_str("<p>No readiness: the rules run once the spec's errors are fixed.</p>\n"),
    }
    let _ = writeln!(out, "<h2 id=\"timeline\">Calendar, {} to {}</h2>", d.stamp.as_of, d.until);
    let from: jiff::civil::Date = d.stamp.as_of.parse().unwrap_or_default();
    if d.events.is_empty() {
        out.push_str("<p>Nothing falls due in this period.</p>\n");
    } else {
        timeline(&mut out, d.events, from, d.until);
    }
    for t in d.tables {
        html::table(&mut out, t);
    }
    findings(&mut out, d.findings, d.tables);
    out.push_str("</body>\n</html>\n");
    out.into_bytes()
}

/// Every finding, with links to the rows it affects.
pub fn findings(out: &mut String, all: &[FindingRef], tables: &[Table]) {
    let mut rows_of: Vec<Vec<(String, String)>> = vec![Vec::new(); all.len()];
    for t in tables {
        for r in &t.rows {
            for f in &r.findings {
                if let Some(list) = rows_of.get_mut(f.index) {
                    list.push((anchor(t.kind, &r.id), format!("{} {}", t.kind, r.id)));
                }
            }
        }
    }
    let _ = writeln!(out, "<h2 id=\"findings\">Findings ({})</h2>", all.len());
    if all.is_empty() {
        out.push_str("<p>No findings.</p>\n");
        return;
    }
    out.push_str("<ol class=\"findings\" start=\"0\">\n");
    for f in all {
        let _ = write!(
            out,
            "<li id=\"finding-{}\"><span class=\"sev-{}\">{}</span> <code>{}</code> {} <small>at {}</small>",
            f.index,
            esc(&f.severity),
            esc(&f.severity),
            esc(&f.code),
            esc(&f.message),
            esc(&f.at)
        );
        let links = &rows_of[f.index];
        if !links.is_empty() {
            out.push_str(" — affects ");
            let shown: Vec<String> =
                links.iter().map(|(a, label)| format!("<a href=\"#{}\">{}</a>", esc(a), esc(label))).collect();
            out.push_str(&shown.join(", "));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}
