//! Address books and calendars: `rapport import contacts FILE.vcf` run as the
//! built binary on cards written as Google, Apple and Outlook write them
//! (tests/fixtures/vcf/), upserts by UID, undo, every refusal with the
//! database unchanged; contacts written as vCard 3.0 and open follow-ups
//! as iCalendar, read back by rapport and by Python's `vobject` and `icalendar`.

mod common;

use common::book::{book, Book};
use rapport::domain::scope::Resolved;
use rapport::interop::{ics, vcard};
use rapport::store::{Activity, OpenMode, Store};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// This file's fixtures, and what only this file asks of a book.
trait Local {
    fn fixture(&self, name: &str) -> String;
    fn export_vcf(&self) -> String;
    fn contact(&self, name: &str) -> Vec<String>;
}

impl Local for Book {
    fn fixture(&self, name: &str) -> String {
        self.fixture_in("vcf", name)
    }

    /// The contacts of the whole book as a vCard file, through the library.
    fn export_vcf(&self) -> String {
        let (store, _) = Store::open(&self.db, OpenMode::Existing).unwrap();
        vcard::export(&store, &everyone()).unwrap()
    }

    /// One contact: name, account, title, email, phone, role, notes, source id, custom fields.
    fn contact(&self, name: &str) -> Vec<String> {
        let rows = self.rows(&format!(
            "SELECT c.name, a.name, coalesce(c.title, ''), coalesce(c.email, ''), coalesce(c.phone, ''), c.role,
                    coalesce(c.notes, ''), coalesce(c.external_ref, ''), coalesce(c.custom, '{{}}')
             FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.name = '{}' AND c.deleted_at IS NULL",
            name.replace('\'', "''")
        ));
        assert_eq!(rows.len(), 1, "one contact named {name}: {rows:?}");
        rows.into_iter().next().unwrap()
    }
}

