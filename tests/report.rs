//! `rapport report` run as the built binary on demo databases in temp
//! folders: the figures against sums taken straight from the deals table,
//! CSV read back by Python's csv module, the config's `me` and fiscal year,
//! and bad input refused without a write.

use chrono::{Datelike, NaiveDate, Utc};
use rapport::domain::{FiscalCalendar, Period};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Book {
    _dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

fn rapport(book: &Book, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
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
    assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    String::from_utf8(out.stdout).unwrap()
}

/// A 60-account demo book, with a config file path that does not exist yet.
fn demo() -> Book {
    let dir = tempfile::tempdir().unwrap();
    let book = Book { db: dir.path().join("demo.db"), config: dir.path().join("config.toml"), _dir: dir };
    let out = rapport(&book, &["demo", "--no-open", "--accounts", "60"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    book
}

/// Won revenue with `start <= closed_on < end`, summed by SQLite itself.
fn won_in_sql(db: &Path, start: NaiveDate, end: NaiveDate) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT coalesce(sum(amount), 0) FROM deals
         WHERE stage = 'won' AND deleted_at IS NULL AND closed_on >= ?1 AND closed_on < ?2",
        [start.to_string(), end.to_string()],
        |r| r.get(0),
    )
    .unwrap()
}

fn cents(v: &Value) -> i64 {
    (v.as_f64().unwrap_or_else(|| panic!("{v} is not a number")) * 100.0).round() as i64
}

/// Checks each quarter row of `report quarterly --format json` against SQL.
fn quarters_match_sql(book: &Book, cal: FiscalCalendar, year: i32) -> i64 {
    let fy = format!("FY{year}");
    let rows: Value = serde_json::from_str(&ok(
        book,
        &["report", "quarterly", "--period", &fy, "--scope", "all", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(rows["currency"], "USD", "the currency once at the top");
    let rows = rows["quarterly"].as_array().unwrap();
    assert_eq!(rows.len(), 5, "four quarters and the year: {rows:?}");
    let mut total = 0;
    for (q, row) in (1..=4).zip(rows) {
        let p = Period::Quarter(year, q);
        assert_eq!(row["period"], format!("{year}Q{q}"));
        let expected = won_in_sql(&book.db, p.start(cal), p.end(cal));
        assert_eq!(cents(&row["won"]), expected, "{p} won, to the cent");
        total += expected;
    }
    assert_eq!(rows[4]["period"], fy);
    assert_eq!(cents(&rows[4]["won"]), total, "the year is the sum of its quarters");
    total
}

#[test]
fn quarterly_json_reproduces_won_revenue_from_the_deals_table() {
    let book = demo();
    let year = Utc::now().date_naive().year();
    let this = quarters_match_sql(&book, FiscalCalendar::default(), year);
    let last = quarters_match_sql(&book, FiscalCalendar::default(), year - 1);
    assert!(this > 0 && last > 0, "the demo wins something every year ({this}, {last})");
}

#[test]
fn a_fiscal_year_from_the_config_starting_in_april_is_honoured() {
    let book = demo();
    ok(&book, &["config", "set", "fiscal_year_start", "4"]);
    let text = std::fs::read_to_string(&book.config).unwrap();
    assert!(text.contains("fiscal_year_start = 4"), "{text}");
    let april = FiscalCalendar::new(4).unwrap();
    let Period::Year(fy) = Period::year_of(april, Utc::now().date_naive()) else { unreachable!() };
    quarters_match_sql(&book, april, fy);
    let table = ok(&book, &["report", "quarterly", "--scope", "all"]);
    assert!(table.contains(&format!("FY{fy} (Apr {}–Mar {fy})", fy - 1)), "{table}");
}

#[test]
fn the_books_fiscal_year_is_set_with_config_and_a_persons_own_wins_for_them() {
    let book = demo();
    assert_eq!(ok(&book, &["config", "get", "fiscal_start_month"]), "1\n", "a new book's year is the calendar's");
    let said = ok(&book, &["config", "set", "fiscal_start_month", "4"]);
    assert!(said.starts_with("fiscal_start_month = 4 in "), "{said}");
    assert_eq!(ok(&book, &["config", "get", "fiscal_start_month"]), "4\n");
    let stored: String = rusqlite::Connection::open(&book.db)
        .unwrap()
        .query_row("SELECT value FROM settings WHERE key = 'fiscal_start_month'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, "4", "kept in the book, for everyone on it");
    assert!(!book.config.exists(), "the config file is not touched");
    let april = FiscalCalendar::new(4).unwrap();
    let Period::Year(fy) = Period::year_of(april, Utc::now().date_naive()) else { unreachable!() };
    quarters_match_sql(&book, april, fy);
    let table = ok(&book, &["report", "quarterly", "--scope", "all"]);
    assert!(table.contains(&format!("FY{fy} (Apr {}–Mar {fy})", fy - 1)), "{table}");

    // A person's own fiscal year, in their config file, wins for them; setting
    // the book's says so.
    ok(&book, &["config", "set", "fiscal_year_start", "7"]);
    let out = rapport(&book, &["config", "set", "fiscal_start_month", "10"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("your config file's fiscal_year_start = 7 wins over it for you"), "{err}");
    let july = FiscalCalendar::new(7).unwrap();
    let Period::Year(fy) = Period::year_of(july, Utc::now().date_naive()) else { unreachable!() };
    let table = ok(&book, &["report", "quarterly", "--scope", "all"]);
    assert!(table.contains(&format!("FY{fy} (Jul {}–Jun {fy})", fy - 1)), "{table}");
}

#[test]
fn csv_reads_back_in_python_with_the_same_figures() {
    let book = demo();
    let year = format!("FY{}", Utc::now().date_naive().year());
    let args = ["report", "quarterly", "--period", &year, "--scope", "all"];
    let csv = ok(&book, &[&args[..], &["--format", "csv"]].concat());
    let json: Value = serde_json::from_str(&ok(&book, &[&args[..], &["--format", "json"]].concat())).unwrap();
    let mut python = Command::new("python3")
        .args(["-c", "import csv, json, sys; print(json.dumps(list(csv.DictReader(sys.stdin))))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed to read the CSV back; install it");
    use std::io::Write;
    python.stdin.take().unwrap().write_all(csv.as_bytes()).unwrap();
    let out = python.wait_with_output().unwrap();
    assert!(out.status.success());
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (rows, json) = (rows.as_array().unwrap(), json["quarterly"].as_array().unwrap());
    assert_eq!(rows.len(), json.len());
    for (r, j) in rows.iter().zip(json) {
        assert_eq!(r["period"], j["period"]);
        let won: f64 = r["won"].as_str().unwrap().parse().unwrap();
        assert_eq!((won * 100.0).round() as i64, cents(&j["won"]), "{r}");
        assert_eq!(r["deals"].as_str().unwrap(), j["deals"].to_string());
    }
}

#[test]
fn the_demo_makes_the_manager_me_and_reports_default_to_their_team() {
    let book = demo();
    let conn = rusqlite::Connection::open(&book.db).unwrap();
    let manager: String = conn.query_row("SELECT name FROM reps WHERE role = 'manager'", [], |r| r.get(0)).unwrap();
    let me: String = conn.query_row("SELECT value FROM settings WHERE key = 'me'", [], |r| r.get(0)).unwrap();
    assert_eq!(me, manager);
    let table = ok(&book, &["report", "forecast"]);
    assert!(table.lines().next().unwrap().ends_with(&format!("— {manager}'s team")), "{table}");

    // A rep named in the config narrows the scope to that rep.
    let rep: String =
        conn.query_row("SELECT name FROM reps WHERE role = 'rep' ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    ok(&book, &["config", "set", "me", &rep]);
    let rows: Value = serde_json::from_str(&ok(&book, &["report", "reps", "--format", "json"])).unwrap();
    let names: Vec<&str> = rows["reps"].as_array().unwrap().iter().map(|r| r["rep"].as_str().unwrap()).collect();
    assert_eq!(names, vec![rep.as_str()]);
    let all: Value =
        serde_json::from_str(&ok(&book, &["report", "reps", "--scope", "all", "--format", "json"])).unwrap();
    let count: i64 = conn.query_row("SELECT count(*) FROM reps", [], |r| r.get(0)).unwrap();
    assert_eq!(all["reps"].as_array().unwrap().len() as i64, count);
}

#[test]
fn every_report_and_format_runs() {
    let book = demo();
    for report in ["quarterly", "forecast", "pipeline", "reps", "conflicts", "targets"] {
        for format in ["table", "csv", "json", "md"] {
            let out = ok(&book, &["report", report, "--format", format, "--scope", "all"]);
            assert!(!out.trim().is_empty(), "{report} {format}");
            if format == "json" {
                serde_json::from_str::<Value>(&out).unwrap_or_else(|e| panic!("{report}: {e}\n{out}"));
            }
            if format == "md" {
                assert!(out.lines().any(|l| l.starts_with("| ---")), "{report}: {out}");
            }
        }
    }
    let out = ok(&book, &["report", "forecast", "--by", "rep", "--format", "json", "--scope", "all"]);
    let rows: Value = serde_json::from_str(&out).unwrap();
    for row in rows["forecast"].as_array().unwrap() {
        assert!(
            cents(&row["closed"]) <= cents(&row["commit"]) && cents(&row["commit"]) <= cents(&row["best_case"]),
            "{row}"
        );
    }
}

#[test]
fn bad_input_gets_one_error_a_hint_and_changes_nothing() {
    let book = demo();
    let cases: &[(&[&str], &str)] = &[
        (&["report", "quarterly", "--period", "2026Q5"], "error: --period: '2026Q5' is not a period"),
        (&["report", "weekly"], "error: 'weekly' is not a report; expected one of: quarterly, forecast"),
        (
            &["report", "reps", "--scope", "boss"],
            "error: --scope: 'boss' is not a scope; expected me, team, all or rep:NAME",
        ),
        (&["report", "reps", "--scope", "rep:Nobody Here"], "error: --scope: 'Nobody Here' names no rep"),
        (
            &["report", "reps", "--format", "xml"],
            "error: --format: 'xml' is not a format; expected table, csv, json or md",
        ),
        (&["report", "pipeline", "--by", "colour"], "error: --by: 'colour' is not a grouping"),
        (
            &["config", "set", "fiscal_year_start", "13"],
            "error: fiscal_year_start = 13 is not a month; expected 1 (January) to 12",
        ),
        (&["config", "set", "me", "Nobody Here"], "error: me: 'Nobody Here' names no rep"),
        (
            &["config", "set", "fiscal_start_month", "13"],
            "error: fiscal_start_month: '13' is not a month; expected 1 (January) to 12 (December)",
        ),
        (&["config", "set", "fiscal_start_month", "april"], "error: fiscal_start_month: 'april' is not a month"),
        (
            &["config", "set", "colour", "blue"],
            "error: 'colour' is not a setting; expected one of: currency, fiscal_start_month, me, fiscal_year_start",
        ),
    ];
    let before = std::fs::read(&book.db).unwrap();
    for (args, expected) in cases {
        let out = rapport(&book, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(out.stdout.is_empty(), "{args:?}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: one error and one hint: {err}");
        assert!(lines[0].starts_with(expected), "{args:?}: {err}");
        assert!(lines[1].starts_with("hint: ") && lines[1].contains("e.g."), "{args:?}: {err}");
    }
    assert!(!book.config.exists(), "a refused setting wrote no config file");
    assert_eq!(std::fs::read(&book.db).unwrap(), before, "the database is unchanged");

    // A config that names nobody, or a month out of range, stops a report with the line to fix.
    std::fs::write(&book.config, "me = \"Nobody Here\"\n").unwrap();
    let err = String::from_utf8_lossy(&rapport(&book, &["report", "forecast"]).stderr).into_owned();
    assert!(err.starts_with("error: --scope: me = \"Nobody Here\" in the config: 'Nobody Here' names no rep"), "{err}");
    assert!(err.contains("hint: set it with `rapport config set me"), "{err}");
    std::fs::write(&book.config, "\nfiscal_year_start = 13\n").unwrap();
    let out = rapport(&book, &["report", "forecast"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success());
    assert!(
        err.contains("line 2: fiscal_year_start = 13 is not a month; expected 1 (January) to 12 (December)"),
        "{err}"
    );
}
