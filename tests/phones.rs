//! Caller ID: every contact's phone number is found whatever form it is
//! dialled in: national, international, with or without the trunk 0, with
//! `(0)`, as its last digits. Numbers are kept as typed and matched by their
//! E.164 form; numbers libphonenumber does not know by their digits.

mod common;

use phonenumber::Mode;
use rapport::demo::{generate, DemoSpec};
use rapport::domain::phone;
use rapport::lookup::{Field, Lookup};
use rapport::store::*;
use std::fs;

/// The accounts whose contacts' phones answer `query`.
fn phone_hits(lookup: &mut Lookup, query: &str) -> Vec<i64> {
    lookup.query(query, 1000).into_iter().filter(|h| h.field == Field::Phone).map(|h| h.account_id).collect()
}

#[test]
fn every_demo_phone_is_found_in_each_of_its_forms() {
    let now = common::clock().now();
    let store = Store::in_memory(common::clock()).unwrap();
    generate(&store, &DemoSpec { accounts: 300, seed: 42, ..DemoSpec::at(now) }, &mut |_, _, _| {}).unwrap();
    let mut lookup = Lookup::build(&store).unwrap();
    let (mut phones, mut valid, mut tried) = (0, 0, 0);
    let mut missed = Vec::new();
    for a in store.account_rows().unwrap() {
        for c in store.contacts_of(a.id).unwrap() {
            let Some(shown) = c.phone.clone() else { continue };
            phones += 1;
            let digits = phone::digits(&shown);
            let mut forms = vec![shown.clone(), digits[digits.len() - 6..].to_string()];
            match &c.phone_e164 {
                Some(e164) => {
                    valid += 1;
                    let n = phonenumber::parse(None, e164).unwrap();
                    forms.push(e164.clone());
                    forms.push(n.format().mode(Mode::International).to_string());
                    forms.push(n.format().mode(Mode::National).to_string());
                    // The national number without its trunk prefix.
                    forms.push(n.national().to_string());
                }
                None => forms.push(digits),
            }
            for form in forms {
                tried += 1;
                if !phone_hits(&mut lookup, &form).contains(&a.id) {
                    missed.push(format!("{shown} as {form}"));
                }
            }
        }
    }
    assert!(phones > 500, "{phones} phones");
    assert!(missed.is_empty(), "{} of {tried} forms not found: {missed:?}", missed.len());
    // The demo writes numbers the metadata knows, in every style of its countries.
    assert_eq!(valid, phones, "demo numbers with an E.164 form");
}

/// (the account's country, the number as typed, its E.164 form, ways it is dialled)
const TABLE: &[(&str, &str, Option<&str>, &[&str])] = &[
    (
        "United Kingdom",
        "+44 (0)20 7946 0444",
        Some("+442079460444"),
        &["+44 20 7946 0444", "020 7946 0444", "+442079460444", "0044 20 7946 0444", "20 7946 0444", "7946 0444"],
    ),
    ("United Kingdom", "020 7946 0714", Some("+442079460714"), &["+44 20 7946 0714", "+44 (0)20 7946 0714"]),
    ("GB", "+44 20 7946 0670", Some("+442079460670"), &["020 7946 0670", "(020) 7946-0670", "02079460670"]),
    (
        "United Kingdom",
        "0161 496 0123 ext. 204",
        Some("+441614960123"),
        &["+44 161 496 0123", "0161 4960123", "+44 161 496 0123 x204", "4960123"],
    ),
    (
        "Netherlands",
        "+31 (0)10 123 4567",
        Some("+31101234567"),
        &["+31 10 123 4567", "010 123 4567", "010-1234567", "0031 10 1234567"],
    ),
    ("Netherlands", "010-765 4321", Some("+31107654321"), &["+31 10 765 4321", "+31 (0)10 765 4321", "7654321"]),
    (
        "United States",
        "(212) 555-0123",
        Some("+12125550123"),
        &["+1 212 555 0123", "212.555.0123", "1-212-555-0123", "2125550123"],
    ),
    ("USA", "+1 415 555 0188 x12", Some("+14155550188"), &["(415) 555-0188", "415-555-0188 ext 12"]),
    (
        "Germany",
        "030 12345678",
        Some("+493012345678"),
        &["+49 30 12345678", "+49 (0)30 1234 5678", "0049 30 12345678", "30 12345678"],
    ),
    ("France", "01 42 68 53 00", Some("+33142685300"), &["+33 1 42 68 53 00", "+33 (0)1 42 68 53 00", "0142685300"]),
    ("Italy", "02 8765 4321", Some("+390287654321"), &["+39 02 8765 4321", "+39 0287654321", "02-87654321"]),
    ("Australia", "(02) 5550 1234", Some("+61255501234"), &["+61 2 5550 1234", "02 5550 1234", "+61 (0)2 5550 1234"]),
    ("Japan", "03-3581-4111", Some("+81335814111"), &["+81 3 3581 4111", "+81 (0)3-3581-4111", "0335814111"]),
    ("Singapore", "6123 4567", Some("+6561234567"), &["+65 6123 4567", "+6561234567"]),
    ("Switzerland", "044 668 18 00", Some("+41446681800"), &["+41 44 668 18 00", "+41 (0)44 668 1800"]),
    ("Ireland", "(01) 234 5678", Some("+35312345678"), &["+353 1 234 5678", "00353 1 2345678"]),
    // Not valid numbers: kept as typed, matched by their digits.
    ("United Kingdom", "020 7946", None, &["020 7946", "0207946"]),
    ("Denmark", "+45 12 34 56 78", None, &["+45 12 34 56 78", "12 34 56 78"]),
    ("United States", "+1 (555) 010-2030", None, &["555-010-2030", "+1 555 010 2030", "0102030"]),
    // No country that names a region, and no default: matched by digits.
    ("", "0161 496 0999", None, &["+44 161 496 0999", "0161 496 0999", "161 496 0999"]),
    ("Atlantis", "555-0199 ext 7", None, &["5550199", "555 0199"]),
];

