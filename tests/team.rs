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
    assert!(role_exists(&report.member_role), "the team's group role exists");
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
    let t = team_of(0);
    let url = &t.url;
    let other = t._dir.path().join("other.db");
    {
        let (s, _) = Store::open(&other, OpenMode::Create).unwrap();
        common::seed(&s);
    }
    let before = hash(&other);
    let err = team::join(&other, url, &pg::secrets()).unwrap_err().to_string();
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
fn an_empty_server_address_is_refused_rather_than_read_as_libpqs_defaults() {
    for url in ["", "  "] {
        refused(url, &pg::secrets(), "--server: the address is empty; expected postgres://USER@HOST:PORT/DATABASE");
    }
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
    let t = team_of(0);
    let (url, manager) = (&t.url, &t.laptops[0].store);
    pg::cluster()
        .superuser(&t.db)
        .execute("UPDATE rapport.meta SET value = '99' WHERE key = 'schema_version'", &[])
        .unwrap();
    refused(url, &pg::secrets(), "newer rapport schema (version 99");
    // And a laptop already in the team does not sync with it.
    let err = format!("{:#}", team::sync(manager, &pg::secrets()).unwrap_err());
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
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("records with the team"), "{out:?}");
    // Reps join with a login of their own, not the manager's.
    assert!(said.contains("team join --server postgres://LOGIN@127.0.0.1:"), "{said}");
    assert!(!said.contains("join --server postgres://postgres@"), "{said}");
    let rae = dir.path().join("rae.db");
    let r = rae.to_str().unwrap();
    let out = rapport(&["--db", r, "team", "join", "--server", &url]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Joining is the first sync.
    let out = rapport(&["--db", r, "team", "status"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("synced just now"), "{out:?}");
    let out = rapport(&["--db", r, "log", "Acme Logistics", "called about the renewal"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = rapport(&["--db", r, "sync"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.starts_with("pushed 1 change ("), "the one call logged is one change: {said}");
    assert!(!said.contains("lost"), "{said}");
    let out = rapport(&["--db", r, "sync"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("nothing to push, pulled "), "{out:?}");
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

// ---- sync ----------------------------------------------------------------

struct Team {
    db: String,
    url: String,
    _dir: tempfile::TempDir,
    laptops: Vec<Laptop>,
    /// uids of the seeded accounts and contacts.
    accounts: Vec<String>,
    contacts: Vec<String>,
}

/// The manager's laptop (0) and `reps` laptops that joined after it.
fn team_of(reps: usize) -> Team {
    let c = pg::cluster();
    let db = c.fresh_db();
    let url = c.url_for("postgres", &db);
    let dir = tempfile::tempdir().unwrap();
    let (manager, path, _) = manager_book(dir.path());
    team::init(&manager, &url, &pg::secrets()).unwrap();
    let accounts = manager.sync_snapshot("account").unwrap().into_keys().collect();
    let contacts = manager.sync_snapshot("contact").unwrap().into_keys().collect();
    let mut laptops = vec![Laptop { store: manager, path }];
    for i in 0..reps {
        laptops.push(join(dir.path(), &format!("rep{i}"), &url));
    }
    Team { db, url, _dir: dir, laptops, accounts, contacts }
}

/// The same laptop, its clock set to `clock` (another process on the same file).
fn at(l: &Laptop, clock: Clock) -> Laptop {
    let mut store = Store::open(&l.path, OpenMode::Existing).unwrap().0;
    store.set_clock(clock);
    Laptop { store, path: l.path.clone() }
}

fn sync(l: &Laptop) -> team::SyncReport {
    team::sync(&l.store, &pg::secrets()).unwrap()
}

fn edit_account(l: &Laptop, uid: &str, f: impl FnOnce(&mut Account)) {
    let id = l.store.sync_local_id("account", uid).unwrap().unwrap();
    let mut a: Account = l.store.get_any(id).unwrap().unwrap();
    f(&mut a);
    l.store.update(&mut a).unwrap();
}

fn account(l: &Laptop, uid: &str) -> Account {
    let id = l.store.sync_local_id("account", uid).unwrap().unwrap();
    l.store.get_any(id).unwrap().unwrap()
}

fn contact(l: &Laptop, uid: &str) -> Contact {
    let id = l.store.sync_local_id("contact", uid).unwrap().unwrap();
    l.store.get_any(id).unwrap().unwrap()
}

/// The server's records without `updated_at` (stamped by every write), as laptops hold them.
fn server_book(db: &str) -> Vec<(String, Rows)> {
    let mut su = pg::cluster().superuser(db);
    SYNCED
        .iter()
        .map(|s| {
            let rows = su.query("SELECT uid, data FROM rapport.records WHERE entity = $1", &[&s.entity]).unwrap();
            let map: Rows = rows
                .iter()
                .map(|r| {
                    let mut data: serde_json::Map<String, serde_json::Value> =
                        serde_json::from_value(r.get::<_, serde_json::Value>(1)).unwrap();
                    data.remove("updated_at");
                    (r.get(0), data)
                })
                .collect();
            (s.entity.to_string(), map)
        })
        .collect()
}

fn server_count(db: &str, sql: &str) -> i64 {
    pg::cluster().superuser(db).query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn different_fields_edited_offline_on_two_laptops_are_both_kept() {
    let t = team_of(2);
    let (a, b) = (&t.laptops[1], &t.laptops[2]);
    let acme = &t.accounts[0];
    edit_account(a, acme, |x| x.city = Some("Utrecht".into()));
    edit_account(b, acme, |x| x.notes = Some("prefers e-mail".into()));
    assert_eq!(sync(a).pulled, 0, "its own change coming back is not news");
    // Only what changed after the cursor comes down: the one record both edited.
    assert_eq!(sync(b).pulled, 1);
    assert_eq!(sync(a).pulled, 1);
    for l in [a, b] {
        let x = account(l, acme);
        assert_eq!(x.city.as_deref(), Some("Utrecht"));
        assert_eq!(x.notes.as_deref(), Some("prefers e-mail"));
    }
    assert_eq!(server_count(&t.db, "SELECT count(*) FROM rapport.conflicts"), 0);
    assert_eq!(book(&a.store), book(&b.store));
}

#[test]
fn the_same_field_goes_to_the_later_clock_the_loss_is_recorded_and_laptops_converge() {
    let t = team_of(2);
    let (a, b) = (&t.laptops[1], &t.laptops[2]);
    let acme = &t.accounts[0];
    let now = chrono::Utc::now();
    // b writes a minute after a, but pushes first: the later write still wins.
    edit_account(&at(a, Clock::Fixed(now)), acme, |x| x.city = Some("Leiden".into()));
    edit_account(&at(b, Clock::Fixed(now + chrono::Duration::minutes(1))), acme, |x| x.city = Some("Delft".into()));
    let rb = sync(b);
    assert_eq!(rb.conflicts, 0);
    let ra = sync(a);
    assert_eq!(ra.pushed - ra.kept, 2, "a's city (and its updated_at) lost: {ra:?}");
    assert_eq!((ra.changes, ra.lost), (1, 2), "one edit, two of its field values lost: {ra:?}");
    assert_eq!(ra.conflicts, 1);
    sync(b);
    for l in [a, b] {
        assert_eq!(account(l, acme).city.as_deref(), Some("Delft"));
        let c = l.store.sync_conflicts().unwrap();
        assert_eq!(c.len(), 1, "every laptop lists the conflict");
        assert_eq!(
            (c[0].field.as_str(), c[0].winner_value.as_deref(), c[0].loser_value.as_deref()),
            ("city", Some("\"Delft\""), Some("\"Leiden\""))
        );
        assert!(c[0].winner_hlc > c[0].loser_hlc);
        assert_eq!(c[0].winner_login.as_deref(), Some("postgres"));
    }
    assert_eq!(book(&a.store), book(&b.store));
    assert_eq!(book(&a.store), server_book(&t.db));
}

#[test]
fn a_delete_wins_against_an_edit_until_it_is_restored() {
    let t = team_of(2);
    let (a, b) = (&t.laptops[1], &t.laptops[2]);
    let jane = &t.contacts[0];
    let id = a.store.sync_local_id("contact", jane).unwrap().unwrap();
    a.store.delete::<Contact>(id).unwrap();
    let bid = b.store.sync_local_id("contact", jane).unwrap().unwrap();
    let mut c: Contact = b.store.get_any(bid).unwrap().unwrap();
    c.title = Some("CFO".into());
    b.store.update(&mut c).unwrap();
    sync(b);
    sync(a);
    sync(b);
    for l in [a, b] {
        let c = contact(l, jane);
        assert!(c.meta.deleted_at.is_some(), "the delete stands");
        assert_eq!(c.title.as_deref(), Some("CFO"), "the edit is kept under the tombstone");
    }
    a.store.restore::<Contact>(id).unwrap();
    sync(a);
    sync(b);
    assert!(contact(b, jane).meta.deleted_at.is_none(), "restored everywhere");
    assert_eq!(book(&a.store), book(&b.store));
}

#[test]
fn activities_logged_on_two_laptops_are_all_kept_without_conflicts() {
    let t = team_of(2);
    let (a, b) = (&t.laptops[1], &t.laptops[2]);
    for (l, text) in [(a, "call from a"), (b, "call from b"), (a, "second call from a")] {
        let id = l.store.sync_local_id("account", &t.accounts[1]).unwrap().unwrap();
        let mut act = Activity {
            account_id: id,
            kind: rapport::domain::ActivityKind::Call,
            occurred_at: "2026-11-26T10:00:00Z".into(),
            summary: text.into(),
            ..Default::default()
        };
        l.store.insert(&mut act).unwrap();
    }
    sync(a);
    sync(b);
    sync(a);
    let calls = |l: &Laptop| {
        let mut v: Vec<String> = l
            .store
            .sync_snapshot("activity")
            .unwrap()
            .into_values()
            .filter_map(|x| x["summary"].as_str().filter(|s| s.contains("call from")).map(String::from))
            .collect();
        v.sort();
        v
    };
    assert_eq!(calls(a), ["call from a", "call from b", "second call from a"]);
    assert_eq!(calls(a), calls(b));
    assert_eq!(server_count(&t.db, "SELECT count(*) FROM rapport.conflicts"), 0);
}

/// A sync whose `call`-th push reaches the server but whose answer is lost.
fn sync_losing_answer(l: &Laptop, call: usize, push_limit: usize) -> anyhow::Result<team::SyncReport> {
    let opts = team::SyncOptions { push_limit, lose_answer_of: Some(call) };
    team::sync_with(&l.store, &pg::secrets(), &opts)
}

#[test]
fn a_push_committed_but_not_acknowledged_is_not_applied_twice() {
    let t = team_of(1);
    let a = &t.laptops[1];
    let id = a.store.sync_local_id("account", &t.accounts[0]).unwrap().unwrap();
    let mut act = Activity {
        account_id: id,
        kind: rapport::domain::ActivityKind::Call,
        occurred_at: "2026-11-26T10:00:00Z".into(),
        summary: "only once".into(),
        ..Default::default()
    };
    a.store.insert(&mut act).unwrap();
    let err = sync_losing_answer(a, 0, team::PUSH_LIMIT).unwrap_err().to_string();
    assert!(err.contains("sent again next time"), "{err}");
    let ops = server_count(&t.db, "SELECT count(*) FROM rapport.ops");
    assert!(ops > 0, "the push reached the server");
    // The acknowledgement is lost again: the laptop sends the same push again.
    sync_losing_answer(a, 0, team::PUSH_LIMIT).unwrap_err();
    assert_eq!(server_count(&t.db, "SELECT count(*) FROM rapport.ops"), ops, "nothing doubled");
    // Written meanwhile: it goes in the same sync, after the push that was cut short.
    edit_account(a, &t.accounts[1], |x| x.city = Some("Written meanwhile".into()));
    let report = sync(a);
    assert!(report.duplicate, "{report:?}");
    assert_eq!(report.pushes, 2, "{report:?}");
    assert_eq!(server_field(&t.db, "account", &t.accounts[1], "city"), Some(serde_json::json!("Written meanwhile")));
    assert_eq!(
        server_count(&t.db, "SELECT count(*) FROM rapport.ops WHERE entity = 'activity'"),
        ops,
        "the call's ops once, nothing doubled"
    );
    assert_eq!(
        server_count(
            &t.db,
            "SELECT count(*) FROM rapport.records WHERE entity = 'activity' AND data->>'summary' = 'only once'"
        ),
        1
    );
    assert!(a.store.sync_pending().unwrap().ops.is_empty(), "the laptop knows it was pushed");
    sync(&t.laptops[0]);
    assert_eq!(book(&t.laptops[0].store), book(&a.store));
}

#[test]
fn two_syncs_of_one_laptop_at_once_push_its_changes_once_and_lose_nothing() {
    let t = team_of(1);
    let a = &t.laptops[0];
    for (i, uid) in t.accounts.iter().enumerate() {
        edit_account(a, uid, |x| x.notes = Some(format!("note {i}")));
    }
    let waiting = a.store.sync_waiting().unwrap();
    // Two processes on the same file: the cockpit's thread and `rapport sync`, say.
    let path = a.path.clone();
    let reports: Vec<team::SyncReport> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let store = Store::open(&path, OpenMode::Existing).unwrap().0;
                    team::sync(&store, &pg::secrets()).unwrap()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let mut changes: Vec<usize> = reports.iter().map(|r| r.changes).collect();
    changes.sort();
    assert_eq!(changes, [0, waiting], "{reports:?}");
    assert!(reports.iter().all(|r| r.lost == 0 && r.refused.is_empty()), "{reports:?}");
    sync(&t.laptops[1]);
    assert_eq!(book(&t.laptops[1].store), server_book(&t.db));
    assert_eq!(book(&a.store), server_book(&t.db));
}

#[test]
fn a_large_backlog_goes_in_several_pushes_and_resumes_where_it_stopped() {
    let t = team_of(1);
    let (manager, a) = (&t.laptops[0], &t.laptops[1]);
    let device = a.store.setting("team_device").unwrap().unwrap();
    let id = a.store.sync_local_id("account", &t.accounts[0]).unwrap().unwrap();
    for i in 0..20 {
        let mut act = Activity {
            account_id: id,
            kind: rapport::domain::ActivityKind::Call,
            occurred_at: "2026-11-26T10:00:00Z".into(),
            summary: format!("backlog call {i:02}"),
            ..Default::default()
        };
        a.store.insert(&mut act).unwrap();
    }
    edit_account(a, &t.accounts[1], |x| x.city = Some("Backlogged".into()));
    let pending = a.store.sync_pending().unwrap();
    let total = pending.ops.len() as i64;
    let chunks = pending.chunks(100);
    assert!(chunks.len() >= 4, "{} ops in {} pushes", total, chunks.len());
    assert!(chunks.iter().all(|c| c.len() <= 100));
    let by_device = |sql: &str| -> i64 { pg::cluster().superuser(&t.db).query_one(sql, &[&device]).unwrap().get(0) };

    // The connection drops after the third push committed, before its answer.
    sync_losing_answer(a, 2, 100).unwrap_err();
    let sent: i64 = chunks[..3].iter().map(|c| c.len() as i64).sum();
    assert_eq!(by_device("SELECT count(*) FROM rapport.ops WHERE device = $1"), sent);
    assert_eq!(by_device("SELECT count(DISTINCT seq) FROM rapport.ops WHERE device = $1"), 3, "one transaction each");
    assert!(a.store.sync_waiting().unwrap() > 0, "the laptop still counts its changes as waiting");

    // The next sync goes on from the push whose answer was lost: it is a
    // no-op there, and the rest follow, one call each.
    let report =
        team::sync_with(&a.store, &pg::secrets(), &team::SyncOptions { push_limit: 100, ..Default::default() })
            .unwrap();
    assert_eq!(report.pushes, chunks.len() - 2, "{report:?}");
    assert!(report.duplicate);
    assert_eq!(by_device("SELECT count(*) FROM rapport.ops WHERE device = $1"), total, "every op once");
    assert_eq!(by_device("SELECT count(DISTINCT seq) FROM rapport.ops WHERE device = $1"), chunks.len() as i64);
    assert_eq!(a.store.sync_waiting().unwrap(), 0);
    assert!(a.store.sync_pending().unwrap().ops.is_empty());

    sync(manager);
    let calls = manager
        .store
        .sync_snapshot("activity")
        .unwrap()
        .into_values()
        .filter(|x| x["summary"].as_str().is_some_and(|s| s.starts_with("backlog call")))
        .count();
    assert_eq!(calls, 20);
    assert_eq!(account(manager, &t.accounts[1]).city.as_deref(), Some("Backlogged"));
    assert_eq!(book(&manager.store), book(&a.store));
}

#[test]
fn a_laptop_restored_from_a_backup_still_gets_its_next_edits_to_the_team() {
    let t = team_of(1);
    let (manager, a) = (&t.laptops[0], &t.laptops[1]);
    let acme = &t.accounts[0];
    edit_account(a, acme, |x| x.city = Some("Before the backup".into()));
    sync(a);
    let copy = t._dir.path().join("backup.db");
    a.store.backup(&copy).unwrap();
    edit_account(a, acme, |x| x.notes = Some("after the backup".into()));
    edit_account(a, &t.accounts[1], |x| x.city = Some("also after".into()));
    sync(a);

    // The laptop is restored from the copy: same device, older push numbers.
    let restored = Laptop { store: Store::open(&copy, OpenMode::Existing).unwrap().0, path: copy.clone() };
    edit_account(&restored, acme, |x| x.city = Some("After the restore".into()));
    let report = sync(&restored);
    assert!(report.rebased, "{report:?}");
    assert_eq!(server_field(&t.db, "account", acme, "city"), Some(serde_json::json!("After the restore")));
    // What the laptop pushed before it was restored comes back down to it.
    assert_eq!(account(&restored, acme).notes.as_deref(), Some("after the backup"));
    assert_eq!(account(&restored, &t.accounts[1]).city.as_deref(), Some("also after"));
    sync(manager);
    assert_eq!(account(manager, acme).city.as_deref(), Some("After the restore"));
    // And it goes on syncing normally.
    edit_account(&restored, acme, |x| x.city = Some("Later still".into()));
    let report = sync(&restored);
    assert!(!report.rebased && report.kept > 0, "{report:?}");
    sync(manager);
    assert_eq!(account(manager, acme).city.as_deref(), Some("Later still"));
    assert_eq!(book(&manager.store), book(&restored.store));
}

#[test]
fn a_laptop_clock_an_hour_ahead_is_clamped_and_told() {
    let t = team_of(2);
    let (a, b) = (&t.laptops[1], &t.laptops[2]);
    let acme = &t.accounts[0];
    let fast = at(a, Clock::Fixed(chrono::Utc::now() + chrono::Duration::hours(1)));
    edit_account(&fast, acme, |x| x.city = Some("Future".into()));
    let report = sync(&fast);
    let minutes = report.clamped_minutes.expect("the clock was clamped");
    assert!((55..=60).contains(&minutes), "{minutes}");
    let hlc: i64 = pg::cluster().superuser(&t.db).query_one("SELECT max(hlc) FROM rapport.ops", &[]).unwrap().get(0);
    let server_ms = chrono::Utc::now().timestamp_millis();
    assert!(rapport::domain::hlc::millis(hlc) <= server_ms + 1000, "stamped with the server's time");
    // A later edit on an honest clock wins, as it would have without the skew.
    sync(b);
    edit_account(b, acme, |x| x.city = Some("Present".into()));
    sync(b);
    sync(&fast);
    assert_eq!(account(&fast, acme).city.as_deref(), Some("Present"));
}

#[derive(Debug, Clone)]
enum Step {
    Edit {
        laptop: usize,
        account: usize,
        field: usize,
        value: u8,
    },
    Log {
        laptop: usize,
        account: usize,
    },
    ToggleContact {
        laptop: usize,
        contact: usize,
    },
    Sync {
        laptop: usize,
    },
    /// The push reaches the server but the answer never comes back.
    AckLost {
        laptop: usize,
    },
    /// A laptop deletes the last call it logged.
    DropCall {
        laptop: usize,
    },
    /// The manager purges; `away` has not been seen for longer than the idle days.
    Purge {
        away: Option<usize>,
    },
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        4 => (0..3usize, 0..4usize, 0..3usize, 0..4u8).prop_map(|(laptop, account, field, value)| Step::Edit { laptop, account, field, value }),
        2 => (0..3usize, 0..4usize).prop_map(|(laptop, account)| Step::Log { laptop, account }),
        1 => (0..3usize, 0..3usize).prop_map(|(laptop, contact)| Step::ToggleContact { laptop, contact }),
        3 => (0..3usize).prop_map(|laptop| Step::Sync { laptop }),
        1 => (0..3usize).prop_map(|laptop| Step::AckLost { laptop }),
    ]
}

/// `step()` with deletes and purges, some while a laptop is away.
fn step_with_purges() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        6 => step(),
        3 => (0..3usize).prop_map(|laptop| Step::DropCall { laptop }),
        3 => (0..3usize).prop_map(|away| Step::Purge { away: Some(away) }),
    ]
}

fn play(t: &Team, s: &Step) {
    match *s {
        Step::Edit { laptop, account, field, value } => {
            let text = Some(format!("{value} from {laptop}"));
            edit_account(&t.laptops[laptop], &t.accounts[account], |a| match field {
                0 => a.city = text,
                1 => a.notes = text,
                _ => a.sector = text,
            });
        }
        Step::Log { laptop, account } => {
            let l = &t.laptops[laptop];
            let id = l.store.sync_local_id("account", &t.accounts[account]).unwrap().unwrap();
            let mut act = Activity {
                account_id: id,
                kind: rapport::domain::ActivityKind::Call,
                occurred_at: "2026-11-26T10:00:00Z".into(),
                summary: format!("call by {laptop}"),
                ..Default::default()
            };
            l.store.insert(&mut act).unwrap();
        }
        Step::ToggleContact { laptop, contact } => {
            let l = &t.laptops[laptop];
            let id = l.store.sync_local_id("contact", &t.contacts[contact]).unwrap().unwrap();
            let c: Contact = l.store.get_any(id).unwrap().unwrap();
            if c.meta.deleted_at.is_some() {
                l.store.restore::<Contact>(id).unwrap();
            } else {
                l.store.delete::<Contact>(id).unwrap();
            }
        }
        Step::Sync { laptop } => {
            sync(&t.laptops[laptop]);
        }
        Step::AckLost { laptop } => {
            // Nothing waiting: nothing is sent, and the sync succeeds.
            let _ = sync_losing_answer(&t.laptops[laptop], 0, team::PUSH_LIMIT);
        }
        Step::DropCall { laptop } => {
            let l = &t.laptops[laptop];
            let last = l
                .store
                .sync_snapshot("activity")
                .unwrap()
                .into_iter()
                .filter(|(_, a)| {
                    a["deleted_at"].is_null() && a["summary"].as_str().is_some_and(|s| s.starts_with("call by"))
                })
                .map(|(uid, _)| uid)
                .max();
            if let Some(uid) = last {
                let id = l.store.sync_local_id("activity", &uid).unwrap().unwrap();
                l.store.delete::<Activity>(id).unwrap();
            }
        }
        Step::Purge { away } => {
            if let Some(l) = away {
                let device = t.laptops[l].store.setting("team_device").unwrap().unwrap();
                pg::cluster()
                    .superuser(&t.db)
                    .execute(
                        "UPDATE rapport.devices SET seen_at = now() - interval '400 days' WHERE device_id = $1",
                        &[&device],
                    )
                    .unwrap();
            }
            purge(t);
        }
    }
}

/// A team of two after `steps`, then two rounds of syncs for every laptop.
fn played(steps: &[Step]) -> Team {
    let t = team_of(2);
    for s in steps {
        play(&t, s);
    }
    for _ in 0..2 {
        for l in &t.laptops {
            sync(l);
        }
    }
    t
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 8, failure_persistence: None, ..Default::default() })]

    #[test]
    fn any_interleaving_of_edits_syncs_and_lost_answers_converges(steps in proptest::collection::vec(step(), 1..24)) {
        let t = played(&steps);
        let server = server_book(&t.db);
        for (i, l) in t.laptops.iter().enumerate() {
            proptest::prop_assert_eq!(&book(&l.store), &server, "laptop {} differs from the server", i);
            proptest::prop_assert!(l.store.sync_pending().unwrap().ops.is_empty());
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 6, failure_persistence: None, ..Default::default() })]

    #[test]
    fn any_interleaving_with_deletes_purges_and_laptops_away_converges(steps in proptest::collection::vec(step_with_purges(), 1..24)) {
        let t = played(&steps);
        // Purged tombstones stay tombstones on the laptops that had them.
        let server = live(server_book(&t.db));
        for (i, l) in t.laptops.iter().enumerate() {
            proptest::prop_assert_eq!(&live(book(&l.store)), &server, "laptop {} differs from the server", i);
            proptest::prop_assert!(l.store.sync_pending().unwrap().ops.is_empty());
        }
    }
}

