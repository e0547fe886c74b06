//! What an import needs from the store besides the typed records: the keys
//! existing rows are matched on (the source system's id, a name, an e-mail),
//! the columns an import adds (`external_ref`, `custom`), and saved mappings.

use super::record::Record;
use super::{BulkRows, ChangeOp, Entity, Store};
use anyhow::Result;
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;

/// Page cache during a large import, in KiB (SQLite's negative cache_size).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// The rows an import created so far, for its one change-log entry per
/// entity. A refused row under `--skip-invalid` rolls its savepoint back,
/// and with it the rows it created: `back_to` forgets them here too.
#[derive(Debug, Default)]
pub struct Created {
    rows: Vec<(Entity, i64)>,
}

impl Created {
    pub fn mark(&self) -> usize {
        self.rows.len()
    }

    pub fn back_to(&mut self, mark: usize) {
        self.rows.truncate(mark);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A row's source id and custom fields (JSON text).
pub type Extras = (Option<String>, Option<String>);

/// What an existing live row is recognised by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportKey {
    pub id: i64,
    pub external_ref: Option<String>,
    /// The name (title, summary) of the row; for targets, its scope, period and metric.
    pub key: String,
    /// Contacts: the e-mail. Activities and conflicts: when they happened.
    pub key2: Option<String>,
    pub account_id: Option<i64>,
}

/// Per entity: (SELECT of the keys, UPDATE of the import columns, SELECT of them).
fn sql(entity: Entity) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    match entity {
        Entity::Rep => (
            "SELECT id, external_ref, name, email, NULL FROM reps WHERE deleted_at IS NULL",
            Some("UPDATE reps SET external_ref = ?2, custom = ?3 WHERE id = ?1"),
            Some("SELECT external_ref, custom FROM reps WHERE id = ?1"),
        ),
        Entity::Account => (
            "SELECT id, external_ref, name, NULL, NULL FROM accounts WHERE deleted_at IS NULL",
            Some("UPDATE accounts SET external_ref = ?2, custom = ?3 WHERE id = ?1"),
            Some("SELECT external_ref, custom FROM accounts WHERE id = ?1"),
        ),
        Entity::Contact => (
            "SELECT id, external_ref, name, email, account_id FROM contacts WHERE deleted_at IS NULL",
            Some("UPDATE contacts SET external_ref = ?2, custom = ?3 WHERE id = ?1"),
            Some("SELECT external_ref, custom FROM contacts WHERE id = ?1"),
        ),
        Entity::Deal => (
            "SELECT id, external_ref, name, NULL, account_id FROM deals WHERE deleted_at IS NULL",
            Some("UPDATE deals SET external_ref = ?2, custom = ?3 WHERE id = ?1"),
            Some("SELECT external_ref, custom FROM deals WHERE id = ?1"),
        ),
        Entity::Activity => (
            "SELECT id, external_ref, summary, occurred_at, account_id FROM activities WHERE deleted_at IS NULL",
            Some("UPDATE activities SET external_ref = ?2, custom = ?3 WHERE id = ?1"),
            Some("SELECT external_ref, custom FROM activities WHERE id = ?1"),
        ),
        Entity::Conflict => (
            "SELECT id, external_ref, title, opened_at, account_id FROM conflicts WHERE deleted_at IS NULL",
            Some("UPDATE conflicts SET external_ref = ?2, custom = ?3 WHERE id = ?1"),
            Some("SELECT external_ref, custom FROM conflicts WHERE id = ?1"),
        ),
        Entity::Target => (
            "SELECT id, NULL, scope || '|' || coalesce(rep_id, '') || '|' || coalesce(account_id, '') || '|' || period || '|' || metric,
                    NULL, account_id
             FROM targets WHERE deleted_at IS NULL",
            None,
            None,
        ),
        // Forecast snapshots are rapport's own history; nothing imports them.
        Entity::Snapshot | Entity::Suggestion => ("SELECT NULL, NULL, NULL, NULL, NULL WHERE 0", None, None),
    }
}

