//! The cockpit driven by key events over the fixed book: focus, selection,
//! lookup, filters and the current account, asserted on state.

mod common;

use common::{app, key, press, screen};

use rapport::tui::app::{App, PaneId};
use rapport::tui::keymap::Keymap;
use rapport::tui::overlays::Overlay;
use rapport::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

fn names(app: &App) -> Vec<String> {
    app.portfolio().view.iter().map(|&i| app.portfolio().rows[i as usize].name.clone()).collect()
}

#[test]
fn opens_on_the_portfolio_with_the_first_account_current() {
    let (app, ids) = app(120, 40);
    assert_eq!(app.focus(), PaneId::Portfolio);
    assert_eq!(names(&app), vec!["Acme Logistics", "Acme Logistik GmbH", "Borealis Systems", "Cobalt Mining"]);
    assert_eq!(app.current(), Some(ids.acme));
    assert_eq!(app.timeline().card.as_ref().unwrap().name, "Acme Logistics");
    assert_eq!(app.badges().overdue_follow_ups, 1);
    assert_eq!(app.badges().due_today, 1);
    assert_eq!(app.badges().breached, 1);
}

#[test]
fn moving_in_the_portfolio_moves_the_current_account_everywhere() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "jj");
    assert_eq!(app.current(), Some(ids.borealis));
    assert_eq!(app.timeline().card.as_ref().unwrap().name, "Borealis Systems");
    press(&mut app, "G");
    assert_eq!(app.current(), Some(ids.cobalt));
    press(&mut app, "g");
    assert_eq!(app.current(), Some(ids.acme));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.current(), Some(ids.acme), "the top stays the top");
}

#[test]
fn tab_number_keys_and_zoom_change_focus() {
    let (mut app, _) = app(80, 24);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), PaneId::Timeline);
    app.on_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)).unwrap();
    assert_eq!(app.focus(), PaneId::Portfolio);
    press(&mut app, "4");
    assert_eq!(app.focus(), PaneId::Targets);
    press(&mut app, "z");
    assert!(app.zoomed());
    key(&mut app, KeyCode::Esc);
    assert!(!app.zoomed());
    press(&mut app, "3");
    assert_eq!(app.focus(), PaneId::Conflicts);
}

#[test]
fn lookup_by_contact_surname_opens_the_account_timeline() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "jj"); // Borealis is current before the lookup
    press(&mut app, "/roe");
    let Overlay::Search(search) = app.overlay() else { panic!("search is open") };
    assert_eq!(search.hits[0].account_id, ids.acme);
    assert_eq!(search.hits[0].reason.as_deref(), Some("contact: Jane Roe, CFO"));
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::None));
    assert_eq!(app.current(), Some(ids.acme));
    assert_eq!(app.focus(), PaneId::Timeline);
    assert_eq!(app.portfolio().selected_id(), Some(ids.acme), "the portfolio follows");
    assert_eq!(app.timeline().items[0].summary, "Called Jane about renewal pricing");
}

#[test]
fn lookup_by_caller_id_digits_and_escape_restores_the_view() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "jj");
    press(&mut app, "/");
    for c in "+44 20 7946 0123".chars() {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).unwrap();
    }
    let Overlay::Search(search) = app.overlay() else { panic!("search is open") };
    assert_eq!(search.hits[0].account_id, ids.borealis);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay(), Overlay::None));
    assert_eq!(app.current(), Some(ids.borealis));
    assert_eq!(app.focus(), PaneId::Portfolio);
}

