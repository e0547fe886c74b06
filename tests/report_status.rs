//! `rapport report status` run as the built binary on a small fixed book
//! (tests/common's, plus an account whose name holds markup), at a fixed
//! now (2026-11-26 14:00 UTC): the figures of each section in the Markdown,
//! the HTML self-contained and escaped, the workbook read back by Python's
//! openpyxl, and bad input refused without a write.

mod common;

use rapport::domain::*;
use rapport::store::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-11-26T14:00:00Z";
const HOSTILE: &str = "<script>alert(1)</script> & Sons";

struct Book {
    dir: tempfile::TempDir,
    db: PathBuf,
}

/// The common book, one account with markup in its name (a renewal and a
/// won deal in the quarter), Cobalt Mining moved from prospect to customer,
/// and Borealis moved to churned and back by an undo.
fn book() -> Book {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let (store, _) = Store::open(&db, OpenMode::Create).unwrap();
    let store = store.with_clock(common::clock());
    let ids = common::seed(&store);
    let mut a = Account {
        name: HOSTILE.into(),
        tier: Tier::Standard,
        status: AccountStatus::Customer,
        owner_id: Some(ids.sam),
        annual_value: Money::from_units(10_000),
        renewal_date: Some(common::date(2027, 1, 5)),
        ..Default::default()
    };
    let hostile = store.insert(&mut a).unwrap();
    let mut d = Deal {
        account_id: hostile,
        owner_id: Some(ids.sam),
        name: "Setup & <b>training</b>".into(),
        stage: DealStage::Won,
        amount: Money::from_units(25_000),
        probability: 100,
        closed_on: Some(common::date(2026, 11, 15)),
        ..Default::default()
    };
    store.insert(&mut d).unwrap();
    let mut cobalt = store.require::<Account>(ids.cobalt).unwrap();
    cobalt.status = AccountStatus::Customer;
    store.update(&mut cobalt).unwrap();
    let mut borealis = store.require::<Account>(ids.borealis).unwrap();
    borealis.status = AccountStatus::Churned;
    store.update(&mut borealis).unwrap();
    store.undo().unwrap().expect("the churn is undone");
    Book { dir, db }
}

fn rapport(book: &Book, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .current_dir(book.dir.path())
        .env_remove("RAPPORT_DB")
        .env("RAPPORT_CONFIG", book.dir.path().join("no-config.toml"))
        .env("RAPPORT_NOW", NOW)
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

/// The lines of the Markdown section titled `title`, up to the next one.
fn section<'a>(md: &'a str, title: &str) -> Vec<&'a str> {
    let start = md.find(&format!("\n## {title}\n")).unwrap_or_else(|| panic!("no section {title}:\n{md}"));
    md[start + 1..].lines().skip(1).take_while(|l| !l.starts_with("## ")).filter(|l| l.starts_with('|')).collect()
}

