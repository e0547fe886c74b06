//! Conflicts: customer problems with a service-level deadline.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::{sla, ConflictStatus, Severity};
use anyhow::{bail, Result};
use rusqlite::Row;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    #[serde(flatten)]
    pub meta: Meta,
    pub account_id: i64,
    pub contact_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub severity: Severity,
    pub status: ConflictStatus,
    pub opened_at: String,
    pub sla_due_at: String,
    pub escalation_level: u8,
    pub escalated_at: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    /// When the SLA clock stood still: JSON `[{"from", "to"}]` (see `domain::sla::Pause`).
    #[serde(default = "no_pauses")]
    pub sla_pauses: String,
    /// Who it was escalated to last, and why.
    #[serde(default)]
    pub escalated_to: Option<i64>,
    #[serde(default)]
    pub escalation_reason: Option<String>,
}

fn no_pauses() -> String {
    "[]".into()
}

impl Record for Conflict {
    const ENTITY: Entity = Entity::Conflict;
    const TABLE: &'static str = "conflicts";
    const DEPENDENTS: &'static [(&'static str, &'static str)] =
        &[("timeline entries", "SELECT count(*) FROM activities WHERE conflict_id = ?1 AND deleted_at IS NULL")];
    columns! {
        account_id,
        contact_id,
        owner_id,
        title,
        description,
        severity,
        status,
        opened_at,
        sla_due_at,
        escalation_level,
        escalated_at,
        resolved_at,
        resolution,
        sla_pauses,
        escalated_to,
        escalation_reason,
    }
    fn prepare(&mut self) -> Result<()> {
        self.title = self.title.trim().to_string();
        if self.title.is_empty() {
            bail!("a conflict needs a title");
        }
        if self.sla_pauses.trim().is_empty() {
            self.sla_pauses = no_pauses();
        }
        if self.status == ConflictStatus::Resolved && self.resolution.as_deref().is_none_or(|r| r.trim().is_empty()) {
            bail!("resolving conflict \"{}\" needs a resolution text", self.title);
        }
        Ok(())
    }
    fn describe(&self) -> String {
        format!("conflict \"{}\"", self.title)
    }
    /// A status move opens or closes a pause of the SLA clock; a move, a new
    /// severity or a new opening time recounts the deadline.
    fn settle(&mut self, store: &Store, before: Option<&Self>) -> Result<()> {
        let Some(before) = before else { return Ok(()) };
        if before.status != self.status {
            sla::check_status_move(before.status, self.status)
                .map_err(|e| anyhow::anyhow!("conflict \"{}\": {e}", self.title))?;
            let mut pauses = self.pauses();
            sla::pauses_after_move(&mut pauses, before.status, self.status, &store.now_text());
            self.sla_pauses = serde_json::to_string(&pauses)?;
        }
        if before.status != self.status || before.severity != self.severity || before.opened_at != self.opened_at {
            self.reset_sla(store.business_hours());
        }
        Ok(())
    }
}

impl Conflict {
    /// The spans the SLA clock stood still (none when the text does not read).
    pub fn pauses(&self) -> Vec<sla::Pause> {
        serde_json::from_str(&self.sla_pauses).unwrap_or_default()
    }

    /// Where the SLA clock stands, from the opening, the severity and the pauses.
    pub fn sla_clock(&self, hours: Option<&sla::BusinessHours>) -> Option<sla::SlaClock> {
        sla_clock_of(&self.opened_at, self.severity, &self.sla_pauses, hours)
    }

    /// Sets the SLA deadline from the severity, counted from the opening
    /// (in business hours when given), leaving out the pauses.
    pub fn reset_sla(&mut self, hours: Option<&sla::BusinessHours>) {
        if let Some(clock) = self.sla_clock(hours) {
            self.sla_due_at = super::timestamp(clock.due());
        }
    }
}

/// The SLA clock of a conflict from its stored fields.
pub fn sla_clock_of(
    opened_at: &str,
    severity: Severity,
    pauses: &str,
    hours: Option<&sla::BusinessHours>,
) -> Option<sla::SlaClock> {
    let opened = crate::domain::time::parse_timestamp(opened_at)?.and_utc();
    let parse = |t: &str| crate::domain::time::parse_timestamp(t).map(|t| t.and_utc());
    let pauses: Vec<sla::Pause> = serde_json::from_str(pauses).unwrap_or_default();
    let spans: Vec<_> =
        pauses.iter().filter_map(|p| Some((parse(&p.from)?, p.to.as_deref().and_then(parse)))).collect();
    Some(sla::sla_clock(opened, chrono::Duration::hours(severity.sla_hours()), &spans, hours))
}

/// A conflict as the queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictRow {
    pub id: i64,
    pub account_id: i64,
    pub account: String,
    pub owner_id: Option<i64>,
    pub owner: Option<String>,
    pub title: String,
    pub severity: Severity,
    pub status: ConflictStatus,
    pub opened_at: String,
    /// The deadline; while the clock stands still, the one it had when it stopped.
    pub sla_due_at: String,
    pub escalation_level: u8,
    /// Whom it was escalated to last.
    pub escalated_to: Option<String>,
    /// Working seconds left while the clock stands still (waiting, resolved).
    pub paused_left: Option<i64>,
    #[serde(skip)]
    sla_pauses: String,
}

