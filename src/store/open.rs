//! Opening a database file: checks first (so a refused file is never
//! touched), then permissions, pragmas, a backup, and migrations.

use super::{migrations, Clock, Store};
use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to do when the file is not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The file must exist.
    Existing,
    /// Create the file; the folder must exist.
    Create,
    /// Create the file and its folders (the default data folder).
    CreateWithFolders,
}

/// What opening did, for the caller to tell the user.
#[derive(Debug, Default)]
pub struct OpenReport {
    pub created: bool,
    pub migrated_from: Option<u32>,
    pub backup: Option<PathBuf>,
}

const APPLICATION_ID: i64 = 1_380_012_116; // 'RAPT'

pub(super) fn open(path: &Path, mode: OpenMode) -> Result<(Store, OpenReport)> {
    open_with(path, mode, migrations::MIGRATIONS)
}

/// `open` with a given migration list, so tests can play an older build.
pub(crate) fn open_with(path: &Path, mode: OpenMode, list: &[migrations::Migration]) -> Result<(Store, OpenReport)> {
    let latest = list.last().map_or(0, |m| m.0);
    let mut report = OpenReport::default();
    let shown = path.display();
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => bail!("{shown} is a folder; expected a rapport database file"),
        Ok(meta) => {
            if meta.permissions().mode() & 0o222 == 0 {
                bail!("{shown} is read-only; rapport needs to write to its database (check the file's permissions)");
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            match mode {
                OpenMode::Existing => bail!(
                    "no database at {shown}; create one with `rapport demo --db {shown}` or open the cockpit to start an empty one"
                ),
                OpenMode::Create if !parent.is_dir() => {
                    bail!("the folder {} does not exist; expected an existing folder for the database", parent.display())
                }
                OpenMode::CreateWithFolders => fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(parent)
                    .with_context(|| format!("could not create the data folder {}", parent.display()))?,
                OpenMode::Create => {}
            }
            // Created here rather than by SQLite, so it is private from the first byte.
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("could not create {shown}"))?;
            report.created = true;
        }
        Err(e) => return Err(anyhow!(e).context(format!("cannot read {shown}"))),
    }

    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_context(|| format!("cannot open {shown}"))?;
    conn.busy_timeout(Duration::from_secs(5))?;

    // Read-only look first: a file that is not ours, or is newer, stays as it was.
    let (found, app_id, tables) = inspect(&conn).map_err(|e| not_a_database(path, e))?;
    if app_id != 0 && app_id != APPLICATION_ID {
        bail!("{shown} is an SQLite file of another program (application id {app_id}); expected a rapport database");
    }
    if found == 0 && tables > 0 {
        bail!("{shown} is an SQLite database with {tables} tables but no rapport schema; expected a rapport database");
    }
    migrations::check_not_newer(found, latest).with_context(|| format!("cannot open {shown}"))?;

    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        .with_context(|| format!("could not make {shown} private (mode 0600)"))?;
    configure(&conn).with_context(|| format!("cannot set up {shown}"))?;

    if found > 0 && found < latest {
        let backup = backup_path(path, found);
        backup_to(&conn, &backup)?;
        report.backup = Some(backup);
        report.migrated_from = Some(found);
    }
    migrations::migrate_list(&conn, list).with_context(|| format!("cannot bring {shown} up to date"))?;
    Ok((Store::wrap(conn, path.to_path_buf(), Clock::System), report))
}

fn inspect(conn: &Connection) -> rusqlite::Result<(u32, i64, i64)> {
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
    Ok((version, app_id, tables))
}

fn not_a_database(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            anyhow!(
                "{} is not a rapport database (not an SQLite file); expected a database made by rapport",
                path.display()
            )
        }
        _ => anyhow!(e).context(format!("cannot read {}", path.display())),
    }
}

/// The pragmas every connection runs with.
pub(super) fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn backup_path(path: &Path, version: u32) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{name}.schema{version}-{stamp}.bak"))
}

/// A consistent copy of the whole database at `dest`, mode 0600.
pub(super) fn backup_to(conn: &Connection, dest: &Path) -> Result<()> {
    if dest.exists() {
        bail!("{} already exists; expected a new file name for the backup", dest.display());
    }
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dest)
        .with_context(|| format!("cannot create the backup {}", dest.display()))?;
    let mut target = Connection::open(dest)?;
    rusqlite::backup::Backup::new(conn, &mut target)?
        .run_to_completion(256, Duration::ZERO, None)
        .with_context(|| format!("backup to {} failed", dest.display()))
        .inspect_err(|_| {
            let _ = fs::remove_file(dest);
        })?;
    Ok(())
}

impl Store {
    /// Writes a consistent copy of the database to `dest` (a new file).
    pub fn backup(&self, dest: &Path) -> Result<()> {
        backup_to(&self.conn, dest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::{Migration, MIGRATIONS};

    #[test]
    fn migrating_a_database_with_data_backs_it_up_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        let old: Vec<Migration> = MIGRATIONS.to_vec();
        {
            let (store, report) = open_with(&path, OpenMode::Create, &old).unwrap();
            assert!(report.created && report.backup.is_none());
            store.set_setting("marker", "before").unwrap();
        }
        let mut newer = old.clone();
        newer.push((old.len() as u32 + 1, "0099_test", "CREATE TABLE extra (x INTEGER) STRICT;"));
        let (store, report) = open_with(&path, OpenMode::Existing, &newer).unwrap();
        assert_eq!(report.migrated_from, Some(old.len() as u32));
        let backup = report.backup.expect("a backup was written");
        assert_eq!(fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
        let copy = Connection::open(&backup).unwrap();
        let v: u32 = copy.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, old.len() as u32);
        let marker: String =
            copy.query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| r.get(0)).unwrap();
        assert_eq!(marker, "before");
        assert_eq!(migrations::version(store.conn()).unwrap(), newer.len() as u32);
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        drop(open_with(&path, OpenMode::Create, MIGRATIONS).unwrap());
        let mut broken: Vec<Migration> = MIGRATIONS.to_vec();
        broken.push((
            MIGRATIONS.len() as u32 + 1,
            "0099_broken",
            "CREATE TABLE ok_part (x INTEGER); SELECT * FROM missing_table;",
        ));
        let err = open_with(&path, OpenMode::Existing, &broken).err().unwrap();
        assert!(format!("{err:#}").contains("0099_broken"), "{err:#}");
        let conn = Connection::open(&path).unwrap();
        assert_eq!(migrations::version(&conn).unwrap(), MIGRATIONS.len() as u32);
        let partial: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'ok_part'", [], |r| r.get(0)).unwrap();
        assert_eq!(partial, 0, "the failed migration was rolled back whole");
    }
}
