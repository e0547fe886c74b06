//! One set of rules, whoever writes: duplicate names, parent and manager
//! cycles and follow-ups in the past are refused alike by the command line
//! and by the cockpit's forms; and a cockpit form saved over a record that
//! someone else changed meanwhile keeps their changes and asks about a field
//! both changed.

mod common;

use common::{book_in as book, press, screen};

use chrono::{Days, Utc};
use rapport::store::*;
use rapport::tui::app::{App, PaneId};
use rapport::tui::overlays::Overlay;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::process::{Command, Output};

// ---- the cockpit ----

fn app_on(store: Store) -> App {
    common::app_over(store, 120, 40)
}

fn app() -> (App, common::Ids) {
    common::app(120, 40)
}

fn key(app: &mut App, code: KeyCode, times: usize) {
    for _ in 0..times {
        app.on_key(KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
    }
}

/// Empties the focused field.
fn clear(app: &mut App) {
    key(app, KeyCode::End, 1);
    key(app, KeyCode::Backspace, 60);
}

fn form(app: &App) -> &rapport::tui::forms::EditForm {
    match app.overlay() {
        Overlay::Form(f) => f,
        _ => panic!("the form is closed; message: {:?}", app.message()),
    }
}

/// The change log's length: a refused save writes nothing.
fn logged(store: &Store) -> usize {
    store.recent_changes(100_000).unwrap().len()
}

#[test]
fn the_cockpit_refuses_a_follow_up_in_the_past() {
    let (mut app, ids) = app();
    let before = logged(app.store());
    // The log form: a call, with a follow-up two days ago.
    press(&mut app, "lcCalled about pricing");
    key(&mut app, KeyCode::Tab, 3);
    press(&mut app, "-2d");
    let error = form(&app).field("Follow-up").error.clone();
    assert_eq!(error.as_deref(), Some("2026-11-24 is in the past; expected today or a later day"));
    key(&mut app, KeyCode::Enter, 1);
    assert!(form(&app).error.as_deref().unwrap().contains("in the past"), "not saved, and it says why");
    assert_eq!(logged(app.store()), before);
    clear(&mut app);
    press(&mut app, "+2d");
    key(&mut app, KeyCode::Enter, 1);
    assert!(matches!(app.overlay(), Overlay::None), "{:?}", app.message());

    // The timeline's follow-up form, whose date starts as "tomorrow".
    let before = logged(app.store());
    press(&mut app, "2a");
    press(&mut app, "Chase the invoice");
    key(&mut app, KeyCode::BackTab, 1);
    clear(&mut app);
    press(&mut app, "yesterday");
    key(&mut app, KeyCode::Enter, 1);
    assert!(form(&app).field("Due").error.as_deref().unwrap().contains("in the past"));
    assert_eq!(logged(app.store()), before);
    key(&mut app, KeyCode::Esc, 1);
    press(&mut app, "y");

    // An overdue follow-up keeps its date when only its summary changes, but
    // is not moved to another past day.
    let overdue = app.timeline().items.iter().position(|i| i.summary == "Send renewal pricing").unwrap();
    let id = app.timeline().items[overdue].id;
    app.timeline_mut().nav.selected = overdue;
    press(&mut app, "e");
    press(&mut app, " now");
    key(&mut app, KeyCode::Enter, 1);
    assert!(matches!(app.overlay(), Overlay::None), "{:?}", app.message());
    let f = app.store().require::<Activity>(id).unwrap();
    assert_eq!((f.summary.as_str(), f.due_on), ("Send renewal pricing now", Some(common::date(2026, 11, 24))));
    press(&mut app, "e");
    key(&mut app, KeyCode::Tab, 2);
    clear(&mut app);
    press(&mut app, "2026-11-25");
    key(&mut app, KeyCode::Enter, 1);
    assert!(form(&app).field("Due").error.as_deref().unwrap().contains("in the past"));
    assert_eq!(app.store().require::<Activity>(id).unwrap().due_on, Some(common::date(2026, 11, 24)));
    assert_eq!(app.focus(), PaneId::Timeline);
    let _ = ids;
}

#[test]
fn the_cockpit_refuses_a_parent_cycle() {
    let (mut app, ids) = app();
    assert_eq!(app.portfolio().selected_id(), Some(ids.acme));
    let before = logged(app.store());
    press(&mut app, "e");
    key(&mut app, KeyCode::BackTab, 1); // the last field: Parent
    assert_eq!(form(&app).fields[form(&app).focus].label, "Parent");
    press(&mut app, "Acme Logistik GmbH");
    key(&mut app, KeyCode::Enter, 1);
    let f = form(&app);
    assert_eq!(
        f.field("Parent").error.as_deref(),
        Some("Acme Logistik GmbH belongs under Acme Logistics already, so it cannot be its parent")
    );
    assert!(f.error.as_deref().unwrap().contains("cannot be its parent"), "{:?}", f.error);
    assert_eq!(logged(app.store()), before);
    assert_eq!(app.store().require::<Account>(ids.acme).unwrap().parent_id, None);
    // Itself is not even offered.
    clear(&mut app);
    press(&mut app, "Acme Logistics");
    assert_eq!(form(&app).field("Parent").pick(), None);
    assert_eq!(form(&app).field("Parent").error.as_deref(), Some("no match for 'Acme Logistics'"));
    // A parent that makes no loop is taken.
    clear(&mut app);
    press(&mut app, "Cobalt");
    key(&mut app, KeyCode::Enter, 1);
    assert!(matches!(app.overlay(), Overlay::None), "{:?}", app.message());
    assert_eq!(app.store().require::<Account>(ids.acme).unwrap().parent_id, Some(ids.cobalt));
}

#[test]
fn the_cockpit_refuses_a_manager_cycle() {
    let (mut app, ids) = app();
    press(&mut app, "4R");
    let Overlay::List(list) = app.overlay() else { panic!("the reps") };
    assert_eq!(list.rows[0].id, ids.lead, "Lee Okafor first");
    press(&mut app, "e");
    key(&mut app, KeyCode::Tab, 2);
    clear(&mut app);
    press(&mut app, "Rae");
    key(&mut app, KeyCode::Enter, 1);
    assert_eq!(
        form(&app).field("Manager").error.as_deref(),
        Some("Lee Okafor cannot report to themselves, directly or through their own team")
    );
    // Nor directly: the form no longer drops it silently.
    clear(&mut app);
    press(&mut app, "Lee");
    key(&mut app, KeyCode::Enter, 1);
    assert!(form(&app).field("Manager").error.as_deref().unwrap().contains("cannot report to themselves"));
    assert_eq!(app.store().require::<Rep>(ids.lead).unwrap().manager_id, Some(ids.manager));
}

#[test]
fn the_cockpit_refuses_duplicate_names() {
    let (mut app, ids) = app();
    let before = logged(app.store());
    press(&mut app, "a");
    press(&mut app, "acme  LOGISTICS");
    key(&mut app, KeyCode::Enter, 1);
    assert_eq!(
        form(&app).field("Name").error.as_deref(),
        Some("an account named \"acme  LOGISTICS\" exists already (#1)")
    );
    key(&mut app, KeyCode::Esc, 1);
    press(&mut app, "y");
    // A contact of the same account.
    press(&mut app, "2C");
    press(&mut app, "a");
    press(&mut app, "Jane Roe");
    key(&mut app, KeyCode::Enter, 1);
    assert!(form(&app).field("Name").error.as_deref().unwrap().contains("exists already"));
    key(&mut app, KeyCode::Esc, 1);
    press(&mut app, "y");
    // Renaming a rep to another's name.
    key(&mut app, KeyCode::Esc, 1);
    press(&mut app, "4R");
    press(&mut app, "e");
    clear(&mut app);
    press(&mut app, "Sam Moreau");
    key(&mut app, KeyCode::Enter, 1);
    assert!(form(&app).field("Name").error.as_deref().unwrap().contains("a rep named \"Sam Moreau\""));
    assert_eq!(logged(app.store()), before, "nothing was written");
    assert_eq!(app.store().require::<Rep>(ids.lead).unwrap().name, "Lee Okafor");
}

fn other(path: &Path) -> Store {
    Store::open(path, OpenMode::Existing).unwrap().0.with_clock(common::clock())
}

/// Opens the edit form of Acme and changes its city (and, when given, its sector).
fn edit_acme(app: &mut App, sector: Option<&str>) {
    press(app, "e");
    key(app, KeyCode::Tab, 6);
    if let Some(s) = sector {
        clear(app);
        press(app, s);
    }
    key(app, KeyCode::Tab, 1);
    clear(app);
    press(app, "Mine City");
}

#[test]
fn a_stale_form_keeps_what_someone_else_changed_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ids) = book(dir.path());
    let mut app = app_on(Store::open(&path, OpenMode::Existing).unwrap().0.with_clock(common::clock()));
    edit_acme(&mut app, None);

    // Meanwhile, in another window: the tier (on the form) and the notes (not on it).
    let theirs = other(&path);
    let mut a = theirs.require::<Account>(ids.acme).unwrap();
    a.tier = rapport::domain::Tier::Key;
    a.notes = Some("Their notes".into());
    theirs.update(&mut a).unwrap();

    key(&mut app, KeyCode::Enter, 1);
    assert!(matches!(app.overlay(), Overlay::None), "saved at once: no field was changed twice");
    let now = theirs.require::<Account>(ids.acme).unwrap();
    assert_eq!(now.city.as_deref(), Some("Mine City"));
    assert_eq!(now.tier, rapport::domain::Tier::Key, "their tier is not overwritten with the form's old one");
    assert_eq!(now.notes.as_deref(), Some("Their notes"));
}

