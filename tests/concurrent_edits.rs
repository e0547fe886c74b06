//! Two shells changing the same record at the same moment: every change
//! each one reports is kept (different fields), the later one wins with both
//! in the change log (the same field), and a name guarded against duplicates
//! stays unique however close together two `add`s come.

mod common;

use rapport::store::{Account, OpenMode, Store};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn book(dir: &Path) -> PathBuf {
    common::book_in(dir).0
}

fn spawn(db: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Starts both commands before waiting for either, so that they overlap.
fn together(db: &Path, a: &[&str], b: &[&str]) -> (Output, Output) {
    let (x, y) = (spawn(db, a), spawn(db, b));
    (x.wait_with_output().unwrap(), y.wait_with_output().unwrap())
}

fn ok(o: &Output) {
    assert!(o.status.success(), "failed: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_hundred_pairs_of_edits_to_different_fields_all_keep_both() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let store = Store::open(&db, OpenMode::Existing).unwrap().0;
    let mut lost = Vec::new();
    for i in 0..100 {
        let (notes, city) = (format!("notes {i}"), format!("city {i}"));
        let (a, b) =
            together(&db, &["edit", "account", "1", "--notes", &notes], &["edit", "account", "1", "--city", &city]);
        ok(&a);
        ok(&b);
        assert!(String::from_utf8_lossy(&a.stdout).contains(&format!("→ {notes}")), "each tells what it changed");
        assert!(String::from_utf8_lossy(&b.stdout).contains(&format!("→ {city}")));
        let now = store.require::<Account>(1).unwrap();
        if now.notes.as_deref() != Some(notes.as_str()) || now.city.as_deref() != Some(city.as_str()) {
            lost.push((i, now.notes, now.city));
        }
    }
    assert!(lost.is_empty(), "{} of 100 pairs lost a change, first: {:?}", lost.len(), lost.first());
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn two_edits_of_the_same_field_the_later_wins_and_the_log_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let store = Store::open(&db, OpenMode::Existing).unwrap().0;
    let conn = rusqlite::Connection::open(&db).unwrap();
    for i in 0..20 {
        let (mine, theirs) = (format!("mine {i}"), format!("theirs {i}"));
        let (a, b) =
            together(&db, &["edit", "account", "2", "--notes", &mine], &["edit", "account", "2", "--notes", &theirs]);
        ok(&a);
        ok(&b);
        // The change log, in the order the writes committed.
        let mut stmt = conn
            .prepare(
                "SELECT json_extract(before, '$.notes'), json_extract(after, '$.notes') FROM change_log
                 WHERE entity = 'account' AND entity_id = 2 ORDER BY id DESC LIMIT 2",
            )
            .unwrap();
        let log: Vec<(Option<String>, Option<String>)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
        let (last, first) = (&log[0], &log[1]);
        let mut both = vec![first.1.clone().unwrap(), last.1.clone().unwrap()];
        both.sort();
        assert_eq!(both, vec![mine.clone(), theirs.clone()], "the log holds both changes");
        assert_eq!(last.0, first.1, "the later change saw the earlier one");
        assert_eq!(store.require::<Account>(2).unwrap().notes, last.1, "the later one wins");
    }
}

#[test]
fn two_adds_of_one_name_at_once_make_one_account() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let store = Store::open(&db, OpenMode::Existing).unwrap().0;
    for i in 0..50 {
        let name = format!("Dup {i}");
        let other = format!("dup  {i}");
        let (a, b) = together(&db, &["add", "account", "--name", &name], &["add", "account", "--name", &other]);
        let wins = [&a, &b].iter().filter(|o| o.status.success()).count();
        assert_eq!(wins, 1, "trial {i}: exactly one add succeeds");
        let loser = if a.status.success() { &b } else { &a };
        let err = String::from_utf8_lossy(&loser.stderr);
        assert!(err.contains("exists already"), "{err}");
        assert!(err.contains("--allow-duplicate"), "{err}");
        let named =
            store.account_names().unwrap().into_iter().filter(|(_, n, _)| rapport::domain::rules::same_name(n, &name));
        assert_eq!(named.count(), 1, "trial {i}");
    }
    // The explicit escape still lets both in.
    let (a, b) = together(
        &db,
        &["add", "account", "--name", "Twin", "--allow-duplicate"],
        &["add", "account", "--name", "Twin", "--allow-duplicate"],
    );
    ok(&a);
    ok(&b);
    assert_eq!(store.account_names().unwrap().iter().filter(|(_, n, _)| n == "Twin").count(), 2);
}

#[test]
fn two_adds_of_one_rep_or_contact_name_at_once_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let store = Store::open(&db, OpenMode::Existing).unwrap().0;
    for i in 0..10 {
        let name = format!("Kim {i}");
        let (a, b) = together(&db, &["add", "rep", "--name", &name], &["add", "rep", "--name", &name]);
        assert_eq!(u8::from(a.status.success()) + u8::from(b.status.success()), 1, "rep trial {i}");
        let args = ["add", "contact", "--account", "2", "--name", &name];
        let (a, b) = together(&db, &args, &args);
        assert_eq!(u8::from(a.status.success()) + u8::from(b.status.success()), 1, "contact trial {i}");
    }
    assert_eq!(store.reps().unwrap().iter().filter(|r| r.name.starts_with("Kim ")).count(), 10);
    assert_eq!(store.contacts_of(2).unwrap().iter().filter(|c| c.name.starts_with("Kim ")).count(), 10);
}
