//! Writing from the cockpit: the call-log keystroke path, forms with bad
//! input and cancel, deletes with undo and redo, and the forms on screen.

mod common;

use common::{app, key, press, screen};

use rapport::domain::*;
use rapport::store::*;
use rapport::tui::app::{App, PaneId};
use rapport::tui::overlays::Overlay;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn form_open(app: &App) -> bool {
    matches!(app.overlay(), Overlay::Form(_))
}

#[test]
fn a_call_is_logged_from_the_portfolio_in_a_few_keys() {
    let (mut app, ids) = app(80, 24);
    assert_eq!(app.focus(), PaneId::Portfolio);
    let mut keys = 0;
    let mut step = |app: &mut App, code: KeyCode| {
        keys += 1;
        app.on_key(KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
    };
    step(&mut app, KeyCode::Char('/'));
    assert!(matches!(app.overlay(), Overlay::Search(_)));
    for c in "bor".chars() {
        step(&mut app, KeyCode::Char(c));
    }
    step(&mut app, KeyCode::Enter);
    assert_eq!(app.current(), Some(ids.borealis));
    step(&mut app, KeyCode::Char('l'));
    assert!(form_open(&app), "l opens the log form");
    step(&mut app, KeyCode::Char('c'));
    let Overlay::Form(form) = app.overlay() else { panic!() };
    assert_eq!(form.field("Kind").choice_value(), "call");
    assert_eq!(form.fields[form.focus].label, "Summary", "c picks call and moves to the summary");
    let summary = "Pricing ok";
    for c in summary.chars() {
        step(&mut app, KeyCode::Char(c));
    }
    step(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::None), "saved and closed");
    assert_eq!(keys, 8 + summary.len(), "/ + 3 letters + Enter + l + c + summary + Enter");
    assert_eq!(app.message(), Some("logged call"));

    // At the top of the timeline at once, and the last touch is now everywhere.
    assert_eq!(app.timeline().items[0].summary, "Pricing ok");
    assert_eq!(app.timeline().items[0].kind, ActivityKind::Call);
    let row = app.portfolio().rows.iter().find(|r| r.id == ids.borealis).unwrap();
    assert_eq!(row.last_touch_at.as_deref(), Some("2026-11-26T14:00:00Z"));
}

#[test]
fn the_log_form_takes_a_contact_a_body_and_a_follow_up() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "l");
    press(&mut app, "m");
    press(&mut app, "QBR prep");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "tom");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "Agenda:");
    app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)).unwrap();
    press(&mut app, "- renewal");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "fri");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::None), "{:?}", app.message());
    assert_eq!(app.message(), Some("logged meeting; follow-up due 2026-11-27"));
    let top = app.store().timeline(ids.acme, None, 2).unwrap();
    let meeting = top.iter().find(|i| i.kind == ActivityKind::Meeting).unwrap();
    assert_eq!(meeting.contact.as_deref(), Some("Tom Hardy"));
    let full = app.store().require::<Activity>(meeting.id).unwrap();
    assert_eq!(full.body.as_deref(), Some("Agenda:\n- renewal"));
    assert!(top.iter().any(|i| i.kind == ActivityKind::FollowUp && i.due_on == Some(common::date(2026, 11, 27))));
}

#[test]
fn invalid_input_is_named_and_not_saved_and_cancel_asks_first() {
    let (mut app, _) = app(120, 40);
    let before = app.store().info().unwrap().counts;
    press(&mut app, "a"); // add account from the portfolio
    key(&mut app, KeyCode::Enter);
    let Overlay::Form(form) = app.overlay() else { panic!("still open") };
    assert_eq!(form.error.as_deref(), Some("not saved: Name is required"));
    press(&mut app, "Delta Freight");
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    press(&mut app, "12,5x");
    let Overlay::Form(form) = app.overlay() else { panic!() };
    assert!(form.field("Annual value").error.as_deref().unwrap().contains("not an amount"));
    key(&mut app, KeyCode::Enter);
    assert!(form_open(&app), "an invalid form does not save");
    key(&mut app, KeyCode::Esc);
    let Overlay::Form(form) = app.overlay() else { panic!("Esc on a changed form asks") };
    assert!(form.confirm_discard);
    press(&mut app, "n");
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    press(&mut app, "12.5k");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::None));
    let row = app.portfolio().rows.iter().find(|r| r.name == "Delta Freight").unwrap();
    assert_eq!(row.annual_value, Money::from_units(12_500));
    assert_eq!(app.current(), Some(row.id), "the new account is current");

    // Esc then y throws a changed form away and writes nothing.
    let counts = app.store().info().unwrap().counts;
    press(&mut app, "e");
    press(&mut app, " Ltd");
    key(&mut app, KeyCode::Esc);
    press(&mut app, "y");
    assert!(matches!(app.overlay(), Overlay::None));
    assert_eq!(app.store().info().unwrap().counts, counts);
    assert!(app.portfolio().rows.iter().any(|r| r.name == "Delta Freight"));
    assert_ne!(before, counts);
}

