//! The lookup behind `rapport find`, `rapport log ACCOUNT` and the cockpit's
//! `/`: one ranking for all three, and an index kept beside the database
//! (by the cockpit and commands that write; `find` only reads it) through
//! which every write, from any process, is seen at once.

mod common;

use common::book_in as book;
use rapport::demo::{self, DemoSpec};
use rapport::store::{Account, Contact, OpenMode, Store};
use rapport::tui::overlays::Overlay;
use ratatui::crossterm::event::KeyCode;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env("TZ", "UTC")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Account ids `rapport find --json` gives for `query`, best first.
fn find(db: &Path, query: &str, limit: usize) -> Vec<i64> {
    let out = run(db, &["find", query, "--json", "--limit", &limit.to_string()]);
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["accounts"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect()
}

/// Names of the accounts `rapport find` shows for `query`.
fn found_names(db: &Path, query: &str) -> Vec<String> {
    let out = run(db, &["find", query, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["accounts"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_string()).collect()
}

fn index_file(db: &Path) -> PathBuf {
    db.with_file_name("book.db-lookup")
}

fn id_in(out: &str) -> String {
    out.split("(#").nth(1).unwrap().split(')').next().unwrap().to_string()
}

#[test]
fn find_sees_every_write_at_once_through_the_index_file() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    assert_eq!(found_names(&db, "borealis"), ["Borealis Systems"]);
    assert!(!index_file(&db).exists(), "find, a reading command, writes no file");
    ok(&db, &["log", "cobalt", "called", "--kind", "note"]);
    let index = std::fs::read(index_file(&db)).expect("a command that writes keeps the index beside the database");

    // Add, rename, delete and undo an account from the shell.
    let id = id_in(&ok(&db, &["add", "account", "--name", "Quillon Freight"]));
    assert_eq!(found_names(&db, "quillon"), ["Quillon Freight"]);
    ok(&db, &["edit", "account", &id, "--name", "Zephyrine Freight"]);
    assert!(found_names(&db, "quillon").is_empty());
    assert_eq!(found_names(&db, "zephyrine"), ["Zephyrine Freight"]);
    ok(&db, &["delete", "account", &id]);
    assert!(found_names(&db, "zephyrine").is_empty());
    ok(&db, &["undo"]);
    assert_eq!(found_names(&db, "zephyrine"), ["Zephyrine Freight"]);

    // A contact: by name, e-mail and phone; then deleted.
    let out = ok(
        &db,
        &[
            "add",
            "contact",
            "--account",
            "Zephyrine Freight",
            "--name",
            "Oriel Vasquez",
            "--email",
            "oriel@zephyrine.example",
            "--phone",
            "+44 20 7946 0999",
        ],
    );
    let contact = id_in(&out);
    for q in ["vasquez", "oriel@", "020 7946 0999", "+442079460999"] {
        assert_eq!(found_names(&db, q), ["Zephyrine Freight"], "{q}");
    }
    ok(&db, &["delete", "contact", &contact]);
    assert!(found_names(&db, "vasquez").is_empty());

    // Another process's write: a long-lived store, as the cockpit holds one.
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    let mut acme = store.require::<Account>(ids.acme).unwrap();
    acme.name = "Acme Interstellar".into();
    store.update(&mut acme).unwrap();
    assert_eq!(found_names(&db, "interstellar"), ["Acme Interstellar"]);
    let mut jane = store.require::<Contact>(ids.jane).unwrap();
    jane.name = "Janet Quorra".into();
    store.update(&mut jane).unwrap();
    assert_eq!(found_names(&db, "quorra"), ["Acme Interstellar"]);
    assert_eq!(std::fs::read(index_file(&db)).unwrap(), index, "find read the file and caught up in memory");
}

#[test]
fn a_damaged_or_foreign_index_file_is_not_used_and_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    ok(&db, &["log", "cobalt", "called", "--kind", "note"]);
    let index = index_file(&db);
    let good = std::fs::read(&index).unwrap();
    for damaged in [good[..good.len() / 2].to_vec(), b"not an index".to_vec(), Vec::new()] {
        std::fs::write(&index, &damaged).unwrap();
        assert_eq!(found_names(&db, "cobalt"), ["Cobalt Mining"]);
        assert_eq!(std::fs::read(&index).unwrap(), damaged, "find leaves the file alone");
        ok(&db, &["log", "cobalt", "called again", "--kind", "note"]);
        assert_eq!(std::fs::read(&index).unwrap().len(), good.len(), "written again");
    }
    // Another book's index at this path (a database copied over this one) is not used.
    let other = tempfile::tempdir().unwrap();
    let (other_db, other_ids) = book(other.path());
    ok(&other_db, &["edit", "account", &other_ids.cobalt.to_string(), "--name", "Cobalt Elsewhere"]);
    ok(&other_db, &["log", "cobalt", "called", "--kind", "note"]);
    assert_eq!(found_names(&other_db, "cobalt"), ["Cobalt Elsewhere"]);
    std::fs::copy(index_file(&other_db), &index).unwrap();
    assert_eq!(found_names(&db, "cobalt"), ["Cobalt Mining"]);
}

#[test]
fn log_names_its_account_through_the_same_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    // "acme" fits two accounts equally: nothing is written, both are listed.
    let out = run(&db, &["log", "acme", "called", "--kind", "note"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Acme Logistics") && err.contains("Acme"), "{err}");
    // A name the lookup finds in one account's name only.
    let out = ok(&db, &["log", "borea", "called about the renewal", "--kind", "note"]);
    assert!(out.contains("Borealis Systems"), "{out}");
    // A contact's surname names their account, as `find` ranks it first.
    assert_eq!(found_names(&db, "roe").first().map(String::as_str), Some("Acme Logistics"));
    let out = ok(&db, &["log", "roe", "called back", "--kind", "note"]);
    assert!(out.contains("on Acme Logistics"), "{out}");
    // A new account is found by `log` right after it was added.
    ok(&db, &["add", "account", "--name", "Quillon Freight"]);
    let out = ok(&db, &["log", "quillon", "first call", "--kind", "note"]);
    assert!(out.contains("Quillon Freight"), "{out}");
}

/// Queries a caller could give, drawn from the data: parts of account names,
/// contact surnames, e-mail fragments and phone digits, 50 of each.
fn queries(store: &Store) -> Vec<String> {
    let rows = store.account_rows().unwrap();
    let (mut names, mut surnames, mut emails, mut phones) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, r) in rows.iter().step_by(rows.len() / 90 + 1).enumerate() {
        let word = r.name.split_whitespace().nth(i % 2).unwrap_or(&r.name).to_lowercase();
        names.push(word.chars().take(2 + i % 5).collect::<String>());
        for (j, c) in store.contacts_of(r.id).unwrap().iter().take(1).enumerate() {
            let surname = c.name.split_whitespace().last().unwrap_or("x").to_lowercase();
            surnames.push(surname.chars().take(3 + (i + j) % 4).collect());
            if let Some(e) = &c.email {
                let at = e.find('@').unwrap_or(0);
                let from = at.saturating_sub(2 + i % 3);
                emails.push(e[from..(at + 1 + i % 4).min(e.len())].to_string());
            }
            if let Some(p) = &c.phone {
                let digits: String = p.chars().filter(char::is_ascii_digit).collect();
                phones.push(match i % 3 {
                    0 => digits[digits.len().saturating_sub(7)..].to_string(),
                    1 => p.clone(),
                    _ => c.phone_e164.clone().unwrap_or_else(|| digits[digits.len().saturating_sub(4)..].to_string()),
                });
            }
        }
    }
    let mut all = Vec::new();
    for list in [names, surnames, emails, phones] {
        assert!(list.len() >= 50, "{list:?}");
        all.extend(list.into_iter().take(50));
    }
    all
}

#[test]
fn find_and_the_cockpit_search_give_the_same_top_ten_for_two_hundred_queries() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    {
        let (store, _) = Store::open(&db, OpenMode::Create).unwrap();
        let store = store.with_clock(common::clock());
        let now = store.clock().now();
        let spec = DemoSpec { accounts: 600, seed: 7, today: now.date_naive(), now };
        demo::generate(&store, &spec, &mut |_, _, _| {}).unwrap();
    }
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    let queries = queries(&store);
    assert_eq!(queries.len(), 200);
    let mut app = common::app_over(store, 200, 60);
    let mut differ = Vec::new();
    let mut empty = 0;
    for q in &queries {
        common::press(&mut app, "/");
        common::press(&mut app, q);
        let Overlay::Search(search) = app.overlay() else { panic!("/ opens the search") };
        let cockpit: Vec<i64> = search.hits.iter().take(10).map(|h| h.account_id).collect();
        common::key(&mut app, KeyCode::Esc);
        let shell = find(&db, q, 10);
        empty += shell.is_empty() as usize;
        if shell != cockpit {
            differ.push(format!("{q:?}: find {shell:?}, cockpit {cockpit:?}"));
        }
    }
    assert!(differ.is_empty(), "{} of 200 differ:\n{}", differ.len(), differ.join("\n"));
    assert!(empty < 10, "the queries come from the data, so nearly all find something ({empty} found nothing)");
}