#[test]
fn every_section_carries_the_books_figures() {
    let book = book();
    let md = ok(&book, &["report", "status", "--period", "2026Q4", "--scope", "all", "--format", "md"]);
    assert!(md.starts_with("# Account status — Q4 FY2026 (Oct–Dec 2026) — everyone\n"), "{md}");
    assert!(md.contains("As of 2026-11-26."), "{md}");
    assert!(
        md.contains(
            "**Won** 175,000.00 of 500,000.00 target (35.0%) · **Commit** 175,000.00 · **Best case** 175,000.00 \
             · **Forecast** 175,000.00 · **Open pipeline** 0.00"
        ),
        "{md}"
    );

    assert_eq!(
        section(&md, "Portfolio by tier and status"),
        [
            "| tier | status | accounts | annual_value |",
            "| --- | --- | ---: | ---: |",
            "| Strategic | Customer | 1 | 1,200,000.00 |",
            "| Key | Customer | 1 | 180,000.00 |",
            "| Standard | Customer | 3 | 70,000.00 |",
            "| **Total** |  | **5** | **1,450,000.00** |",
        ]
    );
    // Cobalt's move stands; Borealis's churn was undone and is not listed.
    assert_eq!(
        section(&md, "Accounts that changed status"),
        [
            "| changed_at | account | owner | from | to |",
            "| --- | --- | --- | --- | --- |",
            "| 2026-11-26 14:00 | Cobalt Mining | Rae Lindqvist | Prospect | Customer |",
        ]
    );
    assert_eq!(
        section(&md, "Renewals due in the next 90 days"),
        [
            "| renewal_on | days_left | account | tier | owner | annual_value |",
            "| --- | ---: | --- | --- | --- | ---: |",
            "| 2026-12-10 | 14 | Borealis Systems | Key | Sam Moreau | 180,000.00 |",
            "| 2027-01-05 | 40 | \\<script\\>alert(1)\\</script\\> \\& Sons | Standard | Sam Moreau | 10,000.00 |",
            "| 2027-02-01 | 67 | Acme Logistics | Strategic | Rae Lindqvist | 1,200,000.00 |",
            "| **Total** |  | **3 accounts** |  |  | **1,390,000.00** |",
        ]
    );
    // Resolved in 219 hours (1 Nov 09:00 to 10 Nov 12:00), before its deadline;
    // the invoice dispute is open past its deadline.
    assert_eq!(
        section(&md, "Conflicts and SLA performance"),
        [
            "| opened | resolved | within_sla | breaches | median_hours_to_resolve | open_now | breached_now |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| 3 | 1 | 100.0% | 1 | 219.0 | 2 | 1 |",
        ]
    );
    assert_eq!(
        section(&md, "Open conflicts")[2..],
        [
            "| Acme Logistics | Invoice dispute | Rae Lindqvist | High | Open | 2026-11-23 10:00 | 2026-11-25 10:00 | yes |",
            "| Borealis Systems | Late delivery | Sam Moreau | Normal | In progress | 2026-11-25 09:00 | 2026-11-30 09:00 | no |",
        ]
    );
    assert_eq!(
        section(&md, "Conflicts resolved in the period")[2..],
        ["| Cobalt Mining | Wrong contact on file | Rae Lindqvist | Low | 2026-11-01 09:00 | 2026-11-10 12:00 | 219.0 | yes |"]
    );
    assert_eq!(
        section(&md, "Deals won and lost"),
        [
            "| closed_on | outcome | account | deal | owner | amount |",
            "| --- | --- | --- | --- | --- | ---: |",
            "| 2026-10-20 | won | Acme Logistics | Fleet add-on | Rae Lindqvist | 150,000.00 |",
            "| 2026-11-02 | lost | Borealis Systems | Data lake | Sam Moreau | 90,000.00 |",
            "| 2026-11-15 | won | \\<script\\>alert(1)\\</script\\> \\& Sons | Setup \\& \\<b\\>training\\</b\\> | Sam Moreau | 25,000.00 |",
            "|  | **won** | **2 deals** |  |  | **175,000.00** |",
            "|  | **lost** | **1 deals** |  |  | **90,000.00** |",
            "|  | **win rate** | **66.7% by count** |  |  |  |",
        ]
    );
    // 57 of the quarter's 92 days have begun by 26 November.
    assert_eq!(
        section(&md, "Targets against actuals")[2..],
        [
            "| company | Company | 500,000.00 | 175,000.00 | 35.0% | 309,782.60 | 325,000.00 | no |",
            "| team | Team Lee Okafor | 400,000.00 | 175,000.00 | 43.8% | 247,826.08 | 225,000.00 | no |",
            "| rep | Rae Lindqvist | 250,000.00 | 150,000.00 | 60.0% | 154,891.30 | 100,000.00 | no |",
            "| rep | Sam Moreau | 150,000.00 | 25,000.00 | 16.7% | 92,934.78 | 125,000.00 | no |",
        ]
    );
    assert_eq!(
        section(&md, "Forecast")[2..],
        ["| 2026Q4 | 175,000.00 | 175,000.00 | 175,000.00 | 175,000.00 | 0.00 | 0.00 | 500,000.00 | 35.0% | 325,000.00 | 0.0x |"]
    );
    assert_eq!(
        section(&md, "Won per quarter, FY2026")[2..],
        [
            "| Q1 | 0.00 | - | - |",
            "| Q2 | 0.00 | - | - |",
            "| Q3 | 60,000.00 | - | - |",
            "| Q4 | 175,000.00 | 500,000.00 | 35.0% |",
        ]
    );
}

