//! The local side of team sync, in SQL: which tables travel and how their
//! rows become per-field values (foreign keys as uids), the changes not yet
//! pushed, and applying what the server holds without writing it into the
//! change log as a local edit (so it is neither pushed back nor undoable here).

use super::Store;
use crate::domain::hlc::{self, Stamp};
use anyhow::{anyhow, Context, Result};
use rusqlite::types::Value;
use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A table shared with the team: its entity name, and each foreign-key
/// column with the table it points into.
pub struct Synced {
    pub entity: &'static str,
    pub table: &'static str,
    pub refs: &'static [(&'static str, &'static str)],
}

/// In the order records are applied, so that a row's references are there first.
/// Forecast snapshots and suggestion marks stay on each laptop: they are one
/// person's view, not the team's book.
pub const SYNCED: &[Synced] = &[
    Synced { entity: "rep", table: "reps", refs: &[("manager_id", "reps")] },
    Synced { entity: "account", table: "accounts", refs: &[("owner_id", "reps"), ("parent_id", "accounts")] },
    Synced { entity: "contact", table: "contacts", refs: &[("account_id", "accounts")] },
    Synced { entity: "deal", table: "deals", refs: &[("account_id", "accounts"), ("owner_id", "reps")] },
    Synced {
        entity: "conflict",
        table: "conflicts",
        refs: &[("account_id", "accounts"), ("contact_id", "contacts"), ("owner_id", "reps"), ("escalated_to", "reps")],
    },
    Synced {
        entity: "activity",
        table: "activities",
        refs: &[
            ("account_id", "accounts"),
            ("contact_id", "contacts"),
            ("rep_id", "reps"),
            ("deal_id", "deals"),
            ("conflict_id", "conflicts"),
        ],
    },
    Synced { entity: "target", table: "targets", refs: &[("rep_id", "reps"), ("account_id", "accounts")] },
];

/// Columns that never travel: the local key, the uid (the record's name on
/// every laptop), and what the local triggers keep.
const LOCAL_ONLY: &[&str] = &["id", "uid", "last_touch_at"];

pub fn synced(entity: &str) -> Option<&'static Synced> {
    SYNCED.iter().find(|s| s.entity == entity)
}

/// The spec of a shared entity, or an error naming it.
fn shared(entity: &str) -> Result<&'static Synced> {
    synced(entity).ok_or_else(|| anyhow!("{entity} is not shared with the team"))
}

fn rank(entity: &str) -> usize {
    SYNCED.iter().position(|s| s.entity == entity).unwrap_or(usize::MAX)
}

/// One field of one record as written on this laptop, ready to push.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Op {
    #[serde(rename = "e")]
    pub entity: String,
    #[serde(rename = "u")]
    pub uid: String,
    #[serde(rename = "f")]
    pub field: String,
    #[serde(rename = "v")]
    pub value: Json,
    #[serde(rename = "h")]
    pub hlc: i64,
    /// The clock of the value the writer had seen (0: the team's starting value).
    #[serde(rename = "b")]
    pub base: i64,
}

/// What is waiting to be pushed: the ops, and the last change-log row they cover.
#[derive(Debug, Default)]
pub struct Pending {
    pub ops: Vec<Op>,
    pub last_change: i64,
}

impl Pending {
    /// The ops cut into runs of at most `limit` (one push each), never
    /// splitting a record: the server takes a record it does not hold only
    /// with all its fields, and a record with more fields than `limit` goes whole.
    pub fn chunks(&self, limit: usize) -> Vec<std::ops::Range<usize>> {
        let limit = limit.max(1);
        let mut out = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < self.ops.len() {
            let mut end = i + 1;
            while end < self.ops.len()
                && self.ops[end].entity == self.ops[i].entity
                && self.ops[end].uid == self.ops[i].uid
            {
                end += 1;
            }
            if end - start > limit && i > start {
                out.push(start..i);
                start = i;
            }
            i = end;
        }
        if start < self.ops.len() {
            out.push(start..self.ops.len());
        }
        out
    }
}

/// A record as the server holds it: field values and their clocks.
#[derive(Debug, Clone)]
pub struct RemoteRecord {
    pub entity: String,
    pub uid: String,
    pub data: Map<String, Json>,
    /// field -> [hlc, device]
    pub clocks: Map<String, Json>,
}

/// What applying the server's records did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Applied {
    pub inserted: usize,
    pub updated: usize,
    /// Fields kept because this laptop changed them later (pushed next time).
    pub kept_local: usize,
    /// Records whose fields, merged, broke a rule of their table and were
    /// set right by `domain::repair`.
    pub repaired: usize,
    /// Records that still could not be applied: kept in `sync_held` and tried
    /// again at every pull until they apply.
    pub held: usize,
    /// Records that came back exactly as this laptop already had them (its
    /// own push, returned by the pull): nothing new to tell.
    pub echoed: usize,
}

