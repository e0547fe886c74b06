//! Changing the book from the shell: `log`, `add`, `edit`, `delete`, `done`,
//! `undo`, `redo` and `agenda`, run as the built binary on temp databases.
//! The binary reads the system clock, so dates here are counted from the
//! real today; the fixed book's own dates are only used where they are past.

mod common;

use chrono::{Days, NaiveDate, Utc};
use common::{book_in as book, stdout};
use rapport::domain::*;
use rapport::store::*;
use serde_json::Value;
use std::ffi::OsStr;
use std::fmt::Debug;
use std::path::Path;
use std::process::{Command, Output};

fn run<S: AsRef<OsStr>>(db: &Path, args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env("TZ", "UTC")
        // The same instant as the seeded book's clock: no test depends on
        // the day it runs.
        .env("RAPPORT_NOW", NOW)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A command followed by `--flag value` pairs.
fn with(command: &[&str], flags: &[(&str, &str)]) -> Vec<String> {
    let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    for (flag, value) in flags {
        args.push(flag.to_string());
        args.push(value.to_string());
    }
    args
}

/// Runs and insists on success; returns stdout.
fn ok<S: AsRef<OsStr> + Debug>(db: &Path, args: &[S]) -> String {
    let out = run(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{args:?} wrote to stderr: {}", stderr(&out));
    stdout(&out)
}

fn json<S: AsRef<OsStr> + Debug>(db: &Path, args: &[S]) -> Value {
    serde_json::from_str(&ok(db, args)).unwrap()
}

fn open(db: &Path) -> Store {
    Store::open(db, OpenMode::Existing).unwrap().0.with_clock(common::clock())
}

const NOW: &str = "2026-11-26T14:00:00Z";

fn today() -> NaiveDate {
    common::clock().now().date_naive()
}

/// Record counts and the size of the change log, as `db info` tells them.
fn state(db: &Path) -> (Value, Value) {
    let v = json(db, &["db", "info", "--json"]);
    (v["counts"].clone(), v["changes_logged"].clone())
}

/// The command fails with one `error:` line containing `expected`, prints
/// nothing on stdout, and leaves every count and the change log as they were.
fn refused<S: AsRef<OsStr> + Debug>(db: &Path, args: &[S], expected: &str) -> Output {
    let before = state(db);
    let out = run(db, args);
    let err = stderr(&out);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    assert!(err.contains(expected), "{args:?}: expected '{expected}' in: {err}");
    assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
    assert_eq!(state(db), before, "{args:?} changed the database");
    out
}

fn newest(store: &Store, account: i64) -> TimelineItem {
    store.timeline(account, None, 1).unwrap().remove(0)
}

#[test]
fn log_by_id_exact_name_and_clear_fuzzy_match() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());

    let out = ok(&db, &["log", "ACME logistics", "Called about the renewal"]);
    assert_eq!(out, "logged call on Acme Logistics (#1): \"Called about the renewal\"\n");
    let store = open(&db);
    let top = newest(&store, ids.acme);
    assert_eq!((top.kind, top.summary.as_str()), (ActivityKind::Call, "Called about the renewal"));
    assert_eq!(top.rep.as_deref(), Some("Rae Lindqvist"), "the account owner by default");
    assert_eq!(&top.occurred_at[..10], today().to_string());

    ok(&db, &["log", "#2", "Sent the contract", "--kind", "email"]);
    assert_eq!(newest(&store, ids.borealis).kind, ActivityKind::Email);
    ok(&db, &["log", &ids.cobalt.to_string(), "Site visit", "--kind", "meeting", "--body", "Met the ops team"]);
    assert_eq!(newest(&store, ids.cobalt).summary, "Site visit");
    assert!(newest(&store, ids.cobalt).has_body);

    // A few letters that fit one account clearly better than the others.
    let mut other = Account { name: "Maritime Inland Navigation Group".into(), ..Default::default() };
    store.insert(&mut other).unwrap();
    let out = ok(&db, &["log", "mining", "Pilot call"]);
    assert!(out.starts_with("logged call on Cobalt Mining (#3)"), "{out}");
    let out = ok(&db, &["log", "borea", "Quick note", "--kind", "note"]);
    assert!(out.starts_with("logged note on Borealis Systems (#2)"), "{out}");
}

