use super::*;
use crate::domain::suggest::SuggestionKind;
use crate::domain::{ActivityKind, Severity, Tier};
use crate::store::{Account, Activity, Clock, Conflict, Contact, Deal, LogEntry};
use chrono::{DateTime, Utc};

fn at(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(9, 0, 0).unwrap().and_utc()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

fn ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

fn everyone() -> Resolved {
    Resolved { label: "everyone".into(), root: None, reps: None }
}

fn store() -> Store {
    Store::in_memory(Clock::Fixed(at(today()))).unwrap()
}

fn account(s: &Store, name: &str, tier: Tier) -> i64 {
    let mut a = Account {
        name: name.into(),
        tier,
        sector: Some("Retail".into()),
        annual_value: Money::from_units(120_000),
        ..Default::default()
    };
    s.insert(&mut a).unwrap()
}

fn champion(s: &Store, account_id: i64, name: &str) -> i64 {
    let mut c =
        Contact { account_id, name: name.into(), role: crate::domain::ContactRole::Champion, ..Default::default() };
    s.insert(&mut c).unwrap()
}

fn touch(s: &Store, account_id: i64, kind: ActivityKind, day: NaiveDate) {
    let mut a = Activity {
        account_id,
        kind,
        occurred_at: crate::domain::time::timestamp(at(day)),
        summary: "Talked".into(),
        ..Default::default()
    };
    s.insert(&mut a).unwrap();
}

fn keys(s: &Store, kind: SuggestionKind) -> Vec<String> {
    s.suggestions(&everyone(), s.clock().today())
        .unwrap()
        .into_iter()
        .filter(|x| x.kind == kind)
        .map(|x| x.key)
        .collect()
}

fn marks(s: &Store) -> i64 {
    s.conn().query_row("SELECT count(*) FROM suggestion_marks", [], |r| r.get(0)).unwrap()
}

#[test]
fn health_reads_the_signals_and_a_list_reads_the_same_as_the_book() {
    let s = store();
    let stale = account(&s, "Stale Strategic", Tier::Strategic);
    touch(&s, stale, ActivityKind::Call, ago(41));
    let fine = account(&s, "Fine Key", Tier::Key);
    champion(&s, fine, "Ann Roe");
    touch(&s, fine, ActivityKind::Meeting, ago(1));
    let all = s.account_health(None, today()).unwrap();
    assert_eq!(all.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [stale, fine]);
    let h = &all[0].1;
    let texts: Vec<String> = h.reasons.iter().map(|r| r.text()).collect();
    assert!(texts.contains(&"no touch in 41 days; cadence for strategic is 14 days: −25".to_string()), "{texts:?}");
    assert!(texts.contains(&"no contacts, so no decision maker or champion: −10".to_string()), "{texts:?}");
    assert_eq!(all[1].1.reasons.iter().map(|r| r.signal).collect::<Vec<_>>(), ["pipeline"], "{:?}", all[1].1);
    // The same account read alone, through the index, scores the same.
    assert_eq!(s.account_health(Some(&[fine, 999]), today()).unwrap(), vec![all[1].clone()]);
    assert_eq!(s.health_of(stale, today()).unwrap().as_ref(), Some(h));
}

#[test]
fn logging_a_call_removes_the_keep_warm_and_the_cadence_reason() {
    let s = store();
    let id = account(&s, "Stale Strategic", Tier::Strategic);
    champion(&s, id, "Ann Roe");
    touch(&s, id, ActivityKind::Email, ago(20));
    assert_eq!(keys(&s, SuggestionKind::KeepWarm).len(), 1);
    s.log_interaction(&LogEntry {
        account_id: id,
        kind: ActivityKind::Call,
        summary: "Caught up".into(),
        ..Default::default()
    })
    .unwrap();
    assert!(keys(&s, SuggestionKind::KeepWarm).is_empty());
    assert!(s.health_of(id, today()).unwrap().unwrap().reasons.iter().all(|r| r.signal != "cadence"));
}

#[test]
fn moving_a_stuck_deal_and_escalating_a_breached_conflict_remove_them() {
    let s = store();
    let id = account(&s, "Acme", Tier::Standard);
    let mut d = Deal {
        account_id: id,
        name: "Expansion".into(),
        stage: crate::domain::DealStage::Proposal,
        amount: Money::from_units(50_000),
        probability: 50,
        opened_on: Some(ago(100)),
        ..Default::default()
    };
    let deal = s.insert(&mut d).unwrap();
    let mut c = Conflict {
        account_id: id,
        title: "Invoices wrong".into(),
        severity: Severity::High,
        opened_at: crate::domain::time::timestamp(at(ago(5))),
        sla_due_at: crate::domain::time::timestamp(at(ago(3))),
        ..Default::default()
    };
    let conflict = s.insert(&mut c).unwrap();
    assert_eq!(keys(&s, SuggestionKind::StuckDeal).len(), 1);
    let breached = keys(&s, SuggestionKind::Conflict);
    assert_eq!(breached.len(), 1);
    assert!(breached[0].ends_with(":breached"), "{breached:?}");
    let h = s.health_of(id, today()).unwrap().unwrap();
    assert!(
        h.reasons.iter().any(|r| r.signal == "stuck deals" && r.fact.contains("in proposal for 100 days")),
        "{h:?}"
    );
    assert!(h.reasons.iter().any(|r| r.signal == "conflicts" && r.fact.contains("1 high (1 breached)")), "{h:?}");

    s.move_deal(deal, crate::domain::DealStage::Negotiation).unwrap();
    s.escalate_conflict(conflict).unwrap();
    assert!(keys(&s, SuggestionKind::StuckDeal).is_empty(), "a moved deal is no longer stuck");
    assert!(keys(&s, SuggestionKind::Conflict).is_empty(), "an escalated conflict is no longer 'not escalated'");
}

fn stale_book() -> (Store, String) {
    let s = store();
    let id = account(&s, "Stale Strategic", Tier::Strategic);
    touch(&s, id, ActivityKind::Call, ago(41));
    let key = keys(&s, SuggestionKind::KeepWarm).pop().unwrap();
    (s, key)
}

#[test]
fn a_snoozed_suggestion_returns_on_its_date_and_undo_takes_the_snooze_back() {
    let (mut s, key) = stale_book();
    let until = today() + Days::new(7);
    s.snooze_suggestion(&key, until).unwrap();
    assert!(keys(&s, SuggestionKind::KeepWarm).is_empty());
    s.set_clock(Clock::Fixed(at(until - Days::new(1))));
    assert!(keys(&s, SuggestionKind::KeepWarm).is_empty(), "still snoozed the day before");
    s.set_clock(Clock::Fixed(at(until)));
    assert_eq!(keys(&s, SuggestionKind::KeepWarm), std::slice::from_ref(&key), "back on its date");

    s.set_clock(Clock::Fixed(at(today())));
    assert!(keys(&s, SuggestionKind::KeepWarm).is_empty());
    let undone = s.undo().unwrap().unwrap();
    assert!(undone.summary.starts_with("add suggestion"), "{}", undone.summary);
    assert_eq!(keys(&s, SuggestionKind::KeepWarm), std::slice::from_ref(&key), "undo brings it back");
    s.redo().unwrap().unwrap();
    assert!(keys(&s, SuggestionKind::KeepWarm).is_empty(), "redo snoozes it again");
}

#[test]
fn a_dismissed_suggestion_stays_gone_and_cannot_be_dismissed_twice() {
    let (mut s, key) = stale_book();
    s.dismiss_suggestion(&key, Some("they asked for quiet until the merger")).unwrap();
    assert!(keys(&s, SuggestionKind::KeepWarm).is_empty());
    s.set_clock(Clock::Fixed(at(today() + Days::new(400))));
    assert!(!keys(&s, SuggestionKind::KeepWarm).contains(&key), "gone for good");
    s.set_clock(Clock::Fixed(at(today())));
    let err = s.dismiss_suggestion(&key, None).unwrap_err().to_string();
    assert!(err.contains("is dismissed already"), "{err}");
    let err = s.snooze_suggestion(&key, today() + Days::new(1)).unwrap_err().to_string();
    assert!(err.contains("is dismissed already"), "{err}");
    assert_eq!(marks(&s), 1, "the refusals wrote nothing");
    s.undo().unwrap().unwrap();
    assert_eq!(keys(&s, SuggestionKind::KeepWarm), [key]);
}

#[test]
fn bad_snoozes_and_dismissals_are_refused_and_write_nothing() {
    let (s, key) = stale_book();
    let err = s.snooze_suggestion(&key, today()).unwrap_err().to_string();
    assert_eq!(err, "cannot snooze until 2026-03-10: expected a day after today (2026-03-10)");
    assert!(s.snooze_suggestion(&key, ago(3)).is_err());
    let err = s.dismiss_suggestion("keep-warm:nothing", None).unwrap_err().to_string();
    assert!(err.contains("'keep-warm:nothing' is not a current suggestion"), "{err}");
    assert!(s.dismiss_suggestion("  ", None).is_err());
    assert_eq!(marks(&s), 0);
    assert!(s.undo().unwrap().is_none() || marks(&s) == 0);
}

#[test]
fn scope_keeps_to_the_accounts_its_reps_own() {
    let s = store();
    let mut rep = crate::store::Rep { name: "Ann Lee".into(), ..Default::default() };
    let ann = s.insert(&mut rep).unwrap();
    let mine = account(&s, "Mine", Tier::Key);
    let mut a = s.require::<Account>(mine).unwrap();
    a.owner_id = Some(ann);
    s.update(&mut a).unwrap();
    account(&s, "Not mine", Tier::Key);
    let scope = Resolved { label: "Ann Lee".into(), root: Some(ann), reps: Some(vec![ann]) };
    let list = s.suggestions(&scope, today()).unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|x| x.account == "Mine"), "{list:?}");
    assert!(s.suggestions(&everyone(), today()).unwrap().iter().any(|x| x.account == "Not mine"));
}
