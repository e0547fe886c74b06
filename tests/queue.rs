//! Conflicts on the clock (pauses, severity changes, business hours, the
//! status flow, escalation) and deals that make customers, on the store.

mod common;

use chrono::{NaiveTime, Utc, Weekday};
use rapport::domain::sla::BusinessHours;
use rapport::domain::*;
use rapport::store::*;

fn at(s: &str) -> Clock {
    Clock::Fixed(chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
}

fn office() -> Prefs {
    use Weekday::*;
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    Prefs {
        business_hours: Some(BusinessHours::new(vec![Mon, Tue, Wed, Thu, Fri], t(9), t(17), chrono_tz::UTC).unwrap()),
        ..Prefs::default()
    }
}

fn new_conflict(store: &Store, account: i64, owner: i64, severity: Severity) -> Conflict {
    store
        .open_conflict(Conflict {
            account_id: account,
            owner_id: Some(owner),
            title: "Dashboard down".into(),
            severity,
            ..Default::default()
        })
        .unwrap()
}

#[test]
fn waiting_on_the_customer_stops_the_clock_over_a_weekend() {
    // Thursday 2026-11-19 09:00, business hours Monday to Friday 9–17 UTC.
    let mut store = Store::in_memory(at("2026-11-19T09:00:00Z")).unwrap().with_prefs(office());
    let ids = common::seed(&store);
    let c = new_conflict(&store, ids.acme, ids.rae, Severity::High);
    assert_eq!(c.sla_due_at, "2026-11-26T17:00:00Z", "48 working hours: six working days");

    store.set_clock(at("2026-11-20T12:00:00Z"));
    store.set_conflict_status(c.meta.id, ConflictStatus::InProgress, None).unwrap();
    let waiting = store.set_conflict_status(c.meta.id, ConflictStatus::Waiting, None).unwrap();
    assert_eq!(waiting.pauses().len(), 1);
    // Waiting through the weekend and Monday: not breached, 37 working hours left.
    store.set_clock(at("2026-11-28T12:00:00Z"));
    let row = store.open_conflicts_of(ids.acme).unwrap().into_iter().find(|r| r.id == c.meta.id).unwrap();
    assert_eq!(row.paused_left, Some(37 * 3600));
    assert!(!row.breached("2026-11-28T12:00:00Z"));
    assert_eq!(store.breached_conflicts("2026-11-28T12:00:00Z").unwrap(), 1, "only the seeded invoice dispute");

    // The customer answers on Tuesday 10:00: the clock runs again from there.
    store.set_clock(at("2026-11-24T10:00:00Z"));
    let back = store.set_conflict_status(c.meta.id, ConflictStatus::InProgress, None).unwrap();
    assert_eq!(back.sla_due_at, "2026-11-30T15:00:00Z");
    let row = store.open_conflicts_of(ids.acme).unwrap().into_iter().find(|r| r.id == c.meta.id).unwrap();
    assert_eq!(row.paused_left, None);

    // Undo puts the clock back where it stood.
    store.undo().unwrap();
    assert_eq!(store.require::<Conflict>(c.meta.id).unwrap().status, ConflictStatus::Waiting);
}

#[test]
fn a_severity_change_recounts_the_deadline_from_the_opening() {
    let store = Store::in_memory(at("2026-11-23T09:00:00Z")).unwrap();
    let ids = common::seed(&store);
    let mut c = new_conflict(&store, ids.acme, ids.rae, Severity::Normal);
    assert_eq!(c.sla_due_at, "2026-11-28T09:00:00Z", "120 calendar hours without business hours");
    c.severity = Severity::Critical;
    store.update(&mut c).unwrap();
    assert_eq!(store.require::<Conflict>(c.meta.id).unwrap().sla_due_at, "2026-11-23T17:00:00Z");
}

#[test]
fn the_status_flow_refuses_going_back_to_open_and_reopens_resolved_ones() {
    let (store, ids) = common::store();
    let c = new_conflict(&store, ids.acme, ids.rae, Severity::Low);
    store.set_conflict_status(c.meta.id, ConflictStatus::Waiting, None).unwrap();
    let err = store.set_conflict_status(c.meta.id, ConflictStatus::Open, None).unwrap_err().to_string();
    assert!(err.contains("does not go back to open"), "{err}");
    assert_eq!(store.require::<Conflict>(c.meta.id).unwrap().status, ConflictStatus::Waiting, "nothing changed");
    store.set_conflict_status(c.meta.id, ConflictStatus::Resolved, Some("Fixed")).unwrap();
    let reopened = store.set_conflict_status(c.meta.id, ConflictStatus::Open, None).unwrap();
    assert_eq!((reopened.status, reopened.resolved_at), (ConflictStatus::Open, None));
    // Resolved ones are in the full list, not in the open queue.
    assert!(store.all_conflicts().unwrap().iter().any(|r| r.status == ConflictStatus::Resolved));
    assert!(store.open_conflicts().unwrap().iter().all(|r| r.status != ConflictStatus::Resolved));
}

#[test]
fn escalation_goes_to_the_owners_manager_or_a_chosen_rep_with_a_reason() {
    let (store, ids) = common::store();
    let c = new_conflict(&store, ids.acme, ids.rae, Severity::High);
    let up = store.escalate_conflict_to(c.meta.id, None, Some("Customer threatens to cancel")).unwrap();
    assert_eq!(up.escalated_to, Some(ids.lead), "Rae reports to Lee");
    assert_eq!(up.escalation_reason.as_deref(), Some("Customer threatens to cancel"));
    let top = &store.timeline(ids.acme, None, 1).unwrap()[0];
    assert_eq!(
        top.summary,
        "Conflict \"Dashboard down\" escalated to level 1 (to Lee Okafor: Customer threatens to cancel)"
    );
    let up = store.escalate_conflict_to(c.meta.id, Some(ids.manager), None).unwrap();
    assert_eq!((up.escalation_level, up.escalated_to, up.escalation_reason), (2, Some(ids.manager), None));
    let row = store.open_conflicts_of(ids.acme).unwrap().into_iter().find(|r| r.id == c.meta.id).unwrap();
    assert_eq!(row.escalated_to.as_deref(), Some("Morgan Avery"));
}

#[test]
fn a_breached_conflict_not_escalated_is_flagged() {
    let (store, ids) = common::store();
    let now = "2026-11-26T14:00:00Z";
    let dispute = store.open_conflicts_of(ids.acme).unwrap().remove(0);
    assert!(dispute.breached(now) && dispute.needs_escalation(now));
    store.escalate_conflict(dispute.id).unwrap();
    let dispute = store.open_conflicts_of(ids.acme).unwrap().remove(0);
    assert!(dispute.breached(now) && !dispute.needs_escalation(now));
}

#[test]
fn winning_a_deal_makes_a_prospect_a_customer_and_sets_the_renewal() {
    let (store, ids) = common::store();
    let before = store.require::<Account>(ids.cobalt).unwrap();
    assert_eq!((before.status, before.renewal_date), (AccountStatus::Prospect, None));
    let mut d = Deal {
        account_id: ids.cobalt,
        owner_id: Some(ids.rae),
        name: "Mine site rollout".into(),
        product: Some("Team platform".into()),
        stage: DealStage::Negotiation,
        amount: Money::from_units(40_000),
        ..Default::default()
    };
    store.insert(&mut d).unwrap();
    store.move_deal(d.meta.id, DealStage::Won).unwrap();
    let after = store.require::<Account>(ids.cobalt).unwrap();
    assert_eq!(after.status, AccountStatus::Customer);
    assert_eq!(after.renewal_date, Some(common::date(2027, 11, 26)), "a recurring product: 12 months");
    // One undo step takes back the win and what followed from it.
    store.undo().unwrap();
    let back = store.require::<Account>(ids.cobalt).unwrap();
    assert_eq!((back.status, back.renewal_date), (AccountStatus::Prospect, None));

    // An explicit term wins; a one-off sale leaves the renewal alone.
    let mut d2 = Deal {
        account_id: ids.borealis,
        name: "Workshop".into(),
        product: Some("Training package".into()),
        stage: DealStage::Won,
        closed_on: Some(common::date(2026, 11, 20)),
        amount: Money::from_units(5_000),
        ..Default::default()
    };
    store.insert(&mut d2).unwrap();
    assert_eq!(store.require::<Account>(ids.borealis).unwrap().renewal_date, Some(common::date(2026, 12, 10)));
    let mut d3 = Deal { name: "Support".into(), term_months: Some(24), meta: Meta::default(), ..d2 };
    store.insert(&mut d3).unwrap();
    assert_eq!(store.require::<Account>(ids.borealis).unwrap().renewal_date, Some(common::date(2028, 11, 20)));
}

#[test]
fn waiting_conflicts_from_an_older_schema_stand_still() {
    // The migration stamps a pause on conflicts already waiting.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    for (v, _, sql) in &rapport::store::migrations::MIGRATIONS[..5] {
        conn.execute_batch(sql).unwrap();
        conn.execute_batch(&format!("PRAGMA user_version = {v}")).unwrap();
    }
    conn.execute_batch(
        "INSERT INTO reps (uid, name, created_at, updated_at) VALUES ('r', 'Ann', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO accounts (uid, name, created_at, updated_at) VALUES ('a', 'Acme', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO conflicts (uid, account_id, title, status, opened_at, sla_due_at, created_at, updated_at)
         VALUES ('c', 1, 'Late', 'waiting', '2026-11-02T09:00:00Z', '2026-11-07T09:00:00Z', '2026-11-02T09:00:00Z', '2026-11-03T09:00:00Z');
         INSERT INTO change_log (at, session, entity, entity_id, op, batch) VALUES ('2026-11-03T09:00:00Z', 's', 'conflict', 1, 'insert', 1);",
    )
    .unwrap();
    rapport::store::migrations::migrate(&conn).unwrap();
    let pauses: String = conn.query_row("SELECT sla_pauses FROM conflicts", [], |r| r.get(0)).unwrap();
    assert_eq!(pauses, r#"[{"from":"2026-11-03T09:00:00Z","to":null}]"#);
    let log: i64 = conn.query_row("SELECT count(*) FROM change_log WHERE batch = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(log, 1, "the change log keeps its rows through the rebuild");
}

#[test]
fn forecast_snapshots_are_taken_once_a_day_and_survive_undo() {
    let (mut store, ids) = common::store();
    store.set_session("cockpit");
    assert_eq!(store.take_forecast_snapshots().unwrap(), 5, "Q4 and FY2026: the company and each rep with deals");
    assert_eq!(store.take_forecast_snapshots().unwrap(), 0, "once a day");
    let q4 = store.forecast_history(Period::Quarter(2026, 4), None).unwrap();
    assert_eq!(q4.len(), 1);
    let c = Money::from_units;
    assert_eq!(
        (q4[0].closed, q4[0].commit, q4[0].best_case, q4[0].forecast),
        (c(150_000), c(150_000), c(150_000), c(150_000))
    );
    let fy = store.forecast_history(Period::Year(2026), Some(&[ids.sam])).unwrap();
    assert_eq!(fy[0].closed, c(60_000), "Sam's Analytics deal, won in August");

    // An unrelated change undone leaves the snapshots; they are in the change log under their own session.
    let mut acme = store.require::<Account>(ids.acme).unwrap();
    acme.notes = Some("Call before noon".into());
    store.update(&mut acme).unwrap();
    store.undo().unwrap();
    assert!(store.undo().unwrap().is_none(), "the snapshots are not this session's to undo");
    assert_eq!(store.forecast_history(Period::Quarter(2026, 4), None).unwrap().len(), 1);
    let logged: Vec<Change> =
        store.recent_changes(100).unwrap().into_iter().filter(|c| c.entity == "snapshot").collect();
    assert_eq!(logged.len(), 5);
    assert!(logged.iter().all(|c| c.session == SNAPSHOT_SESSION && c.op == "insert"));

    // The next day adds a day; the history sums the reps asked for, one row per day.
    store.set_clock(at("2026-11-27T09:00:00Z"));
    let mut hope = Deal {
        account_id: ids.borealis,
        owner_id: Some(ids.sam),
        name: "Q4 hope".into(),
        stage: DealStage::Negotiation,
        amount: c(40_000),
        probability: 75,
        expected_close: Some(common::date(2026, 12, 15)),
        ..Default::default()
    };
    store.insert(&mut hope).unwrap();
    assert_eq!(store.take_forecast_snapshots().unwrap(), 6, "Sam now has a deal in the quarter");
    let team = store.forecast_history(Period::Quarter(2026, 4), Some(&[ids.rae, ids.sam])).unwrap();
    assert_eq!(team.len(), 2);
    assert_eq!((team[1].closed, team[1].commit, team[1].best_case), (c(150_000), c(190_000), c(190_000)));
    assert_eq!(team[1].forecast, c(150_000 + 30_000), "negotiation weighs 75%");
}