#[test]
fn log_with_a_contact_and_a_follow_up() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let friday = time::parse_date("fri", today()).unwrap();

    let out = ok(&db, &["log", "borealis", "Talked delivery dates", "--contact", "priya", "--follow-up", "fri"]);
    assert_eq!(
        out,
        format!(
            "logged call on Borealis Systems (#2) with Priya Patel: \"Talked delivery dates\"; follow-up due {friday}\n"
        )
    );
    let v = json(&db, &["log", "acme logistics", "Pricing sent", "--kind", "email", "--contact", "Jane Roe", "--json"]);
    assert_eq!(v["activity"]["contact_id"], ids.jane);
    assert_eq!(v["activity"]["kind"], "email");
    assert!(v["follow_up"].is_null());

    let store = open(&db);
    let due = store.follow_ups_due(friday).unwrap();
    let f = due.iter().find(|f| f.summary == "Follow up: Talked delivery dates").expect("the follow-up");
    assert_eq!((f.due_on, f.account_id, f.rep.as_deref()), (friday, ids.borealis, Some("Sam Moreau")));
    let call = store.timeline(ids.borealis, None, 10).unwrap();
    let call = call.iter().find(|i| i.summary == "Talked delivery dates").unwrap();
    assert_eq!(call.contact.as_deref(), Some("Priya Patel"));

    // A contact of another account, or one that fits nobody, is refused.
    refused(&db, &["log", "acme logistics", "x", "--contact", "priya"], "--contact: no contact of Acme Logistics");
    refused(&db, &["log", "acme logistics", "x", "--contact", "#3"], "is not one of the contacts of Acme Logistics");
}

#[test]
fn log_with_the_follow_ups_own_text() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let friday = time::parse_date("fri", today()).unwrap();

    let out = ok(
        &db,
        &[
            "log",
            "borealis",
            "Talked delivery dates",
            "--follow-up",
            "fri",
            "--follow-up-text",
            "  Send the revised quote ",
        ],
    );
    assert_eq!(
        out,
        format!(
            "logged call on Borealis Systems (#2): \"Talked delivery dates\"; follow-up due {friday}: \"Send the revised quote\"\n"
        )
    );
    let v = json(
        &db,
        &["log", "cobalt", "Pilot call", "--follow-up", "fri", "--follow-up-text", "Book the site visit", "--json"],
    );
    assert_eq!(v["follow_up"]["summary"], "Book the site visit");

    // The agenda and the timeline show the follow-up's own words.
    let agenda = json(&db, &["agenda", "--days", "7", "--json"]);
    let all: Vec<&Value> =
        ["overdue", "due_today", "upcoming"].iter().flat_map(|k| agenda[*k].as_array().unwrap().iter()).collect();
    assert!(
        all.iter().any(|f| f["summary"] == "Send the revised quote" && f["account_id"] == ids.borealis),
        "{agenda}"
    );
    assert!(!all.iter().any(|f| f["summary"] == "Follow up: Talked delivery dates"), "{agenda}");
    let text = ok(&db, &["agenda", "--days", "7"]);
    assert!(text.contains("Book the site visit"), "{text}");
    let store = open(&db);
    let top = store.timeline(ids.borealis, None, 5).unwrap();
    let follow = top.iter().find(|i| i.kind == ActivityKind::FollowUp).expect("the follow-up on the timeline");
    assert_eq!((follow.summary.as_str(), follow.due_on), ("Send the revised quote", Some(friday)));

    // Without its own text, the usual words; the text alone, an empty one or a
    // line too long is refused and writes nothing.
    ok(&db, &["log", "acme logistics", "Pricing sent", "--follow-up", "fri"]);
    assert!(store.follow_ups_due(friday).unwrap().iter().any(|f| f.summary == "Follow up: Pricing sent"));
    refused(
        &db,
        &["log", "cobalt", "Call", "--follow-up", "fri", "--follow-up-text", "  "],
        "--follow-up-text is empty",
    );
    let long = "x".repeat(501);
    refused(&db, &["log", "cobalt", "Call", "--follow-up", "fri", "--follow-up-text", &long], "--follow-up-text");
    let out = run(&db, &["log", "cobalt", "Call", "--follow-up-text", "Call back"]);
    assert_eq!(out.status.code(), Some(2), "clap asks for --follow-up: {}", stderr(&out));
    assert!(stderr(&out).contains("--follow-up <DATE>"), "{}", stderr(&out));
}

#[test]
fn an_ambiguous_name_lists_the_candidates_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let out = refused(&db, &["log", "acme", "Called"], "\"acme\" matches several accounts; name one of them:");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "error: \"acme\" matches several accounts; name one of them:");
    assert!(lines.iter().any(|l| l.contains("#1") && l.contains("Acme Logistics") && l.contains("Rae Lindqvist")));
    assert!(lines.iter().any(|l| l.contains("#4") && l.contains("Acme Logistik GmbH") && l.contains("Lee Okafor")));
    assert!(!err.contains("Borealis"), "{err}");
    assert!(lines.last().unwrap().starts_with("hint: "), "{err}");

    // Two contacts that fit as well as each other: the same.
    let store = open(&db);
    let mut jane = Contact { account_id: ids.acme, name: "Jane Smith".into(), ..Default::default() };
    store.insert(&mut jane).unwrap();
    let out = refused(&db, &["log", "1", "Called", "--contact", "jane"], "matches several contacts of Acme Logistics");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Jane Roe") && stderr(&out).contains("Jane Smith"));
    // The exact name settles it.
    ok(&db, &["log", "1", "Called", "--contact", "jane smith"]);

    let out = refused(&db, &["log", "zzqx", "Called"], "no account matches \"zzqx\"");
    assert_eq!(out.status.code(), Some(1));
    refused(&db, &["log", "#99", "Called"], "no account with id 99");
}

