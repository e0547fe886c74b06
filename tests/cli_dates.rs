//! Dates people say, on the command line: the built binary reads `eoq` in
//! the book's fiscal calendar and `next week`, `in 2 weeks`, `end of month`
//! as the forms do. The binary reads the system clock, so the expected days
//! are counted from the real today.

mod common;

use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use rapport::store::*;
use serde_json::Value;
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

fn json(db: &Path, args: &[&str]) -> Value {
    let out = run(db, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The fixed book in a file whose fiscal year starts in February, so its
/// quarters (Feb–Apr, May–Jul, Aug–Oct, Nov–Jan) end on other days than
/// calendar quarters.
fn book(dir: &Path) -> (PathBuf, common::Ids) {
    let (path, ids) = common::book_in(dir);
    Store::open(&path, OpenMode::Existing).unwrap().0.set_setting("fiscal_start_month", "2").unwrap();
    (path, ids)
}

fn day(v: &Value) -> NaiveDate {
    v.as_str().unwrap_or_else(|| panic!("not a date: {v}")).parse().unwrap()
}

/// The last day of the fiscal quarter (from February) that holds `today`,
/// counted by hand: quarters end in January, April, July and October.
fn fiscal_quarter_end(today: NaiveDate) -> NaiveDate {
    let (mut y, mut m) = (today.year(), today.month());
    while m % 3 != 1 {
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    let first_after = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    first_after.unwrap().pred_opt().unwrap()
}

#[test]
fn a_follow_up_due_at_the_end_of_the_fiscal_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    let today = Utc::now().date_naive();
    let v = json(&db, &["log", "borealis", "Promised the roadmap", "--follow-up", "eoq", "--json"]);
    assert_eq!(day(&v["follow_up"]["due_on"]), fiscal_quarter_end(today), "{v}");
    let due = day(&v["follow_up"]["due_on"]);
    assert!([1, 4, 7, 10].contains(&due.month()), "a February year's quarters end in Jan, Apr, Jul, Oct: {due}");
}

#[test]
fn next_week_in_two_weeks_and_end_of_month_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let today = Utc::now().date_naive();

    let v = json(&db, &["log", "cobalt", "Call back", "--follow-up", "next week", "--json"]);
    let due = day(&v["follow_up"]["due_on"]);
    assert_eq!(due.weekday(), Weekday::Mon);
    assert!((1..=7).contains(&(due - today).num_days()), "next week's Monday: {due} from {today}");

    let v = json(&db, &["log", "cobalt", "Check in", "--follow-up", "in 2 weeks", "--json"]);
    assert_eq!(day(&v["follow_up"]["due_on"]), today + Days::new(14));

    let v = json(&db, &["edit", "account", &ids.cobalt.to_string(), "--renewal", "end of month", "--json"]);
    let renewal = day(&v["renewal_date"]);
    assert_eq!((renewal.year(), renewal.month()), (today.year(), today.month()));
    assert_eq!(renewal.succ_opt().unwrap().day(), 1, "the month's last day: {renewal}");

    let out = run(&db, &["log", "cobalt", "x", "--follow-up", "next fortnight"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--follow-up") && err.contains("next fri"), "the error names the flag and what works: {err}");
}
