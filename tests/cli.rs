//! The built binary on temp databases: output, exit codes, and that bad
//! input changes nothing.

mod common;

use common::stdout;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
    c.env_remove("RAPPORT_DB").env("TZ", "UTC");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The fixed book in a file.
fn book(dir: &Path) -> PathBuf {
    common::book_in(dir).0
}

#[test]
fn find_by_name_contact_email_and_phone() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let db = db.to_str().unwrap();
    let out = run(&["--db", db, "find", "bor", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["currency"], "USD", "the currency once per document, not per amount");
    let v = &doc["accounts"];
    assert_eq!(v[0]["name"], "Borealis Systems");
    assert_eq!(v[0]["owner"], "Sam Moreau");
    assert_eq!(v[0]["tier"], "key");
    assert_eq!(v[0]["annual_value"], 180_000.0, "money in major units");
    assert_eq!(v[0]["open_conflicts"], 1);
    assert_eq!(v[0]["next_renewal"], "2026-12-10");

    let out = run(&["--db", db, "find", "roe", "--json"]);
    let v = &serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()["accounts"];
    assert_eq!(v[0]["name"], "Acme Logistics");
    assert_eq!(v[0]["reason"], "contact: Jane Roe, CFO");

    let out = run(&["--db", db, "find", "(555) 010-2030", "--json"]);
    let v = &serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()["accounts"];
    assert_eq!(v[0]["name"], "Acme Logistics");
    assert_eq!(v[0]["matched"], "phone");

    let out = run(&["--db", db, "find", "priya@bor"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.lines().next().unwrap().starts_with("id"), "a table with a header:\n{text}");
    assert!(text.contains("Borealis Systems") && text.contains("e-mail of Priya Patel, VP Sales"), "{text}");

    let out = run(&["--db", db, "find", "zzzzqx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no account matches"));
}

#[test]
fn db_info_check_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let out = run(&["--db", db.to_str().unwrap(), "db", "info", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["schema_version"], rapport::store::migrations::LATEST);
    for (entity, n) in [
        ("reps", 4),
        ("accounts", 4),
        ("contacts", 4),
        ("deals", 6),
        ("conflicts", 3),
        ("targets", 5),
        ("activities", 8),
    ] {
        assert_eq!(v["counts"][entity], n, "{entity}");
    }
    let out = run(&["--db", db.to_str().unwrap(), "db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok:"));

    let copy = dir.path().join("copy.db");
    let out = run(&["--db", db.to_str().unwrap(), "db", "backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["--db", copy.to_str().unwrap(), "db", "info", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["counts"]["accounts"], 4);
}

#[test]
fn db_check_fails_on_a_broken_reference() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF; UPDATE contacts SET account_id = 999 WHERE id = 1;").unwrap();
    }
    let out = run(&["--db", db.to_str().unwrap(), "db", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("problem: foreign key: contacts row 1 refers to a missing accounts"),
        "{}",
        stderr(&out)
    );
}

/// Every bad input: one `error:` line naming the path or argument, a
/// non-zero exit, and no file changed.
#[test]
fn bad_input_gets_one_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    fs::write(&text, "not a database at all, only some words in a text file").unwrap();
    let newer = dir.path().join("newer.db");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch(&format!(
            "CREATE TABLE t (x); PRAGMA user_version = {};",
            rapport::store::migrations::LATEST + 1
        ))
        .unwrap();
    let ro = book(dir.path());
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
    let snapshot = |p: &Path| fs::read(p).unwrap();
    let before = [snapshot(&text), snapshot(&newer), snapshot(&ro)];

    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--db".into(), dir.path().join("missing.db").display().to_string(), "db".into(), "info".into()],
            "no database at",
        ),
        (vec!["--db".into(), dir.path().display().to_string(), "find".into(), "x".into()], "is a folder"),
        (vec!["--db".into(), text.display().to_string(), "db".into(), "info".into()], "not an SQLite file"),
        (vec!["--db".into(), newer.display().to_string(), "find".into(), "x".into()], "newer rapport (schema"),
        (vec!["--db".into(), ro.display().to_string(), "log".into(), "acme".into(), "x".into()], "is read-only"),
        (vec!["--db".into(), dir.path().join("nope/x.db").display().to_string()], "does not exist"),
        (vec!["frobnicate".into()], "unrecognized subcommand 'frobnicate'"),
        (vec!["find".into(), "x".into(), "--limit".into(), "0".into()], "invalid value '0' for '--limit"),
        (vec!["db".into(), "info".into(), "--colour".into()], "unexpected argument '--colour'"),
    ];
    for (args, expected) in cases {
        let out = bin().args(&args).output().unwrap();
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: expected '{expected}' in: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    assert_eq!([snapshot(&text), snapshot(&newer), snapshot(&ro)], before);
    assert!(!dir.path().join("missing.db").exists());
    assert!(!dir.path().join("newer.db-wal").exists());
}

#[test]
fn demo_refuses_to_overwrite_a_database_that_is_not_a_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let before = fs::read(&db).unwrap();
    let out = run(&["--db", db.to_str().unwrap(), "demo", "--fresh", "--no-open"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is not a demo database"), "{}", stderr(&out));
    assert_eq!(fs::read(&db).unwrap(), before);
}