#[test]
fn log_refuses_the_future_and_bad_dates() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    refused(&db, &["log", "cobalt", "Call", "--at", "2099-01-01T10:00"], "--at: 2099-01-01 10:00 UTC is in the future");
    refused(&db, &["log", "cobalt", "Call", "--at", "tomorrow"], "is in the future");
    refused(&db, &["log", "cobalt", "Call", "--at", "last week"], "--at: 'last week' is not a time");
    refused(&db, &["log", "cobalt", "Call", "--follow-up", "someday"], "--follow-up: 'someday' is not a date");
    refused(&db, &["log", "cobalt", "Call", "--follow-up", "-2d"], "--follow-up: ");
    refused(&db, &["log", "cobalt", "  ", "--kind", "note"], "the text of what happened is empty");
    let out = run(&db, &["log", "cobalt", "Call", "--kind", "event"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses the kind");

    let three_days_ago = today().checked_sub_days(Days::new(3)).unwrap();
    let at = format!("{three_days_ago} 09:30");
    let out = ok(&db, &["log", "cobalt", "Called back", "--at", &at]);
    assert!(out.contains(&format!("at {three_days_ago} 09:30 UTC")), "{out}");
    let store = open(&db);
    let item = store.timeline(ids.cobalt, None, 10).unwrap().into_iter().find(|i| i.summary == "Called back").unwrap();
    assert_eq!(item.occurred_at, format!("{three_days_ago}T09:30:00Z"));
    ok(&db, &["log", "cobalt", "Noted on the day", "--at", &three_days_ago.to_string(), "--kind", "note"]);
    let item =
        store.timeline(ids.cobalt, None, 10).unwrap().into_iter().find(|i| i.summary == "Noted on the day").unwrap();
    assert_eq!(item.occurred_at, format!("{three_days_ago}T12:00:00Z"), "a date alone is noon");
}

#[test]
fn add_every_kind_of_record() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let store = open(&db);

    let out = ok(
        &db,
        &with(
            &["add", "account"],
            &[
                ("--name", "Northwind Traders"),
                ("--tier", "key"),
                ("--owner", "Sam Moreau"),
                ("--value", "12.5k"),
                ("--renewal", "2027-03-31"),
                ("--parent", "Borealis Systems"),
                ("--country", "NL"),
                ("--phone", "+31 20 555 0100"),
            ],
        ),
    );
    assert!(out.starts_with("added account Northwind Traders (#5), owned by Sam Moreau"), "{out}");
    let nw = store.require::<Account>(5).unwrap();
    assert_eq!((nw.tier, nw.owner_id, nw.parent_id), (Tier::Key, Some(ids.sam), Some(ids.borealis)));
    assert_eq!((nw.annual_value, nw.renewal_date), (Money::from_units(12_500), Some(common::date(2027, 3, 31))));
    assert_eq!((nw.status, nw.country.as_deref()), (AccountStatus::Customer, Some("NL")));

    let v = json(&db, &["add", "account", "--name", "Solo Ltd", "--json"]);
    assert_eq!(
        (v["id"].as_i64(), v["name"].as_str(), v["tier"].as_str()),
        (Some(6), Some("Solo Ltd"), Some("standard"))
    );

    let mut args = with(
        &["add", "contact"],
        &[
            ("--account", "northwind traders"),
            ("--name", "Ann Lee"),
            ("--title", "CEO"),
            ("--role", "decision maker"),
            ("--email", "ann@northwind.example"),
            ("--phone", "+31 6 1234 5678"),
        ],
    );
    args.push("--primary".into());
    let out = ok(&db, &args);
    assert!(out.starts_with("added contact Ann Lee (#5) to Northwind Traders (#5)"), "{out}");
    let ann = store.require::<Contact>(5).unwrap();
    assert_eq!(
        (ann.role, ann.is_primary, ann.phone_digits.as_deref()),
        (ContactRole::DecisionMaker, true, Some("31612345678"))
    );

    let out = ok(
        &db,
        &["add", "deal", "--account", "5", "--name", "First order", "--amount", "12,500", "--stage", "proposal"],
    );
    assert_eq!(out, "added deal First order (#7) on Northwind Traders (#5): 12,500.00, proposal, 50%\n");
    let d = store.require::<Deal>(7).unwrap();
    assert_eq!((d.owner_id, d.probability_manual, d.closed_on), (Some(ids.sam), false, None), "owner from the account");
    ok(
        &db,
        &["add", "deal", "--account", "5", "--name", "Won already", "--amount", "1k", "--stage", "won", "--owner", "3"],
    );
    let d = store.require::<Deal>(8).unwrap();
    assert_eq!((d.stage, d.closed_on, d.probability, d.owner_id), (DealStage::Won, Some(today()), 100, Some(ids.rae)));
    ok(&db, &["add", "deal", "--account", "5", "--name", "Hunch", "--amount", "0", "--probability", "35%"]);
    let d = store.require::<Deal>(9).unwrap();
    assert_eq!((d.probability, d.probability_manual), (35, true));

    let out = ok(
        &db,
        &["add", "conflict", "--account", "5", "--title", "Invoice twice", "--severity", "high", "--contact", "ann"],
    );
    assert!(
        out.starts_with("opened conflict \"Invoice twice\" (#4) on Northwind Traders (#5): high severity"),
        "{out}"
    );
    let c = store.require::<Conflict>(4).unwrap();
    assert_eq!((c.contact_id, c.owner_id, c.status), (Some(5), Some(ids.sam), ConflictStatus::Open));
    let opened = chrono::DateTime::parse_from_rfc3339(&c.opened_at).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(&c.sla_due_at).unwrap();
    assert_eq!((due - opened).num_hours(), 48, "a high conflict has 48 hours");
    assert_eq!(newest(&store, 5).summary, "Conflict opened: Invoice twice");

    let out = ok(
        &db,
        &["add", "target", "--scope", "rep", "--rep", "Rae Lindqvist", "--period", "2027Q1", "--amount", "300k"],
    );
    assert_eq!(out, "added rep target for 2027Q1 of Rae Lindqvist (#6): 300,000.00 won revenue\n");
    let t = store.require::<Target>(6).unwrap();
    assert_eq!((t.rep_id, t.period, t.amount), (Some(ids.rae), Period::Quarter(2027, 1), 30_000_000));
    ok(
        &db,
        &with(
            &["add", "target"],
            &[
                ("--scope", "account"),
                ("--account", "5"),
                ("--period", "2027"),
                ("--metric", "new_deals"),
                ("--amount", "4"),
            ],
        ),
    );
    let t = store.require::<Target>(7).unwrap();
    assert_eq!((t.scope, t.account_id, t.metric, t.amount), (TargetScope::Account, Some(5), TargetMetric::NewDeals, 4));

    let out = ok(&db, &["add", "rep", "--name", "Kim Park", "--email", "kim@example.com", "--manager", "Lee Okafor"]);
    assert_eq!(out, "added rep Kim Park (#5), account rep\n");
    assert_eq!(store.require::<Rep>(5).unwrap().manager_id, Some(ids.lead));

    let out = run(&db, &["db", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn bad_fields_are_refused_by_name_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (&["add", "account", "--tier", "key"], "--name is required to add an account"),
        (&["add", "account", "--name", "  "], "--name: cannot be empty"),
        (&["add", "account", "--name", "X", "--value", "12,50"], "--value: '12,50' is not an amount"),
        (&["add", "account", "--name", "X", "--value", "-5"], "--value: '-5' is negative"),
        (&["add", "account", "--name", "X", "--owner", "Nobody"], "--owner: no rep named \"Nobody\""),
        (&["add", "account", "--name", "X", "--owner", "99"], "--owner: no rep with id 99"),
        (&["add", "account", "--name", "X", "--tier", "gold"], "--tier: 'gold' is not a tier"),
        (&["add", "account", "--name", "X", "--renewal", "soonish"], "--renewal: 'soonish' is not a date"),
        (&["add", "account", "--name", "X", "--phone", "call me"], "--phone: 'call me' is not a phone number"),
        (&["add", "account", "--name", "X", "--parent", "Acme"], "--parent: no account named \"Acme\""),
        (&["add", "account", "--name", "acme logistics"], "an account named \"acme logistics\" exists already (#1)"),
        (&["add", "contact", "--name", "Jo"], "--account is required to add a contact"),
        (
            &["add", "contact", "--account", "Acme Logistics", "--name", "Jo", "--email", "jo@"],
            "--email: 'jo@' is not an e-mail address",
        ),
        (&["add", "contact", "--account", "Nope Inc", "--name", "Jo"], "--account: no account named \"Nope Inc\""),
        (
            &["add", "contact", "--account", "1", "--name", "Jo", "--primary", "maybe"],
            "--primary: 'maybe' is not yes or no",
        ),
        (&["add", "deal", "--account", "1", "--name", "D"], "--amount is required to add a deal"),
        (
            &["add", "deal", "--account", "1", "--name", "D", "--amount", "1k", "--probability", "120"],
            "--probability: '120' is out of range; expected a whole number from 0 to 100",
        ),
        (
            &["add", "deal", "--account", "1", "--name", "D", "--amount", "1k", "--stage", "closed"],
            "--stage: 'closed' is not a deal stage",
        ),
        (
            &["add", "conflict", "--account", "1", "--title", "T", "--severity", "meh"],
            "--severity: 'meh' is not a severity",
        ),
        (
            &["add", "conflict", "--account", "1", "--title", "T", "--contact", "priya"],
            "--contact: no contact of Acme Logistics",
        ),
        (&["add", "target", "--period", "2026Q5", "--amount", "1k"], "--period: '2026Q5' is not a period"),
        (&["add", "target", "--scope", "rep", "--period", "2026Q4", "--amount", "1k"], "a rep target needs --rep"),
        (
            &["add", "target", "--period", "2026Q4", "--amount", "1k", "--rep", "3"],
            "a company target takes neither --rep nor --account",
        ),
        (
            &["add", "target", "--period", "2026Q4", "--amount", "2.5", "--metric", "new_deals"],
            "--amount: '2.5' is not a count",
        ),
        (&["add", "rep", "--name", "Kim", "--email", "kim"], "--email: 'kim' is not an e-mail address"),
        (&["add", "rep", "--name", "Kim", "--manager", "Morgan"], "--manager: no rep named \"Morgan\""),
        (&["add", "rep", "--name", "Sam Moreau"], "a rep named \"Sam Moreau\" exists already (#4)"),
    ];
    for (args, expected) in cases {
        refused(&db, args, expected);
    }
    // A near miss gets a suggestion.
    let out = refused(&db, &["add", "account", "--name", "X", "--owner", "sam"], "no rep named \"sam\"");
    assert!(stderr(&out).contains("hint: did you mean \"Sam Moreau\" (#4)?"), "{}", stderr(&out));
    // And --allow-duplicate means it.
    ok(&db, &["add", "rep", "--name", "Sam Moreau", "--allow-duplicate"]);
}

#[test]
fn edit_changes_only_the_given_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let store = open(&db);
    let before = store.require::<Account>(ids.borealis).unwrap();

    let out = ok(
        &db,
        &with(
            &["edit", "account", "2"],
            &[("--tier", "strategic"), ("--owner", "Rae Lindqvist"), ("--clear", "renewal"), ("--city", "")],
        ),
    );
    assert_eq!(
        out,
        "edited account Borealis Systems (#2): city Rotterdam → —; owner Sam Moreau (#4) → Rae Lindqvist (#3); \
         renewal date 2026-12-10 → —; tier key → strategic\n"
    );
    let after = store.require::<Account>(ids.borealis).unwrap();
    assert_eq!(
        (after.tier, after.owner_id, after.renewal_date, after.city.as_deref()),
        (Tier::Strategic, Some(ids.rae), None, None)
    );
    assert_eq!((&after.name, after.annual_value, &after.sector), (&before.name, before.annual_value, &before.sector));

    let unchanged = state(&db);
    assert_eq!(
        ok(&db, &["edit", "account", "#2", "--tier", "strategic"]),
        "no change to account Borealis Systems (#2)\n"
    );
    assert_eq!(state(&db), unchanged, "an edit that changes nothing writes nothing");
    let v = json(&db, &["edit", "contact", &ids.jane.to_string(), "--title", "Chief Financial Officer", "--json"]);
    assert_eq!(
        (v["title"].as_str(), v["email"].as_str()),
        (Some("Chief Financial Officer"), Some("jane.roe@acme.example"))
    );
    ok(&db, &["edit", "rep", "4", "--phone", "+44 20 7946 0000", "--role", "lead"]);
    assert_eq!(store.require::<Rep>(ids.sam).unwrap().role, RepRole::Lead);
    ok(&db, &["edit", "target", "4", "--amount", "275k"]);
    assert_eq!(store.require::<Target>(4).unwrap().amount, 27_500_000);
    ok(&db, &["edit", "activity", "6", "--due", "+2d", "--summary", "Send the renewal pricing"]);
    let f = store.require::<Activity>(6).unwrap();
    assert_eq!((f.due_on, f.summary.as_str()), (Some(today() + Days::new(2)), "Send the renewal pricing"));

    refused(&db, &["edit", "account", "2"], "nothing to change: give at least one field");
    refused(&db, &["edit", "account", "2", "--clear", "name"], "--name: cannot be empty");
    refused(&db, &["edit", "account", "2", "--clear", "colour"], "--clear: 'colour' is not a field of an account");
    refused(
        &db,
        &["edit", "account", "1", "--parent", "Acme Logistik GmbH"],
        "--parent: Acme Logistik GmbH belongs under Acme Logistics",
    );
    refused(
        &db,
        &["edit", "account", "2", "--name", "Acme Logistics"],
        "an account named \"Acme Logistics\" exists already",
    );
    refused(&db, &["edit", "account", "99", "--tier", "key"], "no account with id 99");
    refused(
        &db,
        &["edit", "account", "two", "--tier", "key"],
        "'two' names no account; expected an account's id, such as 12 or #12, or its ref",
    );
    refused(&db, &["edit", "contact", "1", "--email", "jane"], "--email: 'jane' is not an e-mail address");
    refused(
        &db,
        &["edit", "rep", "2", "--manager", "Rae Lindqvist"],
        "--manager: Lee Okafor cannot report to themselves",
    );
    refused(&db, &["edit", "target", "4", "--metric", "activities"], "give --amount too");
    refused(&db, &["edit", "activity", "1", "--due", "fri"], "--due: only a follow-up has a due date; this is a call");
    refused(&db, &["edit", "activity", "6", "--clear", "due"], "--due: a follow-up needs a due date");
}