#[test]
fn a_field_changed_both_here_and_elsewhere_is_shown_and_the_person_chooses() {
    for choice in ['t', 'm'] {
        let dir = tempfile::tempdir().unwrap();
        let (path, ids) = book(dir.path());
        let mut app = app_on(Store::open(&path, OpenMode::Existing).unwrap().0.with_clock(common::clock()));
        edit_acme(&mut app, Some("Mine Sector"));

        let theirs = other(&path);
        let mut a = theirs.require::<Account>(ids.acme).unwrap();
        a.sector = Some("Their Sector".into());
        a.website = Some("acme.example".into());
        theirs.update(&mut a).unwrap();
        let changes = logged(&theirs);

        key(&mut app, KeyCode::Enter, 1);
        let f = form(&app);
        assert_eq!(f.clash.len(), 1, "{:?}", f.clash);
        assert_eq!((f.clash[0].label, f.clash[0].theirs.as_str()), ("Sector", "Their Sector"));
        assert_eq!(f.clash[0].mine, "Mine Sector");
        assert_eq!(f.field("Website").text(), "acme.example", "their change of another field is taken in");
        let text = screen(&app);
        assert!(text.contains("Changed by someone else since you opened this form"), "{text}");
        assert!(text.contains("theirs: Their Sector · mine: Mine Sector"), "{text}");
        assert!(text.contains("m: save mine anyway · t: keep theirs"), "{text}");
        assert_eq!(logged(&theirs), changes, "nothing saved before the person chooses");

        press(&mut app, &choice.to_string());
        assert!(matches!(app.overlay(), Overlay::None), "{:?}", app.message());
        let now = theirs.require::<Account>(ids.acme).unwrap();
        let sector = if choice == 't' { "Their Sector" } else { "Mine Sector" };
        assert_eq!(now.sector.as_deref(), Some(sector));
        assert_eq!(now.city.as_deref(), Some("Mine City"), "my other change is saved either way");
        assert_eq!(now.website.as_deref(), Some("acme.example"), "their other change is kept either way");
    }
}

