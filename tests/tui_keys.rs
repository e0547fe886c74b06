//! Record lists take their keys from the keymap: help lists them, their
//! footer shows them as bound, and a rebound key works.

mod common;

use common::{key, press, screen};

use rapport::domain::*;
use rapport::tui::app::App;
use rapport::tui::keymap::{Action, Context, Key, Keymap};
use rapport::tui::overlays::Overlay;
use rapport::tui::theme::Theme;
use ratatui::crossterm::event::KeyCode;
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
