//! Team mode against a real PostgreSQL: laptops are local files, the server
//! is a fresh database of one throwaway cluster (see common/pg.rs).

mod common;
#[path = "common/pg.rs"]
mod pg;

use rapport::store::sync::SYNCED;
use rapport::store::*;
use rapport::team;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

struct Laptop {
    store: Store,
    path: PathBuf,
}

fn manager_book(dir: &Path) -> (Store, PathBuf, common::Ids) {
    let path = dir.join("manager.db");
    let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
    let store = store.with_clock(Clock::System);
    let ids = common::seed(&store);
    store.set_setting("me", "Morgan Avery").unwrap();
    (store, path, ids)
}

fn hash(path: &Path) -> String {
    let mut h = Sha256::new();
    h.update(std::fs::read(path).unwrap());
    format!("{:x}", h.finalize())
}

/// All shared rows of a laptop, by entity then uid.
type Rows = std::collections::BTreeMap<String, serde_json::Map<String, serde_json::Value>>;

fn book(store: &Store) -> Vec<(String, Rows)> {
    SYNCED.iter().map(|s| (s.entity.to_string(), store.sync_snapshot(s.entity).unwrap())).collect()
}

fn join(dir: &Path, name: &str, url: &str) -> Laptop {
    let path = dir.join(format!("{name}.db"));
    team::join(&path, url, &pg::secrets()).unwrap();
    let (store, _) = Store::open(&path, OpenMode::Existing).unwrap();
    Laptop { store, path }
}

#[test]
fn init_uploads_the_book_and_join_brings_it_to_a_new_laptop() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let url = c.url_for("postgres", &db);
    let dir = tempfile::tempdir().unwrap();
    let (manager, _, _) = manager_book(dir.path());
    let report = team::init(&manager, &url, &pg::secrets()).unwrap();
    assert!(report.records > 20, "{report:?}");
    assert_eq!(manager.setting("team_server").unwrap().as_deref(), Some(url.as_str()));

    let mut su = c.superuser(&db);
    let n: i64 = su.query_one("SELECT count(*) FROM rapport.records", &[]).unwrap().get(0);
    assert_eq!(n as usize, report.records);
    let v: String = su.query_one("SELECT value FROM rapport.meta WHERE key = 'schema_version'", &[]).unwrap().get(0);
    assert_eq!(v, team::schema::SERVER_LATEST.to_string());
    let role: bool = su
        .query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &[&report.member_role])
        .unwrap()
        .get(0);
    assert!(role, "the team's group role exists");
    let manager_row: bool =
        su.query_one("SELECT is_manager FROM rapport.members WHERE login = 'postgres'", &[]).unwrap().get(0);
    assert!(manager_row);

    let rae = join(dir.path(), "rae", &url);
    assert_eq!(book(&rae.store), book(&manager));
    assert_eq!(rae.store.account_count().unwrap(), manager.account_count().unwrap());
    assert!(rae.store.setting("team_device").unwrap().is_some());
    assert_ne!(rae.store.setting("team_device").unwrap(), manager.setting("team_device").unwrap());
    assert_eq!(rae.store.setting("me").unwrap().as_deref(), Some("Morgan Avery"));
    // Derived columns the local triggers keep are rebuilt after the load.
    let touch =
        |s: &Store| s.account_rows().unwrap().into_iter().map(|a| (a.name, a.last_touch_at)).collect::<Vec<_>>();
    assert_eq!(touch(&rae.store), touch(&manager));
    // The password never reaches the file.
    let text = std::fs::read(&rae.path).unwrap();
    assert!(!String::from_utf8_lossy(&text).contains(pg::PASSWORD));
}

#[test]
fn join_into_a_file_with_a_book_is_refused_and_changes_nothing() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let url = c.url_for("postgres", &db);
    let dir = tempfile::tempdir().unwrap();
    let (manager, _, _) = manager_book(dir.path());
    team::init(&manager, &url, &pg::secrets()).unwrap();
    let other = dir.path().join("other.db");
    {
        let (s, _) = Store::open(&other, OpenMode::Create).unwrap();
        common::seed(&s);
    }
    let before = hash(&other);
    let err = team::join(&other, &url, &pg::secrets()).unwrap_err().to_string();
    assert!(err.contains("already holds a book"), "{err}");
    assert_eq!(hash(&other), before);
}

