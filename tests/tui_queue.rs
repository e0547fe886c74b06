//! The conflict queue in the cockpit: `s` through the status flow, the
//! status filter with resolved conflicts, escalation through its form, the
//! clock paused while waiting, and the queue drawn at 80×24.

mod common;

use common::{app_over, key, press, screen};

use rapport::domain::*;
use rapport::store::*;
use rapport::tui::app::App;
use rapport::tui::overlays::Overlay;
use rapport::tui::panes::conflicts::StatusFilter;
use ratatui::crossterm::event::KeyCode;

fn titles(app: &App) -> Vec<(String, ConflictStatus)> {
    let c = app.conflicts();
    c.view.iter().map(|&i| (c.rows[i as usize].title.clone(), c.rows[i as usize].status)).collect()
}

fn status_of(app: &App, title: &str) -> ConflictStatus {
    titles(app).into_iter().find(|t| t.0 == title).map(|t| t.1).unwrap()
}

#[test]
fn status_moves_forward_and_waiting_goes_back_to_in_progress() {
    let (store, _) = common::store();
    let mut app = app_over(store, 80, 24);
    press(&mut app, "3");
    assert_eq!(app.conflicts().selected().unwrap().title, "Invoice dispute");
    press(&mut app, "s");
    assert_eq!(status_of(&app, "Invoice dispute"), ConflictStatus::InProgress);
    press(&mut app, "s");
    assert_eq!(status_of(&app, "Invoice dispute"), ConflictStatus::Waiting);
    let row = app.conflicts().rows.iter().find(|r| r.title == "Invoice dispute").unwrap();
    assert_eq!(row.paused_left, None, "it was breached before it waited: the clock does not stand still for it");
    press(&mut app, "s");
    assert_eq!(status_of(&app, "Invoice dispute"), ConflictStatus::InProgress, "never back to open");
    // `u` takes back the last move only.
    press(&mut app, "u");
    assert_eq!(status_of(&app, "Invoice dispute"), ConflictStatus::Waiting);
}

#[test]
fn the_status_filter_shows_resolved_conflicts_and_s_reopens_one() {
    let (store, _) = common::store();
    let mut app = app_over(store, 80, 24);
    press(&mut app, "3");
    assert_eq!(app.conflicts().status_filter, StatusFilter::Unresolved);
    assert!(titles(&app).iter().all(|t| t.1 != ConflictStatus::Resolved));
    press(&mut app, "f");
    assert!(matches!(app.overlay(), Overlay::Filter(_)));
    // Owner, Severity, Status: down twice, then four steps to "Resolved".
    press(&mut app, "jjllll");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.conflicts().status_filter, StatusFilter::Only(ConflictStatus::Resolved));
    assert_eq!(titles(&app), vec![("Wrong contact on file".to_string(), ConflictStatus::Resolved)]);
    assert!(screen(&app).contains("status resolved"), "{}", screen(&app));
    press(&mut app, "s");
    assert!(titles(&app).is_empty(), "reopened, so no longer resolved");
    press(&mut app, "F");
    assert_eq!(app.conflicts().status_filter, StatusFilter::Unresolved);
    assert_eq!(status_of(&app, "Wrong contact on file"), ConflictStatus::Open);
}

#[test]
fn escalating_asks_whom_and_why_with_the_owners_manager_first() {
    let (store, ids) = common::store();
    let mut app = app_over(store, 80, 24);
    press(&mut app, "3E");
    assert!(matches!(app.overlay(), Overlay::Form(_)), "E opens the escalation form");
    assert!(screen(&app).contains("Lee Okafor"), "{}", screen(&app));
    key(&mut app, KeyCode::Tab);
    press(&mut app, "Customer threatens to leave");
    key(&mut app, KeyCode::Enter);
    assert!(!matches!(app.overlay(), Overlay::Form(_)), "saved: {:?}", app.message());
    let id = app.conflicts().selected().unwrap().id;
    let c = app.store().require::<Conflict>(id).unwrap();
    assert_eq!((c.escalation_level, c.escalated_to), (1, Some(ids.lead)));
    assert_eq!(c.escalation_reason.as_deref(), Some("Customer threatens to leave"));
    let row = app.conflicts().selected().unwrap();
    assert_eq!(row.escalated_to.as_deref(), Some("Lee Okafor"));
    assert!(!row.needs_escalation("2026-11-26T14:00:00Z"), "no longer flagged");
}

/// A book with a conflict waiting on the customer, one escalated and a long issue title.
fn busy_store() -> Store {
    let (store, ids) = common::store();
    let long = "Replacement trucks delivered to the wrong depot twice, and the customer's CFO wants a written apology before the renewal talks";
    let mut c = store
        .open_conflict(Conflict {
            account_id: ids.acme,
            owner_id: Some(ids.rae),
            title: long.into(),
            severity: Severity::Critical,
            ..Default::default()
        })
        .unwrap();
    store.set_conflict_status(c.meta.id, ConflictStatus::Waiting, None).unwrap();
    c = store
        .open_conflict(Conflict {
            account_id: ids.borealis,
            owner_id: Some(ids.sam),
            title: "Portal login fails".into(),
            severity: Severity::High,
            ..Default::default()
        })
        .unwrap();
    store.escalate_conflict_to(c.meta.id, Some(ids.manager), Some("Blocks every user")).unwrap();
    store
}

#[test]
fn the_queue_at_80x24() {
    let mut app = app_over(busy_store(), 80, 24);
    press(&mut app, "3");
    let plain = screen(&app);
    assert!(plain.contains("paused 8h left"), "{plain}");
    insta::assert_snapshot!("queue_80x24", plain);
    // Zoomed, the selected issue's whole title shows under the table.
    press(&mut app, "z");
    let rows = app.conflicts().view.len();
    for _ in 0..rows {
        if app.conflicts().selected().unwrap().severity == Severity::Critical {
            break;
        }
        press(&mut app, "j");
    }
    let zoomed = screen(&app);
    assert!(zoomed.contains("before the renewal talks"), "{zoomed}");
    insta::assert_snapshot!("queue_zoomed_80x24", zoomed);
}
