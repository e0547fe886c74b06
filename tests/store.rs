//! The store on temp files and in memory: opening rules, schema, records,
//! tombstones, the change log and the queries the panes use.

use chrono::{NaiveDate, TimeZone, Utc};
use rapport::domain::*;
use rapport::store::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap())
}

fn mem() -> Store {
    Store::in_memory(clock()).unwrap()
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn account(store: &Store, name: &str) -> Account {
    let mut a = Account { name: name.into(), annual_value: Money::from_units(1000), ..Default::default() };
    store.insert(&mut a).unwrap();
    a
}

fn activity(store: &Store, account_id: i64, kind: ActivityKind, at: &str, summary: &str) -> Activity {
    let mut a = Activity { account_id, kind, occurred_at: at.into(), summary: summary.into(), ..Default::default() };
    if kind == ActivityKind::FollowUp {
        a.due_on = Some(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
    }
    store.insert(&mut a).unwrap();
    a
}

#[test]
fn new_database_is_private_and_so_are_its_wal_files() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data/rapport");
    let path = folder.join("rapport.db");
    let (store, report) = Store::open(&path, OpenMode::CreateWithFolders).unwrap();
    assert!(report.created);
    account(&store, "Acme");
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&path), 0o600);
    for side in ["rapport.db-wal", "rapport.db-shm"] {
        let p = folder.join(side);
        assert!(p.exists(), "{side} exists while open");
        assert_eq!(mode(&p), 0o600, "{side}");
    }
    let journal: String =
        rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(journal, "wal");
}

#[test]
fn reopening_is_a_no_op_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let id = {
        let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
        account(&store, "Acme").meta.id
    };
    let (store, report) = Store::open(&path, OpenMode::Existing).unwrap();
    assert!(!report.created && report.backup.is_none() && report.migrated_from.is_none());
    assert_eq!(store.get::<Account>(id).unwrap().unwrap().name, "Acme");
}

#[test]
fn a_newer_database_is_refused_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!("CREATE TABLE future (x); PRAGMA user_version = {};", migrations::LATEST + 1))
            .unwrap();
    }
    let before = fs::read(&path).unwrap();
    let err = Store::open(&path, OpenMode::Existing).err().unwrap();
    let msg = format!("{err:#}");
    assert!(
        msg.contains(&format!(
            "written by a newer rapport (schema {}; this build knows {})",
            migrations::LATEST + 1,
            migrations::LATEST
        )),
        "{msg}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("newer.db-wal").exists());
}

#[test]
fn files_that_are_not_rapport_databases_are_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    fs::write(&text, "this is not a database, just some text that is long enough to have a header").unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    for (path, expected) in [(&text, "not an SQLite file"), (&other, "no rapport schema")] {
        let before = fs::read(path).unwrap();
        let msg = format!("{:#}", Store::open(path, OpenMode::Existing).err().unwrap());
        assert!(msg.contains(expected), "{msg}");
        assert_eq!(fs::read(path).unwrap(), before);
    }
}

#[test]
fn missing_files_folders_and_read_only_files_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let msg = format!("{:#}", Store::open(&missing, OpenMode::Existing).err().unwrap());
    assert!(msg.contains("no database at") && msg.contains("missing.db"), "{msg}");
    assert!(!missing.exists());

    let msg = format!("{:#}", Store::open(&dir.path().join("nope/x.db"), OpenMode::Create).err().unwrap());
    assert!(msg.contains("does not exist") && msg.contains("nope"), "{msg}");

    let msg = format!("{:#}", Store::open(dir.path(), OpenMode::Existing).err().unwrap());
    assert!(msg.contains("is a folder"), "{msg}");

    let ro = dir.path().join("ro.db");
    drop(Store::open(&ro, OpenMode::Create).unwrap());
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o400)).unwrap();
    let msg = format!("{:#}", Store::open(&ro, OpenMode::Existing).err().unwrap());
    assert!(msg.contains("read-only"), "{msg}");
}

