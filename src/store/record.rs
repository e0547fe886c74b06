//! Writing and reading whole records, the same way for every entity: one
//! place that stamps ids and times, keeps tombstones and logs each change.

use super::{new_uid, ChangeOp, Entity, Store};
use crate::domain::{limits, sanitize};
use anyhow::{anyhow, bail, Result};
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// The columns every entity row has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: i64,
    pub uid: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
}

impl Meta {
    pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Meta> {
        Ok(Meta {
            id: r.get("id")?,
            uid: r.get("uid")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
            deleted_at: r.get("deleted_at")?,
        })
    }
}

/// The column part of a `Record` impl, from one list of the fields a person
/// writes, in column order: `name` when the column has the field's name,
/// `commit: "commit_amount"` when it does not. Generates `COLUMNS`, `values`,
/// `from_row` and the `meta` accessors, so a new field is one entry here
/// (next to the struct's own line); each field converts through its type's
/// `ToSql`/`FromSql` (`sql_types.rs` for money, periods and the enums).
/// Fields after `; read:` are kept by the database and only read.
macro_rules! columns {
    ($($field:ident $(: $column:literal)?),+ $(,)? $(; read: $($derived:ident),+ $(,)?)?) => {
        const COLUMNS: &'static [&'static str] = &[$($crate::store::record::column_name!($field $(: $column)?)),+];
        fn meta(&self) -> &Meta {
            &self.meta
        }
        fn meta_mut(&mut self) -> &mut Meta {
            &mut self.meta
        }
        fn values(&self) -> Vec<&dyn rusqlite::types::ToSql> {
            vec![$(&self.$field),+]
        }
        fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
            Ok(Self {
                meta: Meta::from_row(r)?,
                $($field: r.get($crate::store::record::column_name!($field $(: $column)?))?,)+
                $($($derived: r.get(stringify!($derived))?,)+)?
            })
        }
    };
}
pub(crate) use columns;

/// The column of one `columns!` entry: its own, or the field's name.
macro_rules! column_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident : $column:literal) => {
        $column
    };
}
pub(crate) use column_name;

/// An entity stored in its own table. `COLUMNS` are the columns a person
/// writes, in the order `values` binds them; the meta columns are handled here.
pub trait Record: Serialize + Sized {
    const ENTITY: Entity;
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    /// (what, SQL counting live rows that point at `?1`): a record they
    /// point at is not taken away by an undo.
    const DEPENDENTS: &'static [(&'static str, &'static str)] = &[];
    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
    fn values(&self) -> Vec<&dyn ToSql>;
    /// Reads a full row selected with `SELECT *`.
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self>;
    /// Derives stored fields and checks the record before it is written.
    fn prepare(&mut self) -> Result<()> {
        Ok(())
    }
    /// `prepare`, for records whose derived fields depend on other rows.
    fn prepare_in(&mut self, _store: &Store) -> Result<()> {
        self.prepare()
    }
    /// Keeps rows derived from this one in step, inside the write that changed it.
    fn after_update(&self, _store: &Store) -> Result<()> {
        Ok(())
    }
    /// A short name for messages: "account Acme Ltd".
    fn describe(&self) -> String;
    /// Fills in what a new record takes from the day it is made (a deal's
    /// opening date), in the user's own day rather than UTC's.
    fn fill_new(&mut self, _today: chrono::NaiveDate) {}
    /// Checks the business rules that need other rows (duplicate names,
    /// cycles), inside the writing transaction so that no other writer can
    /// slip in between the check and the write. `before` is the stored
    /// record on an update, `None` on an insert.
    fn check(&self, _store: &Store, _before: Option<&Self>) -> Result<()> {
        Ok(())
    }
    /// Brings fields that follow from others in line before a person's write
    /// (`before` is the stored row of an update). Not run on undo or redo,
    /// which put back whole states.
    fn settle(&mut self, _store: &Store, _before: Option<&Self>) -> Result<()> {
        Ok(())
    }
    /// Writes that follow from this one, in the same transaction (and so
    /// the same undo step). Not run on undo or redo, which replay them.
    fn after_write(&self, _store: &Store, _before: Option<&Self>) -> Result<()> {
        Ok(())
    }
}