fn table_store() -> (Store, Vec<i64>) {
    let store = Store::in_memory(common::clock()).unwrap();
    let mut accounts = Vec::new();
    for (i, (country, typed, _, _)) in TABLE.iter().enumerate() {
        let mut a = Account {
            name: format!("Account {i:02}"),
            country: (!country.is_empty()).then(|| country.to_string()),
            ..Default::default()
        };
        let id = store.insert(&mut a).unwrap();
        let mut c = Contact {
            account_id: id,
            name: format!("Caller {i:02}"),
            phone: Some(typed.to_string()),
            ..Default::default()
        };
        store.insert(&mut c).unwrap();
        accounts.push(id);
    }
    (store, accounts)
}

#[test]
fn a_table_of_formats_from_many_countries_is_found_in_every_form() {
    let (store, accounts) = table_store();
    let formats: usize = TABLE.iter().map(|r| 1 + r.3.len()).sum();
    let countries: std::collections::HashSet<_> = TABLE.iter().filter_map(|r| phone::region_of(r.0)).collect();
    assert!(formats >= 30 && countries.len() >= 8, "{formats} formats from {} countries", countries.len());

    let mut lookup = Lookup::build(&store).unwrap();
    for (i, (country, typed, e164, dialled)) in TABLE.iter().enumerate() {
        let c = &store.contacts_of(accounts[i]).unwrap()[0];
        assert_eq!(c.phone.as_deref(), Some(*typed), "kept as typed");
        assert_eq!(c.phone_e164.as_deref(), *e164, "{typed} in {country}");
        for q in std::iter::once(typed).chain(dialled.iter()) {
            let hits = phone_hits(&mut lookup, q);
            assert!(hits.contains(&accounts[i]), "{q} finds {typed} ({country}): {hits:?}");
            // A whole number finds no other.
            if phone::digits(q).len() >= 10 {
                assert_eq!(hits, vec![accounts[i]], "{q} finds only {typed}");
            }
        }
    }
    // One digit off is another number.
    for q in ["+44 20 7946 0445", "010 123 4568", "+1 212 555 0124"] {
        assert!(phone_hits(&mut lookup, q).is_empty(), "{q}");
    }
}

