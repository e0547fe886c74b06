//! `rapport export` run as the built binary: round trips for every kind
//! through CSV and XLSX (export, import into an empty database, export
//! again: the same bytes, the same cells), the formula guard, what we
//! write read back by Python's `csv` and `openpyxl`, undo of an import that
//! updated custom fields, and refusals that change nothing.

mod common;

use calamine::{Data, Reader};
use common::book::{book, Book};
use std::process::Command;

/// In the order an empty database takes them: what a row names comes first.
const KINDS: [&str; 7] = ["reps", "accounts", "contacts", "deals", "activities", "conflicts", "targets"];

/// Accounts and contacts whose text a spreadsheet would run, with custom fields.
const TRICKY_ACCOUNTS: &str = "Account Name,Industry,Region,Segment code,Annual Revenue\n\
    \"=HYPERLINK(\"\"http://evil.example\"\")\",Retail,EMEA,+44,1200\n\
    'Quoted Co,Retail,\"two\nlines\",@home,0\n\
    -Minus Ltd,,APAC,-,5.5\n\
    ''Twice quoted,Energy,,'=already,7\n";

const TRICKY_CONTACTS: &str = "Account,Name,Email,Birthday,@handle\n\
    \"=HYPERLINK(\"\"http://evil.example\"\")\",Ann Lee,ann@evil.example,1980-02-03,\n\
    -Minus Ltd,Bo Chan,bo@minus.example,,@bo\n";

/// The demo book with the tricky records added.
fn source() -> Book {
    let b = book();
    b.ok(&["demo", "--accounts", "25", "--no-open"]);
    let accounts = b.file("tricky_accounts.csv", TRICKY_ACCOUNTS);
    b.ok(&["import", "accounts", &accounts]);
    let contacts = b.file("tricky_contacts.csv", TRICKY_CONTACTS);
    b.ok(&["import", "contacts", &contacts]);
    // A contact deleted since calls were logged with them: the calls stay,
    // and export without naming a contact that would not import.
    let gone = b.rows(
        "SELECT contact_id FROM activities WHERE contact_id IS NOT NULL AND deleted_at IS NULL ORDER BY id LIMIT 1",
    );
    b.ok(&["delete", "contact", &gone[0][0], "--yes"]);
    b
}

fn export_all(b: &Book, format: &str, dir: &str) -> Vec<std::path::PathBuf> {
    std::fs::create_dir_all(b.path(dir)).unwrap();
    KINDS
        .iter()
        .map(|k| {
            let path = b.path(&format!("{dir}/{k}.{format}"));
            let out = b.ok(&["export", k, "--format", format, "-o", &path.display().to_string()]);
            assert!(out.starts_with("wrote "), "{out}");
            path
        })
        .collect()
}

fn import_all(into: &Book, files: &[std::path::PathBuf]) {
    for (k, f) in KINDS.iter().zip(files) {
        let out = into.ok(&["import", k, &f.display().to_string()]);
        assert!(out.contains("0 updated, 0 unchanged"), "{k}: {out}");
    }
}

fn cells(path: &std::path::Path) -> Vec<Vec<Data>> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let name = book.sheet_names()[0].clone();
    book.worksheet_range(&name).unwrap().rows().map(|r| r.to_vec()).collect()
}

