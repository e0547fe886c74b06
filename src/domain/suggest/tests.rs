use super::*;
use crate::domain::health::{ConflictSignal, DealSignal};
use crate::domain::DealStage;
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 3, 10)
}

fn ago(days: u64) -> NaiveDate {
    today() - chrono::Days::new(days)
}

fn account(id: i64, tier: Tier, status: AccountStatus) -> AccountFacts {
    let mut signals = AccountSignals::new(id, tier, status);
    signals.last_touch = Some(ago(1));
    AccountFacts {
        id,
        uid: format!("u{id}"),
        name: format!("Account {id}"),
        sector: Some("Retail".into()),
        annual_value: Money::from_units(100_000 + id * 1000),
        parent_id: None,
        in_scope: true,
        signals,
        contact: Some((id * 10, format!("Person {id}"), ContactRole::Champion)),
        won_products: vec![],
        open_products: vec![],
        won_total: Money::ZERO,
        won_count: 0,
        churned_on: None,
    }
}

fn inputs(accounts: Vec<AccountFacts>) -> SuggestInputs {
    SuggestInputs { now: today().and_hms_opt(9, 0, 0).unwrap(), accounts, ..Default::default() }
}

fn run(book: &SuggestInputs) -> Vec<Suggestion> {
    suggest(book, &HealthConfig::default(), today())
}

fn kinds(list: &[Suggestion], kind: SuggestionKind) -> Vec<&Suggestion> {
    list.iter().filter(|s| s.kind == kind).collect()
}

#[test]
fn keep_warm_a_strategic_account_past_its_cadence() {
    let mut a = account(1, Tier::Strategic, AccountStatus::Customer);
    a.signals.last_touch = Some(ago(41));
    let list = run(&inputs(vec![a]));
    let s = kinds(&list, SuggestionKind::KeepWarm);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].key, format!("keep-warm:u1:{}", ago(41)));
    assert_eq!(s[0].action, "Call Person 1 (champion)");
    assert_eq!(s[0].contact_id, Some(10));
    assert_eq!(s[0].reason, "no touch in 41 days; cadence for strategic is 14 days; 101k a year");
    assert_eq!(s[0].value, Money::from_units(101_000));
}

#[test]
fn touched_yesterday_or_standard_is_not_suggested_for_a_call() {
    let a = account(1, Tier::Strategic, AccountStatus::Customer);
    let mut b = account(2, Tier::Standard, AccountStatus::Customer);
    b.signals.last_touch = Some(ago(80));
    assert!(kinds(&run(&inputs(vec![a, b])), SuggestionKind::KeepWarm).is_empty());
}

#[test]
fn renewal_without_a_meeting_with_conflicts_or_lapsed() {
    let mut a = account(1, Tier::Key, AccountStatus::Customer);
    a.signals.renewal_date = Some(day(2026, 4, 24));
    let list = run(&inputs(vec![a.clone()]));
    let s = kinds(&list, SuggestionKind::Renewal);
    assert_eq!(s[0].action, "Book a renewal meeting");
    assert!(s[0].reason.starts_with("renewal in 45 days (2026-04-24); no meeting in 180 days"), "{}", s[0].reason);
    assert_eq!(s[0].key, "renewal:u1:2026-04-24");

    a.signals.last_meeting = Some(ago(3));
    assert!(kinds(&run(&inputs(vec![a.clone()])), SuggestionKind::Renewal).is_empty(), "a meeting is acting on it");

    a.signals.open_conflicts = vec![ConflictSignal { severity: Severity::High, breached: false }];
    let list = run(&inputs(vec![a.clone()]));
    assert!(kinds(&list, SuggestionKind::Renewal)[0].reason.contains("with 1 open conflict"));

    a.signals.open_conflicts.clear();
    a.signals.renewal_date = Some(ago(12));
    assert!(kinds(&run(&inputs(vec![a.clone()])), SuggestionKind::Renewal).is_empty(), "renewed: nothing open");
    a.signals.renewal_deal_open = true;
    let list = run(&inputs(vec![a]));
    let s = kinds(&list, SuggestionKind::Renewal);
    assert_eq!(s[0].action, "Close the lapsed renewal");
    assert!(s[0].reason.starts_with("renewal date 2026-02-26 passed 12 days ago"), "{}", s[0].reason);
}

