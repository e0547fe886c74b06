//! Open follow-ups as an iCalendar file of to-dos (`VTODO`), written with
//! the `icalendar` crate. Each to-do's UID comes from the follow-up's uid,
//! so importing the file again into a calendar updates instead of doubling;
//! DTSTAMP is the store's clock, so the same book gives the same file.

use crate::domain::scope::Resolved;
use crate::store::{OpenFollowUp, Store};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Todo, TodoStatus};

/// The calendar's product id.
const PRODID: &str = "-//rapport//follow-ups//EN";

/// The UID of a follow-up's to-do.
pub fn uid_of(follow_up_uid: &str) -> String {
    format!("{follow_up_uid}@rapport")
}

/// The open follow-ups in scope, stamped with the store's "now".
pub fn export(store: &Store, scope: &Resolved) -> anyhow::Result<String> {
    Ok(write(&store.open_follow_ups(scope)?, store.clock().now()))
}

/// One VTODO per follow-up: DUE (a date), SUMMARY, DESCRIPTION naming the
/// account and contact (and the follow-up's own text), STATUS NEEDS-ACTION.
pub fn write(follow_ups: &[OpenFollowUp], now: DateTime<Utc>) -> String {
    let mut cal = Calendar::new();
    cal.append_property(("PRODID", PRODID));
    cal.name("rapport follow-ups");
    for f in follow_ups {
        let mut todo = Todo::new();
        todo.uid(&uid_of(&f.uid))
            .timestamp(now)
            .summary(&one_line(&f.summary))
            .description(&description(f))
            .status(TodoStatus::NeedsAction);
        if let Some(due) = f.due_on {
            todo.due(due);
        }
        cal.push(todo.done());
    }
    cal.done().to_string()
}

fn description(f: &OpenFollowUp) -> String {
    let mut d = format!("Account: {}", clean(&f.account));
    if let Some(c) = &f.contact {
        d.push_str(&format!("\nContact: {}", clean(c)));
    }
    if let Some(b) = f.body.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        d.push_str(&format!("\n\n{}", clean(b)));
    }
    d
}

/// Text without the control characters no calendar shows (line breaks kept).
fn clean(s: &str) -> String {
    s.replace("\r\n", "\n").chars().filter(|&c| c == '\n' || c == '\t' || !c.is_control()).collect()
}

/// A summary is one line.
fn one_line(s: &str) -> String {
    clean(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn todos_with_stable_uids_due_dates_and_the_given_stamp() {
        let now = "2026-03-02T09:30:00Z".parse().unwrap();
        let items = vec![OpenFollowUp {
            uid: "0190abcd".into(),
            summary: "Send the renewal quote, v2; \"final\"".into(),
            body: Some("Ask for\r\nthe PO".into()),
            due_on: Some("2026-03-05".parse().unwrap()),
            account: "Acme, Inc.".into(),
            contact: Some("Jane Doe".into()),
            owner_id: None,
        }];
        let text = write(&items, now);
        assert_eq!(text, write(&items, now), "the same follow-ups give the same file");
        let unfolded = text.replace("\r\n ", "");
        for want in [
            "BEGIN:VCALENDAR\r\n",
            "PRODID:-//rapport//follow-ups//EN\r\n",
            "BEGIN:VTODO\r\n",
            "UID:0190abcd@rapport\r\n",
            "DTSTAMP:20260302T093000Z\r\n",
            "DUE;VALUE=DATE:20260305\r\n",
            "STATUS:NEEDS-ACTION\r\n",
            "SUMMARY:Send the renewal quote\\, v2\\; \"final\"\r\n",
            "DESCRIPTION:Account: Acme\\, Inc.\\nContact: Jane Doe\\n\\nAsk for\\nthe PO\r\n",
            "END:VCALENDAR\r\n",
        ] {
            assert!(unfolded.contains(want), "{want:?} missing in:\n{text}");
        }
    }
}
