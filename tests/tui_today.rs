//! Today and account health in the cockpit: the Today list over the panes
//! (80 columns) and as a fifth pane (160), going to an item's account,
//! dismissing and snoozing suggestions with undo, the portfolio's health
//! column and the card's reasons — on the fixed book at a fixed today.

mod common;

use common::{app, app_over, ctrl, key, press, screen};

use rapport::domain::suggest::SuggestionKind;
use rapport::domain::ActivityKind;
use rapport::store::Store;
use rapport::tui::app::{App, PaneId};
use rapport::tui::overlays::Overlay;
use rapport::tui::panes::today::Section;
use ratatui::crossterm::event::KeyCode;

fn everyone() -> rapport::domain::scope::Resolved {
    rapport::domain::scope::Resolved { label: "everyone".into(), root: None, reps: None }
}

/// The keys of the suggestions the store makes now, everyone's.
fn suggestion_keys(store: &Store) -> Vec<String> {
    store.suggestions(&everyone(), common::date(2026, 11, 26)).unwrap().into_iter().map(|s| s.key).collect()
}

/// Moves Today's selection onto the first row that passes `f`.
fn select(app: &mut App, f: impl Fn(&rapport::tui::panes::today::Item) -> bool) -> rapport::tui::panes::today::Item {
    press(app, "g");
    for _ in 0..app.today_view().rows.items.len() {
        if let Some(item) = app.today_view().selected() {
            if f(item) {
                return item.clone();
            }
        }
        press(app, "j");
    }
    panic!("no such row in Today: {}", screen(app));
}

fn first_suggestion(app: &mut App) -> rapport::tui::panes::today::Item {
    select(app, |i| i.section == Section::Suggested)
}

#[test]
fn t_opens_today_over_the_panes_where_there_is_no_room_for_its_pane() {
    let (mut app, _) = app(80, 24);
    press(&mut app, "t");
    assert!(matches!(app.overlay(), Overlay::Today), "{}", screen(&app));
    let s = screen(&app);
    for heading in [
        "Overdue follow-ups",
        "Due today",
        "Conflicts past or near their SLA",
        "Renewals in the next 30 days",
        "Suggested",
    ] {
        assert!(s.contains(heading), "{heading} is missing:\n{s}");
    }
    // Esc closes it; t again opens it.
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay(), Overlay::None));
    press(&mut app, "t");
    assert!(matches!(app.overlay(), Overlay::Today));
}

#[test]
fn today_at_80x24() {
    let (mut app, _) = app(80, 24);
    press(&mut app, "t");
    insta::assert_snapshot!("today_80x24", screen(&app));
}

#[test]
fn today_is_a_fifth_pane_at_160x48() {
    let (mut app, _) = app(160, 48);
    // It is there before anyone asks for it, and t focuses it.
    assert!(screen(&app).contains("5 Today"), "{}", screen(&app));
    press(&mut app, "t");
    assert_eq!(app.focus(), PaneId::Today);
    assert!(matches!(app.overlay(), Overlay::None));
    insta::assert_snapshot!("today_160x48", screen(&app));
    // Tab goes round five panes here.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), PaneId::Portfolio);
    // Narrowed below 160 columns, Today goes over the panes instead.
    press(&mut app, "5");
    app.resize(100, 30);
    assert!(matches!(app.overlay(), Overlay::Today) && app.focus() == PaneId::Portfolio);
}

#[test]
fn follow_ups_come_first_mine_first_then_conflicts_renewals_and_suggestions() {
    let (mut app, ids) = app(80, 24);
    press(&mut app, "t");
    let sections: Vec<Section> = app.today_view().rows.items.iter().map(|i| i.section).collect();
    let mut sorted = sections.clone();
    sorted.sort();
    assert_eq!(sections, sorted, "sections in order");
    let overdue = &app.today_view().rows.items[0];
    assert_eq!((overdue.section, overdue.account_id), (Section::Overdue, Some(ids.acme)));
    assert_eq!(overdue.text, "Send renewal pricing");
    let renewal = select(&mut app, |i| i.section == Section::Renewals);
    assert_eq!(renewal.account_id, Some(ids.borealis), "Borealis renews on 2026-12-10");
}

#[test]
fn enter_on_a_row_goes_to_its_account() {
    let (mut app, ids) = app(80, 24);
    app.set_current(ids.cobalt).unwrap();
    press(&mut app, "t");
    let item = select(&mut app, |i| i.section == Section::Renewals);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::None), "Today closes");
    assert_eq!(app.current(), item.account_id);
    assert_eq!(app.current(), Some(ids.borealis));
    assert_eq!(app.focus(), PaneId::Timeline);
    assert!(screen(&app).contains("Borealis Systems"), "{}", screen(&app));
}