/// In a team each laptop numbers its records itself; the ref `list` shows
/// (the source system's id, else the uid) names a record everywhere, so
/// `edit`, `delete`, `done` and `escalate` take it as well as the id.
#[test]
fn records_are_named_by_the_ref_list_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let store = open(&db);
    let borealis = store.require::<Account>(ids.borealis).unwrap();
    let listed = ok(&db, &["list", "accounts", "--where", "name=Borealis Systems", "--format", "csv"]);
    assert!(listed.contains(&borealis.meta.uid), "list shows the uid as ref: {listed}");

    let out = ok(&db, &["edit", "account", &borealis.meta.uid, "--tier", "strategic"]);
    assert_eq!(out, "edited account Borealis Systems (#2): tier key → strategic\n");
    assert_eq!(store.require::<Account>(ids.borealis).unwrap().tier, Tier::Strategic);

    // A source system's id, even one that looks like a number, names its record.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE accounts SET external_ref = '0015000001' WHERE id = ?1", [ids.borealis])
        .unwrap();
    let out = ok(&db, &["edit", "account", "0015000001", "--city", "Utrecht"]);
    assert!(out.starts_with("edited account Borealis Systems (#2): city"), "{out}");

    let deal = store.live_records::<Deal>().unwrap().into_values().min_by_key(|d| d.meta.id).unwrap();
    let out = ok(&db, &["delete", "deal", &deal.meta.uid]);
    assert!(out.starts_with(&format!("deleted deal {} (#{})", deal.name, deal.meta.id)), "{out}");
    assert!(store.get::<Deal>(deal.meta.id).unwrap().is_none());

    refused(
        &db,
        &["edit", "deal", "no-such-ref", "--amount", "5k"],
        "'no-such-ref' names no deal; expected a deal's id",
    );
    refused(&db, &["delete", "activity", &borealis.meta.uid], "names no activity");
}