fn conflict(id: i64, due_in_hours: i64, breached: bool, level: u8) -> ConflictFacts {
    ConflictFacts {
        id,
        uid: format!("c{id}"),
        account_id: 1,
        title: format!("Issue {id}"),
        severity: Severity::High,
        sla_due_at: today().and_hms_opt(9, 0, 0).unwrap() + chrono::TimeDelta::hours(due_in_hours),
        breached,
        paused: false,
        escalation_level: level,
    }
}

#[test]
fn conflicts_about_to_breach_or_breached_and_not_escalated() {
    let mut book = inputs(vec![account(1, Tier::Standard, AccountStatus::Customer)]);
    book.conflicts =
        vec![conflict(1, 5, false, 0), conflict(2, -30, true, 0), conflict(3, -30, true, 1), conflict(4, 72, false, 0)];
    let list = run(&book);
    let s = kinds(&list, SuggestionKind::Conflict);
    let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["conflict:c1:due", "conflict:c2:breached"], "escalated and far-off ones are not");
    assert_eq!(s[0].action, "Resolve \"Issue 1\"");
    assert!(s[0].reason.starts_with("high conflict breaches its SLA in 5h"), "{}", s[0].reason);
    assert!(s[1].reason.starts_with("high conflict breached its SLA 30h ago and is not escalated"), "{}", s[1].reason);
    assert_eq!(s[1].conflict_id, Some(2));
}

#[test]
fn stuck_deals_until_moved() {
    let mut a = account(1, Tier::Standard, AccountStatus::Customer);
    a.signals.open_deals = vec![DealSignal {
        id: 5,
        name: "Expansion".into(),
        stage: DealStage::Negotiation,
        amount: Money::from_units(30_000),
        stage_since: ago(60),
        expected_close: None,
    }];
    let list = run(&inputs(vec![a.clone()]));
    let s = kinds(&list, SuggestionKind::StuckDeal);
    assert_eq!(s[0].reason, "\"Expansion\" (30k) in negotiation for 60 days (stuck after 45)");
    assert_eq!((s[0].value, s[0].deal_id), (Money::from_units(30_000), Some(5)));
    a.signals.open_deals[0].stage_since = ago(0);
    assert!(kinds(&run(&inputs(vec![a])), SuggestionKind::StuckDeal).is_empty());
}

fn churned(id: i64, churned_days_ago: u64, wins: u32) -> AccountFacts {
    let mut a = account(id, Tier::Standard, AccountStatus::Churned);
    a.signals.last_touch = Some(ago(churned_days_ago + 10));
    a.churned_on = Some(ago(churned_days_ago));
    a.won_count = wins;
    a.won_total = Money::from_units(80_000);
    a
}

#[test]
fn win_back_a_good_customer_lost_long_enough_ago() {
    let list = run(&inputs(vec![churned(1, 300, 3)]));
    let s = kinds(&list, SuggestionKind::WinBack);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].value, Money::from_units(80_000));
    assert!(s[0].reason.starts_with("churned 300 days ago"), "{}", s[0].reason);
    assert!(s[0].reason.ends_with("after 3 won deals worth 80k"), "{}", s[0].reason);
}

#[test]
fn a_churned_account_lost_last_month_is_not_a_win_back_yet() {
    assert!(kinds(&run(&inputs(vec![churned(1, 30, 3)])), SuggestionKind::WinBack).is_empty());
    assert!(
        kinds(&run(&inputs(vec![churned(1, 300, 0)])), SuggestionKind::WinBack).is_empty(),
        "nothing won is no history"
    );
    let mut called = churned(1, 300, 3);
    called.signals.last_touch = Some(ago(5));
    assert!(kinds(&run(&inputs(vec![called])), SuggestionKind::WinBack).is_empty(), "a call since is the attempt");
}

