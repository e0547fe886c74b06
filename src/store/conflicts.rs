//! Conflicts: customer problems with a service-level deadline.

use super::record::{meta_field, Meta, Record};
use super::{Entity, Store};
use crate::domain::{ConflictStatus, Severity};
use anyhow::{bail, Result};
use rusqlite::types::ToSql;
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
}

impl Record for Conflict {
    const ENTITY: Entity = Entity::Conflict;
    const TABLE: &'static str = "conflicts";
    const DEPENDENTS: &'static [(&'static str, &'static str)] =
        &[("timeline entries", "SELECT count(*) FROM activities WHERE conflict_id = ?1 AND deleted_at IS NULL")];
    const COLUMNS: &'static [&'static str] = &[
        "account_id",
        "contact_id",
        "owner_id",
        "title",
        "description",
        "severity",
        "status",
        "opened_at",
        "sla_due_at",
        "escalation_level",
        "escalated_at",
        "resolved_at",
        "resolution",
    ];

    meta_field!();
    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.account_id,
            &self.contact_id,
            &self.owner_id,
            &self.title,
            &self.description,
            &self.severity,
            &self.status,
            &self.opened_at,
            &self.sla_due_at,
            &self.escalation_level,
            &self.escalated_at,
            &self.resolved_at,
            &self.resolution,
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Conflict {
            meta: Meta::from_row(r)?,
            account_id: r.get("account_id")?,
            contact_id: r.get("contact_id")?,
            owner_id: r.get("owner_id")?,
            title: r.get("title")?,
            description: r.get("description")?,
            severity: r.get("severity")?,
            status: r.get("status")?,
            opened_at: r.get("opened_at")?,
            sla_due_at: r.get("sla_due_at")?,
            escalation_level: r.get("escalation_level")?,
            escalated_at: r.get("escalated_at")?,
            resolved_at: r.get("resolved_at")?,
            resolution: r.get("resolution")?,
        })
    }
    fn prepare(&mut self) -> Result<()> {
        self.title = self.title.trim().to_string();
        if self.title.is_empty() {
            bail!("a conflict needs a title");
        }
        if self.status == ConflictStatus::Resolved && self.resolution.as_deref().is_none_or(|r| r.trim().is_empty()) {
            bail!("resolving conflict \"{}\" needs a resolution text", self.title);
        }
        Ok(())
    }
    fn describe(&self) -> String {
        format!("conflict \"{}\"", self.title)
    }
}

impl Conflict {
    /// Sets the SLA deadline from the severity, counted from the opening.
    pub fn reset_sla(&mut self) {
        if let Some(opened) = crate::domain::time::parse_timestamp(&self.opened_at) {
            self.sla_due_at = super::timestamp(opened.and_utc() + chrono::Duration::hours(self.severity.sla_hours()));
        }
    }
}

/// An unresolved conflict as the queue shows it.
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
    pub sla_due_at: String,
    pub escalation_level: u8,
}

const ROW_SELECT: &str = "
    SELECT c.id, c.account_id, a.name, c.owner_id, r.name, c.title, c.severity, c.status,
           c.opened_at, c.sla_due_at, c.escalation_level
    FROM conflicts c JOIN accounts a ON a.id = c.account_id
    LEFT JOIN reps r ON r.id = c.owner_id
    WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL";

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
    })
}

impl Store {
    /// Every unresolved conflict, the least SLA time left first.
    pub fn open_conflicts(&self) -> Result<Vec<ConflictRow>> {
        let sql = format!("{ROW_SELECT} ORDER BY c.sla_due_at, c.id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], conflict_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
        Ok((rows, count as usize))
    }

    /// One account's unresolved conflicts, the least SLA time left first.
    pub fn open_conflicts_of(&self, account_id: i64) -> Result<Vec<ConflictRow>> {
        let sql = format!("{ROW_SELECT} AND c.account_id = ?1 ORDER BY c.sla_due_at, c.id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([account_id], conflict_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many unresolved conflicts are past their SLA at `now` (ISO text).
    pub fn breached_conflicts(&self, now: &str) -> Result<i64> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM conflicts c JOIN accounts a ON a.id = c.account_id
                 WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL AND c.sla_due_at < ?1",
            )?
            .query_row([now], |r| r.get(0))?)
    }
}