#[test]
fn a_resize_while_a_form_is_open_loses_nothing() {
    let (mut app, _) = app(120, 40);
    press(&mut app, "l");
    press(&mut app, "cHalf typed");
    app.resize(80, 24);
    let text = screen(&app);
    assert!(text.contains("Half typed"), "{text}");
    app.resize(200, 60);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.timeline().items[0].summary, "Half typed");
}

#[test]
fn add_a_contact_delete_it_undo_and_find_it_again() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "2C"); // timeline, contacts of Acme
    let Overlay::List(list) = app.overlay() else { panic!("contacts list") };
    assert_eq!(list.rows.len(), 2);
    press(&mut app, "a");
    press(&mut app, "Mia Chen");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "Buyer");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    press(&mut app, "mia@acme");
    key(&mut app, KeyCode::Enter);
    let Overlay::Form(form) = app.overlay() else { panic!("a bad e-mail keeps the form open") };
    assert!(form.error.as_deref().unwrap().contains("not an e-mail"));
    press(&mut app, ".example");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("saved contact Mia Chen"));
    assert_eq!(app.store().contacts_of(ids.acme).unwrap().len(), 3);

    press(&mut app, "C");
    press(&mut app, "jj"); // Jane (primary), Mia, Tom by name → Tom? rows: primary first then name
    let Overlay::List(list) = app.overlay() else { panic!() };
    let mia = list.rows.iter().position(|r| r.cells[0] == "Mia Chen").unwrap();
    let nav = list.nav.selected;
    for _ in 0..nav {
        press(&mut app, "k");
    }
    for _ in 0..mia {
        press(&mut app, "j");
    }
    press(&mut app, "d");
    let Overlay::Confirm(c) = app.overlay() else { panic!("delete asks first") };
    assert_eq!(c.question, "Delete contact Mia Chen? (u undoes it)");
    press(&mut app, "y");
    assert_eq!(app.message(), Some("deleted contact Mia Chen (u undoes it)"));
    assert_eq!(app.store().contacts_of(ids.acme).unwrap().len(), 2);
    key(&mut app, KeyCode::Esc);

    press(&mut app, "u");
    assert_eq!(app.message(), Some("undid: delete contact Mia Chen"));
    press(&mut app, "/mia");
    let Overlay::Search(s) = app.overlay() else { panic!() };
    assert_eq!(s.hits[0].account_id, ids.acme);
    assert_eq!(s.hits[0].reason.as_deref(), Some("contact: Mia Chen, Buyer"));
    key(&mut app, KeyCode::Esc);

    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)).unwrap();
    assert_eq!(app.message(), Some("redid: delete contact Mia Chen"));
    press(&mut app, "uu");
    assert_eq!(app.message(), Some("undid: add contact Mia Chen"));
    press(&mut app, "u");
    assert_eq!(app.message(), Some("nothing to undo"));
}