#[test]
fn sort_and_filter_reorder_and_narrow_the_portfolio() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "s"); // by value, largest first
    assert_eq!(names(&app)[0], "Acme Logistics");
    assert_eq!(names(&app)[3], "Cobalt Mining");
    assert_eq!(app.portfolio().selected_id(), Some(ids.acme), "the selection stays on its account");
    // Filter: owner field first; step to the first rep by name (Lee Okafor).
    press(&mut app, "f");
    assert!(matches!(app.overlay(), Overlay::Filter(_)));
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter);
    assert_eq!(names(&app), vec!["Acme Logistik GmbH"]);
    press(&mut app, "F");
    assert_eq!(names(&app).len(), 4);
    // Tier filter: down to the tier field, one step to strategic.
    press(&mut app, "f");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter);
    assert_eq!(names(&app), vec!["Acme Logistics"]);
}

#[test]
fn conflict_queue_is_by_sla_and_enter_jumps_to_the_account() {
    let (mut app, ids) = app(120, 40);
    press(&mut app, "3");
    let titles: Vec<&str> =
        app.conflicts().view.iter().map(|&i| app.conflicts().rows[i as usize].title.as_str()).collect();
    assert_eq!(titles, vec!["Invoice dispute", "Late delivery"]);
    press(&mut app, "j");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current(), Some(ids.borealis));
    assert_eq!(app.focus(), PaneId::Timeline);
}

#[test]
fn target_period_steps_back_and_forward() {
    let (mut app, _) = app(120, 40);
    press(&mut app, "4");
    let start = app.targets().period;
    press(&mut app, "[");
    assert_eq!(app.targets().period, start.prev());
    press(&mut app, "]]");
    assert_eq!(app.targets().period, start.next());
}

#[test]
fn help_palette_and_quit() {
    let (mut app, _) = app(120, 40);
    press(&mut app, "?");
    assert!(matches!(app.overlay(), Overlay::Help(0)));
    press(&mut app, "j");
    assert!(matches!(app.overlay(), Overlay::Help(3)), "j scrolls the help");
    press(&mut app, "x");
    assert!(matches!(app.overlay(), Overlay::None));
    press(&mut app, ":zoom");
    key(&mut app, KeyCode::Enter);
    assert!(app.zoomed(), "the palette ran zoom");
    assert!(matches!(app.overlay(), Overlay::None));
    press(&mut app, "q");
    assert!(app.has_quit());
}

#[test]
fn timeline_entry_opens_in_full() {
    let (mut app, _) = app(120, 40);
    key(&mut app, KeyCode::Enter); // portfolio → timeline
    assert_eq!(app.focus(), PaneId::Timeline);
    press(&mut app, "j");
    key(&mut app, KeyCode::Enter);
    let Overlay::Detail(d) = app.overlay() else { panic!("detail is open") };
    assert!(d.lines.iter().any(|l| l == "Sent updated fleet proposal"), "{:?}", d.lines);
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay(), Overlay::None));
}

#[test]
fn mouse_click_focuses_and_selects_and_the_wheel_scrolls() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let (mut app, ids) = app(160, 48);
    let mouse = |kind, column, row| MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE };
    // Grid: the portfolio is top-left; its third data row is Borealis (border, header, rows).
    app.on_mouse(mouse(MouseEventKind::Down(MouseButton::Left), 10, 1 + 2 + 2)).unwrap();
    assert_eq!(app.focus(), PaneId::Portfolio);
    assert_eq!(app.current(), Some(ids.borealis));
    // A click in the conflict queue (bottom-left) focuses it.
    let conflicts = rapport::tui::layout::areas(app.size(), app.focus(), false).pane(PaneId::Conflicts).unwrap();
    app.on_mouse(mouse(MouseEventKind::Down(MouseButton::Left), conflicts.x + 3, conflicts.y + 3)).unwrap();
    assert_eq!(app.focus(), PaneId::Conflicts);
    assert_eq!(app.conflicts().nav.selected, 1);
    // The wheel over the portfolio scrolls it without taking focus.
    app.on_mouse(mouse(MouseEventKind::ScrollDown, 10, 10)).unwrap();
    assert_eq!(app.focus(), PaneId::Conflicts);
    assert_eq!(app.portfolio().selected_id(), Some(ids.cobalt));
}