/// Runs `join` and `init` against a bad server: both fail with `expect`,
/// the joining file is not created, the manager's file is unchanged.
fn refused(url: &str, secrets: &team::connect::Secrets, expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (manager, path, _) = manager_book(dir.path());
    drop(manager);
    let before = hash(&path);
    let (manager, _) = Store::open(&path, OpenMode::Existing).unwrap();
    let err = format!("{:#}", team::init(&manager, url, secrets).unwrap_err());
    assert!(err.contains(expect), "init: {err}");
    assert!(manager.setting("team_server").unwrap().is_none());
    drop(manager);
    assert_eq!(hash(&path), before, "the manager's file is untouched");
    let new = dir.path().join("new.db");
    let err = format!("{:#}", team::join(&new, url, secrets).unwrap_err());
    assert!(err.contains(expect), "join: {err}");
    assert!(!new.exists(), "no file is left behind");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1 + usize::from(dir.path().join("manager.db-wal").exists())
            + usize::from(dir.path().join("manager.db-shm").exists())
    );
}

#[test]
fn an_unreachable_server_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    refused(
        &format!("postgres://postgres@127.0.0.1:{port}/team?sslmode=disable"),
        &pg::secrets(),
        "cannot reach the server at 127.0.0.1",
    );
}

#[test]
fn a_wrong_password_is_a_clear_error() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let secrets = team::connect::Secrets { env_password: Some("not-it".into()), passfile: None, prompt: false };
    refused(&c.url_for("postgres", &db), &secrets, "refused the password for postgres");
}

#[test]
fn no_password_and_no_terminal_is_a_clear_error() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let secrets = team::connect::Secrets::default();
    refused(&c.url_for("postgres", &db), &secrets, "expected it in PGPASSWORD or ~/.pgpass");
}

#[test]
fn a_server_with_a_newer_rapport_schema_is_refused() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let url = c.url_for("postgres", &db);
    let dir = tempfile::tempdir().unwrap();
    let (manager, _, _) = manager_book(dir.path());
    team::init(&manager, &url, &pg::secrets()).unwrap();
    c.superuser(&db).execute("UPDATE rapport.meta SET value = '99' WHERE key = 'schema_version'", &[]).unwrap();
    refused(&url, &pg::secrets(), "newer rapport schema (version 99");
    // And a laptop already in the team does not sync with it.
    let err = format!("{:#}", team::sync(&manager, &pg::secrets()).unwrap_err());
    assert!(err.contains("newer rapport schema"), "{err}");
}

#[test]
fn a_database_that_is_not_rapports_is_refused() {
    let c = pg::cluster();
    let db = c.fresh_db();
    c.superuser(&db).batch_execute("CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (1)").unwrap();
    refused(&c.url_for("postgres", &db), &pg::secrets(), "is not a rapport server");
    let n: i64 = c.superuser(&db).query_one("SELECT count(*) FROM invoices", &[]).unwrap().get(0);
    assert_eq!(n, 1);
}

fn rapport(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env("PGPASSWORD", &pg::cluster().password)
        .env_remove("RAPPORT_DB")
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap()
}

#[test]
fn the_command_line_inits_joins_and_syncs() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let url = c.url_for("postgres", &db);
    let dir = tempfile::tempdir().unwrap();
    let (manager, path, _) = manager_book(dir.path());
    drop(manager);
    let m = path.to_str().unwrap();
    let out = rapport(&["--db", m, "team", "init", "--server", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("records with the team"), "{out:?}");
    let rae = dir.path().join("rae.db");
    let r = rae.to_str().unwrap();
    let out = rapport(&["--db", r, "team", "join", "--server", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = rapport(&["--db", r, "log", "Acme Logistics", "called about the renewal"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = rapport(&["--db", r, "sync"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("pushed "), "{out:?}");
    let changes = |p: &Path| Store::open(p, OpenMode::Existing).unwrap().0.recent_changes(100_000).unwrap().len();
    let n = changes(&path);
    let out = rapport(&["--db", m, "sync"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (s, _) = Store::open(&path, OpenMode::Existing).unwrap();
    let timeline: Vec<_> = s
        .sync_snapshot("activity")
        .unwrap()
        .into_values()
        .filter(|a| a["summary"] == "called about the renewal")
        .collect();
    assert_eq!(timeline.len(), 1, "the rep's call reached the manager's laptop");
    // Pulled rows are not the manager's own edits: nothing new in the change log.
    assert_eq!(s.recent_changes(1000).unwrap().len(), n);

    let out = rapport(&["--db", dir.path().join("new.db").to_str().unwrap(), "sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error:"), "{err}");
}
