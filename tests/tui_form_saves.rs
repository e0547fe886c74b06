//! Deal and rep forms saved from the cockpit: every field reaches the store,
//! an edit changes only what was typed, and one undo takes the save back.

mod common;

use common::{key, press};

use rapport::domain::*;
use rapport::store::*;
use rapport::tui::app::App;
use rapport::tui::overlays::Overlay;
use ratatui::crossterm::event::KeyCode;

fn app() -> (App, common::Ids) {
    common::app(120, 40)
}

fn tab(app: &mut App, n: usize) {
    for _ in 0..n {
        key(app, KeyCode::Tab);
    }
}

fn deals_named(store: &Store, account: i64, name: &str) -> Vec<Deal> {
    store.deals_of(account).unwrap().into_iter().filter(|d| d.name == name).collect()
}

/// Selects the list row whose first cell is `name`.
fn select(app: &mut App, name: &str) {
    let Overlay::List(list) = app.overlay() else { panic!("a list is open") };
    let at = list.rows.iter().position(|r| r.cells[0] == name).unwrap_or_else(|| panic!("{name} is listed"));
    let from = list.nav.selected;
    for _ in 0..from {
        press(app, "k");
    }
    for _ in 0..at {
        press(app, "j");
    }
}

#[test]
fn a_new_deal_is_saved_from_its_form_with_every_field() {
    let (mut app, ids) = app();
    press(&mut app, "2D"); // Acme's deals
    press(&mut app, "a");
    let Overlay::Form(form) = app.overlay() else { panic!("the add-deal form") };
    assert_eq!(form.title, "Add deal");
    press(&mut app, "Fleet expansion");
    tab(&mut app, 1);
    press(&mut app, "120,000");
    tab(&mut app, 1);
    press(&mut app, "q"); // Qualified; a letter picks and moves on
    press(&mut app, "35");
    tab(&mut app, 1);
    press(&mut app, "2027-03-31");
    tab(&mut app, 1);
    press(&mut app, "Telematics");
    tab(&mut app, 1);
    press(&mut app, "Sam");
    key(&mut app, KeyCode::Enter);
    assert!(!matches!(app.overlay(), Overlay::Form(_)), "saved and closed: {:?}", app.message());
    assert_eq!(app.message(), Some("saved deal Fleet expansion"));

    let saved = deals_named(app.store(), ids.acme, "Fleet expansion");
    assert_eq!(saved.len(), 1);
    let d = &saved[0];
    assert_eq!(d.account_id, ids.acme);
    assert_eq!(d.amount, Money::from_units(120_000));
    assert_eq!(d.stage, DealStage::Qualified);
    assert_eq!((d.probability, d.probability_manual), (35, true));
    assert_eq!(d.expected_close, Some(common::date(2027, 3, 31)));
    assert_eq!(d.product.as_deref(), Some("Telematics"));
    assert_eq!(d.owner_id, Some(ids.sam));

    press(&mut app, "u");
    assert!(deals_named(app.store(), ids.acme, "Fleet expansion").is_empty(), "one undo takes the save back");
}

#[test]
fn editing_a_deal_changes_only_what_was_typed() {
    let (mut app, ids) = app();
    let before = deals_named(app.store(), ids.acme, "Renewal 2027").remove(0);
    press(&mut app, "2D");
    select(&mut app, "Renewal 2027");
    press(&mut app, "e");
    let Overlay::Form(form) = app.overlay() else { panic!("the edit-deal form") };
    assert_eq!(form.title, "Edit deal Renewal 2027");
    tab(&mut app, 1); // Amount
    for _ in 0..20 {
        key(&mut app, KeyCode::Backspace);
    }
    press(&mut app, "325000");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("saved deal Renewal 2027"));

    let after = app.store().require::<Deal>(before.meta.id).unwrap();
    assert_eq!(after.amount, Money::from_units(325_000));
    assert_eq!(
        (after.stage, after.expected_close, after.owner_id, &after.product, after.account_id),
        (before.stage, before.expected_close, before.owner_id, &before.product, before.account_id),
        "the fields left alone are as they were"
    );
    press(&mut app, "u");
    assert_eq!(app.store().require::<Deal>(before.meta.id).unwrap().amount, before.amount);
}

#[test]
fn a_new_rep_is_saved_from_its_form_under_a_manager() {
    let (mut app, ids) = app();
    press(&mut app, "4R"); // the tracker's reps list
    let Overlay::List(list) = app.overlay() else { panic!("the reps list") };
    let listed = list.rows.len();
    press(&mut app, "a");
    let Overlay::Form(form) = app.overlay() else { panic!("the add-rep form") };
    assert_eq!(form.title, "Add rep");
    press(&mut app, "Noor Haddad");
    tab(&mut app, 1);
    press(&mut app, "t"); // Team lead
    press(&mut app, "Morgan");
    tab(&mut app, 1);
    press(&mut app, "noor@example.com");
    tab(&mut app, 1);
    press(&mut app, "+44 20 7946 0999");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("saved rep Noor Haddad"));

    let reps = app.store().reps().unwrap();
    assert_eq!(reps.len(), listed + 1);
    let id = reps.iter().find(|r| r.name == "Noor Haddad").expect("saved").id;
    let noor = app.store().require::<Rep>(id).unwrap();
    assert_eq!(noor.role, RepRole::Lead);
    assert_eq!(noor.manager_id, Some(ids.manager));
    assert_eq!(noor.email.as_deref(), Some("noor@example.com"));
    assert_eq!(noor.phone.as_deref(), Some("+44 20 7946 0999"));

    press(&mut app, "u");
    assert!(app.store().reps().unwrap().iter().all(|r| r.name != "Noor Haddad"), "undo takes it back");
}

#[test]
fn a_rep_form_with_a_bad_e_mail_stays_open_and_writes_nothing() {
    let (mut app, _) = app();
    press(&mut app, "4R");
    press(&mut app, "a");
    press(&mut app, "Noor Haddad");
    tab(&mut app, 3);
    press(&mut app, "noor-at-example");
    key(&mut app, KeyCode::Enter);
    let Overlay::Form(form) = app.overlay() else { panic!("the form stays open") };
    assert!(form.error.as_deref().unwrap_or_default().contains("not an e-mail"), "{:?}", form.error);
    assert!(app.store().reps().unwrap().iter().all(|r| r.name != "Noor Haddad"));
}
