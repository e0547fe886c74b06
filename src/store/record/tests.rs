//! Every entity survives a write and a read with every field intact, and
//! every column of its table is one the record knows.

use super::Record;
use crate::domain::*;
use crate::store::*;
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::Value;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn store() -> Store {
    Store::in_memory(Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap())).unwrap()
}

/// Writes `rec` as it is (no rules: only the columns are under test), reads
/// it back and returns its id. `blank_ok`: fields another sample fills.
fn round_trip<T: Record + PartialEq + std::fmt::Debug>(store: &Store, mut rec: T, blank_ok: &[&str]) -> i64 {
    // A field left at null, false, 0 or "" would come back the same from a
    // column that was never written or read.
    let json = serde_json::to_value(&rec).unwrap();
    for (field, v) in json.as_object().unwrap() {
        let meta = ["id", "uid", "created_at", "updated_at", "deleted_at", "last_touch_at"];
        if meta.contains(&field.as_str()) || blank_ok.contains(&field.as_str()) {
            continue;
        }
        let blank = matches!(v, Value::Null | Value::Bool(false)) || v == 0 || v == "";
        assert!(!blank, "{} sample leaves {field} blank", T::TABLE);
    }
    let id = store.insert_unlogged(&mut rec).unwrap();
    let back: T = store.get_any(id).unwrap().expect("the row is there");
    assert_eq!(back, rec, "{} came back different", T::TABLE);
    check_table_columns::<T>(store);
    id
}

/// The table holds the meta columns, the record's columns and only the
/// listed others, so a column added by a migration is not forgotten here.
fn check_table_columns<T: Record>(store: &Store) {
    // An import's source id and custom fields (`insert_unlogged_with`),
    // and what the database keeps itself.
    let others: &[&str] = match T::TABLE {
        "accounts" => &["external_ref", "custom", "last_touch_at"],
        "reps" | "contacts" | "activities" | "conflicts" => &["external_ref", "custom"],
        "deals" => &["custom"],
        _ => &[],
    };
    let mut stmt = store.conn().prepare(&format!("SELECT name FROM pragma_table_info('{}')", T::TABLE)).unwrap();
    let mut in_table: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    let mut known: Vec<String> = ["id", "uid", "created_at", "updated_at", "deleted_at"]
        .iter()
        .chain(T::COLUMNS)
        .chain(others)
        .map(|c| c.to_string())
        .collect();
    in_table.sort();
    known.sort();
    assert_eq!(in_table, known, "columns of {}", T::TABLE);
}

