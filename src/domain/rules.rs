//! Business rules for changes: what moving a deal or a conflict implies,
//! and the shape checks every form and command applies.

use super::{ConflictStatus, DealStage};
use chrono::NaiveDate;

/// The probability after a stage move: the stage's default, unless a person
/// set it by hand on an open deal. Closing always settles it.
pub fn probability_after_move(to: DealStage, current: u8, manual: bool) -> u8 {
    if manual && !to.is_closed() {
        current
    } else {
        to.default_probability()
    }
}

/// The close date after a stage move: stamped on won or lost, cleared when reopened.
pub fn closed_on_after_move(to: DealStage, previous: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    if to.is_closed() {
        Some(previous.unwrap_or(today))
    } else {
        None
    }
}

/// The next stage forward or back along the pipeline. Lost is reached only
/// by choosing it; stepping back from lost reopens at negotiation.
pub fn step_stage(from: DealStage, forward: bool) -> DealStage {
    use DealStage::*;
    match (from, forward) {
        (Prospecting, true) => Qualified,
        (Qualified, true) => Proposal,
        (Proposal, true) => Negotiation,
        (Negotiation, true) => Won,
        (Won, true) | (Lost, true) => from,
        (Prospecting, false) => Prospecting,
        (Qualified, false) => Prospecting,
        (Proposal, false) => Qualified,
        (Negotiation, false) => Proposal,
        (Won, false) | (Lost, false) => Negotiation,
    }
}

/// Words in a product's name that make it recurring (sold for a term and renewed).
pub const RECURRING_PRODUCT_WORDS: &[&str] =
    &["platform", "subscription", "support", "licence", "license", "maintenance"];

/// The months a won deal runs for: its own `term_months`, else 12 when its
/// name says renewal or its product is recurring, else none (a one-off sale).
pub fn renewal_term(name: &str, product: Option<&str>, term_months: Option<u32>) -> Option<u32> {
    if term_months.is_some() {
        return term_months;
    }
    let name = name.to_lowercase();
    let product = product.unwrap_or("").to_lowercase();
    (name.contains("renewal") || RECURRING_PRODUCT_WORDS.iter().any(|w| product.contains(w))).then_some(12)
}

/// The renewal date of a term starting on `closed`: the same day `months` later
/// (the month's last day when it has no such day).
pub fn renewal_after(closed: NaiveDate, months: u32) -> NaiveDate {
    closed.checked_add_months(chrono::Months::new(months)).unwrap_or(closed)
}

/// Whether a conflict move needs a resolution text.
pub fn needs_resolution(to: ConflictStatus) -> bool {
    to == ConflictStatus::Resolved
}

/// A plausible e-mail address: one `@`, something before it, a dot after it, no spaces.
pub fn check_email(s: &str) -> Result<(), String> {
    let s = s.trim();
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("'{}' is not an e-mail address; expected name@example.com", super::limits::preview(s)))
    }
}

/// A phone number: digits with the usual punctuation, at least five digits.
pub fn check_phone(s: &str) -> Result<(), String> {
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    let ok = s.chars().all(|c| c.is_ascii_digit() || " +-().x/".contains(c));
    if ok && digits >= 5 {
        Ok(())
    } else {
        Err(format!("'{}' is not a phone number; expected digits such as +1 555 010 2030", super::limits::preview(s)))
    }
}

/// A required text field.
pub fn check_required(label: &str, s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        Err(format!("{label} is required"))
    } else {
        Ok(())
    }
}

/// Which rule a refused change broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Another live record has the same name where names identify records.
    Duplicate,
    /// A record would end up above itself: its own parent or manager.
    Cycle,
    /// A follow-up due before today.
    Past,
}

/// A change refused by a business rule: the field it concerns (as the
/// command line names it) and why. The store returns it inside an
/// `anyhow::Error`; the command line and the cockpit each say it their way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub rule: Rule,
    pub message: String,
}