#[test]
fn cross_sell_names_the_product_most_peers_bought() {
    let mut accounts = Vec::new();
    for id in 1..=6 {
        let mut a = account(id, Tier::Standard, AccountStatus::Customer);
        a.won_products = vec!["Analytics".into(), "Platform".into(), "Support".into()];
        accounts.push(a);
    }
    accounts[0].won_products = vec!["Platform".into()];
    accounts[1].won_products = vec!["Platform".into(), "Support".into(), "Training".into()];
    let list = run(&inputs(accounts.clone()));
    let s = kinds(&list, SuggestionKind::CrossSell);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].account_id, 1);
    assert_eq!(s[0].action, "Offer Support", "5 of 6 bought Support; Analytics 4 of 6");
    assert_eq!(s[0].key, "cross-sell:u1:Support");
    assert_eq!(s[0].reason, "buys 1 product; 5 of 6 mid-size Retail customers bought Support (they buy 3)");
    // A deal for it in the pipeline is acting on it: the next product comes up.
    accounts[0].open_products = vec!["Support".into()];
    let list = run(&inputs(accounts.clone()));
    assert_eq!(kinds(&list, SuggestionKind::CrossSell)[0].action, "Offer Analytics");
    // Too few peers say nothing.
    accounts.truncate(4);
    assert!(kinds(&run(&inputs(accounts)), SuggestionKind::CrossSell).is_empty());
}

fn person(id: i64, account_id: i64, name: &str, email: Option<&str>, role: ContactRole) -> PersonFacts {
    PersonFacts {
        id,
        uid: format!("p{id}"),
        account_id,
        name: name.into(),
        email: email.map(str::to_string),
        role,
        touched_90d: false,
    }
}

#[test]
fn network_a_champion_who_moved_by_email_or_by_name() {
    let mut book = inputs(vec![
        account(1, Tier::Key, AccountStatus::Customer),
        account(2, Tier::Standard, AccountStatus::Prospect),
        account(3, Tier::Standard, AccountStatus::Prospect),
    ]);
    book.people = vec![
        person(10, 1, "Mara Lind", Some("mara@old.example"), ContactRole::Champion),
        person(20, 2, "Mara  Lind", None, ContactRole::Other),
        person(11, 1, "Tom Berg", Some("tom@x.example"), ContactRole::DecisionMaker),
        person(30, 3, "Thomas Berg", Some("TOM@x.example"), ContactRole::User),
    ];
    let list = run(&book);
    let s = kinds(&list, SuggestionKind::Network);
    let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let mara = s.iter().find(|s| s.key == "network:p20").unwrap();
    assert_eq!(mara.account_id, 2);
    assert_eq!(mara.contact_id, Some(20));
    assert_eq!(mara.reason, "Mara  Lind was champion at Account 1 (101k a year) and is now at Account 2 (same name)");
    assert!(s.iter().any(|s| s.key == "network:p30" && s.reason.ends_with("(same e-mail)")));
}

#[test]
fn a_contact_who_merely_shares_a_surname_is_not_the_same_person() {
    let mut book = inputs(vec![
        account(1, Tier::Key, AccountStatus::Customer),
        account(2, Tier::Standard, AccountStatus::Prospect),
    ]);
    book.people = vec![
        person(10, 1, "Mara Lind", None, ContactRole::Champion),
        person(20, 2, "Erik Lind", None, ContactRole::Other),
        // The same full name, but the one at the first account was no sponsor.
        person(11, 1, "Ann Roe", Some("ann@a.example"), ContactRole::User),
        person(21, 2, "Ann Roe", Some("ann.roe@b.example"), ContactRole::Other),
        // A name shared by many is not evidence of one person moving.
        person(13, 1, "Jan Berg", None, ContactRole::Champion),
        person(23, 2, "Jan Berg", None, ContactRole::Other),
        person(33, 2, "Jan Berg", None, ContactRole::User),
        person(43, 1, "Jan Berg", None, ContactRole::User),
        // A single word is not a name to match on.
        person(12, 1, "Kim", None, ContactRole::Champion),
        person(22, 2, "Kim", None, ContactRole::Other),
    ];
    assert!(kinds(&run(&book), SuggestionKind::Network).is_empty());
}

#[test]
fn network_a_customers_relative_that_is_not_a_customer() {
    let parent = account(1, Tier::Key, AccountStatus::Customer);
    let mut child = account(2, Tier::Standard, AccountStatus::Prospect);
    child.parent_id = Some(1);
    let list = run(&inputs(vec![parent.clone(), child.clone()]));
    let s = kinds(&list, SuggestionKind::Network);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].key, "network:u2:family");
    assert_eq!(s[0].reason, "its parent Account 1 is a customer (101k a year); Account 2 is not yet");
    // And the other way round: a prospect parent of a customer.
    let mut up = account(3, Tier::Standard, AccountStatus::Prospect);
    up.in_scope = true;
    let mut sub = account(4, Tier::Standard, AccountStatus::Customer);
    sub.parent_id = Some(3);
    let list = run(&inputs(vec![up, sub]));
    assert!(kinds(&list, SuggestionKind::Network)[0].reason.starts_with("its subsidiary Account 4"));
}