#[test]
fn every_entity_round_trips_through_insert_and_read_with_every_field() {
    let s = store();
    let manager = s.insert(&mut Rep { name: "Mia Manager".into(), ..Default::default() }).unwrap();
    let rep = round_trip(
        &s,
        Rep {
            name: "Ravi Rep".into(),
            email: Some("ravi@example.com".into()),
            phone: Some("+44 20 7946 0001".into()),
            role: RepRole::Lead,
            manager_id: Some(manager),
            ..Default::default()
        },
        &[],
    );
    let parent = s.insert(&mut Account { name: "Parent Holdings".into(), ..Default::default() }).unwrap();
    let account = round_trip(
        &s,
        Account {
            name: "Acme Élan".into(),
            sector: Some("Logistics".into()),
            tier: Tier::Strategic,
            status: AccountStatus::Customer,
            owner_id: Some(rep),
            parent_id: Some(parent),
            annual_value: Money::from_units(5_200),
            renewal_date: Some(day(2027, 3, 31)),
            website: Some("https://acme.example".into()),
            phone: Some("+44 20 7946 0444".into()),
            city: Some("London".into()),
            country: Some("GB".into()),
            notes: Some("Prefers calls".into()),
            ..Default::default()
        },
        &[],
    );
    let contact = round_trip(
        &s,
        Contact {
            account_id: account,
            name: "Zoë Núñez".into(),
            title: Some("CTO".into()),
            role: ContactRole::Technical,
            email: Some("zoe@acme.example".into()),
            phone: Some("+44 20 7946 0555".into()),
            // Derived on save; set here so that a dropped column shows.
            phone_digits: Some("442079460555".into()),
            phone_e164: Some("+442079460555".into()),
            is_primary: true,
            notes: Some("Met at the fair".into()),
            ..Default::default()
        },
        &[],
    );
    let deal = round_trip(
        &s,
        Deal {
            account_id: account,
            owner_id: Some(rep),
            name: "Fleet renewal".into(),
            product: Some("Tracking".into()),
            stage: DealStage::Won,
            amount: Money::from_units(1_669_000),
            probability: 100,
            probability_manual: true,
            expected_close: Some(day(2026, 12, 18)),
            closed_on: Some(day(2026, 11, 20)),
            external_ref: Some("SF-0042".into()),
            opened_on: Some(day(2026, 9, 1)),
            forecast_category: Some(ForecastCategory::Commit),
            term_months: Some(24),
            ..Default::default()
        },
        &[],
    );
    let conflict = round_trip(
        &s,
        Conflict {
            account_id: account,
            contact_id: Some(contact),
            owner_id: Some(rep),
            title: "Invoices late".into(),
            description: Some("Three months running".into()),
            severity: Severity::Critical,
            status: ConflictStatus::Resolved,
            opened_at: "2026-11-20T08:00:00Z".into(),
            sla_due_at: "2026-11-20T16:00:00Z".into(),
            escalation_level: 2,
            escalated_at: Some("2026-11-20T17:00:00Z".into()),
            resolved_at: Some("2026-11-21T10:00:00Z".into()),
            resolution: Some("Credit note sent".into()),
            sla_pauses: r#"[{"from":"2026-11-20T12:00:00Z","to":"2026-11-20T13:00:00Z"}]"#.into(),
            escalated_to: Some(manager),
            escalation_reason: Some("Breached".into()),
            ..Default::default()
        },
        &[],
    );
    round_trip(
        &s,
        Activity {
            account_id: account,
            contact_id: Some(contact),
            rep_id: Some(rep),
            deal_id: Some(deal),
            conflict_id: Some(conflict),
            kind: ActivityKind::FollowUp,
            occurred_at: "2026-11-26T14:03:00Z".into(),
            summary: "Send the credit note".into(),
            body: Some("Copy finance".into()),
            due_on: Some(day(2026, 11, 30)),
            done_at: Some("2026-11-27T08:30:00Z".into()),
            ..Default::default()
        },
        &[],
    );
    // A target is for a rep or for an account, never both.
    round_trip(
        &s,
        Target {
            meta: Default::default(),
            scope: TargetScope::Rep,
            rep_id: Some(rep),
            account_id: None,
            period: "2026-Q4".parse().unwrap(),
            metric: TargetMetric::WonRevenue,
            amount: 25_000_000,
        },
        &["account_id"],
    );
    round_trip(
        &s,
        Target {
            meta: Default::default(),
            scope: TargetScope::Account,
            rep_id: None,
            account_id: Some(account),
            period: "2027-03".parse().unwrap(),
            metric: TargetMetric::Activities,
            amount: 40,
        },
        &["rep_id"],
    );
    round_trip(
        &s,
        ForecastSnapshot {
            meta: Default::default(),
            taken_on: day(2026, 11, 27),
            period: "2026-Q4".parse().unwrap(),
            rep_id: Some(rep),
            closed: Money(1),
            commit: Money(2),
            best_case: Money(3),
            forecast: Money(4),
        },
        &[],
    );
    round_trip(
        &s,
        SuggestionMark {
            key: "stale:1".into(),
            action: "snooze".into(),
            until_on: Some(day(2026, 12, 4)),
            reason: Some("On holiday".into()),
            ..Default::default()
        },
        &[],
    );
}
