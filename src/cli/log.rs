//! `rapport log ACCOUNT TEXT`: log a call, e-mail, meeting or note from the
//! shell, with its follow-up, in one undoable step.

use super::resolve;
use crate::domain::sanitize::line;
use crate::domain::{time, ActivityKind};
use crate::store::{timestamp, Activity, LogEntry, Store};
use anyhow::{anyhow, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct LogArgs {
    /// The account: its id (12 or '#12'), a contact's phone number, its exact name, or a few letters of its name
    pub account: String,
    /// What happened, in a line
    pub text: String,
    /// What kind of interaction
    #[arg(long, default_value = "call", value_name = "KIND", value_parser = ["call", "email", "meeting", "note"])]
    pub kind: String,
    /// Who it was with: a contact of the account, by id or (part of) their name
    #[arg(long, value_name = "CONTACT")]
    pub contact: Option<String>,
    /// When it happened, in UTC: 2026-11-26T14:03, '2026-11-26 14:03', 14:03, a date (noon), yesterday [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Add a follow-up due then: 2026-12-01, tomorrow, fri, +3d, +2w
    #[arg(long = "follow-up", value_name = "DATE", allow_hyphen_values = true)]
    pub follow_up: Option<String>,
    /// The full text: notes, the e-mail, the minutes
    #[arg(long, value_name = "TEXT")]
    pub body: Option<String>,
    /// Print what was logged as JSON
    #[arg(long)]
    pub json: bool,
}

const AT_EXPECTED: &str = "expected a time in UTC such as 2026-11-26T14:03, '2026-11-26 14:03' or 14:03, \
                           a date such as 2026-11-26 or yesterday (taken as 12:00), or now";

/// When an interaction happened: never in the future.
pub fn parse_at(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let text = s.trim();
    let today = now.date_naive();
    let at = if text.eq_ignore_ascii_case("now") {
        now
    } else if let Some(t) = parse_datetime(text, today) {
        t
    } else {
        let day = time::parse_date(text, today).map_err(|_| format!("'{text}' is not a time; {AT_EXPECTED}"))?;
        let noon = day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()).and_utc();
        // "today" before noon means earlier today, which is now at the latest.
        if day == today && noon > now {
            now
        } else {
            noon
        }
    };
    if at > now {
        return Err(format!(
            "{} UTC is in the future; log what has happened, and plan what comes next with --follow-up",
            at.format("%Y-%m-%d %H:%M")
        ));
    }
    Ok(at)
}

fn parse_datetime(text: &str, today: NaiveDate) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let plain = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(plain, format) {
            return Some(t.and_utc());
        }
    }
    for format in ["%H:%M", "%H:%M:%S"] {
        if let Ok(t) = NaiveTime::parse_from_str(plain, format) {
            return Some(today.and_time(t).and_utc());
        }
    }
    None
}

pub fn run(store: &Store, args: LogArgs) -> Result<ExitCode> {
    let now = store.clock().now();
    let today = now.date_naive();
    let summary = args.text.trim();
    if summary.is_empty() {
        return Err(super::hinted(anyhow!("the text of what happened is empty"), "say what happened in a line"));
    }
    let kind: ActivityKind = args.kind.parse().map_err(|e: String| anyhow!("--kind: {e}"))?;
    let at = args.at.as_deref().map(|s| parse_at(s, now)).transpose().map_err(|e| anyhow!("--at: {e}"))?;
    let follow_up = match args.follow_up.as_deref() {
        None => None,
        Some(s) => {
            let due = time::parse_date(s, today).map_err(|e| anyhow!("--follow-up: {e}"))?;
            if due < today {
                return Err(super::hinted(
                    anyhow!("--follow-up: {due} is in the past; expected today or a later day"),
                    "a follow-up is what to do next: today, tomorrow, fri, +3d, 2026-12-01",
                ));
            }
            Some(due)
        }
    };
    let (account, caller) = resolve::account_or_caller(store, &args.account)?;
    // Named by a caller's number, the call was with that caller.
    let contact = match args.contact.as_deref() {
        Some(c) => Some(resolve::contact(store, &account, c)?),
        None => caller,
    };
    let entry = LogEntry {
        account_id: account.meta.id,
        kind,
        contact_id: contact.as_ref().map(|c| c.meta.id),
        rep_id: None,
        summary: summary.to_string(),
        body: args.body.clone(),
        occurred_at: at.map(timestamp),
        follow_up,
    };
    let (act, follow) = store.log_interaction(&entry)?;
    if args.json {
        super::print_json(&serde_json::json!({ "activity": act, "follow_up": follow }))?;
    } else {
        println!(
            "{}",
            describe(&act, &account.name, contact.as_ref().map(|c| c.name.as_str()), at.is_some(), follow.as_ref())
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `logged call on Acme Logistics (#12) with Jane Roe: "…"; follow-up due 2026-11-28`.
fn describe(act: &Activity, account: &str, contact: Option<&str>, at: bool, follow: Option<&Activity>) -> String {
    let mut out = format!("logged {} on {} (#{})", act.kind.label().to_lowercase(), line(account), act.account_id);
    if let Some(c) = contact {
        out.push_str(&format!(" with {}", line(c)));
    }
    if at {
        out.push_str(&format!(" at {} UTC", act.occurred_at.replace('T', " ").get(..16).unwrap_or(&act.occurred_at)));
    }
    out.push_str(&format!(": \"{}\"", line(&act.summary)));
    if let Some(due) = follow.and_then(|f| f.due_on) {
        out.push_str(&format!("; follow-up due {due}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 14, 30, 0).unwrap()
    }

    fn at(s: &str) -> Result<String, String> {
        parse_at(s, now()).map(timestamp)
    }

    #[test]
    fn times_dates_and_now_are_read_as_utc() {
        assert_eq!(at("2026-11-26T14:03").unwrap(), "2026-11-26T14:03:00Z");
        assert_eq!(at("2026-11-26 14:03").unwrap(), "2026-11-26T14:03:00Z");
        assert_eq!(at("2026-11-25 09:15:30Z").unwrap(), "2026-11-25T09:15:30Z");
        assert_eq!(at("2026-11-26T15:03:00+02:00").unwrap(), "2026-11-26T13:03:00Z");
        assert_eq!(at("09:00").unwrap(), "2026-11-26T09:00:00Z");
        assert_eq!(at("2026-11-20").unwrap(), "2026-11-20T12:00:00Z");
        assert_eq!(at("yesterday").unwrap(), "2026-11-25T12:00:00Z");
        assert_eq!(at("today").unwrap(), "2026-11-26T12:00:00Z");
        assert_eq!(at("now").unwrap(), "2026-11-26T14:30:00Z");
    }

    #[test]
    fn today_before_noon_is_now_and_the_future_is_refused() {
        let morning = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
        assert_eq!(parse_at("today", morning).map(timestamp).unwrap(), "2026-11-26T09:00:00Z");
        for s in ["2026-11-26T14:31", "tomorrow", "2027-01-01", "fri", "23:59"] {
            let err = at(s).unwrap_err();
            assert!(err.contains("is in the future"), "{s}: {err}");
        }
        let err = at("last tuesday").unwrap_err();
        assert!(err.contains("is not a time") && err.contains("2026-11-26T14:03"), "{err}");
    }
}
