//! The cockpit of a team book without a server: sync conflicts listed and
//! resolved (keep mine / keep theirs), and how the header and footer tell a
//! sync's refusals and failures. The book is made a team's by its settings
//! (`team_server`, `team_device`, `team_login`), and its conflicts are rows
//! of `sync_conflicts` as a pull would have saved them.

mod common;

use chrono::Duration;
use common::{press, screen};
use rapport::store::sync::SyncConflict;
use rapport::store::{Account, Contact, Store};
use rapport::tui::app::App;
use rapport::tui::team::{TeamState, TeamSync};

fn conflict(id: i64, entity: &str, uid: &str, field: &str, kept: (&str, &str), lost: (&str, &str)) -> SyncConflict {
    SyncConflict {
        id,
        entity: entity.into(),
        uid: uid.into(),
        field: field.into(),
        winner_value: Some(serde_json::to_string(kept.0).unwrap()),
        loser_value: Some(serde_json::to_string(lost.0).unwrap()),
        winner_hlc: 2,
        loser_hlc: 1,
        winner_device: "dev-sam".into(),
        loser_device: "dev-rae".into(),
        winner_login: Some(kept.1.into()),
        loser_login: Some(lost.1.into()),
        at: "2026-11-26T13:12:00Z".into(),
        resolved_at: None,
    }
}

/// The fixed book as Rae's laptop of a team: nothing waiting, two open
/// sync conflicts that Sam's later edits won.
fn team_book() -> (Store, common::Ids) {
    let (store, ids) = common::store();
    store.set_setting("team_server", "postgres://rae@127.0.0.1:1/team?sslmode=disable").unwrap();
    store.set_setting("team_device", "dev-rae").unwrap();
    store.set_setting("team_login", "rae").unwrap();
    let last = store.recent_changes(1).unwrap()[0].id;
    store.set_setting("team_pushed", &last.to_string()).unwrap();
    let acme = store.require::<Account>(ids.acme).unwrap();
    let jane = store.require::<Contact>(ids.jane).unwrap();
    store
        .sync_save_conflicts(&[
            conflict(7, "account", &acme.meta.uid, "city", ("Hamburg", "sam"), ("Lyon", "rae")),
            conflict(8, "contact", &jane.meta.uid, "title", ("VP Operations", "sam"), ("COO", "rae")),
        ])
        .unwrap();
    (store, ids)
}

/// The cockpit over the team book, its header as a sync two minutes ago left it.
fn cockpit(store: Store, w: u16, h: u16) -> App {
    let now = store.clock().now();
    let conflicts = store.sync_conflicts().unwrap().len();
    let mut app = common::app_over(store, w, h);
    app.set_team(TeamSync::stopped(TeamState {
        reachable: true,
        last_sync: Some(now - Duration::minutes(2)),
        conflicts,
        ..Default::default()
    }));
    app.refresh_team_line();
    app
}

#[test]
fn the_sync_conflicts_open_from_their_key_and_list_who_kept_and_who_lost_what() {
    let (store, _) = team_book();
    let mut app = cockpit(store, 80, 24);
    assert!(screen(&app).lines().next().unwrap().contains("2 sync conflicts"), "{}", screen(&app));
    press(&mut app, "S");
    insta::assert_snapshot!("sync_conflicts_80x24", screen(&app));
}

#[test]
fn the_palette_opens_the_sync_conflicts_too() {
    let (store, _) = team_book();
    let mut app = cockpit(store, 120, 40);
    press(&mut app, ":sync_conflicts");
    common::key(&mut app, ratatui::crossterm::event::KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("Sync conflicts") && s.contains("Hamburg (sam)") && s.contains("Lyon (rae)"), "{s}");
}

#[test]
fn keep_mine_writes_my_value_again_as_a_change_and_the_header_counts_one_fewer() {
    let (store, ids) = team_book();
    let mut app = cockpit(store, 120, 40);
    press(&mut app, "S");
    // Newest first: the contact's title (8), then Acme's city (7).
    press(&mut app, "j");
    press(&mut app, "m");
    let s = screen(&app);
    assert!(s.contains("account Acme Logistics: city is Lyon again"), "{s}");
    assert_eq!(app.store().require::<Account>(ids.acme).unwrap().city.as_deref(), Some("Lyon"));
    let open: Vec<i64> = app.store().sync_conflicts().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(open, [8], "conflict 7 is settled");
    assert_eq!(app.store().sync_waiting().unwrap(), 1, "the kept value is a new change, to be pushed");
    assert!(s.lines().next().unwrap().contains("1 change waiting · 1 sync conflict"), "{s}");
    // The list stays open, refreshed: only the contact's title is left.
    assert!(s.contains("VP Operations (sam)") && !s.contains("Hamburg (sam)"), "{s}");
}

