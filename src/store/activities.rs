//! Activities: the timeline of an account (calls, e-mails, meetings, notes,
//! follow-ups, and events rapport records itself).

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::rules::{self, Refusal, Rule};
use crate::domain::ActivityKind;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    #[serde(flatten)]
    pub meta: Meta,
    pub account_id: i64,
    pub contact_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub deal_id: Option<i64>,
    pub conflict_id: Option<i64>,
    pub kind: ActivityKind,
    /// ISO-8601 UTC, `2026-11-26T14:03:00Z`.
    pub occurred_at: String,
    pub summary: String,
    pub body: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<String>,
}

impl Record for Activity {
    const ENTITY: Entity = Entity::Activity;
    const TABLE: &'static str = "activities";
    columns! {
        account_id,
        contact_id,
        rep_id,
        deal_id,
        conflict_id,
        kind,
        occurred_at,
        summary,
        body,
        due_on,
        done_at,
    }
    fn prepare(&mut self) -> Result<()> {
        self.summary = self.summary.trim().to_string();
        if self.summary.is_empty() {
            bail!("an activity needs a summary");
        }
        if self.kind == ActivityKind::FollowUp && self.due_on.is_none() {
            bail!("a follow-up needs a due date");
        }
        Ok(())
    }
    fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind.label().to_lowercase(), self.summary)
    }
    fn check(&self, store: &Store, before: Option<&Self>) -> Result<()> {
        // A follow-up moved to a new date is moved to what comes next; one
        // long overdue may keep its date. (New ones are checked where a
        // person adds them: history can be past.)
        if let (Some(before), Some(due)) = (before, self.due_on) {
            if self.kind == ActivityKind::FollowUp && self.done_at.is_none() && before.due_on != self.due_on {
                rules::check_due(due, store.clock().today()).map_err(|e| Refusal::new("due", Rule::Past, e))?;
            }
        }
        Ok(())
    }
}

/// One entry of a timeline page, with the names it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineItem {
    pub id: i64,
    pub kind: ActivityKind,
    pub occurred_at: String,
    pub summary: String,
    pub has_body: bool,
    pub contact: Option<String>,
    pub rep: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<String>,
}

/// A follow-up that is still to be done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    pub id: i64,
    pub account_id: i64,
    pub account: String,
    pub summary: String,
    pub due_on: NaiveDate,
    pub rep: Option<String>,
    /// Whose it is: the follow-up's rep, else the account's owner.
    pub rep_id: Option<i64>,
}

impl Store {
    /// One page of an account's timeline, newest first. `after` is the
    /// (occurred_at, id) of the last item of the previous page: keyset paging
    /// on the (account_id, occurred_at, id) index, so page 1000 costs what page 1 does.
    pub fn timeline(&self, account_id: i64, after: Option<(&str, i64)>, limit: usize) -> Result<Vec<TimelineItem>> {
        let (at, id) = after.unwrap_or(("9999", i64::MAX));
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.id, a.kind, a.occurred_at, a.summary, a.body IS NOT NULL AND a.body <> '',
                    c.name, r.name, a.due_on, a.done_at
             FROM activities a
             LEFT JOIN contacts c ON c.id = a.contact_id
             LEFT JOIN reps r ON r.id = a.rep_id
             WHERE a.account_id = ?1 AND a.deleted_at IS NULL
               AND (a.occurred_at < ?2 OR (a.occurred_at = ?2 AND a.id < ?3))
             ORDER BY a.occurred_at DESC, a.id DESC
             LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![account_id, at, id, limit as i64], |r| {
            Ok(TimelineItem {
                id: r.get(0)?,
                kind: r.get(1)?,
                occurred_at: r.get(2)?,
                summary: r.get(3)?,
                has_body: r.get(4)?,
                contact: r.get(5)?,
                rep: r.get(6)?,
                due_on: r.get(7)?,
                done_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many live activities an account has.
    pub fn timeline_len(&self, account_id: i64) -> Result<i64> {
        Ok(self
            .conn()
            .prepare_cached("SELECT count(*) FROM activities WHERE account_id = ?1 AND deleted_at IS NULL")?
            .query_row([account_id], |r| r.get(0))?)
    }

    /// Open follow-ups due on or before `until`, oldest first.
    pub fn follow_ups_due(&self, until: NaiveDate) -> Result<Vec<FollowUp>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.id, f.account_id, a.name, f.summary, f.due_on, r.name, coalesce(f.rep_id, a.owner_id)
             FROM activities f JOIN accounts a ON a.id = f.account_id
             LEFT JOIN reps r ON r.id = f.rep_id
             WHERE f.kind = 'follow_up' AND f.done_at IS NULL AND f.deleted_at IS NULL
               AND a.deleted_at IS NULL AND f.due_on <= ?1
             ORDER BY f.due_on, f.id",
        )?;
        let rows = stmt.query_map([until], |r| {
            Ok(FollowUp {
                id: r.get(0)?,
                account_id: r.get(1)?,
                account: r.get(2)?,
                summary: r.get(3)?,
                due_on: r.get(4)?,
                rep: r.get(5)?,
                rep_id: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The earliest open follow-up of an account.
    pub fn next_follow_up(&self, account_id: i64) -> Result<Option<(NaiveDate, String)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT due_on, summary FROM activities
                 WHERE account_id = ?1 AND kind = 'follow_up' AND done_at IS NULL AND deleted_at IS NULL
                 ORDER BY due_on LIMIT 1",
            )?
            .query_row([account_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }
}