#[test]
fn the_default_region_reads_national_numbers_of_accounts_without_a_country() {
    let (store, accounts) = table_store();
    let nowhere = accounts[TABLE.iter().position(|r| r.1 == "0161 496 0999").unwrap()];
    let e164 = |s: &Store| s.contacts_of(nowhere).unwrap()[0].phone_e164.clone();
    assert_eq!(e164(&store), None);
    assert_eq!(store.use_default_region(Some(phone::Region::GB)).unwrap(), 1, "only that number changes");
    assert_eq!(e164(&store).as_deref(), Some("+441614960999"));
    assert_eq!(store.use_default_region(Some(phone::Region::GB)).unwrap(), 0, "nothing to do twice");
    // New numbers are read in it too; a country still wins over it.
    let mut c =
        Contact { account_id: nowhere, name: "New".into(), phone: Some("020 7946 0999".into()), ..Default::default() };
    store.insert(&mut c).unwrap();
    assert_eq!(c.phone_e164.as_deref(), Some("+442079460999"));
    let dutch = accounts[TABLE.iter().position(|r| r.1 == "010-765 4321").unwrap()];
    assert_eq!(store.contacts_of(dutch).unwrap()[0].phone_e164.as_deref(), Some("+31107654321"));
    // A national query is read in the default region as well.
    let mut lookup = Lookup::build(&store).unwrap();
    assert_eq!(phone_hits(&mut lookup, "(0161) 496-0999"), vec![nowhere]);
    assert_eq!(store.use_default_region(None).unwrap(), 2);
    assert_eq!(e164(&store), None);
}

#[test]
fn changing_an_accounts_country_reads_its_numbers_again_and_undo_puts_them_back() {
    let store = Store::in_memory(common::clock()).unwrap();
    let mut a = Account { name: "Somewhere".into(), ..Default::default() };
    store.insert(&mut a).unwrap();
    let mut c =
        Contact { account_id: a.meta.id, name: "Ann".into(), phone: Some("010 123 4567".into()), ..Default::default() };
    store.insert(&mut c).unwrap();
    assert_eq!(c.phone_e164, None);
    a.country = Some("Netherlands".into());
    store.update(&mut a).unwrap();
    assert_eq!(store.require::<Contact>(c.meta.id).unwrap().phone_e164.as_deref(), Some("+31101234567"));
    store.undo().unwrap().unwrap();
    assert_eq!(store.require::<Contact>(c.meta.id).unwrap().phone_e164, None);
    // The contact's own edit can still be taken back and done again.
    let mut edited = store.require::<Contact>(c.meta.id).unwrap();
    edited.phone = Some("+44 20 7946 0123".into());
    store.update(&mut edited).unwrap();
    assert_eq!(edited.phone_e164.as_deref(), Some("+442079460123"));
    store.undo().unwrap().unwrap();
    assert_eq!(store.require::<Contact>(c.meta.id).unwrap().phone.as_deref(), Some("010 123 4567"));
    store.redo().unwrap().unwrap();
    assert_eq!(store.require::<Contact>(c.meta.id).unwrap().phone_e164.as_deref(), Some("+442079460123"));
}

#[test]
fn a_schema_3_database_gets_e164_forms_when_it_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    fs::copy("tests/fixtures/v3.db", &path).unwrap();
    let (store, report) = Store::open(&path, OpenMode::Existing).unwrap();
    assert_eq!(report.migrated_from, Some(3));
    let e164 = |id: i64| store.require::<Contact>(id).unwrap().phone_e164;
    let expected = [
        (1, None), // +1 (555) 010-2030: 555 is no area code
        (2, Some("+442079460444")),
        (3, Some("+442079460714")),
        (4, Some("+442079460670")),
        (5, Some("+31101234567")),
        (6, Some("+31107654321")),
        (7, None), // a national number of an account without a country
    ];
    for (id, want) in expected {
        assert_eq!(e164(id).as_deref(), want, "contact {id}");
    }
    assert_eq!(store.require::<Contact>(4).unwrap().phone.as_deref(), Some("+44 20 7946 0670 ext. 12"), "as typed");
    assert_eq!(store.require::<Contact>(4).unwrap().phone_digits.as_deref(), Some("442079460670"), "no extension");
    // The examples, on the migrated file.
    let mut lookup = Lookup::build(&store).unwrap();
    assert_eq!(phone_hits(&mut lookup, "+44 20 7946 0444"), vec![2]);
    assert_eq!(phone_hits(&mut lookup, "+44 20 7946 0714"), vec![2]);
    assert_eq!(phone_hits(&mut lookup, "020 7946 0670"), vec![2]);
    assert_eq!(phone_hits(&mut lookup, "+31 10 123 4567"), vec![3]);
    assert_eq!(phone_hits(&mut lookup, "+31 10 765 4321"), vec![3]);
    assert_eq!(phone_hits(&mut lookup, "+44 161 496 0123"), vec![4]);
    assert!(store.check().unwrap().is_empty());
    drop(store);
    // A default region fills in what the account's country could not.
    let (store, _) = Store::open(&path, OpenMode::Existing).unwrap();
    store.use_default_region(Some(phone::Region::GB)).unwrap();
    assert_eq!(store.require::<Contact>(7).unwrap().phone_e164.as_deref(), Some("+441614960123"));
}

