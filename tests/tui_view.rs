//! A cockpit that remembers: the view kept on quit in `<db>.view.json` is
//! put back by the next cockpit on the same file; what no longer applies is
//! dropped quietly. Keys fed to an `App` over the fixed book in a temp file.

mod common;

use common::{book_in as book, press};

use rapport::domain::{Period, Severity, Tier};
use rapport::store::*;
use rapport::tui::app::{App, PaneId};
use rapport::tui::keymap::Keymap;
use rapport::tui::saved::{self, SavedView};
use rapport::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A cockpit on the file, as `rapport` opens it: with the kept view unless `fresh`.
fn cockpit(db: &Path, fresh: bool) -> App {
    let (store, _) = Store::open(db, OpenMode::Existing).unwrap();
    let mut app = App::new(
        store.with_clock(common::clock()),
        Keymap::default(),
        Theme { color: false },
        Rect::new(0, 0, 140, 40),
    )
    .unwrap();
    if !fresh {
        if let Some(v) = saved::load(db).unwrap() {
            app.restore_view(&v).unwrap();
        }
    }
    app
}

/// Quits with `q`, keeping the view as the cockpit does on quit.
fn quit(mut app: App, db: &Path) {
    press(&mut app, "q");
    assert!(app.has_quit());
    saved::save(db, &app.saved_view()).unwrap();
}

fn names(app: &App) -> Vec<String> {
    app.portfolio().view.iter().map(|&i| app.portfolio().rows[i as usize].name.clone()).collect()
}

#[test]
fn the_cockpit_reopens_where_it_was_left() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let mut app = cockpit(&db, false);
    app.poll_loading(true).unwrap();
    assert_eq!(app.focus(), PaneId::Portfolio);
    press(&mut app, "s"); // sort by value
    assert_eq!(app.portfolio().sort, AccountSort::ValueDesc);
    let h = app.pane_rows(PaneId::Portfolio);
    app.portfolio_mut().set_filter(AccountFilter { tier: Some(Tier::Standard), ..Default::default() }, h);
    assert_eq!(names(&app), ["Acme Logistik GmbH", "Cobalt Mining"]);
    press(&mut app, "j");
    assert_eq!(app.current(), Some(ids.cobalt));
    app.conflicts_mut().set_filter(None, Some(Severity::High), 10);
    press(&mut app, "4[");
    assert_eq!(app.targets().period, Period::Quarter(2026, 3));
    press(&mut app, "3");
    quit(app, &db);

    let path = saved::path_for(&db).unwrap();
    assert_eq!(path, dir.path().join("book.db.view.json"));
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);

    let app = cockpit(&db, false);
    assert_eq!(app.focus(), PaneId::Conflicts);
    assert_eq!(app.current(), Some(ids.cobalt));
    assert_eq!(app.timeline().card.as_ref().unwrap().name, "Cobalt Mining");
    assert_eq!(app.portfolio().sort, AccountSort::ValueDesc);
    assert_eq!(app.portfolio().filter.tier, Some(Tier::Standard));
    assert_eq!(names(&app), ["Acme Logistik GmbH", "Cobalt Mining"]);
    assert_eq!(app.portfolio().selected_id(), Some(ids.cobalt));
    assert_eq!(app.conflicts().severity_filter, Some(Severity::High));
    assert_eq!(app.targets().period, Period::Quarter(2026, 3));
    assert!(!app.loading(), "a kept sort or filter is applied to the whole book");

    // --fresh-view starts clean.
    let fresh = cockpit(&db, true);
    assert_eq!(fresh.focus(), PaneId::Portfolio);
    assert_eq!(fresh.portfolio().sort, AccountSort::Name);
    assert!(fresh.portfolio().filter.is_empty());
    assert_eq!(fresh.current(), Some(ids.acme));
    assert_eq!(fresh.targets().period, Period::Quarter(2026, 4));
}

#[test]
fn a_filter_on_a_deleted_rep_or_account_is_dropped_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (db, ids) = book(dir.path());
    let mut app = cockpit(&db, false);
    app.poll_loading(true).unwrap();
    let h = app.pane_rows(PaneId::Portfolio);
    app.portfolio_mut().set_filter(AccountFilter { owner_id: Some(ids.sam), ..Default::default() }, h);
    app.conflicts_mut().set_filter(Some(ids.sam), None, 10);
    app.set_current(ids.borealis).unwrap();
    quit(app, &db);

    {
        let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
        store.delete_rep(ids.sam, Some(ids.rae)).unwrap();
        store.delete_account(ids.borealis).unwrap();
    }
    let app = cockpit(&db, false);
    assert!(app.portfolio().filter.is_empty(), "Sam is gone, and so is the filter on him");
    assert_eq!(app.conflicts().owner_filter, None);
    assert_eq!(names(&app), ["Acme Logistics", "Acme Logistik GmbH", "Cobalt Mining"]);
    assert_eq!(app.current(), Some(ids.acme), "the deleted account is not brought back");
    assert_eq!(app.message(), None, "nothing to say about it");
}

#[test]
fn nothing_from_a_form_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = book(dir.path());
    let mut app = cockpit(&db, false);
    press(&mut app, "l");
    press(&mut app, "Secret pricing talk");
    // Ctrl-C with a changed form asks, and yes quits.
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)).unwrap();
    app.on_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)).unwrap();
    assert!(app.has_quit());
    saved::save(&db, &app.saved_view()).unwrap();
    let text = std::fs::read_to_string(saved::path_for(&db).unwrap()).unwrap();
    assert!(!text.contains("Secret"), "{text}");
    let v: SavedView = serde_json::from_str(&text).unwrap();
    assert_eq!(v.focus.as_deref(), Some("portfolio"));
}

#[test]
fn fresh_view_is_a_flag_of_the_cockpit() {
    use clap::Parser;
    assert!(rapport::cli::Cli::try_parse_from(["rapport", "--fresh-view"]).unwrap().fresh_view);
    assert!(!rapport::cli::Cli::try_parse_from(["rapport"]).unwrap().fresh_view);
}
