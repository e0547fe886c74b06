//! Numbered schema migrations, embedded in the binary. A shipped file never
//! changes; a new schema is a new file at the end of the list.

use anyhow::{bail, Context, Result};
use rusqlite::Connection;

/// (version, name, SQL). The version is the `user_version` after applying it.
pub type Migration = (u32, &'static str, &'static str);

pub const MIGRATIONS: &[Migration] = &[
    (1, "0001_init", include_str!("migrations/0001_init.sql")),
    (2, "0002_undo", include_str!("migrations/0002_undo.sql")),
    (3, "0003_speed", include_str!("migrations/0003_speed.sql")),
    (4, "0004_phones", include_str!("migrations/0004_phones.sql")),
    (5, "0005_forecast", include_str!("migrations/0005_forecast.sql")),
    (6, "0006_queue", include_str!("migrations/0006_queue.sql")),
    (7, "0007_import", include_str!("migrations/0007_import.sql")),
    (8, "0008_suggestions", include_str!("migrations/0008_suggestions.sql")),
    (9, "0009_search", include_str!("migrations/0009_search.sql")),
    (10, "0010_sync", include_str!("migrations/0010_sync.sql")),
    (11, "0011_sync_held", include_str!("migrations/0011_sync_held.sql")),
];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a database written by a newer rapport, before anything touches it.
pub fn check_not_newer(found: u32, latest: u32) -> Result<()> {
    if found > latest {
        bail!(
            "this database was written by a newer rapport (schema {found}; this build knows {latest}); \
             it was not changed — upgrade rapport to open it"
        );
    }
    Ok(())
}

/// Applies every pending migration of this build.
pub fn migrate(conn: &Connection) -> Result<Vec<u32>> {
    migrate_list(conn, MIGRATIONS)
}

/// Applies every pending migration of `list`, each in its own transaction
/// together with its `user_version` bump. Returns the versions applied.
///
/// Whether a migration is still pending is decided inside its `BEGIN
/// IMMEDIATE` transaction, under the write lock: two processes opening an
/// old file at once queue there, and the second finds the work done.
pub(crate) fn migrate_list(conn: &Connection, list: &[Migration]) -> Result<Vec<u32>> {
    let latest = list.last().map_or(0, |m| m.0);
    // Outside any lock, only to skip taking it when there is nothing to do.
    let seen = version(conn)?;
    check_not_newer(seen, latest)?;
    let mut applied = Vec::new();
    for &(v, name, sql) in list.iter().filter(|(v, _, _)| *v > seen) {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let step = version(conn).and_then(|current| {
            if current >= v {
                return Ok(false);
            }
            conn.execute_batch(sql)?;
            after_sql(conn, name)?;
            conn.execute_batch(&format!("PRAGMA user_version = {v}"))?;
            Ok(true)
        });
        match step.and_then(|ran| Ok(conn.execute_batch("COMMIT").map(|_| ran)?)) {
            Ok(true) => applied.push(v),
            Ok(false) => {}
            Err(e) => {
                if !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                return Err(e)
                    .with_context(|| format!("migration {name} failed; the database was left at schema {}", v - 1));
            }
        }
    }
    Ok(applied)
}

/// The part of a migration SQL cannot do, run in its transaction.
fn after_sql(conn: &Connection, name: &str) -> rusqlite::Result<()> {
    match name {
        // The config's default region is not known here: numbers of accounts
        // without a country get it when the config is read (`use_default_region`).
        "0004_phones" => super::contacts::fill_e164(conn, None, false).map(drop),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, (v, name, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
            assert!(name.starts_with(&format!("{:04}_", v)), "{name}");
        }
    }

    #[test]
    fn migrate_from_zero_then_again_is_a_no_op() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&conn).unwrap(), MIGRATIONS.iter().map(|m| m.0).collect::<Vec<_>>());
        assert_eq!(version(&conn).unwrap(), LATEST);
        assert!(migrate(&conn).unwrap().is_empty());
    }

    #[test]
    fn newer_schema_is_refused() {
        let err = check_not_newer(LATEST + 6, LATEST).unwrap_err().to_string();
        assert!(err.contains(&format!("schema {}; this build knows {}", LATEST + 6, LATEST)), "{err}");
    }
}
