//! `rapport log ACCOUNT TEXT`: log a call, e-mail, meeting or note from the
//! shell, with its follow-up, in one undoable step.

use super::resolve;
use crate::domain::sanitize::line;
use crate::domain::time::Zone;
use crate::domain::{limits, time, ActivityKind};
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
    /// When it happened, in your time zone: 2026-11-26T14:03, '2026-11-26 14:03', 14:03, a date (noon), yesterday [default: now]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Add a follow-up due then: 2026-12-01, tomorrow, fri, next week, +3d, in 2 weeks, eom, eoq
    #[arg(long = "follow-up", value_name = "DATE", allow_hyphen_values = true)]
    pub follow_up: Option<String>,
    /// What the follow-up says [default: "Follow up: TEXT"]
    #[arg(long = "follow-up-text", value_name = "TEXT", requires = "follow_up")]
    pub follow_up_text: Option<String>,
    /// The full text: notes, the e-mail, the minutes
    #[arg(long, value_name = "TEXT")]
    pub body: Option<String>,
    /// Print what was logged as JSON
    #[arg(long)]
    pub json: bool,
}

const AT_EXPECTED: &str = "expected a local time such as 2026-11-26T14:03, '2026-11-26 14:03' or 14:03, \
                           a date such as 2026-11-26 or yesterday (taken as 12:00), or now";

/// When an interaction happened: never in the future. Times and dates are
/// wall-clock times in `zone`; an RFC 3339 time with an offset means just that.
pub fn parse_at(s: &str, now: DateTime<Utc>, zone: Zone) -> Result<DateTime<Utc>, String> {
    let text = s.trim();
    let today = time::today_in(now, zone);
    let at = if text.eq_ignore_ascii_case("now") {
        now
    } else if let Some(t) = parse_datetime(text, today, zone)? {
        t
    } else {
        let day = time::parse_date(text, today)
            .map_err(|_| format!("'{}' is not a time; {AT_EXPECTED}", limits::preview(text)))?;
        let noon = time::from_local(day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()), zone)?;
        // "today" before noon means earlier today, which is now at the latest.
        if day == today && noon > now {
            now
        } else {
            noon
        }
    };
    if at > now {
        return Err(format!(
            "{} is in the future; log what has happened, and plan what comes next with --follow-up",
            time::local_stamp(&timestamp(at), zone)
        ));
    }
    Ok(at)
}

/// A time written out; `Ok(None)` when the text is not one (it may be a date).
fn parse_datetime(text: &str, today: NaiveDate, zone: Zone) -> Result<Option<DateTime<Utc>>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    // A trailing Z names UTC outright, whatever the user's zone.
    let (plain, zone) = match text.strip_suffix(['Z', 'z']) {
        Some(plain) => (plain, chrono_tz::UTC),
        None => (text, zone),
    };
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(plain, format) {
            return time::from_local(t, zone).map(Some);
        }
    }
    for format in ["%H:%M", "%H:%M:%S"] {
        if let Ok(t) = NaiveTime::parse_from_str(plain, format) {
            return time::from_local(today.and_time(t), zone).map(Some);
        }
    }
    Ok(None)
}