#[test]
fn a_rep_scope_and_a_named_period_narrow_every_section() {
    let book = book();
    // The default period is this quarter: the same report as naming it.
    let named = ok(&book, &["report", "status", "--scope", "rep:sam moreau", "--period", "2026Q4"]);
    assert_eq!(ok(&book, &["report", "status", "--scope", "rep:Sam Moreau"]), named);
    assert_eq!(ok(&book, &["report", "status", "--scope", "rep:Sam Moreau", "--period", "this-quarter"]), named);
    assert!(named.starts_with("# Account status — Q4 FY2026 (Oct–Dec 2026) — Sam Moreau\n"), "{named}");
    assert_eq!(
        section(&named, "Portfolio by tier and status")[2..],
        [
            "| Key | Customer | 1 | 180,000.00 |",
            "| Standard | Customer | 1 | 10,000.00 |",
            "| **Total** |  | **2** | **190,000.00** |",
        ]
    );
    assert_eq!(section(&named, "Deals won and lost").len(), 2 + 2 + 3);
    assert!(!named.contains("Cobalt Mining"), "Rae's account is out of Sam's scope: {named}");
    assert!(named.contains("\n## Accounts that changed status\n\nEach status move"), "{named}");

    // Last quarter: the Analytics win of August, nothing lost.
    let q3 = ok(&book, &["report", "status", "--scope", "rep:Sam Moreau", "--period", "last-quarter"]);
    assert!(q3.starts_with("# Account status — Q3 FY2026 (Jul–Sep 2026) — Sam Moreau\n"), "{q3}");
    assert!(
        section(&q3, "Deals won and lost")
            .contains(&"| 2026-08-15 | won | Borealis Systems | Analytics | Sam Moreau | 60,000.00 |"),
        "{q3}"
    );
}

#[test]
fn html_is_one_self_contained_escaped_file_for_a4() {
    let book = book();
    let out = ok(&book, &["report", "status", "--scope", "all", "--format", "html"]);
    let path = book.dir.path().join("status-2026Q4.html");
    assert_eq!(out, format!("wrote {}\n", "status-2026Q4.html"));
    let html = std::fs::read_to_string(&path).unwrap();
    let lower = html.to_ascii_lowercase();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(!lower.contains("<script"), "no script, not even the account's: {html}");
    for external in ["http://", "https://", "src=", "href=", "@import", "url(", "@font-face"] {
        assert!(!lower.contains(external), "{external} in {html}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons"), "{html}");
    assert!(html.contains("Setup &amp; &lt;b&gt;training&lt;/b&gt;"), "{html}");
    assert!(html.contains("@page { size: A4;"), "{html}");
    assert!(html.contains("break-inside: avoid"), "{html}");
    assert!(html.contains("<style>") && html.contains("<svg "), "{html}");
    // The chart: a bar and a label per quarter, Q4's target marked.
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert_eq!(svg.matches("<rect x=").count(), 4 + 2, "four bars and two legend keys: {svg}");
    for label in [">Q1<", ">Q2<", ">Q3<", ">Q4<", ">175k<", ">60k<", ">target 500k<"] {
        assert!(svg.contains(label), "{label} in {svg}");
    }
    assert!(html.contains("<td class=\"n\">1,450,000.00</td>"), "the portfolio's total");
    // The file is private, as the database is: it names customers.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
}

