//! The cockpit drawn on a test terminal over the fixed book, compared with
//! reviewed snapshots, at the sizes people use.

mod common;

use common::{app_over, press, screen};

use rapport::domain::*;
use rapport::store::*;
use rapport::tui::app::App;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app(w: u16, h: u16) -> App {
    app_over(common::store().0, w, h)
}

#[test]
fn cockpit_80x24() {
    insta::assert_snapshot!(screen(&app(80, 24)));
}

#[test]
fn cockpit_160x48() {
    insta::assert_snapshot!(screen(&app(160, 48)));
}

#[test]
fn each_pane_at_80x24() {
    let mut a = app(80, 24);
    for (key, name) in [("2", "timeline"), ("3", "conflicts"), ("4", "targets")] {
        press(&mut a, key);
        insta::assert_snapshot!(format!("pane_{name}_80x24"), screen(&a));
    }
}

#[test]
fn each_pane_zoomed_at_160x48() {
    let mut a = app(160, 48);
    for (key, name) in [("1", "portfolio"), ("2", "timeline"), ("3", "conflicts"), ("4", "targets")] {
        press(&mut a, key);
        press(&mut a, "z");
        insta::assert_snapshot!(format!("pane_{name}_zoomed_160x48"), screen(&a));
        press(&mut a, "z");
    }
}

#[test]
fn lookup_and_help_overlays() {
    let mut a = app(80, 24);
    press(&mut a, "/jane");
    insta::assert_snapshot!("lookup_jane_80x24", screen(&a));
    a.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)).unwrap();
    press(&mut a, "?");
    insta::assert_snapshot!("help_portfolio_80x24", screen(&a));
}

#[test]
fn hostile_names_are_drawn_as_harmless_text() {
    let (store, ids) = common::store();
    let mut evil =
        Account { name: "\x1b]0;owned\x07Acme\x1b[2J".into(), owner_id: Some(ids.rae), ..Default::default() };
    store.insert(&mut evil).unwrap();
    let mut note = Activity {
        account_id: evil.meta.id,
        kind: ActivityKind::Call,
        occurred_at: "2026-11-26T09:00:00Z".into(),
        summary: "\u{202e}gnp.exe\x1b[31m red".into(),
        ..Default::default()
    };
    store.insert(&mut note).unwrap();
    let mut a = app_over(store, 160, 48);
    a.set_current(evil.meta.id).unwrap();
    let text = screen(&a);
    assert!(!text.contains('\x1b'), "no escape reaches the terminal");
    assert!(!text.contains('\x07'));
    assert!(!text.contains('\u{202e}'), "no bidi override reaches the terminal");
    assert!(!text.contains("owned"), "the OSC title payload is dropped whole");
    assert!(text.contains("gnp.exe red"), "the summary shows as plain text:\n{text}");
    let rows: Vec<&str> = a.portfolio().rows.iter().map(|r| r.name.as_str()).collect();
    assert!(rows.contains(&"Acme"), "{rows:?}");
}

/// The timeline of an account with a call at 23:30 UTC, zoomed, in `zone`.
fn timeline_in(zone: chrono_tz::Tz) -> String {
    let (store, ids) = common::store();
    let store = store
        .with_clock(Clock::Fixed(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 27, 9, 0, 0).unwrap()))
        .with_zone(zone);
    common::activity(&store, ids.borealis, ActivityKind::Call, "2026-11-26T23:30:00Z", "Late call", None, None);
    let mut a = app_over(store, 100, 30);
    a.set_current(ids.borealis).unwrap();
    press(&mut a, "2z");
    screen(&a)
}

/// The day heading an entry falls under, and its time, as drawn.
fn heading_and_time_of(screen: &str, summary: &str) -> (String, String) {
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines.iter().position(|l| l.contains(summary)).unwrap_or_else(|| panic!("{summary} not drawn:\n{screen}"));
    let heading = lines[..at]
        .iter()
        .rev()
        .map(|l| l.trim_matches(|c: char| c == '┃' || c.is_whitespace()))
        .find(|l| l.len() > 10 && l.ends_with("2026") && !l.contains("Call"))
        .unwrap_or_else(|| panic!("no day heading above {summary}:\n{screen}"))
        .to_string();
    let time = lines[at].trim_start_matches(|c: char| c == '┃' || c.is_whitespace())[..5].to_string();
    (heading, time)
}

#[test]
fn timeline_times_and_days_are_the_users() {
    use chrono_tz::{America::Los_Angeles, Europe::Berlin};
    let berlin = timeline_in(Berlin);
    assert_eq!(heading_and_time_of(&berlin, "Late call"), ("Fri 27 Nov 2026".into(), "00:30".into()), "{berlin}");
    let la = timeline_in(Los_Angeles);
    assert_eq!(heading_and_time_of(&la, "Late call"), ("Thu 26 Nov 2026".into(), "15:30".into()), "{la}");
    let utc = timeline_in(chrono_tz::UTC);
    assert_eq!(heading_and_time_of(&utc, "Late call"), ("Thu 26 Nov 2026".into(), "23:30".into()), "{utc}");
    // The seeded 14:00 UTC entries move with the zone too.
    assert!(berlin.contains("  11:00 Follow  Check delivery date"), "{berlin}");
    assert!(la.contains("  02:00 Follow  Check delivery date"), "{la}");
    assert!(utc.contains("  10:00 Follow  Check delivery date"), "{utc}");
}
