//! One large write, such as building the demo database: secondary indexes
//! are dropped first and built again at the end (sorting once is much
//! cheaper than a million scattered index inserts), and the page cache is
//! big enough not to spill.

use super::Store;
use anyhow::{Context, Result};

/// Page cache during a bulk write, in KiB (SQLite's negative cache_size).
const BULK_CACHE_KIB: i64 = 64 * 1024;

/// Helper threads SQLite may use to sort while it rebuilds an index.
const BULK_THREADS: i64 = 2;

impl Store {
    /// Runs `f` in one writing transaction, like `write`, with the database
    /// tuned for many inserts. Everything, the indexes included, is as
    /// before when `f` fails; the connection settings are restored either way.
    pub(crate) fn bulk_write<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.bulk_write_on(None, BULK_CACHE_KIB, f)
    }

    /// `bulk_write` that rebuilds the indexes of `table` only (all tables'
    /// when `None`), with a page cache of `cache_kib`.
    pub(crate) fn bulk_write_on<T>(
        &self,
        table: Option<&str>,
        cache_kib: i64,
        f: impl FnOnce(&Store) -> Result<T>,
    ) -> Result<T> {
        let conn = self.conn();
        let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        let temp: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        let threads: i64 = conn.query_row("PRAGMA threads", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -cache_kib)?;
        // FILE, not MEMORY: with temporary storage in memory SQLite's sorter
        // gets no arena and allocates every key of an index it rebuilds on its
        // own (a third more CPU for deals' indexes). Nothing reaches a file
        // unless a sort outgrows the page cache below; statement journals
        // stay in memory up to 64 KiB either way.
        conn.pragma_update(None, "temp_store", 1)?;
        // Rebuilding an index is a sort, which SQLite shares with helper
        // threads once it outgrows the page cache.
        conn.pragma_update(None, "threads", BULK_THREADS)?;
        let result = self.write(|s| {
            // The indexes a migration made (not those behind UNIQUE and
            // PRIMARY KEY constraints, which have no SQL of their own).
            let indexes: Vec<(String, String)> = {
                let mut stmt = s.conn().prepare(
                    "SELECT name, sql FROM sqlite_schema
                     WHERE type = 'index' AND sql IS NOT NULL AND (?1 IS NULL OR tbl_name = ?1) ORDER BY name",
                )?;
                let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (name, _) in &indexes {
                // Names come from the schema itself, quoted as identifiers.
                s.conn().execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            }
            let value = f(s)?;
            for (name, sql) in &indexes {
                s.conn().execute_batch(sql).with_context(|| format!("could not rebuild index {name}"))?;
            }
            Ok(value)
        });
        conn.pragma_update(None, "cache_size", cache)?;
        conn.pragma_update(None, "temp_store", temp)?;
        conn.pragma_update(None, "threads", threads)?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Clock, Rep};

    fn schema(s: &Store) -> Vec<String> {
        let mut stmt = s.conn().prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name").unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn indexes_and_settings_come_back_after_success_and_failure() {
        let s = Store::in_memory(Clock::System).unwrap();
        let before = schema(&s);
        let cache: i64 = s.conn().query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap();
        let err = s
            .bulk_write(|s| -> Result<()> {
                s.insert_unlogged(&mut Rep { name: "Ana".into(), ..Rep::default() })?;
                anyhow::bail!("stop")
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "stop");
        assert_eq!(schema(&s), before);
        assert!(s.reps().unwrap().is_empty());
        s.bulk_write(|s| s.insert_unlogged(&mut Rep { name: "Ana".into(), ..Rep::default() })).unwrap();
        assert_eq!(schema(&s), before);
        assert_eq!(s.reps().unwrap().len(), 1);
        let after: i64 = s.conn().query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap();
        assert_eq!(after, cache);
        assert!(s.check().unwrap().is_empty());
    }

    #[test]
    fn a_bulk_write_rebuilds_indexes_with_temporary_storage_in_files_then_puts_the_setting_back() {
        let s = Store::in_memory(Clock::System).unwrap();
        let temp = |s: &Store| -> i64 { s.conn().query_row("PRAGMA temp_store", [], |r| r.get(0)).unwrap() };
        s.conn().pragma_update(None, "temp_store", 2).unwrap();
        // 1 is FILE: SQLite's sorter gets its arena only then.
        assert_eq!(s.bulk_write(|s| Ok(temp(s))).unwrap(), 1);
        assert_eq!(temp(&s), 2);
    }
}