/// The binary, with a config folder of its own (`config` is the file's text).
fn rapport(home: &std::path::Path, config: Option<&str>, args: &[&str]) -> std::process::Output {
    let dir = home.join("config");
    fs::create_dir_all(dir.join("rapport")).unwrap();
    match config {
        Some(text) => fs::write(dir.join("rapport/config.toml"), text).unwrap(),
        None => drop(fs::remove_file(dir.join("rapport/config.toml"))),
    }
    std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", &dir)
        .args(args)
        .output()
        .unwrap()
}

/// A book with the numbers: Thames Freight in the United Kingdom,
/// Maas Haven in the Netherlands, Pennine Tools with no country.
fn callers_book(dir: &std::path::Path) -> String {
    let path = dir.join("book.db");
    let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
    for (name, country, people) in [
        (
            "Thames Freight",
            "United Kingdom",
            &[("Oliver Hart", "+44 (0)20 7946 0444"), ("Amara Okafor", "020 7946 0714")][..],
        ),
        ("Maas Haven Logistiek", "Netherlands", &[("Sanne de Vries", "+31 (0)10 123 4567")][..]),
        ("Pennine Tools", "", &[("Ruth Ainsley", "0161 496 0123")][..]),
    ] {
        let mut a =
            Account { name: name.into(), country: (!country.is_empty()).then(|| country.into()), ..Default::default() };
        store.insert(&mut a).unwrap();
        for (who, number) in people {
            let mut c = Contact {
                account_id: a.meta.id,
                name: who.to_string(),
                phone: Some(number.to_string()),
                ..Default::default()
            };
            store.insert(&mut c).unwrap();
        }
    }
    path.to_str().unwrap().to_string()
}

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn find_answers_a_caller_id_in_any_form() {
    let dir = tempfile::tempdir().unwrap();
    let db = callers_book(dir.path());
    for (query, account, reason) in [
        ("+44 20 7946 0444", "Thames Freight", "phone of Oliver Hart, Other"),
        ("+44 20 7946 0714", "Thames Freight", "phone of Amara Okafor, Other"),
        ("020 7946 0444", "Thames Freight", "phone of Oliver Hart, Other"),
        ("+31 10 123 4567", "Maas Haven Logistiek", "phone of Sanne de Vries, Other"),
        ("010 123 4567", "Maas Haven Logistiek", "phone of Sanne de Vries, Other"),
        ("+44 161 496 0123", "Pennine Tools", "phone of Ruth Ainsley, Other"),
        ("496 0123", "Pennine Tools", "phone of Ruth Ainsley, Other"),
    ] {
        let o = rapport(dir.path(), None, &["--db", &db, "find", query, "--json"]);
        assert!(o.status.success(), "{query}: {}", err(&o));
        let v = &serde_json::from_str::<serde_json::Value>(&out(&o)).unwrap()["accounts"];
        assert_eq!(v.as_array().unwrap().len(), 1, "{query}: {v}");
        assert_eq!(v[0]["name"], account, "{query}");
        assert_eq!(v[0]["matched"], "phone", "{query}");
        assert_eq!(v[0]["reason"], reason, "{query}");
    }
    let o = rapport(dir.path(), None, &["--db", &db, "find", "+44 20 7946 0445"]);
    assert_eq!(o.status.code(), Some(1), "another number: {}", out(&o));
}

