//! Opening a database file: checks first (so a refused file is never
//! touched), then pragmas, a backup, and migrations. A new file is built
//! aside and moved into place whole; a reading open never writes.

use super::{migrations, Clock, Store};
use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What to do when the file is not there, and whether to write at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The file must exist.
    Existing,
    /// Create the file; the folder must exist.
    Create,
    /// Create the file and its folders (the default data folder).
    CreateWithFolders,
    /// The file must exist, and is read without changing anything: no
    /// migration, no journal-mode switch, no new side files. An older
    /// schema is reported in `OpenReport::outdated` instead of migrated.
    ReadOnly,
}

/// What opening did, for the caller to tell the user.
#[derive(Debug, Default)]
pub struct OpenReport {
    pub created: bool,
    pub migrated_from: Option<u32>,
    pub backup: Option<PathBuf>,
    /// A read-only open found this older schema (and left it as it is).
    pub outdated: Option<u32>,
    /// The file's permission bits, when users other than its owner may
    /// read or write it. It is left as it is: changing it is the owner's call.
    pub exposed_mode: Option<u32>,
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
        Ok(meta) => {
            refuse_unusable(path, &meta, mode)?;
            let bits = meta.permissions().mode() & 0o777;
            if bits & 0o077 != 0 {
                report.exposed_mode = Some(bits);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = parent_of(path);
            match mode {
                OpenMode::Existing | OpenMode::ReadOnly => bail!(
                    "no database at {shown}; expected an existing database file (opening the cockpit on it starts an empty one)"
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
            create_new(path, list)?;
            report.created = true;
        }
        Err(e) => return Err(anyhow!(e).context(format!("cannot read {shown}"))),
    }

    if mode == OpenMode::ReadOnly {
        let store = open_read_only(path, latest, &mut report)?;
        return Ok((store, report));
    }

    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_context(|| format!("cannot open {shown}"))?;
    conn.busy_timeout(Duration::from_secs(5))?;

    // Read-only look first: a file that is not ours, or is newer, stays as it was.
    let found = inspect(&conn, path, latest)?;
    configure(&conn).with_context(|| format!("cannot set up {shown}"))?;

    if found < latest {
        let backup = backup_before_migration(&conn, path, found)?;
        let applied =
            migrations::migrate_list(&conn, list).with_context(|| format!("cannot bring {shown} up to date"))?;
        if applied.is_empty() {
            // Another process migrated it meanwhile; its backup is the one that counts.
            let _ = fs::remove_file(&backup);
        } else {
            report.backup = Some(backup);
            report.migrated_from = Some(found);
        }
    } else {
        migrations::migrate_list(&conn, list).with_context(|| format!("cannot bring {shown} up to date"))?;
    }
    Ok((Store::wrap(conn, path.to_path_buf(), Clock::System), report))
}

fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Refuses, before anything opens it, what cannot be a database: a folder, a
/// device or a pipe (opening a FIFO would hang), an empty file (SQLite would
/// quietly make it a database), and for writing, a read-only file.
fn refuse_unusable(path: &Path, meta: &fs::Metadata, mode: OpenMode) -> Result<()> {
    let shown = path.display();
    let kind = meta.file_type();
    if kind.is_dir() {
        bail!("{shown} is a folder; expected a rapport database file");
    }
    if !kind.is_file() {
        let what = if kind.is_char_device() {
            "a character device"
        } else if kind.is_block_device() {
            "a block device"
        } else if kind.is_fifo() {
            "a named pipe (FIFO)"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        bail!("{shown} is {what}; expected a rapport database file");
    }
    if meta.len() == 0 {
        bail!(
            "{shown} is an empty file (0 bytes), not a rapport database (not an SQLite file); \
             expected a database made by rapport — rapport only creates a database where no file exists"
        );
    }
    if mode != OpenMode::ReadOnly && meta.permissions().mode() & 0o222 == 0 {
        bail!("{shown} is read-only; rapport needs to write to its database (check the file's permissions)");
    }
    Ok(())
}

/// A new database: built and migrated under a temporary name in the same
/// folder (private from the first byte), then moved to `path` only if no
/// file has appeared there meanwhile. A kill leaves no half-made file at `path`.
fn create_new(path: &Path, list: &[migrations::Migration]) -> Result<()> {
    let shown = path.display();
    for side in ["-wal", "-journal"] {
        let orphan = side_file(path, side);
        if fs::symlink_metadata(&orphan).is_ok() {
            bail!(
                "{} is left from an earlier database at {shown}; a new database there would take it as its own \
                 (move it away, or choose another file name)",
                orphan.display()
            );
        }
    }
    let temp = temp_beside(path, "new").with_context(|| format!("could not create {shown}"))?;
    {
        let conn =
            Connection::open_with_flags(&temp, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .with_context(|| format!("could not create {shown}"))?;
        configure(&conn).with_context(|| format!("could not create {shown}"))?;
        migrations::migrate_list(&conn, list).with_context(|| format!("could not create {shown}"))?;
        // Closing the last connection merges the write-ahead log and removes it.
        conn.close().map_err(|(_, e)| e).with_context(|| format!("could not create {shown}"))?;
    }
    persist_new(temp, path).with_context(|| format!("could not create {shown}"))
}

/// A new empty file, mode 0600, named after `path` in the same folder
/// (`.NAME.XXXXXX.WHAT`); removed when dropped unless persisted.
fn temp_beside(path: &Path, what: &str) -> std::io::Result<tempfile::TempPath> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(&format!(".{what}"))
        .tempfile_in(parent_of(path))?
        .into_temp_path())
}

/// Moves a finished file to `dest`, never over a file that is there, and
/// makes the new name durable.
fn persist_new(temp: tempfile::TempPath, dest: &Path) -> Result<()> {
    fs::File::open(&temp)?.sync_all()?;
    temp.persist_noclobber(dest).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow!("{} appeared while rapport was writing it; it was left as it is", dest.display())
        } else {
            anyhow!(e.error)
        }
    })?;
    sync_folder(dest)
}