#[test]
fn a_deal_moved_to_won_shows_on_the_timeline_and_undoes_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let store = open(&db);
    let deal = store.open_deals_of(ids.acme).unwrap().remove(0);
    let id = deal.meta.id.to_string();

    let out = ok(&db, &["edit", "deal", &id, "--stage", "won", "--amount", "320k"]);
    assert!(out.contains("stage negotiation → won") && out.contains("amount 300,000.00 → 320,000.00"), "{out}");
    let won = store.require::<Deal>(deal.meta.id).unwrap();
    assert_eq!((won.stage, won.probability, won.closed_on), (DealStage::Won, 100, Some(today())));
    let top = newest(&store, ids.acme);
    assert_eq!(
        (top.kind, top.summary.as_str()),
        (ActivityKind::Event, "Deal \"Renewal 2027\" moved from negotiation to won")
    );

    // The win also set Acme's renewal a year on (a renewal deal): one undo step takes all back.
    assert_eq!(ok(&db, &["undo"]), "undid: edit deal Renewal 2027 (+3 more changes)\n");
    let back = store.require::<Deal>(deal.meta.id).unwrap();
    assert_eq!((back.stage, back.amount, back.closed_on), (DealStage::Negotiation, deal.amount, None));
    assert_ne!(newest(&store, ids.acme).kind, ActivityKind::Event, "the timeline event went with it");

    // A probability set by hand survives an open move.
    ok(&db, &["edit", "deal", &id, "--probability", "60"]);
    ok(&db, &["edit", "deal", &id, "--stage", "proposal"]);
    assert_eq!(store.require::<Deal>(deal.meta.id).unwrap().probability, 60);
    ok(&db, &["edit", "deal", &id, "--clear", "probability"]);
    assert_eq!(store.require::<Deal>(deal.meta.id).unwrap().probability, 50);
}

