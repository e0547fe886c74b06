//! The numbers an account manager is judged on, as pure functions over plain
//! rows the store reads: won revenue, win rate, sales cycle, pipeline,
//! forecast categories, attainment against target and conflict SLAs.
//!
//! Money stays in integer cents; ratios are computed from integers at the
//! end and are `None` when their denominator is zero, so no figure is ever
//! NaN or a division by zero. `today` and `now` are passed in.

use super::{ConflictStatus, DealStage, FiscalCalendar, ForecastCategory, Money, Period, Severity};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// A deal as the metrics read it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DealFact {
    pub id: i64,
    pub owner_id: Option<i64>,
    pub account_id: i64,
    pub account: String,
    pub sector: Option<String>,
    pub product: Option<String>,
    pub name: String,
    pub stage: DealStage,
    pub amount: Money,
    pub probability: u8,
    pub forecast_category: Option<ForecastCategory>,
    pub opened_on: Option<NaiveDate>,
    pub expected_close: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

impl DealFact {
    /// The category the forecast counts it in (stage map, then the override).
    pub fn category(&self) -> ForecastCategory {
        ForecastCategory::effective(self.stage, self.forecast_category)
    }

    /// Still to be won or lost, and not left out of the forecast.
    pub fn in_pipeline(&self) -> bool {
        !self.stage.is_closed() && self.category() != ForecastCategory::Omitted
    }

    /// Amount × probability, in cents (not yet divided by 100).
    fn weighted_x100(&self) -> i128 {
        i128::from(self.amount.cents()) * i128::from(self.probability.min(100))
    }
}

/// A half-open range of days, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Span {
    pub fn of(period: Period, cal: FiscalCalendar) -> Span {
        Span { start: period.start(cal), end: period.end(cal) }
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        self.start <= d && d < self.end
    }

    fn contains_moment(self, t: NaiveDateTime) -> bool {
        self.contains(t.date())
    }
}

/// `num / den` as a percentage, or `None` when there is nothing to divide by.
pub fn percent(num: i128, den: i128) -> Option<f64> {
    (den > 0).then(|| num as f64 * 100.0 / den as f64)
}

/// The median of whole numbers (the mean of the middle two for an even count).
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[mid] as f64 } else { (values[mid - 1] as f64 + values[mid] as f64) / 2.0 })
}

/// What the deals of one period add up to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DealMetrics {
    /// Won with `closed_on` in the period.
    pub won: Money,
    pub won_count: u32,
    pub lost: Money,
    pub lost_count: u32,
    /// Median days from opening to close of the deals won.
    pub cycle_days: Option<f64>,
    /// Open deals (not omitted) expected to close in the period.
    pub pipeline: Money,
    pub pipeline_count: u32,
    /// Σ amount × probability over the pipeline.
    pub weighted: Money,
    /// The pipeline in the commit category.
    pub commit_open: Money,
    /// The pipeline in the best-case category.
    pub best_case_open: Money,
}

impl DealMetrics {
    pub fn average(&self) -> Option<Money> {
        (self.won_count > 0).then(|| Money(self.won.cents() / i64::from(self.won_count)))
    }

    /// Won ÷ (won + lost), by count, in percent.
    pub fn win_rate_count(&self) -> Option<f64> {
        percent(i128::from(self.won_count), i128::from(self.won_count + self.lost_count))
    }

    /// Won ÷ (won + lost), by value, in percent.
    pub fn win_rate_value(&self) -> Option<f64> {
        percent(i128::from(self.won.cents()), i128::from(self.won.cents()) + i128::from(self.lost.cents()))
    }

    /// Closed = won in the period.
    pub fn closed(&self) -> Money {
        self.won
    }

    /// Closed + commit.
    pub fn commit(&self) -> Money {
        self.won + self.commit_open
    }

    /// Closed + commit + best case.
    pub fn best_case(&self) -> Money {
        self.commit() + self.best_case_open
    }

    /// Closed + the weighted value of the rest: the default headline.
    pub fn forecast(&self) -> Money {
        self.won + self.weighted
    }
}

