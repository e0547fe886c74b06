//! Undo and redo over the change log. One batch (one writing transaction,
//! one user action) is one step. An undo writes the inverse changes as new
//! log rows that point at the batch they revert, so the log stays a full
//! audit trail; a redo writes the batch's changes again the same way.

use super::record::Record;
use super::{Account, Activity, BulkRows, ChangeOp, Conflict, Contact, Deal, Entity, Rep, Store, Target};
use anyhow::{anyhow, bail, Result};
use rusqlite::{params, OptionalExtension};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Replay {
    #[default]
    None,
    Undo(i64),
    Redo(i64),
}

/// What an undo or redo did, for the footer: "delete contact Jane Roe".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    pub batch: i64,
    pub summary: String,
}

struct LogRow {
    entity: String,
    entity_id: i64,
    op: String,
    before: Option<String>,
    after: Option<String>,
    /// The rows of a bulk entry (see `changes.rs`).
    bulk: Option<BulkRows>,
}

/// Resets the replay marker however the step ends.
struct ReplayGuard<'a>(&'a Store);

impl Drop for ReplayGuard<'_> {
    fn drop(&mut self) {
        self.0.replay.set(Replay::None);
    }
}

impl Store {
    /// Takes back this session's newest change that is not undone yet.
    /// `Ok(None)` when there is nothing left to undo.
    pub fn undo(&self) -> Result<Option<Undone>> {
        self.write(|s| {
            let batch: Option<i64> = s.conn().query_row(
                "SELECT max(batch) FROM change_log
                 WHERE session = ?1 AND undone = 0 AND reverts IS NULL AND replays IS NULL",
                [s.session()],
                |r| r.get(0),
            )?;
            let Some(batch) = batch else { return Ok(None) };
            let rows = s.batch_rows(batch)?;
            let _guard = ReplayGuard(s);
            s.replay.set(Replay::Undo(batch));
            let (bulk, single): (Vec<&LogRow>, Vec<&LogRow>) = rows.iter().partition(|r| r.bulk.is_some());
            // The rows a step created came before anything else it did to
            // them, so they go last, all at once.
            for row in single.iter().rev() {
                s.apply(row, true)?;
            }
            s.apply_bulk(batch, &bulk, true)?;
            s.conn().execute("UPDATE change_log SET undone = 1 WHERE batch = ?1", [batch])?;
            Ok(Some(Undone { batch, summary: s.summary(&rows)? }))
        })
    }

