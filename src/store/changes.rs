//! The change log: one row per insert, update, delete or restore, written in
//! the same transaction as the change itself.

use super::Store;
use anyhow::Result;
use rusqlite::params;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Rep,
    Account,
    Contact,
    Deal,
    Conflict,
    Activity,
    Target,
    Snapshot,
    /// A snooze or dismissal of a suggested action.
    Suggestion,
}

impl Entity {
    pub fn parse(s: &str) -> Option<Entity> {
        [
            Entity::Rep,
            Entity::Account,
            Entity::Contact,
            Entity::Deal,
            Entity::Conflict,
            Entity::Activity,
            Entity::Target,
            Entity::Snapshot,
            Entity::Suggestion,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Rep => "rep",
            Entity::Account => "account",
            Entity::Contact => "contact",
            Entity::Deal => "deal",
            Entity::Conflict => "conflict",
            Entity::Activity => "activity",
            Entity::Target => "target",
            Entity::Snapshot => "snapshot",
            Entity::Suggestion => "suggestion",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Insert,
    Update,
    Delete,
    Restore,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Insert => "insert",
            ChangeOp::Update => "update",
            ChangeOp::Delete => "delete",
            ChangeOp::Restore => "restore",
        }
    }
}

/// One row of the change log, as read back.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: i64,
    pub at: String,
    pub session: String,
    pub entity: String,
    pub entity_id: i64,
    pub op: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Store {
    pub(crate) fn log_change<T: Serialize>(
        &self,
        entity: Entity,
        id: i64,
        op: ChangeOp,
        before: Option<&T>,
        after: Option<&T>,
    ) -> Result<()> {
        let before = before.map(serde_json::to_string).transpose()?;
        let after = after.map(serde_json::to_string).transpose()?;
        let batch = match self.batch.get() {
            Some(b) => b,
            None => {
                let next: i64 =
                    self.conn().query_row("SELECT coalesce(max(batch), 0) + 1 FROM change_log", [], |r| r.get(0))?;
                self.batch.set(Some(next));
                next
            }
        };
        let (reverts, replays) = match self.replay.get() {
            super::history::Replay::None => (None, None),
            super::history::Replay::Undo(b) => (Some(b), None),
            super::history::Replay::Redo(b) => (None, Some(b)),
        };
        let hlc = self.next_hlc()?;
        self.conn()
            .prepare_cached(
                "INSERT INTO change_log (at, session, entity, entity_id, op, before, after, batch, reverts, replays, hlc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                self.now_text(),
                self.session(),
                entity.as_str(),
                id,
                op.as_str(),
                before,
                after,
                batch,
                reverts,
                replays,
                hlc
            ])?;
        Ok(())
    }

    /// The next hybrid logical clock, persisted in the writing transaction,
    /// so that clocks only go forward across processes and restarts.
    pub(crate) fn next_hlc(&self) -> Result<i64> {
        let last: i64 =
            self.conn().prepare_cached("SELECT hlc FROM sync_clock WHERE id = 1")?.query_row([], |r| r.get(0))?;
        let hlc = crate::domain::hlc::tick(last, self.clock.now().timestamp_millis());
        self.conn().prepare_cached("UPDATE sync_clock SET hlc = ?1 WHERE id = 1")?.execute([hlc])?;
        Ok(hlc)
    }

    /// The newest changes first.
    pub fn recent_changes(&self, limit: usize) -> Result<Vec<Change>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, at, session, entity, entity_id, op, before, after
             FROM change_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(Change {
                id: r.get(0)?,
                at: r.get(1)?,
                session: r.get(2)?,
                entity: r.get(3)?,
                entity_id: r.get(4)?,
                op: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
