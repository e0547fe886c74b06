//! `rapport escalate`, `edit conflict --status`, `target set|list` and deal
//! terms, run as the built binary on temp databases.

mod common;

use common::book_in as book;
use rapport::domain::*;
use rapport::store::*;
use serde_json::Value;
use std::path::Path;
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
    assert_eq!(all["targets"].as_array().unwrap().len(), 6, "five seeded and the new one");

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

#[test]
fn report_forecast_shows_the_snapshot_history_and_its_accuracy() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    {
        // Two snapshots of 2026Q3 in different weeks, with a deal that was later lost.
        let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
        let mut store = store
            .with_clock(Clock::Fixed(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 8, 3, 9, 0, 0).unwrap()));
        let mut hope = Deal {
            account_id: ids.borealis,
            owner_id: Some(ids.sam),
            name: "Q3 hope".into(),
            stage: DealStage::Proposal,
            probability: 50,
            amount: Money::from_units(40_000),
            expected_close: Some(common::date(2026, 9, 15)),
            ..Default::default()
        };
        store.insert(&mut hope).unwrap();
        store.take_forecast_snapshots().unwrap();
        store.set_clock(Clock::Fixed(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 8, 12, 9, 0, 0).unwrap()));
        store.move_deal(hope.meta.id, DealStage::Lost).unwrap();
        store.take_forecast_snapshots().unwrap();
    }
    let v: Value = serde_json::from_str(&ok(
        dir.path(),
        &db,
        &["report", "forecast", "--period", "2026Q3", "--scope", "all", "--format", "json"],
    ))
    .unwrap();
    let history = v["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{v}");
    // Actual Q3: Sam's Analytics deal, 60,000. First snapshot: 60,000 + half of 40,000.
    assert_eq!(history[0]["taken_on"], "2026-08-03");
    assert_eq!(history[0]["week"], "2026-W32");
    assert_eq!(history[0]["forecast"], 80000.0);
    assert_eq!(history[0]["accuracy"], 133.3, "80,000 forecast ÷ 60,000 won, in percent");
    assert_eq!(history[1]["forecast"], 60000.0);
    assert_eq!(history[1]["change"], -20000.0);
    assert_eq!(history[1]["accuracy"], 100.0);
    assert_eq!(v["forecast"][0]["closed"], 60000.0);

    // The report took today's snapshot of the open quarter, once.
    let table = ok(dir.path(), &db, &["report", "forecast", "--scope", "all"]);
    assert!(table.contains("Forecast history"), "{table}");
    ok(dir.path(), &db, &["report", "forecast", "--scope", "all"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    let companies: i64 = conn
        .query_row("SELECT count(*) FROM forecast_snapshots WHERE taken_on = ?1 AND rep_id IS NULL", [&today], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(companies, 2, "the quarter and the year, once");
    // A refused report writes nothing, not even the day's snapshot.
    let dir2 = tempfile::tempdir().unwrap();
    let (db2, _) = book(dir2.path());
    let before = std::fs::read(&db2).unwrap();
    refused(dir2.path(), &db2, &["report", "forecast", "--period", "2026Q5"], "--period");
    refused(dir2.path(), &db2, &["report", "forecast", "--scope", "rep:Nobody Here"], "names no rep");
    assert_eq!(std::fs::read(&db2).unwrap(), before);
}