#[test]
fn a_conflict_is_resolved_with_a_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let store = open(&db);
    let c = store.open_conflicts_of(ids.acme).unwrap().remove(0);
    let id = c.id.to_string();
    refused(&db, &["edit", "conflict", &id, "--status", "resolved"], "needs a resolution text");
    refused(&db, &["edit", "conflict", &id, "--resolution", "Done"], "--resolution goes with --status resolved");
    refused(&db, &["edit", "conflict", &id, "--status", "fixed"], "--status: 'fixed' is not a conflict status");
    ok(&db, &["edit", "conflict", &id, "--status", "resolved", "--resolution", "Credit note sent"]);
    let done = store.require::<Conflict>(c.id).unwrap();
    assert_eq!((done.status, done.resolution.as_deref()), (ConflictStatus::Resolved, Some("Credit note sent")));
    assert_eq!(newest(&store, ids.acme).summary, "Conflict \"Invoice dispute\" resolved: Credit note sent");

    // A stricter severity tightens the SLA, counted from the opening.
    let late = store.open_conflicts_of(ids.borealis).unwrap().remove(0);
    ok(&db, &["edit", "conflict", &late.id.to_string(), "--severity", "critical"]);
    assert_eq!(store.require::<Conflict>(late.id).unwrap().sla_due_at, "2026-11-25T17:00:00Z");
}

