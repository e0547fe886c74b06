use super::*;
use crate::domain::{ActivityKind, ConflictStatus, DealStage};
use crate::store::{Activity, Clock, Conflict, Contact, Deal, Target};
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 14, 3, 0).unwrap()
}

fn spec(accounts: usize, seed: u64) -> DemoSpec {
    DemoSpec { accounts, seed, ..DemoSpec::at(now()) }
}

fn build(accounts: usize, seed: u64) -> (Store, DemoSummary) {
    let store = Store::in_memory(Clock::Fixed(now())).unwrap();
    let summary = generate(&store, &spec(accounts, seed), &mut |_, _, _| {}).unwrap();
    (store, summary)
}

/// Every live record of a kind, in id order, without the meta columns.
fn all<T: crate::store::Record>(store: &Store, count: usize) -> Vec<T> {
    (1..=count as i64)
        .map(|id| {
            let mut r: T = store.require(id).unwrap();
            *r.meta_mut() = Default::default();
            r
        })
        .collect()
}

#[test]
fn fills_every_entity_and_passes_the_checks() {
    let (store, s) = build(40, 42);
    assert!(s.count("reps") >= 9 && s.count("reps") <= 13, "{s:?}");
    assert_eq!(s.count("accounts"), 40);
    assert!(s.count("contacts") >= 80 && s.count("contacts") <= 200, "{s:?}");
    assert!(
        s.count("deals") > 0 && s.count("conflicts") > 0 && s.count("activities") > 200 && s.count("targets") > 0,
        "{s:?}"
    );
    let info = store.info().unwrap();
    let count = |n: &str| info.counts.iter().find(|(k, _)| k == n).unwrap().1 as usize;
    assert_eq!(count("reps"), s.count("reps"));
    assert_eq!(count("accounts"), s.count("accounts"));
    assert_eq!(count("contacts"), s.count("contacts"));
    assert_eq!(count("deals"), s.count("deals"));
    assert_eq!(count("conflicts"), s.count("conflicts"));
    assert_eq!(count("activities"), s.count("activities"));
    assert_eq!(count("targets"), s.count("targets"));
    assert_eq!(info.changes_logged, 0, "the seed is the baseline");
    let problems = store.check().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn same_seed_same_content_other_seed_other_content() {
    let (a, sa) = build(30, 7);
    let (b, sb) = build(30, 7);
    assert_eq!(sa, sb);
    let names = |s: &Store| -> Vec<String> { s.account_rows().unwrap().into_iter().map(|r| r.name).collect() };
    assert_eq!(names(&a), names(&b));
    assert_eq!(a.account_rows().unwrap(), b.account_rows().unwrap());
    assert_eq!(all::<Contact>(&a, sa.count("contacts")), all::<Contact>(&b, sb.count("contacts")));
    assert_eq!(all::<Deal>(&a, sa.count("deals")), all::<Deal>(&b, sb.count("deals")));
    assert_eq!(all::<Conflict>(&a, sa.count("conflicts")), all::<Conflict>(&b, sb.count("conflicts")));
    let acts_a = all::<Activity>(&a, sa.count("activities"));
    let acts_b = all::<Activity>(&b, sb.count("activities"));
    let summaries = |v: &[Activity]| v.iter().map(|x| x.summary.clone()).collect::<Vec<_>>();
    assert_eq!(summaries(&acts_a), summaries(&acts_b));
    assert_eq!(acts_a, acts_b);
    assert_eq!(all::<Target>(&a, sa.count("targets")), all::<Target>(&b, sb.count("targets")));

    let (c, _) = build(30, 8);
    assert_ne!(names(&a), names(&c));
}

#[test]
fn nothing_happens_in_the_future_and_rules_hold() {
    let (store, s) = build(50, 3);
    let now_text = crate::store::timestamp(now());
    for a in all::<Activity>(&store, s.count("activities")) {
        assert!(a.occurred_at <= now_text, "{a:?}");
        assert_eq!(a.kind == ActivityKind::FollowUp, a.due_on.is_some(), "{a:?}");
        if let Some(done) = &a.done_at {
            assert!(*done <= now_text && *done >= a.occurred_at, "{a:?}");
        }
    }
    for d in all::<Deal>(&store, s.count("deals")) {
        match d.stage {
            DealStage::Won | DealStage::Lost => {
                assert!(d.closed_on.unwrap() <= now().date_naive(), "{d:?}")
            }
            stage => {
                let close = d.expected_close.unwrap();
                assert!(close > now().date_naive(), "{d:?}");
                if !d.probability_manual {
                    assert_eq!(d.probability, stage.default_probability());
                }
            }
        }
        assert!(d.amount.cents() > 0);
    }
    for c in all::<Conflict>(&store, s.count("conflicts")) {
        assert!(c.opened_at <= now_text && c.opened_at < c.sla_due_at, "{c:?}");
        if c.status == ConflictStatus::Resolved {
            assert!(c.resolved_at.as_deref().unwrap() <= now_text.as_str());
        }
    }
    // Contacts: one primary per account, addresses at the company's domain.
    for row in store.account_rows().unwrap() {
        let people = store.contacts_of(row.id).unwrap();
        assert!((2..=5).contains(&people.len()), "{}", row.name);
        assert_eq!(people.iter().filter(|c| c.is_primary).count(), 1);
    }
}

#[test]
fn conflicts_breached_and_in_time_and_follow_ups_due() {
    let (store, _) = build(40, 42);
    let now_text = crate::store::timestamp(now());
    let breached = store.breached_conflicts(&now_text).unwrap();
    let open = store.open_conflicts().unwrap();
    assert!(breached >= 3, "{breached}");
    assert!(open.len() as i64 > breached, "{} open", open.len());
    assert!(open.iter().any(|c| {
        let left = c.sla_due_at.as_str() > now_text.as_str();
        let soon = crate::store::timestamp(now() + chrono::Duration::hours(8));
        left && c.sla_due_at <= soon
    }));
    let today = now().date_naive();
    let due = store.follow_ups_due(today).unwrap();
    assert!(due.iter().any(|f| f.due_on < today), "{due:?}");
    assert!(due.iter().any(|f| f.due_on == today), "{due:?}");
    let later = store.follow_ups_due(today + chrono::Duration::days(30)).unwrap();
    assert!(later.len() > due.len());
}

#[test]
fn revenue_is_won_in_each_of_the_last_eight_quarters() {
    let (store, _) = build(40, 42);
    let current = Quarter::of(now().date_naive());
    for k in 1..=8 {
        let q = current.shift(-k);
        let won = store.won_total(q.start(), q.end()).unwrap();
        assert!(won.cents() > 0, "nothing won in {}", q.label());
    }
}

#[test]
fn refuses_a_store_that_has_data() {
    let (store, _) = build(5, 1);
    let err = generate(&store, &spec(5, 1), &mut |_, _, _| {}).unwrap_err();
    assert!(err.to_string().contains("empty database"), "{err}");
    let empty = Store::in_memory(Clock::Fixed(now())).unwrap();
    assert!(generate(&empty, &spec(0, 1), &mut |_, _, _| {}).is_err());
}

#[test]
fn reports_progress_up_to_the_total() {
    let store = Store::in_memory(Clock::Fixed(now())).unwrap();
    let mut seen = Vec::new();
    generate(&store, &spec(12, 5), &mut |stage, done, total| seen.push((stage.to_string(), done, total))).unwrap();
    assert!(seen.contains(&("accounts".to_string(), 12, 12)), "{seen:?}");
    assert!(seen.iter().any(|(s, ..)| s == "targets"));
}

/// Builds a demo database file and prints how long it took and how big it is.
fn timed_file(accounts: usize, keep: Option<&str>) {
    use crate::store::OpenMode;
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    let path = match keep {
        Some(p) => std::path::PathBuf::from(p),
        None => dir.path().join("demo.rapport"),
    };
    let _ = std::fs::remove_file(&path);
    let started = Instant::now();
    let (store, _) = Store::open(&path, OpenMode::Create).unwrap();
    let spec = DemoSpec { accounts, ..DemoSpec::at(now()) };
    let summary = generate(&store, &spec, &mut |stage, done, total| {
        if stage != "accounts" || done % 10_000 == 0 || done == total {
            eprintln!("  {stage} {done}/{total} at {:.1?}", started.elapsed());
        }
    })
    .unwrap();
    let generated = started.elapsed();
    drop(store);
    let closed = started.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "{accounts} accounts: generated in {generated:.2?} (closed at {closed:.2?}), file {:.1} MB\n{summary:?}",
        size as f64 / 1e6
    );
}

