//! `rapport import` run as the built binary on temp databases: files shaped
//! like real exports (tests/fixtures/import/), a spreadsheet written by
//! openpyxl, upserts, undo, every refusal with the database unchanged, and
//! the newcomer's move-in with its quarterly results.

mod common;

use common::book::{book, Book};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// This file's fixtures, and what only this file asks of a book.
trait Local {
    fn fixture(&self, name: &str) -> String;
}

impl Local for Book {
    fn fixture(&self, name: &str) -> String {
        self.fixture_in("import", name)
    }
}

fn strs(rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    rows
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A book with the Salesforce users and accounts in it.
fn salesforce_book() -> Book {
    let b = book();
    let users = b.fixture("salesforce_users.csv");
    let accounts = b.fixture("salesforce_accounts.csv");
    b.ok(&["import", "reps", &users]);
    let out = b.ok(&["import", "accounts", &accounts]);
    assert!(out.contains("mapping (salesforce preset)"), "{out}");
    assert!(out.contains("3 created, 0 updated, 0 unchanged"), "{out}");
    b
}

#[test]
fn salesforce_api_names_bom_and_a_subsidiary_before_its_parent() {
    let b = salesforce_book();
    assert_eq!(
        strs(b.rows(
            "SELECT a.name, a.external_ref, a.sector, a.status, o.name, coalesce(p.name, '-'), a.annual_value, a.city, a.custom
             FROM accounts a LEFT JOIN reps o ON o.id = a.owner_id LEFT JOIN accounts p ON p.id = a.parent_id ORDER BY a.name"
        )),
        vec![
            v(&["Bluefin Analytics", "0015e00000PrsA2", "Technology", "prospect", "Ben Okafor", "-", "0", "Austin", "NULL"]),
            v(&["Nordwind Holding AG", "0015e00000ParA1", "Transportation", "customer", "Maria Stein", "-", "120000000", "Zürich", r#"{"Rating__c":"Hot"}"#]),
            v(&["Nordwind Logistik GmbH", "0015e00000SubA1", "Transportation", "customer", "Ana Lima", "Nordwind Holding AG", "25000000", "Hamburg", r#"{"Rating__c":"Warm"}"#]),
        ]
    );
    // The manager named by id only in ManagerId is the rep of that id.
    assert_eq!(
        b.rows("SELECT r.name, m.name FROM reps r JOIN reps m ON m.id = r.manager_id ORDER BY r.name"),
        vec![v(&["Ana Lima", "Maria Stein"]), v(&["Ben Okafor", "Maria Stein"])]
    );
    assert_eq!(
        b.rows("SELECT notes FROM accounts WHERE name = 'Nordwind Holding AG'"),
        vec![v(&["Group parent.\nTwo lines of notes."])]
    );
}

#[test]
fn salesforce_report_labels_with_footer_cases_and_tasks() {
    let b = salesforce_book();
    let report = b.fixture("salesforce_opportunities_report.csv");
    let out = b.ok(&["import", "deals", &report]);
    assert!(out.contains("4 created, 0 updated, 0 unchanged"), "{out}");
    assert_eq!(
        b.rows(
            "SELECT d.name, a.name, stage, amount, probability, expected_close, coalesce(closed_on, '-'), opened_on,
                    coalesce(forecast_category, '-'), r.name
             FROM deals d JOIN accounts a ON a.id = d.account_id JOIN reps r ON r.id = d.owner_id ORDER BY d.name"
        ),
        vec![
            v(&[
                "Fleet telematics",
                "Nordwind Logistik GmbH",
                "won",
                "4800000",
                "100",
                "2025-02-14",
                "2025-02-14",
                "2025-01-06",
                "closed",
                "Ana Lima"
            ]),
            v(&[
                "Group licence",
                "Nordwind Holding AG",
                "proposal",
                "12000000",
                "75",
                "2025-06-30",
                "-",
                "2025-03-03",
                "best_case",
                "Maria Stein"
            ]),
            v(&[
                "Pilot",
                "Bluefin Analytics",
                "lost",
                "950000",
                "0",
                "2025-03-28",
                "2025-03-28",
                "2025-02-01",
                "omitted",
                "Ben Okafor"
            ]),
            v(&[
                "Renewal 2025",
                "Nordwind Logistik GmbH",
                "qualified",
                "5250000",
                "20",
                "2025-09-15",
                "-",
                "2025-04-02",
                "pipeline",
                "Ana Lima"
            ]),
        ]
    );
    let cases = b.fixture("salesforce_cases.csv");
    b.ok(&["import", "conflicts", &cases]);
    assert_eq!(
        b.rows("SELECT title, severity, status, escalation_level, opened_at, coalesce(resolved_at, '-'), external_ref FROM conflicts ORDER BY title"),
        vec![
            v(&["Invoice charged twice", "high", "in_progress", "1", "2025-03-02T09:15:00Z", "-", "5005e00000Cs1"]),
            v(&["Portal login fails", "normal", "resolved", "0", "2025-02-10T14:00:00Z", "2025-02-11T10:30:00Z", "5005e00000Cs2"]),
        ]
    );
    let tasks = b.fixture("salesforce_tasks.csv");
    b.ok(&["import", "activities", &tasks]);
    assert_eq!(
        b.rows("SELECT summary, kind, occurred_at, coalesce(due_on, '-'), coalesce(done_at, '-'), body IS NULL FROM activities ORDER BY summary"),
        vec![
            v(&["Quarterly review call", "call", "2025-03-05T00:00:00Z", "-", "-", "0"]),
            v(&["Send proposal", "follow_up", "2025-04-01T00:00:00Z", "2025-04-01", "-", "1"]),
        ]
    );
}

#[test]
fn hubspot_windows_1252_quoted_newlines_and_id_lists() {
    let b = salesforce_book();
    let companies = b.fixture("hubspot_companies.csv");
    let out = b.ok(&["import", "accounts", &companies]);
    assert!(out.contains("mapping (hubspot preset)"), "{out}");
    let deals = b.fixture("hubspot_deals.csv");
    b.ok(&["import", "deals", &deals]);
    assert_eq!(
        b.rows(
            "SELECT d.name, a.name, a.city, d.stage, d.amount, d.external_ref, d.custom FROM deals d JOIN accounts a ON a.id = d.account_id ORDER BY d.name"
        ),
        vec![
            v(&["Espresso machines", "Café Lumière SARL", "Lyon", "won", "1240000", "9001", r#"{"Deal Description":"Signed on site.\r\nDelivery in February."}"#]),
            // `7002;7001`: the first associated company.
            v(&["Factory retrofit", "Müller & Söhne KG", "Köln", "negotiation", "8800000", "9002", r#"{"Deal Description":"Needs the board's approval"}"#]),
        ]
    );
    assert_eq!(b.rows("SELECT status FROM accounts WHERE external_ref = '7002'"), vec![v(&["prospect"])]);
}

#[test]
fn pipedrive_entity_headers_and_won_status() {
    let b = salesforce_book();
    let deals = b.fixture("pipedrive_deals.csv");
    let out = b.ok(&["import", "deals", &deals]);
    assert!(out.contains("mapping (pipedrive preset)"), "{out}");
    assert!(out.contains("Organization - Name") && out.contains("-> account"), "{out}");
    assert_eq!(
        b.rows("SELECT d.name, a.name, stage, amount, coalesce(closed_on, '-'), expected_close, opened_on, d.custom FROM deals d JOIN accounts a ON a.id = d.account_id ORDER BY d.name"),
        vec![
            v(&["Support plan", "Bluefin Analytics", "qualified", "420000", "-", "2025-10-15", "2025-04-11", r#"{"Deal - Currency":"EUR"}"#]),
            v(&["Website relaunch", "Nordwind Holding AG", "won", "1500000", "2025-05-28", "2025-05-30", "2025-03-01", r#"{"Deal - Currency":"EUR","Person - Email (Work)":"cio@holding.example"}"#]),
        ]
    );
}

#[test]
fn zoho_id_twin_names_the_account_over_an_old_name_and_day_first_dates() {
    let b = salesforce_book();
    let deals = b.fixture("zoho_deals.csv");
    let out = b.ok(&["import", "deals", &deals]);
    assert!(out.contains("mapping (zoho preset)"), "{out}");
    assert_eq!(
        b.rows("SELECT d.name, a.name, stage, probability, expected_close FROM deals d JOIN accounts a ON a.id = d.account_id ORDER BY d.name"),
        vec![
            v(&["Cold chain sensors", "Nordwind Logistik GmbH", "won", "100", "2025-04-15"]),
            v(&["Data platform", "Bluefin Analytics", "qualified", "35", "2025-11-30"]),
        ]
    );
    // Without a created date a deal is opened on its close date or today; undo finds it as logged.
    assert_eq!(b.rows("SELECT opened_on FROM deals WHERE name = 'Cold chain sensors'"), vec![v(&["2025-04-15"])]);
    b.ok(&["undo"]);
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 0);
}

#[test]
fn tsv_contacts_match_accounts_by_name_and_targets_by_scope() {
    let b = salesforce_book();
    let contacts = b.fixture("generic_contacts.tsv");
    b.ok(&["import", "contacts", &contacts]);
    assert_eq!(
        b.rows("SELECT c.name, a.name, c.email, c.title, c.role, c.custom FROM contacts c JOIN accounts a ON a.id = c.account_id ORDER BY c.name"),
        vec![
            v(&["Jana Novak", "Nordwind Logistik GmbH", "jana.novak@nordwind.example", "CFO", "decision_maker", r#"{"Birthday":"12/03"}"#]),
            v(&["Tom Weiss", "Nordwind Logistik GmbH", "tom.weiss@nordwind.example", "IT lead", "technical", "NULL"]),
        ]
    );
    let targets = b.fixture("targets.csv");
    b.ok(&["import", "targets", &targets]);
    assert_eq!(
        b.rows("SELECT t.scope, coalesce(r.name, '-'), period, metric, amount FROM targets t LEFT JOIN reps r ON r.id = t.rep_id ORDER BY t.id"),
        vec![
            v(&["company", "-", "2025Q1", "won_revenue", "10000000"]),
            v(&["rep", "Ana Lima", "2025Q1", "won_revenue", "4000000"]),
            v(&["rep", "Ben Okafor", "2025Q2", "new_deals", "5"]),
        ]
    );
    let again = b.ok(&["import", "targets", &targets]);
    assert!(again.contains("0 created, 0 updated, 3 unchanged"), "{again}");
}

#[test]
fn importing_the_same_file_twice_changes_nothing_then_updates_what_changed() {
    let b = salesforce_book();
    let report = b.fixture("salesforce_opportunities_report.csv");
    b.ok(&["import", "deals", &report]);
    let before = b.sha();
    for (kind, name) in [
        ("reps", "salesforce_users.csv"),
        ("accounts", "salesforce_accounts.csv"),
        ("deals", "salesforce_opportunities_report.csv"),
    ] {
        let out = b.ok(&["import", kind, &b.fixture(name)]);
        assert!(
            out.contains("0 created, 0 updated, 3 unchanged") || out.contains("0 created, 0 updated, 4 unchanged"),
            "{out}"
        );
    }
    assert_eq!(b.sha(), before, "an import that changes nothing writes nothing");
    // A changed amount updates that deal only.
    let text = std::fs::read_to_string(&report).unwrap().replace("\"$52,500.00\"", "\"$60,000.00\"");
    let changed = b.file("changed.csv", text);
    let out = b.ok(&["import", "deals", &changed]);
    assert!(out.contains("0 created, 1 updated, 3 unchanged"), "{out}");
    assert_eq!(b.rows("SELECT amount FROM deals WHERE name = 'Renewal 2025'"), vec![v(&["6000000"])]);
    assert_eq!(b.count("SELECT count(*) FROM deals"), 4);
}

#[test]
fn undo_takes_the_whole_import_back_and_redo_brings_it_again() {
    let b = salesforce_book();
    let report = b.fixture("salesforce_opportunities_report.csv");
    b.ok(&["import", "deals", &report]);
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 4);
    let out = b.ok(&["undo"]);
    assert!(out.contains("undid: add deal"), "{out}");
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 0);
    assert_eq!(
        b.count("SELECT count(*) FROM accounts WHERE deleted_at IS NULL"),
        3,
        "only the last import is taken back"
    );
    b.ok(&["undo"]);
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE deleted_at IS NULL"), 0);
    b.ok(&["redo"]);
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE deleted_at IS NULL"), 3);
    // Importing again after the undo creates the deals again.
    let out = b.ok(&["import", "deals", &report]);
    assert!(out.contains("4 created"), "{out}");
}

#[test]
fn references_are_created_only_when_asked_and_listed() {
    let b = book();
    let f = b.file("deals.csv", "Deal Name,Account,Owner,Amount,Stage\nNew thing,Acme Ltd,Zoe Park,1000,Prospecting\n");
    let err = b.fails(&["import", "deals", &f]);
    assert!(err.contains("deals.csv:2:Account: value 'Acme Ltd': expected an existing account"), "{err}");
    assert!(err.contains("--create-missing"), "{err}");
    let out = b.ok(&["import", "deals", &f, "--create-missing"]);
    assert!(out.contains("created for references: account Acme Ltd, rep Zoe Park"), "{out}");
    assert_eq!(
        b.rows("SELECT d.name, a.name, r.name FROM deals d JOIN accounts a ON a.id = d.account_id JOIN reps r ON r.id = d.owner_id"),
        vec![v(&["New thing", "Acme Ltd", "Zoe Park"])]
    );
}

#[test]
fn mapping_flags_value_maps_and_saved_mappings() {
    let b = salesforce_book();
    let f = b.file(
        "sheet.csv",
        "Client;Deal;Phase;Worth;Due;Junk\nBluefin Analytics;Expansion;Haggling;1.234,50 €;31.12.2025;x\n",
    );
    let err =
        b.fails(&["import", "deals", &f, "--map", "Client=account", "--map", "Deal=title", "--map", "Phase=stage"]);
    assert!(
        err.contains("sheet.csv:2:Phase: value 'Haggling': expected a stage such as prospecting, qualified"),
        "{err}"
    );
    let err = b.fails(&["import", "deals", &f, "--map", "Client=colour"]);
    assert!(err.contains("--map: 'colour' is not a field of deals; expected ref, account"), "{err}");
    let args = [
        "import",
        "deals",
        &f,
        "--map",
        "Client=account",
        "--map",
        "Deal=title",
        "--map",
        "Phase=stage",
        "--map",
        "Worth=amount",
        "--map",
        "Due=expected_close_on",
        "--ignore",
        "Junk",
        "--map-value",
        "stage:Haggling=negotiation",
        "--decimal-comma",
        "--save-mapping",
        "home",
    ];
    let out = b.ok(&args);
    assert!(out.contains("Junk") && out.contains("-> ignored"), "{out}");
    assert_eq!(
        b.rows("SELECT name, stage, amount, expected_close, custom IS NULL FROM deals"),
        vec![v(&["Expansion", "negotiation", "123450", "2025-12-31", "1"])]
    );
    let out = b.ok(&["import", "deals", &f, "--mapping", "home"]);
    assert!(out.contains("0 created, 0 updated, 1 unchanged"), "{out}");
    let out = b.run(&["import", "deals", &f, "--mapping", "home", "--map-value", "stage:Nope=won"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the value 'Nope' never occurs"), "{out:?}");
}

#[test]
fn skip_invalid_writes_the_rejected_rows_with_a_reason() {
    let b = salesforce_book();
    let f = b.file(
        "deals.csv",
        "Opportunity Name,Account Name,Amount,Stage,Close Date\n\
         Good one,Bluefin Analytics,100,Prospecting,2025-05-01\n\
         Bad amount,Bluefin Analytics,lots,Prospecting,2025-05-01\n\
         No account,Nowhere Inc,5,Prospecting,2025-05-01\n",
    );
    let err = b.fails(&["import", "deals", &f]);
    assert!(err.contains("deals.csv:3:Amount: value 'lots': expected an amount"), "{err}");
    assert!(err.contains("deals.csv:4:Account Name: value 'Nowhere Inc': expected an existing account"), "{err}");
    assert_eq!(b.count("SELECT count(*) FROM deals"), 0);
    let dry = b.ok(&["import", "deals", &f, "--skip-invalid", "--dry-run"]);
    assert!(dry.contains("would create 1, update 0, leave 0 unchanged, reject 2; nothing was written"), "{dry}");
    assert_eq!(b.count("SELECT count(*) FROM deals"), 0);
    let out = b.ok(&["import", "deals", &f, "--skip-invalid"]);
    assert!(out.contains("1 created, 0 updated, 0 unchanged, 2 rejected"), "{out}");
    let rejected = std::fs::read_to_string(format!("{f}.rejected.csv")).unwrap();
    let mut lines = rejected.lines();
    assert_eq!(lines.next(), Some("Opportunity Name,Account Name,Amount,Stage,Close Date,reason"));
    assert!(
        lines.next().unwrap().starts_with("Bad amount,Bluefin Analytics,lots,Prospecting,2025-05-01,"),
        "{rejected}"
    );
    assert!(lines.next().unwrap().contains("expected an existing account"), "{rejected}");
    assert_eq!(b.rows("SELECT name FROM deals"), vec![v(&["Good one"])]);
}

#[test]
fn the_store_rules_hold_for_imports() {
    let b = salesforce_book();
    // Two reps managing each other: a cycle the store refuses.
    let f = b.file("team.csv", "Name,Manager\nAna Lima,Ben Okafor\nBen Okafor,Ana Lima\n");
    let before = b.sha();
    let err = b.fails(&["import", "reps", &f]);
    assert!(err.contains("team.csv:"), "{err}");
    assert!(err.to_lowercase().contains("manage") || err.contains("cycle") || err.contains("above"), "{err}");
    assert_eq!(b.sha(), before);
}

#[test]
fn bad_input_is_refused_with_the_place_and_the_database_unchanged() {
    let b = salesforce_book();
    let dir = b.dir.path().display().to_string();
    let zip = b.dir.path().join("fake.xlsx");
    let py = Command::new("python3")
        .arg("-c")
        .arg("import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w'); z.writestr('notes.txt', 'hello'); z.close()")
        .arg(&zip)
        .status()
        .expect("python3 is needed to write a ZIP file for this test");
    assert!(py.success());
    let mut big = b"Account Name\n\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 50 << 20));
    big.extend(b"\"\n");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (v(&["import", "accounts", &format!("{dir}/missing.csv")]), "missing.csv: cannot read the file"),
        (v(&["import", "accounts", &dir]), "is a folder, not a file"),
        (v(&["import", "accounts", &b.file("empty.csv", "")]), "empty.csv: the file is empty"),
        (
            v(&["import", "accounts", &b.file("header.csv", "Account Name,Industry\n")]),
            "header.csv: the file has a header row but no data rows",
        ),
        (
            v(&["import", "accounts", &b.file("garbage.csv", [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 0, 7])]),
            "garbage.csv: this is not a text file",
        ),
        (
            v(&["import", "accounts", &b.file("ragged.csv", "Account Name,Industry\nA,b\nC,d,e,f\n")]),
            "ragged.csv:3: the row has 4 fields but the header has 2",
        ),
        (v(&["import", "accounts", &zip.display().to_string()]), "fake.xlsx: cannot read this spreadsheet"),
        (v(&["import", "accounts", &b.file("big.csv", &big)]), "big.csv:2:Account Name: the cell is 51200 KB long"),
        (
            v(&["import", "accounts", &b.fixture("salesforce_accounts.csv"), "--map", "Name=colour"]),
            "'colour' is not a field of accounts",
        ),
        (
            v(&["import", "accounts", &b.fixture("salesforce_accounts.csv"), "--map", "Nope=name"]),
            "there is no column 'Nope'",
        ),
        (v(&["import", "widgets", &b.fixture("salesforce_accounts.csv")]), "invalid value 'widgets'"),
        (v(&["import", "accounts", &b.file("t.json", "{}")]), "unknown file type '.json'"),
        (
            v(&["import", "deals", &b.file("amount.csv", "Deal Name,Account,Amount\nX,Bluefin Analytics,12abc\n")]),
            "amount.csv:2:Amount: value '12abc': expected an amount such as 1,234.50",
        ),
        (
            v(&[
                "import",
                "deals",
                &b.file("dates.csv", "Deal Name,Account,Close Date\nX,Bluefin Analytics,03/04/2025\n"),
            ]),
            "dates.csv: dates such as '03/04/2025' could be day or month first",
        ),
        (
            v(&["import", "deals", &b.file("neg.csv", "Deal Name,Account,Amount\nX,Bluefin Analytics,(500)\n")]),
            "neg.csv:2:Amount: value '(500)': expected an amount of zero or more",
        ),
    ];
    for (args, expected) in cases {
        let before = b.sha();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = b.fails(&args);
        assert!(err.contains(expected), "{args:?}: expected {expected:?} in {err}");
        if !args.contains(&"widgets") {
            assert!(err.starts_with("error: ") || err.contains("\nerror: "), "{err}");
        }
        assert_eq!(b.sha(), before, "{args:?} changed the database");
    }
    assert!(!Path::new(&format!("{dir}/book.db")).with_extension("db.rejected.csv").exists());
}

#[test]
fn a_bad_file_never_creates_a_database() {
    let b = book();
    let f = b.file("empty.csv", "");
    b.fails(&["import", "accounts", &f]);
    assert!(!b.db.exists());
}

#[test]
fn a_dry_run_without_a_database_creates_none() {
    let b = book();
    let f = b.file("reps.csv", "Name,Manager\nAna Lima,Maria Stein\n");
    let out = b.ok(&["import", "reps", &f, "--dry-run"]);
    assert!(
        out.contains("dry run of") && out.contains("would create 1, update 0, leave 0 unchanged, reject 0"),
        "{out}"
    );
    assert!(out.contains("created for references: rep Maria Stein"), "{out}");
    assert!(!b.db.exists());
}

#[test]
fn help_lists_the_fields_with_their_synonyms() {
    let b = book();
    let out = b.ok(&["import", "deals", "--help"]);
    assert!(out.contains("expected_close_on"), "{out}");
    assert!(out.contains("opportunity name"), "{out}");
    assert!(out.contains("one of: prospecting, qualified, proposal, negotiation, won, lost"), "{out}");
    assert!(out.contains("--skip-invalid"), "{out}");
    assert!(!b.db.exists());
}

#[test]
fn xlsx_written_by_openpyxl_with_dates_numbers_and_a_chosen_sheet() {
    let b = salesforce_book();
    let path = b.dir.path().join("pipeline.xlsx");
    let script = r#"
import sys, datetime
from openpyxl import Workbook
wb = Workbook()
ws = wb.active
ws.title = "Notes"
ws.append(["nothing to see"])
ws = wb.create_sheet("Opportunities")
ws.append(["Opportunity Name", "Account Name", "Stage", "Amount", "Close Date", "Created Date", "Probability (%)"])
ws.append(["Sheet deal", "Bluefin Analytics", "Closed Won", 12345.5, datetime.date(2025, 7, 14), datetime.datetime(2025, 5, 2, 9, 30), 1])
ws.append(["Open sheet deal", "Nordwind Holding AG", "Qualification", 7000, datetime.date(2025, 12, 1), datetime.date(2025, 6, 1), 0.2])
wb.save(sys.argv[1])
"#;
    let out =
        Command::new("python3").arg("-c").arg(script).arg(&path).output().expect("python3 is needed for this test");
    assert!(
        out.status.success(),
        "python3 with openpyxl is needed (pip install openpyxl): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = path.display().to_string();
    let err = b.fails(&["import", "deals", &path]);
    assert!(
        err.contains("pipeline.xlsx: the file has a header row but no data rows") || err.contains("Notes"),
        "{err}"
    );
    let err = b.fails(&["import", "deals", &path, "--sheet", "Missing"]);
    assert!(err.contains("no sheet named 'Missing'; the sheets are Notes, Opportunities"), "{err}");
    let out = b.ok(&["import", "deals", &path, "--sheet", "opportunities", "--fraction"]);
    assert!(out.contains("2 created"), "{out}");
    assert_eq!(
        b.rows("SELECT name, stage, amount, expected_close, coalesce(closed_on, '-'), opened_on, probability FROM deals ORDER BY name"),
        vec![
            v(&["Open sheet deal", "qualified", "700000", "2025-12-01", "-", "2025-06-01", "20"]),
            v(&["Sheet deal", "won", "1234550", "2025-07-14", "2025-07-14", "2025-05-02", "100"]),
        ]
    );
}

/// A small deterministic generator, so the test needs no crate for it.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn newcomer_moves_in_from_a_crm_export_and_sees_correct_quarterly_results() {
    let b = book();
    // The sales team list: the two managers appear only as managers.
    let team = b.file(
        "team.csv",
        "Full Name,Email,Reports To,Territory\n\
         Ana Lima,ana@example.com,Maria Stein,North\n\
         Ben Okafor,ben@example.com,Maria Stein,South\n\
         Chen Wu,chen@example.com,Paul Grant,East\n\
         Dara Singh,dara@example.com,Paul Grant,West\n",
    );
    let reps = ["Ana Lima", "Ben Okafor", "Chen Wu", "Dara Singh"];
    // Accounts as a Salesforce report, a subsidiary listed before its parent.
    let mut accounts = String::from(
        "\u{feff}\"Account Name\",\"Account Owner\",\"Industry\",\"Type\",\"Annual Revenue\",\"Parent Account\"\r\n",
    );
    let names: Vec<String> = (0..40).map(|i| format!("Client {i:02} Ltd")).collect();
    for (i, n) in names.iter().enumerate() {
        let parent = if i == 0 { "Client 39 Ltd" } else { "" };
        accounts.push_str(&format!(
            "\"{n}\",\"{}\",\"Retail\",\"Customer\",\"{}\",\"{parent}\"\r\n",
            reps[i % 4],
            (i + 1) * 1000
        ));
    }
    accounts.push_str("\r\n\"Grand Totals (40 records)\",\"\",\"\",\"\",\"820,000\",\"\"\r\n\"Confidential Information - Do Not Distribute\"\r\n");
    let accounts = b.file("accounts.csv", accounts);
    // Thousands of opportunities, some of them dirty: amounts in every format,
    // names in other case and spacing, stage labels, month-first dates.
    let mut rng = Lcg(7);
    let mut opps = String::from(
        "Opportunity Name,Account Name,Opportunity Owner,Stage,Amount,Close Date,Created Date,Description\r\n",
    );
    let mut won = [0i64; 4];
    let mut won_n = [0i64; 4];
    for i in 0..3000 {
        let acct = &names[rng.next(40) as usize];
        let acct = match i % 50 {
            7 => acct.to_uppercase(),
            13 => acct.replace(' ', "  "),
            _ => acct.clone(),
        };
        let owner = reps[rng.next(4) as usize];
        let owner = if i % 97 == 0 { owner.to_lowercase() } else { owner.to_string() };
        let cents = (rng.next(5000) as i64 + 1) * 1000 + if i % 3 == 0 { 50 } else { 0 };
        let amount = match i % 5 {
            0 => format!("\"${},{:03}.{:02}\"", cents / 100_000, (cents / 100) % 1000, cents % 100),
            1 => format!("{}.{:02}", cents / 100, cents % 100),
            2 => format!("\" {}.{:02} \"", cents / 100, cents % 100),
            3 => format!("USD {}.{:02}", cents / 100, cents % 100),
            _ => format!("\"{},{:03}.{:02}\"", cents / 100_000, (cents / 100) % 1000, cents % 100),
        };
        let month = rng.next(12) as u32 + 1;
        let day = rng.next(28) as u32 + 1;
        let stage =
            ["Closed Won", "closed won", "ClosedWon", "Closed Lost", "Prospecting", "Proposal/Quote", "Needs Analysis"]
                [rng.next(7) as usize];
        if stage.to_lowercase().replace(' ', "") == "closedwon" {
            won[((month - 1) / 3) as usize] += cents;
            won_n[((month - 1) / 3) as usize] += 1;
        }
        let desc = if i % 250 == 0 { "\"Long story:\r\nsee the call notes\"" } else { "" };
        opps.push_str(&format!(
            "Deal {i},{acct},{owner},{stage},{amount},{month}/{day}/2025,1/{}/2025,{desc}\r\n",
            rng.next(28) + 1
        ));
    }
    let opps = b.file("opportunities.csv", opps);
    let out = b.ok(&["import", "reps", &team]);
    assert!(
        out.contains("4 created") && out.contains("created for references: rep Maria Stein, rep Paul Grant"),
        "{out}"
    );
    let out = b.ok(&["import", "accounts", &accounts]);
    assert!(out.contains("40 created, 0 updated, 0 unchanged"), "{out}");
    let out = b.ok(&["import", "deals", &opps]);
    assert!(out.contains("3000 created, 0 updated, 0 unchanged"), "{out}");
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE parent_id IS NOT NULL"), 1);
    assert_eq!(b.count("SELECT count(DISTINCT account_id) FROM deals"), 40);
    let json: Value =
        serde_json::from_str(&b.ok(&["report", "quarterly", "--period", "2025", "--scope", "all", "--format", "json"]))
            .unwrap();
    let rows = json["quarterly"].as_array().unwrap();
    for q in 0..4 {
        let row = &rows[q];
        assert_eq!(row["period"], format!("2025Q{}", q + 1));
        assert_eq!((row["won"].as_f64().unwrap() * 100.0).round() as i64, won[q], "{row}");
        assert_eq!(row["deals"].as_i64().unwrap(), won_n[q], "{row}");
    }
    // A second import of the same export changes nothing; one undo takes the deals back.
    let out = b.ok(&["import", "deals", &opps]);
    assert!(out.contains("0 created, 0 updated, 3000 unchanged"), "{out}");
    b.ok(&["undo"]);
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 0);
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE deleted_at IS NULL"), 40);
}

#[test]
fn a_forced_preset_and_a_date_format_are_used() {
    let b = salesforce_book();
    let f = b.file("odd.csv", "Name,Account,Close,Stage\nOdd dates,Bluefin Analytics,2025/03/04,Prospecting\n");
    let err = b.fails(&["import", "deals", &f, "--map", "Close=expected_close_on"]);
    assert!(err.contains("odd.csv:2:Close: value '2025/03/04': expected a date"), "{err}");
    let out = b.ok(&[
        "import",
        "deals",
        &f,
        "--from",
        "salesforce",
        "--map",
        "Close=expected_close_on",
        "--date-format",
        "%Y/%m/%d",
    ]);
    assert!(out.contains("mapping (salesforce preset)"), "{out}");
    assert_eq!(b.rows("SELECT name, expected_close FROM deals"), vec![v(&["Odd dates", "2025-03-04"])]);
}

#[test]
fn invalid_values_never_create_a_database_and_only_the_first_twenty_are_listed() {
    let b = book();
    let mut text = String::from("Opportunity Name,Account Name,Amount\n");
    for i in 0..25 {
        text.push_str(&format!("D{i},Acme,lots{i}\n"));
    }
    let f = b.file("many.csv", text);
    let err = b.fails(&["import", "deals", &f]);
    assert!(err.contains("many.csv:2:Amount: value 'lots0': expected an amount"), "{err}");
    assert!(err.contains("many.csv:21:Amount: value 'lots19'"), "{err}");
    assert!(!err.contains("lots20'"), "{err}");
    assert!(err.contains("… and 5 more errors"), "{err}");
    assert!(err.contains("error: ") && err.contains("many.csv: 25 values are invalid; nothing was imported"), "{err}");
    assert!(!b.db.exists());
}

/// A deals file of `n` rows over the Salesforce book's accounts, with a
/// source id and a custom column on each row.
fn many_deals(b: &Book, n: usize) -> String {
    let accounts = ["Nordwind Logistik GmbH", "Bluefin Analytics"];
    let mut text = String::from("Id,Name,Account Name,Amount,Stage,Close Date,Lead Source\n");
    for i in 0..n {
        text.push_str(&format!(
            "006B{i:08},Bulk deal {i},{},{}.50,Prospecting,2025-06-{:02},Web {}\n",
            accounts[i % 2],
            100 + i,
            i % 28 + 1,
            i % 3
        ));
    }
    b.file("many.csv", text)
}

/// A file large enough to be written while it is still being read, a
/// chunk at a time: a value error (found while reading) and a reference
/// error (found while writing) in different chunks.
#[test]
fn a_file_written_while_it_is_read_keeps_all_or_nothing_file_order_and_skipping() {
    let b = salesforce_book();
    let file = many_deals(&b, 12_000);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 11,000: an amount that is no amount; line 4: an account nobody has.
    lines[10_999] = lines[10_999].replace(".50,", "x,");
    lines[3] = lines[3].replace("Nordwind Logistik GmbH", "Nobody Ltd");
    let bad = b.file("chunks.csv", lines.join("\n"));
    let before = b.sha();
    let err = b.fails(&["import", "deals", &bad]);
    let places: Vec<&str> = err
        .lines()
        .filter_map(|l| l.split_once("chunks.csv:").map(|(_, r)| r))
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(places.len(), 2, "{err}");
    assert!(places[0].starts_with("4:Account Name: value 'Nobody Ltd'"), "{err}");
    assert!(places[1].starts_with("11000:Amount: value '11098x'"), "{err}");
    assert_eq!(b.sha(), before);

    let dry = b.ok(&["import", "deals", &bad, "--skip-invalid", "--dry-run"]);
    assert!(dry.contains("would create 11998, update 0, leave 0 unchanged, reject 2"), "{dry}");
    assert_eq!(b.sha(), before);

    let out = b.ok(&["import", "deals", &bad, "--skip-invalid"]);
    assert!(out.contains("11998 created, 0 updated, 0 unchanged, 2 rejected"), "{out}");
    let rejected = std::fs::read_to_string(format!("{bad}.rejected.csv")).unwrap();
    let rows: Vec<&str> = rejected.lines().collect();
    assert_eq!(rows.len(), 3, "{rejected}");
    assert!(rows[1].starts_with("006B00000002,Bulk deal 2,Nobody Ltd,"), "{rejected}");
    assert!(rows[2].starts_with("006B00010998,Bulk deal 10998,"), "{rejected}");
    assert_eq!(b.count("SELECT count(*) FROM deals"), 11_998);
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE external_ref IN ('006B00000002', '006B00010998')"), 0);
    // Each created deal has a uid of its own.
    assert_eq!(b.count("SELECT count(DISTINCT uid) FROM deals"), 11_998);
    let again = b.ok(&["import", "deals", &bad, "--skip-invalid"]);
    assert!(again.contains("0 created, 0 updated, 11998 unchanged, 2 rejected"), "{again}");
}

#[test]
fn a_big_import_is_one_change_log_entry_that_undo_and_redo_take_whole() {
    let b = salesforce_book();
    let n = 20_000;
    let file = many_deals(&b, n);
    let logged = b.count("SELECT count(*) FROM change_log");
    let out = b.ok(&["import", "deals", &file]);
    assert!(out.contains("20000 created, 0 updated, 0 unchanged"), "{out}");
    // One entry for the import: the created ids as runs, no snapshot per row.
    assert_eq!(b.count("SELECT count(*) FROM change_log"), logged + 1);
    let (first, last) = (b.count("SELECT min(id) FROM deals"), b.count("SELECT max(id) FROM deals"));
    assert_eq!(last - first + 1, n as i64);
    assert_eq!(
        b.rows(
            "SELECT entity, entity_id, op, coalesce(before, 'NULL'), after FROM change_log ORDER BY id DESC LIMIT 1"
        ),
        vec![v(&[
            "deal",
            &first.to_string(),
            "insert",
            "NULL",
            &format!(r#"{{"bulk":{{"runs":[[{first},{last}]],"count":{n}}}}}"#)
        ])]
    );
    // Source id and custom fields went in with the rows.
    assert_eq!(
        b.rows("SELECT external_ref, custom FROM deals WHERE name = 'Bulk deal 4'"),
        vec![v(&["006B00000004", r#"{"Lead Source":"Web 1"}"#])]
    );
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE custom IS NULL OR external_ref IS NULL"), 0);

    let out = b.ok(&["undo"]);
    assert!(out.contains("undid: add deal Bulk deal 0 (+19999 more changes)"), "{out}");
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 0);
    assert_eq!(b.count("SELECT count(*) FROM deals"), n as i64, "tombstones, as any undone insert");
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE deleted_at IS NULL"), 3, "only the import is taken back");
    // The undo is one entry too, pointing at the import it reverts.
    assert_eq!(
        b.rows("SELECT entity, op, after, reverts IS NOT NULL FROM change_log ORDER BY id DESC LIMIT 1"),
        vec![v(&["deal", "delete", &format!(r#"{{"bulk":{{"runs":[[{first},{last}]],"count":{n}}}}}"#), "1"])]
    );
    assert!(b.ok(&["db", "check"]).contains("ok"));

    let out = b.ok(&["redo"]);
    assert!(out.contains("redid: add deal Bulk deal 0 (+19999 more changes)"), "{out}");
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), n as i64);
    assert_eq!(b.count("SELECT sum(amount) FROM deals"), (0..n as i64).map(|i| (100 + i) * 100 + 50).sum::<i64>());
    assert_eq!(
        b.rows("SELECT external_ref, custom FROM deals WHERE name = 'Bulk deal 4'"),
        vec![v(&["006B00000004", r#"{"Lead Source":"Web 1"}"#])]
    );
    // Importing the same file again after the redo changes nothing.
    let out = b.ok(&["import", "deals", &file]);
    assert!(out.contains("0 created, 0 updated, 20000 unchanged"), "{out}");
    b.ok(&["undo"]);
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 0);
}

#[test]
fn history_expands_an_import_entry_into_its_rows() {
    let b = salesforce_book();
    let file = many_deals(&b, 500);
    b.ok(&["import", "deals", &file]);
    let (store, _) = rapport::store::Store::open(&b.db, rapport::store::OpenMode::Create).unwrap();
    let newest = store.recent_changes(1).unwrap().remove(0);
    assert_eq!((newest.entity.as_str(), newest.op.as_str()), ("deal", "insert"));
    let rows = store.change_rows(newest.id).unwrap().unwrap();
    assert_eq!(rows, newest.rows().unwrap());
    let ids: Vec<i64> = b.rows("SELECT id FROM deals ORDER BY id").iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(rows, ids.iter().map(|&id| (rapport::store::Entity::Deal, id)).collect::<Vec<_>>());
    // The accounts import before it is one entry of its three accounts.
    let accounts = store.recent_changes(100).unwrap().into_iter().find(|c| c.entity == "account").unwrap();
    let account_ids: Vec<i64> =
        b.rows("SELECT id FROM accounts ORDER BY id").iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(account_ids.len(), 3);
    assert_eq!(
        store.change_rows(accounts.id).unwrap().unwrap(),
        account_ids.iter().map(|&id| (rapport::store::Entity::Account, id)).collect::<Vec<_>>()
    );
    // An ordinary change stands for its one row.
    let mut deal: rapport::store::Deal = store.require(ids[3]).unwrap();
    deal.amount = rapport::domain::Money(1);
    store.update(&mut deal).unwrap();
    let edit = store.recent_changes(1).unwrap().remove(0);
    assert_eq!(edit.op, "update");
    assert_eq!(store.change_rows(edit.id).unwrap().unwrap(), vec![(rapport::store::Entity::Deal, ids[3])]);
    assert_eq!(store.change_rows(i64::MAX).unwrap(), None);
}

#[test]
fn an_import_that_creates_and_updates_the_same_rows_undoes_and_redoes_in_order() {
    let b = salesforce_book();
    // Row 3 updates the deal row 1 created; --create-missing makes an
    // account for row 2 (and logs it in bulk too) that the deal points at.
    let f = b.file(
        "mixed.csv",
        "Id,Name,Account Name,Amount,Stage,Close Date\n\
         X1,First,Bluefin Analytics,100,Prospecting,2025-06-01\n\
         X2,Second,Brand New Ltd,200,Prospecting,2025-06-01\n\
         X1,First,Bluefin Analytics,150,Prospecting,2025-06-01\n",
    );
    let out = b.ok(&["import", "deals", &f, "--create-missing"]);
    assert!(out.contains("2 created, 1 updated, 0 unchanged"), "{out}");
    assert_eq!(
        b.rows("SELECT name, amount FROM deals ORDER BY name"),
        vec![v(&["First", "15000"]), v(&["Second", "20000"])]
    );
    b.ok(&["undo"]);
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 0);
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE name = 'Brand New Ltd' AND deleted_at IS NULL"), 0);
    b.ok(&["redo"]);
    assert_eq!(
        b.rows("SELECT name, amount FROM deals WHERE deleted_at IS NULL ORDER BY name"),
        vec![v(&["First", "15000"]), v(&["Second", "20000"])]
    );
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE name = 'Brand New Ltd' AND deleted_at IS NULL"), 1);
    assert!(b.ok(&["db", "check"]).contains("ok"));
}

#[test]
fn a_reimport_that_names_a_row_twice_builds_the_second_change_on_the_first() {
    let b = salesforce_book();
    let first = b.file(
        "first.csv",
        "Id,Name,Account Name,Amount,Stage,Close Date,Region\n\
         X1,First,Bluefin Analytics,100,Prospecting,2025-06-01,North\n\
         X2,Second,Bluefin Analytics,200,Prospecting,2025-06-01,South\n",
    );
    b.ok(&["import", "deals", &first]);
    // The existing deals are read at once for the re-import; the second row
    // for X1 (amount left blank: unknown) must start from what the first
    // row wrote, not from the deal as it was before the import.
    let again = b.file(
        "again.csv",
        "Id,Name,Account Name,Amount,Stage,Close Date,Region\n\
         X1,First,Bluefin Analytics,150,Prospecting,2025-06-01,East\n\
         X2,Second,Bluefin Analytics,200,Prospecting,2025-06-01,South\n\
         X1,First,Bluefin Analytics,,Negotiation/Review,2025-06-01,\n",
    );
    let out = b.ok(&["import", "deals", &again]);
    assert!(out.contains("0 created, 2 updated, 1 unchanged"), "{out}");
    assert_eq!(
        b.rows("SELECT name, amount, stage, custom FROM deals ORDER BY name"),
        vec![
            v(&["First", "15000", "negotiation", r#"{"Region":"East"}"#]),
            v(&["Second", "20000", "prospecting", r#"{"Region":"South"}"#])
        ]
    );
    b.ok(&["undo"]);
    assert_eq!(
        b.rows("SELECT name, amount, stage, custom FROM deals ORDER BY name"),
        vec![
            v(&["First", "10000", "prospecting", r#"{"Region":"North"}"#]),
            v(&["Second", "20000", "prospecting", r#"{"Region":"South"}"#])
        ]
    );
    assert!(b.ok(&["db", "check"]).contains("ok"));
}

#[test]
fn an_imported_row_changed_afterwards_stops_the_undo_and_changes_nothing() {
    let b = salesforce_book();
    let file = many_deals(&b, 50);
    b.ok(&["import", "deals", &file]);
    // Another process (the cockpit, say) edits one imported deal: that edit
    // stands, so the import cannot be taken back under it.
    let (store, _) = rapport::store::Store::open(&b.db, rapport::store::OpenMode::Create).unwrap();
    let id = b.count("SELECT id FROM deals WHERE name = 'Bulk deal 7'");
    let mut deal: rapport::store::Deal = store.require(id).unwrap();
    deal.amount = rapport::domain::Money(1);
    store.update(&mut deal).unwrap();
    drop(store);
    let before = b.sha();
    let err = b.fails(&["undo"]);
    assert!(err.contains("1 of the 50 deals this step added were changed after it"), "{err}");
    assert_eq!(b.sha(), before);
    assert_eq!(b.count("SELECT count(*) FROM deals WHERE deleted_at IS NULL"), 50);
}

#[test]
fn a_large_file_read_in_halves_lists_its_errors_in_file_order() {
    let b = salesforce_book();
    let file = many_deals(&b, 20_000);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Lines 3 and 15,002 of the file: one in each half.
    for n in [2, 15_001] {
        lines[n] = lines[n].replace(",Prospecting,", ",Someday,").replace(".50,", "x,");
    }
    let bad = b.file("bad.csv", lines.join("\n"));
    let before = b.sha();
    let err = b.fails(&["import", "deals", &bad]);
    let places: Vec<&str> = err
        .lines()
        .filter_map(|l| l.split_once("bad.csv:").map(|(_, r)| r))
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(places.len(), 4, "{err}");
    assert!(places[0].starts_with("3:Amount:") && places[1].starts_with("3:Stage:"), "{err}");
    assert!(places[2].starts_with("15002:Amount:") && places[3].starts_with("15002:Stage:"), "{err}");
    assert_eq!(b.sha(), before);
}