#[test]
fn log_resolves_a_caller_by_number_with_the_contact() {
    let dir = tempfile::tempdir().unwrap();
    let db = callers_book(dir.path());
    let o = rapport(dir.path(), None, &["--db", &db, "log", "+44 20 7946 0714", "Asked about the renewal", "--json"]);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let (store, _) = Store::open(std::path::Path::new(&db), OpenMode::Existing).unwrap();
    let amara = store.contacts_of(1).unwrap().into_iter().find(|c| c.name == "Amara Okafor").unwrap();
    assert_eq!(v["activity"]["account_id"], 1);
    assert_eq!(v["activity"]["contact_id"], amara.meta.id);
    // Named another way, and with a contact given, the contact given wins.
    let o = rapport(dir.path(), None, &["--db", &db, "log", "0031 10 1234567", "Called back", "--contact", "Sanne"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).starts_with("logged call on Maas Haven Logistiek (#2) with Sanne de Vries"), "{}", out(&o));
    // Too few digits to name a caller: taken as an id, which it is not.
    let o = rapport(dir.path(), None, &["--db", &db, "log", "0444", "Hello"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("no account with id 444"), "{}", err(&o));
    // A number that contacts of two accounts share: listed, nothing logged.
    let mut shared = Contact {
        account_id: 3,
        name: "Reception".into(),
        phone: Some("020 7946 0444 ext. 9".into()),
        ..Default::default()
    };
    store.insert(&mut shared).unwrap();
    let logged = store.recent_changes(100).unwrap().len();
    let o = rapport(dir.path(), None, &["--db", &db, "log", "+44 20 7946 0444", "Hello"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("\"+44 20 7946 0444\" is a phone number of contacts of several accounts"), "{e}");
    assert!(e.contains("Thames Freight") && e.contains("Oliver Hart") && e.contains("Pennine Tools"), "{e}");
    assert_eq!(store.recent_changes(100).unwrap().len(), logged, "nothing logged");
}

#[test]
fn the_config_default_region_reaches_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = callers_book(dir.path());
    let ruth = |db: &str| {
        let (store, _) = Store::open(std::path::Path::new(db), OpenMode::Existing).unwrap();
        store.contacts_of(3).unwrap()[0].phone_e164.clone()
    };
    assert_eq!(ruth(&db), None, "Pennine Tools has no country");
    let gb = Some("default_region = \"GB\"\n");
    // Reading commands change nothing; the number is found by its digits.
    let o = rapport(dir.path(), gb, &["--db", &db, "find", "+44 161 496 0123", "--json"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(ruth(&db), None);
    // The next writing command reads the number in the default region.
    let o = rapport(dir.path(), gb, &["--db", &db, "log", "+44 161 496 0123", "Intro call"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("on Pennine Tools (#3) with Ruth Ainsley"), "{}", out(&o));
    assert_eq!(ruth(&db).as_deref(), Some("+441614960123"));
    // A new contact's national number too.
    let o = rapport(
        dir.path(),
        gb,
        &["--db", &db, "add", "contact", "--account", "3", "--name", "Ian Moss", "--phone", "0113 496 0000", "--json"],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("\"phone_e164\": \"+441134960000\""), "{}", out(&o));
    // A wrong region is an error that names the line, and changes nothing.
    let o = rapport(dir.path(), Some("# mine\ndefault_region = \"Atlantis\"\n"), &["--db", &db, "find", "Pennine"]);
    assert!(!o.status.success());
    let e = err(&o);
    assert!(e.contains("line 2: default_region: 'Atlantis' is not a country; expected an ISO code"), "{e}");
    assert!(e.contains("hint: fix default_region in the config file"), "{e}");
}

#[test]
fn the_cockpit_lookup_finds_a_caller_dialled_nationally_or_with_its_trunk_in_brackets() {
    use rapport::tui::app::App;
    use rapport::tui::keymap::Keymap;
    use rapport::tui::overlays::Overlay;
    use rapport::tui::theme::Theme;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::layout::Rect;

    // Priya Patel of Borealis Systems is stored as +44 20 7946 0123.
    for dialled in ["020 7946 0123", "+44 (0)20 7946 0123", "0044 20 7946 0123"] {
        let (store, ids) = common::store();
        let mut app = App::new(store, Keymap::default(), Theme { color: false }, Rect::new(0, 0, 120, 40)).unwrap();
        for c in std::iter::once('/').chain(dialled.chars()) {
            app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).unwrap();
        }
        let Overlay::Search(search) = app.overlay() else { panic!("search is open") };
        assert_eq!(search.hits.len(), 1, "{dialled}: {:?}", search.hits);
        let hit = &search.hits[0];
        assert_eq!(hit.account_id, ids.borealis, "{dialled}");
        assert_eq!(hit.field, Field::Phone);
        assert_eq!(hit.text, "+44 20 7946 0123", "shown as typed");
        assert_eq!(hit.reason.as_deref(), Some("phone of Priya Patel, VP Sales"));
        app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)).unwrap();
        assert_eq!(app.current(), Some(ids.borealis), "{dialled}");
    }
}
