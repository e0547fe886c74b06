//! Undo and redo over any mix of the store's actions: undoing everything
//! gives back the rows there were at the start, and redoing everything gives
//! the rows there were at the end (the change log aside, which keeps it all).

mod common;

use proptest::prelude::*;
use rapport::domain::*;
use rapport::store::*;
use std::path::Path;

/// One thing a person can do, with indexes into what exists (taken modulo).
#[derive(Debug, Clone)]
enum Step {
    AddAccount(u8),
    EditAccount(u8, u8),
    DeleteAccount(u8),
    RestoreAccount(u8),
    AddContact(u8, u8),
    EditContact(u8, u8),
    DeleteContact(u8),
    AddDeal(u8, u8),
    MoveDeal(u8, u8),
    Log(u8, bool),
    CompleteFollowUp(u8),
    OpenConflict(u8, u8),
    MoveConflict(u8, u8),
    Escalate(u8),
    EditTarget(u8, u8),
    DeleteActivity(u8),
    /// Several changes in one write: one undo step.
    Grouped(u8, u8),
}

fn step() -> impl Strategy<Value = Step> {
    let n = any::<u8>;
    prop_oneof![
        n().prop_map(Step::AddAccount),
        (n(), n()).prop_map(|(a, b)| Step::EditAccount(a, b)),
        n().prop_map(Step::DeleteAccount),
        n().prop_map(Step::RestoreAccount),
        (n(), n()).prop_map(|(a, b)| Step::AddContact(a, b)),
        (n(), n()).prop_map(|(a, b)| Step::EditContact(a, b)),
        n().prop_map(Step::DeleteContact),
        (n(), n()).prop_map(|(a, b)| Step::AddDeal(a, b)),
        (n(), n()).prop_map(|(a, b)| Step::MoveDeal(a, b)),
        (n(), any::<bool>()).prop_map(|(a, b)| Step::Log(a, b)),
        n().prop_map(Step::CompleteFollowUp),
        (n(), n()).prop_map(|(a, b)| Step::OpenConflict(a, b)),
        (n(), n()).prop_map(|(a, b)| Step::MoveConflict(a, b)),
        n().prop_map(Step::Escalate),
        (n(), n()).prop_map(|(a, b)| Step::EditTarget(a, b)),
        n().prop_map(Step::DeleteActivity),
        (n(), n()).prop_map(|(a, b)| Step::Grouped(a, b)),
    ]
}