// ---- who may do what ---------------------------------------------------

fn uid_named(store: &Store, entity: &str, name: &str) -> String {
    store
        .sync_snapshot(entity)
        .unwrap()
        .into_iter()
        .find(|(_, d)| d["name"] == name)
        .unwrap_or_else(|| panic!("no {entity} named {name}"))
        .0
}

/// A connection of `login` to the team's database, as any PostgreSQL client would make it.
fn connect_as(db: &str, login: &str, password: &str) -> postgres::Client {
    postgres::Config::new()
        .host("127.0.0.1")
        .port(pg::cluster().port)
        .user(login)
        .password(password)
        .dbname(db)
        .connect(postgres::NoTls)
        .unwrap()
}

fn role_exists(login: &str) -> bool {
    pg::cluster()
        .superuser("postgres")
        .query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &[&login])
        .unwrap()
        .get(0)
}

/// Rae's city of her account Acme Logistics, then the manager's 30 s later,
/// which the manager syncs: Rae's next sync records the conflict. Her
/// laptop, secrets and login, and the account's uid.
fn rae_loses_a_city(t: &Team) -> (Laptop, team::connect::Secrets, String, String) {
    let manager = &t.laptops[0];
    let (rae, secrets, login) = rep_laptop(t, "Rae Lindqvist", "rae");
    let own = uid_named(&rae.store, "account", "Acme Logistics");
    let now = chrono::Utc::now();
    edit_account(&at(&rae, Clock::Fixed(now)), &own, |a| a.city = Some("Haarlem".into()));
    edit_account(&at(manager, Clock::Fixed(now + chrono::Duration::seconds(30))), &own, |a| {
        a.city = Some("Breda".into())
    });
    sync(manager);
    (rae, secrets, login, own)
}