#[test]
fn resizing_to_a_narrow_screen_keeps_focus_and_selection() {
    let (mut app, ids) = app(200, 60);
    press(&mut app, "jj3");
    app.resize(80, 24);
    assert_eq!(app.focus(), PaneId::Conflicts);
    assert_eq!(app.current(), Some(ids.borealis));
    let areas = rapport::tui::layout::areas(app.size(), app.focus(), app.zoomed());
    assert!(areas.tab_bar.is_some());
    assert_eq!(areas.pane(PaneId::Portfolio), None);
}

#[test]
fn a_file_database_opens_on_a_first_screen_and_loads_the_rest_behind_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let (store, _) = rapport::store::Store::open(&path, rapport::store::OpenMode::Create).unwrap();
    let store = store.with_clock(common::clock());
    let ids = common::seed(&store);
    // A screen of 10 rows holds fewer accounts than the first load asks for,
    // so use many accounts: add 60 more.
    for i in 0..60 {
        let mut a = rapport::store::Account { name: format!("Zeta {i:02}"), ..Default::default() };
        store.insert(&mut a).unwrap();
    }
    let mut app = App::new(store, Keymap::default(), Theme { color: false }, Rect::new(0, 0, 80, 10)).unwrap();
    assert!(app.loading(), "the rest loads in the background");
    // Counting every account reads the whole table: the count comes with the rest.
    assert_eq!(app.portfolio().count(), None);
    let first = screen(&app);
    assert!(first.contains("Portfolio · … accounts"), "{first}");
    assert!(first.contains("… overdue") && first.contains("… breached"), "no false zero: {first}");
    assert!(app.portfolio().rows.len() < 64, "only a screenful is read before the first frame");
    assert_eq!(app.current(), Some(ids.acme));
    press(&mut app, "G");
    assert!(!app.loading(), "a key waits for the rest");
    assert_eq!(app.portfolio().count(), Some(64));
    assert!(screen(&app).contains("Portfolio · 64 accounts"), "{}", screen(&app));
    assert_eq!(app.portfolio().rows.len(), 64);
    assert_eq!(app.portfolio().selected().unwrap().name, "Zeta 59");
}

/// The same book at the same instant, seen from Berlin and San Francisco:
/// each has their own today, and so their own overdue and due-today counts.
#[test]
fn today_and_the_header_counts_are_the_users_own() {
    use chrono::TimeZone;
    let at =
        |h: u32, d: u32| rapport::store::Clock::Fixed(chrono::Utc.with_ymd_and_hms(2026, 11, d, h, 30, 0).unwrap());
    let cockpit = |zone: chrono_tz::Tz| {
        let (store, _) = common::store();
        let store = store.with_clock(at(23, 26)).with_zone(zone);
        App::new(store, Keymap::default(), Theme { color: false }, Rect::new(0, 0, 120, 40)).unwrap()
    };
    // 23:30 UTC on the 26th: already the 27th in Berlin.
    let berlin = cockpit(chrono_tz::Europe::Berlin);
    assert_eq!(berlin.today(), common::date(2026, 11, 27));
    assert_eq!((berlin.badges().overdue_follow_ups, berlin.badges().due_today), (2, 0));
    let mut la = cockpit(chrono_tz::America::Los_Angeles);
    assert_eq!(la.today(), common::date(2026, 11, 26));
    assert_eq!((la.badges().overdue_follow_ups, la.badges().due_today), (1, 1));
    // Midnight comes to San Francisco at 08:00 UTC.
    la.store_mut().set_clock(at(7, 27));
    la.tick().unwrap();
    assert_eq!(la.today(), common::date(2026, 11, 26));
    la.store_mut().set_clock(at(8, 27));
    assert!(la.tick().unwrap());
    assert_eq!(la.today(), common::date(2026, 11, 27));
    assert_eq!((la.badges().overdue_follow_ups, la.badges().due_today), (2, 0));
}