fn everyone() -> Resolved {
    Resolved { label: "everyone".into(), root: None, reps: None }
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn custom(pairs: &[(&str, &str)]) -> String {
    let map: serde_json::Map<String, Value> =
        pairs.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect();
    if map.is_empty() {
        "{}".into()
    } else {
        Value::Object(map).to_string()
    }
}

/// Runs a Python script on a file; the test fails, never skips, without python3 and the module.
fn python(script: &str, file: &Path) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 is needed to read what rapport writes (.ci/run installs it with vobject and icalendar)");
    assert!(
        out.status.success(),
        "python3 failed (pip install vobject icalendar, as .ci/run does): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn all_fixtures(b: &Book) -> Vec<String> {
    ["google.vcf", "apple.vcf", "outlook.vcf", "v4.vcf"].iter().map(|f| b.fixture(f)).collect()
}

#[test]
fn cards_from_google_apple_outlook_and_4_0_become_contacts_of_their_accounts() {
    let b = book();
    let files = all_fixtures(&b);
    let out = b.ok(&["import", "contacts", &files[0], "--create-missing"]);
    assert!(out.contains("mapping (vCard) for"), "{out}");
    assert!(out.contains("  EMAIL (home)            -> custom field 'EMAIL (home)'"), "{out}");
    assert!(out.contains("2 created, 0 updated, 0 unchanged"), "{out}");
    assert!(out.contains("created for references: account Northwind Traders"), "{out}");
    for f in &files[1..] {
        b.ok(&["import", "contacts", f, "--create-missing"]);
    }
    assert_eq!(b.count("SELECT count(*) FROM contacts"), 7);
    assert_eq!(
        b.rows("SELECT name FROM accounts ORDER BY name"),
        vec![v(&["Bäckerei Schmidt GmbH"]), v(&["Contoso Ltd"]), v(&["Fabrikam Inc."]), v(&["Northwind Traders"])]
    );
    // Google: the work address and phone over the home and mobile ones; labels from X-ABLabel.
    assert_eq!(
        b.contact("Maria Garcia"),
        v(&[
            "Maria Garcia",
            "Northwind Traders",
            "VP Operations",
            "maria.garcia@northwind.example",
            "+1 415-555-0100",
            "other",
            "Met at SaaStr 2025.\nPrefers calls before 10am, never on Fridays.",
            "",
            &custom(&[
                ("EMAIL (home)", "maria.garcia@gmail.example"),
                ("TEL (Assistant)", "+1 415-555-0199"),
                ("TEL (mobile)", "+1 415-555-0134"),
                ("URL (Company)", "https://northwind.example"),
            ]),
        ])
    );
    // A vCard ROLE that is one of rapport's roles is the role; ORG's unit is the department.
    assert_eq!(
        b.contact("Tom O'Neil"),
        v(&[
            "Tom O'Neil",
            "Northwind Traders",
            "Controller",
            "tom.oneil@northwind.example",
            "+1 415-555-0177",
            "finance",
            "",
            "",
            &custom(&[("EMAIL (Partner portal)", "t.oneil@partner.example"), ("department", "Finance")]),
        ])
    );
    // Apple: type=pref wins; _$!<Home>!$_ labels; the PHOTO is nowhere; UID kept as the source id.
    assert_eq!(
        b.contact("Chidi Okafor"),
        v(&[
            "Chidi Okafor",
            "Contoso Ltd",
            "Purchasing Manager",
            "chidi.okafor@contoso.example",
            "+44 20 7946 0321",
            "other",
            "",
            "B5F0A0C2-6E6F-4B53-9E4C-3E5A1D2C7F10",
            &custom(&[
                ("EMAIL (Home)", "chidi@home.example"),
                ("TEL (Assistant)", "+44 20 7946 0999"),
                ("TEL (mobile)", "+44 7700 900123"),
                ("URL (HomePage)", "https://contoso.example"),
                ("department", "Procurement"),
            ]),
        ])
    );
    // Outlook 2.1: quoted-printable UTF-8 with a soft line break, bare WORK/CELL/FAX types.
    assert_eq!(
        b.contact("Jürgen Müller"),
        v(&[
            "Jürgen Müller",
            "Bäckerei Schmidt GmbH",
            "Leiter Einkauf",
            "j.mueller@baeckerei-schmidt.example",
            "+49 30 1234567",
            "other",
            "Liefert seit 2019.\nAnsprechpartner für Rahmenverträge, sehr pünktlich.",
            "",
            &custom(&[
                ("EMAIL (other)", "juergen.privat@example.de"),
                ("TEL (mobile)", "+49 170 1234567"),
                ("TEL (work fax)", "+49 30 1234568"),
                ("department", "Einkauf"),
            ]),
        ])
    );
    assert_eq!(b.contact("Anna Weber")[2], "Geschäftsführerin");
    // 4.0: PREF=1, tel: URIs, urn:uuid UID.
    assert_eq!(
        b.contact("Dr. Aiko Tanaka"),
        v(&[
            "Dr. Aiko Tanaka",
            "Fabrikam Inc.",
            "CTO",
            "aiko.tanaka@fabrikam.example",
            "+81-3-5555-0100",
            "technical",
            "Technical decision maker for the platform deal.",
            "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
            &custom(&[("EMAIL (home)", "aiko@example.jp"), ("TEL (mobile)", "+81-90-5555-0101")]),
        ])
    );
}

#[test]
fn importing_the_same_cards_again_changes_nothing_and_a_changed_card_updates_by_uid() {
    let b = book();
    let files = all_fixtures(&b);
    for f in &files {
        b.ok(&["import", "contacts", f, "--create-missing"]);
    }
    let before = b.sha();
    for (f, n) in files.iter().zip([2, 2, 2, 1]) {
        let out = b.ok(&["import", "contacts", f]);
        assert!(out.contains(&format!("0 created, 0 updated, {n} unchanged")), "{out}");
    }
    assert_eq!(b.sha(), before, "an import that changes nothing writes nothing");
    // The same UID with a new name and e-mail is the same contact.
    let text = std::fs::read_to_string(&files[1])
        .unwrap()
        .replace("FN:Sofia Lindqvist", "FN:Sofia Lindqvist-Berg")
        .replace("sofia.lindqvist@contoso.example", "sofia.berg@contoso.example");
    let changed = b.file("changed.vcf", text);
    let out = b.ok(&["import", "contacts", &changed]);
    assert!(out.contains("0 created, 1 updated, 1 unchanged"), "{out}");
    assert_eq!(b.contact("Sofia Lindqvist-Berg")[3], "sofia.berg@contoso.example");
    assert_eq!(b.count("SELECT count(*) FROM contacts"), 7);
}

#[test]
fn org_names_an_existing_account_and_a_missing_one_is_refused_without_create_missing() {
    let b = book();
    let accounts = b.file("accounts.csv", "Account Name,Tier\nnorthwind  TRADERS,Key\n");
    b.ok(&["import", "accounts", &accounts]);
    let out = b.ok(&["import", "contacts", &b.fixture("google.vcf")]);
    assert!(out.contains("2 created"), "{out}");
    assert_eq!(b.count("SELECT count(*) FROM accounts"), 1);
    assert_eq!(b.contact("Maria Garcia")[1], "northwind  TRADERS");
    let before = b.sha();
    let v4 = b.fixture("v4.vcf");
    let err = b.fails(&["import", "contacts", &v4]);
    assert!(
        err.contains("v4.vcf:card 1:ORG: value 'Fabrikam Inc.': expected an existing account (its id or name); pass --create-missing"),
        "{err}"
    );
    assert_eq!(b.sha(), before);
}

#[test]
fn a_bad_card_stops_the_import_unless_skipped_and_undo_takes_the_import_back() {
    let b = book();
    let f = b.file(
        "team.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nORG:Acme\r\nEMAIL:good@acme.example\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nORG:Acme\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nORG:Acme\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Company\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Role\r\nORG:Acme\r\nX-RAPPORT-ROLE:emperor\r\nEND:VCARD\r\n",
    );
    b.ok(&["import", "accounts", &b.file("a.csv", "Name\nAcme\n")]);
    let before = b.sha();
    let err = b.fails(&["import", "contacts", &f]);
    for want in [
        "team.vcf:card 2:EMAIL: value 'not-an-address': expected an e-mail address such as name@example.com",
        "team.vcf:card 3:FN: value '': expected the contact's name",
        "team.vcf:card 4:ORG: value '': expected the contact's account",
        "team.vcf:card 5:ROLE: value 'emperor': expected a role such as decision_maker",
        "team.vcf: 4 values are invalid; nothing was imported",
    ] {
        assert!(err.contains(want), "{want:?} missing in {err}");
    }
    assert_eq!(b.sha(), before, "all or nothing");
    let dry = b.ok(&["import", "contacts", &f, "--skip-invalid", "--dry-run"]);
    assert!(dry.contains("would create 1, update 0, leave 0 unchanged, reject 4; nothing was written"), "{dry}");
    assert_eq!(b.sha(), before, "a dry run writes nothing");
    let out = b.ok(&["import", "contacts", &f, "--skip-invalid"]);
    assert!(out.contains("1 created, 0 updated, 0 unchanged, 4 rejected"), "{out}");
    let rejected = std::fs::read_to_string(format!("{f}.rejected.csv")).unwrap();
    let mut lines = rejected.lines();
    assert_eq!(lines.next(), Some("UID,FN,ORG,TITLE,EMAIL,TEL,ROLE,NOTE,reason"));
    assert!(lines.next().unwrap().starts_with(",Bad Mail,Acme,,not-an-address,,,,"), "{rejected}");
    assert_eq!(rejected.lines().count(), 5, "{rejected}");
    assert_eq!(b.rows("SELECT name FROM contacts WHERE deleted_at IS NULL"), vec![v(&["Good One"])]);
    let undo = b.ok(&["undo"]);
    assert!(undo.contains("undid"), "{undo}");
    assert_eq!(b.count("SELECT count(*) FROM contacts WHERE deleted_at IS NULL"), 0);
    assert_eq!(b.count("SELECT count(*) FROM accounts WHERE deleted_at IS NULL"), 1, "one import, one undo step");
}

#[test]
fn broken_vcard_files_are_refused_with_the_place_and_the_database_unchanged() {
    let b = book();
    b.ok(&["import", "accounts", &b.file("a.csv", "Name\nAcme\n")]);
    let mut huge_note = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long\r\nORG:Acme\r\nNOTE:".to_vec();
    huge_note.extend(std::iter::repeat_n(b'x', 2 << 20));
    huge_note.extend(b"\r\nEND:VCARD\r\n");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            v(&["import", "contacts", &b.file("cut.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nORG:Acme\r\n")]),
            "cut.vcf:card 1: BEGIN:VCARD on line 1 has no END:VCARD",
        ),
        (
            v(&[
                "import",
                "contacts",
                &b.file(
                    "two.vcf",
                    "BEGIN:VCARD\nFN:A\nORG:Acme\nEND:VCARD\nBEGIN:VCARD\nFN:B\nBEGIN:VCARD\nFN:C\nEND:VCARD\n",
                ),
            ]),
            "two.vcf:card 2: BEGIN:VCARD on line 5 has no END:VCARD before the next card on line 7",
        ),
        (
            v(&["import", "contacts", &b.file("end.vcf", "FN:A\nEND:VCARD\n")]),
            "end.vcf:line 2: END:VCARD without a BEGIN:VCARD",
        ),
        (v(&["import", "contacts", &b.file("empty.vcf", "")]), "empty.vcf: the file is empty"),
        (
            v(&["import", "contacts", &b.file("garbage.vcf", [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 0, 7])]),
            "garbage.vcf: this is not a vCard file (it holds binary data)",
        ),
        (
            v(&["import", "contacts", &b.file("csv.vcf", "Name,Email\nA,a@b.example\n")]),
            "csv.vcf: no vCard in the file",
        ),
        (
            v(&["import", "contacts", &b.file("long.vcf", &huge_note)]),
            "long.vcf:card 1:NOTE: the value is 2048 KB long",
        ),
        (
            v(&["import", "deals", &b.fixture("google.vcf")]),
            "google.vcf: a vCard file holds contacts; expected `rapport import contacts",
        ),
    ];
    for (args, expected) in cases {
        let before = b.sha();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = b.fails(&args);
        assert!(err.contains(expected), "{args:?}: expected {expected:?} in {err}");
        assert!(err.starts_with("error: ") || err.contains("\nerror: "), "{err}");
        assert_eq!(b.sha(), before, "{args:?} changed the database");
    }
    // A file that is not there creates no database either.
    let fresh = book();
    fresh.fails(&["import", "contacts", &fresh.file("cut.vcf", "BEGIN:VCARD\nFN:A\n")]);
    assert!(!fresh.db.exists());
}