fn ids(conn: &rusqlite::Connection, table: &str, live: bool) -> Vec<i64> {
    let filter = if live { "WHERE deleted_at IS NULL" } else { "WHERE deleted_at IS NOT NULL" };
    let mut stmt = conn.prepare(&format!("SELECT id FROM {table} {filter} ORDER BY id")).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn pick(list: &[i64], i: u8) -> Option<i64> {
    (!list.is_empty()).then(|| list[i as usize % list.len()])
}

/// Does one step; a step that the store refuses (deleting what is used,
/// moving what is closed, …) changes nothing, which is fine here.
fn apply(store: &Store, conn: &rusqlite::Connection, step: &Step, n: usize) {
    let accounts = ids(conn, "accounts", true);
    let _ = match step {
        Step::AddAccount(t) => {
            let mut a = Account {
                name: format!("Account {n}"),
                tier: Tier::ALL[*t as usize % Tier::ALL.len()],
                annual_value: Money::from_units(1000 * (*t as i64)),
                ..Default::default()
            };
            store.insert(&mut a).map(drop)
        }
        Step::EditAccount(i, v) => match pick(&accounts, *i) {
            Some(id) => {
                let mut a = store.require::<Account>(id).unwrap();
                a.city = Some(format!("City {v}"));
                a.status = AccountStatus::ALL[*v as usize % AccountStatus::ALL.len()];
                store.update(&mut a)
            }
            None => Ok(()),
        },
        Step::DeleteAccount(i) => match pick(&accounts, *i) {
            // As a person deletes one: with what hangs off it, in one step.
            Some(id) => store.delete_account(id).map(drop),
            _ => Ok(()),
        },
        Step::RestoreAccount(i) => match pick(&ids(conn, "accounts", false), *i) {
            Some(id) => store.restore::<Account>(id).map(drop),
            None => Ok(()),
        },
        Step::AddContact(i, r) => match pick(&accounts, *i) {
            Some(id) => {
                let mut c = Contact {
                    account_id: id,
                    name: format!("Person {n}"),
                    role: ContactRole::ALL[*r as usize % ContactRole::ALL.len()],
                    phone: Some(format!("+1 555 010 {:04}", n)),
                    ..Default::default()
                };
                store.insert(&mut c).map(drop)
            }
            None => Ok(()),
        },
        Step::EditContact(i, v) => match pick(&ids(conn, "contacts", true), *i) {
            Some(id) => {
                let mut c = store.require::<Contact>(id).unwrap();
                c.title = Some(format!("Title {v}"));
                c.is_primary = v % 2 == 0;
                store.update(&mut c)
            }
            None => Ok(()),
        },
        Step::DeleteContact(i) => match pick(&ids(conn, "contacts", true), *i) {
            Some(id) => store.delete::<Contact>(id).map(drop),
            None => Ok(()),
        },
        Step::AddDeal(i, a) => match pick(&accounts, *i) {
            Some(id) => {
                let mut d = Deal {
                    account_id: id,
                    name: format!("Deal {n}"),
                    amount: Money::from_units(100 * (*a as i64)),
                    probability: DealStage::Prospecting.default_probability(),
                    ..Default::default()
                };
                store.insert(&mut d).map(drop)
            }
            None => Ok(()),
        },
        Step::MoveDeal(i, s) => match pick(&ids(conn, "deals", true), *i) {
            Some(id) => store.move_deal(id, DealStage::ALL[*s as usize % DealStage::ALL.len()]).map(drop),
            None => Ok(()),
        },
        Step::Log(i, follow) => match pick(&accounts, *i) {
            Some(id) => {
                let entry = LogEntry {
                    account_id: id,
                    kind: ActivityKind::Call,
                    summary: format!("Call {n}"),
                    follow_up: follow.then(|| common::date(2026, 12, 1)),
                    ..Default::default()
                };
                store.log_interaction(&entry).map(drop)
            }
            None => Ok(()),
        },
        Step::CompleteFollowUp(i) => {
            let open: Vec<i64> = conn
                .prepare(
                    "SELECT id FROM activities WHERE kind = 'follow_up' AND done_at IS NULL AND deleted_at IS NULL",
                )
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            match pick(&open, *i) {
                Some(id) => store.complete_follow_up(id).map(drop),
                None => Ok(()),
            }
        }
        Step::OpenConflict(i, s) => match pick(&accounts, *i) {
            Some(id) => {
                let c = Conflict {
                    account_id: id,
                    title: format!("Conflict {n}"),
                    severity: Severity::ALL[*s as usize % Severity::ALL.len()],
                    ..Default::default()
                };
                store.open_conflict(c).map(drop)
            }
            None => Ok(()),
        },
        Step::MoveConflict(i, s) => match pick(&ids(conn, "conflicts", true), *i) {
            Some(id) => {
                let to = [
                    ConflictStatus::Open,
                    ConflictStatus::InProgress,
                    ConflictStatus::Waiting,
                    ConflictStatus::Resolved,
                ][*s as usize % 4];
                store.set_conflict_status(id, to, Some("Sorted out")).map(drop)
            }
            None => Ok(()),
        },
        Step::Escalate(i) => match pick(&ids(conn, "conflicts", true), *i) {
            Some(id) => store.escalate_conflict(id).map(drop),
            None => Ok(()),
        },
        Step::EditTarget(i, v) => match pick(&ids(conn, "targets", true), *i) {
            Some(id) => {
                let mut t = store.require::<Target>(id).unwrap();
                t.amount = 1_000 * (*v as i64 + 1);
                store.update(&mut t)
            }
            None => Ok(()),
        },
        Step::DeleteActivity(i) => match pick(&ids(conn, "activities", true), *i) {
            Some(id) => store.delete::<Activity>(id).map(drop),
            None => Ok(()),
        },
        Step::Grouped(i, v) => match pick(&accounts, *i) {
            Some(id) => store.write(|s| {
                let mut a = s.require::<Account>(id)?;
                a.notes = Some(format!("Notes {v}"));
                s.update(&mut a)?;
                let mut c = Contact { account_id: id, name: format!("Grouped {n}"), ..Default::default() };
                s.insert(&mut c)?;
                s.log_interaction(&LogEntry {
                    account_id: id,
                    kind: ActivityKind::Meeting,
                    summary: format!("Meeting {n}"),
                    ..Default::default()
                })?;
                Ok(())
            }),
            None => Ok(()),
        },
    };
}

/// Every live row of every table but the change log, without the time of
/// the last write (an undo or redo is a write too).
fn rows(conn: &rusqlite::Connection) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["reps", "accounts", "contacts", "deals", "conflicts", "activities", "targets"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE deleted_at IS NULL ORDER BY id")).unwrap();
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_string).collect();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let mut line = format!("{table}:");
            for (i, name) in names.iter().enumerate() {
                if name == "updated_at" {
                    continue;
                }
                let v: rusqlite::types::Value = r.get(i).unwrap();
                line.push_str(&format!(" {name}={v:?}"));
            }
            out.push(line);
        }
    }
    out
}