// The SQL below is assembled from the compile-time table and column names of
// `Record` implementations only; values are always bound parameters.
fn insert_sql<T: Record>(extra: &[(&'static str, &dyn ToSql)]) -> std::rc::Rc<str> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    type Key = (&'static str, Vec<&'static str>);
    thread_local! {
        // Built once per table and column set: an import inserts 100,000 rows.
        static SQL: RefCell<HashMap<Key, std::rc::Rc<str>>> = RefCell::new(HashMap::new());
    }
    let key = (T::TABLE, extra.iter().map(|(c, _)| *c).collect::<Vec<_>>());
    SQL.with(|cache| {
        if let Some(sql) = cache.borrow().get(&key) {
            return sql.clone();
        }
        let sql: std::rc::Rc<str> = build_insert_sql::<T>(extra).into();
        cache.borrow_mut().insert(key, sql.clone());
        sql
    })
}

fn build_insert_sql<T: Record>(extra: &[(&'static str, &dyn ToSql)]) -> String {
    let mut cols = T::COLUMNS.join(", ");
    for (c, _) in extra {
        cols.push_str(", ");
        cols.push_str(c);
    }
    let marks: Vec<String> = (5..5 + T::COLUMNS.len() + extra.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} (uid, created_at, updated_at, deleted_at, {cols}) VALUES (?1, ?2, ?3, ?4, {})",
        T::TABLE,
        marks.join(", ")
    )
}

fn update_sql<T: Record>() -> String {
    let sets: Vec<String> = T::COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 3)).collect();
    format!("UPDATE {} SET updated_at = ?2, {} WHERE id = ?1", T::TABLE, sets.join(", "))
}

impl Store {
    /// Inserts a new record, filling in its id, uid and times.
    pub fn insert<T: Record>(&self, rec: &mut T) -> Result<i64> {
        self.write(|s| {
            if s.checks_rules() {
                rec.fill_new(s.clock().today());
                rec.prepare()?;
                rec.settle(s, None)?;
                rec.check(s, None)?;
            }
            let id = s.insert_unlogged(rec)?;
            // Log the row as stored: defaults and triggers may have filled
            // fields in, and undo compares with exactly what was logged.
            *rec = s.get_any(id)?.ok_or_else(|| missing::<T>(id))?;
            s.log_change(T::ENTITY, id, ChangeOp::Insert, None, Some(&*rec))?;
            if s.checks_rules() {
                rec.after_write(s, None)?;
            }
            Ok(id)
        })
    }

    /// Inserts without a change-log row: for seeding a new database in bulk,
    /// where the seed itself is the baseline.
    pub(crate) fn insert_unlogged<T: Record>(&self, rec: &mut T) -> Result<i64> {
        self.insert_unlogged_with(rec, &[])
    }

    /// `insert_unlogged` that also writes columns the record type does not
    /// carry (an import's source id and custom fields), in the same INSERT.
    pub(crate) fn insert_unlogged_with<T: Record>(
        &self,
        rec: &mut T,
        extra: &[(&'static str, &dyn ToSql)],
    ) -> Result<i64> {
        rec.prepare_in(self)?;
        check_lengths(rec)?;
        let now = self.now_text();
        let meta = rec.meta_mut();
        if meta.uid.is_empty() {
            meta.uid = new_uid();
        }
        if meta.created_at.is_empty() {
            meta.created_at = now.clone();
        }
        meta.updated_at = now;
        let meta = rec.meta().clone();
        let mut params: Vec<&dyn ToSql> = Vec::with_capacity(4 + T::COLUMNS.len() + extra.len());
        params.extend([&meta.uid as &dyn ToSql, &meta.created_at, &meta.updated_at, &meta.deleted_at]);
        params.extend(rec.values());
        params.extend(extra.iter().map(|(_, v)| *v));
        let mut stmt = self.conn().prepare_cached(&insert_sql::<T>(extra))?;
        stmt.execute(params.as_slice()).map_err(|e| constraint_error(e, &sanitize::line(&rec.describe())))?;
        let id = self.conn().last_insert_rowid();
        rec.meta_mut().id = id;
        Ok(id)
    }

    /// Writes every column of a live record and logs before and after.
    pub fn update<T: Record>(&self, rec: &mut T) -> Result<()> {
        rec.prepare_in(self)?;
        check_lengths(rec)?;
        let id = rec.meta().id;
        self.write(|s| {
            let before: T = s.get(id)?.ok_or_else(|| missing::<T>(id))?;
            if s.checks_rules() {
                rec.settle(s, Some(&before))?;
                rec.check(s, Some(&before))?;
            }
            rec.meta_mut().updated_at = s.now_text();
            let updated_at = rec.meta().updated_at.clone();
            let mut params: Vec<&dyn ToSql> = vec![&id, &updated_at];
            params.extend(rec.values());
            s.conn()
                .prepare_cached(&update_sql::<T>())?
                .execute(params.as_slice())
                .map_err(|e| constraint_error(e, &sanitize::line(&rec.describe())))?;
            let after: T = s.get(id)?.ok_or_else(|| missing::<T>(id))?;
            after.after_update(s)?;
            *rec = after;
            s.log_change(T::ENTITY, id, ChangeOp::Update, Some(&before), Some(&*rec))?;
            if s.checks_rules() {
                rec.after_write(s, Some(&before))?;
            }
            Ok(())
        })
    }

    /// Tombstones a live record; returns it as it was.
    pub fn delete<T: Record>(&self, id: i64) -> Result<T> {
        self.set_deleted::<T>(id, true)
    }

    /// Lifts a tombstone; returns the live record.
    pub fn restore<T: Record>(&self, id: i64) -> Result<T> {
        self.set_deleted::<T>(id, false)
    }

    fn set_deleted<T: Record>(&self, id: i64, delete: bool) -> Result<T> {
        self.write(|s| {
            let before: T = s.get_any(id)?.ok_or_else(|| missing::<T>(id))?;
            if before.meta().deleted_at.is_some() == delete {
                let state = if delete { "already deleted" } else { "not deleted" };
                bail!("{} {id} is {state}", T::ENTITY.as_str());
            }
            let now = s.now_text();
            let tomb = delete.then(|| now.clone());
            let sql = format!("UPDATE {} SET deleted_at = ?2, updated_at = ?3 WHERE id = ?1", T::TABLE);
            s.conn().prepare_cached(&sql)?.execute(rusqlite::params![id, tomb, now])?;
            // Undo and redo bring a whole step back in their own order; the
            // step as a whole was consistent.
            if !delete && matches!(s.replay.get(), super::history::Replay::None) {
                refuse_restore_under_deleted(s, T::TABLE, id)?;
            }
            let after: T = s.get_any(id)?.ok_or_else(|| missing::<T>(id))?;
            let op = if delete { ChangeOp::Delete } else { ChangeOp::Restore };
            s.log_change(T::ENTITY, id, op, Some(&before), Some(&after))?;
            Ok(if delete { before } else { after })
        })
    }

    /// A live record by id.
    pub fn get<T: Record>(&self, id: i64) -> Result<Option<T>> {
        Ok(self.get_any::<T>(id)?.filter(|r| r.meta().deleted_at.is_none()))
    }

    /// A record by id, tombstoned or not.
    pub fn get_any<T: Record>(&self, id: i64) -> Result<Option<T>> {
        let sql = format!("SELECT * FROM {} WHERE id = ?1", T::TABLE);
        Ok(self.conn().prepare_cached(&sql)?.query_row([id], T::from_row).optional()?)
    }

    /// A live record by id, or an error that names it.
    pub fn require<T: Record>(&self, id: i64) -> Result<T> {
        self.get(id)?.ok_or_else(|| missing::<T>(id))
    }

    /// The ids of the live records whose ref is `r`, as `list` and `export`
    /// show it: the source system's id, else the record's uid. Usually one;
    /// two records imported from different sources may share a source id.
    pub fn ids_by_ref<T: Record>(&self, r: &str) -> Result<Vec<i64>> {
        // A record imported without a source id (a target) is named by its uid only.
        let by =
            if super::imports::carries_source_id(T::ENTITY) { "(uid = ?1 OR external_ref = ?1)" } else { "uid = ?1" };
        let sql = format!("SELECT id FROM {} WHERE {by} AND deleted_at IS NULL ORDER BY id LIMIT 10", T::TABLE);
        let mut st = self.conn().prepare_cached(&sql)?;
        let ids = st.query_map([r.trim()], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }
}

/// A record comes back only under live records: restoring a subsidiary
/// whose parent was deleted after it would leave it hanging from a
/// tombstone. The person restores the parent first.
fn refuse_restore_under_deleted(s: &Store, table: &str, id: i64) -> Result<()> {
    for link in super::links::LINKS.iter().filter(|l| l.table == table) {
        let name: Option<String> =
            s.conn().prepare_cached(&link.broken_sql(true))?.query_row([id], |r| r.get(0)).optional()?;
        if let Some(name) = name {
            bail!("cannot restore it: {} {} is deleted; restore that first", link.role, sanitize::line(&name));
        }
    }
    Ok(())
}

/// Refuses text longer than its column allows, whoever writes it: the
/// command line, the cockpit or an import (limits in `domain::limits`).
fn check_lengths<T: Record>(rec: &T) -> Result<()> {
    use rusqlite::types::{ToSqlOutput, Value, ValueRef};
    for (column, value) in T::COLUMNS.iter().zip(rec.values()) {
        let out = value.to_sql()?;
        let bytes = match &out {
            ToSqlOutput::Borrowed(ValueRef::Text(t)) => *t,
            ToSqlOutput::Owned(Value::Text(t)) => t.as_bytes(),
            _ => continue,
        };
        if bytes.len() > limits::max_chars(column) {
            limits::check_field(column, &String::from_utf8_lossy(bytes))
                .map_err(|e| anyhow!("{} {e}", T::ENTITY.as_str()))?;
        }
    }
    Ok(())
}

fn missing<T: Record>(id: i64) -> anyhow::Error {
    anyhow!("no {} with id {id}", T::ENTITY.as_str())
}

/// Turns a constraint failure into a sentence about the record.
fn constraint_error(e: rusqlite::Error, what: &str) -> anyhow::Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            let detail = e.to_string();
            let hint = if detail.contains("FOREIGN KEY") {
                "it refers to a record that does not exist".to_string()
            } else if detail.contains("UNIQUE") {
                "a record with the same unique value exists".to_string()
            } else {
                format!("a value is out of range ({detail})")
            };
            anyhow!("cannot save {what}: {hint}")
        }
        _ => anyhow!(e).context(format!("cannot save {what}")),
    }
}

#[cfg(test)]
mod tests;