    /// Does again the change undone last, unless a new change came since.
    pub fn redo(&self) -> Result<Option<Undone>> {
        self.write(|s| {
            // The newest undo of this session whose batch is still undone.
            let last: Option<(i64, i64)> = s
                .conn()
                .query_row(
                    "SELECT u.reverts, u.id FROM change_log u
                     WHERE u.session = ?1 AND u.reverts IS NOT NULL
                       AND EXISTS (SELECT 1 FROM change_log o WHERE o.batch = u.reverts AND o.undone = 1)
                     ORDER BY u.id DESC LIMIT 1",
                    [s.session()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((batch, undo_row)) = last else { return Ok(None) };
            // A new change after the undo ends the redo trail, as in any editor.
            let newer: i64 = s.conn().query_row(
                "SELECT count(*) FROM change_log
                 WHERE session = ?1 AND id > ?2 AND reverts IS NULL AND replays IS NULL",
                params![s.session(), undo_row],
                |r| r.get(0),
            )?;
            if newer > 0 {
                return Ok(None);
            }
            let rows = s.batch_rows(batch)?;
            let _guard = ReplayGuard(s);
            s.replay.set(Replay::Redo(batch));
            let (bulk, single): (Vec<&LogRow>, Vec<&LogRow>) = rows.iter().partition(|r| r.bulk.is_some());
            s.apply_bulk(batch, &bulk, false)?;
            for row in single {
                s.apply(row, false)?;
            }
            s.conn().execute("UPDATE change_log SET undone = 0 WHERE batch = ?1", [batch])?;
            Ok(Some(Undone { batch, summary: s.summary(&rows)? }))
        })
    }

    fn batch_rows(&self, batch: i64) -> Result<Vec<LogRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT entity, entity_id, op, before, after FROM change_log WHERE batch = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([batch], |r| {
            let after: Option<String> = r.get(4)?;
            let before: Option<String> = r.get(3)?;
            let bulk = if before.is_none() { BulkRows::parse(after.as_deref()) } else { None };
            Ok(LogRow { entity: r.get(0)?, entity_id: r.get(1)?, op: r.get(2)?, before, after, bulk })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes back (or does again) the rows a step created, logged as bulk
    /// entries: tombstones them (or lifts their tombstones) table by table,
    /// refusing when a change that stands touched any of them after the
    /// step, and, on undo, when a live record outside the step points at one.
    fn apply_bulk(&self, batch: i64, entries: &[&LogRow], undo: bool) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let last: i64 =
            self.conn().query_row("SELECT max(id) FROM change_log WHERE batch = ?1", [batch], |r| r.get(0))?;
        let mut done: Vec<(Entity, &BulkRows)> = Vec::new();
        for row in entries {
            let entity =
                Entity::parse(&row.entity).ok_or_else(|| anyhow!("unknown entity {} in the change log", row.entity))?;
            let rows = row.bulk.as_ref().ok_or_else(|| anyhow!("not a bulk entry"))?;
            if row.op != "insert" {
                bail!("unknown bulk change {} in the change log", row.op);
            }
            let table = table_of(entity)?;
            let what = plural(entity);
            let now = self.now_text();
            for &(first, end) in &rows.runs {
                let later: i64 = self
                    .conn()
                    .prepare_cached(
                        "SELECT count(DISTINCT entity_id) FROM change_log
                         WHERE entity = ?1 AND entity_id BETWEEN ?2 AND ?3 AND id > ?4 AND batch IS NOT ?5
                           AND reverts IS NULL AND replays IS NULL AND undone = 0",
                    )?
                    .query_row(params![entity.as_str(), first, end, last, batch], |r| r.get(0))?;
                if later > 0 {
                    bail!(
                        "{later} of the {} {what} this step added were changed after it, \
                         so it cannot be taken back safely",
                        rows.count
                    );
                }
                // The table name comes from `table_of`, never from the log.
                let sql = if undo {
                    format!(
                        "UPDATE {table} SET deleted_at = ?3, updated_at = ?3
                         WHERE id BETWEEN ?1 AND ?2 AND deleted_at IS NULL"
                    )
                } else {
                    format!(
                        "UPDATE {table} SET deleted_at = NULL, updated_at = ?3
                         WHERE id BETWEEN ?1 AND ?2 AND deleted_at IS NOT NULL"
                    )
                };
                let n = self.conn().prepare_cached(&sql)?.execute(params![first, end, now])?;
                if n as i64 != end - first + 1 {
                    let state = if undo { "deleted" } else { "live again" };
                    bail!(
                        "{} of the {} {what} this step added are {state} already, \
                         so it cannot be taken back safely",
                        end - first + 1 - n as i64,
                        rows.count
                    );
                }
            }
            let op = if undo { ChangeOp::Delete } else { ChangeOp::Restore };
            self.log_bulk(entity, op, rows)?;
            done.push((entity, rows));
        }
        if undo {
            // Every row the step created is a tombstone now: whatever still
            // points at one of them came from outside the step.
            for (entity, rows) in done {
                match entity {
                    Entity::Rep => self.refuse_if_any_used::<Rep>(rows)?,
                    Entity::Account => self.refuse_if_any_used::<Account>(rows)?,
                    Entity::Contact => self.refuse_if_any_used::<Contact>(rows)?,
                    Entity::Deal => self.refuse_if_any_used::<Deal>(rows)?,
                    Entity::Conflict => self.refuse_if_any_used::<Conflict>(rows)?,
                    Entity::Activity => self.refuse_if_any_used::<Activity>(rows)?,
                    Entity::Target => self.refuse_if_any_used::<Target>(rows)?,
                    Entity::Snapshot => self.refuse_if_any_used::<super::ForecastSnapshot>(rows)?,
                    Entity::Suggestion => self.refuse_if_any_used::<super::SuggestionMark>(rows)?,
                }
            }
        }
        Ok(())
    }

    fn refuse_if_any_used<T: Record>(&self, rows: &BulkRows) -> Result<()> {
        for (what, sql) in T::DEPENDENTS {
            let mut stmt = self.conn().prepare_cached(sql)?;
            for id in rows.ids() {
                let n: i64 = stmt.query_row([id], |r| r.get(0))?;
                if n > 0 {
                    let name = self
                        .get_any::<T>(id)?
                        .map(|c| crate::domain::sanitize::line(&c.describe()).into_owned())
                        .unwrap_or_else(|| format!("{} {id}", T::ENTITY.as_str()));
                    bail!("{name} has {n} {what} added after it; remove those first");
                }
            }
        }
        Ok(())
    }

    /// "delete contact Jane Roe", or for a step that created rows in bulk
    /// "add deal Renewal 2025 (+3 more changes)".
    fn summary(&self, rows: &[LogRow]) -> Result<String> {
        let Some(lead) = rows.iter().find(|r| r.bulk.is_some()) else { return Ok(summary(rows)) };
        let total: i64 = rows.iter().map(|r| r.bulk.as_ref().map_or(1, |b| b.count)).sum();
        let entity = Entity::parse(&lead.entity);
        let name = match entity {
            Some(Entity::Rep) => self.get_any::<Rep>(lead.entity_id)?.map(|r| r.describe()),
            Some(Entity::Account) => self.get_any::<Account>(lead.entity_id)?.map(|r| r.describe()),
            Some(Entity::Contact) => self.get_any::<Contact>(lead.entity_id)?.map(|r| r.describe()),
            Some(Entity::Deal) => self.get_any::<Deal>(lead.entity_id)?.map(|r| r.describe()),
            Some(Entity::Conflict) => self.get_any::<Conflict>(lead.entity_id)?.map(|r| r.describe()),
            Some(Entity::Activity) => self.get_any::<Activity>(lead.entity_id)?.map(|r| r.describe()),
            Some(Entity::Target) => self.get_any::<Target>(lead.entity_id)?.map(|r| r.describe()),
            _ => None,
        }
        .unwrap_or_else(|| format!("{} {}", lead.entity, lead.entity_id));
        let more = if total > 1 { format!(" (+{} more changes)", total - 1) } else { String::new() };
        Ok(format!("add {}{more}", crate::domain::sanitize::line(&name)))
    }

    fn apply(&self, row: &LogRow, undo: bool) -> Result<()> {
        let entity =
            Entity::parse(&row.entity).ok_or_else(|| anyhow!("unknown entity {} in the change log", row.entity))?;
        // An import's source id and custom fields, logged apart from the record.
        let (expected, wanted) = if undo { (&row.after, &row.before) } else { (&row.before, &row.after) };
        if row.op == "update"
            && self.apply_import_extras(entity, row.entity_id, expected.as_deref(), wanted.as_deref())?
        {
            return Ok(());
        }
        match entity {
            Entity::Rep => self.apply_as::<Rep>(row, undo),
            Entity::Account => self.apply_as::<Account>(row, undo),
            Entity::Contact => self.apply_as::<Contact>(row, undo),
            Entity::Deal => self.apply_as::<Deal>(row, undo),
            Entity::Conflict => self.apply_as::<Conflict>(row, undo),
            Entity::Activity => self.apply_as::<Activity>(row, undo),
            Entity::Target => self.apply_as::<Target>(row, undo),
            Entity::Snapshot => self.apply_as::<super::ForecastSnapshot>(row, undo),
            Entity::Suggestion => self.apply_as::<super::SuggestionMark>(row, undo),
        }
    }

    fn apply_as<T: Record + DeserializeOwned>(&self, row: &LogRow, undo: bool) -> Result<()> {
        let id = row.entity_id;
        let (expected, wanted) = if undo { (&row.after, &row.before) } else { (&row.before, &row.after) };
        let current: Option<T> = self.get_any(id)?;
        // Quoted in messages: made safe here, so that a sequence cut short cannot swallow the sentence.
        let name = current
            .as_ref()
            .map(|c| crate::domain::sanitize::line(&c.describe()).into_owned())
            .unwrap_or_else(|| format!("{} {id}", T::ENTITY.as_str()));
        let mut expected = comparable_text(expected.as_deref())?;
        if !undo && row.op == "insert" {
            // Undoing an insert leaves the row as a tombstone, not gone: that
            // tombstone, not "no row", is what a redo starts from.
            expected = comparable_text(row.after.as_deref())?.map(|mut v| {
                v["deleted"] = true.into();
                v
            });
        }
        let now = comparable(current.as_ref())?;
        if now != expected {
            // Name what changed, and say when a teammate's value came in by
            // sync: taking the step back would overwrite it unseen.
            let fields: Vec<String> =
                match (now.as_ref().and_then(|v| v.as_object()), expected.as_ref().and_then(|v| v.as_object())) {
                    (Some(n), Some(e)) => n
                        .keys()
                        .chain(e.keys())
                        .filter(|k| n.get(*k) != e.get(*k))
                        .cloned()
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                    _ => Vec::new(),
                };
            let uid = current.as_ref().map(|c| c.meta().uid.clone()).unwrap_or_default();
            let pulled = self.sync_fields_from_team(T::ENTITY.as_str(), &uid, &fields)?;
            let what = if fields.is_empty() {
                String::new()
            } else if pulled.is_empty() {
                format!(" ({})", fields.join(", "))
            } else {
                format!(" ({}; a teammate's value came in by sync: {})", fields.join(", "), pulled.join(", "))
            };
            bail!("{name} was changed after that{what}, so this step cannot be taken back safely; edit it instead");
        }
        let live_after = match (row.op.as_str(), undo) {
            ("insert", true) | ("restore", true) | ("delete", false) => false,
            ("insert", false) | ("restore", false) | ("delete", true) => true,
            ("update", _) => {
                let text = wanted.as_deref().ok_or_else(|| anyhow!("the change log lacks the state of {name}"))?;
                let mut rec: T = serde_json::from_str(text)?;
                rec.meta_mut().id = id;
                return self.update(&mut rec);
            }
            (op, _) => bail!("unknown change {op} in the change log"),
        };
        if live_after {
            self.restore::<T>(id)?;
        } else {
            // Taking back a creation must not strand what was built on it;
            // redoing a delete, or undoing a restore, is a delete the person
            // already chose.
            if undo && row.op == "insert" {
                self.refuse_if_used::<T>(id, &name)?;
            }
            self.delete::<T>(id)?;
        }
        Ok(())
    }

    /// Refuses to tombstone a record that live records still point at.
    fn refuse_if_used<T: Record>(&self, id: i64, name: &str) -> Result<()> {
        for (what, sql) in T::DEPENDENTS {
            let n: i64 = self.conn().prepare_cached(sql)?.query_row([id], |r| r.get(0))?;
            if n > 0 {
                bail!("{name} has {n} {what} added after it; remove those first");
            }
        }
        Ok(())
    }
}

/// A record as JSON without what the database keeps up by itself.
fn comparable<T: Record>(rec: Option<&T>) -> Result<Option<serde_json::Value>> {
    rec.map(|r| Ok(strip(serde_json::to_value(r)?))).transpose()
}

fn comparable_text(text: Option<&str>) -> Result<Option<serde_json::Value>> {
    text.map(|t| Ok(strip(serde_json::from_str(t)?))).transpose()
}

/// Leaves out what changes without anyone changing the record: the last
/// touch (kept by the database), a phone's E.164 form, the time of the last write (an undo or redo
/// writes it too), and when a tombstone was set (only whether there is one).
fn strip(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("last_touch_at");
        o.remove("updated_at");
        // Derived by the store, and filled in by migration 4 after older log rows.
        o.remove("phone_e164");
        let deleted = o.remove("deleted_at").is_some_and(|d| !d.is_null());
        o.insert("deleted".into(), deleted.into());
    }
    v
}

/// The table of an entity's rows.
fn table_of(entity: Entity) -> Result<&'static str> {
    Ok(match entity {
        Entity::Rep => Rep::TABLE,
        Entity::Account => Account::TABLE,
        Entity::Contact => Contact::TABLE,
        Entity::Deal => Deal::TABLE,
        Entity::Conflict => Conflict::TABLE,
        Entity::Activity => Activity::TABLE,
        Entity::Target => Target::TABLE,
        Entity::Snapshot | Entity::Suggestion => bail!("{} rows are never added in bulk", entity.as_str()),
    })
}

/// "deals", "activities": for messages.
fn plural(entity: Entity) -> String {
    match entity.as_str().strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{}s", entity.as_str()),
    }
}

/// "delete contact Jane Roe" from the first change of a batch.
fn summary(rows: &[LogRow]) -> String {
    let Some(first) = rows.first() else { return "nothing".into() };
    let verb = match first.op.as_str() {
        "insert" => "add",
        "update" => "edit",
        "delete" => "delete",
        _ => "restore",
    };
    let json: Option<serde_json::Value> =
        first.after.as_deref().or(first.before.as_deref()).and_then(|t| serde_json::from_str(t).ok());
    let name = json
        .as_ref()
        .and_then(|v| {
            ["name", "title", "summary", "period", "key"].iter().find_map(|k| v.get(*k)?.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| first.entity_id.to_string());
    let more = if rows.len() > 1 { format!(" (+{} more changes)", rows.len() - 1) } else { String::new() };
    format!("{verb} {} {}{more}", first.entity, crate::domain::sanitize::line(&name))
}