/// `cargo test --release --lib -- --ignored --nocapture demo_large`
#[test]
#[ignore = "takes a while; a measurement, not a check"]
fn demo_large() {
    timed_file(100_000, std::env::var("DEMO_KEEP").ok().as_deref());
}

/// `cargo test --release --lib -- --ignored --nocapture demo_default`
#[test]
#[ignore = "a measurement, not a check"]
fn demo_default() {
    timed_file(300, std::env::var("DEMO_KEEP").ok().as_deref());
}

#[test]
fn tiny_books_and_awkward_moments_still_make_sense() {
    // A Sunday just after midnight, and books too small for every situation.
    let sunday = Utc.with_ymd_and_hms(2027, 1, 3, 0, 10, 0).unwrap();
    for (accounts, seed) in [(1, 1), (2, 2), (3, 3), (7, 4), (25, 5)] {
        let store = Store::in_memory(Clock::Fixed(sunday)).unwrap();
        let spec = DemoSpec { accounts, seed, ..DemoSpec::at(sunday) };
        let s = generate(&store, &spec, &mut |_, _, _| {}).unwrap();
        assert_eq!(s.count("accounts"), accounts);
        assert!(store.check().unwrap().is_empty());
        let now_text = crate::store::timestamp(sunday);
        for a in all::<Activity>(&store, s.count("activities")) {
            assert!(a.occurred_at <= now_text, "{a:?}");
        }
    }
}