pub fn run(store: &Store, args: LogArgs) -> Result<ExitCode> {
    let now = store.clock().now();
    let today = store.clock().today();
    let zone = store.clock().zone();
    let summary = args.text.trim();
    if summary.is_empty() {
        return Err(super::hinted(anyhow!("the text of what happened is empty"), "say what happened in a line"));
    }
    limits::check("the text of what happened", summary, limits::LINE_MAX).map_err(|e| {
        super::hinted(anyhow!(e), "say what happened in a line, and put the rest in --body (up to 65,536 characters)")
    })?;
    if let Some(body) = &args.body {
        limits::check("--body", body.trim(), limits::TEXT_MAX)
            .map_err(|e| super::hinted(anyhow!(e), "keep the longest notes in a document and log where it is"))?;
    }
    if let Some(text) = &args.follow_up_text {
        if text.trim().is_empty() {
            return Err(super::hinted(
                anyhow!("--follow-up-text is empty"),
                "say in a line what is to be done, or leave the option out for \"Follow up: <text>\"",
            ));
        }
        limits::check("--follow-up-text", text.trim(), limits::LINE_MAX)
            .map_err(|e| super::hinted(anyhow!(e), "say in a line what is to be done"))?;
    }
    let kind: ActivityKind = args.kind.parse().map_err(|e: String| anyhow!("--kind: {e}"))?;
    let at = args.at.as_deref().map(|s| parse_at(s, now, zone)).transpose().map_err(|e| anyhow!("--at: {e}"))?;
    let follow_up = match args.follow_up.as_deref() {
        None => None,
        Some(s) => {
            // Whether it is in the past is the store's rule.
            Some(time::parse_date_in(s, today, store.fiscal_calendar()?).map_err(|e| anyhow!("--follow-up: {e}"))?)
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
        follow_up_text: args.follow_up_text.as_deref().map(|t| t.trim().to_string()),
    };
    let (act, follow) = store.log_interaction(&entry).map_err(super::fields::refusal)?;
    if args.json {
        super::print_json(&serde_json::json!({ "activity": act, "follow_up": follow }))?;
    } else {
        super::out::say(&describe(
            &act,
            &account.name,
            contact.as_ref().map(|c| c.name.as_str()),
            at.is_some().then_some(zone),
            follow.as_ref(),
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `logged call on Acme Logistics (#12) with Jane Roe: "…"; follow-up due 2026-11-28`.
/// `at` is the zone to show the time in, when one was given.
fn describe(
    act: &Activity,
    account: &str,
    contact: Option<&str>,
    at: Option<Zone>,
    follow: Option<&Activity>,
) -> String {
    let mut out = format!("logged {} on {} (#{})", act.kind.label().to_lowercase(), line(account), act.account_id);
    if let Some(c) = contact {
        out.push_str(&format!(" with {}", line(c)));
    }
    if let Some(zone) = at {
        out.push_str(&format!(" at {}", time::local_stamp(&act.occurred_at, zone)));
    }
    out.push_str(&format!(": \"{}\"", line(&act.summary)));
    if let Some((due, f)) = follow.and_then(|f| f.due_on.map(|d| (d, f))) {
        out.push_str(&format!("; follow-up due {due}"));
        // Its own words, when they are not the usual ones.
        if f.summary != crate::store::default_follow_up_text(&act.summary) {
            out.push_str(&format!(": \"{}\"", line(&f.summary)));
        }
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
        parse_at(s, now(), chrono_tz::UTC).map(timestamp)
    }

    #[test]
    fn times_dates_and_now_are_read_in_utc_when_that_is_the_zone() {
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
        assert_eq!(parse_at("today", morning, chrono_tz::UTC).map(timestamp).unwrap(), "2026-11-26T09:00:00Z");
        for s in ["2026-11-26T14:31", "tomorrow", "2027-01-01", "fri", "23:59"] {
            let err = at(s).unwrap_err();
            assert!(err.contains("is in the future"), "{s}: {err}");
        }
        let err = at("last tuesday").unwrap_err();
        assert!(err.contains("is not a time") && err.contains("2026-11-26T14:03"), "{err}");
    }

    fn at_in(s: &str, now: DateTime<Utc>, zone: Zone) -> Result<String, String> {
        parse_at(s, now, zone).map(timestamp)
    }

    #[test]
    fn times_are_read_in_the_users_zone_around_midnight() {
        use chrono_tz::{America::Los_Angeles, Europe::Berlin};
        // 23:30 UTC: already Friday 00:30 in Berlin, still Thursday 15:30 in San Francisco.
        let late = Utc.with_ymd_and_hms(2026, 11, 26, 23, 30, 0).unwrap();
        assert_eq!(at_in("00:10", late, Berlin).unwrap(), "2026-11-26T23:10:00Z");
        assert_eq!(at_in("yesterday", late, Berlin).unwrap(), "2026-11-26T11:00:00Z");
        assert_eq!(at_in("2026-11-26 14:03", late, Berlin).unwrap(), "2026-11-26T13:03:00Z");
        assert_eq!(at_in("14:03", late, Los_Angeles).unwrap(), "2026-11-26T22:03:00Z");
        assert_eq!(at_in("yesterday", late, Los_Angeles).unwrap(), "2026-11-25T20:00:00Z");
        // A Z or an offset names the instant whatever the zone.
        assert_eq!(at_in("2026-11-26 14:03Z", late, Berlin).unwrap(), "2026-11-26T14:03:00Z");
        assert_eq!(at_in("2026-11-26T15:03:00+02:00", late, Los_Angeles).unwrap(), "2026-11-26T13:03:00Z");
        // 16:00 in San Francisco is half an hour ahead of now there.
        let err = at_in("16:00", late, Los_Angeles).unwrap_err();
        assert!(err.contains("2026-11-26 16:00 PST is in the future"), "{err}");
    }

    #[test]
    fn times_across_a_daylight_saving_change() {
        use chrono_tz::{America::Los_Angeles, Europe::Berlin};
        // Berlin springs forward on 2026-03-29 at 02:00 (CET+1 to CEST+2).
        let spring = Utc.with_ymd_and_hms(2026, 3, 29, 10, 0, 0).unwrap();
        assert_eq!(at_in("01:30", spring, Berlin).unwrap(), "2026-03-29T00:30:00Z");
        assert_eq!(at_in("03:30", spring, Berlin).unwrap(), "2026-03-29T01:30:00Z");
        let err = at_in("02:30", spring, Berlin).unwrap_err();
        assert!(err.contains("2026-03-29 02:30 does not exist in Europe/Berlin"), "{err}");
        // It falls back on 2026-10-25 at 03:00: 02:30 happens twice, the first is meant.
        let autumn = Utc.with_ymd_and_hms(2026, 10, 25, 12, 0, 0).unwrap();
        assert_eq!(at_in("02:30", autumn, Berlin).unwrap(), "2026-10-25T00:30:00Z");
        assert_eq!(at_in("03:30", autumn, Berlin).unwrap(), "2026-10-25T02:30:00Z");
        // Los Angeles springs forward on 2026-03-08 (PST-8 to PDT-7).
        let la = Utc.with_ymd_and_hms(2026, 3, 8, 20, 0, 0).unwrap();
        assert_eq!(at_in("01:30", la, Los_Angeles).unwrap(), "2026-03-08T09:30:00Z");
        assert_eq!(at_in("04:00", la, Los_Angeles).unwrap(), "2026-03-08T11:00:00Z");
    }
}