// ---- the command line ----

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env_remove("RAPPORT_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn refused(db: &Path, args: &[&str], expected: &str) {
    let before = logged(&other(db));
    let out = run(db, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} was accepted");
    assert!(err.contains(expected), "{args:?}: {err}");
    assert_eq!(logged(&other(db)), before, "{args:?} changed something");
}

#[test]
fn the_command_line_refuses_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    // The binary reads the system clock.
    let yesterday = (Utc::now().date_naive() - Days::new(1)).to_string();
    refused(&db, &["log", "acme logistics", "Called", "--follow-up", "-2d"], "--follow-up: ");
    refused(&db, &["log", "acme logistics", "Called", "--follow-up", &yesterday], "is in the past");
    refused(&db, &["edit", "activity", "6", "--due", "-1d"], "--due: ");
    refused(&db, &["edit", "activity", "6", "--due", &yesterday], "is in the past; expected today or a later day");
    refused(
        &db,
        &["edit", "account", "1", "--parent", "Acme Logistik GmbH"],
        "--parent: Acme Logistik GmbH belongs under",
    );
    refused(&db, &["edit", "account", "1", "--parent", "1"], "--parent: an account cannot be its own parent");
    refused(&db, &["edit", "rep", "2", "--manager", "Rae Lindqvist"], "--manager: Lee Okafor cannot report");
    refused(&db, &["edit", "rep", "2", "--manager", "2"], "--manager: Lee Okafor cannot report");
    refused(&db, &["add", "account", "--name", "ACME logistics"], "--name: an account named");
    refused(&db, &["edit", "account", "2", "--name", "acme logistics"], "exists already (#1)");
    refused(&db, &["add", "contact", "--account", "1", "--name", "jane roe"], "a contact of that account named");
    refused(&db, &["add", "rep", "--name", "sam moreau"], "a rep named \"sam moreau\" exists already (#4)");
    // An overdue follow-up may keep its date while its summary changes.
    let out = run(&db, &["edit", "activity", "6", "--summary", "Send the pricing"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