#[test]
fn keep_theirs_settles_the_conflict_and_changes_nothing() {
    let (store, ids) = team_book();
    let before = store.require::<Contact>(ids.jane).unwrap().title;
    let mut app = cockpit(store, 120, 40);
    press(&mut app, "St");
    let s = screen(&app);
    assert!(s.contains("title stays VP Operations"), "{s}");
    assert_eq!(app.store().require::<Contact>(ids.jane).unwrap().title, before);
    assert_eq!(app.store().sync_waiting().unwrap(), 0, "keeping the winner writes nothing");
    assert_eq!(app.store().sync_conflicts().unwrap().len(), 1);
    assert!(s.lines().next().unwrap().contains("1 sync conflict"), "{s}");
    // The last one settled: the list says there are none, not "nothing yet".
    press(&mut app, "t");
    let s = screen(&app);
    assert!(s.contains("No sync conflicts: this laptop agrees with the team."), "{s}");
    assert!(!s.lines().next().unwrap().contains("sync conflict"), "{s}");
}

#[test]
fn outside_a_team_book_the_sync_conflicts_say_so() {
    let (mut app, _) = common::app(120, 40);
    press(&mut app, "S");
    let s = screen(&app);
    assert!(s.contains("not a team book"), "{s}");
    assert!(!s.contains("Sync conflicts"), "{s}");
}

/// The cockpit with the background sync's state after `result`.
fn after_sync(result: anyhow::Result<rapport::team::SyncReport>, waiting: usize) -> App {
    let (store, _) = common::store();
    store.set_setting("team_server", "postgres://rae@127.0.0.1:1/team?sslmode=disable").unwrap();
    let now = store.clock().now();
    let mut state =
        TeamState { reachable: true, waiting, last_sync: Some(now - Duration::minutes(5)), ..Default::default() };
    state.record(&result, now);
    let mut app = common::app_over(store, 120, 40);
    app.set_team(TeamSync::stopped(state));
    app.refresh_team_line();
    app
}

fn footer(s: &str) -> &str {
    s.lines().last().unwrap()
}

#[test]
fn a_wrong_password_reads_as_sync_failed_in_the_header_not_offline() {
    let err = anyhow::anyhow!("the server at 127.0.0.1:5432/team refused the password for rae; nothing was changed");
    let mut app = after_sync(Err(err), 3);
    let s = screen(&app);
    let header = s.lines().next().unwrap();
    assert!(header.ends_with("· sync failed: password refused · 3 changes waiting"), "{s}");
    assert!(!header.contains("offline"), "{s}");
    assert!(footer(&s).contains("sync failed: the server at 127.0.0.1:5432/team refused the password for rae"), "{s}");
    // Told once: after a key the footer is back to the keys, the header stays.
    press(&mut app, "j");
    app.refresh_team_line();
    let s = screen(&app);
    assert!(!s.contains("refused the password"), "{s}");
    assert!(s.lines().next().unwrap().contains("sync failed: password refused"), "{s}");
}

#[test]
fn a_refused_change_is_told_once_in_the_footer() {
    let report = rapport::team::SyncReport {
        refused: vec![
            "the server refused your change to account Borealis Systems (city): a rep edits only the accounts they own; it was put back"
                .into(),
        ],
        ..Default::default()
    };
    let mut app = after_sync(Ok(report), 0);
    let s = screen(&app);
    assert!(s.lines().next().unwrap().contains("synced just now"), "{s}");
    assert!(footer(&s).contains("the server refused your change to account Borealis Systems (city)"), "{s}");
    press(&mut app, "j");
    app.refresh_team_line();
    assert!(!screen(&app).contains("refused your change"), "{}", screen(&app));
}

#[test]
fn offline_stays_silent() {
    let err = anyhow::Error::new(rapport::team::connect::Unreachable(
        "cannot reach the server at 127.0.0.1:1/team (connection refused); nothing was changed".into(),
    ));
    let app = after_sync(Err(err), 1);
    let s = screen(&app);
    assert!(s.lines().next().unwrap().contains("offline · 1 change waiting"), "{s}");
    assert!(!s.contains("cannot reach") && !s.contains("sync failed"), "{s}");
}

#[test]
fn a_narrow_header_gives_up_when_it_synced_what_waits_and_offline_before_the_sync_conflicts() {
    let (store, _) = team_book();
    let mut app = common::app_over(store, 80, 24);
    app.set_team(TeamSync::stopped(TeamState { reachable: false, waiting: 3, conflicts: 2, ..Default::default() }));
    app.refresh_team_line();
    let s = screen(&app);
    assert!(s.lines().next().unwrap().ends_with(" · 2 sync conflicts"), "{s}");
    let mut app = common::app_over(team_book().0, 160, 24);
    app.set_team(TeamSync::stopped(TeamState { reachable: false, waiting: 3, conflicts: 2, ..Default::default() }));
    app.refresh_team_line();
    let s = screen(&app);
    assert!(s.lines().next().unwrap().ends_with(" · offline · 3 changes waiting · 2 sync conflicts"), "{s}");
}
