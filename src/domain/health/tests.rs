use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 3, 10);

fn today() -> NaiveDate {
    day(TODAY.0, TODAY.1, TODAY.2)
}

/// A customer that fires no signal: touched yesterday, a champion, a deal moving.
fn quiet(tier: Tier) -> AccountSignals {
    let mut s = AccountSignals::new(1, tier, AccountStatus::Customer);
    s.last_touch = Some(today() - chrono::Days::new(1));
    s.contacts = 2;
    s.has_sponsor = true;
    s.won_365d = 1;
    s
}

fn only(h: &Health, signal: &str) -> Reason {
    let found: Vec<&Reason> = h.reasons.iter().filter(|r| r.signal == signal).collect();
    assert_eq!(found.len(), 1, "{signal} in {:?}", h.reasons);
    found[0].clone()
}

fn score_of(s: &AccountSignals) -> Health {
    score(s, &HealthConfig::default(), today())
}

#[test]
fn a_quiet_account_is_healthy_with_no_reasons() {
    let h = score_of(&quiet(Tier::Strategic));
    assert_eq!(h, Health { score: 100, band: Band::Healthy, reasons: vec![] });
    assert_eq!(h.short(), "● 100");
}

#[test]
fn cadence_past_twice_takes_the_full_weight_and_says_the_numbers() {
    let mut s = quiet(Tier::Strategic);
    s.last_touch = Some(today() - chrono::Days::new(41));
    let h = score_of(&s);
    let r = only(&h, "cadence");
    assert_eq!(r.text(), "no touch in 41 days; cadence for strategic is 14 days: −25");
    assert_eq!(h.score, 75);
}

#[test]
fn cadence_past_once_takes_half_and_within_it_nothing() {
    let mut s = quiet(Tier::Key);
    s.last_touch = Some(today() - chrono::Days::new(31));
    assert_eq!(only(&score_of(&s), "cadence").points, -13);
    s.last_touch = Some(today() - chrono::Days::new(30));
    assert!(score_of(&s).reasons.is_empty(), "on the cadence day itself it still holds");
    s.last_touch = None;
    assert_eq!(only(&score_of(&s), "cadence").fact, "never touched; cadence for key is 30 days");
    s.status = AccountStatus::Churned;
    assert!(score_of(&s).reasons.iter().all(|r| r.signal != "cadence"), "a churned account has no cadence");
}

#[test]
fn conflicts_weigh_by_severity_and_breach() {
    let mut s = quiet(Tier::Standard);
    s.open_conflicts = vec![
        ConflictSignal { severity: Severity::Critical, breached: true },
        ConflictSignal { severity: Severity::Low, breached: false },
    ];
    let r = only(&score_of(&s), "conflicts");
    assert_eq!(r.text(), "2 open conflicts: 1 critical (1 breached), 1 low: −33");
    s.open_conflicts.truncate(1);
    s.open_conflicts[0].breached = false;
    assert_eq!(only(&score_of(&s), "conflicts").points, -20, "a breach weighs 10 more");
}

#[test]
fn conflicts_of_the_last_90_days_count_up_to_three() {
    let mut s = quiet(Tier::Standard);
    s.conflicts_90d = 5;
    let r = only(&score_of(&s), "recent conflicts");
    assert_eq!(r.text(), "5 conflicts opened in the last 90 days: −6");
}

#[test]
fn renewal_within_90_days_without_a_recent_meeting() {
    let mut s = quiet(Tier::Key);
    s.renewal_date = Some(day(2026, 4, 24));
    s.last_meeting = Some(day(2026, 1, 5));
    let r = only(&score_of(&s), "renewal");
    assert_eq!(r.text(), "renewal in 45 days (2026-04-24); no meeting in the last 30 days: −15");
    s.last_meeting = Some(day(2026, 2, 20));
    assert!(score_of(&s).reasons.is_empty(), "a meeting 18 days ago covers it");
    s.last_meeting = None;
    s.renewal_date = Some(day(2026, 6, 9));
    assert!(score_of(&s).reasons.is_empty(), "91 days out is not yet");
}

#[test]
fn a_lapsed_renewal_is_a_passed_date_with_the_renewal_deal_open() {
    let mut s = quiet(Tier::Key);
    s.renewal_date = Some(day(2026, 2, 28));
    assert!(score_of(&s).reasons.is_empty(), "renewed (no open renewal deal): nothing");
    s.renewal_deal_open = true;
    let r = only(&score_of(&s), "renewal");
    assert_eq!(r.text(), "renewal lapsed 10 days ago (2026-02-28) with the renewal deal still open: −35");
}