impl Store {
    /// The keys of every live row of an entity, to match imported rows against.
    pub fn import_keys(&self, entity: Entity) -> Result<Vec<ImportKey>> {
        let mut stmt = self.conn().prepare_cached(sql(entity).0)?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportKey {
                id: r.get(0)?,
                external_ref: r.get(1)?,
                key: r.get(2)?,
                key2: r.get(3)?,
                account_id: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every live record of a type by id, read in one query: a re-import
    /// of a large file compares its rows with these instead of reading
    /// each record on its own.
    pub fn live_records<T: Record>(&self) -> Result<HashMap<i64, T>> {
        let sql = format!("SELECT * FROM {} WHERE deleted_at IS NULL", T::TABLE);
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], |r| T::from_row(r).map(|rec| (rec.meta().id, rec)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many rows (live or not) an entity's table holds.
    pub fn table_rows(&self, entity: Entity) -> Result<usize> {
        let Some(table) = table_of(entity) else { return Ok(0) };
        let n: i64 = self.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// `import_extras` of every live row of an entity, by id, in one query.
    pub fn all_import_extras(&self, entity: Entity) -> Result<HashMap<i64, Extras>> {
        let Some(table) = table_of(entity).filter(|_| carries_source_id(entity)) else { return Ok(HashMap::new()) };
        // The table name is one of the fixed names above.
        let sql = format!("SELECT id, external_ref, custom FROM {table} WHERE deleted_at IS NULL");
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A row's source id and custom fields (JSON), as an import left them.
    pub fn import_extras(&self, entity: Entity, id: i64) -> Result<(Option<String>, Option<String>)> {
        let Some(select) = sql(entity).2 else { return Ok((None, None)) };
        Ok(self
            .conn()
            .prepare_cached(select)?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or_default())
    }

    /// Sets a row's source id and custom fields (JSON object text).
    pub fn set_import_extras(
        &self,
        entity: Entity,
        id: i64,
        external_ref: Option<&str>,
        custom: Option<&str>,
    ) -> Result<()> {
        if let Some(update) = sql(entity).1 {
            let set = |s: &Store| -> Result<()> {
                let before = s.import_extras(entity, id)?;
                if before.0.as_deref() == external_ref && before.1.as_deref() == custom {
                    return Ok(());
                }
                s.conn().prepare_cached(update)?.execute(params![id, external_ref, custom])?;
                // Logged like any change, so that undo puts back what an
                // import overwrote (the record itself is logged apart).
                let after = (external_ref.map(str::to_string), custom.map(str::to_string));
                s.log_change(
                    entity,
                    id,
                    ChangeOp::Update,
                    Some(&extras_json(entity, &before)),
                    Some(&extras_json(entity, &after)),
                )?;
                Ok(())
            };
            // Inside an import's transaction already: no savepoint per row.
            if self.depth.get() > 0 {
                set(self)?;
            } else {
                self.write(set)?;
            }
        }
        Ok(())
    }

    /// Puts back a row's source id and custom fields from a change-log
    /// state written by `set_import_extras`, after checking that the row
    /// still holds `expected`. `Ok(false)` when `wanted` is not such a state.
    pub(crate) fn apply_import_extras(
        &self,
        entity: Entity,
        id: i64,
        expected: Option<&str>,
        wanted: Option<&str>,
    ) -> Result<bool> {
        let (Some(expected), Some(wanted)) = (parse_extras(expected), parse_extras(wanted)) else {
            return Ok(false);
        };
        let Some(update) = sql(entity).1 else { return Ok(false) };
        let current = self.import_extras(entity, id)?;
        if parse_extras(Some(&serde_json::to_string(&extras_json(entity, &current))?)).as_ref() != Some(&expected) {
            anyhow::bail!(
                "the imported fields of {} {id} were changed after that, so this step cannot be taken back safely",
                entity.as_str()
            );
        }
        let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
        // A deal's source id is a field of the deal, put back by its own change.
        let external_ref = match wanted.get("external_ref") {
            Some(v) => text(v),
            None => current.0,
        };
        let custom = wanted.get("custom").and_then(text);
        self.conn().prepare_cached(update)?.execute(params![id, external_ref, custom])?;
        self.log_change(
            entity,
            id,
            ChangeOp::Update,
            Some(&expected_state(&expected)),
            Some(&expected_state(&wanted)),
        )?;
        Ok(true)
    }

    /// Inserts a record as `insert` does (the store's rules), with its
    /// source id and custom fields in the same INSERT, inside the running
    /// import transaction without a savepoint of its own. The row is not
    /// logged one by one: `created` keeps its id for the import's one bulk
    /// entry (`log_created`), so 100,000 rows are 100,000 inserts and no
    /// 100,000 JSON snapshots.
    pub fn import_insert<T: Record>(
        &self,
        rec: &mut T,
        external_ref: Option<&str>,
        custom: Option<&str>,
        created: &mut Created,
    ) -> Result<i64> {
        if self.depth.get() == 0 {
            return self.write(|s| {
                let mut own = Created::default();
                let id = s.import_insert(rec, external_ref, custom, &mut own)?;
                s.log_created(&own)?;
                created.rows.extend(own.rows);
                Ok(id)
            });
        }
        if self.checks_rules() {
            rec.fill_new(self.clock().today());
            rec.prepare()?;
            rec.check(self, None)?;
        }
        let id = match T::ENTITY {
            Entity::Rep | Entity::Account | Entity::Contact | Entity::Activity | Entity::Conflict => {
                self.insert_unlogged_with(rec, &[("external_ref", &external_ref), ("custom", &custom)])?
            }
            // A deal carries its source id as a field of its own.
            Entity::Deal => self.insert_unlogged_with(rec, &[("custom", &custom)])?,
            Entity::Target | Entity::Snapshot | Entity::Suggestion => self.insert_unlogged(rec)?,
        };
        created.rows.push((T::ENTITY, id));
        Ok(id)
    }

    /// Logs the rows an import created: one bulk entry per entity, in the
    /// import's batch (see `changes.rs` for the entry's format).
    pub fn log_created(&self, created: &Created) -> Result<()> {
        let mut entities: Vec<Entity> = Vec::new();
        for (e, _) in &created.rows {
            if !entities.contains(e) {
                entities.push(*e);
            }
        }
        for e in entities {
            let ids = created.rows.iter().filter(|(x, _)| *x == e).map(|(_, id)| *id);
            self.log_bulk(e, ChangeOp::Insert, &BulkRows::from_ids(ids))?;
        }
        Ok(())
    }

    /// Runs a whole import as one writing transaction, one undo step. A
    /// large one drops the indexes of the table it fills and builds them
    /// again at the end (sorting once beats 100,000 scattered index
    /// inserts), with a page cache that does not spill; other tables' and
    /// the change log's indexes are kept, as rows are appended to those.
    pub fn import_write<T>(&self, large: Option<Entity>, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let Some(table) = large.and_then(table_of) else { return self.write(f) };
        if large == Some(Entity::Deal) {
            return self.bulk_write_on(Some(table), IMPORT_CACHE_KIB, |s| s.without_opened_on_trigger(f));
        }
        self.bulk_write_on(Some(table), IMPORT_CACHE_KIB, f)
    }

    /// Runs `f` with the `deals_opened_on` trigger set aside. Any trigger on
    /// a table makes SQLite keep a statement journal for each INSERT into
    /// it (the trigger's own writes could fail halfway), a cost on each of
    /// 100,000 rows; yet this one never fires for an import, which fills a
    /// deal's opening date itself (`Deal::fill_new`). What it would have
    /// done is done once at the end, and the trigger made again, inside the
    /// same transaction: a failed import rolls back to the trigger as it was.
    fn without_opened_on_trigger<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let conn = self.conn();
        let sql: Option<String> = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'deals_opened_on'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(sql) = sql else { return f(self) };
        let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM deals", [], |r| r.get(0))?;
        conn.execute_batch("DROP TRIGGER deals_opened_on")?;
        let value = f(self)?;
        // The trigger's own UPDATE (migration 0005), for the rows added since.
        conn.execute(
            "UPDATE deals SET opened_on = min(substr(created_at, 1, 10), coalesce(closed_on, '9999-12-31'))
             WHERE id > ?1 AND opened_on IS NULL",
            [last],
        )?;
        conn.execute_batch(&sql)?;
        Ok(value)
    }

    /// A column mapping saved by `--save-mapping NAME`, as JSON text.
    pub fn saved_mapping(&self, name: &str) -> Result<Option<String>> {
        self.setting(&format!("import.mapping.{name}"))
    }

    pub fn save_mapping(&self, name: &str, json: &str) -> Result<()> {
        self.set_setting(&format!("import.mapping.{name}"), json)
    }
}

/// Whether an entity's table keeps a source system's id (`external_ref`)
/// and custom fields: targets are imported by their keys only.
pub(super) fn carries_source_id(entity: Entity) -> bool {
    sql(entity).2.is_some()
}

/// The table of an entity an import writes.
fn table_of(entity: Entity) -> Option<&'static str> {
    match entity {
        Entity::Rep => Some("reps"),
        Entity::Account => Some("accounts"),
        Entity::Contact => Some("contacts"),
        Entity::Deal => Some("deals"),
        Entity::Conflict => Some("conflicts"),
        Entity::Activity => Some("activities"),
        Entity::Target => Some("targets"),
        Entity::Snapshot | Entity::Suggestion => None,
    }
}

/// The key that marks a change-log state as a row's import columns.
const EXTRAS_KEY: &str = "import_extras";

/// A row's import columns as a change-log state. A deal's source id is a
/// field of the deal and logged with it, so it is left out here.
fn extras_json(entity: Entity, (external_ref, custom): &(Option<String>, Option<String>)) -> serde_json::Value {
    let mut inner = serde_json::Map::new();
    if entity != Entity::Deal {
        inner.insert("external_ref".into(), external_ref.clone().into());
    }
    inner.insert("custom".into(), custom.clone().into());
    serde_json::json!({ EXTRAS_KEY: inner })
}

fn expected_state(inner: &serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
    serde_json::json!({ EXTRAS_KEY: inner })
}

fn parse_extras(text: Option<&str>) -> Option<serde_json::Map<String, serde_json::Value>> {
    let v: serde_json::Value = serde_json::from_str(text?).ok()?;
    v.get(EXTRAS_KEY)?.as_object().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Account, Clock};

    #[test]
    fn extras_are_written_read_and_matched() {
        let s = Store::in_memory(Clock::System).unwrap();
        let mut a = Account { name: "Acme".into(), ..Account::default() };
        let id = s.insert(&mut a).unwrap();
        s.set_import_extras(Entity::Account, id, Some("001A"), Some(r#"{"Region":"EMEA"}"#)).unwrap();
        assert_eq!(
            s.import_extras(Entity::Account, id).unwrap(),
            (Some("001A".to_string()), Some(r#"{"Region":"EMEA"}"#.to_string()))
        );
        let keys = s.import_keys(Entity::Account).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].external_ref.as_deref(), Some("001A"));
        assert_eq!(keys[0].key, "Acme");
        assert!(s.set_import_extras(Entity::Account, id, None, Some("not json")).is_err());
    }

    fn schema(s: &Store) -> Vec<String> {
        let mut stmt = s.conn().prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name").unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn a_large_deal_import_puts_the_opening_date_trigger_back_and_does_its_work() {
        let s = Store::in_memory(Clock::System).unwrap();
        let before = schema(&s);
        let account = s.insert(&mut Account { name: "Acme".into(), ..Account::default() }).unwrap();
        let deal = || crate::store::Deal { name: "Renewal".into(), account_id: account, ..Default::default() };
        let err = s
            .import_write(Some(Entity::Deal), |s| -> Result<()> {
                s.insert_unlogged(&mut deal())?;
                anyhow::bail!("refused")
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "refused");
        assert_eq!(schema(&s), before);
        // A row written without the import's own opening date gets the
        // trigger's, as if the trigger had run.
        let id = s.import_write(Some(Entity::Deal), |s| s.insert_unlogged(&mut deal())).unwrap();
        assert_eq!(schema(&s), before);
        let d: crate::store::Deal = s.require(id).unwrap();
        assert_eq!(d.opened_on.map(|o| o.to_string()), Some(d.meta.created_at[..10].to_string()));
        // And the trigger works again afterwards.
        let other = s.import_write(None, |s| s.insert_unlogged(&mut deal())).unwrap();
        assert!(s.require::<crate::store::Deal>(other).unwrap().opened_on.is_some());
    }

    #[test]
    fn a_large_import_gets_its_indexes_back_whether_it_fails_or_not() {
        let s = Store::in_memory(Clock::System).unwrap();
        let before = schema(&s);
        let err = s
            .import_write(Some(Entity::Account), |s| -> Result<()> {
                let mut created = Created::default();
                s.import_insert(&mut Account { name: "Acme".into(), ..Account::default() }, None, None, &mut created)?;
                s.log_created(&created)?;
                anyhow::bail!("refused")
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "refused");
        assert_eq!(schema(&s), before);
        assert!(s.import_keys(Entity::Account).unwrap().is_empty());
        s.import_write(Some(Entity::Account), |s| {
            let mut created = Created::default();
            s.import_insert(
                &mut Account { name: "Acme".into(), ..Account::default() },
                Some("001A"),
                None,
                &mut created,
            )?;
            s.log_created(&created)
        })
        .unwrap();
        assert_eq!(s.import_keys(Entity::Account).unwrap()[0].external_ref.as_deref(), Some("001A"));
        assert_eq!(schema(&s), before);
        // One import, one undo step.
        assert!(s.undo().unwrap().is_some());
        assert!(s.import_keys(Entity::Account).unwrap().is_empty());
        assert!(s.check().unwrap().is_empty());
    }
}
