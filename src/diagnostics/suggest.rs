//! "Did you mean `owner`?": the nearest known name to a misspelt one, on a budget.
//!
//! Comparing two names costs the product of their lengths, and a spec full of typos asks for
//! a suggestion per typo among every ID it declares. Three bounds keep a run linear in its
//! input whatever it contains:
//! - a name longer than [`MAX_NAME_CHARS`] gets no suggestion (no one mistypes a name that
//!   long by one letter and needs to be told);
//! - a candidate whose length or letters differ too much to pass the similarity threshold is
//!   skipped before any comparison (this loses no suggestion: see [`could_match`] and
//!   [`could_match_letters`]);
//! - each run (one compilation, on one thread) has [`RUN_BUDGET`] units of work for all its
//!   suggestions; once they are spent, later diagnostics simply have no "did you mean".
//!
//! The budget lives on the thread, so runs in parallel (tests, an editor) do not share it and
//! the same input always spends it in the same order: same input, same suggestions.

use std::cell::Cell;

/// Longest name, in characters, that is compared at all.
pub const MAX_NAME_CHARS: usize = 64;

/// Units of work for every suggestion of one run: a candidate looked at costs its length, a
/// comparison the product of the two lengths. A spec with a few hundred typos among thousands
/// of IDs stays inside it; 50 million units are about a second on a slow machine.
pub const RUN_BUDGET: u64 = 50_000_000;

/// Similarity a candidate needs to be suggested (see [`closest`]).
const THRESHOLD: f64 = 0.8;

thread_local! {
    static LEFT: Cell<u64> = const { Cell::new(RUN_BUDGET) };
}

/// Starts a new run on this thread with the full budget.
pub fn new_run() {
    LEFT.with(|l| l.set(RUN_BUDGET));
}

/// Takes `cost` from the budget; false (and nothing taken) when not enough is left.
fn spend(cost: u64) -> bool {
    LEFT.with(|l| match l.get().checked_sub(cost) {
        Some(rest) => {
            l.set(rest);
            true
        }
        None => {
            l.set(0);
            false
        }
    })
}