/// The deal metrics of `span` over `deals` (rows outside the span are ignored).
pub fn deal_metrics<'a>(deals: impl IntoIterator<Item = &'a DealFact>, span: Span) -> DealMetrics {
    let mut m = DealMetrics::default();
    let mut cycles = Vec::new();
    let mut weighted_x100: i128 = 0;
    for d in deals {
        match (d.stage, d.closed_on) {
            (DealStage::Won, Some(c)) if span.contains(c) => {
                m.won += d.amount;
                m.won_count += 1;
                if let Some(o) = d.opened_on {
                    cycles.push((c - o).num_days().max(0));
                }
            }
            (DealStage::Lost, Some(c)) if span.contains(c) => {
                m.lost += d.amount;
                m.lost_count += 1;
            }
            _ if d.in_pipeline() && d.expected_close.is_some_and(|e| span.contains(e)) => {
                m.pipeline += d.amount;
                m.pipeline_count += 1;
                weighted_x100 += d.weighted_x100();
                match d.category() {
                    ForecastCategory::Commit => m.commit_open += d.amount,
                    ForecastCategory::BestCase => m.best_case_open += d.amount,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    // Summed before dividing, so many small deals do not each lose a fraction of a cent.
    m.weighted = Money(i64::try_from(weighted_x100 / 100).unwrap_or(i64::MAX));
    m.cycle_days = median(&mut cycles);
    m
}

/// Where today stands against a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    Future,
    Current,
    Closed,
}

impl PeriodState {
    pub fn of(span: Span, today: NaiveDate) -> PeriodState {
        if today < span.start {
            PeriodState::Future
        } else if today >= span.end {
            PeriodState::Closed
        } else {
            PeriodState::Current
        }
    }
}

/// Pipeline against what is still needed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Coverage {
    /// No target (or a zero one) to measure against.
    NoTarget,
    /// Nothing left to win: the target is reached.
    Covered,
    /// Pipeline ÷ gap (1.0 = exactly enough).
    Ratio(f64),
}

impl Coverage {
    pub fn text(self) -> String {
        match self {
            Coverage::NoTarget => "no target".into(),
            Coverage::Covered => "covered".into(),
            Coverage::Ratio(r) => format!("{r:.1}x"),
        }
    }
}

/// Won against a target in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Pace {
    pub target: Option<Money>,
    pub won: Money,
    /// Won ÷ target, in percent.
    pub attainment: Option<f64>,
    /// Target × share of the period elapsed (all of it once the period is over).
    pub expected_by_today: Option<Money>,
    pub on_pace: Option<bool>,
    /// Target − won (negative when ahead).
    pub gap: Option<Money>,
    pub coverage: Coverage,
    pub state: PeriodState,
}

/// Attainment, expected by today, gap and coverage. A target of zero counts
/// as no target, since nothing can be measured against it.
pub fn pace(
    target: Option<Money>,
    won: Money,
    pipeline: Money,
    period: Period,
    cal: FiscalCalendar,
    today: NaiveDate,
) -> Pace {
    let state = PeriodState::of(Span::of(period, cal), today);
    let Some(t) = target.filter(|t| t.cents() > 0) else {
        return Pace {
            target,
            won,
            attainment: None,
            expected_by_today: None,
            on_pace: None,
            gap: None,
            coverage: Coverage::NoTarget,
            state,
        };
    };
    let (elapsed, total) = period.fraction_elapsed(cal, today);
    let expected = t.checked_mul_div(elapsed, total).unwrap_or(t);
    let gap = t - won;
    let coverage = if gap.cents() <= 0 {
        Coverage::Covered
    } else {
        Coverage::Ratio(pipeline.cents() as f64 / gap.cents() as f64)
    };
    Pace {
        target,
        won,
        attainment: percent(i128::from(won.cents()), i128::from(t.cents())),
        expected_by_today: Some(expected),
        on_pace: Some(won >= expected),
        gap: Some(gap),
        coverage,
        state,
    }
}

/// A conflict as the metrics read it (times in UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictFact {
    pub id: i64,
    pub owner_id: Option<i64>,
    pub severity: Severity,
    pub status: ConflictStatus,
    pub opened_at: NaiveDateTime,
    pub sla_due_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    /// Since when an unresolved conflict waits on the customer, its clock standing still.
    pub paused_since: Option<NaiveDateTime>,
}