fn book(dir: &Path) -> (Store, rusqlite::Connection, common::Ids) {
    let path = dir.join("book.db");
    let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
    let store = store.with_clock(common::clock());
    let ids = common::seed(&store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    (store, conn, ids)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn undo_all_gives_the_start_and_redo_all_gives_the_end(steps in prop::collection::vec(step(), 1..24)) {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, conn, _) = book(dir.path());
        // The seed is the baseline: undo takes back only what came after it.
        store.set_session("person");
        let start = rows(&conn);
        for (n, s) in steps.iter().enumerate() {
            apply(&store, &conn, s, n);
        }
        let end = rows(&conn);
        let mut undone = 0;
        while store.undo().map_err(|e| TestCaseError::fail(format!("undo {undone}: {e:#}")))?.is_some() {
            undone += 1;
        }
        prop_assert_eq!(&rows(&conn), &start, "undoing all {} steps gives the start", undone);
        let mut redone = 0;
        while store.redo().map_err(|e| TestCaseError::fail(format!("redo {redone}: {e:#}")))?.is_some() {
            redone += 1;
        }
        prop_assert_eq!(redone, undone, "every undone step is redone");
        prop_assert_eq!(&rows(&conn), &end, "redoing all gives the end");
        prop_assert!(store.check().unwrap().is_empty());
    }
}

#[test]
fn redo_works_after_undoing_an_add_a_log_and_a_stage_move() {
    let dir = tempfile::tempdir().unwrap();
    let (store, conn, ids) = book(dir.path());
    let mut a = Account { name: "Delta Freight".into(), ..Default::default() };
    store.insert(&mut a).unwrap();
    store
        .log_interaction(&LogEntry {
            account_id: ids.acme,
            kind: ActivityKind::Call,
            summary: "Hi".into(),
            ..Default::default()
        })
        .unwrap();
    store.move_deal(1, DealStage::Won).unwrap();
    let end = rows(&conn);
    // Winning the renewal deal also set Acme's renewal date: the same step.
    for expected in ["edit deal Renewal 2027 (+2 more changes)", "add activity Hi", "add account Delta Freight"] {
        assert_eq!(store.undo().unwrap().unwrap().summary, expected);
    }
    assert!(store.get::<Account>(a.meta.id).unwrap().is_none());
    for expected in ["add account Delta Freight", "add activity Hi", "edit deal Renewal 2027 (+2 more changes)"] {
        assert_eq!(store.redo().unwrap().unwrap().summary, expected);
    }
    assert_eq!(store.require::<Account>(a.meta.id).unwrap().name, "Delta Freight");
    assert_eq!(rows(&conn), end);
}

#[test]
fn a_subsidiary_comes_back_only_after_its_deleted_parent() {
    let dir = tempfile::tempdir().unwrap();
    let (store, conn, ids) = book(dir.path());
    // The subsidiary goes first, then its parent: the tombstone still names
    // the parent, so restoring the subsidiary alone would leave it hanging.
    store.delete_account(ids.acme_gmbh).unwrap();
    store.delete_account(ids.acme).unwrap();
    let before = rows(&conn);
    let err = store.restore::<Account>(ids.acme_gmbh).unwrap_err().to_string();
    assert_eq!(err, "cannot restore it: its parent account Acme Logistics is deleted; restore that first");
    assert_eq!(rows(&conn), before, "a refused restore changes nothing");
    assert!(store.check().unwrap().is_empty());

    store.restore::<Account>(ids.acme).unwrap();
    let gmbh = store.restore::<Account>(ids.acme_gmbh).unwrap();
    assert_eq!(gmbh.parent_id, Some(ids.acme));
    assert!(store.check().unwrap().is_empty(), "{:?}", store.check().unwrap());
}