/// References pulled before the record they name: (table, record uid,
/// field, uid named), set by `Store::sync_link` once that record is in.
#[derive(Default)]
pub struct Links(Vec<(&'static Synced, String, String, String)>);

/// Settings keys of team mode (in the local settings table).
pub const SERVER_KEY: &str = "team_server";
pub const DEVICE_KEY: &str = "team_device";
pub const LOGIN_KEY: &str = "team_login";
pub const CURSOR_KEY: &str = "team_cursor";
pub const PUSHED_KEY: &str = "team_pushed";
pub const SYNCED_AT_KEY: &str = "team_synced_at";
/// When this laptop's syncs last looked whether to purge the team's deleted records.
pub const PURGED_AT_KEY: &str = "team_purged_at";
/// The last mutation id this laptop gave a push.
pub const MUTATION_KEY: &str = "team_mutation";
/// A run of pushes under way (JSON), so a backlog cut short goes on where it stopped.
pub const RUN_KEY: &str = "team_push_run";
/// Ids of sync conflicts settled here, not yet sent to the server (a JSON list).
pub const RESOLVED_KEY: &str = "team_resolved";

/// (entity, local id) -> field -> clock of its newest unpushed change.
type Changed = BTreeMap<(String, i64), BTreeMap<String, i64>>;

/// Receives one record of a dump: entity, uid, fields.
pub type DumpRow<'a> = dyn FnMut(&str, &str, &Map<String, Json>) -> Result<()> + 'a;

fn to_json(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(i),
        Value::Real(f) => Json::from(f),
        Value::Text(t) => Json::String(t),
        // No shared table holds blobs.
        Value::Blob(_) => Json::Null,
    }
}

fn to_sql(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(*b as i64),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or_default()),
        },
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// The clock of a field in a `{"field": [hlc, device]}` map.
pub fn stamp_of(clocks: &Map<String, Json>, field: &str) -> Option<Stamp> {
    let pair = clocks.get(field)?.as_array()?;
    Some(Stamp { hlc: pair.first()?.as_i64()?, device: pair.get(1)?.as_str()?.to_string() })
}

impl Store {
    /// The columns of a shared table that travel, in table order.
    pub(crate) fn synced_columns(&self, table: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
        let cols = stmt.query_map([table], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cols.into_iter().filter(|c| !LOCAL_ONLY.contains(&c.as_str())).collect())
    }

