//! Facts about the database file: counts, size, and health checks.

use super::{migrations, Store};
use anyhow::Result;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DbInfo {
    pub path: String,
    pub schema_version: u32,
    pub size_bytes: u64,
    pub counts: Vec<(String, i64)>,
    pub changes_logged: i64,
}

/// One thing `db check` found wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub check: String,
    pub detail: String,
}

impl Store {
    pub fn info(&self) -> Result<DbInfo> {
        let conn = self.conn();
        let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        let counts = vec![
            ("reps".into(), count("SELECT count(*) FROM reps WHERE deleted_at IS NULL")?),
            ("accounts".into(), count("SELECT count(*) FROM accounts WHERE deleted_at IS NULL")?),
            ("contacts".into(), count("SELECT count(*) FROM contacts WHERE deleted_at IS NULL")?),
            ("activities".into(), count("SELECT count(*) FROM activities WHERE deleted_at IS NULL")?),
            ("deals".into(), count("SELECT count(*) FROM deals WHERE deleted_at IS NULL")?),
            ("conflicts".into(), count("SELECT count(*) FROM conflicts WHERE deleted_at IS NULL")?),
            ("targets".into(), count("SELECT count(*) FROM targets WHERE deleted_at IS NULL")?),
        ];
        let pages: u64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let page_size: u64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok(DbInfo {
            path: self.path().display().to_string(),
            schema_version: migrations::version(conn)?,
            size_bytes: pages * page_size,
            counts,
            changes_logged: count("SELECT count(*) FROM change_log")?,
        })
    }

    /// SQLite's integrity and foreign-key checks, plus rapport's own rules
    /// that the schema cannot express. Empty when all is well.
    pub fn check(&self) -> Result<Vec<Problem>> {
        let conn = self.conn();
        let mut problems = Vec::new();
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                problems.push(Problem { check: "integrity".into(), detail: line });
            }
        }
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {} refers to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                r.get::<_, String>(2)?
            ))
        })?;
        for detail in rows {
            problems.push(Problem { check: "foreign key".into(), detail: detail? });
        }
        let version = migrations::version(conn)?;
        if version != migrations::LATEST {
            problems.push(Problem {
                check: "schema".into(),
                detail: format!("schema {version}, expected {}", migrations::LATEST),
            });
            // The checks below read the current schema's columns.
            return Ok(problems);
        }
        let missing = missing_objects(conn)?;
        let whole = missing.is_empty();
        for (kind, name) in missing {
            problems.push(Problem { check: "schema".into(), detail: format!("the {kind} {name} is missing") });
        }
        if !whole {
            return Ok(problems);
        }
        let stale: i64 = conn.query_row(
            "SELECT count(*) FROM accounts a WHERE a.last_touch_at IS NOT (
                SELECT max(occurred_at) FROM activities
                WHERE account_id = a.id AND deleted_at IS NULL AND kind IN ('call', 'email', 'meeting'))",
            [],
            |r| r.get(0),
        )?;
        if stale > 0 {
            problems.push(Problem {
                check: "last touch".into(),
                detail: format!("{stale} accounts have a last-touch date that does not match their timeline"),
            });
        }
        // A delete should have taken these along or handed them on.
        for link in super::links::LINKS {
            let sql = format!("SELECT count(*) FROM ({})", link.broken_sql(false));
            let n: i64 = conn.query_row(&sql, [], |r| r.get(0))?;
            if n > 0 {
                problems.push(Problem { check: "deleted parent".into(), detail: format!("{n} {}", link.orphans) });
            }
        }
        Ok(problems)
    }
}

/// The tables, indexes and triggers a fresh database of this build has and
/// `conn` lacks: a file can claim the latest schema version and still have
/// lost a table.
fn missing_objects(conn: &rusqlite::Connection) -> Result<Vec<(String, String)>> {
    let objects = |c: &rusqlite::Connection| -> Result<Vec<(String, String)>> {
        let mut stmt = c.prepare(
            "SELECT type, name FROM sqlite_master
             WHERE type IN ('table', 'index', 'trigger', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let fresh = rusqlite::Connection::open_in_memory()?;
    migrations::migrate(&fresh)?;
    let have = objects(conn)?;
    Ok(objects(&fresh)?.into_iter().filter(|o| !have.contains(o)).collect())
}