impl ConflictFact {
    /// Past its SLA: resolved late, or still open after the deadline (a
    /// waiting conflict only if it was late when the clock stopped).
    pub fn breached(&self, now: NaiveDateTime) -> bool {
        let end = self.resolved_at.or(self.paused_since).unwrap_or(now);
        end > self.sla_due_at
    }
}

/// Conflicts in one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConflictMetrics {
    /// Opened in the period.
    pub opened: u32,
    /// Resolved in the period.
    pub resolved: u32,
    /// Of those resolved, how many by their SLA deadline.
    pub resolved_in_sla: u32,
    /// Whose SLA deadline fell in the period and was missed (by `now`).
    pub breached: u32,
    /// Median hours from opening to resolution, of those resolved in the period.
    pub median_hours_to_resolve: Option<f64>,
}

impl ConflictMetrics {
    /// Resolved within the SLA ÷ resolved, in percent.
    pub fn sla_met(&self) -> Option<f64> {
        percent(i128::from(self.resolved_in_sla), i128::from(self.resolved))
    }
}

pub fn conflict_metrics<'a>(
    conflicts: impl IntoIterator<Item = &'a ConflictFact>,
    span: Span,
    now: NaiveDateTime,
) -> ConflictMetrics {
    let mut m = ConflictMetrics::default();
    let mut hours = Vec::new();
    for c in conflicts {
        if span.contains_moment(c.opened_at) {
            m.opened += 1;
        }
        if let Some(r) = c.resolved_at.filter(|r| span.contains_moment(*r)) {
            m.resolved += 1;
            if r <= c.sla_due_at {
                m.resolved_in_sla += 1;
            }
            hours.push((r - c.opened_at).num_minutes().max(0));
        }
        if span.contains_moment(c.sla_due_at) && c.sla_due_at < now && c.breached(now) {
            m.breached += 1;
        }
    }
    // Minutes to hours after the median, so half hours are not lost.
    m.median_hours_to_resolve = median(&mut hours).map(|min| min / 60.0);
    m
}

