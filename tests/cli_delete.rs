//! Deletes that take care of what hangs off a record, through the built
//! binary on a temp database: an account with its children as one undo
//! step, a rep handing over what they own, a contact whose timeline stays,
//! and `db check` finding live rows whose parent is deleted.

mod common;

use common::book_in as book;
use rapport::domain::{FiscalCalendar, Money, Period};
use rapport::store::*;
use serde_json::Value;
use std::path::Path;
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

fn refused(db: &Path, args: &[&str], needle: &str) -> String {
    let out = run(db, args);
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(needle), "{args:?}: {err}");
    err
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).unwrap()
}

fn found(db: &Path, q: &str) -> usize {
    let out = run(db, &["find", q, "--json"]);
    serde_json::from_slice::<Value>(&out.stdout).map(|v| v["accounts"].as_array().map_or(0, Vec::len)).unwrap_or(0)
}

/// `db info` counts by kind.
fn counts(db: &Path) -> Vec<(String, i64)> {
    let text = ok(db, &["db", "info"]);
    ["reps", "accounts", "contacts", "activities", "deals", "conflicts", "targets"]
        .iter()
        .map(|k| {
            let n = text
                .lines()
                .find_map(|l| {
                    let l = l.trim();
                    l.strip_prefix(k).or_else(|| l.strip_suffix(k).map(|_| l)).and_then(|rest| {
                        rest.split(|c: char| !c.is_ascii_digit()).find(|s| !s.is_empty())?.parse::<i64>().ok()
                    })
                })
                .unwrap_or_else(|| panic!("no {k} count in:\n{text}"));
            (k.to_string(), n)
        })
        .collect()
}

