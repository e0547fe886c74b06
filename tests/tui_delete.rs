//! Deletes that take care of what hangs off a record, from the cockpit:
//! keys fed to an `App` over the fixed book, with undo and redo.

mod common;

use common::{key, press, screen};

use rapport::domain::Money;
use rapport::store::*;
use rapport::tui::app::App;
use rapport::tui::overlays::Overlay;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app() -> (App, common::Ids) {
    common::app(140, 40)
}

fn portfolio_names(app: &App) -> Vec<String> {
    app.portfolio().view.iter().map(|&i| app.portfolio().rows[i as usize].name.clone()).collect()
}

fn conflict_accounts(app: &App) -> Vec<String> {
    app.conflicts().rows.iter().map(|r| r.account.clone()).collect()
}

/// Hits for `query` in the lookup (`/`), closed again with Esc.
fn lookup(app: &mut App, query: &str) -> Vec<i64> {
    press(app, &format!("/{query}"));
    let Overlay::Search(s) = app.overlay() else { panic!("lookup open") };
    let hits = s.hits.iter().map(|h| h.account_id).collect();
    key(app, KeyCode::Esc);
    hits
}

/// At 80×24 the question is longer than the screen is wide: it wraps, and
/// its end (what goes with the account, and how to take it back) stays on screen.
#[test]
fn a_long_delete_question_wraps_on_a_small_screen() {
    let (mut app, ids) = common::app(80, 24);
    app.set_current(ids.acme).unwrap();
    press(&mut app, "d");
    // The popup's text, its rows joined: what is between its side borders.
    let screen = screen(&app);
    let text: Vec<&str> =
        screen.lines().filter_map(|l| Some(l.split('│').nth(1)?.trim())).filter(|t| !t.is_empty()).collect();
    let clean = text.join(" ");
    assert!(clean.contains("1 subsidiary (kept, without a parent)? (u undoes it)"), "{screen}");
    assert!(screen.contains("y yes · any other key: no"), "{screen}");
}

#[test]
fn deleting_an_account_names_what_goes_with_it_and_one_undo_brings_it_back() {
    let (mut app, ids) = app();
    let won_before = app.targets().rows[0].metrics.won;
    let overdue_before = app.badges().overdue_follow_ups;
    app.set_current(ids.acme).unwrap();
    assert_eq!(app.portfolio().selected_id(), Some(ids.acme));
    assert!(conflict_accounts(&app).contains(&"Acme Logistics".to_string()));

    press(&mut app, "d");
    let Overlay::Confirm(c) = app.overlay() else { panic!("delete asks first") };
    assert_eq!(
        c.question,
        "Delete account Acme Logistics with 2 contacts, 6 timeline entries, 1 open deal, 2 closed deals, \
         1 open conflict, 1 subsidiary (kept, without a parent)? (u undoes it)"
    );
    assert!(screen(&app).contains("Delete account Acme Logistics with 2 contacts"));
    press(&mut app, "y");
    assert!(app.message().unwrap().starts_with("deleted account Acme Logistics with 2 contacts"));

    // No pane, count or lookup shows it or anything of it.
    assert!(!portfolio_names(&app).contains(&"Acme Logistics".to_string()));
    assert!(!conflict_accounts(&app).contains(&"Acme Logistics".to_string()));
    assert_ne!(app.current(), Some(ids.acme));
    assert_eq!(
        app.targets().rows[0].metrics.won,
        won_before - Money::from_units(150_000),
        "Acme's Q4 win leaves the tracker"
    );
    assert_eq!(app.badges().overdue_follow_ups, overdue_before - 1, "Acme's overdue follow-up leaves the header");
    assert!(lookup(&mut app, "jane roe").is_empty());
    assert!(!lookup(&mut app, "acme").contains(&ids.acme));
    assert!(app.store().check().unwrap().is_empty());

    press(&mut app, "u");
    assert!(app.message().unwrap().starts_with("undid: delete account Acme Logistics (+"), "{:?}", app.message());
    assert!(portfolio_names(&app).contains(&"Acme Logistics".to_string()));
    assert!(conflict_accounts(&app).contains(&"Acme Logistics".to_string()));
    assert_eq!(app.targets().rows[0].metrics.won, won_before);
    assert_eq!(app.badges().overdue_follow_ups, overdue_before);
    assert_eq!(lookup(&mut app, "jane roe"), [ids.acme]);
    assert_eq!(app.store().require::<Account>(ids.acme_gmbh).unwrap().parent_id, Some(ids.acme));

    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)).unwrap();
    assert!(app.message().unwrap().starts_with("redid: delete account Acme Logistics"));
    assert!(!portfolio_names(&app).contains(&"Acme Logistics".to_string()));
    assert!(lookup(&mut app, "jane roe").is_empty());
    assert!(app.store().check().unwrap().is_empty());
}

