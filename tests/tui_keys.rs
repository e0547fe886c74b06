//! Record lists, the filter menu, the question before a delete and the
//! lookup take their keys from the keymap: help lists them, their hint
//! lines show them as bound, and a key rebound in the config file works.

mod common;

use common::{key, press, screen};

use rapport::domain::*;
use rapport::tui::app::{App, PaneId};
use rapport::tui::config::parse_keymap;
use rapport::tui::keymap::{Action, Context, Key, Keymap};
use rapport::tui::overlays::Overlay;
use rapport::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

#[test]
fn a_rebound_list_key_works_shows_in_the_footer_and_in_help() {
    let (store, ids) = common::store();
    let mut keymap = Keymap::default();
    keymap.rebind(Context::List, Action::Won, &[Key::parse("W").unwrap()]);
    let mut app = App::new(store, keymap, Theme { color: false }, Rect::new(0, 0, 120, 40)).unwrap();
    press(&mut app, "2D");
    let text = screen(&app);
    let footer = text.lines().find(|l| l.contains("next")).expect("the list's keys");
    assert!(footer.contains("] next · [ back · W won · L lost · a add · e edit · d delete · esc close"), "{footer}");
    press(&mut app, "w");
    assert_eq!(app.message(), None, "w is no longer bound");
    press(&mut app, "W");
    assert_eq!(app.message(), Some("Renewal 2027 is now won"));
    let won = app.store().deals_of(ids.acme).unwrap().into_iter().find(|d| d.name == "Renewal 2027").unwrap();
    assert_eq!(won.stage, DealStage::Won);
    assert!(matches!(app.overlay(), Overlay::List(_)), "the list stays open");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay(), Overlay::None), "esc closes it, as everywhere");

    press(&mut app, "?");
    let mut help = screen(&app);
    for _ in 0..6 {
        press(&mut app, "j");
        help.push_str(&screen(&app));
    }
    assert!(help.contains("In record lists"), "{help}");
    assert!(help.contains("Mark the deal won"), "{help}");
}

/// The cockpit over the test book with the keys of `config` (a config file's text).
fn app_with(config: &str, w: u16, h: u16) -> (App, common::Ids) {
    let (store, ids) = common::store();
    let keymap = parse_keymap(config).unwrap();
    (App::new(store, keymap, Theme { color: false }, Rect::new(0, 0, w, h)).unwrap(), ids)
}

#[test]
fn a_confirm_key_rebound_in_the_config_deletes_and_the_old_one_keeps() {
    let (mut app, ids) = app_with("[keys.confirm]\nyes = \"o\"\n", 120, 40);
    app.set_current(ids.acme).unwrap();
    press(&mut app, "2C");
    press(&mut app, "d");
    assert!(matches!(app.overlay(), Overlay::Confirm(_)), "delete asks first");
    let question = screen(&app);
    assert!(question.contains("o yes · any other key: no"), "the hint shows the bound key: {question}");
    press(&mut app, "y");
    assert_eq!(app.message(), Some("kept"), "y is no longer yes");
    assert_eq!(app.store().contacts_of(ids.acme).unwrap().len(), 2);
    assert!(matches!(app.overlay(), Overlay::List(_)), "back to the list");
    press(&mut app, "do");
    assert_eq!(app.message(), Some("deleted contact Jane Roe (u undoes it)"));
    assert_eq!(app.store().contacts_of(ids.acme).unwrap().len(), 1);
}

#[test]
fn filter_keys_rebound_in_the_config_move_pick_and_apply() {
    let config = "[keys.filter]\napply = \"a\"\nnext_choice = \"n\"\ndown = \"ctrl-n\"\n";
    let (mut app, ids) = app_with(config, 120, 40);
    assert_eq!(app.focus(), PaneId::Portfolio);
    press(&mut app, "f");
    assert!(matches!(app.overlay(), Overlay::Filter(_)));
    let menu = screen(&app);
    assert!(menu.contains("↑/ctrl-n field · ←/n value · x clear · a apply · esc cancel"), "{menu}");
    // Owner: "any", then the reps by name; n steps to the first of them.
    press(&mut app, "l");
    let Overlay::Filter(f) = app.overlay() else { panic!("l is no longer a filter key here: the menu stays") };
    assert_eq!(f.choices[0].1, 0, "l no longer moves the value");
    press(&mut app, "n");
    let Overlay::Filter(f) = app.overlay() else { panic!("the menu stays open") };
    let owner = f.choices[0].0[f.choices[0].1].clone();
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::Filter(_)), "Enter no longer applies");
    press(&mut app, "a");
    assert!(matches!(app.overlay(), Overlay::None), "a applies and closes");
    let rep = app.reps().iter().find(|r| r.name == owner).expect("a rep was chosen").id;
    assert_eq!(app.portfolio().filter.owner_id, Some(rep));
    let p = app.portfolio();
    let shown: Vec<&str> = p.view.iter().map(|&i| p.rows[i as usize].name.as_str()).collect();
    assert!(p.view.iter().all(|&i| p.rows[i as usize].owner_id == Some(rep)), "{shown:?}");
    assert!(!shown.is_empty() && shown.len() < 4, "the filter took effect: {shown:?}");
    assert!(p.view.iter().any(|&i| p.rows[i as usize].id == ids.acme) == (owner == "Rae Lindqvist"));
}

#[test]
fn search_keys_come_from_the_keymap_and_letters_stay_typed() {
    let (mut app, ids) = app_with("[keys.search]\nopen = \"ctrl-o\"\n", 120, 40);
    press(&mut app, "/");
    // j and k are the query here, never the list's keys: the lookup does not fall back to global keys.
    press(&mut app, "jane");
    let Overlay::Search(s) = app.overlay() else { panic!("the lookup is open") };
    assert_eq!(s.input.text, "jane");
    assert!(screen(&app).contains("↑/↓ choose · ctrl-o open · esc back"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::Search(_)), "Enter no longer opens");
    app.on_key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL)).unwrap();
    assert!(matches!(app.overlay(), Overlay::None));
    assert_eq!(app.current(), Some(ids.acme), "Jane Roe is at Acme");
}

#[test]
fn help_lists_the_keys_of_the_filter_menu_the_delete_question_and_the_lookup() {
    let (mut app, _) = app_with("[keys.confirm]\nyes = [\"o\", \"enter\"]\n", 100, 60);
    press(&mut app, "?");
    let mut help = screen(&app);
    for _ in 0..8 {
        press(&mut app, "j");
        help.push_str(&screen(&app));
    }
    for wanted in [
        "In the filter menu (f)",
        "Apply the filter",
        "The field's next value",
        "Before a delete (any other key keeps the record)",
        "Yes: delete it (any other key keeps it)",
        "In lookup (/): type to search, and",
    ] {
        assert!(help.contains(wanted), "{wanted:?} in {help}");
    }
    let yes = help.lines().find(|l| l.contains("Yes: delete it")).unwrap();
    let keys = yes.split("Yes:").next().unwrap().trim_matches(|c: char| c == ' ' || c == '│' || c == '┃');
    assert_eq!(keys, "enter, o", "the rebound keys, y no longer among them: {yes}");
}

#[test]
fn help_from_the_queue_lists_every_context_snapshot() {
    let (mut app, _) = app_with("", 100, 100);
    press(&mut app, "3?");
    insta::assert_snapshot!("help_queue_100x100", screen(&app));
}