/// `root` and everyone reporting to them, directly or not, from
/// `(rep, manager)` pairs. A loop in the data ends the walk instead of hanging.
pub fn team_of(reps: &[(i64, Option<i64>)], root: i64) -> Vec<i64> {
    let mut team = vec![root];
    let mut i = 0;
    while i < team.len() {
        let boss = team[i];
        for &(id, manager) in reps {
            if manager == Some(boss) && !team.contains(&id) {
                team.push(id);
            }
        }
        i += 1;
    }
    team
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    fn cal(m: u32) -> FiscalCalendar {
        FiscalCalendar::new(m).unwrap()
    }

    fn units(n: i64) -> Money {
        Money::from_units(n)
    }

    fn closed(id: i64, stage: DealStage, amount: i64, opened: NaiveDate, closed: NaiveDate) -> DealFact {
        DealFact {
            id,
            owner_id: Some(1),
            stage,
            amount: units(amount),
            probability: stage.default_probability(),
            opened_on: Some(opened),
            closed_on: Some(closed),
            ..DealFact::default()
        }
    }

    fn open(
        id: i64,
        stage: DealStage,
        amount: i64,
        close: Option<NaiveDate>,
        over: Option<ForecastCategory>,
    ) -> DealFact {
        DealFact {
            id,
            owner_id: Some(2),
            stage,
            amount: units(amount),
            probability: stage.default_probability(),
            forecast_category: over,
            opened_on: Some(d(2026, 5, 1)),
            expected_close: close,
            ..DealFact::default()
        }
    }

    /// Thirteen deals around 2026Q3 (Jul–Sep with a January fiscal year).
    fn book() -> Vec<DealFact> {
        use DealStage::*;
        use ForecastCategory as F;
        vec![
            closed(1, Won, 10_000, d(2026, 6, 15), d(2026, 7, 15)),
            // The last day of the quarter is in the quarter.
            closed(2, Won, 20_000, d(2026, 8, 1), d(2026, 9, 30)),
            closed(3, Won, 5_000, d(2026, 9, 1), d(2026, 10, 1)),
            closed(4, Won, 7_500, d(2026, 6, 1), d(2026, 6, 30)),
            closed(5, Lost, 15_000, d(2026, 5, 10), d(2026, 8, 10)),
            closed(6, Lost, 2_000, d(2026, 8, 1), d(2026, 9, 1)),
            open(7, Negotiation, 8_000, Some(d(2026, 9, 20)), None),
            open(8, Proposal, 12_000, Some(d(2026, 8, 31)), None),
            open(9, Qualified, 4_000, Some(d(2026, 9, 10)), None),
            // Overridden up: a prospect the rep commits to.
            open(10, Prospecting, 6_000, Some(d(2026, 7, 31)), Some(F::Commit)),
            // Overridden out: a negotiation the rep no longer counts on.
            open(11, Negotiation, 9_000, Some(d(2026, 9, 15)), Some(F::Omitted)),
            open(12, Proposal, 3_000, Some(d(2026, 10, 15)), None),
            open(13, Qualified, 1_000, None, None),
        ]
    }

    #[test]
    fn a_quarter_by_hand() {
        let m = deal_metrics(&book(), Span::of(Period::Quarter(2026, 3), cal(1)));
        assert_eq!((m.won, m.won_count), (units(30_000), 2));
        assert_eq!(m.average(), Some(units(15_000)));
        assert_eq!((m.lost, m.lost_count), (units(17_000), 2));
        assert_eq!(m.win_rate_count(), Some(50.0));
        // 30,000 of 47,000.
        assert!((m.win_rate_value().unwrap() - 63.829_787).abs() < 1e-4);
        // 30 and 60 days.
        assert_eq!(m.cycle_days, Some(45.0));
        // Deals 7, 8, 9 and 10; 11 is omitted, 12 closes later, 13 has no date.
        assert_eq!((m.pipeline, m.pipeline_count), (units(30_000), 4));
        // 8,000×75% + 12,000×50% + 4,000×25% + 6,000×10%.
        assert_eq!(m.weighted, units(13_600));
        assert_eq!(m.closed(), units(30_000));
        // + 8,000 (negotiation) + 6,000 (prospect overridden to commit).
        assert_eq!(m.commit(), units(44_000));
        // + 12,000 (proposal).
        assert_eq!(m.best_case(), units(56_000));
        assert_eq!(m.forecast(), units(43_600));
    }

    #[test]
    fn the_override_moves_a_deal_between_categories() {
        let span = Span::of(Period::Quarter(2026, 3), cal(1));
        let mut deals = book();
        deals[9].forecast_category = None;
        let m = deal_metrics(&deals, span);
        assert_eq!(m.commit(), units(38_000), "without the override the prospect is only pipeline");
        deals[10].forecast_category = None;
        let m = deal_metrics(&deals, span);
        assert_eq!((m.commit(), m.pipeline), (units(47_000), units(39_000)), "no longer omitted: counted again");
    }

    #[test]
    fn a_fiscal_year_starting_in_april() {
        let april = cal(4);
        // Q2 of FY2027 is Jul–Sep 2026: the same deals as calendar Q3.
        let q = deal_metrics(&book(), Span::of(Period::Quarter(2027, 2), april));
        assert_eq!(q, deal_metrics(&book(), Span::of(Period::Quarter(2026, 3), cal(1))));
        // FY2027 runs 2026-04-01..2027-04-01: deals 1–4 won.
        let y = deal_metrics(&book(), Span::of(Period::Year(2027), april));
        assert_eq!((y.won, y.won_count), (units(42_500), 4));
        // FY2026 ended on 2026-03-31, before any of it.
        let before = deal_metrics(&book(), Span::of(Period::Year(2026), april));
        assert_eq!(before, DealMetrics::default());
        // The quarter that holds the last day of June is Q1.
        assert!(Span::of(Period::Quarter(2027, 1), april).contains(d(2026, 6, 30)));
    }

    #[test]
    fn a_period_with_no_deals_is_zeros_and_no_target() {
        let period = Period::Quarter(2027, 1);
        let m = deal_metrics(&book(), Span::of(period, cal(1)));
        assert_eq!(m, DealMetrics::default());
        assert_eq!((m.average(), m.win_rate_count(), m.win_rate_value(), m.cycle_days), (None, None, None, None));
        assert_eq!((m.commit(), m.best_case(), m.forecast()), (Money::ZERO, Money::ZERO, Money::ZERO));
        let p = pace(None, m.won, m.pipeline, period, cal(1), d(2027, 2, 1));
        assert_eq!((p.attainment, p.expected_by_today, p.on_pace, p.gap), (None, None, None, None));
        assert_eq!(p.coverage.text(), "no target");
        // A zero target is no target either: nothing to divide by.
        let p = pace(Some(Money::ZERO), m.won, m.pipeline, period, cal(1), d(2027, 2, 1));
        assert_eq!((p.attainment, p.coverage), (None, Coverage::NoTarget));
    }

    #[test]
    fn pace_expected_by_today_gap_and_coverage() {
        let q3 = Period::Quarter(2026, 3);
        let m = deal_metrics(&book(), Span::of(q3, cal(1)));
        // 15 August: day 46 of 92.
        let p = pace(Some(units(80_000)), m.won, m.pipeline, q3, cal(1), d(2026, 8, 15));
        assert_eq!(p.expected_by_today, Some(units(40_000)));
        assert_eq!(p.attainment, Some(37.5));
        assert_eq!(p.on_pace, Some(false));
        assert_eq!(p.gap, Some(units(50_000)));
        assert_eq!(p.coverage, Coverage::Ratio(0.6));
        assert_eq!(p.coverage.text(), "0.6x");
        assert_eq!(p.state, PeriodState::Current);
        // Early in the quarter the same won is ahead.
        let early = pace(Some(units(80_000)), m.won, m.pipeline, q3, cal(1), d(2026, 7, 10));
        assert_eq!((early.expected_by_today, early.on_pace), (Some(Money(869_565)), Some(true)));
        // Over target: covered, and a closed period expects all of it.
        let done = pace(Some(units(25_000)), m.won, m.pipeline, q3, cal(1), d(2026, 11, 1));
        assert_eq!(
            (done.coverage, done.gap, done.state),
            (Coverage::Covered, Some(units(-5_000)), PeriodState::Closed)
        );
        assert_eq!((done.expected_by_today, done.attainment), (Some(units(25_000)), Some(120.0)));
        assert_eq!(pace(None, m.won, m.pipeline, q3, cal(1), d(2026, 6, 1)).state, PeriodState::Future);
    }

    #[test]
    fn a_rep_with_no_target_still_has_won_and_pipeline() {
        let q3 = Span::of(Period::Quarter(2026, 3), cal(1));
        let deals = book();
        let m = deal_metrics(deals.iter().filter(|d| d.owner_id == Some(2)), q3);
        assert_eq!((m.won, m.pipeline), (Money::ZERO, units(30_000)));
        let p = pace(None, m.won, m.pipeline, Period::Quarter(2026, 3), cal(1), d(2026, 8, 15));
        assert_eq!((p.target, p.attainment, p.gap, p.coverage), (None, None, None, Coverage::NoTarget));
    }

    #[test]
    fn conflicts_by_hand() {
        use ConflictStatus::*;
        let c = |id, sev, status, opened, due, resolved| ConflictFact {
            id,
            owner_id: None,
            severity: sev,
            status,
            opened_at: opened,
            sla_due_at: due,
            resolved_at: resolved,
            paused_since: None,
        };
        let list = vec![
            // Critical, resolved in 6 hours: within its 8.
            c(1, Severity::Critical, Resolved, t(2026, 7, 1, 9, 0), t(2026, 7, 1, 17, 0), Some(t(2026, 7, 1, 15, 0))),
            // High, resolved a day late after 72 hours.
            c(2, Severity::High, Resolved, t(2026, 7, 10, 10, 0), t(2026, 7, 12, 10, 0), Some(t(2026, 7, 13, 10, 0))),
            // Opened at the end of the quarter, due (and breached) in the next.
            c(3, Severity::Normal, Open, t(2026, 9, 29, 12, 0), t(2026, 10, 4, 12, 0), None),
            // Opened and breached last quarter, resolved this one after 288 hours.
            c(4, Severity::Normal, Resolved, t(2026, 6, 20, 0, 0), t(2026, 6, 25, 0, 0), Some(t(2026, 7, 2, 0, 0))),
            // Due at 23:30 UTC on the last day of the quarter, still open.
            c(5, Severity::Low, Waiting, t(2026, 9, 20, 23, 30), t(2026, 9, 30, 23, 30), None),
        ];
        let now = t(2026, 10, 10, 12, 0);
        let m = conflict_metrics(&list, Span::of(Period::Quarter(2026, 3), cal(1)), now);
        assert_eq!((m.opened, m.resolved, m.resolved_in_sla), (4, 3, 1));
        assert!((m.sla_met().unwrap() - 33.333).abs() < 0.01);
        assert_eq!(m.median_hours_to_resolve, Some(72.0));
        assert_eq!(m.breached, 2, "conflicts 2 and 5");
        let q4 = conflict_metrics(&list, Span::of(Period::Quarter(2026, 4), cal(1)), now);
        assert_eq!((q4.opened, q4.resolved, q4.breached, q4.sla_met()), (0, 0, 1, None));
        let empty = conflict_metrics(&[], Span::of(Period::Quarter(2026, 4), cal(1)), now);
        assert_eq!((empty.sla_met(), empty.median_hours_to_resolve), (None, None));
    }

    #[test]
    fn a_team_is_everyone_below_its_lead() {
        let reps = [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2)), (5, Some(4)), (6, None), (7, Some(7))];
        let mut team = team_of(&reps, 2);
        team.sort();
        assert_eq!(team, vec![2, 4, 5]);
        assert_eq!(team_of(&reps, 1).len(), 5);
        assert_eq!(team_of(&reps, 6), vec![6]);
        assert_eq!(team_of(&reps, 7), vec![7], "a rep managing themselves is one person");
    }

    fn any_deal() -> impl Strategy<Value = DealFact> {
        let stage = prop::sample::select(DealStage::ALL.to_vec());
        let category = prop::option::of(prop::sample::select(ForecastCategory::ALL.to_vec()));
        (stage, category, 0i64..10_000_000, 0u8..=100, 0i64..200, prop::option::of(0i64..200)).prop_map(
            |(stage, over, cents, prob, day, close)| {
                let day = d(2026, 6, 1) + chrono::Days::new(day as u64);
                DealFact {
                    stage,
                    forecast_category: over,
                    amount: Money(cents),
                    probability: prob,
                    closed_on: stage.is_closed().then_some(day),
                    expected_close: close.map(|c| d(2026, 6, 1) + chrono::Days::new(c as u64)),
                    opened_on: Some(d(2026, 5, 1)),
                    ..DealFact::default()
                }
            },
        )
    }

    proptest! {
        #[test]
        fn closed_commit_and_best_case_are_nested(book in prop::collection::vec(any_deal(), 0..40)) {
            let m = deal_metrics(&book, Span::of(Period::Quarter(2026, 3), cal(1)));
            prop_assert!(m.closed() <= m.commit());
            prop_assert!(m.commit() <= m.best_case());
            prop_assert!(m.weighted <= m.pipeline);
            prop_assert!(m.best_case() <= m.won + m.pipeline);
            prop_assert!(m.forecast() >= m.closed());
            for rate in [m.win_rate_count(), m.win_rate_value()].into_iter().flatten() {
                prop_assert!((0.0..=100.0).contains(&rate));
            }
        }
    }
}