#[test]
fn an_answer_other_than_yes_keeps_the_account_and_its_children() {
    let (mut app, ids) = app();
    app.set_current(ids.acme).unwrap();
    press(&mut app, "dn");
    assert_eq!(app.message(), Some("kept"));
    assert_eq!(app.store().contacts_of(ids.acme).unwrap().len(), 2);
    assert!(portfolio_names(&app).contains(&"Acme Logistics".to_string()));
}

/// Opens the reps list (from the tracker) with `name` selected.
fn reps_list_at(app: &mut App, name: &str) {
    press(app, "4R");
    let Overlay::List(list) = app.overlay() else { panic!("reps list") };
    let at = list.rows.iter().position(|r| r.cells[0] == name).unwrap();
    for _ in 0..at {
        press(app, "j");
    }
}

#[test]
fn deleting_a_rep_picks_who_takes_over_as_one_step() {
    let (mut app, ids) = app();
    reps_list_at(&mut app, "Rae Lindqvist");
    press(&mut app, "d");
    let Overlay::Confirm(c) = app.overlay() else { panic!("delete asks first") };
    assert_eq!(
        c.question,
        "Delete rep Rae Lindqvist, who owns 2 accounts, 2 open deals, 1 open conflict, 1 target? Hand them to:"
    );
    let names: Vec<&str> = c.successors.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(names, ["Lee Okafor", "Morgan Avery", "Sam Moreau"]);
    assert_eq!(c.successor().unwrap().1, "Lee Okafor", "their manager is offered first");
    press(&mut app, "jj");
    let Overlay::Confirm(c) = app.overlay() else { panic!("still asking") };
    assert_eq!(c.successor().unwrap().1, "Sam Moreau");
    assert!(screen(&app).contains("j/k pick who takes over · y yes · any other key: no"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("deleted rep Rae Lindqvist; Sam Moreau takes over (u undoes it)"));
    let owner = |app: &App, id: i64| app.store().require::<Account>(id).unwrap().owner_id;
    assert_eq!((owner(&app, ids.acme), owner(&app, ids.cobalt)), (Some(ids.sam), Some(ids.sam)));
    assert!(app.store().open_deals_of(ids.acme).unwrap().iter().all(|d| d.owner_id == Some(ids.sam)));
    assert!(!app.reps().iter().any(|r| r.name == "Rae Lindqvist"));
    assert!(app.store().check().unwrap().is_empty());
    key(&mut app, KeyCode::Esc);

    press(&mut app, "u");
    assert!(app.message().unwrap().starts_with("undid: delete rep Rae Lindqvist (+"));
    assert_eq!((owner(&app, ids.acme), owner(&app, ids.cobalt)), (Some(ids.rae), Some(ids.rae)));
    assert!(app.reps().iter().any(|r| r.name == "Rae Lindqvist"));
    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)).unwrap();
    assert_eq!((owner(&app, ids.acme), owner(&app, ids.cobalt)), (Some(ids.sam), Some(ids.sam)));
}

#[test]
fn deleting_a_contact_keeps_their_timeline_entries() {
    let (mut app, ids) = app();
    app.set_current(ids.acme).unwrap();
    press(&mut app, "2C");
    let Overlay::List(list) = app.overlay() else { panic!("contacts list") };
    assert_eq!(list.rows[0].cells[0], "Jane Roe ★");
    press(&mut app, "dy");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.timeline().total, 6);
    let jane = app.timeline().items.iter().filter(|i| i.contact.as_deref() == Some("Jane Roe")).count();
    assert_eq!(jane, 3, "the entries keep the name");
    assert!(screen(&app).contains("Jane Roe"));
    press(&mut app, "u");
    assert_eq!(app.store().contacts_of(ids.acme).unwrap().len(), 2);
}