/// A rep's laptop: a login made by the manager, then a join with it.
fn rep_laptop(t: &Team, name: &str, short: &str) -> (Laptop, team::connect::Secrets, String) {
    let login = format!("{}_{short}", t.db);
    let password = format!("{short}-secret");
    team::add_rep(&t.laptops[0].store, name, &login, None, &password, &pg::secrets()).unwrap();
    let secrets = team::connect::Secrets { env_password: Some(password), passfile: None, prompt: false };
    let url = pg::cluster().url_for(&login, &t.db);
    let path = t._dir.path().join(format!("{short}.db"));
    team::join(&path, &url, &secrets).unwrap();
    (Laptop { store: Store::open(&path, OpenMode::Existing).unwrap().0, path }, secrets, login)
}

#[test]
fn a_rep_edits_only_their_own_accounts_the_server_refuses_the_rest_and_the_laptop_puts_it_back() {
    let t = team_of(0);
    let manager = &t.laptops[0];
    let (rae, secrets, login) = rep_laptop(&t, "Rae Lindqvist", "rae");
    assert_eq!(rae.store.setting("me").unwrap().as_deref(), Some("Rae Lindqvist"));
    let own = uid_named(&rae.store, "account", "Acme Logistics");
    let lees = uid_named(&rae.store, "account", "Acme Logistik GmbH");
    let lees_city = account(&rae, &lees).city;

    edit_account(&rae, &lees, |a| a.city = Some("Hacked".into()));
    edit_account(&rae, &own, |a| a.city = Some("Eindhoven".into()));
    let lee_id = account(&rae, &lees).owner_id;
    edit_account(&rae, &own, |a| a.owner_id = lee_id);
    let id = rae.store.sync_local_id("account", &lees).unwrap().unwrap();
    let mut call = Activity {
        account_id: id,
        kind: rapport::domain::ActivityKind::Call,
        occurred_at: "2026-11-26T10:00:00Z".into(),
        summary: "covered for Lee".into(),
        ..Default::default()
    };
    rae.store.insert(&mut call).unwrap();
    let mut target = Target {
        meta: Meta::default(),
        scope: rapport::domain::TargetScope::Company,
        rep_id: None,
        account_id: None,
        period: rapport::domain::Period::parse("2027").unwrap(),
        metric: rapport::domain::TargetMetric::WonRevenue,
        amount: 100,
    };
    rae.store.insert(&mut target).unwrap();

    let report = team::sync(&rae.store, &secrets).unwrap();
    let refused = report.refused.join("\n");
    assert!(
        refused.contains("account Acme Logistik GmbH (city): a rep edits only accounts they own and what hangs off them; it was put back"),
        "{refused}"
    );
    assert!(refused.contains("account Acme Logistics (owner_id): only a manager reassigns an account"), "{refused}");
    assert!(refused.contains("only a manager sets targets"), "{refused}");
    // Refused is not "lost to a later edit": nobody else wrote those fields.
    assert_eq!(report.lost, 0, "{report:?}");
    // Put back here; what was allowed stands.
    assert_eq!(account(&rae, &lees).city, lees_city);
    assert_eq!(account(&rae, &own).city.as_deref(), Some("Eindhoven"));
    assert_ne!(account(&rae, &own).owner_id, lee_id);
    let t_id = rae.store.sync_local_id("target", &target.meta.uid).unwrap().unwrap();
    assert!(rae.store.get::<Target>(t_id).unwrap().is_none(), "the refused target is taken back");

    sync(manager);
    assert_eq!(account(manager, &lees).city, lees_city);
    assert_eq!(account(manager, &own).city.as_deref(), Some("Eindhoven"));
    assert!(manager.store.sync_snapshot("activity").unwrap().values().any(|a| a["summary"] == "covered for Lee"));
    assert_eq!(book(&manager.store), server_book(&t.db));

    // The manager reassigns; the rep cannot write the tables by hand either.
    edit_account(manager, &own, |a| a.owner_id = lee_id);
    let r = sync(manager);
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    let mut as_rae = connect_as(&t.db, &login, "rae-secret");
    let n: i64 = as_rae.query_one("SELECT count(*) FROM rapport.records", &[]).unwrap().get(0);
    assert!(n > 0, "a rep reads the team's book");
    let err = as_rae.execute("UPDATE rapport.records SET data = '{}'", &[]).unwrap_err();
    assert!(
        err.to_string().contains("permission denied") || format!("{err:?}").contains("permission denied"),
        "{err:?}"
    );
}

#[test]
fn a_login_that_does_not_type_well_is_refused_before_the_server_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _, _) = manager_book(dir.path());
    let long = "r".repeat(64);
    for bad in ["\u{1b}[31mrae", "rae lind", "ra\u{202e}e", "rae;drop", long.as_str()] {
        let err = team::add_rep(&store, "Rae Lindqvist", bad, None, "pw", &pg::secrets()).unwrap_err().to_string();
        assert!(
            err.contains("is not a login name; expected letters, digits and . _ - @, at most 63 characters"),
            "{err}"
        );
        assert!(!err.contains('\u{1b}') && !err.contains('\u{202e}'), "{err:?}");
    }
    assert_eq!(store.reps().unwrap().iter().filter(|r| r.name == "Rae Lindqvist").count(), 1, "nothing was added");
}