#[test]
fn owners_leads_and_subsidiaries_are_spread_sensibly() {
    use crate::domain::{RepRole, Tier};
    let (store, _) = build(300, 42);
    let reps = store.reps().unwrap();
    let role_of = |id: i64| reps.iter().find(|r| r.id == id).unwrap().role;
    assert_eq!(reps.iter().filter(|r| r.role == RepRole::Manager).count(), 1);
    assert_eq!(reps.iter().filter(|r| r.role == RepRole::Lead).count(), 2);
    let rows = store.account_rows().unwrap();
    let by_leads = rows.iter().filter(|r| role_of(r.owner_id.unwrap()) == RepRole::Lead).count();
    assert!(by_leads > 0 && by_leads < rows.len() / 5, "{by_leads}");
    assert!(rows.iter().all(|r| role_of(r.owner_id.unwrap()) != RepRole::Manager));
    let strategic = rows.iter().filter(|r| r.tier == Tier::Strategic).count();
    assert!((15..=45).contains(&strategic), "{strategic}");
    let children: usize = rows.iter().map(|r| store.child_accounts(r.id).unwrap().len()).sum();
    assert!((5..=30).contains(&children), "{children}");
    let stale = rows.iter().filter(|r| r.last_touch_at.as_deref() < Some("2026-08-28")).count();
    assert!(stale >= 10, "{stale}");
}

#[test]
fn targets_are_met_between_sixty_and_a_hundred_and_thirty_percent() {
    use crate::domain::{Period, TargetScope};
    let (store, s) = build(120, 42);
    let current = Quarter::of(now().date_naive());
    let reps = store.reps().unwrap();
    let mut checked = 0;
    for k in 1..=8 {
        let q = current.shift(-k);
        let targets = store.targets_for(Period::Quarter(q.year, q.q)).unwrap();
        let won = store.won_by_rep(q.start(), q.end()).unwrap();
        let won_by = |id: i64| won.iter().filter(|(r, _)| *r == id).map(|(_, m)| m.cents()).sum::<i64>();
        for t in targets {
            let actual = match t.scope {
                TargetScope::Company => store.won_total(q.start(), q.end()).unwrap().cents(),
                TargetScope::Rep => won_by(t.rep_id.unwrap()),
                TargetScope::Team => reps
                    .iter()
                    .filter(|r| r.id == t.rep_id.unwrap() || r.manager_id == t.rep_id)
                    .map(|r| won_by(r.id))
                    .sum(),
                TargetScope::Account => unreachable!("no account targets in the demo"),
            };
            if actual == 0 {
                continue; // a rep with nothing won that quarter
            }
            let attained = actual as f64 / t.amount as f64;
            assert!((0.55..=1.4).contains(&attained), "{} {}: {attained:.2}", t.scope, q.label());
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
    // The current quarter and year have targets too.
    assert!(!store.targets_for(Period::Quarter(current.year, current.q)).unwrap().is_empty());
    assert_eq!(store.targets_for(Period::Year(current.year)).unwrap().len(), 1);
    let all: usize = (0..=8)
        .map(|k| {
            let q = current.shift(-k);
            store.targets_for(Period::Quarter(q.year, q.q)).unwrap().len()
        })
        .sum::<usize>()
        + 1;
    assert_eq!(all, s.count("targets"));
}

#[test]
fn deals_open_before_they_close_with_cycles_of_weeks() {
    let (store, summary) = build(120, 7);
    let deals: Vec<Deal> = all(&store, summary.count("deals"));
    let today = now().date_naive();
    let mut cycles = Vec::new();
    for d in &deals {
        let opened = d.opened_on.unwrap_or_else(|| panic!("{} has no opening date", d.name));
        assert!(opened <= d.closed_on.unwrap_or(today), "{}: opened {opened}, closed {:?}", d.name, d.closed_on);
        if let Some(c) = d.closed_on {
            cycles.push((c - opened).num_days());
        }
    }
    cycles.sort();
    let median = cycles[cycles.len() / 2];
    assert!((14..=120).contains(&median), "median cycle {median} days");
}