#[test]
fn delete_then_undo_brings_it_back_and_redo_takes_it_away_again() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    let found = |q: &str| {
        let out = run(&db, &["find", q, "--json"]);
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()["accounts"].as_array().unwrap().len()
    };
    assert_eq!(ok(&db, &["undo"]), "nothing to undo\n", "the seed is not the command line's to undo");
    assert_eq!(ok(&db, &["redo"]), "nothing to redo\n");
    assert_eq!(found("ola nordmann"), 1);

    assert_eq!(
        ok(&db, &["delete", "contact", "4"]),
        "deleted contact Ola Nordmann (#4); rapport undo brings it back\n"
    );
    assert_eq!(found("ola nordmann"), 0);
    refused(&db, &["delete", "contact", "4"], "no contact with id 4 (it is deleted already)");
    assert_eq!(ok(&db, &["undo"]), "undid: delete contact Ola Nordmann\n");
    assert_eq!(found("ola nordmann"), 1);
    assert_eq!(ok(&db, &["redo"]), "redid: delete contact Ola Nordmann\n");
    assert_eq!(found("ola nordmann"), 0);
    assert_eq!(ok(&db, &["undo"]), "undid: delete contact Ola Nordmann\n");
    assert_eq!(found("ola nordmann"), 1);

    // A contact with a history comes back with it.
    ok(&db, &["delete", "contact", "1"]);
    assert_eq!(ok(&db, &["undo"]), "undid: delete contact Jane Roe\n");
    let out = run(&db, &["find", "jane", "--json"]);
    assert!(stdout(&out).contains("contact: Jane Roe, CFO"));

    assert!(ok(&db, &["delete", "activity", "2"]).starts_with("deleted email \"Sent updated fleet proposal\" (#2)"));
    assert!(ok(&db, &["delete", "deal", "6"]).starts_with("deleted deal Pilot (#6)"));
    assert!(ok(&db, &["delete", "account", "3", "--yes"]).starts_with("deleted account Cobalt Mining (#3) with "));
    assert_eq!(found("cobalt"), 0);
    assert!(ok(&db, &["undo"]).starts_with("undid: delete account Cobalt Mining (+"));
    assert_eq!(found("cobalt"), 1);
    refused(&db, &["delete", "rep", "12"], "no rep with id 12");
    let event = {
        let store = open(&db);
        ok(&db, &["edit", "deal", "1", "--stage", "won"]);
        newest(&store, 1).id
    };
    refused(&db, &["delete", "activity", &event.to_string()], "is an event rapport wrote itself");
    assert!(run(&db, &["db", "check"]).status.success());
}

#[test]
fn a_refused_undo_says_why_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    ok(&db, &["add", "contact", "--account", "cobalt mining", "--name", "Ivo Berg"]);
    // Someone else (the cockpit) logs a call with the new contact.
    let store = open(&db);
    let entry = LogEntry {
        account_id: ids.cobalt,
        kind: ActivityKind::Call,
        contact_id: Some(5),
        summary: "Met Ivo".into(),
        ..Default::default()
    };
    store.log_interaction(&entry).unwrap();
    let out = refused(&db, &["undo"], "contact Ivo Berg has 1 activities added after it");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("hint: "));
}

#[test]
fn undo_walks_back_edits_made_at_different_times() {
    // Each step stamps the record with the time it ran; an undo must not take
    // its own stamp for someone else's change.
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    let at = |h: u32| Clock::Fixed(chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 27, h, 0, 0).unwrap());
    let mut store = open(&db).with_clock(at(9));
    store.set_session("cli");
    let mut deal = store.require::<Deal>(1).unwrap();
    deal.amount = Money::from_units(310_000);
    store.update(&mut deal).unwrap();
    let store = store.with_clock(at(10));
    let mut deal = store.require::<Deal>(1).unwrap();
    deal.amount = Money::from_units(320_000);
    store.update(&mut deal).unwrap();
    store.delete::<Contact>(4).unwrap();
    drop(store);

    assert_eq!(ok(&db, &["undo"]), "undid: delete contact Ola Nordmann\n");
    assert_eq!(ok(&db, &["redo"]), "redid: delete contact Ola Nordmann\n");
    assert_eq!(ok(&db, &["undo"]), "undid: delete contact Ola Nordmann\n");
    assert_eq!(ok(&db, &["undo"]), "undid: edit deal Renewal 2027\n");
    assert_eq!(ok(&db, &["undo"]), "undid: edit deal Renewal 2027\n");
    assert_eq!(open(&db).require::<Deal>(1).unwrap().amount, Money::from_units(300_000));
}