#[test]
fn enter_on_a_keep_warm_suggestion_opens_the_log_form_filled_in() {
    let (mut app, _) = app(80, 24);
    press(&mut app, "t");
    let item = select(&mut app, |i| i.suggestion().is_some_and(|s| s.kind == SuggestionKind::KeepWarm));
    let s = item.suggestion().unwrap().clone();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current(), Some(s.account_id));
    let Overlay::Form(form) = app.overlay() else { panic!("the log form opens: {}", screen(&app)) };
    assert_eq!(form.field("Kind").choice_value(), ActivityKind::Call.as_str());
    assert_eq!(form.field("Summary").text(), s.action);
    assert_eq!(form.field("Follow-up text").text(), format!("Follow up: {}", s.action));
    if s.contact_id.is_some() {
        assert!(!form.field("Contact").text().is_empty(), "whom to call is filled in");
    }
    // Logging the call is acting on it: the rule stops firing.
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::None), "saved: {:?}", app.message());
    assert!(!suggestion_keys(app.store()).contains(&s.key), "a logged call resets the cadence");
    press(&mut app, "t");
    assert!(app.today_view().rows.items.iter().all(|i| i.suggestion().is_none_or(|x| x.key != s.key)));
}

#[test]
fn x_dismisses_a_suggestion_and_u_brings_it_back() {
    let (mut app, _) = app(80, 24);
    press(&mut app, "t");
    let item = first_suggestion(&mut app);
    let key_of = item.suggestion().unwrap().key.clone();
    press(&mut app, "x");
    assert!(matches!(app.overlay(), Overlay::Ask(_)), "asks why: {}", screen(&app));
    assert!(screen(&app).contains("Why (optional)"), "{}", screen(&app));
    press(&mut app, "already in touch by phone");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::Today), "back to Today: {}", screen(&app));
    assert!(app.message().unwrap_or("").starts_with("dismissed:"), "{:?}", app.message());
    let shown = |app: &App| app.today_view().rows.items.iter().any(|i| i.suggestion().is_some_and(|s| s.key == key_of));
    assert!(!shown(&app), "gone from Today");
    assert!(!suggestion_keys(app.store()).contains(&key_of), "and from the store's list");

    press(&mut app, "u");
    assert!(matches!(app.overlay(), Overlay::Today), "undo keeps Today open");
    assert!(shown(&app), "undo brings it back: {}", screen(&app));
    assert!(suggestion_keys(app.store()).contains(&key_of));

    // Esc at the question keeps the suggestion.
    let _ = first_suggestion(&mut app);
    press(&mut app, "x");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay(), Overlay::Today));
    assert!(shown(&app));
}

