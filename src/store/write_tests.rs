//! `Store::write` on its ways out: a failed COMMIT and a panic both roll
//! back and leave the store ready for the next write.

use super::{Clock, OpenMode, Store};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn settings_seen_by_another_connection(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT key FROM settings ORDER BY key").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_failed_commit_rolls_back_surfaces_the_error_and_the_next_write_commits() {
    let store = Store::in_memory(Clock::System).unwrap();
    store
        .write(|s| {
            s.conn().execute_batch(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY);
                 CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);",
            )?;
            Ok(())
        })
        .unwrap();
    // The deferred key is only checked at COMMIT, which then fails.
    let err = store
        .write(|s| {
            s.conn().execute("INSERT INTO child (p) VALUES (5)", [])?;
            Ok(())
        })
        .unwrap_err();
    assert!(format!("{err:#}").contains("could not commit"), "{err:#}");
    assert!(format!("{err:#}").contains("FOREIGN KEY"), "{err:#}");
    assert!(store.conn().is_autocommit(), "the transaction was ended");
    assert_eq!(store.depth.get(), 0);
    let rows: i64 = store.conn().query_row("SELECT count(*) FROM child", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 0, "the failed write left nothing");
    store.set_setting("after", "1").unwrap();
    assert!(store.conn().is_autocommit(), "the next write committed on its own");
    assert_eq!(store.setting("after").unwrap().as_deref(), Some("1"));
}

#[test]
fn a_panic_inside_a_write_rolls_back_and_the_next_write_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
    for nested in [false, true] {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            store.write(|s| -> anyhow::Result<()> {
                s.set_setting("half-done", "1")?;
                if nested {
                    s.write(|s| -> anyhow::Result<()> {
                        s.set_setting("inner", "1")?;
                        panic!("a bug inside a nested write")
                    })?;
                }
                panic!("a bug inside a write")
            })
        }));
        assert!(outcome.is_err(), "the panic reached the caller");
        assert_eq!(store.depth.get(), 0, "nested = {nested}");
        assert!(store.conn().is_autocommit(), "nested = {nested}");
    }
    store.set_setting("after", "1").unwrap();
    // Another connection sees the later write and nothing of the panicked ones.
    let keys = settings_seen_by_another_connection(&path);
    assert!(keys.contains(&"after".to_string()), "{keys:?}");
    assert!(!keys.iter().any(|k| k == "half-done" || k == "inner"), "{keys:?}");
}
