//! `rapport escalate`, `edit conflict --status`, `target set|list` and deal
//! terms, run as the built binary on temp databases.

mod common;

use rapport::domain::*;
use rapport::store::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env("RAPPORT_CONFIG", dir.join("no-config.toml"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, db: &Path, args: &[&str]) -> String {
    let out = run(dir, db, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {err}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Fails with one `error:` line containing `expected`, and a hint when asked.
fn refused(dir: &Path, db: &Path, args: &[&str], expected: &str) -> String {
    let out = run(dir, db, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(err.starts_with("error: ") && err.contains(expected), "{args:?}: {err}");
    err
}

fn book(dir: &Path) -> (PathBuf, common::Ids) {
    let path = dir.join("book.db");
    let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
    let ids = common::seed(&store.with_clock(common::clock()));
    (path, ids)
}

fn open(db: &Path) -> Store {
    Store::open(db, OpenMode::Existing).unwrap().0
}

fn log_size(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap()
}

#[test]
fn escalate_defaults_to_the_owners_manager_and_takes_a_chosen_rep() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let dispute = open(&db).open_conflicts_of(ids.acme).unwrap().remove(0);
    let id = dispute.id.to_string();
    let out = ok(dir.path(), &db, &["escalate", &id, "--why", "CFO called twice"]);
    assert_eq!(
        out.trim(),
        format!(
            "escalated conflict \"Invoice dispute\" (#{id}) on Acme Logistics (#{}) to level 1 to Lee Okafor",
            ids.acme
        )
    );
    let c = open(&db).require::<Conflict>(dispute.id).unwrap();
    assert_eq!((c.escalated_to, c.escalation_reason.as_deref()), (Some(ids.lead), Some("CFO called twice")));

    let v: Value =
        serde_json::from_str(&ok(dir.path(), &db, &["escalate", &id, "--to", "Morgan Avery", "--json"])).unwrap();
    assert_eq!(v["escalated_to"], ids.manager);
    assert_eq!(v["escalation_level"], 2);

    let before = log_size(&db);
    let err = refused(dir.path(), &db, &["escalate", &id, "--to", "Nobody Here"], "--to: no rep named");
    assert!(err.contains("hint:"), "{err}");
    refused(dir.path(), &db, &["escalate", "999"], "no conflict with id 999");
    assert_eq!(log_size(&db), before, "a refusal writes nothing");
    // `rapport undo` takes the escalation back.
    ok(dir.path(), &db, &["undo"]);
    assert_eq!(open(&db).require::<Conflict>(dispute.id).unwrap().escalation_level, 1);
}

#[test]
fn edit_conflict_status_follows_the_flow() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let id = open(&db).open_conflicts_of(ids.borealis).unwrap().remove(0).id.to_string();
    ok(dir.path(), &db, &["edit", "conflict", &id, "--status", "waiting"]);
    let c = open(&db).require::<Conflict>(id.parse().unwrap()).unwrap();
    assert_eq!(c.status, ConflictStatus::Waiting);
    assert_eq!(c.pauses().len(), 1, "the clock stopped");
    refused(dir.path(), &db, &["edit", "conflict", &id, "--status", "open"], "does not go back to open");
    ok(dir.path(), &db, &["edit", "conflict", &id, "--status", "in_progress"]);
    let c = open(&db).require::<Conflict>(id.parse().unwrap()).unwrap();
    assert!(c.pauses()[0].to.is_some(), "the clock runs again");
}

#[test]
fn target_set_adds_then_changes_and_list_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let set = ["target", "set", "--scope", "rep", "--rep", "Rae Lindqvist", "--period", "2027Q1", "--amount", "120k"];
    let out = ok(dir.path(), &db, &set);
    assert!(out.starts_with("added rep target for 2027Q1 of Rae Lindqvist"), "{out}");
    let mut again = set;
    again[9] = "130k";
    let out = ok(dir.path(), &db, &again);
    assert!(out.starts_with("changed rep target for 2027Q1 of Rae Lindqvist"), "{out}");
    let q1 = open(&db).targets_for(Period::Quarter(2027, 1)).unwrap();
    assert_eq!(q1.len(), 1, "set changes the one there, never a second");
    assert_eq!((q1[0].rep_id, q1[0].amount), (Some(ids.rae), 13_000_000));

    let list = ok(dir.path(), &db, &["target", "list", "--period", "2027Q1"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[0].contains("period") && lines[0].contains("amount"), "{list}");
    assert!(lines[1].contains("Rae Lindqvist") && lines[1].contains("130,000.00"), "{list}");
    let all: Value = serde_json::from_str(&ok(dir.path(), &db, &["target", "list", "--json"])).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 6, "five seeded and the new one");

    // The same checks as the form and `add target`; nothing is written.
    let before = log_size(&db);
    refused(dir.path(), &db, &["target", "set", "--period", "2026Q5", "--amount", "1"], "--period");
    refused(
        dir.path(),
        &db,
        &["target", "set", "--scope", "rep", "--period", "2027Q1", "--amount", "1"],
        "needs --rep",
    );
    refused(
        dir.path(),
        &db,
        &["target", "set", "--metric", "new_deals", "--period", "2027", "--amount", "2.5"],
        "is not a count",
    );
    refused(dir.path(), &db, &["target", "set", "--period", "2027"], "needs --amount");
    refused(dir.path(), &db, &["target", "list", "--period", "Q9"], "--period");
    assert_eq!(log_size(&db), before);
}

#[test]
fn a_deal_won_from_the_shell_makes_a_customer_with_its_term() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let pilot = open(&db).deals_of(ids.cobalt).unwrap().remove(0);
    let id = pilot.meta.id.to_string();
    refused(dir.path(), &db, &["edit", "deal", &id, "--term-months", "0"], "expected 1 to 120 months");
    ok(dir.path(), &db, &["edit", "deal", &id, "--term-months", "6", "--stage", "won"]);
    let s = open(&db);
    let account = s.require::<Account>(ids.cobalt).unwrap();
    let today = chrono::Utc::now().date_naive();
    assert_eq!(account.status, AccountStatus::Customer);
    assert_eq!(account.renewal_date, today.checked_add_months(chrono::Months::new(6)));
}
