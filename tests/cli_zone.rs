//! Local time on the command line: the same database seen from Berlin and
//! from San Francisco at one fixed instant (`RAPPORT_NOW`), around midnight
//! and across a daylight-saving change. The config folder is a fresh
//! temporary one, so no real config file takes part.

mod common;

use rapport::domain::ActivityKind;
use rapport::store::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// 23:30 UTC on Thursday 26 November: Friday 00:30 in Berlin, Thursday 15:30 in San Francisco.
const LATE: &str = "2026-11-26T23:30:00Z";
const BERLIN: &str = "Europe/Berlin";
const LA: &str = "America/Los_Angeles";

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
    acme: i64,
}

fn book() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let (store, _) = Store::open(&db, OpenMode::Create).unwrap();
    let store = store.with_clock(common::clock());
    let ids = common::seed(&store);
    // Follow-ups on the two days that are "today" in one zone or the other.
    for (due, text) in
        [(common::date(2026, 11, 26), "send the Thursday quote"), (common::date(2026, 11, 27), "call back Friday")]
    {
        let mut a = Activity {
            account_id: ids.cobalt,
            kind: ActivityKind::FollowUp,
            occurred_at: "2026-11-20T09:00:00Z".into(),
            summary: text.into(),
            due_on: Some(due),
            ..Default::default()
        };
        store.insert(&mut a).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("config/rapport")).unwrap();
    Env { db, acme: ids.acme, dir }
}

fn run(env: &Env, tz: &str, now: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env("XDG_CONFIG_HOME", env.dir.path().join("config"))
        .env("HOME", env.dir.path())
        .env("TZ", tz)
        .env("RAPPORT_NOW", now)
        .arg("--db")
        .arg(&env.db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn summaries(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|f| f["summary"].as_str().unwrap()).collect()
}

fn cobalt_follow_ups(v: &Value, group: &str) -> Vec<String> {
    summaries(&v[group])
        .into_iter()
        .filter(|s| s.contains("Thursday quote") || s.contains("call back Friday"))
        .map(str::to_string)
        .collect()
}

#[test]
fn agenda_today_is_the_users_day() {
    let env = book();
    let berlin = json(&run(&env, BERLIN, LATE, &["agenda", "--json"]));
    assert_eq!(berlin["today"], "2026-11-27");
    assert_eq!(berlin["timezone"], "Europe/Berlin");
    assert_eq!(cobalt_follow_ups(&berlin, "overdue"), ["send the Thursday quote"]);
    assert_eq!(cobalt_follow_ups(&berlin, "due_today"), ["call back Friday"]);

    let la = json(&run(&env, LA, LATE, &["agenda", "--json"]));
    assert_eq!(la["today"], "2026-11-26");
    assert!(cobalt_follow_ups(&la, "overdue").is_empty(), "{la}");
    assert_eq!(cobalt_follow_ups(&la, "due_today"), ["send the Thursday quote"]);
    let la_ahead = json(&run(&env, LA, LATE, &["agenda", "--json", "--days", "1"]));
    assert_eq!(cobalt_follow_ups(&la_ahead, "upcoming"), ["call back Friday"]);

    // The human table says the same.
    let text = ok(&run(&env, BERLIN, LATE, &["agenda"]));
    let today = text.split("Today (").nth(1).unwrap();
    assert!(today.contains("call back Friday") && !today.contains("Thursday quote"), "{text}");
}

#[test]
fn log_at_means_the_local_wall_clock() {
    let env = book();
    let logged = |tz: &str, now: &str, at: &str| {
        let v = json(&run(&env, tz, now, &["log", "Acme Logistics", "a call", "--at", at, "--json"]));
        v["activity"]["occurred_at"].as_str().unwrap().to_string()
    };
    // Just past midnight in Berlin is still the 26th in UTC.
    assert_eq!(logged(BERLIN, LATE, "00:10"), "2026-11-26T23:10:00Z");
    assert_eq!(logged(LA, LATE, "14:03"), "2026-11-26T22:03:00Z");
    assert_eq!(logged(BERLIN, LATE, "2026-07-01 14:03"), "2026-07-01T12:03:00Z");
    assert_eq!(logged(LA, LATE, "2026-07-01 14:03"), "2026-07-01T21:03:00Z");

    // The line printed names the local time and its zone.
    let text = ok(&run(&env, BERLIN, LATE, &["log", "Acme Logistics", "late call", "--at", "00:15"]));
    assert!(text.contains("at 2026-11-27 00:15 CET"), "{text}");
    let text = ok(&run(&env, LA, LATE, &["log", "Acme Logistics", "afternoon call", "--at", "15:00"]));
    assert!(text.contains("at 2026-11-26 15:00 PST"), "{text}");

    // "tomorrow" is the user's tomorrow.
    let due = |tz: &str| {
        let v = json(&run(&env, tz, LATE, &["log", "Acme Logistics", "promise", "--follow-up", "tomorrow", "--json"]));
        v["follow_up"]["due_on"].as_str().unwrap().to_string()
    };
    assert_eq!(due(BERLIN), "2026-11-28");
    assert_eq!(due(LA), "2026-11-27");
}

#[test]
fn log_at_across_a_daylight_saving_change() {
    let env = book();
    let spring = "2026-03-29T10:00:00Z";
    let v = json(&run(&env, BERLIN, spring, &["log", "Acme Logistics", "early call", "--at", "03:30", "--json"]));
    assert_eq!(v["activity"]["occurred_at"], "2026-03-29T01:30:00Z");
    let v = json(&run(&env, BERLIN, spring, &["log", "Acme Logistics", "earlier call", "--at", "01:30", "--json"]));
    assert_eq!(v["activity"]["occurred_at"], "2026-03-29T00:30:00Z");

    // 02:30 never happened that night: refused, and nothing is logged.
    let (store, _) = Store::open(&env.db, OpenMode::Existing).unwrap();
    let before = store.timeline_len(env.acme).unwrap();
    let out = run(&env, BERLIN, spring, &["log", "Acme Logistics", "ghost call", "--at", "02:30"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--at: 2026-03-29 02:30 does not exist in Europe/Berlin"), "{err}");
    assert_eq!(store.timeline_len(env.acme).unwrap(), before);
}

#[test]
fn the_config_zone_wins_over_tz() {
    let env = book();
    std::fs::write(env.dir.path().join("config/rapport/config.toml"), "timezone = \"America/Los_Angeles\"\n").unwrap();
    let v = json(&run(&env, BERLIN, LATE, &["agenda", "--json"]));
    assert_eq!(v["today"], "2026-11-26");
    std::fs::write(env.dir.path().join("config/rapport/config.toml"), "timezone = \"Pacific/Atlantis\"\n").unwrap();
    let out = run(&env, BERLIN, LATE, &["agenda"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1: timezone: 'Pacific/Atlantis' is not a time zone"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn a_bad_fixed_clock_is_refused() {
    let env = book();
    let out = run(&env, BERLIN, "yesterday-ish", &["agenda"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RAPPORT_NOW: 'yesterday-ish' is not a time"));
}