#[test]
fn schema_is_reviewed_on_every_change() {
    let store = mem();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    store.backup(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt =
        conn.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name").unwrap();
    let schema: Vec<String> = stmt
        .query_map([], |r| {
            Ok(format!("-- {} {}\n{};", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    insta::assert_snapshot!("schema", schema.join("\n\n"));
}

#[test]
fn backup_writes_a_copy_that_opens() {
    let store = mem();
    account(&store, "Acme");
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("copy.db");
    store.backup(&dest).unwrap();
    assert_eq!(mode(&dest), 0o600);
    let (copy, _) = Store::open(&dest, OpenMode::Existing).unwrap();
    assert_eq!(copy.account_rows().unwrap().len(), 1);
    let msg = format!("{:#}", store.backup(&dest).err().unwrap());
    assert!(msg.contains("already exists"), "{msg}");
}

#[test]
fn records_round_trip_and_every_change_is_logged() {
    let store = mem();
    let mut a = account(&store, "  Acme Logistics ");
    assert_eq!(a.name, "Acme Logistics", "names are trimmed");
    assert_eq!(a.meta.uid.len(), 36);
    assert_eq!(a.meta.created_at, "2026-11-26T14:00:00Z");
    assert_eq!(store.get::<Account>(a.meta.id).unwrap().unwrap(), a);

    a.tier = Tier::Strategic;
    store.update(&mut a).unwrap();
    store.delete::<Account>(a.meta.id).unwrap();
    assert!(store.get::<Account>(a.meta.id).unwrap().is_none());
    assert!(store.account_rows().unwrap().is_empty(), "tombstones are not listed");
    store.restore::<Account>(a.meta.id).unwrap();
    assert_eq!(store.account_rows().unwrap()[0].tier, Tier::Strategic);

    let log = store.recent_changes(10).unwrap();
    let ops: Vec<&str> = log.iter().rev().map(|c| c.op.as_str()).collect();
    assert_eq!(ops, vec!["insert", "update", "delete", "restore"]);
    let update = &log[2];
    assert!(update.before.as_deref().unwrap().contains("\"tier\":\"standard\""));
    assert!(update.after.as_deref().unwrap().contains("\"tier\":\"strategic\""));
    assert!(log.iter().all(|c| c.entity == "account" && c.entity_id == a.meta.id && c.session == store.session()));
}

#[test]
fn a_failed_write_changes_nothing() {
    let store = mem();
    let result: anyhow::Result<()> = store.write(|s| {
        account(s, "Kept only if committed");
        anyhow::bail!("boom")
    });
    assert!(result.is_err());
    assert!(store.account_rows().unwrap().is_empty());
    assert!(store.recent_changes(5).unwrap().is_empty());
}

#[test]
fn invalid_records_are_refused_with_their_reason() {
    let store = mem();
    let msg = format!("{:#}", store.insert(&mut Account { name: " ".into(), ..Default::default() }).unwrap_err());
    assert!(msg.contains("needs a name"), "{msg}");
    let mut orphan = Contact { account_id: 999, name: "Jane".into(), ..Default::default() };
    let msg = format!("{:#}", store.insert(&mut orphan).unwrap_err());
    assert!(msg.contains("refers to a record that does not exist"), "{msg}");
    let mut won = Deal { account_id: 1, name: "x".into(), stage: DealStage::Won, ..Default::default() };
    let msg = format!("{:#}", store.insert(&mut won).unwrap_err());
    assert!(msg.contains("close date"), "{msg}");
}

#[test]
fn last_touch_follows_the_timeline() {
    let store = mem();
    let a = account(&store, "Acme");
    activity(&store, a.meta.id, ActivityKind::Call, "2026-10-01T09:00:00Z", "Call one");
    let newest = activity(&store, a.meta.id, ActivityKind::Email, "2026-11-02T09:00:00Z", "Mail");
    activity(&store, a.meta.id, ActivityKind::Note, "2026-11-20T09:00:00Z", "A note is not a touch");
    let touch = |s: &Store| s.account_rows().unwrap()[0].last_touch_at.clone();
    assert_eq!(touch(&store).as_deref(), Some("2026-11-02T09:00:00Z"));
    store.delete::<Activity>(newest.meta.id).unwrap();
    assert_eq!(touch(&store).as_deref(), Some("2026-10-01T09:00:00Z"));
    store.restore::<Activity>(newest.meta.id).unwrap();
    assert_eq!(touch(&store).as_deref(), Some("2026-11-02T09:00:00Z"));
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn timeline_pages_by_key_without_gaps_or_repeats() {
    let store = mem();
    let a = account(&store, "Acme");
    let other = account(&store, "Other");
    store
        .write(|s| {
            for i in 0..120 {
                // Pairs share a timestamp, so paging must also order by id.
                let at = format!("2026-{:02}-{:02}T10:00:00Z", 1 + i / 56, 1 + (i / 2) % 28);
                activity(s, a.meta.id, ActivityKind::Call, &at, &format!("call {i}"));
            }
            activity(s, other.meta.id, ActivityKind::Call, "2026-11-01T10:00:00Z", "not mine");
            Ok(())
        })
        .unwrap();
    let mut seen = Vec::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let page = store.timeline(a.meta.id, after.as_ref().map(|(t, i)| (t.as_str(), *i)), 50).unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|p| (p.occurred_at.clone(), p.id));
        seen.extend(page);
    }
    assert_eq!(seen.len(), 120);
    assert!(seen.windows(2).all(|w| (w[0].occurred_at.as_str(), w[0].id) > (w[1].occurred_at.as_str(), w[1].id)));
    assert_eq!(store.timeline_len(a.meta.id).unwrap(), 120);
}

#[test]
fn queues_and_totals_the_panes_use() {
    let store = mem();
    let a = account(&store, "Acme");
    let mut rep = Rep { name: "Rae Rep".into(), ..Default::default() };
    store.insert(&mut rep).unwrap();
    for (title, due, status) in [
        ("late", "2026-11-25T10:00:00Z", ConflictStatus::Open),
        ("soon", "2026-11-27T10:00:00Z", ConflictStatus::InProgress),
        ("done", "2026-11-01T10:00:00Z", ConflictStatus::Resolved),
    ] {
        let mut c = Conflict {
            account_id: a.meta.id,
            owner_id: Some(rep.meta.id),
            title: title.into(),
            status,
            opened_at: "2026-11-20T10:00:00Z".into(),
            sla_due_at: due.into(),
            ..Default::default()
        };
        if status == ConflictStatus::Resolved {
            c.resolved_at = Some("2026-11-02T10:00:00Z".into());
            c.resolution = Some("Refunded".into());
        }
        store.insert(&mut c).unwrap();
    }
    let queue: Vec<String> = store.open_conflicts().unwrap().into_iter().map(|c| c.title).collect();
    assert_eq!(queue, vec!["late", "soon"]);
    assert_eq!(store.breached_conflicts("2026-11-26T14:00:00Z").unwrap(), 1);
    assert_eq!(store.account_rows().unwrap()[0].open_conflicts, 2);

    let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    for (amount, closed, stage) in
        [(500, d(10, 5), DealStage::Won), (300, d(11, 5), DealStage::Won), (900, d(11, 6), DealStage::Lost)]
    {
        let mut deal = Deal {
            account_id: a.meta.id,
            owner_id: Some(rep.meta.id),
            name: "Deal".into(),
            stage,
            amount: Money::from_units(amount),
            closed_on: Some(closed),
            ..Default::default()
        };
        store.insert(&mut deal).unwrap();
    }
    assert_eq!(store.won_total(d(10, 1), d(12, 1)).unwrap(), Money::from_units(800));
    assert_eq!(store.won_total(d(11, 1), d(12, 1)).unwrap(), Money::from_units(300));
    assert_eq!(store.won_by_rep(d(10, 1), d(12, 1)).unwrap(), vec![(rep.meta.id, Money::from_units(800))]);

    activity(&store, a.meta.id, ActivityKind::FollowUp, "2026-11-10T10:00:00Z", "Send pricing");
    let due = store.follow_ups_due(d(11, 26)).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].summary, "Send pricing");
    assert!(store.follow_ups_due(d(11, 19)).unwrap().is_empty());
}

/// Every older schema this project shipped, as a database file with data.
/// Every schema this project shipped, as a database file with data (the
/// newest is "old" once a later migration lands).
const OLD_FIXTURES: &[(u32, &str)] = &[
    (1, "tests/fixtures/v1.db"),
    (2, "tests/fixtures/v2.db"),
    (3, "tests/fixtures/v3.db"),
    (4, "tests/fixtures/v4.db"),
    (5, "tests/fixtures/v5.db"),
    (6, "tests/fixtures/v6.db"),
    (7, "tests/fixtures/v7.db"),
];

fn count(path: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn schema_of(path: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn old_databases_migrate_keep_their_data_and_end_with_the_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh, OpenMode::Create).unwrap());
    for (version, fixture) in OLD_FIXTURES {
        let path = dir.path().join(format!("v{version}.db"));
        fs::copy(fixture, &path).unwrap();
        let (accounts, activities) = (count(&path, "accounts"), count(&path, "activities"));
        assert!(accounts > 0 && activities > 0, "the v{version} fixture holds data");
        let (store, report) = Store::open(&path, OpenMode::Existing).unwrap();
        if *version == migrations::LATEST {
            assert!(report.migrated_from.is_none() && report.backup.is_none(), "v{version} is current");
        } else {
            assert_eq!(report.migrated_from, Some(*version));
            // The backup is the old database itself: it opens, at its own
            // schema, with every row.
            let backup = report.backup.expect("a backup before migrating");
            let conn =
                rusqlite::Connection::open_with_flags(&backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
            let at: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(at, *version, "the backup keeps schema {version}");
            assert_eq!((count(&backup, "accounts"), count(&backup, "activities")), (accounts, activities));
        }
        assert_eq!(store.account_rows().unwrap().len() as i64, accounts, "v{version}: every account survives");
        let rows = store.account_rows().unwrap();
        assert_eq!(rows[0].name, "Acme Logistics");
        assert_eq!(rows[0].last_touch_at.as_deref(), Some("2026-01-06T10:00:00Z"));
        assert!(store.check().unwrap().is_empty(), "{:?}", store.check().unwrap());
        drop(store);
        assert_eq!(schema_of(&path), schema_of(&fresh), "migrating from v{version} gives the fresh schema");
    }
}

#[test]
fn undo_and_redo_walk_back_and_forth_through_whole_changes() {
    let store = mem();
    let acme = account(&store, "Acme");
    let mut jane = Contact { account_id: acme.meta.id, name: "Jane Roe".into(), ..Default::default() };
    store.insert(&mut jane).unwrap();
    let mut edited = store.require::<Account>(acme.meta.id).unwrap();
    edited.tier = Tier::Key;
    store.update(&mut edited).unwrap();
    store.delete::<Contact>(jane.meta.id).unwrap();

    let live_contacts = |s: &Store| s.contacts_of(acme.meta.id).unwrap().len();
    assert_eq!(live_contacts(&store), 0);
    assert_eq!(store.undo().unwrap().unwrap().summary, "delete contact Jane Roe");
    assert_eq!(live_contacts(&store), 1, "the tombstone is lifted");
    assert_eq!(store.undo().unwrap().unwrap().summary, "edit account Acme");
    assert_eq!(store.require::<Account>(acme.meta.id).unwrap().tier, Tier::Standard);
    assert_eq!(store.redo().unwrap().unwrap().summary, "edit account Acme");
    assert_eq!(store.require::<Account>(acme.meta.id).unwrap().tier, Tier::Key);
    assert_eq!(store.redo().unwrap().unwrap().summary, "delete contact Jane Roe");
    assert_eq!(live_contacts(&store), 0);
    assert!(store.redo().unwrap().is_none(), "nothing left to redo");

    // Back to the start, then a new change ends the redo trail.
    for _ in 0..4 {
        store.undo().unwrap().unwrap();
    }
    assert!(store.undo().unwrap().is_none(), "nothing left to undo");
    assert!(store.account_rows().unwrap().is_empty());
    account(&store, "Borealis");
    assert!(store.redo().unwrap().is_none());
    assert!(store.check().unwrap().is_empty());
    // The log keeps every step as an audit trail: 4 changes, 2 undos and 2
    // redos, 4 more undos, and the new account.
    assert_eq!(store.recent_changes(100).unwrap().len(), 4 + 2 + 2 + 4 + 1);
}

#[test]
fn undo_refuses_to_break_what_a_later_change_built_on() {
    let mut mine = mem();
    mine.set_session("window-a");
    let acme = account(&mine, "Acme");
    // Another window adds a contact to the new account.
    mine.set_session("window-b");
    let mut jane = Contact { account_id: acme.meta.id, name: "Jane Roe".into(), ..Default::default() };
    mine.insert(&mut jane).unwrap();
    mine.set_session("window-a");
    let err = format!("{:#}", mine.undo().unwrap_err());
    assert_eq!(err, "account Acme has 1 contacts added after it; remove those first");
    assert_eq!(mine.account_rows().unwrap().len(), 1, "nothing changed");
    assert_eq!(mine.contacts_of(acme.meta.id).unwrap().len(), 1);

    // An edit that another window edited again is not silently overwritten.
    let mut a = mine.require::<Account>(acme.meta.id).unwrap();
    a.tier = Tier::Key;
    mine.update(&mut a).unwrap();
    mine.set_session("window-b");
    let mut b = mine.require::<Account>(acme.meta.id).unwrap();
    b.annual_value = Money::from_units(5);
    mine.update(&mut b).unwrap();
    mine.set_session("window-a");
    let err = format!("{:#}", mine.undo().unwrap_err());
    assert!(err.contains("was changed after that"), "{err}");
    assert_eq!(mine.require::<Account>(acme.meta.id).unwrap().tier, Tier::Key);
}

/// A deal won at 23:30 on New Year's Eve in San Francisco (07:30 UTC on 1
/// January) is closed on 31 December and counts in that year and quarter;
/// in Berlin the same instant is already 1 January.
#[test]
fn a_deal_closed_late_on_the_last_day_counts_in_the_users_quarter() {
    let eve = Utc.with_ymd_and_hms(2027, 1, 1, 7, 30, 0).unwrap();
    for (zone, closed, in_2026) in [
        (chrono_tz::America::Los_Angeles, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), 5_000),
        (chrono_tz::Europe::Berlin, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), 0),
    ] {
        let store = Store::in_memory(Clock::Fixed(eve)).unwrap().with_zone(zone);
        assert_eq!(store.clock().today(), closed, "{zone}");
        let a = account(&store, "Acme");
        let mut d = Deal {
            account_id: a.meta.id,
            name: "Renewal".into(),
            stage: DealStage::Negotiation,
            amount: Money::from_units(5_000),
            ..Default::default()
        };
        store.insert(&mut d).unwrap();
        let won = store.move_deal(d.meta.id, DealStage::Won).unwrap();
        assert_eq!(won.closed_on, Some(closed), "{zone}");
        let cal = FiscalCalendar::default();
        let q4 = Period::Quarter(2026, 4);
        assert_eq!(store.won_total(q4.start(cal), q4.end(cal)).unwrap(), Money::from_units(in_2026), "{zone}");
        let y = Period::Year(2026);
        assert_eq!(store.won_total(y.start(cal), y.end(cal)).unwrap(), Money::from_units(in_2026), "{zone}");
    }
}