    fn setting_i64(&self, key: &str) -> Result<i64> {
        Ok(self.setting(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// The fields changed since the last push, up to change-log row `upto`:
    /// (entity, local id) -> field -> clock.
    fn changed_fields(&self, upto: i64) -> Result<(Changed, i64)> {
        let pushed = self.setting_i64(PUSHED_KEY)?;
        let mut columns: HashMap<&'static str, Vec<String>> = HashMap::new();
        let mut out: Changed = BTreeMap::new();
        let mut last = pushed;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, entity, entity_id, before, after, coalesce(hlc, 0) FROM change_log
             WHERE id > ?1 AND id <= ?2 ORDER BY id",
        )?;
        let mut rows = stmt.query([pushed, upto])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            last = id;
            let entity: String = r.get(1)?;
            let Some(spec) = synced(&entity) else { continue };
            let entity_id: i64 = r.get(2)?;
            let before: Option<String> = r.get(3)?;
            let after: Option<String> = r.get(4)?;
            let at: i64 = r.get(5)?;
            if !columns.contains_key(spec.table) {
                columns.insert(spec.table, self.synced_columns(spec.table)?);
            }
            let cols = &columns[spec.table];
            // A bulk entry (an import's created rows, or their undo/redo)
            // stands for every row of its runs, each wholly written.
            if let Some(bulk) = super::changes::BulkRows::parse(after.as_deref()) {
                for row in bulk.ids() {
                    let fields = out.entry((entity.clone(), row)).or_default();
                    for c in cols {
                        let e = fields.entry(c.to_string()).or_insert(at);
                        *e = (*e).max(at);
                    }
                }
                continue;
            }
            let fields = out.entry((entity, entity_id)).or_default();
            let mut touch = |f: &str| {
                let e = fields.entry(f.to_string()).or_insert(at);
                *e = (*e).max(at);
            };
            match (before, after) {
                (Some(b), Some(a)) => {
                    let b: Map<String, Json> = serde_json::from_str(&b)?;
                    let a: Map<String, Json> = serde_json::from_str(&a)?;
                    for c in cols {
                        if b.get(c).unwrap_or(&Json::Null) != a.get(c).unwrap_or(&Json::Null) {
                            touch(c);
                        }
                    }
                    // Every write stamps it; it travels with the fields it came with.
                    touch("updated_at");
                }
                _ => cols.iter().for_each(|c| touch(c)),
            }
        }
        Ok((out, last))
    }

    /// The local clocks of a record's fields (empty when it never changed since the team began).
    fn local_clocks(&self, entity: &str, uid: &str) -> Result<Map<String, Json>> {
        let text: Option<String> = self
            .conn()
            .prepare_cached("SELECT clocks FROM sync_clocks WHERE entity = ?1 AND uid = ?2")?
            .query_row([entity, uid], |r| r.get(0))
            .optional()?;
        Ok(match text {
            Some(t) => serde_json::from_str(&t)?,
            None => Map::new(),
        })
    }

    fn save_clocks(&self, entity: &str, uid: &str, clocks: &Map<String, Json>) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO sync_clocks (entity, uid, clocks) VALUES (?1, ?2, ?3)
                 ON CONFLICT (entity, uid) DO UPDATE SET clocks = excluded.clocks",
            )?
            .execute(rusqlite::params![entity, uid, serde_json::to_string(clocks)?])?;
        Ok(())
    }

    /// The uid of a row, by local id.
    fn uid_of(&self, table: &str, id: i64) -> Result<Option<String>> {
        let sql = format!("SELECT uid FROM {table} WHERE id = ?1");
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], |r| r.get(0)).optional()?)
    }

    fn id_of(&self, table: &str, uid: &str) -> Result<Option<i64>> {
        let sql = format!("SELECT id FROM {table} WHERE uid = ?1");
        Ok(self.conn().prepare_cached(&sql)?.query_row([uid], |r| r.get(0)).optional()?)
    }

    /// A record's travelling fields with references as uids, by local id.
    fn shared_row(&self, spec: &Synced, cols: &[String], id: i64) -> Result<Option<(String, Map<String, Json>)>> {
        let sql = format!("SELECT uid, {} FROM {} WHERE id = ?1", cols.join(", "), spec.table);
        let row = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], |r| {
                let uid: String = r.get(0)?;
                let mut vals = Vec::with_capacity(cols.len());
                for i in 0..cols.len() {
                    vals.push(r.get::<_, Value>(i + 1)?);
                }
                Ok((uid, vals))
            })
            .optional()?;
        let Some((uid, vals)) = row else { return Ok(None) };
        let mut data = Map::new();
        for (c, v) in cols.iter().zip(vals) {
            let value = match (spec.refs.iter().find(|(rc, _)| rc == c), v) {
                (Some((_, target)), Value::Integer(rid)) => match self.uid_of(target, rid)? {
                    Some(u) => Json::String(u),
                    None => Json::Null,
                },
                (_, v) => to_json(v),
            };
            data.insert(c.clone(), value);
        }
        Ok(Some((uid, data)))
    }

    /// The changes made here since the last push, as per-field ops.
    pub fn sync_pending(&self) -> Result<Pending> {
        self.sync_pending_upto(i64::MAX)
    }

    /// The changes made here since the last push up to change-log row
    /// `upto`, as per-field ops, records in reference order (a record before
    /// those that point at it, whatever push they go in).
    pub fn sync_pending_upto(&self, upto: i64) -> Result<Pending> {
        let (changed, last_change) = self.changed_fields(upto)?;
        let mut ops = Vec::new();
        let mut columns: HashMap<&'static str, Vec<String>> = HashMap::new();
        let mut changed: Vec<_> = changed.into_iter().collect();
        changed.sort_by_key(|((entity, id), _)| (rank(entity), *id));
        for ((entity, id), fields) in changed {
            let spec = synced(&entity).expect("only shared entities are collected");
            if !columns.contains_key(spec.table) {
                columns.insert(spec.table, self.synced_columns(spec.table)?);
            }
            let Some((uid, data)) = self.shared_row(spec, &columns[spec.table], id)? else { continue };
            let clocks = self.local_clocks(&entity, &uid)?;
            for (field, at) in fields {
                let Some(value) = data.get(&field) else { continue };
                let base = stamp_of(&clocks, &field).map_or(0, |s| s.hlc);
                ops.push(Op { entity: entity.clone(), uid: uid.clone(), field, value: value.clone(), hlc: at, base });
            }
        }
        Ok(Pending { ops, last_change })
    }

    /// Notes a push the server accepted: the fields' clocks are now the
    /// ones pushed, and the change log is pushed up to `last_change`.
    pub fn sync_mark_pushed(&self, pending: &Pending, device: &str) -> Result<()> {
        self.write(|s| {
            s.sync_mark_clocks(&pending.ops, device)?;
            s.set_setting(PUSHED_KEY, &pending.last_change.to_string())
        })
    }

    /// Notes ops the server took (one push of a run): their fields' clocks are now the ones pushed.
    pub fn sync_mark_clocks(&self, ops: &[Op], device: &str) -> Result<()> {
        self.write(|s| {
            let mut by_record: BTreeMap<(&str, &str), Vec<&Op>> = BTreeMap::new();
            for op in ops {
                by_record.entry((&op.entity, &op.uid)).or_default().push(op);
            }
            for ((entity, uid), ops) in by_record {
                let mut clocks = s.local_clocks(entity, uid)?;
                for op in ops {
                    clocks.insert(op.field.clone(), Json::Array(vec![Json::from(op.hlc), Json::from(device)]));
                }
                s.save_clocks(entity, uid, &clocks)?;
            }
            Ok(())
        })
    }

    /// Ends a run of pushes: the change log is pushed up to `last_change`.
    pub fn sync_end_run(&self, last_change: i64) -> Result<()> {
        self.write(|s| {
            s.set_setting(PUSHED_KEY, &last_change.to_string())?;
            s.conn().execute("DELETE FROM settings WHERE key = ?1", [RUN_KEY])?;
            Ok(())
        })
    }

    /// Drops a run of pushes the server will not take as numbered (this file
    /// was restored from a backup): pushes are numbered after `last_mutation` from now on.
    pub fn sync_rebase(&self, last_mutation: i64) -> Result<()> {
        self.write(|s| {
            let now = s.sync_mutation()?.max(last_mutation);
            s.set_setting(MUTATION_KEY, &now.to_string())?;
            s.conn().execute("DELETE FROM settings WHERE key = ?1", [RUN_KEY])?;
            Ok(())
        })
    }

    /// The last mutation id given to a push. Before runs had their own
    /// numbers, a push was numbered by its last change-log row.
    pub fn sync_mutation(&self) -> Result<i64> {
        Ok(self.setting_i64(MUTATION_KEY)?.max(self.setting_i64(PUSHED_KEY)?))
    }

    /// Brings the clock past every clock seen, so later local edits are later.
    pub fn sync_observe(&self, seen: i64) -> Result<()> {
        self.write(|s| {
            s.conn().execute("UPDATE sync_clock SET hlc = max(hlc, ?1) WHERE id = 1", [seen])?;
            Ok(())
        })
    }

    /// The last clock issued or seen here.
    pub fn sync_clock(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT hlc FROM sync_clock WHERE id = 1", [], |r| r.get(0))?)
    }

    /// Moves the clock back to `hlc` (a laptop far ahead of the server) and
    /// brings the clocks of changes not yet pushed down with it, in order.
    pub fn sync_clamp(&self, hlc: i64) -> Result<usize> {
        self.write(|s| {
            let pushed = s.setting_i64(PUSHED_KEY)?;
            let n = s.conn().execute(
                "UPDATE change_log SET hlc = ?1 + (id - ?2) WHERE id > ?2 AND hlc > ?1",
                rusqlite::params![hlc, pushed],
            )?;
            let top: i64 = s.conn().query_row(
                "SELECT coalesce(max(hlc), ?1) FROM change_log WHERE id > ?2",
                [hlc, pushed],
                |r| r.get(0),
            )?;
            s.conn().execute("UPDATE sync_clock SET hlc = max(?1, ?2) WHERE id = 1", [hlc, top])?;
            Ok(n)
        })
    }

    /// Applies the server's records: every field the server holds, except
    /// those this laptop changed later and has not pushed yet. Nothing goes
    /// into the change log. Returns what was done and the latest clock seen.
    pub fn sync_apply(&self, records: &mut [RemoteRecord], device: &str) -> Result<(Applied, i64)> {
        self.write(|s| {
            let mut links = Links::default();
            let done = s.sync_apply_part(records, device, &mut links)?;
            s.sync_link(links)?;
            Ok(done)
        })
    }

    /// `sync_apply` for one part of a larger load (the batches of a join):
    /// references to records not here yet are kept in `links`, for
    /// `sync_link` once every part is in.
    pub fn sync_apply_part(
        &self,
        records: &mut [RemoteRecord],
        device: &str,
        links: &mut Links,
    ) -> Result<(Applied, i64)> {
        self.write(|s| {
            // Records held back by an earlier pull go again, unless a newer
            // copy came now; all in reference order.
            let incoming: HashSet<(&str, &str)> = records.iter().map(|r| (r.entity.as_str(), r.uid.as_str())).collect();
            let held: Vec<RemoteRecord> = s
                .sync_held()?
                .into_iter()
                .filter(|h| !incoming.contains(&(h.entity.as_str(), h.uid.as_str())))
                .collect();
            drop(incoming);
            let mut any_held = !held.is_empty();
            let mut all: Vec<&RemoteRecord> = records.iter().chain(held.iter()).collect();
            all.sort_by_key(|r| rank(&r.entity));
            let (changed, _) = s.changed_fields(i64::MAX)?;
            // (entity, uid) -> field -> clock of the unpushed local edit.
            let mut dirty: HashMap<(String, String), BTreeMap<String, i64>> = HashMap::new();
            for ((entity, id), fields) in changed {
                let spec = synced(&entity).expect("only shared entities are collected");
                if let Some(uid) = s.uid_of(spec.table, id)? {
                    dirty.insert((entity, uid), fields);
                }
            }
            let mut applied = Applied::default();
            let mut seen = 0i64;
            let mut columns: HashMap<&'static str, HashSet<String>> = HashMap::new();
            for rec in all {
                let Some(spec) = synced(&rec.entity) else { continue };
                if !columns.contains_key(spec.table) {
                    columns.insert(spec.table, s.synced_columns(spec.table)?.into_iter().collect());
                }
                let cols = &columns[spec.table];
                let mine = dirty.get(&(rec.entity.clone(), rec.uid.clone()));
                let mut local_clocks = s.local_clocks(&rec.entity, &rec.uid)?;
                // Whether any field brings a stamp this laptop does not hold
                // yet (a record without stamps is taken as news).
                let mut news = rec.clocks.is_empty();
                let mut sets: Vec<(String, Value)> = Vec::new();
                for (field, value) in &rec.data {
                    if !cols.contains(field) {
                        continue;
                    }
                    let theirs = stamp_of(&rec.clocks, field);
                    if let Some(t) = &theirs {
                        seen = seen.max(t.hlc);
                    }
                    if let Some(at) = mine.and_then(|m| m.get(field)) {
                        let ours = Stamp { hlc: *at, device: device.to_string() };
                        let theirs = theirs.clone().unwrap_or(Stamp { hlc: 0, device: String::new() });
                        if hlc::compare(&ours, &theirs).is_gt() {
                            applied.kept_local += 1;
                            continue;
                        }
                    }
                    match theirs {
                        Some(t) => {
                            let stamp = Json::Array(vec![Json::from(t.hlc), Json::from(t.device)]);
                            news |= local_clocks.get(field) != Some(&stamp);
                            local_clocks.insert(field.clone(), stamp);
                        }
                        None => {
                            news |= local_clocks.remove(field).is_some();
                        }
                    }
                    let value = match spec.refs.iter().find(|(c, _)| c == field) {
                        Some((_, target)) => match value.as_str() {
                            Some(ref_uid) => match s.id_of(target, ref_uid)? {
                                Some(id) => Value::Integer(id),
                                None => {
                                    links.0.push((spec, rec.uid.clone(), field.clone(), ref_uid.to_string()));
                                    Value::Null
                                }
                            },
                            None => Value::Null,
                        },
                        None => to_sql(value),
                    };
                    sets.push((field.clone(), value));
                }
                let exists = s.id_of(spec.table, &rec.uid)?.is_some();
                let put = |sets: &[(String, Value)]| {
                    if exists {
                        s.update_fields(spec.table, &rec.uid, sets)
                    } else {
                        s.insert_fields(spec.table, &rec.uid, sets)
                    }
                };
                // A failed statement changes nothing (SQLite undoes it alone),
                // so the same record can be tried again, repaired.
                let mut done = put(&sets);
                if done.is_err() {
                    // Fields merged from two writers can break a rule of the
                    // table (a deal "won" without its close date): the same
                    // repair on every laptop, dated by the deciding field's clock.
                    let row = s.merged_row(spec, &rec.uid, &sets)?;
                    let decided = crate::domain::repair::deciding_field(&rec.entity)
                        .and_then(|f| stamp_of(&rec.clocks, f))
                        .map_or(0, |st| hlc::millis(st.hlc));
                    let fixes = crate::domain::repair::repair(&rec.entity, &row, decided);
                    if !fixes.is_empty() {
                        let mut fixed = sets.clone();
                        for (field, value) in fixes {
                            fixed.retain(|(c, _)| *c != field);
                            fixed.push((field, to_sql(&value)));
                        }
                        done = put(&fixed);
                        if done.is_ok() {
                            applied.repaired += 1;
                        }
                    }
                }
                if exists && !news && done.is_ok() {
                    applied.echoed += 1;
                }
                match done {
                    Ok(()) if exists => applied.updated += 1,
                    Ok(()) => applied.inserted += 1,
                    // A record under one this laptop does not have yet, or a
                    // rule no repair settles: the rest of the pull still lands,
                    // and the record is kept to be tried again at the next pull.
                    Err(e) => {
                        s.sync_hold(rec, &format!("{e:#}"))?;
                        applied.held += 1;
                        any_held = true;
                        continue;
                    }
                }
                if any_held {
                    s.conn()
                        .prepare_cached("DELETE FROM sync_held WHERE entity = ?1 AND uid = ?2")?
                        .execute([&rec.entity, &rec.uid])?;
                }
                if !(local_clocks.is_empty() && rec.clocks.is_empty()) {
                    s.save_clocks(&rec.entity, &rec.uid, &local_clocks)?;
                }
            }
            s.conn().execute("UPDATE sync_clock SET hlc = max(hlc, ?1) WHERE id = 1", [seen])?;
            Ok((applied, seen))
        })
    }

    /// Sets the references that named a record which came later in the
    /// same pull or load (a parent account, a rep's manager).
    pub fn sync_link(&self, links: Links) -> Result<()> {
        self.write(|s| {
            for (spec, uid, field, ref_uid) in links.0 {
                let target = spec.refs.iter().find(|(c, _)| *c == field).map(|(_, t)| *t).unwrap_or_default();
                if let Some(id) = s.id_of(target, &ref_uid)? {
                    s.update_fields(spec.table, &uid, &[(field, Value::Integer(id))])?;
                }
            }
            Ok(())
        })
    }

    /// Which of `fields` of a record hold a value another device wrote,
    /// pulled by sync (none when this book is not in a team).
    pub(crate) fn sync_fields_from_team(&self, entity: &str, uid: &str, fields: &[String]) -> Result<Vec<String>> {
        let Some(device) = self.setting(DEVICE_KEY)? else { return Ok(Vec::new()) };
        let clocks = self.local_clocks(entity, uid)?;
        Ok(fields.iter().filter(|f| stamp_of(&clocks, f).is_some_and(|s| s.device != device)).cloned().collect())
    }

    /// A record as it would stand with `sets` applied (the local row, if
    /// any, under them): what a repair looks at.
    fn merged_row(&self, spec: &Synced, uid: &str, sets: &[(String, Value)]) -> Result<Map<String, Json>> {
        let cols = self.synced_columns(spec.table)?;
        let sql = format!("SELECT {} FROM {} WHERE uid = ?1", cols.join(", "), spec.table);
        let vals: Option<Vec<Value>> = self
            .conn()
            .query_row(&sql, [uid], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect())
            .optional()?;
        let mut row: Map<String, Json> = match vals {
            Some(v) => cols.iter().cloned().zip(v.into_iter().map(to_json)).collect(),
            None => Map::new(),
        };
        for (c, v) in sets {
            row.insert(c.clone(), to_json(v.clone()));
        }
        Ok(row)
    }

    /// Keeps a pulled record that could not be applied, to try it again at the next pull.
    fn sync_hold(&self, rec: &RemoteRecord, reason: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO sync_held (entity, uid, data, clocks, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (entity, uid) DO UPDATE SET data = excluded.data, clocks = excluded.clocks,
                     reason = excluded.reason",
            )?
            .execute(rusqlite::params![
                rec.entity,
                rec.uid,
                serde_json::to_string(&rec.data)?,
                serde_json::to_string(&rec.clocks)?,
                reason,
                self.now_text()
            ])?;
        Ok(())
    }

    /// The pulled records waiting to be applied here.
    pub fn sync_held(&self) -> Result<Vec<RemoteRecord>> {
        let mut stmt = self.conn().prepare_cached("SELECT entity, uid, data, clocks FROM sync_held ORDER BY at")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(entity, uid, data, clocks)| {
                Ok(RemoteRecord {
                    entity,
                    uid,
                    data: serde_json::from_str(&data)?,
                    clocks: serde_json::from_str(&clocks)?,
                })
            })
            .collect()
    }

    /// After a full resync: a live record the team's book no longer holds
    /// was deleted and purged on the server while this laptop was away, so
    /// it is tombstoned here too, outside the change log. Returns how many.
    pub fn sync_tombstone_missing(&self, kept: &HashSet<(String, String)>) -> Result<usize> {
        self.write(|s| {
            let now = s.now_text();
            // Written here since the push (not on the server yet): not the team's to take away.
            let (changed, _) = s.changed_fields(i64::MAX)?;
            let mut n = 0;
            for spec in SYNCED {
                let sql = format!("SELECT id, uid FROM {} WHERE deleted_at IS NULL", spec.table);
                let rows: Vec<(i64, String)> = s
                    .conn()
                    .prepare(&sql)?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                let gone = format!("UPDATE {} SET deleted_at = ?2 WHERE uid = ?1", spec.table);
                for (id, uid) in rows {
                    if changed.contains_key(&(spec.entity.to_string(), id)) {
                        continue;
                    }
                    if !kept.contains(&(spec.entity.to_string(), uid.clone())) {
                        s.conn().prepare_cached(&gone)?.execute([&uid, &now])?;
                        n += 1;
                    }
                }
            }
            Ok(n)
        })
    }

    // Column names come from this schema's own table info, matched against
    // the record's keys: never text from the server as SQL.
    fn update_fields(&self, table: &str, uid: &str, sets: &[(String, Value)]) -> Result<()> {
        if sets.is_empty() {
            return Ok(());
        }
        let assign: Vec<String> = sets.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 2)).collect();
        let sql = format!("UPDATE {table} SET {} WHERE uid = ?1", assign.join(", "));
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&uid];
        params.extend(sets.iter().map(|(_, v)| v as &dyn rusqlite::ToSql));
        self.conn()
            .prepare_cached(&sql)?
            .execute(params.as_slice())
            .with_context(|| format!("cannot apply the server's {table} record {uid}"))?;
        Ok(())
    }

    fn insert_fields(&self, table: &str, uid: &str, sets: &[(String, Value)]) -> Result<()> {
        let cols: Vec<&str> = sets.iter().map(|(c, _)| c.as_str()).collect();
        let marks: Vec<String> = (2..sets.len() + 2).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {table} (uid, {}) VALUES (?1, {})", cols.join(", "), marks.join(", "));
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&uid];
        params.extend(sets.iter().map(|(_, v)| v as &dyn rusqlite::ToSql));
        self.conn()
            .prepare_cached(&sql)?
            .execute(params.as_slice())
            .with_context(|| format!("cannot add the server's {table} record {uid}"))?;
        Ok(())
    }

    /// Every shared record of this book, tombstones included, in reference
    /// order: what `team init` uploads.
    pub fn sync_dump(&self, f: &mut DumpRow<'_>) -> Result<usize> {
        let mut n = 0;
        for spec in SYNCED {
            let cols = self.synced_columns(spec.table)?;
            let ids: Vec<i64> = {
                let sql = format!("SELECT id FROM {} ORDER BY id", spec.table);
                let mut stmt = self.conn().prepare(&sql)?;
                let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                ids
            };
            for id in ids {
                if let Some((uid, data)) = self.shared_row(spec, &cols, id)? {
                    f(spec.entity, &uid, &data)?;
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// Whether this file holds no records and no history: a joining laptop
    /// starts from the team's book, never mixes it with its own.
    pub fn sync_is_empty(&self) -> Result<bool> {
        let changes: i64 = self.conn().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?;
        if changes > 0 {
            return Ok(false);
        }
        for spec in SYNCED {
            let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", spec.table);
            let any: bool = self.conn().query_row(&sql, [], |r| r.get(0))?;
            if any {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Starts loading the team's book into this empty file: the indexes
    /// and triggers of the shared tables are dropped, to be built once after
    /// the rows are in (`sync_load_end`). Call inside one `write`.
    pub fn sync_load_begin(&self) -> Result<Vec<(String, String, String)>> {
        let tables: Vec<&str> = SYNCED.iter().map(|t| t.table).collect();
        let mut stmt = self.conn().prepare(
            "SELECT type, name, sql FROM sqlite_master
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?1))",
        )?;
        let schema: Vec<(String, String, String)> = stmt
            .query_map([serde_json::to_string(&tables)?], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        for (kind, name, _) in &schema {
            self.conn().execute_batch(&format!("DROP {} \"{}\"", kind.to_uppercase(), name.replace('"', "\"\"")))?;
        }
        Ok(schema)
    }

    /// Builds again what `sync_load_begin` dropped, and what its triggers would have kept.
    pub fn sync_load_end(&self, schema: &[(String, String, String)]) -> Result<()> {
        for (_, _, sql) in schema {
            self.conn().execute_batch(sql)?;
        }
        self.conn().execute_batch(
            "UPDATE accounts SET last_touch_at = (
                 SELECT max(occurred_at) FROM activities
                 WHERE account_id = accounts.id AND deleted_at IS NULL AND kind IN ('call', 'email', 'meeting'));
             INSERT INTO search_log (kind, row_id) SELECT 0, id FROM accounts;
             INSERT INTO search_log (kind, row_id) SELECT 1, id FROM contacts;",
        )?;
        Ok(())
    }

    /// Marks every change made so far as already on the server (after an
    /// upload of the whole book, or a join).
    pub fn sync_mark_all_pushed(&self) -> Result<()> {
        self.write(|s| {
            let last: i64 = s.conn().query_row("SELECT coalesce(max(id), 0) FROM change_log", [], |r| r.get(0))?;
            s.set_setting(PUSHED_KEY, &last.to_string())
        })
    }

    /// Records sync conflicts pulled from the server (ids are the server's).
    pub fn sync_save_conflicts(&self, rows: &[SyncConflict]) -> Result<()> {
        self.write(|s| {
            for c in rows {
                s.conn()
                    .prepare_cached(
                        "INSERT INTO sync_conflicts (id, entity, uid, field, winner_value, loser_value,
                             winner_hlc, loser_hlc, winner_device, loser_device, winner_login, loser_login, at,
                             resolved_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                         ON CONFLICT (id) DO UPDATE
                         SET resolved_at = coalesce(sync_conflicts.resolved_at, excluded.resolved_at)",
                    )?
                    .execute(rusqlite::params![
                        c.id,
                        c.entity,
                        c.uid,
                        c.field,
                        c.winner_value,
                        c.loser_value,
                        c.winner_hlc,
                        c.loser_hlc,
                        c.winner_device,
                        c.loser_device,
                        c.winner_login,
                        c.loser_login,
                        c.at,
                        c.resolved_at
                    ])?;
            }
            Ok(())
        })
    }

    /// How many sync conflicts are open here (the header's and status's count).
    pub fn sync_conflict_count(&self) -> Result<usize> {
        let n: i64 =
            self.conn().query_row("SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// The sync conflicts known here, newest first.
    pub fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        let sql = format!("{OPEN_CONFLICTS} ORDER BY id DESC");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], conflict_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The shared rows of one table as the team sees them, by uid, with
    /// references as uids: what convergence is checked on.
    pub fn sync_snapshot(&self, entity: &str) -> Result<BTreeMap<String, Map<String, Json>>> {
        let spec = shared(entity)?;
        let cols: Vec<String> = self.synced_columns(spec.table)?.into_iter().filter(|c| c != "updated_at").collect();
        let sql = format!("SELECT id FROM {} ORDER BY id", spec.table);
        let ids: Vec<i64> = self.conn().prepare(&sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut out = BTreeMap::new();
        for id in ids {
            if let Some((uid, data)) = self.shared_row(spec, &cols, id)? {
                out.insert(uid, data);
            }
        }
        Ok(out)
    }
}

/// An overwrite of a value its writer had not seen.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SyncConflict {
    pub id: i64,
    pub entity: String,
    pub uid: String,
    pub field: String,
    pub winner_value: Option<String>,
    pub loser_value: Option<String>,
    pub winner_hlc: i64,
    pub loser_hlc: i64,
    pub winner_device: String,
    pub loser_device: String,
    pub winner_login: Option<String>,
    pub loser_login: Option<String>,
    pub at: String,
    /// When it was settled (by one of its writers or a manager), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
}

impl Store {
    /// The uid of the live rep of this name (the team's `me`).
    pub fn rep_uid_by_name(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT uid FROM reps WHERE name = ?1 COLLATE NOCASE AND deleted_at IS NULL ORDER BY id LIMIT 1",
                [name],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn rep_name_by_uid(&self, uid: &str) -> Result<Option<String>> {
        Ok(self.conn().query_row("SELECT name FROM reps WHERE uid = ?1", [uid], |r| r.get(0)).optional()?)
    }
}

impl Store {
    /// The local id of a shared record, by its uid.
    pub fn sync_local_id(&self, entity: &str, uid: &str) -> Result<Option<i64>> {
        let spec = shared(entity)?;
        self.id_of(spec.table, uid)
    }
}

impl Store {
    /// How a person names a shared record: "account Acme Ltd".
    pub fn sync_label(&self, entity: &str, uid: &str) -> Result<String> {
        Ok(format!("{entity} {}", self.sync_name(entity, uid)?))
    }

    /// A shared record's name as a person reads it (its uid when it has none
    /// here), without its kind: where a column already says what it is.
    pub fn sync_name(&self, entity: &str, uid: &str) -> Result<String> {
        let spec = shared(entity)?;
        let cols = self.synced_columns(spec.table)?;
        let col = ["name", "title", "summary", "period"].into_iter().find(|c| cols.iter().any(|x| x == c));
        let name: Option<String> = match col {
            Some(c) => {
                let sql = format!("SELECT {c} FROM {} WHERE uid = ?1", spec.table);
                self.conn().query_row(&sql, [uid], |r| r.get(0)).optional()?
            }
            None => None,
        };
        Ok(match name {
            Some(n) => crate::domain::sanitize::line(&n).into_owned(),
            None => uid.to_string(),
        })
    }

    /// Takes back a record the server refused to create: tombstoned here as
    /// it never existed for the team, outside the change log.
    pub fn sync_discard(&self, entity: &str, uid: &str) -> Result<()> {
        let spec = shared(entity)?;
        let sql = format!("UPDATE {} SET deleted_at = ?2 WHERE uid = ?1 AND deleted_at IS NULL", spec.table);
        self.write(|s| {
            s.conn().execute(&sql, [uid, &s.now_text()])?;
            Ok(())
        })
    }
}

impl Store {
    /// One sync conflict by its (server) id.
    pub fn sync_conflict(&self, id: i64) -> Result<Option<SyncConflict>> {
        let sql = format!("{OPEN_CONFLICTS} AND id = ?1");
        Ok(self.conn().query_row(&sql, [id], conflict_row).optional()?)
    }

    /// Marks a sync conflict as dealt with on this laptop, and queues it
    /// for the server, which settles it for the team at the next sync.
    pub fn sync_resolve_conflict(&self, id: i64) -> Result<()> {
        self.write(|s| {
            s.conn().execute(
                "UPDATE sync_conflicts SET resolved_at = ?2 WHERE id = ?1 AND resolved_at IS NULL",
                rusqlite::params![id, s.now_text()],
            )?;
            let mut ids = s.sync_resolutions()?;
            if !ids.contains(&id) {
                ids.push(id);
            }
            s.set_setting(RESOLVED_KEY, &serde_json::to_string(&ids)?)
        })
    }

    /// Conflicts settled here that the server has not been told of yet.
    pub fn sync_resolutions(&self) -> Result<Vec<i64>> {
        match self.setting(RESOLVED_KEY)? {
            Some(text) => serde_json::from_str(&text).with_context(|| format!("setting {RESOLVED_KEY}")),
            None => Ok(Vec::new()),
        }
    }

    /// The server has these resolutions now.
    pub fn sync_resolutions_sent(&self, sent: &[i64]) -> Result<()> {
        self.write(|s| {
            let left: Vec<i64> = s.sync_resolutions()?.into_iter().filter(|id| !sent.contains(id)).collect();
            s.set_setting(RESOLVED_KEY, &serde_json::to_string(&left)?)
        })
    }

    /// Changes made here that the server has not had yet (change-log rows
    /// of shared records after the last push).
    pub fn sync_waiting(&self) -> Result<usize> {
        let pushed = self.setting_i64(PUSHED_KEY)?;
        let entities: Vec<&str> = SYNCED.iter().map(|s| s.entity).collect();
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM change_log WHERE id > ?1 AND entity IN (SELECT value FROM json_each(?2))",
            rusqlite::params![pushed, serde_json::to_string(&entities)?],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Sets one field of a shared record as a person's own change (logged,
    /// pushed, undoable): how a sync conflict is resolved. `value` is as the
    /// server holds it (references as uids).
    pub fn sync_set_field(&self, entity: &str, uid: &str, field: &str, value: &Json) -> Result<()> {
        let spec = shared(entity)?;
        let id = self.id_of(spec.table, uid)?.ok_or_else(|| anyhow!("no {entity} {uid} on this laptop"))?;
        let value = match spec.refs.iter().find(|(c, _)| *c == field) {
            Some((_, target)) => match value.as_str() {
                Some(u) => Json::from(self.id_of(target, u)?.ok_or_else(|| anyhow!("{field}: no record {u} here"))?),
                None => Json::Null,
            },
            None => value.clone(),
        };
        use super::{Account, Activity, Conflict, Contact, Deal, Rep, Target};
        match entity {
            "rep" => self.set_field_as::<Rep>(id, field, value),
            "account" => self.set_field_as::<Account>(id, field, value),
            "contact" => self.set_field_as::<Contact>(id, field, value),
            "deal" => self.set_field_as::<Deal>(id, field, value),
            "conflict" => self.set_field_as::<Conflict>(id, field, value),
            "activity" => self.set_field_as::<Activity>(id, field, value),
            "target" => self.set_field_as::<Target>(id, field, value),
            _ => Err(anyhow!("{entity} is not shared with the team")),
        }
    }

    fn set_field_as<T: super::Record + serde::de::DeserializeOwned>(
        &self,
        id: i64,
        field: &str,
        value: Json,
    ) -> Result<()> {
        let rec: T = self.get_any(id)?.ok_or_else(|| anyhow!("no {} {id}", T::ENTITY.as_str()))?;
        if field == "deleted_at" {
            match (value.is_null(), rec.meta().deleted_at.is_some()) {
                (true, true) => drop(self.restore::<T>(id)?),
                (false, false) => drop(self.delete::<T>(id)?),
                _ => {}
            }
            return Ok(());
        }
        let mut map = match serde_json::to_value(&rec)? {
            Json::Object(m) => m,
            _ => return Err(anyhow!("{} {id} is not a record", T::ENTITY.as_str())),
        };
        // Flags are 0/1 in the table and true/false in the record.
        let value = match (map.get(field), &value) {
            (Some(Json::Bool(_)), Json::Number(n)) => Json::Bool(n.as_i64() != Some(0)),
            _ => value,
        };
        map.insert(field.to_string(), value);
        let mut rec: T = serde_json::from_value(Json::Object(map))
            .with_context(|| format!("cannot set {field} of {}", T::ENTITY.as_str()))?;
        self.update(&mut rec)
    }
}

/// The open sync conflicts, as `conflict_row` reads them.
const OPEN_CONFLICTS: &str = "SELECT id, entity, uid, field, winner_value, loser_value, winner_hlc, loser_hlc,
        winner_device, loser_device, winner_login, loser_login, at
     FROM sync_conflicts WHERE resolved_at IS NULL";

fn conflict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SyncConflict> {
    Ok(SyncConflict {
        id: r.get(0)?,
        entity: r.get(1)?,
        uid: r.get(2)?,
        field: r.get(3)?,
        winner_value: r.get(4)?,
        loser_value: r.get(5)?,
        winner_hlc: r.get(6)?,
        loser_hlc: r.get(7)?,
        winner_device: r.get(8)?,
        loser_device: r.get(9)?,
        winner_login: r.get(10)?,
        loser_login: r.get(11)?,
        at: r.get(12)?,
        resolved_at: None,
    })
}