/// A rename is only durable once its folder is synced.
fn sync_folder(path: &Path) -> Result<()> {
    fs::File::open(parent_of(path))?.sync_all()?;
    Ok(())
}

/// Checks the file is rapport's and not newer than this build; returns its schema version.
fn inspect(conn: &Connection, path: &Path, latest: u32) -> Result<u32> {
    let shown = path.display();
    let (found, app_id, tables) = facts(conn).map_err(|e| read_error(path, e))?;
    if app_id != 0 && app_id != APPLICATION_ID {
        bail!("{shown} is an SQLite file of another program (application id {app_id}); expected a rapport database");
    }
    if found == 0 && tables > 0 {
        bail!("{shown} is an SQLite database with {tables} tables but no rapport schema; expected a rapport database");
    }
    if found == 0 {
        bail!("{shown} is an empty SQLite database without rapport's schema; expected a database made by rapport");
    }
    migrations::check_not_newer(found, latest).with_context(|| format!("cannot open {shown}"))?;
    Ok(found)
}

fn facts(conn: &Connection) -> rusqlite::Result<(u32, i64, i64)> {
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
    Ok((version, app_id, tables))
}

fn read_error(path: &Path, e: rusqlite::Error) -> anyhow::Error {
    let shown = path.display();
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if f.code == rusqlite::ErrorCode::NotADatabase {
            return anyhow!(
                "{shown} is not a rapport database (not an SQLite file); expected a database made by rapport"
            );
        }
        if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK {
            return anyhow!(
                "{shown} has a hot journal ({shown}-journal): a write to it was interrupted and must be rolled back \
                 before it can be read; nothing was changed (a command that writes, such as `rapport log`, rolls it back)"
            );
        }
    }
    anyhow!(e).context(format!("cannot read {shown}"))
}

