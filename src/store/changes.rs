//! The change log: one row per insert, update, delete or restore, written in
//! the same transaction as the change itself.
//!
//! # Bulk entries
//!
//! An import that creates many rows logs them as one *bulk entry* per entity
//! instead of one row (and one JSON snapshot) each. A bulk entry is a
//! change-log row with
//!
//! - `entity`: the entity of every row it stands for;
//! - `entity_id`: the first id of its first run (so the row still points somewhere);
//! - `op`: what happened to each of those rows: `insert` (created live, by an
//!   import), `delete` (tombstoned, by the undo of such an import) or
//!   `restore` (tombstone lifted, by its redo);
//! - `before`: NULL;
//! - `after`: `{"bulk":{"runs":[[FIRST,LAST],...],"count":N}}`, where each run
//!   is an inclusive range of ids of the entity's table, runs ascending and
//!   disjoint, and `count` the number of ids in all runs.
//!
//! There is no snapshot of each row: a created row's first state is the row
//! as stored until a later change-log row for it, whose `before` holds that
//! state. A reader that wants one (entity, id) per row, such as a sync
//! engine, expands the entry with [`Store::change_rows`] or [`BulkRows::ids`].
//! Updates are never bulk: they keep their own before and after.

use super::Store;
use anyhow::{anyhow, Result};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

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

/// The rows a bulk entry stands for (see the module's notes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRows {
    /// Inclusive id ranges, ascending and disjoint.
    pub runs: Vec<(i64, i64)>,
    pub count: i64,
}

#[derive(Serialize, Deserialize)]
struct BulkState {
    bulk: BulkRows,
}

impl BulkRows {
    /// The runs of a set of ids, in any order, repeats ignored.
    pub fn from_ids(ids: impl IntoIterator<Item = i64>) -> BulkRows {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let mut runs: Vec<(i64, i64)> = Vec::new();
        for id in &ids {
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == *id => *last = *id,
                _ => runs.push((*id, *id)),
            }
        }
        BulkRows { runs, count: ids.len() as i64 }
    }

    /// The rows of a change's `after` text, when it is a bulk entry.
    pub fn parse(after: Option<&str>) -> Option<BulkRows> {
        let state: BulkState = serde_json::from_str(after?).ok()?;
        let rows = state.bulk;
        let ordered = rows.runs.iter().all(|(a, b)| a <= b)
            && rows.runs.windows(2).all(|w| w[0].1 < w[1].0)
            && rows.runs.iter().map(|(a, b)| b - a + 1).sum::<i64>() == rows.count;
        ordered.then_some(rows)
    }

    /// Every id, ascending.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.runs.iter().flat_map(|&(a, b)| a..=b)
    }

    fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string(&BulkState { bulk: self.clone() })?)
    }
}

impl Change {
    /// The (entity, id) rows this change stands for: one, or every row of a bulk entry.
    pub fn rows(&self) -> Result<Vec<(Entity, i64)>> {
        let entity =
            Entity::parse(&self.entity).ok_or_else(|| anyhow!("unknown entity {} in the change log", self.entity))?;
        Ok(match BulkRows::parse(self.after.as_deref()) {
            Some(rows) => rows.ids().map(|id| (entity, id)).collect(),
            None => vec![(entity, self.entity_id)],
        })
    }
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
        self.log_text(entity, id, op, before, after)
    }

    /// Logs one bulk entry for `rows` of `entity` (nothing when there are none).
    pub(crate) fn log_bulk(&self, entity: Entity, op: ChangeOp, rows: &BulkRows) -> Result<()> {
        let Some(&(first, _)) = rows.runs.first() else { return Ok(()) };
        self.log_text(entity, first, op, None, Some(rows.to_json()?))
    }

    fn log_text(
        &self,
        entity: Entity,
        id: i64,
        op: ChangeOp,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<()> {
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

    /// The (entity, id) rows change-log row `change_id` stands for, a bulk
    /// entry expanded; `None` when there is no such row.
    pub fn change_rows(&self, change_id: i64) -> Result<Option<Vec<(Entity, i64)>>> {
        let change = self
            .conn()
            .prepare_cached(
                "SELECT id, at, session, entity, entity_id, op, before, after FROM change_log WHERE id = ?1",
            )?
            .query_row([change_id], change_from_row)
            .optional()?;
        change.map(|c| c.rows()).transpose()
    }

    /// The newest changes first.
    pub fn recent_changes(&self, limit: usize) -> Result<Vec<Change>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, at, session, entity, entity_id, op, before, after
             FROM change_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], change_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn change_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Change> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_runs_and_runs_expand_to_ids() {
        let rows = BulkRows::from_ids([7, 3, 4, 5, 9, 8, 12, 4]);
        assert_eq!(rows.runs, vec![(3, 5), (7, 9), (12, 12)]);
        assert_eq!(rows.count, 7);
        let text = rows.to_json().unwrap();
        assert_eq!(text, r#"{"bulk":{"runs":[[3,5],[7,9],[12,12]],"count":7}}"#);
        assert_eq!(BulkRows::parse(Some(&text)), Some(rows.clone()));
        assert_eq!(rows.ids().collect::<Vec<_>>(), vec![3, 4, 5, 7, 8, 9, 12]);
        // A record's snapshot, or a malformed entry, is not a bulk entry.
        assert_eq!(BulkRows::parse(Some(r#"{"name":"Acme"}"#)), None);
        assert_eq!(BulkRows::parse(Some(r#"{"bulk":{"runs":[[5,3]],"count":3}}"#)), None);
        assert_eq!(BulkRows::parse(Some(r#"{"bulk":{"runs":[[1,3],[2,4]],"count":6}}"#)), None);
        assert_eq!(BulkRows::parse(Some(r#"{"bulk":{"runs":[[1,3]],"count":2}}"#)), None);
        assert_eq!(BulkRows::parse(None), None);
    }
}