fn deal(since: NaiveDate, close: Option<NaiveDate>) -> DealSignal {
    DealSignal {
        id: 7,
        name: "Platform upgrade".into(),
        stage: DealStage::Proposal,
        amount: Money::from_units(40_000),
        stage_since: since,
        expected_close: close,
    }
}

#[test]
fn deals_stuck_in_their_stage_or_past_their_close() {
    let mut s = quiet(Tier::Standard);
    s.open_deals = vec![deal(day(2025, 12, 1), None)];
    let r = only(&score_of(&s), "stuck deals");
    assert_eq!(r.text(), "1 deal stuck: \"Platform upgrade\" in proposal for 99 days (stuck after 45): −5");
    s.open_deals = vec![deal(day(2026, 2, 1), Some(day(2026, 3, 1)))];
    let r = only(&score_of(&s), "stuck deals");
    assert!(r.fact.ends_with("9 days past its expected close on 2026-03-01"), "{}", r.fact);
    // Moved after its expected close: acted on, no longer stuck.
    s.open_deals = vec![deal(day(2026, 3, 5), Some(day(2026, 3, 1)))];
    assert!(score_of(&s).reasons.is_empty());
}

#[test]
fn recent_losses_and_no_pipeline() {
    let mut s = quiet(Tier::Standard);
    s.lost_90d = (3, Money::from_units(90_000));
    assert_eq!(only(&score_of(&s), "lost deals").points, -10, "at most two counted");
    let mut s = quiet(Tier::Standard);
    s.won_365d = 0;
    assert_eq!(only(&score_of(&s), "pipeline").text(), "no open deal and nothing won in the last 365 days: −5");
    s.status = AccountStatus::Prospect;
    assert!(score_of(&s).reasons.is_empty(), "a prospect has nothing to lose yet");
}

#[test]
fn the_activity_trend_compares_the_last_two_quarters() {
    let mut s = quiet(Tier::Standard);
    s.activities_before = 12;
    s.activities_recent = 4;
    assert_eq!(
        only(&score_of(&s), "activity trend").text(),
        "activity down from 12 to 4 (the 90 days before against the last 90): −10"
    );
    s.activities_recent = 6;
    assert!(score_of(&s).reasons.is_empty(), "half is not a drop");
    s.activities_before = 3;
    s.activities_recent = 0;
    assert!(score_of(&s).reasons.is_empty(), "too few to call a trend");
}

#[test]
fn role_coverage_wants_a_decision_maker_or_champion() {
    let mut s = quiet(Tier::Standard);
    s.has_sponsor = false;
    assert_eq!(only(&score_of(&s), "role coverage").fact, "no decision maker or champion among 2 contacts");
    s.contacts = 0;
    assert_eq!(only(&score_of(&s), "role coverage").fact, "no contacts, so no decision maker or champion");
}

#[test]
fn bands_follow_the_thresholds_and_the_score_stays_in_range() {
    let cfg = HealthConfig::default();
    assert_eq!(cfg.band(70), Band::Healthy);
    assert_eq!(cfg.band(69), Band::Watch);
    assert_eq!(cfg.band(40), Band::Watch);
    assert_eq!(cfg.band(39), Band::AtRisk);
    let mut s = quiet(Tier::Strategic);
    s.last_touch = None;
    s.has_sponsor = false;
    s.renewal_date = Some(day(2026, 3, 1));
    s.renewal_deal_open = true;
    s.open_conflicts = vec![ConflictSignal { severity: Severity::Critical, breached: true }; 3];
    let h = score_of(&s);
    assert_eq!(h.score, 0);
    assert_eq!(h.band, Band::AtRisk);
    assert_eq!(h.reasons[0].signal, "conflicts", "the heaviest first");
    let marks: std::collections::BTreeSet<&str> = Band::ALL.iter().map(|b| b.symbol()).collect();
    assert_eq!(marks.len(), 3, "each band reads apart without colour");
}

#[test]
fn config_ranges_are_checked() {
    let mut cfg = HealthConfig::default();
    assert_eq!(cfg.check(), Ok(()));
    cfg.weights.set("cadence", 101);
    assert_eq!(cfg.check().unwrap_err(), "weights.cadence = 101 is out of range; expected 0 to 100");
    let mut cfg = HealthConfig { watch_from: 80, ..HealthConfig::default() };
    assert!(cfg.check().unwrap_err().contains("expected watch < healthy"));
    cfg.watch_from = 40;
    cfg.cadence.set(Tier::Key, 0);
    assert!(cfg.check().unwrap_err().starts_with("cadence.key = 0 days"));
    assert!(!cfg.weights.set("charm", 5));
}