impl Refusal {
    pub fn new(field: &'static str, rule: Rule, message: impl Into<String>) -> Refusal {
        Refusal { field, rule, message: message.into() }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

/// Two names people would take for the same: case and spacing aside.
/// The key `same_name` compares: lower case, words joined by one space.
pub fn name_key(s: &str) -> String {
    // One allocation: an import keys every row's name.
    let mut key = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

pub fn same_name(a: &str, b: &str) -> bool {
    let mut a = a.split_whitespace().flat_map(|w| w.chars().flat_map(char::to_lowercase).chain([' ']));
    let mut b = b.split_whitespace().flat_map(|w| w.chars().flat_map(char::to_lowercase).chain([' ']));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (x, y) if x != y => return false,
            _ => {}
        }
    }
}

/// "an account named "Acme" exists already (#1)".
pub fn duplicate(field: &'static str, what: &str, name: &str, id: i64) -> Refusal {
    Refusal::new(
        field,
        Rule::Duplicate,
        format!("{what} named \"{}\" exists already (#{id})", super::sanitize::line(name.trim())),
    )
}

/// Whether walking up from `start` (a parent, a manager) reaches `target`.
/// `up` gives the next step; a loop already in the data ends the walk.
pub fn reaches<E>(start: i64, target: i64, mut up: impl FnMut(i64) -> Result<Option<i64>, E>) -> Result<bool, E> {
    let mut seen = std::collections::HashSet::new();
    let mut at = Some(start);
    while let Some(id) = at {
        if id == target {
            return Ok(true);
        }
        if !seen.insert(id) {
            return Ok(false);
        }
        at = up(id)?;
    }
    Ok(false)
}

/// A follow-up is what to do next: due today or later.
pub fn check_due(due: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if due < today {
        Err(format!("{due} is in the past; expected today or a later day"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_the_case_and_spacing() {
        assert!(same_name("Acme  Logistics", " acme logistics"));
        assert!(same_name("ÉCOLE Nord", "école nord"));
        assert!(!same_name("Acme Logistics", "Acme Logistik"));
        assert!(!same_name("Acme", "Acme Logistics"));
        // The import's name index keys by `name_key`: equal keys, same name.
        for (a, b) in [("Acme  Logistics", " acme logistics"), ("ΟΔΟΣ Σ", "οδοσ σ"), ("Acme", "Acme Logistics")]
        {
            assert_eq!(name_key(a) == name_key(b), same_name(a, b), "{a} / {b}");
        }
        assert!(!same_name("AcmeLogistics", "Acme Logistics"));
    }

    #[test]
    fn chains_are_walked_up_and_old_loops_end_the_walk() {
        // 1 under 2 under 3; 9 and 8 point at each other.
        let up = |id: i64| -> Result<Option<i64>, ()> {
            Ok(match id {
                1 => Some(2),
                2 => Some(3),
                9 => Some(8),
                8 => Some(9),
                _ => None,
            })
        };
        assert_eq!(reaches(1, 3, up), Ok(true));
        assert_eq!(reaches(3, 1, up), Ok(false));
        assert_eq!(reaches(9, 5, up), Ok(false));
        assert_eq!(reaches(4, 4, up), Ok(true));
    }

    #[test]
    fn a_follow_up_is_due_today_or_later() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert!(check_due(today, today).is_ok());
        assert!(check_due(today.succ_opt().unwrap(), today).is_ok());
        assert_eq!(
            check_due(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), today).unwrap_err(),
            "2026-11-24 is in the past; expected today or a later day"
        );
    }

    #[test]
    fn stage_moves_follow_the_pipeline_and_keep_manual_probabilities() {
        assert_eq!(probability_after_move(DealStage::Proposal, 10, false), 50);
        assert_eq!(probability_after_move(DealStage::Proposal, 35, true), 35);
        assert_eq!(probability_after_move(DealStage::Won, 35, true), 100);
        assert_eq!(probability_after_move(DealStage::Lost, 35, true), 0);
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(closed_on_after_move(DealStage::Won, None, today), Some(today));
        assert_eq!(closed_on_after_move(DealStage::Negotiation, Some(today), today), None);
        assert_eq!(step_stage(DealStage::Negotiation, true), DealStage::Won);
        assert_eq!(step_stage(DealStage::Won, true), DealStage::Won);
        assert_eq!(step_stage(DealStage::Lost, false), DealStage::Negotiation);
        assert_eq!(step_stage(DealStage::Prospecting, false), DealStage::Prospecting);
    }

    #[test]
    fn shapes_are_checked_with_a_reason() {
        assert!(check_email("jane.roe@acme.example").is_ok());
        for bad in ["jane", "jane@", "@acme.com", "jane@acme", "ja ne@acme.com", "a@b@c.com", "jane@acme."] {
            assert!(check_email(bad).unwrap_err().contains("not an e-mail"), "{bad}");
        }
        assert!(check_phone("+1 (555) 010-2030").is_ok());
        assert!(check_phone("call me").is_err());
        assert!(check_phone("12").is_err());
        assert_eq!(check_required("Name", "  ").unwrap_err(), "Name is required");
    }

    #[test]
    fn renewal_terms_default_for_renewals_and_recurring_products() {
        assert_eq!(renewal_term("Acme renewal 2027", None, None), Some(12));
        assert_eq!(renewal_term("Upsell", Some("Business platform"), None), Some(12));
        assert_eq!(renewal_term("Upsell", Some("Premium support"), None), Some(12));
        assert_eq!(renewal_term("Workshop", Some("Training package"), None), None);
        assert_eq!(renewal_term("Workshop", Some("Training package"), Some(6)), Some(6));
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(renewal_after(d(2026, 11, 26), 12), d(2027, 11, 26));
        assert_eq!(renewal_after(d(2026, 1, 31), 1), d(2026, 2, 28));
    }
}