#[test]
fn a_huge_photo_is_skipped() {
    let b = book();
    let photo: String = "QUJDRA==".repeat(1 << 20); // 8 MB of base64
    let mut text = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pic Ture\r\nORG:Acme\r\nPHOTO;ENCODING=b;TYPE=JPEG:");
    for chunk in photo.as_bytes().chunks(74) {
        text.push_str(std::str::from_utf8(chunk).unwrap());
        text.push_str("\r\n ");
    }
    text.push_str("\r\nEMAIL:pic@acme.example\r\nEND:VCARD\r\n");
    let f = b.file("photo.vcf", text);
    let out = b.ok(&["import", "contacts", &f, "--create-missing"]);
    assert!(out.contains("1 created"), "{out}");
    assert!(!out.contains("PHOTO"), "{out}");
    assert_eq!(b.contact("Pic Ture")[3], "pic@acme.example");
    assert_eq!(b.contact("Pic Ture")[8], "{}");
}

#[test]
fn export_import_export_gives_the_same_cards_and_vobject_reads_them() {
    let a = book();
    for f in all_fixtures(&a) {
        a.ok(&["import", "contacts", &f, "--create-missing"]);
    }
    let first = a.export_vcf();
    assert_eq!(first.matches("BEGIN:VCARD\r\n").count(), 7);
    assert!(first.split("\r\n").all(|l| l.len() <= 75), "lines are folded at 75 octets");
    assert!(!first.contains("PHOTO"));
    // Importing what we wrote into the same book finds every contact unchanged.
    let again = a.file("again.vcf", &first);
    let out = a.ok(&["import", "contacts", &again]);
    assert!(out.contains("0 created, 0 updated, 7 unchanged"), "{out}");
    // Into an empty book, then out again: the same file.
    let b = book();
    let path = b.file("export.vcf", &first);
    let out = b.ok(&["import", "contacts", &path, "--create-missing"]);
    assert!(out.contains("7 created"), "{out}");
    let second = b.export_vcf();
    assert_eq!(first, second, "export → import → export");
    assert_eq!(b.contact("Jürgen Müller"), {
        let mut c = a.contact("Jürgen Müller");
        c[7] = b.contact("Jürgen Müller")[7].clone();
        c
    });
    // Another program reads the same contacts.
    let seen = python(
        r#"
import sys, vobject
with open(sys.argv[1], encoding="utf-8") as f:
    for card in vobject.readComponents(f.read()):
        c = card.contents
        email = next((e.value for e in c.get("email", []) if "PREF" in [t.upper() for t in e.params.get("TYPE", [])]), "")
        tel = next((t.value for t in c.get("tel", []) if "PREF" in [x.upper() for x in t.params.get("TYPE", [])]), "")
        print("|".join([card.fn.value, ";".join(card.org.value), email, tel, card.uid.value,
                        str(len(c.get("email", []))), card.contents.get("note", [None])[0].value if "note" in c else ""]))
"#,
        Path::new(&path),
    );
    assert_eq!(seen.lines().filter(|l| l.contains('|')).count(), 7, "{seen}");
    for want in [
        "Jürgen Müller|Bäckerei Schmidt GmbH;Einkauf|j.mueller@baeckerei-schmidt.example|+49 30 1234567|",
        "Chidi Okafor|Contoso Ltd;Procurement|chidi.okafor@contoso.example|+44 20 7946 0321|\
         B5F0A0C2-6E6F-4B53-9E4C-3E5A1D2C7F10|2|",
        "Maria Garcia|Northwind Traders|maria.garcia@northwind.example|+1 415-555-0100|",
        "|Liefert seit 2019.\nAnsprechpartner für Rahmenverträge, sehr pünktlich.",
    ] {
        assert!(seen.contains(want), "{want:?} missing in {seen}");
    }
}

