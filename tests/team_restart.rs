//! A server restart in the middle of a sync (its own cluster: the restart
//! would cut the connections of every other team test).

mod common;
#[path = "common/pg.rs"]
mod pg;

use rapport::store::*;
use rapport::team;

#[test]
fn a_server_restart_mid_sync_loses_nothing_and_the_next_sync_succeeds() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let url = c.url_for("postgres", &db);
    let dir = tempfile::tempdir().unwrap();
    let (manager, _) = Store::open(&dir.path().join("m.db"), OpenMode::Create).unwrap();
    common::seed(&manager);
    team::init(&manager, &url, &pg::secrets()).unwrap();
    let rep_path = dir.path().join("rep.db");
    team::join(&rep_path, &url, &pg::secrets()).unwrap();
    let (rep, _) = Store::open(&rep_path, OpenMode::Existing).unwrap();

    let uid = manager.sync_snapshot("account").unwrap().into_keys().next().unwrap();
    let id = rep.sync_local_id("account", &uid).unwrap().unwrap();
    let mut a: Account = rep.get_any(id).unwrap().unwrap();
    a.city = Some("Groningen".into());
    rep.update(&mut a).unwrap();

    // The push commits; the server goes down before the laptop hears back.
    let lost = team::SyncOptions { lose_answer_of: Some(0), ..Default::default() };
    let err = team::sync_with(&rep, &pg::secrets(), &lost).unwrap_err().to_string();
    assert!(err.contains("did not complete"), "{err}");
    c.restart();

    let report = team::sync(&rep, &pg::secrets()).unwrap();
    assert!(report.duplicate, "the retried push is recognised: {report:?}");
    assert!(rep.sync_pending().unwrap().ops.is_empty());
    team::sync(&manager, &pg::secrets()).unwrap();
    let mid = manager.sync_local_id("account", &uid).unwrap().unwrap();
    let m: Account = manager.get_any(mid).unwrap().unwrap();
    assert_eq!(m.city.as_deref(), Some("Groningen"));
    let ops: i64 =
        c.superuser(&db).query_one("SELECT count(*) FROM rapport.ops WHERE field = 'city'", &[]).unwrap().get(0);
    assert_eq!(ops, 1, "applied once");
}