#[test]
fn s_snoozes_a_suggestion_for_a_day_a_week_or_until_a_date() {
    let (mut app, _) = app(80, 24);
    press(&mut app, "t");
    let before = suggestion_keys(app.store());
    assert!(before.len() >= 2, "the fixed book makes suggestions: {before:?}");

    // A day: Enter takes the first choice.
    let first = first_suggestion(&mut app).suggestion().unwrap().key.clone();
    press(&mut app, "s");
    assert!(screen(&app).contains("a day") && screen(&app).contains("a week"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(app.message().unwrap_or("").contains("snoozed until 2026-11-27"), "{:?}", app.message());
    assert!(!suggestion_keys(app.store()).contains(&first));
    // It comes back on its date.
    let back = app.store().suggestions(&everyone(), common::date(2026, 11, 27)).unwrap();
    assert!(back.iter().any(|s| s.key == first), "back on 2026-11-27");

    // A date typed; one in the past is refused and nothing is written.
    let second = first_suggestion(&mut app).suggestion().unwrap().key.clone();
    press(&mut app, "s");
    press(&mut app, "2026-11-01");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::Ask(_)), "still asking: {}", screen(&app));
    assert!(suggestion_keys(app.store()).contains(&second), "nothing written");
    for _ in 0.."2026-11-01".len() {
        key(&mut app, KeyCode::Backspace);
    }
    press(&mut app, "2026-12-15");
    assert!(screen(&app).contains("Tue 15 Dec 2026"), "the day understood: {}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(app.message().unwrap_or("").contains("snoozed until 2026-12-15"), "{:?}", app.message());
    assert!(!suggestion_keys(app.store()).contains(&second));

    // Undo takes the snooze back.
    press(&mut app, "u");
    assert!(suggestion_keys(app.store()).contains(&second));
    ctrl(&mut app, 'r');
    assert!(!suggestion_keys(app.store()).contains(&second), "and redo snoozes it again");
}

#[test]
fn x_and_s_on_a_renewal_say_they_are_for_suggestions() {
    let (mut app, _) = app(80, 24);
    press(&mut app, "t");
    let _ = select(&mut app, |i| i.section == Section::Renewals);
    press(&mut app, "x");
    assert!(matches!(app.overlay(), Overlay::Today));
    assert!(app.message().unwrap_or("").contains("only a suggestion"), "{:?}", app.message());
    press(&mut app, "s");
    assert!(matches!(app.overlay(), Overlay::Today));
    assert!(app.message().unwrap_or("").contains("only a suggestion"), "{:?}", app.message());
}

#[test]
fn help_lists_todays_keys() {
    let (mut app, _) = app(100, 60);
    press(&mut app, "?");
    let s = screen(&app);
    assert!(s.contains("Today keys"), "{s}");
    assert!(s.contains("Dismiss the suggestion") && s.contains("Snooze the suggestion"), "{s}");
    assert!(s.contains("reasons behind the account's health") || s.contains("Today: follow-ups due"), "{s}");
}

#[test]
fn the_portfolio_shows_health_as_a_mark_and_a_score_and_sorts_by_it() {
    let (mut app, _) = app(100, 12);
    press(&mut app, "z");
    insta::assert_snapshot!("health_column_100x12", screen(&app));
    // Without colour the mark still tells the band: the theme here has none.
    for _ in 0..6 {
        press(&mut app, "s");
    }
    assert!(screen(&app).contains("by health"), "{}", screen(&app));
    let scores: Vec<u8> = app
        .portfolio()
        .view
        .iter()
        .map(|&i| app.portfolio().health[&app.portfolio().rows[i as usize].id].score)
        .collect();
    let mut sorted = scores.clone();
    sorted.sort();
    assert_eq!(scores, sorted, "the worst first");
}

#[test]
fn h_shows_the_reasons_behind_an_accounts_health() {
    let (mut app, ids) = app(100, 30);
    app.set_current(ids.borealis).unwrap();
    press(&mut app, "2");
    let health = app.store().health_of(ids.borealis, common::date(2026, 11, 26)).unwrap().unwrap();
    assert_eq!(app.portfolio().health[&ids.borealis].score, health.score, "the portfolio keeps the score");
    // Not the reasons: the portfolio's `Mark` has no room for them.
    assert!(!health.reasons.is_empty(), "Borealis has reasons: {health:?}");
    let mark = format!("{} {} {}", health.band.symbol(), health.score, health.band.label());
    assert!(screen(&app).contains(&mark), "{}", screen(&app));
    press(&mut app, "h");
    let s = screen(&app);
    for r in &health.reasons {
        assert!(s.contains(r.signal), "{} is shown:\n{s}", r.signal);
    }
    insta::assert_snapshot!("health_reasons_100x30", s);
    assert!(!s.contains("(h: why)"), "the hint gives way to the reasons");
    press(&mut app, "h");
    assert!(screen(&app).contains("(h: why)"), "h again hides them: {}", screen(&app));
}

#[test]
fn on_a_file_today_and_health_are_read_behind_the_first_frame_and_again_after_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) =
        rapport::store::Store::open(&dir.path().join("book.db"), rapport::store::OpenMode::Create).unwrap();
    let store = store.with_clock(common::clock());
    let ids = common::seed(&store);
    let mut app = app_over(store, 160, 48);
    assert!(!app.insights_loading(), "nothing is read for Today before the first frame");
    assert!(screen(&app).contains("Looking through the book"), "{}", screen(&app));
    app.read_insights_behind().unwrap();
    assert!(app.insights_loading(), "the first frame drawn, Today and health are read behind it");
    app.poll_insights(true).unwrap();
    assert!(!app.insights_loading());
    assert_eq!(app.portfolio().health.len(), 4, "every account's health");
    let keep_warm =
        |app: &App| {
            app.today_view().rows.items.iter().any(|i| {
                i.suggestion().is_some_and(|s| s.kind == SuggestionKind::KeepWarm && s.account_id == ids.borealis)
            })
        };
    assert!(keep_warm(&app), "Borealis is past its cadence: {}", screen(&app));
    let before = app.portfolio().health[&ids.borealis].score;

    // A call logged on Borealis: Today and health are read again, in the background.
    app.set_current(ids.borealis).unwrap();
    press(&mut app, "lc");
    press(&mut app, "Caught up on delivery");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Overlay::None), "{:?}", app.message());
    assert!(app.insights_loading(), "read again after the write");
    app.poll_insights(true).unwrap();
    assert!(!keep_warm(&app), "the call resets the cadence: {}", screen(&app));
    assert!(app.portfolio().health[&ids.borealis].score > before, "and lifts the health");
}