#[test]
fn every_kind_round_trips_through_csv_byte_for_byte() {
    let a = source();
    let first = export_all(&a, "csv", "first");
    let b = book();
    import_all(&b, &first);
    let second = export_all(&b, "csv", "second");
    for (k, (x, y)) in KINDS.iter().zip(first.iter().zip(&second)) {
        let (x, y) = (std::fs::read_to_string(x).unwrap(), std::fs::read_to_string(y).unwrap());
        assert!(x.lines().count() > 2, "{k}: {x}");
        assert_eq!(x, y, "{k} changed on the round trip");
    }
    // The custom fields came along, each in its own column after the standard ones.
    let accounts = std::fs::read_to_string(&second[1]).unwrap();
    assert!(
        accounts.starts_with(
            "ref,name,sector,tier,status,owner,parent,location,website,annual_value,renewal_on,notes,Region,Segment code\n"
        ),
        "{accounts}"
    );
    assert_eq!(
        b.rows("SELECT custom FROM contacts WHERE name = 'Ann Lee'"),
        vec![vec![r#"{"Birthday":"1980-02-03"}"#.to_string()]]
    );
    // A custom field's name that a spreadsheet would run is guarded in the header too.
    let contacts = std::fs::read_to_string(&second[2]).unwrap();
    assert!(contacts.lines().next().unwrap().ends_with(",'@handle,Birthday"), "{contacts}");
    assert_eq!(
        b.rows("SELECT custom FROM contacts WHERE name = 'Bo Chan'"),
        vec![vec![r#"{"@handle":"@bo"}"#.to_string()]]
    );
    // And the same through stdout, which is what `> file.csv` gets.
    assert_eq!(b.ok(&["export", "deals"]), std::fs::read_to_string(&second[3]).unwrap());
}

#[test]
fn every_kind_round_trips_through_xlsx_cell_for_cell() {
    let a = source();
    let first = export_all(&a, "xlsx", "first");
    let b = book();
    import_all(&b, &first);
    let second = export_all(&b, "xlsx", "second");
    for (k, (x, y)) in KINDS.iter().zip(first.iter().zip(&second)) {
        let (x, y) = (cells(x), cells(y));
        assert!(x.len() > 2, "{k}");
        assert_eq!(x, y, "{k} changed on the round trip");
    }
    // Typed cells: money a number, a date a date, text guarded.
    let deals = cells(&second[3]);
    let col = |name: &str| deals[0].iter().position(|c| *c == Data::String(name.into())).unwrap();
    assert!(deals[1..].iter().all(|r| matches!(r[col("amount")], Data::Float(_))));
    assert!(deals[1..].iter().any(|r| matches!(r[col("expected_close_on")], Data::DateTime(_))));
    let accounts = cells(&second[1]);
    assert!(accounts.iter().any(|r| r[1] == Data::String("'=HYPERLINK(\"http://evil.example\")".into())));
}

#[test]
fn the_formula_guard_neutralises_text_and_round_trips_a_leading_quote() {
    let a = source();
    let csv = a.ok(&["export", "accounts", "--where", "sector=Retail", "--sort", "name"]);
    let csv = csv + &a.ok(&["export", "accounts", "--where", "annual_value<10"]);
    for guarded in [
        "\"'=HYPERLINK(\"\"http://evil.example\"\")\"",
        ",''Quoted Co,",
        ",'-Minus Ltd,",
        ",'+44",
        ",'@home",
        ",'-\n",
        // A value that begins with a quote gets one more; one is taken off on
        // import, so a file's `''x` is read as `'x` (and `'=x` as `=x`).
        ",''Twice quoted,",
        ",'=already",
    ] {
        assert!(csv.contains(guarded), "{guarded} not in {csv}");
    }
    // Numbers stay numbers.
    assert!(csv.contains(",1200.00,"), "{csv}");
    assert!(csv.contains(",5.50,"), "{csv}");
    // What was stored is what the file said, less the guard.
    assert_eq!(
        a.rows("SELECT name FROM accounts WHERE name LIKE '%quoted%' OR name LIKE '%Minus%' ORDER BY name"),
        vec![vec!["'Quoted Co".to_string()], vec!["'Twice quoted".to_string()], vec!["-Minus Ltd".to_string()]]
    );
    let b = book();
    b.ok(&["import", "accounts", &b.file("again.csv", &csv[..csv.find("\nref,").map_or(csv.len(), |i| i + 1)])]);
    assert_eq!(
        b.rows("SELECT name, json_extract(custom, '$.\"Segment code\"') FROM accounts ORDER BY name"),
        vec![
            vec!["'Quoted Co".to_string(), "@home".to_string()],
            vec!["=HYPERLINK(\"http://evil.example\")".to_string(), "+44".to_string()],
        ]
    );
}

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 is needed for this test (apt-get install python3)");
    assert!(
        out.status.success(),
        "python3 failed (openpyxl is installed by .ci/run: pip install openpyxl): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn what_we_write_is_what_python_csv_and_openpyxl_read() {
    let a = source();
    let csv_path = a.path("accounts.csv").display().to_string();
    let xlsx_path = a.path("accounts.xlsx").display().to_string();
    a.ok(&["export", "accounts", "-o", &csv_path]);
    a.ok(&["export", "accounts", "--format", "xlsx", "-o", &xlsx_path]);
    let script = r#"
import csv, sys, datetime, json
from openpyxl import load_workbook
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.DictReader(f))
wb = load_workbook(sys.argv[2])
ws = wb.active
header = [c.value for c in ws[1]]
col = {name: i for i, name in enumerate(header)}
data = list(ws.iter_rows(min_row=2))
tricky = [r for r in data if r[col['name']].value == "'=HYPERLINK(\"http://evil.example\")"][0]
renewing = [r for r in data if r[col['renewal_on']].value is not None][0]
print(json.dumps({
    "csv_rows": len(rows),
    "csv_header": list(rows[0].keys()),
    "csv_tricky_region": [r['Region'] for r in rows if r['name'].startswith("'=HYPERLINK")][0],
    "csv_two_lines": [r['Region'] for r in rows if r['name'] == "''Quoted Co"][0],
    "xlsx_rows": len(data),
    "xlsx_sheet": ws.title,
    "bold_header": all(c.font.bold for c in ws[1]),
    "freeze": ws.freeze_panes,
    "autofilter": ws.auto_filter.ref,
    "value_type": type(tricky[col['annual_value']].value).__name__,
    "value": tricky[col['annual_value']].value,
    "value_format": tricky[col['annual_value']].number_format,
    "renewal_type": type(renewing[col['renewal_on']].value).__name__,
    "segment": tricky[col['Segment code']].value,
    "name_width": ws.column_dimensions['B'].width,
}))
"#;
    let out: serde_json::Value = serde_json::from_str(&python(script, &[&csv_path, &xlsx_path])).unwrap();
    let n = a.rows("SELECT count(*) FROM accounts WHERE deleted_at IS NULL")[0][0].parse::<u64>().unwrap();
    assert_eq!(out["csv_rows"], n);
    assert_eq!(out["xlsx_rows"], n);
    assert_eq!(out["csv_header"][0], "ref");
    assert_eq!(out["csv_header"][13], "Segment code");
    assert_eq!(out["csv_tricky_region"], "EMEA");
    assert_eq!(out["csv_two_lines"], "two\nlines");
    assert_eq!(out["xlsx_sheet"], "accounts");
    assert_eq!(out["bold_header"], true);
    assert_eq!(out["freeze"], "A2");
    assert!(out["autofilter"].as_str().unwrap().starts_with("A1:N"), "{out}");
    // A whole amount is written as the number it is; openpyxl reads it as an int.
    assert!(["int", "float"].contains(&out["value_type"].as_str().unwrap()), "{out}");
    assert_eq!(out["value"], 1200.0);
    assert!(out["value_format"].as_str().unwrap().contains("#,##0.00"), "{out}");
    assert_eq!(out["renewal_type"], "datetime");
    assert_eq!(out["segment"], "'+44");
    assert!(out["name_width"].as_f64().unwrap() > 10.0, "{out}");
}

#[test]
fn undo_of_an_import_that_updated_custom_fields_puts_them_back() {
    let b = book();
    let first = b.file("a.csv", "Id,Account Name,Region,Tier\nA-1,Acme,EMEA,key\nA-2,Beta,APAC,key\n");
    let out = b.ok(&["import", "accounts", &first]);
    assert!(out.contains("2 created"), "{out}");
    let custom = |b: &Book| b.rows("SELECT name, external_ref, custom, tier FROM accounts ORDER BY name");
    let before = custom(&b);
    assert_eq!(before[0], vec!["Acme", "A-1", r#"{"Region":"EMEA"}"#, "key"]);
    // Acme's custom value changes, Beta's tier does, and Beta gains a field.
    let second =
        b.file("b.csv", "Id,Account Name,Region,Tier,Channel\nA-1,Acme,LATAM,key,\nA-2,Beta,APAC,standard,SMB\n");
    let out = b.ok(&["import", "accounts", &second]);
    assert!(out.contains("0 created, 2 updated, 0 unchanged"), "{out}");
    assert_eq!(custom(&b)[0][2], r#"{"Region":"LATAM"}"#);
    assert_eq!(custom(&b)[1][2], r#"{"Channel":"SMB","Region":"APAC"}"#);
    let out = b.ok(&["undo"]);
    assert!(out.contains("undid"), "{out}");
    assert_eq!(custom(&b), before, "undo restores the custom fields as well as the record");
    b.ok(&["redo"]);
    assert_eq!(custom(&b)[0][2], r#"{"Region":"LATAM"}"#);
    assert_eq!(custom(&b)[1][3], "standard");
    b.ok(&["undo"]);
    b.ok(&["undo"]);
    assert!(b.rows("SELECT name FROM accounts WHERE deleted_at IS NULL").is_empty());
}

#[test]
fn a_deal_matched_by_name_that_gains_a_source_id_is_undone_whole() {
    let b = book();
    b.ok(&["import", "accounts", &b.file("a.csv", "Account Name\nAcme\n")]);
    b.ok(&["import", "deals", &b.file("d.csv", "Deal Name,Account,Amount\nBig,Acme,100\n")]);
    let out =
        b.ok(&["import", "deals", &b.file("e.csv", "Id,Deal Name,Account,Amount,Colour\nD-9,Big,Acme,100,red\n")]);
    assert!(out.contains("1 updated"), "{out}");
    assert_eq!(b.rows("SELECT external_ref, custom FROM deals"), vec![vec!["D-9", r#"{"Colour":"red"}"#]]);
    b.ok(&["undo"]);
    assert_eq!(b.rows("SELECT external_ref, custom FROM deals"), vec![vec!["NULL", "NULL"]]);
}

#[test]
fn xlsx_without_a_file_name_goes_to_a_dated_file_here_and_says_so() {
    let a = source();
    let out = a.ok(&["export", "deals", "--format", "xlsx", "--where", "stage=won"]);
    assert!(out.contains("to deals-2026-11-26.xlsx (xlsx)"), "{out}");
    let rows = cells(&a.path("deals-2026-11-26.xlsx"));
    let won =
        a.rows("SELECT count(*) FROM deals WHERE stage = 'won' AND deleted_at IS NULL")[0][0].parse::<usize>().unwrap();
    assert_eq!(rows.len(), won + 1);
    let json: serde_json::Value =
        serde_json::from_str(&a.ok(&["export", "deals", "--format", "json", "--limit", "1"])).unwrap();
    assert!(json["deals"][0]["amount"].is_number(), "money is a number in major units: {json}");
    assert_eq!(json["currency"], "USD", "the currency once, at the top: {json}");
}

#[test]
fn bad_requests_are_refused_and_change_nothing() {
    let a = source();
    let existing = a.file("taken.csv", "keep me");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["export", "widgets"], "invalid value 'widgets'"),
        (vec!["export", "deals", "--format", "pdf"], "invalid value 'pdf'"),
        (vec!["export", "deals", "--where", "colour=red"], "'colour' is not a field of deals; expected ref, account"),
        (vec!["export", "deals", "--where", "amount"], "expected FIELD=VALUE"),
        (vec!["export", "deals", "--where", "amount>lots"], "--where amount: value 'lots': expected an amount"),
        (vec!["export", "deals", "--where", "stage=haggling"], "expected one of prospecting"),
        (vec!["export", "deals", "--where", "opened_on<someday"], "expected a date such as"),
        (vec!["export", "deals", "--sort", "colour"], "--sort: 'colour' is not a field of deals"),
        (vec!["export", "deals", "--owner", "Nobody Atall"], "'Nobody Atall' names no rep"),
        (vec!["export", "deals", "-o", &existing], "exists already; nothing was written"),
        (vec!["export", "deals", "--format", "xlsx", "-o", &existing], "exists already"),
        (vec!["list", "deals", "--where", "colour=red"], "'colour' is not a field of deals"),
        (vec!["list", "deals", "--format", "xlsx"], "invalid value 'xlsx'"),
    ];
    for (args, expected) in cases {
        let before = a.sha();
        let err = a.fails(&args);
        assert!(err.contains(expected), "{args:?}: expected {expected:?} in {err}");
        assert_eq!(a.sha(), before, "{args:?} changed the database");
        assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me", "{args:?} wrote over a file");
    }
    // With --force the file is replaced, whole.
    a.ok(&["export", "reps", "-o", &existing, "--force"]);
    assert!(std::fs::read_to_string(&existing).unwrap().starts_with("ref,name,email,manager,region\n"));
    let leftovers: Vec<_> = std::fs::read_dir(a.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".rapport-export-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn contacts_go_out_as_vcards_and_follow_ups_as_todos_with_the_same_filters() {
    let b = book();
    b.ok(&["demo", "--accounts", "25", "--no-open"]);
    let owner = b.rows("SELECT r.name FROM accounts a JOIN reps r ON r.id = a.owner_id WHERE a.deleted_at IS NULL ORDER BY a.id LIMIT 1")
        [0][0]
        .clone();
    // The contacts of one rep's accounts, as the list names them.
    let listed = b.ok(&["list", "contacts", "--owner", &owner, "--format", "json"]);
    let listed: Vec<serde_json::Value> =
        serde_json::from_value(serde_json::from_str::<serde_json::Value>(&listed).unwrap()["contacts"].clone())
            .unwrap();
    assert!(!listed.is_empty());
    let vcf = b.path("mine.vcf");
    let out = b.ok(&["export", "contacts", "--owner", &owner, "--format", "vcf", "-o", &vcf.display().to_string()]);
    assert_eq!(out, format!("wrote {} contacts to {} (vcf)\n", listed.len(), vcf.display()));
    let read = python(
        "import sys, vobject\n\
         for c in vobject.readComponents(open(sys.argv[1], newline='').read()):\n    print(c.fn.value)",
        &[&vcf.display().to_string()],
    );
    let names: Vec<&str> = read.lines().collect();
    let want: Vec<&str> = listed.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, want, "vobject reads the listed contacts, in the list's order");

    // Open follow-ups due before a day, to stdout, read by icalendar.
    let due = b.ok(&["list", "follow-ups", "--where", "due_on<+30d", "--format", "json"]);
    let due: Vec<serde_json::Value> =
        serde_json::from_value(serde_json::from_str::<serde_json::Value>(&due).unwrap()["follow-ups"].clone()).unwrap();
    assert!(!due.is_empty());
    let ics = b.ok(&["export", "follow-ups", "--where", "due_on<+30d", "--format", "ics"]);
    let file = b.file("due.ics", &ics);
    let read = python(
        "import sys, icalendar\n\
         cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
         for t in cal.walk('VTODO'):\n    print(t.get('due').dt.isoformat())",
        &[&file],
    );
    let dues: Vec<&str> = read.lines().collect();
    let want: Vec<&str> = due.iter().map(|f| f["due_on"].as_str().unwrap()).collect();
    assert_eq!(dues, want);

    // A format that does not fit the kind is refused before anything is written.
    let before = b.sha();
    let err = b.fails(&["export", "deals", "--format", "vcf", "-o", "deals.vcf"]);
    assert!(err.starts_with("error: --format vcf is for contacts, not deals"), "{err}");
    let err = b.fails(&["export", "contacts", "--format", "ics"]);
    assert!(err.starts_with("error: --format ics is for follow-ups, not contacts"), "{err}");
    assert!(!b.path("deals.vcf").exists());
    assert_eq!(b.sha(), before);
}