#[test]
fn only_the_manager_adds_reps() {
    let t = team_of(0);
    let (rae, secrets, _) = rep_laptop(&t, "Rae Lindqvist", "rae");
    let err = team::add_rep(&rae.store, "Sam Moreau", &format!("{}_sam", t.db), None, "x", &secrets).unwrap_err();
    assert!(err.to_string().contains("only the team's managers add reps ("), "{err}");
    assert!(!role_exists(&format!("{}_sam", t.db)));
}

#[test]
fn a_manager_who_is_not_the_owner_gives_logins_to_reps_of_their_line_only() {
    let t = team_of(0);
    let (lee, secrets, lee_login) = rep_laptop(&t, "Lee Okafor", "lee");
    // A rep may not, even calling the server's function directly.
    let mut as_lee = connect_as(&t.db, &lee_login, "lee-secret");
    let verifier = postgres_protocol::password::scram_sha_256(b"x");
    let sneaky = format!("{}_sneaky", t.db);
    let err = as_lee
        .execute("SELECT rapport.add_member($1, $2, $3, NULL)", &[&sneaky, &verifier, &"no-such-rep"])
        .unwrap_err();
    assert!(format!("{err:?}").contains("only the team's managers add reps"), "{err:?}");
    assert!(!role_exists(&sneaky));

    pg::cluster()
        .superuser(&t.db)
        .execute("UPDATE rapport.members SET is_manager = true WHERE login = $1", &[&lee_login])
        .unwrap();
    // A new rep under Lee (Lee → Rae, Sam): a record in the book, a login on the server, and the rep signs in.
    let kim = format!("{}_kim", t.db);
    team::add_rep(&lee.store, "Kim Park", &kim, None, "kim-secret", &secrets).unwrap();
    let row = pg::cluster()
        .superuser(&t.db)
        .query_one("SELECT manager_login, is_manager FROM rapport.members WHERE login = $1", &[&kim])
        .unwrap();
    assert_eq!((row.get::<_, String>(0), row.get::<_, bool>(1)), (lee_login.clone(), false));
    let kim_secrets = team::connect::Secrets { env_password: Some("kim-secret".into()), passfile: None, prompt: false };
    let path = t._dir.path().join("kim.db");
    team::join(&path, &pg::cluster().url_for(&kim, &t.db), &kim_secrets).unwrap();
    let kim_store = Store::open(&path, OpenMode::Existing).unwrap().0;
    assert_eq!(kim_store.setting("me").unwrap().as_deref(), Some("Kim Park"));

    // Outside Lee's line: a rep the owner put under themselves, or anyone under the owner.
    let owner = &t.laptops[0];
    let morgan_id = owner.store.sync_local_id("rep", &owner.store.rep_uid_by_name("Morgan Avery").unwrap().unwrap());
    let mut nora = Rep { name: "Nora Field".into(), manager_id: morgan_id.unwrap(), ..Default::default() };
    owner.store.insert(&mut nora).unwrap();
    sync(owner);
    let morgan = format!("{}_nora", t.db);
    let err = team::add_rep(&lee.store, "Nora Field", &morgan, None, "n", &secrets).unwrap_err().to_string();
    assert_eq!(err, "a manager gives logins only to reps of their reporting line; no login was made");
    let sam = format!("{}_sam", t.db);
    let err =
        team::add_rep(&lee.store, "Sam Moreau", &sam, Some("Morgan Avery"), "s", &secrets).unwrap_err().to_string();
    assert_eq!(err, "a manager puts reps only under someone in their reporting line; no login was made");
    assert!(!role_exists(&morgan) && !role_exists(&sam));
    // A rep who already signs in gets no second login.
    let again = format!("{}_kim2", t.db);
    let err = team::add_rep(&lee.store, "Kim Park", &again, None, "k", &secrets).unwrap_err().to_string();
    assert_eq!(err, format!("that rep already signs in as {kim}; no login was made"));
    assert!(!role_exists(&again));
}

// ---- conflicts and status ---------------------------------------------------