/// Opens `path` read-only and changes nothing on disk.
///
/// A database in WAL mode is read through its `-wal` and `-shm` files, and
/// SQLite creates them when they are missing (and a read-only connection
/// cannot remove them again). So: with both present (a writer has it open,
/// or was killed), read through them; with no `-wal` (closed cleanly, every
/// page in the main file), read the main file as immutable, holding a shared
/// lock so that a writer who starts meanwhile cannot merge its log into the
/// file under us; a `-wal` with content but without its `-shm` needs a
/// writer to merge it first.
fn open_read_only(path: &Path, latest: u32, report: &mut OpenReport) -> Result<Store> {
    let shown = path.display();
    let header = read_header(path)?;
    if !header.starts_with(b"SQLite format 3\0") {
        bail!("{shown} is not a rapport database (not an SQLite file); expected a database made by rapport");
    }
    let wal_mode = header[18] == 2 || header[19] == 2;
    let (wal, shm) = (side_file(path, "-wal"), side_file(path, "-shm"));
    let mut lock = None;
    let mut uri_options = "mode=ro";
    if wal_mode {
        let held = SharedLock::take(path).with_context(|| format!("cannot read {shown}"))?;
        let wal_bytes = fs::metadata(&wal).map(|m| m.len()).ok();
        let shm_there = shm.exists();
        // An empty -wal without its -shm is what a writer killed just after
        // opening the file leaves: it holds nothing.
        if wal_bytes.is_none() || (wal_bytes == Some(0) && !shm_there) {
            lock = Some(held);
            uri_options = "mode=ro&immutable=1";
        } else if !shm_there {
            // What a writer killed while closing leaves (SQLite removes the
            // index before the log). Reading it in place would create files,
            // so read a private copy of both instead, taken under the lock.
            return read_copy(path, &wal, latest, report, held);
        }
    }
    let conn = Connection::open_with_flags(
        uri(path, uri_options),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {shown}"))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let found = inspect(&conn, path, latest)?;
    if found < latest {
        report.outdated = Some(found);
    }
    let mut store = Store::wrap(conn, path.to_path_buf(), Clock::System);
    store.read_lock = lock.map(|l| l.0);
    Ok(store)
}

/// Opens a copy of `path` and its `-wal` in a private folder, so that
/// SQLite can rebuild the log's index there and the original stays as it was.
fn read_copy(path: &Path, wal: &Path, latest: u32, report: &mut OpenReport, held: SharedLock) -> Result<Store> {
    let shown = path.display();
    let scratch = tempfile::Builder::new()
        .prefix("rapport-read-")
        .tempdir()
        .with_context(|| format!("cannot read {shown}: no room for a private copy"))?;
    let copy = scratch.path().join("book.db");
    fs::copy(path, &copy).with_context(|| format!("cannot read {shown}"))?;
    fs::copy(wal, side_file(&copy, "-wal")).with_context(|| format!("cannot read {}", wal.display()))?;
    drop(held);
    let conn = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_context(|| format!("cannot open {shown}"))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let found = inspect(&conn, path, latest)?;
    if found < latest {
        report.outdated = Some(found);
    }
    let mut store = Store::wrap(conn, path.to_path_buf(), Clock::System);
    store.scratch = Some(scratch);
    Ok(store)
}

fn read_header(path: &Path) -> Result<[u8; 100]> {
    use std::io::Read;
    let mut header = [0u8; 100];
    let mut file = fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    match file.read_exact(&mut header) {
        Ok(()) => Ok(header),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => bail!(
            "{} is not a rapport database (not an SQLite file); expected a database made by rapport",
            path.display()
        ),
        Err(e) => Err(anyhow!(e).context(format!("cannot read {}", path.display()))),
    }
}

/// `PATH-wal`, `PATH-shm`, `PATH-journal`.
pub(crate) fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A `file:` URI for SQLite, with the characters that URIs reserve escaped.
fn uri(path: &Path, options: &str) -> String {
    use std::os::unix::ffi::OsStrExt;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file:");
    for &b in absolute.as_os_str().as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out.push('?');
    out.push_str(options);
    out
}

/// A read lock on the bytes SQLite's readers lock (its SHARED lock), taken
/// the way SQLite takes it, so a writer cannot get the EXCLUSIVE lock it
/// needs to merge its log into the main file while we read that file directly.
struct SharedLock(fs::File);

impl SharedLock {
    /// SQLite's lock bytes start at 2^30 (`PENDING_BYTE`); the shared range
    /// is the 510 bytes after the pending and reserved bytes.
    const SHARED_FIRST: i64 = 0x4000_0000 + 2;
    const SHARED_SIZE: i64 = 510;

    fn take(path: &Path) -> std::io::Result<SharedLock> {
        use std::os::fd::AsRawFd;
        let file = fs::File::open(path)?;
        // SAFETY: a zeroed `flock` is a valid value; the fields that matter are set below.
        let mut lock: libc::flock = unsafe { std::mem::zeroed() };
        lock.l_type = libc::F_RDLCK as _;
        lock.l_whence = libc::SEEK_SET as _;
        lock.l_start = Self::SHARED_FIRST as _;
        lock.l_len = Self::SHARED_SIZE as _;
        // Open-file-description locks (Linux) belong to this file handle
        // alone, so closing it cannot drop locks SQLite holds in this process.
        #[cfg(target_os = "linux")]
        let command = libc::F_OFD_SETLKW;
        #[cfg(not(target_os = "linux"))]
        let command = libc::F_SETLKW;
        loop {
            // SAFETY: fcntl on an open descriptor with a pointer to a live `flock`.
            if unsafe { libc::fcntl(file.as_raw_fd(), command, &mut lock) } == 0 {
                return Ok(SharedLock(file));
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
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

/// Saves the file before a migration as `NAME.schemaV-STAMP.bak`; when that
/// name is taken (a second open in the same second), `-2`, `-3`, … follow.
fn backup_before_migration(conn: &Connection, path: &Path, version: u32) -> Result<PathBuf> {
    let shown = path.display();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut temp = copy_to_temp(conn, path).with_context(|| format!("cannot back up {shown} before migrating"))?;
    fs::File::open(&temp)?.sync_all()?;
    for n in 1..=1000u32 {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let dest = path.with_file_name(format!("{name}.schema{version}-{stamp}{suffix}.bak"));
        match temp.persist_noclobber(&dest) {
            Ok(()) => {
                sync_folder(&dest)?;
                return Ok(dest);
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temp = e.path,
            Err(e) => {
                return Err(
                    anyhow!(e.error).context(format!("cannot back up {shown} before migrating to {}", dest.display()))
                )
            }
        }
    }
    bail!("cannot find a free name for the backup of {shown} before migrating")
}

/// A complete copy of the database in a new temporary file beside `near`.
fn copy_to_temp(conn: &Connection, near: &Path) -> Result<tempfile::TempPath> {
    let temp =
        temp_beside(near, "partial").with_context(|| format!("cannot create a file beside {}", near.display()))?;
    let mut target = Connection::open(&temp)?;
    rusqlite::backup::Backup::new(conn, &mut target)?
        .run_to_completion(256, Duration::ZERO, None)
        .with_context(|| format!("copying {} failed", near.display()))?;
    target.close().map_err(|(_, e)| e)?;
    Ok(temp)
}

/// A consistent copy of the whole database at `dest`, mode 0600. It is
/// written under a temporary name in the same folder and renamed when
/// complete, so a killed backup leaves nothing under `dest`.
pub(super) fn backup_to(conn: &Connection, dest: &Path) -> Result<()> {
    let shown = dest.display();
    if fs::symlink_metadata(dest).is_ok() {
        bail!("{shown} already exists; expected a new file name for the backup");
    }
    let folder = parent_of(dest);
    if !folder.is_dir() {
        bail!("the folder {} does not exist; expected an existing folder for the backup", folder.display());
    }
    let temp = copy_to_temp(conn, dest).with_context(|| format!("backup to {shown} failed"))?;
    persist_new(temp, dest).with_context(|| format!("backup to {shown} failed"))
}

impl Store {
    /// Merges the write-ahead log of the database at `path` into the file
    /// and closes it, so the file stands alone and can be replaced. Fails,
    /// changing nothing else, when another connection still has it open.
    pub fn settle(path: &Path) -> Result<()> {
        let shown = path.display();
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .with_context(|| format!("cannot open {shown}"))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .with_context(|| format!("cannot settle {shown}"))?;
        conn.close().map_err(|(_, e)| e).with_context(|| format!("cannot close {shown}"))?;
        // The last connection to close removes the log; one left means another is open.
        for side in ["-wal", "-shm"] {
            if side_file(path, side).exists() {
                bail!("{shown} is open in another program (its {side} file is in use); close it and try again");
            }
        }
        Ok(())
    }

    /// Writes a consistent copy of the database to `dest` (a new file).
    pub fn backup(&self, dest: &Path) -> Result<()> {
        backup_to(&self.conn, dest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::{Migration, LATEST, MIGRATIONS};

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
        newer.push((LATEST + 1, "0099_test", "CREATE TABLE extra (x INTEGER) STRICT;"));
        let (store, report) = open_with(&path, OpenMode::Existing, &newer).unwrap();
        assert_eq!(report.migrated_from, Some(LATEST));
        let backup = report.backup.expect("a backup was written");
        assert_eq!(fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
        let copy = Connection::open(&backup).unwrap();
        let v: u32 = copy.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, LATEST);
        let marker: String =
            copy.query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| r.get(0)).unwrap();
        assert_eq!(marker, "before");
        assert_eq!(migrations::version(store.conn()).unwrap(), LATEST + 1);
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        drop(open_with(&path, OpenMode::Create, MIGRATIONS).unwrap());
        let mut broken: Vec<Migration> = MIGRATIONS.to_vec();
        broken.push((LATEST + 1, "0099_broken", "CREATE TABLE ok_part (x INTEGER); SELECT * FROM missing_table;"));
        let err = open_with(&path, OpenMode::Existing, &broken).err().unwrap();
        assert!(format!("{err:#}").contains("0099_broken"), "{err:#}");
        let conn = Connection::open(&path).unwrap();
        assert_eq!(migrations::version(&conn).unwrap(), LATEST);
        let partial: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'ok_part'", [], |r| r.get(0)).unwrap();
        assert_eq!(partial, 0, "the failed migration was rolled back whole");
    }
    /// The build's migrations plus one that fails if it runs twice, and
    /// takes long enough for a second opener to arrive while it runs.
    fn newer_list() -> Vec<Migration> {
        let mut newer = MIGRATIONS.to_vec();
        newer.push((
            LATEST + 1,
            "0099_once",
            "CREATE TABLE once (i INTEGER);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
             INSERT INTO once SELECT i FROM n;",
        ));
        newer
    }

    #[test]
    fn two_openers_of_one_old_file_run_each_migration_once() {
        let newer = newer_list();
        for round in 0..4 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("book.db");
            drop(open_with(&path, OpenMode::Create, MIGRATIONS).unwrap());
            let start = std::sync::Barrier::new(2);
            let results: Vec<Result<OpenReport>> = std::thread::scope(|scope| {
                let openers: Vec<_> = (0..2)
                    .map(|_| {
                        scope.spawn(|| {
                            start.wait();
                            open_with(&path, OpenMode::Existing, &newer).map(|(_, report)| report)
                        })
                    })
                    .collect();
                openers.into_iter().map(|t| t.join().unwrap()).collect()
            });
            let reports: Vec<OpenReport> = results
                .into_iter()
                .map(|r| r.unwrap_or_else(|e| panic!("round {round}: an opener failed: {e:#}")))
                .collect();
            let conn = Connection::open(&path).unwrap();
            let rows: i64 = conn.query_row("SELECT count(*) FROM once", [], |r| r.get(0)).unwrap();
            assert_eq!(rows, 100_000, "round {round}: the migration ran once");
            assert_eq!(migrations::version(&conn).unwrap(), LATEST + 1);
            let migrated: Vec<&OpenReport> = reports.iter().filter(|r| r.migrated_from.is_some()).collect();
            assert_eq!(migrated.len(), 1, "round {round}: one opener migrated");
            // Only the backup of the opener that migrated is kept.
            let backups = fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".bak"))
                .count();
            assert_eq!(backups, 1, "round {round}");
            assert!(migrated[0].backup.as_ref().unwrap().exists());
        }
    }

    #[test]
    fn a_second_migration_in_the_same_second_gets_its_own_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db");
        let pristine = dir.path().join("pristine.db");
        drop(open_with(&path, OpenMode::Create, MIGRATIONS).unwrap());
        fs::copy(&path, &pristine).unwrap();
        let newer = newer_list();
        let mut backups = Vec::new();
        for _ in 0..3 {
            fs::copy(&pristine, &path).unwrap();
            let (_, report) = open_with(&path, OpenMode::Existing, &newer).unwrap();
            backups.push(report.backup.expect("a backup before migrating"));
        }
        backups.sort();
        backups.dedup();
        assert_eq!(backups.len(), 3, "{backups:?}");
        for b in &backups {
            let copy = Connection::open(b).unwrap();
            assert_eq!(migrations::version(&copy).unwrap(), LATEST);
        }
    }
}