#[test]
fn open_follow_ups_become_todos_that_icalendar_reads() {
    let (store, ids) = common::store();
    // A done one and a deleted one are not open.
    let mut done = Activity {
        account_id: ids.acme,
        kind: rapport::domain::ActivityKind::FollowUp,
        occurred_at: "2026-11-01T09:00:00Z".into(),
        summary: "Already done".into(),
        due_on: Some(common::date(2026, 11, 2)),
        done_at: Some("2026-11-02T09:00:00Z".into()),
        ..Default::default()
    };
    store.insert(&mut done).unwrap();
    let mut gone = Activity { summary: "Deleted one".into(), done_at: None, ..done.clone() };
    gone.meta = Default::default();
    let gone_id = store.insert(&mut gone).unwrap();
    store.delete::<Activity>(gone_id).unwrap();
    let open = store.open_follow_ups(&everyone()).unwrap();
    assert!(!open.is_empty());
    assert!(open.iter().all(|f| f.summary != "Already done" && f.summary != "Deleted one"));
    let text = ics::export(&store, &everyone()).unwrap();
    assert_eq!(text, ics::export(&store, &everyone()).unwrap(), "the same book gives the same file");
    assert!(text.contains("DTSTAMP:20261126T140000Z\r\n"), "the store's clock stamps the file:\n{text}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("follow-ups.ics");
    std::fs::write(&path, &text).unwrap();
    let seen = python(
        r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for t in cal.walk("VTODO"):
    print("|".join([str(t["UID"]), t["DUE"].dt.isoformat(), str(t["SUMMARY"]), str(t["STATUS"]),
                    str(t["DESCRIPTION"]).replace("\n", "/"), t["DTSTAMP"].dt.isoformat()]))
"#,
        &path,
    );
    let lines: Vec<&str> = seen.lines().collect();
    assert_eq!(lines.len(), open.len(), "{seen}");
    for f in &open {
        let uid = format!("{}@rapport", f.uid);
        let line = lines.iter().find(|l| l.starts_with(&format!("{uid}|"))).unwrap_or_else(|| panic!("{uid}: {seen}"));
        let due = f.due_on.unwrap().to_string();
        assert!(line.starts_with(&format!("{uid}|{due}|{}|NEEDS-ACTION|Account: {}", f.summary, f.account)), "{line}");
        assert!(line.ends_with("|2026-11-26T14:00:00+00:00"), "{line}");
    }
    assert!(seen.contains("Send renewal pricing"), "{seen}");
    // A rep's scope holds only their own follow-ups.
    let first = &open[0];
    let owner = first.owner_id.expect("the seeded follow-ups have owners");
    let mine = Resolved { label: "one".into(), root: Some(owner), reps: Some(vec![owner]) };
    let scoped = store.open_follow_ups(&mine).unwrap();
    assert!(!scoped.is_empty() && scoped.len() < open.len(), "{scoped:?}");
    assert!(scoped.iter().all(|f| f.owner_id == Some(owner)));
}
