use super::*;
use crate::domain::suggest::SuggestionKind;
use crate::domain::{ActivityKind, Severity, Tier};
use crate::store::{Account, Activity, Clock, Conflict, Contact, Deal, LogEntry, Prefs};
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

/// The suggestions of the set-based pass and of the straightforward
/// whole-book read, for one scope and day.
fn both_ways(s: &Store, scope: &Resolved, day: NaiveDate) -> (Vec<suggest::Suggestion>, Vec<suggest::Suggestion>) {
    let cfg = s.health_config();
    let fast = suggest::suggest(&s.suggest_inputs(scope, day).unwrap(), cfg, day);
    let whole = suggest::suggest(&s.suggest_inputs_whole_book(scope, day).unwrap(), cfg, day);
    (fast, whole)
}

/// Contacts who test the network rule's matching at its edges: the same
/// name in other case and spacing, an accent SQLite does not fold, a shared
/// e-mail in other case, a single word, a name four people carry.
fn people_at_the_edges(s: &Store) {
    let ids: Vec<i64> = {
        let mut stmt =
            s.conn().prepare("SELECT id FROM accounts WHERE deleted_at IS NULL ORDER BY id LIMIT 13").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    let role = |i: usize| {
        if i.is_multiple_of(2) {
            crate::domain::ContactRole::Champion
        } else {
            crate::domain::ContactRole::User
        }
    };
    let people: [(&str, Option<&str>); 13] = [
        ("Nadia Olsen", Some("nadia@olsen.example")),
        ("  NADIA olsen ", None),
        ("Émile Roy", None),
        ("émile roy", None),
        ("Priya Raman", Some("Priya.Raman@Example.com")),
        ("P. Raman", Some("priya.raman@example.com ")),
        ("Madonna", None),
        ("madonna", None),
        ("Sam Hill", None),
        ("Sam Hill", None),
        ("sam hill", None),
        ("Sam  Hill", None),
        ("SAM HILL", None),
    ];
    for (i, (name, email)) in people.iter().enumerate() {
        let mut c = Contact {
            account_id: ids[i],
            name: (*name).into(),
            email: email.map(str::to_string),
            role: role(i),
            ..Default::default()
        };
        s.insert(&mut c).unwrap();
    }
}

#[test]
fn the_set_based_pass_suggests_what_the_whole_book_read_does_on_demo_books() {
    let mut kinds_seen = std::collections::BTreeSet::new();
    for (seed, accounts) in [(42, 300), (7, 180)] {
        let start = at(today());
        let mut s = store();
        let spec = crate::demo::DemoSpec { accounts, seed, ..crate::demo::DemoSpec::at(start) };
        crate::demo::generate(&s, &spec, &mut |_, _, _| {}).unwrap();
        people_at_the_edges(&s);
        // A deleted account and contact must not count either way.
        s.conn().execute("UPDATE accounts SET deleted_at = '2026-03-01T00:00:00Z' WHERE id = 5", []).unwrap();
        s.conn().execute("UPDATE contacts SET deleted_at = '2026-03-01T00:00:00Z' WHERE id = 9", []).unwrap();

        // Everyone, one rep, and a manager's team (where coaching shows).
        let (rep, manager, team): (i64, i64, Vec<i64>) = {
            let rep = s.conn().query_row("SELECT min(owner_id) FROM accounts", [], |r| r.get(0)).unwrap();
            let manager: i64 = s
                .conn()
                .query_row("SELECT manager_id FROM reps WHERE manager_id IS NOT NULL LIMIT 1", [], |r| r.get(0))
                .unwrap();
            let mut stmt = s.conn().prepare("SELECT id FROM reps WHERE manager_id = ?1 OR id = ?1").unwrap();
            let team = stmt.query_map([manager], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
            (rep, manager, team)
        };
        let scopes = [
            everyone(),
            Resolved { label: "one".into(), root: Some(rep), reps: Some(vec![rep]) },
            Resolved { label: "team".into(), root: Some(manager), reps: Some(team) },
        ];
        // Days before and after the demo's, where other rules fire; and
        // other cadences and thresholds.
        for (i, days) in [0i64, 25, 120, -40].into_iter().enumerate() {
            let day = today().checked_add_signed(chrono::TimeDelta::days(days)).unwrap();
            s.set_clock(Clock::Fixed(at(day)));
            if i == 3 {
                let mut prefs = Prefs::default();
                prefs.health.cadence.strategic = 3;
                prefs.health.cadence.key = 200;
                prefs.health.stuck_days = 10;
                prefs.health.breach_warning_hours = 200;
                prefs.health.win_back_after_days = 30;
                s = s.with_prefs(prefs);
            }
            for scope in &scopes {
                let (fast, whole) = both_ways(&s, scope, day);
                assert!(!whole.is_empty(), "seed {seed}, day {day}, {}: nothing to compare", scope.label);
                assert_eq!(fast, whole, "seed {seed}, day {day}, scope {}", scope.label);
                kinds_seen.extend(whole.iter().map(|x| x.kind));
            }
        }
    }
    // Every rule was put to the test.
    assert_eq!(kinds_seen.into_iter().collect::<Vec<_>>(), SuggestionKind::ALL.to_vec());
}