#[test]
fn a_sync_conflict_is_listed_and_keep_mine_writes_the_lost_value_again() {
    let t = team_of(0);
    let manager = &t.laptops[0];
    let (rae, secrets, _, own) = rae_loses_a_city(&t);
    let r = team::sync(&rae.store, &secrets).unwrap();
    assert_eq!(r.conflicts, 1);
    assert_eq!(account(&rae, &own).city.as_deref(), Some("Breda"));

    let out = rapport(&["--db", rae.path.to_str().unwrap(), "team", "conflicts"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("account Acme Logistics · city: kept Breda (postgres), overwrote Haarlem (t"), "{text}");
    let out = rapport(&["--db", rae.path.to_str().unwrap(), "team", "conflicts", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = rows[0]["id"].as_i64().unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);

    let said = team::resolve(&rae.store, id, team::Keep::Mine).unwrap();
    assert_eq!(said, "account Acme Logistics: city is Haarlem again; `rapport sync` shares it");
    assert_eq!(account(&rae, &own).city.as_deref(), Some("Haarlem"));
    assert!(rae.store.sync_conflicts().unwrap().is_empty());
    let out = rapport(&["--db", rae.path.to_str().unwrap(), "team", "status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("synced just now · 1 change waiting"), "{text}");
    let r = team::sync(&rae.store, &secrets).unwrap();
    assert_eq!(r.conflicts, 0, "writing a value seen is no new conflict");
    sync(manager);
    assert_eq!(account(manager, &own).city.as_deref(), Some("Haarlem"));
    let out = rapport(&["--db", rae.path.to_str().unwrap(), "team", "status"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("synced just now\n"), "{out:?}");
    // Settled for the team: the manager's laptop no longer lists it.
    assert!(manager.store.sync_conflicts().unwrap().is_empty());
}

// ---- the cockpit -----------------------------------------------------------

/// Waits for the background thread (never a timed assertion: a bounded wait for a state).
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_cockpit_syncs_in_the_background_after_a_write_and_the_header_says_how_it_stands() {
    // The background thread reads the password as libpq would.
    // SAFETY: set once, to the same value, by every test that reads it; no test removes it.
    unsafe { std::env::set_var("PGPASSWORD", &pg::cluster().password) };
    let t = team_of(1);
    let a = &t.laptops[1];
    let acme = &t.accounts[0];
    let sync = rapport::tui::team::TeamSync::start(a.path.clone(), a.store.clock().source);
    wait_for("the first sync", || sync.state().syncs >= 1);
    edit_account(a, acme, |x| x.city = Some("Backgrounded".into()));
    let db = t.db.clone();
    wait_for("the write to reach the server", || {
        server_count(&db, "SELECT count(*) FROM rapport.records WHERE data->>'city' = 'Backgrounded'") == 1
    });
    wait_for("the state to catch up", || sync.state().waiting == 0);
    let mut app = common::app_over(Store::open(&a.path, OpenMode::Existing).unwrap().0, 160, 20);
    app.set_team(sync);
    assert!(app.refresh_team_line());
    let screen = common::screen(&app);
    assert!(screen.lines().next().unwrap().contains("· synced just now"), "{screen}");

    // The server goes away (another address): the cockpit keeps working and counts what waits.
    let offline = &t.laptops[0];
    offline.store.set_setting("team_server", "postgres://postgres@127.0.0.1:1/nowhere?sslmode=disable").unwrap();
    edit_account(offline, acme, |x| x.notes = Some("written offline".into()));
    let sync = rapport::tui::team::TeamSync::start(offline.path.clone(), offline.store.clock().source);
    wait_for("a failed attempt", || !sync.state().reachable);
    assert_eq!(sync.line(chrono::Utc::now()), "offline · 1 change waiting");
    assert!(sync.state().error.unwrap().contains("cannot reach the server"));
    assert_eq!(sync.state().message, None, "offline is not news for the footer");
}

#[test]
fn keep_mine_in_the_cockpit_writes_my_value_again_and_the_sync_shares_it_with_the_team() {
    let t = team_of(0);
    let manager = &t.laptops[0];
    let (rae, secrets, _, own) = rae_loses_a_city(&t);
    team::sync(&rae.store, &secrets).unwrap();
    assert_eq!(account(&rae, &own).city.as_deref(), Some("Breda"), "the manager's later edit won");
    assert_eq!(rae.store.sync_conflicts().unwrap().len(), 1);

    let mut app = common::app_over(Store::open(&rae.path, OpenMode::Existing).unwrap().0, 120, 40);
    common::press(&mut app, "S");
    assert!(common::screen(&app).contains("Breda ("), "{}", common::screen(&app));
    common::press(&mut app, "m");
    let screen = common::screen(&app);
    assert!(screen.contains("account Acme Logistics: city is Haarlem again"), "{screen}");
    assert_eq!(account(&rae, &own).city.as_deref(), Some("Haarlem"));
    assert!(rae.store.sync_conflicts().unwrap().is_empty());

    team::sync(&rae.store, &secrets).unwrap();
    sync(manager);
    assert_eq!(account(manager, &own).city.as_deref(), Some("Haarlem"), "kept as a new change, for everyone");
    assert!(manager.store.sync_conflicts().unwrap().is_empty(), "settled for the team");
}

#[test]
fn the_background_sync_tells_a_refusal_once_and_a_wrong_password_as_sync_failed_not_offline() {
    let t = team_of(0);
    let (rae, _, login) = rep_laptop(&t, "Rae Lindqvist", "rae");
    let lees = uid_named(&rae.store, "account", "Acme Logistik GmbH");
    edit_account(&rae, &lees, |a| a.city = Some("Hacked".into()));
    // The thread reads no password but the URL's here: rae's own.
    let url = pg::cluster().url_for(&login, &t.db);
    let with_password = |password: &str| url.replacen(&format!("//{login}@"), &format!("//{login}:{password}@"), 1);
    rae.store.set_setting("team_server", &with_password("rae-secret")).unwrap();
    let sync = rapport::tui::team::TeamSync::start(rae.path.clone(), rae.store.clock().source);
    wait_for("the first sync", || sync.state().syncs >= 1);
    let told = sync.take_message().expect("the refusal is news");
    assert!(told.contains("refused your change to account Acme Logistik GmbH (city)"), "{told}");
    assert_eq!(sync.take_message(), None, "told once");
    assert!(sync.line(chrono::Utc::now()).starts_with("synced just now"), "{}", sync.line(chrono::Utc::now()));
    drop(sync);

    rae.store.set_setting("team_server", &with_password("wrong")).unwrap();
    let sync = rapport::tui::team::TeamSync::start(rae.path.clone(), rae.store.clock().source);
    wait_for("a failed attempt", || sync.state().error.is_some());
    assert_eq!(sync.line(chrono::Utc::now()), "sync failed: password refused");
    let mut app = common::app_over(Store::open(&rae.path, OpenMode::Existing).unwrap().0, 160, 20);
    app.set_team(sync);
    app.refresh_team_line();
    let screen = common::screen(&app);
    assert!(screen.lines().next().unwrap().ends_with("· sync failed: password refused"), "{screen}");
    assert!(screen.lines().last().unwrap().contains("refused the password for"), "{screen}");
}

#[test]
fn an_import_reaches_the_team_and_its_undo_takes_it_back_there() {
    let t = team_of(1);
    let (manager, rep) = (&t.laptops[0], &t.laptops[1]);
    let csv = t._dir.path().join("accounts.csv");
    let mut text = String::from("Name,City\n");
    for i in 0..120 {
        text.push_str(&format!("Imported {i:03},Lyon\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let m = manager.path.to_str().unwrap();
    let out = rapport(&["--db", m, "import", "accounts", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let imported = |l: &Laptop| {
        let s = Store::open(&l.path, OpenMode::Existing).unwrap().0;
        s.sync_snapshot("account")
            .unwrap()
            .into_values()
            .filter(|a| a["name"].as_str().is_some_and(|n| n.starts_with("Imported ")) && a["deleted_at"].is_null())
            .count()
    };
    assert_eq!(imported(manager), 120);
    sync(&at(manager, Clock::System));
    sync(rep);
    assert_eq!(imported(rep), 120, "every row of the import's one change-log entry travels");

    let out = rapport(&["--db", m, "undo"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(imported(manager), 0);
    sync(&at(manager, Clock::System));
    sync(rep);
    assert_eq!(imported(rep), 0, "the undo of the import travels too");
}

// ---- the push function against a client that does not play by the rules ----

/// One push as `login` with ops made by hand, as a tampered client would send them.
fn push_as(t: &Team, login: &str, password: &str, ops: serde_json::Value) -> serde_json::Value {
    let mut client = connect_as(&t.db, login, password);
    let device = uuid::Uuid::now_v7().to_string();
    client.query_one("SELECT rapport.push($1, 1::bigint, $2)", &[&device, &ops]).unwrap().get(0)
}

/// A field of a record on the server (None: no such record).
fn server_field(db: &str, entity: &str, uid: &str, field: &str) -> Option<serde_json::Value> {
    pg::cluster()
        .superuser(db)
        .query_opt("SELECT data->$3 FROM rapport.records WHERE entity = $1 AND uid = $2", &[&entity, &uid, &field])
        .unwrap()
        .map(|r| r.get::<_, Option<serde_json::Value>>(0).unwrap_or(serde_json::Value::Null))
}

fn now_hlc(ahead: chrono::Duration) -> i64 {
    rapport::domain::hlc::pack((chrono::Utc::now() + ahead).timestamp_millis(), 0)
}

#[test]
fn a_rep_cannot_move_a_record_of_their_account_onto_another_reps_account() {
    let t = team_of(0);
    let (rae, secrets, login) = rep_laptop(&t, "Rae Lindqvist", "rae");
    let own = uid_named(&rae.store, "account", "Acme Logistics");
    let lees = uid_named(&rae.store, "account", "Acme Logistik GmbH");
    let jane = uid_named(&rae.store, "contact", "Jane Roe");

    // Through the laptop: Jane Roe moved from Rae's account onto Lee's.
    let mut c = contact(&rae, &jane);
    c.account_id = rae.store.sync_local_id("account", &lees).unwrap().unwrap();
    rae.store.update(&mut c).unwrap();
    let report = team::sync(&rae.store, &secrets).unwrap();
    let refused = report.refused.join("\n");
    assert!(refused.contains("contact Jane Roe (account_id"), "{refused}");
    assert!(refused.contains("a rep moves records only onto accounts they own; it was put back"), "{refused}");
    assert_eq!(server_field(&t.db, "contact", &jane, "account_id"), Some(serde_json::json!(own)));
    assert_eq!(contact(&rae, &jane).account_id, rae.store.sync_local_id("account", &own).unwrap().unwrap());

    // By hand: a new contact put on Rae's account by one op and on Lee's by a later one.
    let h = now_hlc(chrono::Duration::zero());
    let answer = push_as(
        &t,
        &login,
        "rae-secret",
        serde_json::json!([
            {"e": "contact", "u": "forged-contact", "f": "account_id", "v": own, "h": h, "b": 0},
            {"e": "contact", "u": "forged-contact", "f": "name", "v": "Planted", "h": h, "b": 0},
            {"e": "contact", "u": "forged-contact", "f": "account_id", "v": lees, "h": h + 1, "b": 0},
        ]),
    );
    assert_ne!(
        server_field(&t.db, "contact", "forged-contact", "account_id"),
        Some(serde_json::json!(lees)),
        "{answer}"
    );
}

#[test]
fn a_rep_cannot_take_an_account_without_owner_or_make_one_for_another_rep() {
    let t = team_of(0);
    let manager = &t.laptops[0];
    let mut open = Account { name: "Nobody's Ltd".into(), ..Default::default() };
    manager.store.insert(&mut open).unwrap();
    sync(manager);
    let (rae, _, login) = rep_laptop(&t, "Rae Lindqvist", "rae");
    let rae_uid = rae.store.rep_uid_by_name("Rae Lindqvist").unwrap().unwrap();
    let lee_uid = rae.store.rep_uid_by_name("Lee Okafor").unwrap().unwrap();
    let open = open.meta.uid;
    assert_eq!(server_field(&t.db, "account", &open, "owner_id"), Some(serde_json::Value::Null));

    // Naming herself owner is refused, but used to count as the account's owner for the next op.
    let h = now_hlc(chrono::Duration::zero());
    let answer = push_as(
        &t,
        &login,
        "rae-secret",
        serde_json::json!([
            {"e": "account", "u": open, "f": "owner_id", "v": rae_uid, "h": h, "b": 0},
            {"e": "account", "u": open, "f": "city", "v": "Taken", "h": h, "b": 0},
        ]),
    );
    assert_eq!(answer["kept"], 0, "{answer}");
    assert_eq!(server_field(&t.db, "account", &open, "city"), Some(serde_json::Value::Null));
    assert_eq!(server_field(&t.db, "account", &open, "owner_id"), Some(serde_json::Value::Null));

    // A new account given to Rae by one op and to Lee by a later one.
    let answer = push_as(
        &t,
        &login,
        "rae-secret",
        serde_json::json!([
            {"e": "account", "u": "forged-account", "f": "name", "v": "Planted", "h": h, "b": 0},
            {"e": "account", "u": "forged-account", "f": "owner_id", "v": rae_uid, "h": h, "b": 0},
            {"e": "account", "u": "forged-account", "f": "owner_id", "v": lee_uid, "h": h + 1, "b": 0},
        ]),
    );
    assert_eq!(answer["kept"], 0, "{answer}");
    assert_eq!(server_field(&t.db, "account", "forged-account", "owner_id"), None);

    // Nor records of a kind the team does not share.
    let own = uid_named(&rae.store, "account", "Acme Logistics");
    let answer = push_as(
        &t,
        &login,
        "rae-secret",
        serde_json::json!([{"e": "gossip", "u": "g1", "f": "account_id", "v": own, "h": h, "b": 0}]),
    );
    assert_eq!(answer["kept"], 0, "{answer}");
    assert_eq!(server_count(&t.db, "SELECT count(*) FROM rapport.records WHERE entity = 'gossip'"), 0);
}

#[test]
fn the_server_refuses_ops_stamped_far_ahead_of_its_clock() {
    let t = team_of(0);
    let manager = &t.laptops[0];
    let (rae, _, login) = rep_laptop(&t, "Rae Lindqvist", "rae");
    let own = uid_named(&rae.store, "account", "Acme Logistics");
    let answer = push_as(
        &t,
        &login,
        "rae-secret",
        serde_json::json!([
            {"e": "account", "u": own, "f": "city", "v": "Forever", "h": now_hlc(chrono::Duration::days(365)), "b": 0},
        ]),
    );
    assert_eq!(answer["kept"], 0, "{answer}");
    assert!(
        answer["refused"][0]["why"].as_str().unwrap_or_default().contains("ahead of the server's clock"),
        "{answer}"
    );
    // The manager's edit, made now, is the one that stands.
    sync(manager);
    edit_account(manager, &own, |a| a.city = Some("Utrecht".into()));
    sync(manager);
    assert_eq!(server_field(&t.db, "account", &own, "city"), Some(serde_json::json!("Utrecht")));
}

#[test]
fn a_key_value_server_address_keeps_its_password_out_of_the_book() {
    let c = pg::cluster();
    let db = c.fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let (manager, _, _) = manager_book(dir.path());
    let conn = format!("host=127.0.0.1 port={} user=postgres dbname={db} password='{}'", c.port, c.password);
    team::init(&manager, &conn, &team::connect::Secrets::default()).unwrap();
    let stored = manager.setting("team_server").unwrap().unwrap();
    assert_eq!(stored, format!("host=127.0.0.1 port={} user=postgres dbname={db}", c.port));
    assert!(!stored.contains(&c.password));
    sync(&Laptop { store: manager, path: dir.path().join("manager.db") });
}

// ---- upkeep: purged tombstones, resync, repairs, undo after a pull ------------

/// Live rows only: purged tombstones stay as tombstones on the laptops that had them.
fn live(b: Vec<(String, Rows)>) -> Vec<(String, Rows)> {
    b.into_iter().map(|(e, rows)| (e, rows.into_iter().filter(|(_, d)| d["deleted_at"].is_null()).collect())).collect()
}

/// A contact made on `l` and shared, for a later delete.
fn new_contact(t: &Team, l: &Laptop, name: &str) -> String {
    let account_id = l.store.sync_local_id("account", &t.accounts[0]).unwrap().unwrap();
    let mut c = Contact { account_id, name: name.into(), ..Default::default() };
    l.store.insert(&mut c).unwrap();
    c.meta.uid
}

fn delete_contact(l: &Laptop, uid: &str) {
    let id = l.store.sync_local_id("contact", uid).unwrap().unwrap();
    l.store.delete::<Contact>(id).unwrap();
}

fn purge(t: &Team) -> team::PurgeReport {
    team::purge(&t.laptops[0].store, None, &pg::secrets()).unwrap()
}

#[test]
fn a_purge_waits_until_every_device_has_pulled_past_a_deletion() {
    let t = team_of(2);
    let (manager, a, b) = (&t.laptops[0], &t.laptops[1], &t.laptops[2]);
    let pat = new_contact(&t, a, "Pat Temp");
    sync(a);
    for l in &t.laptops {
        sync(l);
    }
    delete_contact(a, &pat);
    sync(a);
    sync(manager);
    let on_server = || server_count(&t.db, &format!("SELECT count(*) FROM rapport.records WHERE uid = '{pat}'"));
    // b has not pulled the delete: the tombstone stays.
    let r = purge(&t);
    assert_eq!((r.records, on_server()), (0, 1), "{r:?}");
    sync(b);
    assert!(contact(b, &pat).meta.deleted_at.is_some());
    // Every device is past it now (the command line, as the manager runs it).
    let out = rapport(&["--db", manager.path.to_str().unwrap(), "team", "purge"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("purged 1 deleted record(s)"), "{out:?}");
    assert_eq!(on_server(), 0);
    assert_eq!(server_count(&t.db, &format!("SELECT count(*) FROM rapport.ops WHERE uid = '{pat}'")), 0);
    // Nobody was behind: no laptop downloads the book again.
    for l in &t.laptops {
        assert!(!sync(l).resynced);
        assert_eq!(live(book(&l.store)), live(server_book(&t.db)));
    }
    // A new laptop joins after the purge and is not sent back to resync.
    let c = join(t._dir.path(), "late", &t.url);
    assert!(!sync(&c).resynced);
    // Only the manager purges.
    let (rae, secrets, _) = rep_laptop(&t, "Rae Lindqvist", "rae");
    let err = team::purge(&rae.store, None, &secrets).unwrap_err().to_string();
    assert!(err.contains("only the team's manager purges"), "{err}");
}

#[test]
fn a_managers_sync_purges_once_a_week_what_every_device_has_pulled_past() {
    let t = team_of(1);
    let (manager, a) = (&t.laptops[0], &t.laptops[1]);
    let pat = new_contact(&t, a, "Pat Temp");
    sync(a);
    sync(manager);
    delete_contact(a, &pat);
    sync(a);
    let on_server = || server_count(&t.db, &format!("SELECT count(*) FROM rapport.records WHERE uid = '{pat}'"));
    // Within a week of the team's start: a sync only syncs.
    assert!(sync(manager).purged.is_none());
    assert_eq!(on_server(), 1);
    // A week on, the manager's next sync purges (the command line, as the manager runs it).
    manager.store.set_setting("team_purged_at", "2026-11-01T09:00:00Z").unwrap();
    let out = rapport(&["--db", manager.path.to_str().unwrap(), "sync"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        said.contains("the weekly upkeep purged 1 deleted record every laptop had pulled past from the server"),
        "{said}"
    );
    assert_eq!(on_server(), 0);
    // And not again within the week: the next sync says nothing of it.
    let out = rapport(&["--db", manager.path.to_str().unwrap(), "sync"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("purged"), "{out:?}");
    for l in &t.laptops {
        assert!(!sync(l).resynced, "nobody was behind");
        assert_eq!(live(book(&l.store)), live(server_book(&t.db)));
    }
    // A rep's sync looks once a week too, and leaves the purge to the manager.
    let (rae, secrets, _) = rep_laptop(&t, "Rae Lindqvist", "rae");
    rae.store.set_setting("team_purged_at", "2026-11-01T09:00:00Z").unwrap();
    let r = team::sync(&rae.store, &secrets).unwrap();
    assert!(r.purged.is_none(), "{r:?}");
    assert_ne!(rae.store.setting("team_purged_at").unwrap().as_deref(), Some("2026-11-01T09:00:00Z"));
}

#[test]
fn a_device_away_longer_than_the_idle_days_pushes_then_resyncs_and_converges() {
    let t = team_of(2);
    let (manager, a, b) = (&t.laptops[0], &t.laptops[1], &t.laptops[2]);
    let pat = new_contact(&t, a, "Pat Temp");
    sync(a);
    for l in &t.laptops {
        sync(l);
    }
    // b goes away with changes of its own, one of them to a record the team then deletes.
    edit_account(b, &t.accounts[0], |x| x.city = Some("Written while away".into()));
    let mut p = contact(b, &pat);
    p.title = Some("Edited while away".into());
    b.store.update(&mut p).unwrap();
    delete_contact(a, &pat);
    edit_account(a, &t.accounts[1], |x| x.notes = Some("from a".into()));
    sync(a);
    sync(manager);
    assert_eq!(purge(&t).records, 0, "b still holds the purge back");

    // b has not been seen for longer than the team's idle days.
    let b_device = b.store.setting("team_device").unwrap().unwrap();
    pg::cluster()
        .superuser(&t.db)
        .execute("UPDATE rapport.devices SET seen_at = now() - interval '31 days' WHERE device_id = $1", &[&b_device])
        .unwrap();
    let r = purge(&t);
    assert_eq!(r.records, 1, "{r:?}");
    assert_eq!(r.left_behind, vec![b_device.clone()]);

    let report = sync(b);
    assert!(report.resynced, "{report:?}");
    assert!(report.kept > 0, "its own changes were pushed first: {report:?}");
    let refused = report.refused.join("\n");
    assert!(refused.contains("contact Pat Temp (title): it was deleted and purged on the server"), "{refused}");
    assert!(contact(b, &pat).meta.deleted_at.is_some(), "the purged record is gone here too");
    assert_eq!(account(b, &t.accounts[0]).city.as_deref(), Some("Written while away"));
    assert_eq!(account(b, &t.accounts[1]).notes.as_deref(), Some("from a"));
    assert_eq!(server_field(&t.db, "account", &t.accounts[0], "city"), Some(serde_json::json!("Written while away")));
    assert!(server_field(&t.db, "contact", &pat, "title").is_none(), "no record is raised again from one field");
    for l in [manager, a] {
        sync(l);
    }
    for l in &t.laptops {
        assert_eq!(live(book(&l.store)), live(server_book(&t.db)));
    }
    assert!(!sync(b).resynced, "once is enough");
}

#[test]
fn a_refused_push_keeps_the_changes_and_does_not_resync() {
    let t = team_of(1);
    let a = &t.laptops[1];
    edit_account(a, &t.accounts[0], |x| x.city = Some("Kept through it all".into()));
    let mut su = pg::cluster().superuser(&t.db);
    su.execute("UPDATE rapport.meta SET value = '999999' WHERE key = 'purged_through'", &[]).unwrap();
    // The device is taken over by another login: the server refuses the whole push.
    let device = a.store.setting("team_device").unwrap().unwrap();
    su.execute("UPDATE rapport.devices SET login = 'someone_else' WHERE device_id = $1", &[&device]).unwrap();
    let err = format!("{:#}", team::sync(&a.store, &pg::secrets()).unwrap_err());
    assert!(err.contains("could not be pushed first; they are kept here, and nothing was downloaded"), "{err}");
    assert!(err.contains("belongs to someone_else"), "{err}");
    assert_eq!(account(a, &t.accounts[0]).city.as_deref(), Some("Kept through it all"));
    assert!(a.store.sync_waiting().unwrap() > 0);
}

fn deal(l: &Laptop, uid: &str) -> Deal {
    let id = l.store.sync_local_id("deal", uid).unwrap().unwrap();
    l.store.get_any(id).unwrap().unwrap()
}

#[test]
fn a_merged_deal_that_breaks_a_rule_is_repaired_alike_on_every_laptop() {
    let t = team_of(2);
    let (a, b) = (&t.laptops[1], &t.laptops[2]);
    let fleet = uid_named(&a.store, "deal", "Fleet add-on");
    let now = chrono::Utc::now();
    let later = now + chrono::Duration::minutes(1);
    // a reopens the won deal; b, a minute later and unaware, marks it lost
    // (keeping its close date). Per field: b's stage, a's empty close date.
    let a_now = at(a, Clock::Fixed(now));
    let mut d = deal(&a_now, &fleet);
    d.stage = rapport::domain::DealStage::Negotiation;
    d.closed_on = None;
    a_now.store.update(&mut d).unwrap();
    let b_later = at(b, Clock::Fixed(later));
    let mut d = deal(&b_later, &fleet);
    d.stage = rapport::domain::DealStage::Lost;
    b_later.store.update(&mut d).unwrap();
    sync(a);
    let rb = sync(b);
    assert_eq!((rb.repaired, rb.held), (1, 0), "{rb:?}");
    let ra = sync(a);
    assert_eq!((ra.repaired, ra.held), (1, 0), "{ra:?}");
    for l in [a, b] {
        let d = deal(l, &fleet);
        assert_eq!(d.stage, rapport::domain::DealStage::Lost);
        assert_eq!(d.closed_on, Some(later.date_naive()), "dated by the stage's clock");
    }
    assert_eq!(book(&a.store), book(&b.store));
}

#[test]
fn a_pulled_record_that_cannot_be_applied_yet_is_kept_and_applied_once_it_can() {
    let t = team_of(1);
    let a = &t.laptops[1];
    let jane = &t.contacts[0];
    let mut su = pg::cluster().superuser(&t.db);
    // A contact on an account this laptop has not got (it reaches the server later).
    su.execute(
        "INSERT INTO rapport.records (entity, uid, data, clocks, seq)
         SELECT 'contact', 'held-contact',
                data || '{\"account_id\": \"later-account\", \"name\": \"Held Person\", \"email\": null}'::jsonb,
                '{}', nextval('rapport.seq')
         FROM rapport.records WHERE entity = 'contact' AND uid = $1",
        &[jane],
    )
    .unwrap();
    let held = |l: &Laptop| l.store.sync_local_id("contact", "held-contact").unwrap();
    let r = sync(a);
    assert_eq!(r.held, 1, "{r:?}");
    assert!(held(a).is_none());
    assert_eq!(a.store.sync_held().unwrap().len(), 1, "kept, not dropped");
    // Nothing new: it is tried again, and still kept.
    assert_eq!(sync(a).held, 1);
    let out = rapport(&["--db", a.path.to_str().unwrap(), "team", "status"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 record(s) from the team cannot be applied here yet"),
        "{out:?}"
    );
    su.execute(
        "INSERT INTO rapport.records (entity, uid, data, clocks, seq)
         SELECT 'account', 'later-account', data || '{\"name\": \"Later Account\", \"parent_id\": null}'::jsonb,
                '{}', nextval('rapport.seq')
         FROM rapport.records WHERE entity = 'account' AND uid = $1",
        &[&t.accounts[0]],
    )
    .unwrap();
    // Only the account is new on the server; the contact waiting here goes with it.
    let r = sync(a);
    assert_eq!((r.pulled, r.held), (1, 0), "{r:?}");
    let c = contact(a, "held-contact");
    assert_eq!(c.name, "Held Person");
    assert_eq!(c.account_id, a.store.sync_local_id("account", "later-account").unwrap().unwrap());
    assert!(a.store.sync_held().unwrap().is_empty());
}

#[test]
fn undoing_an_edit_after_a_pull_brought_a_newer_value_is_refused_naming_the_field() {
    let t = team_of(2);
    let (a, b) = (&t.laptops[1], &t.laptops[2]);
    let acme = &t.accounts[0];
    edit_account(a, acme, |x| x.city = Some("Mine first".into()));
    sync(a);
    sync(b);
    edit_account(b, acme, |x| x.city = Some("Theirs later".into()));
    sync(b);
    sync(a);
    assert_eq!(account(a, acme).city.as_deref(), Some("Theirs later"));
    let err = a.store.undo().unwrap_err().to_string();
    assert!(err.contains("was changed after that (city; a teammate's value came in by sync: city)"), "{err}");
    assert_eq!(account(a, acme).city.as_deref(), Some("Theirs later"), "the pulled value stands");
    assert!(a.store.sync_pending().unwrap().ops.is_empty(), "nothing to push back");
    // An edit made after the pull is undone as usual.
    edit_account(a, acme, |x| x.notes = Some("undo me".into()));
    a.store.undo().unwrap().unwrap();
    assert_eq!(account(a, acme).notes, account(b, acme).notes);
}

#[test]
fn a_resync_tombstones_what_the_team_purged_but_not_what_was_written_here_since_the_push() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("l.db"), OpenMode::Create).unwrap();
    let ids = common::seed(&store);
    store.sync_mark_all_pushed().unwrap();
    let mut fresh = Contact { account_id: ids.acme, name: "Written after the push".into(), ..Default::default() };
    store.insert(&mut fresh).unwrap();
    // The team's book holds none of these records any more.
    let n = store.sync_tombstone_missing(&std::collections::HashSet::new()).unwrap();
    assert!(n > 10, "{n}");
    let jane: Contact = store.get_any(ids.jane).unwrap().unwrap();
    assert!(jane.meta.deleted_at.is_some());
    let kept: Contact = store.get_any(fresh.meta.id).unwrap().unwrap();
    assert!(kept.meta.deleted_at.is_none(), "not on the server yet: it is pushed, not taken away");
    assert!(store.sync_pending().unwrap().ops.iter().any(|o| o.uid == fresh.meta.uid));
}

// ---- join in batches, rep logins, resolutions, manager scope ---------------

#[test]
fn a_join_in_small_batches_keeps_links_to_records_of_later_batches() {
    let t = team_of(0);
    let m = &t.laptops[0];
    // A parent account and a rep's manager that the server holds after the
    // records naming them: created and linked in one push, then edited again.
    let acme = t.accounts[0].clone();
    let morgan = m.store.rep_uid_by_name("Morgan Avery").unwrap().unwrap();
    let mut zeta = Account { name: "Zeta Holdings".into(), ..Default::default() };
    m.store.insert(&mut zeta).unwrap();
    let mut dana = Rep { name: "Dana Director".into(), role: rapport::domain::RepRole::Manager, ..Default::default() };
    m.store.insert(&mut dana).unwrap();
    edit_account(m, &acme, |a| a.parent_id = Some(zeta.meta.id));
    let mut top: Rep = m.store.get_any(m.store.sync_local_id("rep", &morgan).unwrap().unwrap()).unwrap().unwrap();
    top.manager_id = Some(dana.meta.id);
    m.store.update(&mut top).unwrap();
    sync(m);
    zeta.city = Some("Zug".into());
    m.store.update(&mut zeta).unwrap();
    dana.email = Some("dana@example.com".into());
    m.store.update(&mut dana).unwrap();
    sync(m);
    let seq = |uid: &str| -> i64 {
        pg::cluster()
            .superuser(&t.db)
            .query_one("SELECT seq FROM rapport.records WHERE uid = $1", &[&uid])
            .unwrap()
            .get(0)
    };
    assert!(seq(&acme) < seq(&zeta.meta.uid) && seq(&morgan) < seq(&dana.meta.uid), "the links point forward");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.db");
    let report = team::join_in_batches(&path, &t.url, &pg::secrets(), 2).unwrap();
    assert!(report.records > 10, "{report:?}");
    let (joined, _) = Store::open(&path, OpenMode::Existing).unwrap();
    assert_eq!(book(&joined), book(&m.store));
    let acme_here: Account = joined.get_any(joined.sync_local_id("account", &acme).unwrap().unwrap()).unwrap().unwrap();
    assert_eq!(acme_here.parent_id, joined.sync_local_id("account", &zeta.meta.uid).unwrap());
    assert!(acme_here.parent_id.is_some());
    let top_here: Rep = joined.get_any(joined.sync_local_id("rep", &morgan).unwrap().unwrap()).unwrap().unwrap();
    assert_eq!(top_here.manager_id, joined.sync_local_id("rep", &dana.meta.uid).unwrap());
    assert!(top_here.manager_id.is_some());
}

/// A TCP relay to the test server that keeps every byte a client sends.
fn recording_relay() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};
    let c = pg::cluster();
    let config: postgres::Config = c.url_for("postgres", "postgres").parse().unwrap();
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "127.0.0.1".into(),
    };
    let target = format!("{host}:{}", c.port);
    let sent = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = sent.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let mut server = TcpStream::connect(&target).unwrap();
            let (mut client_r, mut server_w) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let log = log.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n @ 1..) = client_r.read(&mut buf) {
                    log.lock().unwrap().extend_from_slice(&buf[..n]);
                    if server_w.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = server_w.shutdown(std::net::Shutdown::Both);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut server, &mut client);
                let _ = client.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    (port, sent)
}

#[test]
fn add_rep_sends_only_a_scram_verifier_and_the_rep_signs_in_with_the_password() {
    let t = team_of(0);
    let m = &t.laptops[0];
    let (port, sent) = recording_relay();
    let via = format!("postgres://postgres@127.0.0.1:{port}/{}?sslmode=disable", t.db);
    m.store.set_setting(rapport::store::sync::SERVER_KEY, &via).unwrap();
    let login = format!("{}_kim", t.db);
    let password = "kim-Very-Secret-42";
    team::add_rep(&m.store, "Kim Nakamura", &login, None, password, &pg::secrets()).unwrap();

    let sent = sent.lock().unwrap().clone();
    assert!(sent.windows(login.len()).any(|w| w == login.as_bytes()), "the relay saw the add-rep traffic");
    assert!(!sent.windows(password.len()).any(|w| w == password.as_bytes()), "the password never leaves the laptop");
    let stored: String = pg::cluster()
        .superuser("postgres")
        .query_one("SELECT rolpassword FROM pg_authid WHERE rolname = $1", &[&login])
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$4096:"), "{stored}");
    assert!(sent.windows(stored.len()).any(|w| w == stored.as_bytes()), "the verifier is what was sent");

    let secrets = team::connect::Secrets { env_password: Some(password.into()), passfile: None, prompt: false };
    let path = t._dir.path().join("kim.db");
    team::join(&path, &pg::cluster().url_for(&login, &t.db), &secrets).unwrap();
    let (kim, _) = Store::open(&path, OpenMode::Existing).unwrap();
    assert_eq!(kim.setting("me").unwrap().as_deref(), Some("Kim Nakamura"));
    let wrong = team::connect::Secrets { env_password: Some("not-it".into()), passfile: None, prompt: false };
    let err = team::join(&t._dir.path().join("x.db"), &pg::cluster().url_for(&login, &t.db), &wrong).unwrap_err();
    assert!(err.to_string().contains("refused the password"), "{err}");
}

#[test]
fn a_conflict_settled_on_one_laptop_is_settled_on_the_server_and_for_every_member() {
    let t = team_of(1);
    let (manager, other) = (&t.laptops[0], &t.laptops[1]);
    let (rae, secrets, rae_login, own) = rae_loses_a_city(&t);
    team::sync(&rae.store, &secrets).unwrap();
    sync(manager);
    sync(other);
    let id = rae.store.sync_conflicts().unwrap()[0].id;
    for l in [manager, other] {
        assert_eq!(l.store.sync_conflicts().unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
    }

    team::resolve(&rae.store, id, team::Keep::Theirs).unwrap();
    // Offline, the resolution waits on the laptop.
    assert_eq!(rae.store.sync_resolutions().unwrap(), [id]);
    assert_eq!(server_count(&t.db, "SELECT count(*) FROM rapport.conflicts WHERE resolved_at IS NOT NULL"), 0);
    team::sync(&rae.store, &secrets).unwrap();
    assert!(rae.store.sync_resolutions().unwrap().is_empty());
    let row = pg::cluster()
        .superuser(&t.db)
        .query_one(
            "SELECT resolved_by, resolved_at > now() - interval '1 hour' FROM rapport.conflicts WHERE id = $1",
            &[&id],
        )
        .unwrap();
    assert_eq!(row.get::<_, Option<String>>(0).as_deref(), Some(rae_login.as_str()));
    assert_eq!(row.get::<_, Option<bool>>(1), Some(true));

    for l in [manager, other] {
        sync(l);
        assert!(l.store.sync_conflicts().unwrap().is_empty(), "settled for everyone");
        let out = rapport(&["--db", l.path.to_str().unwrap(), "team", "conflicts"]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "no sync conflicts\n");
    }
    assert_eq!(account(manager, &own).city.as_deref(), Some("Breda"));
    // A laptop joining afterwards starts with it settled.
    let late = join(t._dir.path(), "late", &t.url);
    assert!(late.store.sync_conflicts().unwrap().is_empty());
    // Someone who is neither of its writers nor a manager cannot settle another's conflict.
    let (sam, sam_secrets, _) = rep_laptop(&t, "Sam Moreau", "sam");
    let mut su = pg::cluster().superuser(&t.db);
    su.execute("UPDATE rapport.conflicts SET resolved_at = NULL, resolved_by = NULL", &[]).unwrap();
    let config: postgres::Config = pg::cluster().url_for(&format!("{}_sam", t.db), &t.db).parse().unwrap();
    let mut as_sam =
        config.clone().password(sam_secrets.env_password.clone().unwrap()).connect(postgres::NoTls).unwrap();
    let done: Vec<i64> = as_sam.query_one("SELECT rapport.resolve($1)", &[&vec![id]]).unwrap().get(0);
    assert!(done.is_empty());
    drop(sam);
    assert_eq!(server_count(&t.db, "SELECT count(*) FROM rapport.conflicts WHERE resolved_at IS NOT NULL"), 0);
}

/// A database created `name` (quoted: any characters), empty.
fn named_db(name: &str) -> String {
    let name = format!("t{}_{name}", std::process::id());
    pg::cluster().superuser("postgres").batch_execute(&format!("CREATE DATABASE \"{name}\"")).unwrap();
    name
}

fn member_role(db: &str) -> String {
    pg::cluster()
        .superuser(db)
        .query_one("SELECT value FROM rapport.meta WHERE key = 'member_role'", &[])
        .unwrap()
        .get(0)
}

#[test]
fn databases_a_dash_b_and_a_underscore_b_get_group_roles_of_their_own() {
    let c = pg::cluster();
    let dir = tempfile::tempdir().unwrap();
    let mut roles = Vec::new();
    for (i, name) in ["a-b", "a_b"].into_iter().enumerate() {
        let db = named_db(name);
        let folder = dir.path().join(i.to_string());
        std::fs::create_dir(&folder).unwrap();
        let (manager, _, _) = manager_book(&folder);
        let report = team::init(&manager, &c.url_for("postgres", &db), &pg::secrets()).unwrap();
        assert_eq!(report.member_role, member_role(&db));
        assert!(report.member_role.starts_with(&format!("rapport_{db}_").replace('-', "_")), "{}", report.member_role);
        roles.push(report.member_role);
    }
    assert_ne!(roles[0], roles[1]);
    // Within PostgreSQL's 63 bytes, whatever the database's name.
    let mut su = c.superuser(&format!("t{}_a-b", std::process::id()));
    let n: i32 = su.query_one("SELECT octet_length(rapport.group_role_for(repeat('é', 63)))", &[]).unwrap().get(0);
    assert!(n <= 63, "{n}");
    let n: i32 = su.query_one("SELECT octet_length(rapport.group_role_for(repeat('x', 63)))", &[]).unwrap().get(0);
    assert!(n <= 63, "{n}");
}

/// A team server as `team init` made it before server migration 0002: the
/// group role named after the database alone, and a rep in it.
fn old_style_team(db: &str, rep: &str) -> String {
    let mut su = pg::cluster().superuser(db);
    su.batch_execute(team::schema::SERVER_MIGRATIONS[0].2).unwrap();
    let old: String = su
        .query_one("SELECT 'rapport_' || regexp_replace(current_database(), '[^a-zA-Z0-9_]', '_', 'g')", &[])
        .unwrap()
        .get(0);
    su.batch_execute(&format!(
        "INSERT INTO rapport.meta VALUES ('schema_version', '1'), ('member_role', '{old}');
         DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{old}') THEN CREATE ROLE \"{old}\" NOLOGIN; END IF; END $$;
         GRANT USAGE ON SCHEMA rapport TO \"{old}\";
         GRANT SELECT ON rapport.meta, rapport.members, rapport.records, rapport.conflicts TO \"{old}\";
         GRANT EXECUTE ON FUNCTION rapport.push(text, bigint, jsonb), rapport.pulled(text, bigint) TO \"{old}\";
         CREATE ROLE \"{rep}\" LOGIN PASSWORD 'rep-pw' IN ROLE \"{old}\";
         INSERT INTO rapport.members (login, is_manager) VALUES ('postgres', true);
         INSERT INTO rapport.members (login, is_manager, manager_login) VALUES ('{rep}', false, 'postgres');"
    ))
    .unwrap();
    old
}

#[test]
fn a_team_made_with_the_old_group_role_name_moves_to_its_own_role_and_the_other_team_keeps_the_old_one() {
    let c = pg::cluster();
    let pid = std::process::id();
    let (dash, under) = (named_db("old-x"), named_db("old_x"));
    let old = old_style_team(&dash, &format!("r{pid}_dash"));
    assert_eq!(old_style_team(&under, &format!("r{pid}_under")), old, "the old names collide");

    let mut server = team::connect::connect(&c.url_for("postgres", &dash), &pg::secrets()).unwrap();
    assert_eq!(team::schema::migrate(&mut server).unwrap(), [2, 3, 4]);
    let new = member_role(&dash);
    assert_ne!(new, old);
    let mut su = c.superuser(&dash);
    let runs: bool = su
        .query_one(
            "SELECT has_function_privilege($1, 'rapport.push_run(text, text, bigint, jsonb)', 'EXECUTE')",
            &[&new],
        )
        .unwrap()
        .get(0);
    assert!(runs, "migration 3 grants its functions to the team's role");
    let owner: String = su.query_one("SELECT value FROM rapport.meta WHERE key = 'owner_login'", &[]).unwrap().get(0);
    assert_eq!(owner, "postgres", "the manager who made the team owns it");
    let can = |su: &mut postgres::Client, role: &str| -> (bool, bool, bool) {
        let r = su
            .query_one(
                "SELECT has_schema_privilege($1, 'rapport', 'USAGE'),
                        has_table_privilege($1, 'rapport.records', 'SELECT'),
                        has_function_privilege($1, 'rapport.push(text, bigint, jsonb)', 'EXECUTE')",
                &[&role],
            )
            .unwrap();
        (r.get(0), r.get(1), r.get(2))
    };
    assert_eq!(can(&mut su, &new), (true, true, true));
    assert_eq!(can(&mut su, &old), (false, false, false), "the old role has no rights here any more");
    let dash_rep = format!("r{pid}_dash");
    let member: bool = su.query_one("SELECT pg_has_role($1, $2, 'MEMBER')", &[&dash_rep, &new]).unwrap().get(0);
    assert!(member);
    // The rep still reads the team's book and pushes, through the new role.
    let mut rep = connect_as(&dash, &dash_rep, "rep-pw");
    rep.query("SELECT count(*) FROM rapport.records", &[]).unwrap();
    rep.execute("SELECT rapport.pulled('dev-1', 0)", &[]).unwrap();
    // The other database is not migrated yet: it keeps the old name, and its rights.
    let mut other = c.superuser(&under);
    assert_eq!(member_role(&under), old);
    assert_eq!(can(&mut other, &old), (true, true, true));
    let under_rep = format!("r{pid}_under");
    let moved: bool = other.query_one("SELECT pg_has_role($1, $2, 'MEMBER')", &[&under_rep, &new]).unwrap().get(0);
    assert!(!moved, "the other team's rep is not in this team's role");
}

#[test]
fn a_rep_on_an_older_server_is_told_the_owner_upgrades_it_and_nothing_changes() {
    let c = pg::cluster();
    let db = named_db("older");
    let rep = format!("r{}_older", std::process::id());
    old_style_team(&db, &rep);
    let secrets = team::connect::Secrets { env_password: Some("rep-pw".into()), passfile: None, prompt: false };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rep.db");
    let err = format!("{:#}", team::join(&path, &c.url_for(&rep, &db), &secrets).unwrap_err());
    assert!(
        err.contains("holds an older rapport schema (version 1; this build needs")
            && err.contains("only its owner postgres can bring it up to date"),
        "{err}"
    );
    assert!(!path.exists(), "no file is left behind");
    let mut su = c.superuser(&db);
    let v: String = su.query_one("SELECT value FROM rapport.meta WHERE key = 'schema_version'", &[]).unwrap().get(0);
    assert_eq!(v, "1", "the server was not touched");
    assert_eq!(
        team::failure_reason(&anyhow::anyhow!("{err}")).as_deref(),
        Some("server schema not upgraded yet"),
        "the cockpit's header says it in a few words"
    );
    // The owner's connection brings it up to date.
    let mut server = team::connect::connect(&c.url_for("postgres", &db), &pg::secrets()).unwrap();
    assert_eq!(team::schema::migrate(&mut server).unwrap(), [2, 3, 4]);
}

#[test]
fn a_manager_edits_only_the_accounts_of_their_reporting_line_and_the_owner_edits_everything() {
    let t = team_of(0);
    let owner = &t.laptops[0];
    // An account of the owner's own, outside Lee's line (Lee → Rae, Sam).
    let morgan =
        owner.store.sync_local_id("rep", &owner.store.rep_uid_by_name("Morgan Avery").unwrap().unwrap()).unwrap();
    let mut direct = Account { name: "Morgan Direct".into(), owner_id: morgan, ..Default::default() };
    owner.store.insert(&mut direct).unwrap();
    sync(owner);
    let (lee, secrets, lee_login) = rep_laptop(&t, "Lee Okafor", "lee");
    pg::cluster()
        .superuser(&t.db)
        .execute("UPDATE rapport.members SET is_manager = true WHERE login = $1", &[&lee_login])
        .unwrap();
    let [raes, lees, sams, cobalt, direct] =
        ["Acme Logistics", "Acme Logistik GmbH", "Borealis Systems", "Cobalt Mining", "Morgan Direct"]
            .map(|n| uid_named(&lee.store, "account", n));
    let sam_id = account(&lee, &sams).owner_id;
    let morgan_here = account(&lee, &direct).owner_id;
    edit_account(&lee, &raes, |a| a.city = Some("Rotterdam".into()));
    edit_account(&lee, &lees, |a| a.city = Some("Gouda".into()));
    edit_account(&lee, &cobalt, |a| a.owner_id = sam_id);
    edit_account(&lee, &direct, |a| a.city = Some("Taken".into()));
    edit_account(&lee, &sams, |a| a.owner_id = morgan_here);
    let direct_id = lee.store.sync_local_id("account", &direct).unwrap().unwrap();
    let mut contact = Contact { account_id: direct_id, name: "Nia Side".into(), ..Default::default() };
    lee.store.insert(&mut contact).unwrap();
    let mut call = Activity {
        account_id: direct_id,
        kind: rapport::domain::ActivityKind::Call,
        occurred_at: "2026-11-26T10:00:00Z".into(),
        summary: "met Morgan's client".into(),
        ..Default::default()
    };
    lee.store.insert(&mut call).unwrap();

    let report = team::sync(&lee.store, &secrets).unwrap();
    let refused = report.refused.join("\n");
    assert!(
        refused.contains(
            "account Morgan Direct (city): a manager edits only the accounts of reps in their reporting line; it was put back"
        ),
        "{refused}"
    );
    assert!(
        refused.contains(
            "account Borealis Systems (owner_id): a manager gives accounts only to reps in their reporting line"
        ),
        "{refused}"
    );
    assert!(refused.contains("contact Nia Side"), "{refused}");
    assert_eq!(report.refused.len(), 3, "{refused}");
    // Put back on Lee's laptop; the reporting line's edits stand.
    assert_eq!(account(&lee, &direct).city, None);
    assert_eq!(account(&lee, &sams).owner_id, sam_id);
    assert!(lee.store.get::<Contact>(contact.meta.id).unwrap().is_none(), "the refused contact is taken back");
    sync(owner);
    assert_eq!(account(owner, &raes).city.as_deref(), Some("Rotterdam"));
    assert_eq!(account(owner, &lees).city.as_deref(), Some("Gouda"));
    assert_eq!(
        account(owner, &cobalt).owner_id,
        owner.store.sync_local_id("rep", &uid_named(&owner.store, "rep", "Sam Moreau")).unwrap()
    );
    assert_eq!(account(owner, &direct).city, None);
    assert!(owner.store.sync_snapshot("activity").unwrap().values().any(|a| a["summary"] == "met Morgan's client"));
    assert_eq!(book(&owner.store), server_book(&t.db));

    // The team's owner edits everything, in any line.
    edit_account(owner, &lees, |a| a.city = Some("Delft".into()));
    edit_account(owner, &direct, |a| a.city = Some("Leiden".into()));
    edit_account(owner, &sams, |a| a.owner_id = morgan);
    let r = sync(owner);
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    assert_eq!(server_field(&t.db, "account", &direct, "city"), Some(serde_json::json!("Leiden")));
}
