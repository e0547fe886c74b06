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

#[cfg(test)]
mod tests {
    use super::*;

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
}