#[test]
fn agenda_groups_follow_ups_and_done_ticks_them_off() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let store = open(&db);
    // The book's own follow-ups are dated around its fixed day; settle them
    // and add some around the real today.
    for f in store.follow_ups_due(common::date(2026, 12, 31)).unwrap() {
        store.complete_follow_up(f.id).unwrap();
    }
    let follow_up = |account: i64, days: i64, summary: &str| {
        let mut a = Activity {
            account_id: account,
            rep_id: Some(ids.rae),
            kind: ActivityKind::FollowUp,
            occurred_at: "2026-11-01T10:00:00Z".into(),
            summary: summary.into(),
            due_on: Some(today() + chrono::Duration::days(days)),
            ..Default::default()
        };
        store.insert(&mut a).unwrap()
    };
    let late = follow_up(ids.acme, -2, "Chase the signed order");
    let now = follow_up(ids.borealis, 0, "Confirm the delivery date");
    let soon = follow_up(ids.cobalt, 3, "Send the pilot report");
    let later = follow_up(ids.cobalt, 30, "Plan the QBR");

    let out = ok(&db, &["agenda"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Overdue (1)");
    assert!(lines[1].trim_start().starts_with("id  due"), "{out}");
    assert!(lines[2].contains(&late.to_string()) && lines[2].contains("2d ago") && lines[2].contains("Acme Logistics"));
    assert!(lines[2].contains("Chase the signed order") && lines[2].contains("Rae Lindqvist"), "{out}");
    assert_eq!(lines[4], "Today (1)");
    assert!(lines[6].contains("Confirm the delivery date") && lines[6].contains("Borealis Systems"), "{out}");
    assert!(!out.contains("Upcoming") && !out.contains("pilot report"), "{out}");

    let out = ok(&db, &["agenda", "--days", "7"]);
    assert!(out.contains("Upcoming (1)") && out.contains("Send the pilot report") && out.contains("in 3d"), "{out}");
    assert!(!out.contains("Plan the QBR"), "{out}");

    let v = json(&db, &["agenda", "--days", "7", "--json"]);
    assert_eq!(v["today"], today().to_string());
    let ids_of = |k: &str| v[k].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!((ids_of("overdue"), ids_of("due_today"), ids_of("upcoming")), (vec![late], vec![now], vec![soon]));
    assert_eq!(v["overdue"][0]["account"], "Acme Logistics");

    let out = ok(&db, &["done", &late.to_string()]);
    assert_eq!(out, format!("done: \"Chase the signed order\" (#{late}) on Acme Logistics (#1)\n"));
    assert_eq!(newest(&store, ids.acme).summary, "Done: Chase the signed order");
    refused(&db, &["done", &late.to_string()], "is already done");
    refused(&db, &["done", "1"], "call \"Called Jane about renewal pricing\" is not a follow-up");
    refused(&db, &["done", "999"], "no follow-up with id 999");
    ok(&db, &["done", &now.to_string()]);
    assert_eq!(ok(&db, &["agenda"]), "nothing due today\n");
    assert_eq!(ok(&db, &["undo"]), "undid: edit activity Confirm the delivery date (+1 more changes)\n");
    assert!(ok(&db, &["agenda"]).contains("Confirm the delivery date"));
    let _ = later;
}

#[test]
fn a_deal_takes_an_opening_date_and_a_forecast_override() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let store = open(&db);
    ok(
        &db,
        &[
            "add",
            "deal",
            "--account",
            &ids.acme.to_string(),
            "--name",
            "Fleet",
            "--amount",
            "20k",
            "--stage",
            "qualified",
        ],
    );
    let id = store.deals_of(ids.acme).unwrap().into_iter().find(|d| d.name == "Fleet").unwrap().meta.id;
    let id = &id.to_string();
    let d = store.require::<Deal>(id.parse().unwrap()).unwrap();
    assert_eq!((d.opened_on, d.forecast_category), (Some(today()), None), "opened today, category by stage");

    ok(&db, &["edit", "deal", id, "--forecast", "commit", "--opened", "2026-01-05"]);
    let d = store.require::<Deal>(id.parse().unwrap()).unwrap();
    assert_eq!(d.forecast_category, Some(ForecastCategory::Commit));
    assert_eq!(d.opened_on, NaiveDate::from_ymd_opt(2026, 1, 5));
    ok(&db, &["edit", "deal", id, "--clear", "forecast"]);
    assert_eq!(store.require::<Deal>(id.parse().unwrap()).unwrap().forecast_category, None);

    refused(
        &db,
        &["edit", "deal", id, "--forecast", "maybe"],
        "--forecast: 'maybe' is not a forecast category; expected pipeline, best_case, commit, closed or omitted",
    );
    refused(&db, &["edit", "deal", id, "--opened", ""], "--opened: cannot be empty");
    assert_eq!(
        store.require::<Deal>(id.parse().unwrap()).unwrap().opened_on,
        NaiveDate::from_ymd_opt(2026, 1, 5),
        "nothing changed"
    );
}