impl ConflictRow {
    /// Past its SLA at `now` (ISO text): a clock standing still is never breached
    /// by waiting, only if it had run out before it stopped.
    pub fn breached(&self, now: &str) -> bool {
        match self.paused_left {
            Some(left) => left <= 0,
            None => self.sla_due_at.as_str() < now,
        }
    }

    /// Breached and nobody escalated it yet: the queue flags it.
    pub fn needs_escalation(&self, now: &str) -> bool {
        self.status != ConflictStatus::Resolved && self.escalation_level == 0 && self.breached(now)
    }
}

const ROW_COLUMNS: &str = "
    SELECT c.id, c.account_id, a.name, c.owner_id, r.name, c.title, c.severity, c.status,
           c.opened_at, c.sla_due_at, c.escalation_level, e.name, c.sla_pauses
    FROM conflicts c JOIN accounts a ON a.id = c.account_id
    LEFT JOIN reps r ON r.id = c.owner_id
    LEFT JOIN reps e ON e.id = c.escalated_to
    WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL";

const ROW_SELECT: &str = "
    SELECT c.id, c.account_id, a.name, c.owner_id, r.name, c.title, c.severity, c.status,
           c.opened_at, c.sla_due_at, c.escalation_level, e.name, c.sla_pauses
    FROM conflicts c JOIN accounts a ON a.id = c.account_id
    LEFT JOIN reps r ON r.id = c.owner_id
    LEFT JOIN reps e ON e.id = c.escalated_to
    WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL";

/// SQL: the conflict `c` is past its SLA at `?1`; a waiting one only if its
/// deadline had passed when the clock stopped.
pub(crate) const BREACHED: &str = "(c.sla_due_at < ?1 AND NOT (c.status = 'waiting'
    AND c.sla_due_at > coalesce(json_extract(c.sla_pauses, '$[#-1].from'), '')))";

fn conflict_row(r: &Row<'_>) -> rusqlite::Result<ConflictRow> {
    Ok(ConflictRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        account: r.get(2)?,
        owner_id: r.get(3)?,
        owner: r.get(4)?,
        title: r.get(5)?,
        severity: r.get(6)?,
        status: r.get(7)?,
        opened_at: r.get(8)?,
        sla_due_at: r.get(9)?,
        escalation_level: r.get(10)?,
        escalated_to: r.get(11)?,
        paused_left: None,
        sla_pauses: r.get(12)?,
    })
}

impl Store {
    /// Fills in the time left of clocks standing still.
    fn with_clocks(&self, mut rows: Vec<ConflictRow>) -> Vec<ConflictRow> {
        for r in rows.iter_mut().filter(|r| sla::paused_in(r.status)) {
            if let Some(sla::SlaClock::Paused { left, .. }) =
                sla_clock_of(&r.opened_at, r.severity, &r.sla_pauses, self.business_hours())
            {
                r.paused_left = Some(left.num_seconds());
            }
        }
        rows
    }

    /// Every unresolved conflict, the least SLA time left first.
    pub fn open_conflicts(&self) -> Result<Vec<ConflictRow>> {
        let sql = format!("{ROW_SELECT} ORDER BY c.sla_due_at, c.id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], conflict_row)?;
        Ok(self.with_clocks(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Every conflict, resolved ones included: unresolved by SLA, then
    /// resolved ones, the latest resolved first.
    pub fn all_conflicts(&self) -> Result<Vec<ConflictRow>> {
        let sql = format!(
            "{ROW_COLUMNS} ORDER BY c.status = 'resolved', CASE WHEN c.status = 'resolved' THEN '' ELSE c.sla_due_at END,
             c.resolved_at DESC, c.id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], conflict_row)?;
        Ok(self.with_clocks(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The first `limit` unresolved conflicts by SLA, and how many there are in all.
    pub fn open_conflicts_first(&self, limit: usize) -> Result<(Vec<ConflictRow>, usize)> {
        let sql = format!("{ROW_SELECT} ORDER BY c.sla_due_at, c.id LIMIT ?1");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([limit as i64], conflict_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        let count: i64 = self
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM conflicts c JOIN accounts a ON a.id = c.account_id
                 WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL",
            )?
            .query_row([], |r| r.get(0))?;
        Ok((self.with_clocks(rows), count as usize))
    }

    /// One account's unresolved conflicts, the least SLA time left first.
    pub fn open_conflicts_of(&self, account_id: i64) -> Result<Vec<ConflictRow>> {
        let sql = format!("{ROW_SELECT} AND c.account_id = ?1 ORDER BY c.sla_due_at, c.id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([account_id], conflict_row)?;
        Ok(self.with_clocks(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Unresolved conflicts whose deadline is before `until` (ISO text), the
    /// soonest first: past their SLA, or soon to be. A clock standing still
    /// keeps its deadline, so the caller tells those apart (`paused_left`).
    pub fn conflicts_due_before(&self, until: &str) -> Result<Vec<ConflictRow>> {
        let sql = format!("{ROW_SELECT} AND c.sla_due_at < ?1 ORDER BY c.sla_due_at, c.id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([until], conflict_row)?;
        Ok(self.with_clocks(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// How many unresolved conflicts are past their SLA at `now` (ISO text).
    pub fn breached_conflicts(&self, now: &str) -> Result<i64> {
        let sql = format!(
            "SELECT count(*) FROM conflicts c JOIN accounts a ON a.id = c.account_id
             WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL AND {BREACHED}"
        );
        Ok(self.conn().prepare_cached(&sql)?.query_row([now], |r| r.get(0))?)
    }
}