/// "did you mean `owner`?" for a near-miss name, if one candidate is close enough.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate nearest to `wrong`, if one is close enough (and the budget allows looking).
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let wrong_len = wrong_lower.chars().count();
    if wrong_len > MAX_NAME_CHARS {
        return None;
    }
    let wrong_bag = Bag::of(&wrong_lower);
    let mut best: Option<(f64, &str)> = None;
    let mut lower = String::new();
    for c in candidates {
        // Looking at a candidate costs its length (bounded: a longer one cannot match).
        if !spend(c.len().min(4 * MAX_NAME_CHARS) as u64 + 1) {
            break;
        }
        if c.len() > 4 * MAX_NAME_CHARS {
            continue;
        }
        lower.clear();
        lower.extend(c.chars().flat_map(char::to_lowercase));
        let len = lower.chars().count();
        if !could_match(wrong_len, len) || !could_match_letters(&wrong_bag, &lower, wrong_len.max(len)) {
            continue;
        }
        if !spend((wrong_len * len) as u64) {
            break;
        }
        // Jaro-Winkler favours a shared prefix (`likelihod`), edit distance favours the whole
        // (`A.6.2.9` is nearer `A.6.2.8` than `A.6.2`); their mean weighs both.
        let score = if lower == wrong_lower {
            1.0
        } else {
            (strsim::jaro_winkler(&wrong_lower, &lower) + strsim::normalized_damerau_levenshtein(&wrong_lower, &lower))
                / 2.0
        };
        let better = match best {
            None => true,
            Some((s, b)) => score > s || (score == s && c < b),
        };
        if score >= THRESHOLD && better {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The candidate whose title holds every word of `wrong` (`data_quality` finds "Quality of data
/// for AI systems"), words compared loosely (`verif` finds "verification"); the shortest such
/// title wins, then the first candidate. Candidates are `(id, title)`; on the same budget as
/// [`closest`].
pub fn closest_by_title<'a>(wrong: &str, candidates: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<&'a str> {
    if wrong.chars().count() > MAX_NAME_CHARS {
        return None;
    }
    let words: Vec<String> = words_of(wrong).filter(|w| w.chars().count() >= 3).collect();
    if words.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for (id, title) in candidates {
        let title_words: Vec<String> = words_of(title).collect();
        // Comparing costs each word of the name against each word of the title.
        let cost: usize = words.iter().map(|w| w.len()).sum::<usize>() * title.len().min(4 * MAX_NAME_CHARS);
        if !spend(cost as u64 + 1) {
            break;
        }
        let all = words.iter().all(|w| title_words.iter().any(|t| word_matches(w, t)));
        if all && best.is_none_or(|(n, _)| title_words.len() < n) {
            best = Some((title_words.len(), id));
        }
    }
    best.map(|(_, id)| id)
}

fn words_of(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// One word of a name against one word of a title: the same word, a prefix of four letters or
/// more (`verif`), or a near-miss spelling.
fn word_matches(w: &str, t: &str) -> bool {
    w == t
        || (w.len() >= 4 && t.starts_with(w))
        || (t.len() >= 4 && w.starts_with(t))
        || strsim::jaro_winkler(w, t) >= 0.92
}

/// The candidates numbered like `wrong` but for its last part (`A.7.2` ... `A.7.6` for
/// `A.7.9`), in the order given: where a mistyped number most likely belongs.
pub fn siblings<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let Some((parent, _)) = wrong.rsplit_once('.') else { return Vec::new() };
    if wrong.len() > MAX_NAME_CHARS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in candidates {
        if !spend(c.len().min(4 * MAX_NAME_CHARS) as u64 + 1) {
            break;
        }
        if c.len() > parent.len()
            && c.as_bytes()[parent.len()] == b'.'
            && c[..parent.len()].eq_ignore_ascii_case(parent)
            && !c[parent.len() + 1..].contains('.')
        {
            out.push(c);
        }
    }
    out
}

/// The candidates a mistyped ID most likely meant, as indexes into `candidates` (`(id, title)`):
/// those numbered like it (`A.7.2` ... `A.7.6` for `A.7.9`), else the nearest spelling of an
/// ID, else the one whose title holds its words (`data_quality`); empty when none is near.
pub fn nearest(wrong: &str, candidates: &[(&str, Option<&str>)]) -> Vec<usize> {
    let index_of = |id: &str| candidates.iter().position(|(c, _)| *c == id);
    let near = siblings(wrong, candidates.iter().map(|(id, _)| *id));
    if !near.is_empty() {
        return near.into_iter().filter_map(index_of).collect();
    }
    let found = closest(wrong, candidates.iter().map(|(id, _)| *id))
        .or_else(|| closest_by_title(wrong, candidates.iter().filter_map(|(id, title)| Some((*id, (*title)?)))));
    found.and_then(index_of).into_iter().collect()
}

/// Whether names of these lengths (in characters) can reach the threshold. The score is the
/// mean of Jaro-Winkler (at most 1) and `1 - distance / longer`, and the edit distance is at
/// least the difference in length, so a pair needs `difference <= 2 * (1 - THRESHOLD) * longer`.
fn could_match(a: usize, b: usize) -> bool {
    let longer = a.max(b) as f64;
    (a.abs_diff(b) as f64) <= 2.0 * (1.0 - THRESHOLD) * longer + 1e-9
}

/// Most names a help line lists ("allowed values: ..."); a longer list is cut, saying how many
/// were left out, so that a schema with thousands of values does not print them all per error.
pub const MAX_LISTED: usize = 64;

/// "`a`, `b` or `c`" (with `last` = " or ") or "`a`, `b`, `c`" (with `last` = ", "), at most
/// [`MAX_LISTED`] names; built lazily from an iterator, so a long list costs only what is shown.
pub fn listing<'a>(names: impl IntoIterator<Item = &'a str>, last: &str) -> String {
    let mut shown: Vec<&str> = Vec::new();
    let mut more = 0usize;
    for n in names {
        if shown.len() < MAX_LISTED {
            shown.push(n);
        } else {
            more += 1;
        }
    }
    let quoted: Vec<String> = shown.iter().map(|n| format!("`{n}`")).collect();
    match (quoted.as_slice(), more) {
        ([], _) => String::new(),
        (all, 0) if all.len() == 1 => all[0].clone(),
        (all, 0) => format!("{}{last}{}", all[..all.len() - 1].join(", "), all[all.len() - 1]),
        (all, more) => format!("{}, and {more} more", all.join(", ")),
    }
}

/// How many times each ASCII byte occurs in a name; `None` for a name that is not ASCII.
struct Bag(Option<[u8; 128]>);

impl Bag {
    fn of(name: &str) -> Bag {
        if !name.is_ascii() || name.len() > MAX_NAME_CHARS {
            return Bag(None);
        }
        let mut counts = [0u8; 128];
        name.bytes().for_each(|b| counts[b as usize] += 1);
        Bag(Some(counts))
    }
}

/// Whether two names have letters close enough to reach the threshold: one edit changes the
/// letter counts by at most 2 in total, so the edit distance is at least half their difference,
/// and it must be at most `2 * (1 - THRESHOLD) * longer` (see [`could_match`]).
fn could_match_letters(wrong: &Bag, candidate: &str, longer: usize) -> bool {
    let (Some(counts), Bag(Some(other))) = (&wrong.0, Bag::of(candidate)) else { return true };
    let difference: usize = counts.iter().zip(other.iter()).map(|(a, b)| a.abs_diff(*b) as usize).sum();
    (difference as f64) / 2.0 <= 2.0 * (1.0 - THRESHOLD) * longer as f64 + 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut() {
        assert_eq!(listing(["a", "b", "c"], " or "), "`a`, `b` or `c`");
        assert_eq!(listing(["a", "b"], ", "), "`a`, `b`");
        let many: Vec<String> = (0..1000).map(|i| format!("v{i}")).collect();
        let l = listing(many.iter().map(|s| s.as_str()), " or ");
        assert!(l.ends_with("`v63`, and 936 more"), "{l}");
    }

    #[test]
    fn near_misses() {
        new_run();
        assert_eq!(closest("prya", ["priya", "pedro"]), Some("priya"));
        assert_eq!(closest("likelihod", ["likelihood", "impact"]), Some("likelihood"));
        assert_eq!(closest("sytem", ["system", "stakeholder"]), Some("system"));
        assert_eq!(closest("A.6.2.9", ["A.6.2", "A.6.2.8", "A.6.1"]), Some("A.6.2.8"));
        assert_eq!(closest("banana", ["system", "risk"]), None);
        assert_eq!(closest("ownr", ["owner"]), Some("owner"));
    }

    #[test]
    fn by_title_and_by_number() {
        new_run();
        let cat = [
            ("A.7.3", "Acquisition of data"),
            ("A.7.4", "Quality of data for AI systems"),
            ("A.6.2.4", "AI system verification and validation"),
        ];
        assert_eq!(closest_by_title("data_quality", cat), Some("A.7.4"));
        assert_eq!(closest_by_title("data-qualty", cat), Some("A.7.4"));
        assert_eq!(closest_by_title("verif", cat), Some("A.6.2.4"));
        assert_eq!(closest_by_title("banana", cat), None);
        assert_eq!(closest_by_title("ai", cat), None);
        assert_eq!(siblings("A.7.9", ["A.7.3", "A.7.4", "A.6.2.4", "A.7"]), vec!["A.7.3", "A.7.4"]);
        assert!(siblings("owner", ["A.7.3"]).is_empty());
    }

    #[test]
    fn long_names_and_a_spent_budget_give_no_suggestion_quickly() {
        new_run();
        let long = "a".repeat(100_000);
        let longer = format!("{long}b");
        assert_eq!(closest(&long, [longer.as_str()]), None);
        assert_eq!(closest("ownr", [longer.as_str(), "owner"]), Some("owner"));
        LEFT.with(|l| l.set(10));
        assert_eq!(closest("ownr", ["owner"]), None);
        new_run();
        assert_eq!(closest("ownr", ["owner"]), Some("owner"));
    }

    #[test]
    fn the_length_filter_loses_nothing_the_threshold_would_keep() {
        for a in 1..=MAX_NAME_CHARS {
            for b in 1..=MAX_NAME_CHARS {
                if !could_match(a, b) {
                    // The best this pair could score: a perfect Jaro-Winkler and the smallest distance.
                    let ndl = 1.0 - a.abs_diff(b) as f64 / a.max(b) as f64;
                    assert!((1.0 + ndl) / 2.0 < THRESHOLD, "{a} {b}");
                }
            }
        }
    }
}