#[test]
fn a_deal_moves_to_won_and_a_conflict_is_resolved_from_the_keyboard() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "2D");
    let Overlay::List(list) = app.overlay() else { panic!("deals list") };
    assert_eq!(list.rows[0].cells[0], "Renewal 2027");
    press(&mut app, "]");
    assert_eq!(app.message(), Some("Renewal 2027 is now won"));
    let Overlay::List(list) = app.overlay() else { panic!("the list stays open") };
    assert!(list.rows.iter().any(|r| r.cells[0] == "Renewal 2027" && r.cells[1] == "Won"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.timeline().items[0].summary, "Deal \"Renewal 2027\" moved from negotiation to won");
    assert_eq!(app.targets().rows[0].metrics.won, Money::from_units(450_000), "the tracker counts it");

    press(&mut app, "3");
    press(&mut app, "x");
    key(&mut app, KeyCode::Enter);
    assert!(form_open(&app), "resolving needs a resolution text");
    press(&mut app, "Credit note issued");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("resolved Invoice dispute"));
    assert_eq!(app.conflicts().rows.len(), 1);
    assert_eq!(app.badges().breached, 0);
    assert_eq!(app.current(), Some(ids.acme));

    // One undo takes back the resolution and its timeline entry together.
    press(&mut app, "u");
    assert_eq!(app.conflicts().rows.len(), 2);
    assert_eq!(app.badges().breached, 1);
}

#[test]
fn a_refused_undo_says_why_and_changes_nothing() {
    let (mut app, _) = app(120, 40);
    press(&mut app, "a");
    press(&mut app, "Echo Labs");
    key(&mut app, KeyCode::Enter);
    let echo = app.current().unwrap();
    // Another window adds a contact to the new account.
    let mine = app.store().session().to_string();
    app.store_mut().set_session("another-window");
    let mut c = Contact { account_id: echo, name: "Eve Park".into(), ..Default::default() };
    app.store().insert(&mut c).unwrap();
    app.store_mut().set_session(&mine);
    press(&mut app, "u");
    assert_eq!(app.message(), Some("cannot undo: account Echo Labs has 1 contacts added after it; remove those first"));
    assert!(app.portfolio().rows.iter().any(|r| r.id == echo), "nothing changed");
    assert_eq!(app.store().contacts_of(echo).unwrap().len(), 1);
}

#[test]
fn today_lists_follow_ups_and_completes_them() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "t");
    assert!(matches!(app.overlay(), Overlay::Today), "t opens Today");
    let follow_ups: Vec<(String, String)> = app
        .today_view()
        .rows
        .items
        .iter()
        .filter(|i| matches!(i.what, rapport::tui::panes::today::What::FollowUp(_)))
        .map(|i| (i.when.clone(), i.text.clone()))
        .collect();
    assert_eq!(
        follow_ups,
        vec![
            ("2d late".to_string(), "Send renewal pricing".to_string()),
            ("today".to_string(), "Check delivery date with Priya".to_string())
        ]
    );
    press(&mut app, "x");
    assert_eq!(app.message(), Some("done: Send renewal pricing"));
    assert!(matches!(app.overlay(), Overlay::Today), "Today stays open");
    assert_eq!(app.today_view().selected().map(|i| i.text.as_str()), Some("Check delivery date with Priya"));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current(), Some(ids.borealis));
    assert_eq!(app.focus(), PaneId::Timeline);
    assert_eq!(app.badges().overdue_follow_ups, 0);
}

#[test]
fn forms_on_screen_at_80x24() {
    let (mut app, _) = app(80, 24);
    press(&mut app, "l");
    press(&mut app, "cSent the renewal quote");
    key(&mut app, KeyCode::Tab);
    press(&mut app, "ja");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    press(&mut app, "+3d");
    insta::assert_snapshot!("log_form_80x24", screen(&app));
    key(&mut app, KeyCode::Esc);
    press(&mut app, "y");
    press(&mut app, "e");
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::End);
    press(&mut app, "x");
    insta::assert_snapshot!("edit_account_form_80x24", screen(&app));
}

#[test]
fn raising_a_conflicts_severity_in_its_form_moves_its_deadline() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "3e"); // the first in the queue: Invoice dispute, high, opened 2026-11-23 10:00
    key(&mut app, KeyCode::Tab);
    press(&mut app, "c"); // critical: 8 hours
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message(), Some("saved conflict Invoice dispute"));
    let c = app.store().open_conflicts_of(ids.acme).unwrap().remove(0);
    assert_eq!((c.severity, c.sla_due_at.as_str()), (Severity::Critical, "2026-11-23T18:00:00Z"));
}