#[test]
fn coach_a_rep_behind_pace_with_thin_pipeline() {
    let mut book = inputs(vec![]);
    let rep = |id: i64, won: i64, pipeline: i64| RepFacts {
        id,
        uid: format!("r{id}"),
        name: format!("Rep {id}"),
        period: "2026Q1".into(),
        target: Money::from_units(100_000),
        won: Money::from_units(won),
        expected_by_today: Money::from_units(75_000),
        pipeline: Money::from_units(pipeline),
    };
    book.reps = vec![rep(1, 30_000, 50_000), rep(2, 30_000, 200_000), rep(3, 80_000, 0)];
    let list = run(&book);
    let s = kinds(&list, SuggestionKind::Coach);
    assert_eq!(s.len(), 1, "enough pipeline, or on pace: no coaching");
    assert_eq!(s[0].rep_id, Some(1));
    assert_eq!(s[0].value, Money::from_units(70_000));
    assert!(s[0].reason.contains("covers 0.7x of the 70k gap"), "{}", s[0].reason);
}

#[test]
fn accounts_out_of_scope_get_no_suggestions() {
    let mut a = account(1, Tier::Strategic, AccountStatus::Customer);
    a.signals.last_touch = None;
    a.in_scope = false;
    assert!(run(&inputs(vec![a])).is_empty());
}

prop_compose! {
    fn any_account(id: i64)(
        tier in 0..3usize, status in 0..3usize, touch in proptest::option::of(0u64..400),
        renewal in proptest::option::of(-60i64..120), value in 0i64..1_000_000,
        stuck in proptest::option::of(0u64..200), wins in 0u32..4, churn in 0u64..900,
        product in proptest::option::of(0..3usize), renewal_open in any::<bool>(),
    ) -> AccountFacts {
        let mut a = account(id, Tier::ALL[tier], AccountStatus::ALL[status]);
        a.signals.last_touch = touch.map(ago);
        a.signals.renewal_date = renewal.map(|d| today() + chrono::TimeDelta::days(d));
        a.signals.renewal_deal_open = renewal_open;
        a.annual_value = Money::from_units(value);
        if let Some(s) = stuck {
            a.signals.open_deals.push(DealSignal {
                id: id * 100, name: format!("Deal {id}"), stage: DealStage::Qualified,
                amount: Money::from_units(value / 3), stage_since: ago(s), expected_close: None,
            });
        }
        a.won_count = wins;
        a.won_total = Money::from_units(value * i64::from(wins));
        a.churned_on = Some(ago(churn));
        a.won_products = ["Platform", "Support", "Analytics"].iter().take(product.unwrap_or(0) + 1).map(|p| p.to_string()).collect();
        a
    }
}

proptest! {
    #[test]
    fn ranking_is_stable_and_every_suggestion_has_a_reason_and_a_value(
        accounts in (1..25i64).prop_flat_map(|n| (1..=n).map(any_account).collect::<Vec<_>>()),
        shift in 0usize..25,
    ) {
        let book = inputs(accounts.clone());
        let list = run(&book);
        for s in &list {
            prop_assert!(!s.reason.trim().is_empty(), "{s:?}");
            prop_assert!(!s.action.trim().is_empty(), "{s:?}");
            prop_assert!(s.value >= Money::ZERO, "{s:?}");
            prop_assert!(s.key.starts_with(s.kind.key_prefix()), "{s:?}");
        }
        for w in list.windows(2) {
            prop_assert!(w[0].value > w[1].value || (w[0].value == w[1].value && w[0].key < w[1].key), "{w:?}");
        }
        // The order rows come in changes nothing.
        let mut rotated = accounts;
        let n = rotated.len();
        rotated.rotate_left(shift % n);
        prop_assert_eq!(run(&inputs(rotated)), list);
    }
}