fn agenda_accounts(db: &Path) -> Vec<String> {
    let v = json(db, &["agenda", "--json", "--days", "366"]);
    ["overdue", "due_today", "upcoming"]
        .iter()
        .flat_map(|g| v[g].as_array().unwrap().iter().map(|f| f["account"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn deleting_an_account_names_its_children_and_takes_them_along_as_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let acme = ids.acme.to_string();
    let before = counts(&db);
    assert!(agenda_accounts(&db).iter().any(|a| a == "Acme Logistics"));

    // Asked first: without a terminal to answer at, --yes is needed, and nothing changes.
    let err = refused(&db, &["delete", "account", &acme], "not deleted: account Acme Logistics (#1) has 2 contacts, 6 timeline entries, 1 open deal, 2 closed deals, 1 open conflict, 1 subsidiary (kept, without a parent)");
    assert!(err.contains("hint: pass --yes"), "{err}");
    assert_eq!(counts(&db), before);

    let out = ok(&db, &["delete", "account", &acme, "--yes"]);
    assert!(out.starts_with("deleted account Acme Logistics (#1) with 2 contacts, 6 timeline entries"), "{out}");
    let gone = |counts: &[(String, i64)]| {
        counts.iter().map(|(k, n)| (k.clone(), before.iter().find(|b| &b.0 == k).unwrap().1 - n)).collect::<Vec<_>>()
    };
    assert_eq!(
        gone(&counts(&db)),
        [
            ("reps", 0),
            ("accounts", 1),
            ("contacts", 2),
            ("activities", 6),
            ("deals", 3),
            ("conflicts", 1),
            ("targets", 0)
        ]
        .map(|(k, n)| (k.to_string(), n))
    );
    // No lookup, agenda or check shows any of it.
    assert_eq!(found(&db, "acme logistics"), 0);
    assert_eq!(found(&db, "jane roe"), 0);
    assert_eq!(found(&db, "tom hardy"), 0);
    assert!(!agenda_accounts(&db).iter().any(|a| a == "Acme Logistics"));
    ok(&db, &["db", "check"]);
    {
        let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
        let sub = store.require::<Account>(ids.acme_gmbh).unwrap();
        assert_eq!(sub.parent_id, None, "the subsidiary stays, without a parent");
        assert_eq!(store.open_conflicts_of(ids.acme).unwrap().len(), 0);
        let q4 = Period::Quarter(2026, 4);
        let cal = FiscalCalendar::default();
        assert_eq!(
            store.won_total(q4.start(cal), q4.end(cal)).unwrap(),
            Money::ZERO,
            "Acme's won deal no longer counts"
        );
    }

    // One undo brings all of it back; redo takes it again.
    let undid = ok(&db, &["undo"]);
    assert!(undid.starts_with("undid: delete account Acme Logistics (+"), "{undid}");
    assert_eq!(counts(&db), before);
    assert_eq!(found(&db, "jane roe"), 1);
    assert!(agenda_accounts(&db).iter().any(|a| a == "Acme Logistics"));
    {
        let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
        assert_eq!(store.require::<Account>(ids.acme_gmbh).unwrap().parent_id, Some(ids.acme));
    }
    ok(&db, &["db", "check"]);
    assert!(ok(&db, &["redo"]).starts_with("redid: delete account Acme Logistics (+"));
    assert_eq!(found(&db, "jane roe"), 0);
    assert_eq!(gone(&counts(&db))[2], ("contacts".to_string(), 2));
    ok(&db, &["db", "check"]);
}

#[test]
fn an_account_with_nothing_hanging_off_it_goes_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    let out = ok(&db, &["add", "account", "--name", "Empty Shell Ltd"]);
    let id = out.split("(#").nth(1).unwrap().split(')').next().unwrap().to_string();
    assert_eq!(
        ok(&db, &["delete", "account", &id]),
        format!("deleted account Empty Shell Ltd (#{id}); rapport undo brings it back\n")
    );
}

#[test]
fn deleting_a_rep_hands_over_what_they_own() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let rae = ids.rae.to_string();
    let err = refused(
        &db,
        &["delete", "rep", &rae],
        "not deleted: Rae Lindqvist (#3) owns 2 accounts, 2 open deals, 1 open conflict, 1 target",
    );
    assert!(err.contains("--reassign-to NAME"), "{err}");
    refused(&db, &["delete", "rep", &rae, "--reassign-to", "Nobody Here"], "--reassign-to: no rep named");
    refused(&db, &["delete", "rep", &rae, "--reassign-to", "Rae Lindqvist"], "cannot take over from themselves");
    refused(&db, &["delete", "account", "1", "--reassign-to", "Sam Moreau"], "--reassign-to is for deleting a rep");

    let out = ok(&db, &["delete", "rep", &rae, "--reassign-to", "Sam Moreau"]);
    assert_eq!(
        out,
        "deleted rep Rae Lindqvist (#3); 2 accounts, 2 open deals, 1 open conflict now with Sam Moreau; rapport undo brings it back\n"
    );
    let owners = || {
        let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
        let acme = store.require::<Account>(ids.acme).unwrap().owner_id;
        let cobalt = store.require::<Account>(ids.cobalt).unwrap().owner_id;
        let open_deal = store.open_deals_of(ids.acme).unwrap()[0].owner_id;
        (acme, cobalt, open_deal)
    };
    assert_eq!(owners(), (Some(ids.sam), Some(ids.sam), Some(ids.sam)));
    ok(&db, &["db", "check"]);
    assert!(ok(&db, &["undo"]).starts_with("undid: delete rep Rae Lindqvist (+"));
    assert_eq!(owners(), (Some(ids.rae), Some(ids.rae), Some(ids.rae)));
    assert!(ok(&db, &["redo"]).starts_with("redid: delete rep Rae Lindqvist (+"));
    assert_eq!(owners(), (Some(ids.sam), Some(ids.sam), Some(ids.sam)));

    // A lead with reports but no accounts of their own: the reports move up a level.
    let lead = ids.lead.to_string();
    refused(&db, &["delete", "rep", &lead], "owns 1 account");
    ok(&db, &["delete", "rep", &lead, "--reassign-to", "Morgan Avery"]);
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    assert_eq!(store.require::<Rep>(ids.sam).unwrap().manager_id, Some(ids.manager));
    ok(&db, &["db", "check"]);
}

#[test]
fn deleting_a_contact_keeps_the_timeline_that_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    ok(&db, &["delete", "contact", &ids.jane.to_string()]);
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    let items = store.timeline(ids.acme, None, 50).unwrap();
    let with_jane: Vec<&str> =
        items.iter().filter(|i| i.contact.as_deref() == Some("Jane Roe")).map(|i| i.summary.as_str()).collect();
    assert_eq!(with_jane.len(), 3, "{with_jane:?}");
    assert_eq!(store.timeline_len(ids.acme).unwrap(), 6);
    ok(&db, &["db", "check"]);
}

#[test]
fn db_check_reports_live_rows_whose_parent_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    ok(&db, &["db", "check"]);
    // A tombstone set behind rapport's back, as an older version or another tool might.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE accounts SET deleted_at = '2026-11-26T14:00:00Z' WHERE id = ?1", [ids.cobalt]).unwrap();
    conn.execute("UPDATE reps SET deleted_at = '2026-11-26T14:00:00Z' WHERE id = ?1", [ids.sam]).unwrap();
    drop(conn);
    let out = run(&db, &["db", "check"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [
        "problem: deleted parent: 1 live contacts of a deleted account",
        "problem: deleted parent: 1 live deals of a deleted account",
        "problem: deleted parent: 1 live conflicts of a deleted account",
        "problem: deleted parent: 1 live accounts owned by a deleted rep",
        "problem: deleted parent: 1 open conflicts owned by a deleted rep",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
}