fn sha256(path: &Path) -> String {
    let mut h = Sha256::new();
    h.update(std::fs::read(path).unwrap());
    format!("{:x}", h.finalize())
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_changes_nothing() {
    let book = book();
    let kept = book.dir.path().join("kept.html");
    std::fs::write(&kept, "mine").unwrap();
    let before = (sha256(&book.db), files_in(book.dir.path()));
    let cases: &[(&[&str], &str)] = &[
        (
            &["--format", "pdf"],
            "error: --format: 'pdf' is not a format of the status report; expected md, html or xlsx",
        ),
        (&["--period", "2026Q5"], "error: --period: '2026Q5' is not a period"),
        (&["--period", "next-week"], "'next-week' is not a period: a year is four digits; expected a fiscal year (2026 or FY2026), a fiscal quarter (2026Q3) or a calendar month (2026-11), or this-quarter, last-quarter, this-year or last-year"),
        (&["--scope", "boss"], "error: --scope: 'boss' is not a scope; expected me, team, all or rep:NAME"),
        (&["--scope", "rep:Nobody Here"], "error: --scope: 'Nobody Here' names no rep"),
        (&["--by", "rep"], "error: --by: 'rep': the status report has no grouping"),
        (&["--format", "html", "-o", "kept.html"], "error: -o: 'kept.html' exists; it was left as it is"),
        (&["-o", "missing/status.html"], "error: -o: the folder 'missing' does not exist"),
        (&["-o", "."], "error: -o: '.' is a folder; expected a file name"),
    ];
    for (extra, expected) in cases {
        let scoped = extra.contains(&"--scope");
        let args = [&["report", "status"][..], if scoped { &[] } else { &["--scope", "all"] }, extra].concat();
        let out = rapport(&book, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(err.starts_with("error: ") && err.contains(expected), "{args:?}: {err}");
        assert!(err.contains("\nhint: "), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!((sha256(&book.db), files_in(book.dir.path())), before, "{args:?} changed something");
    }
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "mine");
    // -o belongs to the status report.
    let out = rapport(&book, &["report", "forecast", "-o", "f.md"]);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: -o and --force are for `report status`"));

    // The default file exists: refused, then replaced with --force.
    std::fs::write(book.dir.path().join("status-2026Q4.html"), "old").unwrap();
    let out = rapport(&book, &["report", "status", "--format", "html"]);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: report status: 'status-2026Q4.html' exists"));
    assert_eq!(std::fs::read_to_string(book.dir.path().join("status-2026Q4.html")).unwrap(), "old");
    ok(&book, &["report", "status", "--format", "html", "--force"]);
    assert!(std::fs::read_to_string(book.dir.path().join("status-2026Q4.html")).unwrap().contains("<svg"));
    // Markdown to a file by its name alone; nothing left beside it.
    ok(&book, &["report", "status", "-o", "status.md"]);
    assert!(std::fs::read_to_string(book.dir.path().join("status.md")).unwrap().starts_with("# Account status"));
    assert!(!files_in(book.dir.path()).iter().any(|f| f.starts_with(".rapport-")));
}

/// Reads a workbook with openpyxl and prints, per sheet: its name, the
/// header's boldness, the frozen cell, the autofilter and every cell as
/// (type name, value, number format).
const READ_BACK: &str = r#"
import json, sys, datetime
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        cells = []
        for c in row:
            v = c.value
            if isinstance(v, (datetime.datetime, datetime.date)):
                v = v.isoformat()
            cells.append([type(c.value).__name__, v, c.number_format])
        rows.append(cells)
    out.append({
        "name": ws.title,
        "bold": [c.font.bold for c in ws[1]],
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "rows": rows,
    })
print(json.dumps(out))
"#;

#[test]
fn xlsx_has_a_typed_sheet_per_section_read_back_by_openpyxl() {
    let book = book();
    let out = ok(&book, &["report", "status", "--scope", "all", "--format", "xlsx", "--period", "2026Q4"]);
    assert_eq!(out, "wrote status-2026Q4.xlsx\n");
    let path = book.dir.path().join("status-2026Q4.xlsx");
    let py = Command::new("python3")
        .args(["-c", READ_BACK])
        .arg(&path)
        .output()
        .expect("python3 with openpyxl is needed to read the workbook back (pip install openpyxl)");
    assert!(
        py.status.success(),
        "python3 with openpyxl is needed (pip install openpyxl): {}",
        String::from_utf8_lossy(&py.stderr)
    );
    let sheets: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
    let sheets = sheets.as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Summary",
            "Portfolio",
            "Status changes",
            "Renewals",
            "SLA",
            "Open conflicts",
            "Resolved conflicts",
            "Deals",
            "Targets",
            "Forecast",
            "Quarters"
        ]
    );
    for s in sheets {
        assert!(s["bold"].as_array().unwrap().iter().all(|b| b == true), "{}: header bold", s["name"]);
        assert_eq!(s["freeze"], "A2", "{}: header frozen", s["name"]);
        assert!(s["filter"].as_str().is_some_and(|f| f.starts_with("A1:")), "{}: autofilter", s["name"]);
        assert!(!s["widths"].as_object().unwrap().is_empty(), "{}: widths set", s["name"]);
    }
    let sheet = |name: &str| sheets.iter().find(|s| s["name"] == name).unwrap()["rows"].as_array().unwrap().clone();
    let cell = |name: &str, r: usize, c: usize| sheet(name)[r][c].clone();

    // Money: a number with the currency format, never text.
    // openpyxl gives a whole number as an int, a fraction as a float: either way a number.
    let number = |c: &serde_json::Value| matches!(c[0].as_str(), Some("int" | "float"));
    let total = cell("Portfolio", 4, 3);
    assert!(number(&total) && total[1].as_f64() == Some(1_450_000.0), "{total}");
    assert!(total[2].as_str().unwrap().contains("#,##0.00"), "{total}");
    assert_eq!(cell("Portfolio", 4, 0)[1], "Total");
    assert!(number(&cell("Portfolio", 1, 2)), "a count is a number");

    // Dates: dates, with a date format.
    let renewal = cell("Renewals", 1, 0);
    assert_eq!((renewal[0].as_str(), renewal[1].as_str()), (Some("datetime"), Some("2026-12-10T00:00:00")));
    assert_eq!(renewal[2], "yyyy-mm-dd");
    assert_eq!(cell("Renewals", 2, 2)[1], HOSTILE, "text as typed (it is not a formula)");
    let deals = sheet("Deals");
    let fleet = &deals[1];
    assert_eq!(fleet[0][1], "2026-10-20T00:00:00");
    assert_eq!((fleet[2][1].as_str(), fleet[3][1].as_str()), (Some("Acme Logistics"), Some("Fleet add-on")));
    assert!(number(&fleet[5]) && fleet[5][1].as_f64() == Some(150_000.0), "{fleet:?}");
    let changed = cell("Status changes", 1, 0);
    assert_eq!((changed[0].as_str(), changed[1].as_str()), (Some("datetime"), Some("2026-11-26T14:00:00")));

    // Percentages and counts as numbers.
    let att = cell("Targets", 1, 4);
    assert!(number(&att) && att[1].as_f64() == Some(35.0), "{att}");
    assert!(number(&cell("Targets", 2, 4)) && cell("Targets", 2, 4)[1].as_f64() == Some(43.75));
    let sla = &sheet("SLA")[1];
    assert_eq!(
        sla.as_array().unwrap().iter().map(|c| c[1].as_f64().unwrap()).collect::<Vec<_>>(),
        [3.0, 1.0, 100.0, 1.0, 219.0, 2.0, 1.0]
    );
    let summary = &sheet("Summary")[1];
    assert_eq!(summary[0][1], "Q4 FY2026 (Oct–Dec 2026)");
    assert_eq!((summary[3][1].as_f64(), summary[4][1].as_f64()), (Some(175_000.0), Some(500_000.0)));
}
