//! The database file is never damaged or changed by what only reads it:
//! reading commands open read-only, empty files, devices and pipes are
//! refused, `db check` fails on a hot journal or a lost table, and `demo`
//! never touches files it did not make.

mod common;

use rapport::store::{OpenMode, Store};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
    c.env_remove("RAPPORT_DB");
    c
}

fn rapport(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).stdin(Stdio::null()).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The fixed book in a file, closed (so its log is merged and gone).
fn book(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    common::seed_file(&path);
    path
}

/// Every file in a folder with its mode and content.
fn folder(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = fs::symlink_metadata(e.path()).unwrap();
            let bytes = if meta.is_file() { fs::read(e.path()).unwrap() } else { Vec::new() };
            (e.file_name().to_string_lossy().into_owned(), (meta.permissions().mode() & 0o777, bytes))
        })
        .collect()
}

#[test]
fn reading_commands_change_no_byte_mode_or_side_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path(), "book.db");
    // Readable by others: reading warns and leaves the mode alone.
    fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
    let before = folder(dir.path());
    assert_eq!(before.keys().collect::<Vec<_>>(), ["book.db"]);
    for args in [
        &["db", "info"][..],
        &["db", "info", "--json"],
        &["db", "check"],
        &["find", "acme"],
        &["find", "roe", "--json"],
        &["agenda", "--days", "30"],
    ] {
        let out = rapport(&db, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("can be read or changed by other users (mode 0644)"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(folder(dir.path()), before, "{args:?} changed the folder");
    }
    // A backup adds its own file, and nothing else.
    let copy = dir.path().join("copy.db");
    let out = rapport(&db, &["db", "backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut after = folder(dir.path());
    let (mode, _) = after.remove("copy.db").expect("the backup is there");
    assert_eq!(mode, 0o600);
    assert_eq!(after, before);

    // A read-only file can be read.
    fs::set_permissions(&db, fs::Permissions::from_mode(0o400)).unwrap();
    let out = rapport(&db, &["db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read(&db).unwrap(), before["book.db"].1);
}

#[test]
fn reading_while_a_writer_has_the_file_open_sees_its_writes_and_leaves_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path(), "book.db");
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    store.set_setting("live", "1").unwrap();
    let mut acme = store.get::<rapport::store::Account>(1).unwrap().unwrap();
    acme.name = "Acme Logistics Live".into();
    store.update(&mut acme).unwrap();
    let out = rapport(&db, &["find", "acme logistics live", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Acme Logistics Live"));
    let out = rapport(&db, &["db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for side in ["book.db-wal", "book.db-shm"] {
        assert!(dir.path().join(side).exists(), "{side} is still there for the writer");
    }
    store.set_setting("still", "writing").unwrap();
    assert_eq!(store.setting("still").unwrap().as_deref(), Some("writing"));
}

/// Waits for a child without hanging the test run if it blocks forever.
fn finish(mut child: std::process::Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("rapport did not return (it blocked opening the file)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn empty_files_devices_and_pipes_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    fs::write(&empty, b"").unwrap();
    fs::set_permissions(&empty, fs::Permissions::from_mode(0o640)).unwrap();
    let fifo = dir.path().join("pipe.db");
    let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let commands: [&[&str]; 8] = [
        &["db", "info"],
        &["db", "check"],
        &["find", "acme"],
        &["agenda"],
        &["log", "acme", "called"],
        &["add", "account", "--name", "New"],
        &["demo", "--no-open", "--accounts", "2"],
        &[],
    ];
    for (db, expected) in [
        (empty.as_path(), "is an empty file (0 bytes)"),
        (Path::new("/dev/null"), "is a character device"),
        (fifo.as_path(), "is a named pipe (FIFO)"),
    ] {
        for args in commands {
            let mut child = bin();
            child.arg("--db").arg(db).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
            let out = finish(child.spawn().unwrap());
            let err = stderr(&out);
            assert!(!out.status.success(), "{db:?} {args:?}");
            assert!(err.starts_with("error: ") && err.contains(expected), "{db:?} {args:?}: {err}");
        }
    }
    let left: Vec<String> = folder(dir.path()).into_keys().collect();
    assert_eq!(left, ["empty.db", "pipe.db"], "no side file, no partial build");
    assert_eq!(fs::metadata(&empty).unwrap().len(), 0);
    assert_eq!(fs::metadata(&empty).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn db_check_fails_on_a_hot_journal_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path(), "book.db");
    let hot = dir.path().join("hot.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA cache_size = 10;").unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        // More changed pages than the cache holds: SQLite syncs the journal
        // and writes into the file before COMMIT. Copied now, that is the
        // state a kill at this moment leaves: a file that needs its journal.
        for i in 0..400 {
            conn.execute("INSERT INTO settings (key, value) VALUES (?1, hex(randomblob(600)))", [format!("k{i}")])
                .unwrap();
        }
        fs::copy(&db, &hot).unwrap();
        fs::copy(dir.path().join("book.db-journal"), dir.path().join("hot.db-journal")).unwrap();
        conn.execute_batch("ROLLBACK").unwrap();
    }
    let journal = dir.path().join("hot.db-journal");
    assert_ne!(fs::read(&journal).unwrap()[0], 0, "the copied journal is hot");
    let before = (fs::read(&hot).unwrap(), fs::read(&journal).unwrap());
    for args in [&["db", "check"][..], &["db", "info"], &["find", "acme"]] {
        let out = rapport(&hot, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("has a hot journal"), "{args:?}: {}", stderr(&out));
    }
    assert_eq!((fs::read(&hot).unwrap(), fs::read(&journal).unwrap()), before, "file and journal untouched");
    // A writing command rolls the journal back, and then all is well.
    let out = rapport(&hot, &["log", "#1", "called back"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = rapport(&hot, &["db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn db_check_fails_when_a_table_or_index_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path(), "book.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA foreign_keys = OFF; DROP TABLE targets; DROP INDEX reps_name;")
        .unwrap();
    let out = rapport(&db, &["db", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("problem: schema: the table targets is missing"), "{err}");
    assert!(err.contains("problem: schema: the index reps_name is missing"), "{err}");
}

#[test]
fn demo_checks_a_user_database_read_only_and_leaves_it_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("mine.db");
    fs::copy("tests/fixtures/v1.db", &old).unwrap();
    fs::set_permissions(&old, fs::Permissions::from_mode(0o600)).unwrap();
    let before = folder(dir.path());
    for args in [&["demo", "--fresh", "--no-open"][..], &["demo", "--no-open"]] {
        let out = rapport(&old, args);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("is not a demo database"), "{}", stderr(&out));
        assert_eq!(folder(dir.path()), before, "no migration, no backup, no side file");
    }
}

#[test]
fn demo_never_removes_files_it_did_not_make() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mine = dir.path().join("demo.db.partial");
    fs::write(&mine, "someone's notes that happen to have this name").unwrap();
    let out = rapport(&db, &["demo", "--no-open", "--accounts", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&mine).unwrap(), "someone's notes that happen to have this name");
    let names: Vec<String> = folder(dir.path()).into_keys().collect();
    assert_eq!(names, ["demo.db", "demo.db.partial"], "the build's own side file is gone");
}

/// A `-wal` with valid frames, from another database, lying where the demo will go.
fn stray_log(dir: &Path, beside: &Path) {
    let other = dir.join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE t (x); INSERT INTO t VALUES (randomblob(5000));",
    )
    .unwrap();
    let mut wal = beside.as_os_str().to_owned();
    wal.push("-wal");
    fs::copy(dir.join("other.db-wal"), PathBuf::from(wal)).unwrap();
}

#[test]
fn demo_refuses_to_build_beside_a_stale_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    stray_log(dir.path(), &db);
    let wal = dir.path().join("demo.db-wal");
    let before = fs::read(&wal).unwrap();
    let out = rapport(&db, &["demo", "--no-open", "--accounts", "3"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("demo.db-wal is left from an earlier database"), "{}", stderr(&out));
    assert!(!db.exists());
    assert_eq!(fs::read(&wal).unwrap(), before);
    // The cockpit's first start there is refused the same way.
    let out = rapport(&db, &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is left from an earlier database"), "{}", stderr(&out));
    assert!(!db.exists());
}

#[test]
fn demo_fresh_waits_for_the_demo_to_be_closed_and_then_replaces_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = rapport(&db, &["demo", "--no-open", "--accounts", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Another program has the demo open and has written to it.
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    store.set_setting("open", "elsewhere").unwrap();
    let out = rapport(&db, &["demo", "--fresh", "--no-open", "--accounts", "5"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is open in another program"), "{}", stderr(&out));
    assert_eq!(store.setting("open").unwrap().as_deref(), Some("elsewhere"), "the open demo still works");
    assert!(store.check().unwrap().is_empty());
    drop(store);

    let out = rapport(&db, &["demo", "--fresh", "--no-open", "--accounts", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(", 5 accounts,"));
    let names: Vec<String> = folder(dir.path()).into_keys().collect();
    assert_eq!(names, ["demo.db"], "no stale log beside the new file");
    let out = rapport(&db, &["db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    assert_eq!(store.setting("open").unwrap(), None, "the new build, not the old file");
}

#[test]
fn reading_a_file_with_a_log_but_no_index_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path(), "book.db");
    let x = dir.path().join("x.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0; INSERT INTO settings VALUES ('in the log', '1');").unwrap();
        fs::copy(&db, &x).unwrap();
        fs::copy(dir.path().join("book.db-wal"), dir.path().join("x.db-wal")).unwrap();
    }
    fs::remove_file(&db).unwrap();
    // A log with changes in it, without its index (a writer killed while
    // closing): it is read through a private copy, and nothing here changes.
    let before = folder(dir.path());
    let out = rapport(&x, &["db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(folder(dir.path()), before);
    let backup = dir.path().join("copy.db");
    let out = rapport(&x, &["db", "backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = rusqlite::Connection::open(&backup).unwrap();
    let seen: String = conn.query_row("SELECT value FROM settings WHERE key = 'in the log'", [], |r| r.get(0)).unwrap();
    assert_eq!(seen, "1", "the copy holds what was in the log");
    drop(conn);
    fs::remove_file(&backup).unwrap();
    for side in ["copy.db-wal", "copy.db-shm"] {
        let _ = fs::remove_file(dir.path().join(side));
    }
    assert_eq!(folder(dir.path()), before);
    // A writer merges it; then reading works as ever.
    let out = rapport(&x, &["log", "#1", "called"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = rapport(&x, &["db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // An empty log without its index (a writer killed just after opening) holds nothing.
    fs::write(dir.path().join("x.db-wal"), b"").unwrap();
    let before = folder(dir.path());
    let out = rapport(&x, &["db", "info"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(folder(dir.path()), before);
}
