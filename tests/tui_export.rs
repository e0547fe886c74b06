//! `:export` in the cockpit: each pane's rows, as filtered and sorted, to a
//! file in the current folder, never over another; and the custom fields an
//! import keeps, on the account card and in the contact list. One test in
//! its own binary, because it moves the process into a temp folder.

mod common;

use calamine::{Data, Reader};
use common::{app_over, key, press, screen};
use rapport::domain::Tier;
use rapport::store::{AccountFilter, Entity};
use rapport::tui::app::App;
use rapport::tui::keymap::Action;
use ratatui::crossterm::event::KeyCode;

fn palette(app: &mut App, command: &str) {
    press(app, ":");
    press(app, command);
    key(app, KeyCode::Enter);
}

fn message(app: &App) -> String {
    app.message().unwrap_or_default().to_string()
}

#[test]
fn export_writes_the_focused_pane_here_and_the_card_shows_custom_fields() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    let (store, ids) = common::store();
    store
        .set_import_extras(Entity::Account, ids.acme, Some("SF-001"), Some(r#"{"Region":"EMEA","Segment":"=1+1"}"#))
        .unwrap();
    store.set_import_extras(Entity::Contact, ids.jane, None, Some(r#"{"Birthday":"1980-02-03"}"#)).unwrap();
    let mut app = app_over(store, 160, 45);

    // The portfolio, filtered to strategic accounts and sorted by value.
    app.portfolio_mut().set_filter(AccountFilter { tier: Some(Tier::Strategic), ..AccountFilter::default() }, 20);
    press(&mut app, "s");
    let shown: Vec<String> =
        app.portfolio().view.iter().map(|&i| app.portfolio().rows[i as usize].name.clone()).collect();
    assert!(!shown.is_empty() && shown.len() < app.portfolio().rows.len(), "{shown:?}");
    palette(&mut app, "export");
    let path = dir.path().join("portfolio-2026-11-26.csv");
    assert!(message(&app).contains(&format!("exported {} ", shown.len())), "{}", message(&app));
    assert!(message(&app).contains(&path.display().to_string()), "{}", message(&app));
    let text = std::fs::read_to_string(&path).unwrap();
    let names: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(names, shown.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(text.starts_with("account,tier,status,sector,owner,annual_value,last_touch_at,renewal_on,open_conflicts\n"));
    // Again: a new file beside it, never over it.
    palette(&mut app, "export");
    assert!(dir.path().join("portfolio-2026-11-26-2.csv").exists(), "{}", message(&app));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    // The conflict queue as a spreadsheet.
    press(&mut app, "3");
    palette(&mut app, "export xlsx");
    let queue = dir.path().join("queue-2026-11-26.xlsx");
    assert!(message(&app).contains("queue-2026-11-26.xlsx"), "{}", message(&app));
    let mut book = calamine::open_workbook_auto(&queue).unwrap();
    let range = book.worksheet_range("queue").unwrap();
    assert_eq!(range.rows().count(), app.conflicts().view.len() + 1);
    let first = &app.conflicts().rows[app.conflicts().view[0] as usize];
    assert_eq!(range.get((1, 1)), Some(&Data::String(first.title.clone())));
    assert!(matches!(range.get((1, 6)), Some(Data::DateTime(_))), "the SLA deadline is a date and time");

    // The current account's whole timeline, and its card's custom fields.
    app.set_current(ids.acme).unwrap();
    press(&mut app, "2");
    let card = app.timeline().card.clone().unwrap();
    assert_eq!(card.custom, vec!["Region: EMEA".to_string(), "Segment: =1+1".to_string()]);
    assert!(screen(&app).contains("More      Region: EMEA · Segment: =1+1"), "{}", screen(&app));
    palette(&mut app, "export");
    let timeline = std::fs::read_to_string(dir.path().join("timeline-2026-11-26.csv")).unwrap();
    assert_eq!(timeline.lines().count() as i64, app.timeline().total + 1, "{timeline}");
    assert!(timeline.contains("Called Jane about renewal pricing"), "{timeline}");

    // The contact list shows the contact's custom fields in a column of their own.
    app.update(Action::Contacts).unwrap();
    let s = screen(&app);
    assert!(s.contains("More") && s.contains("Birthday: 1980-02-03"), "{s}");
    key(&mut app, KeyCode::Esc);

    // The tracker's rep table, in its sort.
    press(&mut app, "4");
    palette(&mut app, "export");
    let tracker = std::fs::read_to_string(dir.path().join("tracker-2026-11-26.csv")).unwrap();
    assert!(tracker.starts_with("rep,period,target,won,attainment,gap,"), "{tracker}");
    assert_eq!(tracker.lines().count(), app.targets().reps.len() + 1, "{tracker}");

    // A format it does not write is said so, and nothing is written.
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    palette(&mut app, "export pdf");
    assert!(message(&app).contains("export takes csv or xlsx"), "{}", message(&app));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);
}
