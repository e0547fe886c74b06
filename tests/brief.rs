//! `rapport brief`, `rapport suggest` and health in `rapport find`, run as
//! the built binary on demo databases in temp folders: the short brief, its
//! JSON and Markdown, every kind of suggestion on the default demo,
//! snoozing and dismissing with undo, and config mistakes named by line.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

struct Book {
    _dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

fn rapport(book: &Book, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env_remove("RAPPORT_NOW")
        .env("RAPPORT_CONFIG", &book.config)
        .arg("--db")
        .arg(&book.db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(book: &Book, args: &[&str]) -> String {
    let out = rapport(book, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {err}");
    String::from_utf8(out.stdout).unwrap()
}

fn fails(book: &Book, args: &[&str]) -> String {
    let out = rapport(book, args);
    assert!(!out.status.success(), "{args:?} succeeded: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

fn demo(accounts: usize) -> Book {
    let dir = tempfile::tempdir().unwrap();
    let book = Book { db: dir.path().join("demo.db"), config: dir.path().join("config.toml"), _dir: dir };
    let n = accounts.to_string();
    let out = rapport(&book, &["demo", "--no-open", "--accounts", &n]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    book
}

fn json(book: &Book, args: &[&str]) -> Value {
    serde_json::from_str(&ok(book, args)).unwrap()
}

fn marks(book: &Book) -> i64 {
    let conn = rusqlite::Connection::open(&book.db).unwrap();
    conn.query_row("SELECT count(*) FROM suggestion_marks", [], |r| r.get(0)).unwrap()
}

/// The default demo (300 accounts, seed 42) built around a fixed moment,
/// which the brief is then read at: coaching depends on the quarter's pace.
fn fixed_demo(now: &str) -> Book {
    let dir = tempfile::tempdir().unwrap();
    let book = Book { db: dir.path().join("demo.db"), config: dir.path().join("config.toml"), _dir: dir };
    let now = chrono::DateTime::parse_from_rfc3339(now).unwrap().with_timezone(&chrono::Utc);
    let (store, _) = rapport::store::Store::open(&book.db, rapport::store::OpenMode::Create).unwrap();
    rapport::demo::generate(&store, &rapport::demo::DemoSpec::at(now), &mut |_, _, _| {}).unwrap();
    book
}

#[test]
fn the_default_demo_gives_every_kind_of_suggestion_each_with_a_reason_and_a_value() {
    let at = "2026-11-18T10:00:00Z";
    let book = fixed_demo(at);
    // The demo names its manager as `me`: the brief is the whole team's.
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env("RAPPORT_NOW", at)
        .env("RAPPORT_CONFIG", &book.config)
        .args(["--db", book.db.to_str().unwrap(), "brief", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let brief: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = brief["suggestions"].as_array().unwrap();
    for kind in ["keep_warm", "renewal", "conflict", "stuck_deal", "coach", "cross_sell", "win_back", "network"] {
        let n = list.iter().filter(|s| s["kind"] == kind).count();
        assert!(n >= 1, "no {kind} suggestion on the demo");
    }
    for s in list {
        assert!(!s["reason"].as_str().unwrap().trim().is_empty(), "{s}");
        assert!(s["value"].as_f64().unwrap() >= 0.0, "{s}");
    }
    // Ranked by value at stake.
    let values: Vec<f64> = list.iter().map(|s| s["value"].as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    assert!(brief["quarter"]["won"].as_f64().unwrap() > 0.0);
    assert!(brief["renewals"].as_array().unwrap().iter().all(|r| r["renewal_date"].is_string()));
}

#[test]
fn the_brief_fits_a_login_screen_and_all_shows_everything() {
    let book = demo(120);
    let text = ok(&book, &["brief"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 25, "{} lines:\n{text}", lines.len());
    assert!(lines[0].starts_with("Brief for "), "{text}");
    assert!(lines[1].starts_with("Quarter "), "{text}");
    assert!(text.contains("\nSuggested ("), "{text}");
    let all = ok(&book, &["brief", "--all"]);
    let suggested = json(&book, &["brief", "--json"])["suggestions"].as_array().unwrap().len();
    assert!(all.lines().count() > lines.len(), "--all shows more");
    assert!(suggested > 5 && all.matches(" [").count() >= suggested, "every suggestion with its key:\n{all}");
    let md = ok(&book, &["brief", "--format", "md"]);
    assert!(md.starts_with("## Brief for "), "{md}");
    assert!(md.contains("\n### Suggested (") && md.contains("\n- "), "{md}");
    let err = fails(&book, &["brief", "--format", "html"]);
    assert!(err.contains("'html' is not a format; expected text or md"), "{err}");
    let err = fails(&book, &["brief", "--scope", "rep:Nobody Atall"]);
    assert!(err.contains("names no rep"), "{err}");
}

#[test]
fn snooze_and_dismiss_from_the_shell_and_undo_them() {
    let book = demo(60);
    let list = json(&book, &["suggest", "list", "--scope", "all", "--json", "--limit", "1000"]);
    let keys: Vec<String> =
        list["suggestions"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap().to_string()).collect();
    assert!(keys.len() >= 2, "{keys:?}");
    let current = |book: &Book| -> Vec<String> {
        json(book, &["suggest", "list", "--scope", "all", "--json", "--limit", "1000"])["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap().to_string())
            .collect()
    };

    let said = ok(&book, &["suggest", "dismiss", &keys[0], "--reason", "they asked for quiet"]);
    assert!(said.starts_with("dismissed "), "{said}");
    assert!(!current(&book).contains(&keys[0]));
    let err = fails(&book, &["suggest", "dismiss", &keys[0]]);
    assert!(err.contains("is dismissed already"), "{err}");
    ok(&book, &["undo"]);
    assert!(current(&book).contains(&keys[0]), "undo brings it back");

    let said = ok(&book, &["suggest", "snooze", &keys[1], "--until", "1w"]);
    assert!(said.contains(" until "), "{said}");
    assert!(!current(&book).contains(&keys[1]));
    assert_eq!(marks(&book), 2, "a dismissal (undone, kept as a tombstone) and a snooze");

    let before = marks(&book);
    let err = fails(&book, &["suggest", "snooze", &keys[0], "--until", "yesterday"]);
    assert!(err.contains("expected a day after today"), "{err}");
    let err = fails(&book, &["suggest", "snooze", "keep-warm:nothing", "--until", "1d"]);
    assert!(err.contains("'keep-warm:nothing' is not a current suggestion"), "{err}");
    assert!(err.contains("hint: "), "{err}");
    let err = fails(&book, &["suggest", "snooze", &keys[0], "--until", "someday"]);
    assert!(err.contains("--until"), "{err}");
    assert_eq!(marks(&book), before, "refusals write nothing");
    ok(&book, &["undo"]);
    assert!(current(&book).contains(&keys[1]), "undo takes the snooze back");
}

#[test]
fn find_shows_health_and_a_config_mistake_names_its_line() {
    let book = demo(30);
    let found = json(&book, &["find", "a", "--json", "--limit", "5"]);
    assert_eq!(found["currency"], "USD", "the currency once, at the top");
    for f in found["accounts"].as_array().unwrap() {
        let h = &f["health"];
        let score = h["score"].as_u64().unwrap();
        assert!(score <= 100, "{f}");
        assert!(["healthy", "watch", "at_risk"].contains(&h["band"].as_str().unwrap()), "{f}");
        for r in h["reasons"].as_array().unwrap() {
            assert!(r["points"].as_i64().unwrap() < 0 && !r["fact"].as_str().unwrap().is_empty(), "{r}");
        }
    }
    let table = ok(&book, &["find", "a", "--limit", "5"]);
    assert!(table.lines().next().unwrap().contains("health"), "{table}");
    assert!(table.contains('●') || table.contains('◐') || table.contains('○'), "{table}");

    std::fs::write(&book.config, "me = \"Nobody\"\n[health.weights]\ncadence = 30\nrenewal_lapsed = 140\n").unwrap();
    let err = fails(&book, &["brief"]);
    assert!(err.contains("line 4: health.weights.renewal_lapsed = 140 is out of range; expected 0 to 100"), "{err}");
    std::fs::write(&book.config, "[health.cadence]\nplatinum = 7\n").unwrap();
    let err = fails(&book, &["find", "a"]);
    assert!(err.contains("line 2: [health.cadence] 'platinum' is not a tier"), "{err}");
}
