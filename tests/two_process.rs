//! Writers that do not know about each other, on one file at the same time:
//! two shells each running `rapport log` over and over while a long-lived
//! store (as the cockpit holds one) writes through the library. Every write
//! must land, none may fail on a lock, and the file must stay sound.

mod common;

use rapport::domain::ActivityKind;
use rapport::store::{LogEntry, OpenMode, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

/// `rapport log` processes per shell. Each is a whole process: start, open,
/// resolve the account by name, write. Two shells of 250 take a few seconds
/// in a debug build on two cores.
const PER_SHELL: usize = 250;

fn book(dir: &Path) -> PathBuf {
    common::book_in(dir).0
}

/// Runs `count` `rapport log` processes one after another; returns the
/// failures (exit status and stderr) and every stderr that was not empty.
fn shell(db: PathBuf, account: &'static str, tag: &'static str, count: usize) -> Vec<String> {
    let mut problems = Vec::new();
    for i in 0..count {
        let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .env_remove("RAPPORT_DB")
            .arg("--db")
            .arg(&db)
            .args(["log", account, &format!("{tag} {i}"), "--kind", "note"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        if !out.status.success() || !err.is_empty() {
            problems.push(format!("{tag} {i}: {:?}: {err}", out.status.code()));
        }
    }
    problems
}

/// The numbers after `tag ` in an account's timeline summaries, sorted.
fn logged(store: &Store, account: i64, tag: &str) -> Vec<usize> {
    let mut found: Vec<usize> = store
        .timeline(account, None, 10_000)
        .unwrap()
        .into_iter()
        .filter_map(|i| i.summary.strip_prefix(&format!("{tag} ")).and_then(|n| n.parse().ok()))
        .collect();
    found.sort_unstable();
    found
}

#[test]
fn two_shells_and_a_long_lived_store_write_at_once_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = book(dir.path());
    let started = Instant::now();

    let a = {
        let db = db.clone();
        thread::spawn(move || shell(db, "acme logistics", "shell A", PER_SHELL))
    };
    let b = {
        let db = db.clone();
        thread::spawn(move || shell(db, "#2", "shell B", PER_SHELL))
    };

    // The third writer keeps one connection open for the whole run.
    let (mut store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    store.set_session("library");
    let mut library_errors = Vec::new();
    let mut library_writes = 0;
    // It writes for as long as the shells run (and at least 100 times).
    while library_writes < 100 || !(a.is_finished() && b.is_finished()) {
        let entry = LogEntry {
            account_id: 3,
            kind: ActivityKind::Note,
            summary: format!("library {library_writes}"),
            ..Default::default()
        };
        if let Err(e) = store.log_interaction(&entry) {
            library_errors.push(format!("library {library_writes}: {e:#}"));
        }
        library_writes += 1;
        thread::sleep(Duration::from_millis(2));
    }
    let mut problems = a.join().unwrap();
    problems.extend(b.join().unwrap());
    problems.extend(library_errors);
    let elapsed = started.elapsed();

    assert!(
        problems.is_empty(),
        "{} writes went wrong, first: {:?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    assert!(!problems.iter().any(|p| p.contains("locked") || p.contains("busy")));

    let everyone: Vec<usize> = (0..PER_SHELL).collect();
    assert_eq!(logged(&store, 1, "shell A"), everyone, "every write of shell A is there, once");
    assert_eq!(logged(&store, 2, "shell B"), everyone, "every write of shell B is there, once");
    assert_eq!(logged(&store, 3, "library"), (0..library_writes).collect::<Vec<_>>());
    assert!(store.check().unwrap().is_empty(), "{:?}", store.check().unwrap());

    let out = Command::new(env!("CARGO_BIN_EXE_rapport")).arg("--db").arg(&db).args(["db", "check"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Each write is its own change-log batch: none were merged or lost.
    let batches: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(DISTINCT batch) FROM change_log WHERE session IN ('cli', 'library')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(batches as usize, 2 * PER_SHELL + library_writes);

    // The writers really took turns: in the order the rows were written, the
    // writer changes many times.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn.prepare("SELECT account_id FROM activities WHERE summary GLOB '* [0-9]*' ORDER BY id").unwrap();
    let order: Vec<i64> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
    let turns = order.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(turns >= 100, "only {turns} changes of writer in {} writes", order.len());
    eprintln!(
        "{} writes from three writers in {:.1}s, {turns} changes of writer",
        2 * PER_SHELL + library_writes,
        elapsed.as_secs_f64()
    );
}
